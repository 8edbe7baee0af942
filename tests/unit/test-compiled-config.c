/* SPDX-License-Identifier: MIT */
/* compiled-config.h: the configuration mkinitramfs compiles, and the checks that make /init
 * fall back to the texts. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "compiled-config.h"
#include "keyfile.h"
#include "macro.h"
#include "unit.h"

static const char conf_text[] =
        "[boot]\n"
        "failure-action = shell\n"
        "[modules]\n"
        "load = virtio_blk ext4\n"
        "coldplug = false\n"
        "[watchdog]\n"
        "timeout = 45\n";

static const char sys_text[] =
        "[system]\n"
        "compatible=paios-test\n"
        "bootloader=uboot\n"
        "[slot.rootfs.0]\n"
        "device=/dev/disk/by-partlabel/rootfs-a\n"
        "type=ext4\n"
        "bootname=A\n"
        "[slot.rootfs.1]\n"
        "device=PARTUUID=0123-02\n"
        "bootname=B\n";

static struct config config;
static struct rauc_system sys;
static char blob[COMPILED_CONFIG_SIZE_MAX];
static int blob_len;

/* What the compiler writes: both texts parsed by lib/, as /init would. */
static void compile_both(void) {
        config_defaults(&config);
        struct keyfile kf;
        struct diag d = {0};
        CHECK_ERR(keyfile_parse(conf_text, strlen(conf_text), &kf, &d), 0);
        CHECK_ERR(config_apply_keyfile(&config, &kf, &d), 0);
        keyfile_free(&kf);
        CHECK_ERR(rauc_system_parse(sys_text, strlen(sys_text), &sys, &d), 0);
        blob_len = compiled_config_write(&config, conf_text, strlen(conf_text), &sys, sys_text, strlen(sys_text), NULL,
                                         NULL, 0, blob, sizeof blob);
        CHECK(blob_len > 0);
}

static void test_roundtrip(void) {
        unit_case("round trip");
        compile_both();
        CHECK_ERR(compiled_config_check(blob, (size_t)blob_len), 0);
        static struct config got;
        CHECK_ERR(compiled_config_get_config(blob, (size_t)blob_len, conf_text, strlen(conf_text), &got), 0);
        CHECK(memcmp(&got, &config, sizeof got) == 0);
        CHECK_INTEQ(got.failure_action, FAILURE_SHELL);
        CHECK_INTEQ(got.n_modules, 2);
        CHECK_STREQ(got.modules[1], "ext4");
        CHECK_INTEQ(got.watchdog_timeout_s, 45);
        static struct rauc_system gs;
        memset(&gs, 0x5a, sizeof gs);
        CHECK_ERR(compiled_config_get_system(blob, (size_t)blob_len, sys_text, strlen(sys_text), &gs), 0);
        CHECK_INTEQ(gs.n_slots, 2);
        CHECK_STREQ(gs.compatible, "paios-test");
        CHECK_STREQ(gs.bootloader, "uboot");
        CHECK_STREQ(gs.slots[1].device, "PARTUUID=0123-02");
        const struct rauc_slot *slot;
        CHECK_ERR(rauc_system_find_bootname(&gs, "A", &slot, NULL), 0);
        CHECK_STREQ(slot->device, "/dev/disk/by-partlabel/rootfs-a");
        CHECK_STREQ(slot->type, "ext4");
}

/* A text edited after mkinitramfs (a second archive laid over the first, a hand edit of an
 * unpacked tree): the compiled part is stale, whatever else is right. */
static void test_stale(void) {
        unit_case("stale texts");
        compile_both();
        static struct config got;
        static char edited[sizeof conf_text];
        memcpy(edited, conf_text, sizeof conf_text);
        edited[strlen(edited) - 2] = '6'; /* timeout = 46, same length */
        CHECK_ERR(compiled_config_get_config(blob, (size_t)blob_len, edited, strlen(edited), &got), -ESTALE);
        CHECK_ERR(compiled_config_get_config(blob, (size_t)blob_len, conf_text, strlen(conf_text) - 1, &got), -ESTALE);
        static struct rauc_system gs;
        CHECK_ERR(compiled_config_get_system(blob, (size_t)blob_len, conf_text, strlen(conf_text), &gs), -ESTALE);
        CHECK_ERR(compiled_config_get_system(blob, (size_t)blob_len, "", 0, &gs), -ESTALE);
}

