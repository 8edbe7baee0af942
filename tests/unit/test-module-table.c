/* SPDX-License-Identifier: MIT */
/* The load table mkinitramfs writes (lib/module-table.h): lines parsed in place, file
 * sizes split off, a table wrong anywhere refused whole, module names from file names, and which kernel command
 * lines carry options for a module (those modules go to libkmod). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "module-table.h"
#include "unit.h"

/* What mkinitramfs wrote for initramfs/paios-init.conf on Debian's 6.1 arm64 kernel */
static const char debian_table[] =
        "# paios-init load table, made by mkinitramfs: NAME: the module files to insert, in order, =BYTES each\n"
        "ext4: kernel/crypto/crc32c_generic.ko=13112 kernel/fs/jbd2/jbd2.ko=182856 kernel/fs/mbcache.ko=22448 "
        "kernel/lib/crc16.ko=9152 kernel/fs/ext4/ext4.ko=1266592\n"
        "overlay: kernel/fs/overlayfs/overlay.ko=232312\n"
        "virtio_pci: kernel/drivers/virtio/virtio_pci_modern_dev.ko=17608 "
        "kernel/drivers/virtio/virtio_pci_legacy_dev.ko=12800 kernel/drivers/virtio/virtio_pci.ko=48800\n"
        "crc32c:\n";

static void test_parse_debian(void) {
        unit_case("the table mkinitramfs writes");
        char *text = strdup(debian_table);
        struct module_table t;
        unsigned line = 0;
        CHECK_ERR(module_table_parse(text, &t, &line), 0);
        CHECK_INTEQ(t.n, 4);
        const struct module_chain *c = module_table_find(&t, "ext4");
        CHECK(c != NULL);
        if (c) {
                CHECK_INTEQ(c->n, 5);
                CHECK_STREQ(c->path[0], "kernel/crypto/crc32c_generic.ko"); /* the softdep first */
                CHECK_STREQ(c->path[4], "kernel/fs/ext4/ext4.ko");          /* the module last */
                CHECK_INTEQ(c->bytes[0], 13112);
                CHECK_INTEQ(c->bytes[4], 1266592);
        }
        c = module_table_find(&t, "crc32c");
        CHECK(c != NULL && c->n == 0); /* built in: nothing to insert, and known */
        CHECK(module_table_find(&t, "virtio_blk") == NULL);
        CHECK(module_table_find(&t, "ext") == NULL);
        free(text);
}

static void test_parse_lines(void) {
        static const struct {
                const char *name, *text;
                int ret;
                unsigned bad_line;
                size_t n;
        } cases[] = {
                {"empty", "", 0, 0, 0},
                {"comments and blank lines", "# x\n\n   \n\t# y\n", 0, 0, 0},
                {"blanks around", "  ext4 :\tkernel/a.ko   kernel/b.ko \r\n", 0, 0, 1},
                {"no newline at the end", "a: a.ko", 0, 0, 1},
                {"no colon", "ext4 kernel/fs/ext4.ko\n", -EINVAL, 1, 0},
                {"empty name", ": a.ko\n", -EINVAL, 1, 0},
                {"name with a blank", "ext 4: a.ko\n", -EINVAL, 1, 0},
                {"absolute path", "a: /lib/modules/a.ko\n", -EINVAL, 1, 0},
                {"path out of the tree", "a: ../a.ko\n", -EINVAL, 1, 0},
                {"path out of the tree, inside", "a: kernel/../../a.ko\n", -EINVAL, 1, 0},
                {"path out of the tree, deeper", "a: kernel/fs/../../../a.ko\n", -EINVAL, 1, 0},
                {"dots in a name are no \"..\"", "a: kernel/..fs/a..b.ko kernel/x../.a.ko\n", 0, 0, 1},
                {"compressed module", "a: kernel/a.ko.xz\n", -EINVAL, 1, 0},
                {"not a module", "a: kernel/a.o\n", -EINVAL, 1, 0},
                {"bare .ko", "a: .ko\n", -EINVAL, 1, 0},
                {"sizes on some files", "a: a.ko=1 b.ko c.ko=4294967295\n", 0, 0, 1},
                {"size empty", "a: a.ko=\n", -EINVAL, 1, 0},
                {"size 0", "a: a.ko=0\n", -EINVAL, 1, 0},
                {"size not a number", "a: a.ko=12k\n", -EINVAL, 1, 0},
                {"size negative", "a: a.ko=-1\n", -EINVAL, 1, 0},
                {"size of 4 GiB", "a: a.ko=4294967296\n", -EINVAL, 1, 0},
                {"size without a file", "a: =12\n", -EINVAL, 1, 0},
                {"size on a compressed module", "a: a.ko.xz=12\n", -EINVAL, 1, 0},
                {"wrong on line 3: the whole table refused", "# c\na: a.ko\nb c.ko\n", -EINVAL, 3, 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("%s", cases[i].name);
                char *text = strdup(cases[i].text);
                struct module_table t;
                unsigned line = 0;
                CHECK_ERR(module_table_parse(text, &t, &line), cases[i].ret);
                CHECK_INTEQ(line, cases[i].bad_line);
                CHECK_INTEQ(t.n, cases[i].n);
                free(text);
        }
        unit_case("blanks around: name and paths trimmed");
        char text[] = "  ext4 :\tkernel/a.ko   kernel/b.ko \r\n";
        struct module_table t;
        CHECK_ERR(module_table_parse(text, &t, NULL), 0);
        CHECK_STREQ(t.chain[0].name, "ext4");
        CHECK_INTEQ(t.chain[0].n, 2);
        CHECK_STREQ(t.chain[0].path[1], "kernel/b.ko");
        CHECK_INTEQ(t.chain[0].bytes[1], 0); /* no size: the loader stats the file */

        unit_case("sizes split from their files");
        char sized[] = "a: k/a.ko=1 k/b.ko k/c.ko=4294967295\n";
        CHECK_ERR(module_table_parse(sized, &t, NULL), 0);
        CHECK_STREQ(t.chain[0].path[0], "k/a.ko");
        CHECK_INTEQ(t.chain[0].bytes[0], 1);
        CHECK_STREQ(t.chain[0].path[1], "k/b.ko");
        CHECK_INTEQ(t.chain[0].bytes[1], 0);
        CHECK_STREQ(t.chain[0].path[2], "k/c.ko");
        CHECK_INTEQ(t.chain[0].bytes[2], 4294967295U);
}

static void test_parse_limits(void) {
        unit_case("as many lines and files as fit");
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        for (int i = 0; i < MODULE_TABLE_LINES_MAX; i++) {
                (void)fprintf(f, "m%d:", i);
                for (int k = 0; k < MODULE_TABLE_CHAIN_MAX; k++)
                        (void)fprintf(f, " d%d.ko", k);
                (void)fputc('\n', f);
        }
        (void)fclose(f);
        struct module_table t;
        CHECK_ERR(module_table_parse(text, &t, NULL), 0);
        CHECK_INTEQ(t.n, MODULE_TABLE_LINES_MAX);
        free(text);

        unit_case("one line too many");
        text = NULL;
        f = open_memstream(&text, &len);
        for (int i = 0; i <= MODULE_TABLE_LINES_MAX; i++)
                (void)fprintf(f, "m%d: a.ko\n", i);
        (void)fclose(f);
        unsigned line = 0;
        CHECK_ERR(module_table_parse(text, &t, &line), -E2BIG);
        CHECK_INTEQ(line, MODULE_TABLE_LINES_MAX + 1);
        CHECK_INTEQ(t.n, 0);
        free(text);

        unit_case("one file too many");
        text = NULL;
        f = open_memstream(&text, &len);
        (void)fputs("m:", f);
        for (int k = 0; k <= MODULE_TABLE_CHAIN_MAX; k++)
                (void)fprintf(f, " d%d.ko", k);
        (void)fclose(f);
        CHECK_ERR(module_table_parse(text, &t, &line), -E2BIG);
        free(text);
}

static void test_name_from_path(void) {
        static const struct {
                const char *path, *name;
                int ret;
        } cases[] = {
                {"kernel/fs/ext4/ext4.ko", "ext4", 0},
                {"kernel/crypto/crc32c-generic.ko", "crc32c_generic", 0},
                {"virtio_blk.ko", "virtio_blk", 0},
                {"kernel/fs/ext4/ext4.ko.xz", NULL, -EINVAL},
                {"kernel/fs/ext4/ext4", NULL, -EINVAL},
                {"kernel/.ko", NULL, -EINVAL},
                {"kernel/a_module_name_longer_than_the_buffer.ko", NULL, -ENAMETOOLONG},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("%s", cases[i].path);
                char buf[24] = "";
                CHECK_ERR(module_name_from_path(cases[i].path, buf, sizeof buf), cases[i].ret);
                if (cases[i].name)
                        CHECK_STREQ(buf, cases[i].name);
        }
}

static void test_cmdline_names_module(void) {
        static const struct {
                const char *cmdline, *module;
                bool names;
        } cases[] = {
                {"console=ttyAMA0 rauc.slot=A", "ext4", false},
                {"ext4.foo=1", "ext4", true},
                {"rauc.slot=A overlay.metacopy=Y\n", "overlay", true},
                {"quiet virtio-pci.force_legacy=1", "virtio_pci", true},
                {"quiet virtio_pci.force_legacy=1", "virtio_pci", true},
                {"x \"ext4.opt=a b\"", "ext4", true},
                {"ext4dev.foo=1", "ext4", false},
                {"myext4.foo=1", "ext4", false},
                {"root=/dev/ext4.img", "ext4", false},
                {"ext4", "ext4", false},
                {"ext4=1", "ext4", false},
                {"ext4.flag", "ext4", true},
                {"ext4.foo=1", "", false},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("\"%s\" for %s", cases[i].cmdline, cases[i].module);
                CHECK(cmdline_names_module(cases[i].cmdline, cases[i].module) == cases[i].names);
        }
}

int main(void) {
        test_parse_debian();
        test_parse_lines();
        test_parse_limits();
        test_name_from_path();
        test_cmdline_names_module();
        return unit_exit();
}