/* Parts not compiled (no --config or no --system-conf given to mkinitramfs). */
static void test_parts_absent(void) {
        unit_case("parts absent");
        config_defaults(&config);
        blob_len = compiled_config_write(&config, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, blob, sizeof blob);
        CHECK(blob_len > 0);
        CHECK_ERR(compiled_config_check(blob, (size_t)blob_len), 0);
        static struct config got;
        static struct rauc_system gs;
        CHECK_ERR(compiled_config_get_config(blob, (size_t)blob_len, "", 0, &got), -ENOENT);
        CHECK_ERR(compiled_config_get_system(blob, (size_t)blob_len, "", 0, &gs), -ENOENT);
}

/* Not a compiled configuration of this build: rejected before any part is used. */
static void test_rejected(void) {
        compile_both();
        static char bad[COMPILED_CONFIG_SIZE_MAX];
        static struct config got;
        size_t len = (size_t)blob_len;

        unit_case("empty and truncated");
        CHECK_ERR(compiled_config_check(blob, 0), -EINVAL);
        CHECK_ERR(compiled_config_check(blob, 16), -EINVAL);
        CHECK_ERR(compiled_config_check(blob, len - 1), -EINVAL);
        CHECK_ERR(compiled_config_get_config(blob, len - 1, conf_text, strlen(conf_text), &got), -EINVAL);

        unit_case("trailing bytes");
        memcpy(bad, blob, len);
        CHECK_ERR(compiled_config_check(bad, len + 1), -EINVAL);

        unit_case("magic");
        memcpy(bad, blob, len);
        bad[0] ^= 1;
        CHECK_ERR(compiled_config_check(bad, len), -EINVAL);

        unit_case("another build's sources");
        memcpy(bad, blob, len);
        bad[8] ^= 1; /* the ABI id follows the magic */
        CHECK_ERR(compiled_config_check(bad, len), -EPROTO);
        CHECK_ERR(compiled_config_get_config(bad, len, conf_text, strlen(conf_text), &got), -EPROTO);

        unit_case("byte order and layout");
        for (size_t off = 24; off < 36; off++) { /* byte order, config size, slot size */
                memcpy(bad, blob, len);
                bad[off] ^= 0x40;
                CHECK_ERR(compiled_config_check(bad, len), -EINVAL);
        }

        unit_case("damaged payload");
        for (size_t off = 112; off < len; off += 997) { /* the payload starts after payload_hash */
                memcpy(bad, blob, len);
                bad[off] ^= 0x01;
                CHECK_ERR(compiled_config_check(bad, len), -EINVAL);
        }
        memcpy(bad, blob, len);
        bad[len - 1] ^= 0x80;
        CHECK_ERR(compiled_config_check(bad, len), -EINVAL);
        memcpy(bad, blob, len);
        bad[104] ^= 0x01; /* the hash itself, after the module plan's counts */
        CHECK_ERR(compiled_config_check(bad, len), -EINVAL);

        unit_case("slot count past the table");
        memcpy(bad, blob, len);
        uint32_t n = RAUC_SLOTS_MAX + 1;
        memcpy(bad + 72, &n, sizeof n); /* n_slots: after 24 + 4 * 4 + 4 * 8 bytes */
        CHECK_ERR(compiled_config_check(bad, len), -EINVAL);
}

static void test_small_buffer(void) {
        unit_case("buffer too small");
        config_defaults(&config);
        CHECK_ERR(compiled_config_write(&config, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, blob, 100), -ENOBUFS);
}

static void test_hash(void) {
        unit_case("FNV-1a 64");
        CHECK(compiled_text_hash("", 0) == 0xcbf29ce484222325u);
        CHECK(compiled_text_hash("a", 1) == 0xaf63dc4c8601ec8cu);
        CHECK(compiled_text_hash("foobar", 6) == 0x85944171f73967e8u);
}

/* The load table as mkinitramfs writes it for the benchmark's configuration. */
static const char table_text[] =
        "# paios-init load table\n"
        "virtio_blk: kernel/drivers/block/virtio_blk.ko=44985\n"
        "ext4: kernel/crypto/crc32c_generic.ko=9041 kernel/fs/jbd2/jbd2.ko=290897 kernel/fs/mbcache.ko=22441 "
        "kernel/lib/crc16.ko=5985 kernel/fs/ext4/ext4.ko=1551897\n"
        "overlay: kernel/fs/overlayfs/overlay.ko=263393\n";

static struct compiled_module_file files[COMPILED_MODULE_FILES_MAX];

/* table_text parsed (the parser splits a copy in place, which the table points into) */
static const struct module_table *parsed_table(void) {
        static char copy[sizeof table_text];
        static struct module_table t;
        memcpy(copy, table_text, sizeof table_text);
        unsigned line = 0;
        CHECK_ERR(module_table_parse(copy, &t, &line), 0);
        return &t;
}

/* compile_both() and the plan for its configuration from table_text */
static void compile_with_modules(void) {
        compile_both();
        static struct compiled_module_plan mp;
        CHECK_ERR(compiled_module_plan_build(&config, parsed_table(), "6.1.0-56-arm64", files, &mp), 0);
        blob_len = compiled_config_write(&config, conf_text, strlen(conf_text), &sys, sys_text, strlen(sys_text), &mp,
                                         table_text, strlen(table_text), blob, sizeof blob);
        CHECK(blob_len > 0);
        CHECK_ERR(compiled_config_check(blob, (size_t)blob_len), 0);
}

static void test_modules(void) {
        unit_case("module plan");
        compile_with_modules();
        static struct compiled_module_plan got;
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, table_text, strlen(table_text), &config, &got), 0);
        CHECK_STREQ(got.kver, "6.1.0-56-arm64");
        CHECK_INTEQ(got.n_modules, 2); /* virtio_blk ext4 */
        CHECK_INTEQ(got.n_files, 6);
        CHECK_INTEQ(got.first[0], 0);
        CHECK_INTEQ(got.count[0], 1);
        CHECK_INTEQ(got.first[1], 1);
        CHECK_INTEQ(got.count[1], 5);
        CHECK_STREQ(got.files[0].path, "kernel/drivers/block/virtio_blk.ko");
        CHECK_STREQ(got.files[2].name, "jbd2");
        CHECK_STREQ(got.files[1].name, "crc32c_generic");
        /* two independent chains, no coldplug: ext4 (the larger) in the child */
        CHECK_INTEQ(got.worker[1], 1);
        CHECK_INTEQ(got.worker[0], 0);
        /* the rest of the file as before */
        static struct config gc;
        CHECK_ERR(compiled_config_get_config(blob, (size_t)blob_len, conf_text, strlen(conf_text), &gc), 0);
        CHECK(memcmp(&gc, &config, sizeof gc) == 0);

        unit_case("module plan: the load table changed");
        static char edited[sizeof table_text];
        memcpy(edited, table_text, sizeof table_text);
        edited[strlen(edited) - 3] = '4';
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, edited, strlen(edited), &config, &got), -ESTALE);

        unit_case("module plan: the command line changed the modules");
        static struct config changed;
        changed = config;
        changed.n_modules = 1;
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, table_text, strlen(table_text), &changed, &got),
                  -ESTALE);
        changed = config;
        memcpy(changed.modules[1], "ext3", 5);
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, table_text, strlen(table_text), &changed, &got),
                  -ESTALE);
        changed = config;
        changed.coldplug = !config.coldplug;
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, table_text, strlen(table_text), &changed, &got),
                  -ESTALE);

        unit_case("module plan: not compiled");
        compile_both();
        CHECK_ERR(compiled_config_get_modules(blob, (size_t)blob_len, table_text, strlen(table_text), &config, &got),
                  -ENOENT);

        unit_case("module plan: a module the table lacks");
        const struct module_table *t = parsed_table();
        static struct config more;
        more = config;
        memcpy(more.modules[more.n_modules++], "i6300esb", 9);
        static struct compiled_module_plan mp;
        CHECK_ERR(compiled_module_plan_build(&more, t, "6.1.0-56-arm64", files, &mp), -ENOENT);
        _cleanup_free_ char *long_kver = unit_repeat('x', COMPILED_KVER_MAX);
        CHECK_ERR(compiled_module_plan_build(&config, t, long_kver, files, &mp), -E2BIG);
}

int main(void) {
        test_roundtrip();
        test_stale();
        test_parts_absent();
        test_rejected();
        test_small_buffer();
        test_hash();
        test_modules();
        return unit_exit();
}
