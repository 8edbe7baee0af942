/* SPDX-License-Identifier: MIT */
/* rauc-conf.h: RAUC's system.conf, read for the slots' bootnames and devices. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "rauc-conf.h"
#include "unit.h"

/* A system.conf as a product ships it: rootfs A/B with bootnames, appfs children without,
 * a bootloader slot, and the groups and keys the initramfs does not care about. */
static const char realistic[] =
        "# RAUC system configuration\n"
        "[system]\n"
        "compatible=paios-qemu-arm64\n"
        "bootloader=uboot\n"
        "data-directory=/data/rauc\n"
        "max-bundle-download-size=536870912\n"
        "\n"
        "[keyring]\n"
        "path=/etc/rauc/keyring.pem\n"
        "use-bundle-signing-time=true\n"
        "\n"
        "[handlers]\n"
        "pre-install=/usr/lib/rauc/pre-install\n"
        "\n"
        "[slot.rootfs.0]\n"
        "device=/dev/disk/by-partlabel/rootfs-a\n"
        "type=ext4\n"
        "bootname=A\n"
        "\n"
        "[slot.rootfs.1]\n"
        "device=/dev/disk/by-partlabel/rootfs-b\n"
        "type=ext4\n"
        "bootname=B\n"
        "\n"
        "[slot.appfs.0]\n"
        "device=/dev/disk/by-partlabel/appfs-a\n"
        "type=ext4\n"
        "parent=rootfs.0\n"
        "\n"
        "[slot.appfs.1]\n"
        "device=/dev/disk/by-partlabel/appfs-b\n"
        "type=ext4\n"
        "parent=rootfs.1\n"
        "\n"
        "[slot.bootloader.0]\n"
        "device=/dev/mmcblk0boot0\n"
        "type=boot-emmc\n";

struct slot_expect {
        const char *name, *bootname, *device, *type, *parent;
};

static void check_slots(const struct rauc_system *sys, const struct slot_expect *want, size_t n) {
        CHECK_INTEQ(sys->n_slots, n);
        for (size_t i = 0; i < n && i < sys->n_slots; i++) {
                CHECK_STREQ(sys->slots[i].name, want[i].name);
                CHECK_STREQ(sys->slots[i].bootname, want[i].bootname);
                CHECK_STREQ(sys->slots[i].device, want[i].device);
                CHECK_STREQ(sys->slots[i].type, want[i].type);
                CHECK_STREQ(sys->slots[i].parent, want[i].parent);
        }
}

static void test_realistic(void) {
        unit_case("rauc_system_parse: a realistic system.conf");
        static const struct slot_expect want[] = {
                {"rootfs.0", "A", "/dev/disk/by-partlabel/rootfs-a", "ext4", ""},
                {"rootfs.1", "B", "/dev/disk/by-partlabel/rootfs-b", "ext4", ""},
                {"appfs.0", "", "/dev/disk/by-partlabel/appfs-a", "ext4", "rootfs.0"},
                {"appfs.1", "", "/dev/disk/by-partlabel/appfs-b", "ext4", "rootfs.1"},
                {"bootloader.0", "", "/dev/mmcblk0boot0", "boot-emmc", ""},
        };
        struct rauc_system sys;
        struct diag d = {0};
        if (!CHECK_ERR(rauc_system_parse(realistic, strlen(realistic), &sys, &d), 0)) {
                CHECK_STREQ(d.error, "");
                return;
        }
        CHECK_STREQ(d.error, "");
        CHECK_INTEQ(d.n_warn, 0);
        CHECK_STREQ(sys.compatible, "paios-qemu-arm64");
        CHECK_STREQ(sys.bootloader, "uboot");
        check_slots(&sys, want, ELEMENTSOF(want));
}

/* Smaller texts that parse, checked slot by slot. */
#define SYSTEM "[system]\ncompatible=c\nbootloader=uboot\n"
static const struct {
        const char *name;
        const char *text;
        const char *compatible, *bootloader;
        struct slot_expect slots[4];
        size_t n_slots;
} parse_ok[] = {
        {.name = "no slots at all", .text = SYSTEM, .compatible = "c", .bootloader = "uboot", .n_slots = 0},
        {.name = "[system] after the slots, values with white space and escapes",
         .text = "[slot.rootfs.0]\ndevice = /dev/vda2 \nbootname = A\n"
                 "[system]\ncompatible = my\\sproduct\nbootloader = barebox\n",
         .compatible = "my product",
         .bootloader = "barebox",
         .slots = {{"rootfs.0", "A", "/dev/vda2", "", ""}},
         .n_slots = 1},
        {.name = "slot without type or bootname",
         .text = SYSTEM "[slot.data.0]\ndevice=/dev/vda5\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"data.0", "", "/dev/vda5", "", ""}},
         .n_slots = 1},
        {.name = "repeated key in a slot: the last wins",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/old\nbootname=X\ndevice=/dev/vda2\nbootname=A\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"rootfs.0", "A", "/dev/vda2", "", ""}},
         .n_slots = 1},
        {.name = "a slot's group given twice is one slot",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\n[slot.rootfs.1]\ndevice=/dev/vda3\nbootname=B\n"
                        "[slot.rootfs.0]\nbootname=A\ntype=ext4\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"rootfs.0", "A", "/dev/vda2", "ext4", ""}, {"rootfs.1", "B", "/dev/vda3", "", ""}},
         .n_slots = 2},
        {.name = "repeated [system] keys: the last wins",
         .text = "[system]\ncompatible=old\nbootloader=grub\ncompatible=new\nbootloader=uboot\n",
         .compatible = "new",
         .bootloader = "uboot",
         .n_slots = 0},
        {.name = "slot names with more dots: class is everything before the last",
         .text = SYSTEM "[slot.root.fs.0]\ndevice=/dev/vda2\nbootname=A\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"root.fs.0", "A", "/dev/vda2", "", ""}},
         .n_slots = 1},
        {.name = "groups that merely start with 'slot' are no slots",
         .text = SYSTEM "[slots.rootfs.0]\ndevice=/dev/x\n[slot]\ndevice=/dev/y\n[artifacts.apps]\ntype=trees\n",
         .compatible = "c",
         .bootloader = "uboot",
         .n_slots = 0},
        {.name = "bootnames are case-sensitive: a and A are two",
         .text = SYSTEM "[slot.r.0]\ndevice=/dev/vda2\nbootname=a\n[slot.r.1]\ndevice=/dev/vda3\nbootname=A\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"r.0", "a", "/dev/vda2", "", ""}, {"r.1", "A", "/dev/vda3", "", ""}},
         .n_slots = 2},
        {.name = "two slots without bootname are fine",
         .text = SYSTEM "[slot.a.0]\ndevice=/dev/vda5\n[slot.a.1]\ndevice=/dev/vda6\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"a.0", "", "/dev/vda5", "", ""}, {"a.1", "", "/dev/vda6", "", ""}},
         .n_slots = 2},
        {.name = "device is not interpreted here (plan.c parses it)",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/disk/by-id/whatever\nbootname=A\n",
         .compatible = "c",
         .bootloader = "uboot",
         .slots = {{"rootfs.0", "A", "/dev/disk/by-id/whatever", "", ""}},
         .n_slots = 1},
};

static void test_parse_ok(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse_ok); i++) {
                const typeof(parse_ok[0]) *t = &parse_ok[i];
                unit_case("rauc_system_parse ok: %s", t->name);
                struct rauc_system sys;
                struct diag d = {0};
                if (!CHECK_ERR(rauc_system_parse(t->text, strlen(t->text), &sys, &d), 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                CHECK_STREQ(sys.compatible, t->compatible);
                CHECK_STREQ(sys.bootloader, t->bootloader);
                check_slots(&sys, t->slots, t->n_slots);
        }
}

/* text with its "%s" replaced by fill copies of c */
static char *fill_in(const char *text, char c, size_t fill) {
        const char *at = strstr(text, "%s");
        if (!at)
                return unit_format("%s", text);
        _cleanup_free_ char *s = unit_repeat(c, fill);
        return unit_format("%.*s%s%s", (int)(at - text), text, s, at + 2);
}

/* Texts that are refused; "%s" in text stands for fill copies of c. */
static const struct {
        const char *name;
        const char *text;
        size_t len; /* 0: strlen(text); set for a text with a NUL byte */
        size_t fill;
        char c;
        int ret;
        const char *error;
} parse_fail[] = {
        {.name = "empty text", .text = "", .ret = -EINVAL, .error = "[system] needs compatible= and bootloader="},
        {.name = "no [system] group",
         .text = "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=A\n",
         .ret = -EINVAL,
         .error = "[system] needs compatible= and bootloader="},
        {.name = "[system] without compatible", .text = "[system]\nbootloader=uboot\n", .ret = -EINVAL, .error = "[system] needs"},
        {.name = "[system] without bootloader", .text = "[system]\ncompatible=c\n", .ret = -EINVAL, .error = "[system] needs"},
        {.name = "compatible in another group",
         .text = "[System]\ncompatible=c\nbootloader=uboot\n",
         .ret = -EINVAL,
         .error = "[system] needs"},
        {.name = "keyfile syntax error", .text = "[system\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "NUL byte",
         .text = "[system]\ncompatible=c\0\nbootloader=uboot\n",
         .len = sizeof "[system]\ncompatible=c\0\nbootloader=uboot\n" - 1,
         .ret = -EINVAL,
         .error = "NUL byte"},
        {.name = "slot without device",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=A\n[slot.rootfs.1]\nbootname=B\ntype=ext4\n",
         .ret = -EINVAL,
         .error = "[slot.rootfs.1] has no device="},
        {.name = "slot with an empty device",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=\nbootname=A\n",
         .ret = -EINVAL,
         .error = "[slot.rootfs.0] has no device="},
        /* RAUC refuses a slot group without device= whatever else it holds, a group
         * without any key included */
        {.name = "slot group without any key has no device",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=A\n[slot.rootfs.1]\n",
         .ret = -EINVAL,
         .error = "[slot.rootfs.1] has no device="},
        {.name = "two slots, one bootname",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=A\n[slot.rootfs.1]\ndevice=/dev/vda3\nbootname=A\n",
         .ret = -ENOTUNIQ,
         .error = "slots rootfs.0 and rootfs.1 share bootname A"},
        {.name = "a third slot repeats the first's bootname",
         .text = SYSTEM "[slot.r.0]\ndevice=/dev/vda2\nbootname=A\n[slot.r.1]\ndevice=/dev/vda3\nbootname=B\n"
                        "[slot.x.0]\ndevice=/dev/vda4\nbootname=A\n",
         .ret = -ENOTUNIQ,
         .error = "slots r.0 and x.0 share bootname A"},
        {.name = "invalid bootname: space",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=A B\n",
         .ret = -EINVAL,
         .error = "[slot.rootfs.0] bootname=A B is not a valid bootname"},
        {.name = "invalid bootname: slash",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=../A\n",
         .ret = -EINVAL,
         .error = "is not a valid bootname"},
        {.name = "bootname of 63 bytes is fine, 64 is too long",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=%s\n",
         .fill = RAUC_NAME_MAX,
         .c = 'b',
         .ret = -ENAMETOOLONG,
         .error = "[slot.rootfs.0] bootname= is longer than 63 bytes"},
        {.name = "device of RAUC_DEVICE_MAX bytes",
         .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/%s\n",
         .fill = RAUC_DEVICE_MAX - 5,
         .c = 'd',
         .ret = -ENAMETOOLONG,
         .error = "[slot.rootfs.0] device= is longer than 255 bytes"},
        {.name = "type of 32 bytes", .text = SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\ntype=%s\n", .fill = 32, .c = 't',
         .ret = -ENAMETOOLONG, .error = "[slot.rootfs.0] type= is longer than 31 bytes"},
        {.name = "parent of RAUC_NAME_MAX bytes", .text = SYSTEM "[slot.appfs.0]\ndevice=/dev/vda2\nparent=%s\n",
         .fill = RAUC_NAME_MAX, .c = 'p', .ret = -ENAMETOOLONG, .error = "[slot.appfs.0] parent= is longer than 63 bytes"},
        {.name = "compatible of RAUC_DEVICE_MAX bytes", .text = "[system]\ncompatible=%s\nbootloader=uboot\n",
         .fill = RAUC_DEVICE_MAX, .c = 'c', .ret = -ENAMETOOLONG, .error = "[system] compatible= is longer than 255 bytes"},
        {.name = "bootloader of 32 bytes", .text = "[system]\ncompatible=c\nbootloader=%s\n", .fill = 32, .c = 'u',
         .ret = -ENAMETOOLONG, .error = "[system] bootloader= is longer than 31 bytes"},
        {.name = "slot name without index", .text = SYSTEM "[slot.rootfs]\ndevice=/dev/vda2\n", .ret = -EINVAL,
         .error = "[slot.rootfs] is not a slot name of the form slot.<class>.<index>"},
        {.name = "slot name without class", .text = SYSTEM "[slot..0]\ndevice=/dev/vda2\n", .ret = -EINVAL,
         .error = "[slot..0] is not a slot name"},
        {.name = "slot name ending in a dot", .text = SYSTEM "[slot.rootfs.]\ndevice=/dev/vda2\n", .ret = -EINVAL,
         .error = "[slot.rootfs.] is not a slot name"},
        {.name = "slot name empty", .text = SYSTEM "[slot.]\ndevice=/dev/vda2\n", .ret = -EINVAL,
         .error = "[slot.] is not a slot name"},
        {.name = "slot name of RAUC_NAME_MAX bytes", .text = SYSTEM "[slot.%s.0]\ndevice=/dev/vda2\n",
         .fill = RAUC_NAME_MAX - 2, .c = 'n', .ret = -EINVAL, .error = "is not a slot name"},
};

static void test_parse_fail(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse_fail); i++) {
                const typeof(parse_fail[0]) *t = &parse_fail[i];
                unit_case("rauc_system_parse fails: %s", t->name);
                _cleanup_free_ char *filled = t->fill ? fill_in(t->text, t->c, t->fill) : NULL;
                const char *text = filled ? filled : t->text;
                size_t len = t->len ? t->len : strlen(text);
                struct rauc_system sys = {.n_slots = 99};
                struct diag d = {0};
                int r = rauc_system_parse(text, len, &sys, &d);
                CHECK_ERR(r, t->ret);
                if (r < 0) {
                        CHECK_CONTAINS(d.error, t->error);
                        CHECK_INTEQ(sys.n_slots, 99); /* *ret untouched */
                }
        }

        /* the one-byte-shorter twins of the overlong cases parse */
        static const struct {
                const char *name;
                const char *text;
                size_t fill;
        } fits[] = {
                {"bootname of 63 bytes", SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\nbootname=%s\n", RAUC_NAME_MAX - 1},
                {"device of 255 bytes", SYSTEM "[slot.rootfs.0]\ndevice=/dev/%s\n", RAUC_DEVICE_MAX - 6},
                {"type of 31 bytes", SYSTEM "[slot.rootfs.0]\ndevice=/dev/vda2\ntype=%s\n", 31},
                {"parent of 63 bytes", SYSTEM "[slot.appfs.0]\ndevice=/dev/vda2\nparent=%s\n", RAUC_NAME_MAX - 1},
                {"compatible of 255 bytes", "[system]\ncompatible=%s\nbootloader=uboot\n", RAUC_DEVICE_MAX - 1},
                {"bootloader of 31 bytes", "[system]\ncompatible=c\nbootloader=%s\n", 31},
                {"slot name of 63 bytes", SYSTEM "[slot.%s.0]\ndevice=/dev/vda2\n", RAUC_NAME_MAX - 3},
        };
        for (size_t i = 0; i < ELEMENTSOF(fits); i++) {
                unit_case("rauc_system_parse ok: %s", fits[i].name);
                _cleanup_free_ char *text = fill_in(fits[i].text, 'x', fits[i].fill);
                struct rauc_system sys;
                struct diag d = {0};
                CHECK_ERR(rauc_system_parse(text, strlen(text), &sys, &d), 0);
                CHECK_STREQ(d.error, "");
        }
}

/* RAUC_SLOTS_MAX slots parse, one more is refused. */
static void test_slots_max(void) {
        static const struct {
                size_t n;
                int ret;
        } cases[] = {{RAUC_SLOTS_MAX, 0}, {RAUC_SLOTS_MAX + 1, -E2BIG}};
        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                unit_case("rauc_system_parse: %zu slots", cases[c].n);
                _cleanup_free_ char *text = unit_format("%s", SYSTEM);
                for (size_t i = 0; i < cases[c].n; i++) {
                        char *next = unit_format("%s[slot.s.%zu]\ndevice=/dev/vd%zu\nbootname=S%zu\n", text, i, i, i);
                        free(text);
                        text = next;
                }
                struct rauc_system sys;
                struct diag d = {0};
                int r = rauc_system_parse(text, strlen(text), &sys, &d);
                CHECK_ERR(r, cases[c].ret);
                if (r < 0)
                        CHECK_CONTAINS(d.error, "more than 32 slots");
                else {
                        CHECK_INTEQ(sys.n_slots, cases[c].n);
                        CHECK_STREQ(sys.slots[RAUC_SLOTS_MAX - 1].name, "s.31");
                        CHECK_STREQ(sys.slots[RAUC_SLOTS_MAX - 1].bootname, "S31");
                }
        }
}

static const struct {
        const char *name;
        const char *text; /* NULL: the realistic system.conf */
        const char *bootname;
        int ret;
        const char *slot;  /* the slot found */
        const char *error; /* fragment: names the bootnames that exist */
} find[] = {
        {"A", NULL, "A", 0, "rootfs.0", NULL},
        {"B", NULL, "B", 0, "rootfs.1", NULL},
        {"unknown bootname lists the known ones", NULL, "C", -ENOENT, NULL,
         "no slot in system.conf has bootname \"C\" (bootnames: A, B)"},
        {"bootnames are case-sensitive", NULL, "a", -ENOENT, NULL, "(bootnames: A, B)"},
        {"a slot name is no bootname", NULL, "rootfs.0", -ENOENT, NULL, "bootname \"rootfs.0\""},
        {"empty bootname matches no slot without one", NULL, "", -ENOENT, NULL, "(bootnames: A, B)"},
        {"no slot has a bootname", SYSTEM "[slot.data.0]\ndevice=/dev/vda5\n", "A", -ENOENT, NULL, "(bootnames: none)"},
        {"no slots at all", SYSTEM, "A", -ENOENT, NULL, "(bootnames: none)"},
        {"bootnames listed in file order",
         SYSTEM "[slot.r.0]\ndevice=/dev/a\nbootname=system0\n[slot.r.1]\ndevice=/dev/b\nbootname=system1\n"
                "[slot.x.0]\ndevice=/dev/c\n[slot.r.2]\ndevice=/dev/d\nbootname=recovery\n",
         "B", -ENOENT, NULL, "(bootnames: system0, system1, recovery)"},
        {"found among slots without bootname",
         SYSTEM "[slot.x.0]\ndevice=/dev/c\n[slot.r.2]\ndevice=/dev/d\nbootname=recovery\n", "recovery", 0, "r.2", NULL},
};

static void test_find_bootname(void) {
        for (size_t i = 0; i < ELEMENTSOF(find); i++) {
                unit_case("rauc_system_find_bootname(\"%s\"): %s", find[i].bootname, find[i].name);
                const char *text = find[i].text ? find[i].text : realistic;
                struct rauc_system sys;
                if (!CHECK_ERR(rauc_system_parse(text, strlen(text), &sys, NULL), 0))
                        continue;
                const struct rauc_slot *slot = NULL;
                struct diag d = {0};
                int r = rauc_system_find_bootname(&sys, find[i].bootname, &slot, &d);
                CHECK_ERR(r, find[i].ret);
                if (r == 0) {
                        CHECK(slot != NULL);
                        if (slot)
                                CHECK_STREQ(slot->name, find[i].slot);
                        CHECK_STREQ(d.error, "");
                } else {
                        CHECK(slot == NULL);
                        CHECK_CONTAINS(d.error, find[i].error);
                }
                CHECK_ERR(rauc_system_find_bootname(&sys, find[i].bootname, &slot, NULL), find[i].ret);
        }

        /* many long bootnames: the list is cut, the message stays a bounded string */
        unit_case("rauc_system_find_bootname: RAUC_SLOTS_MAX long bootnames in the message");
        _cleanup_free_ char *text = unit_format("%s", SYSTEM);
        for (size_t i = 0; i < RAUC_SLOTS_MAX; i++) {
                char *next = unit_format("%s[slot.s.%zu]\ndevice=/dev/vd%zu\nbootname=%060zu\n", text, i, i, i);
                free(text);
                text = next;
        }
        struct rauc_system sys;
        if (CHECK_ERR(rauc_system_parse(text, strlen(text), &sys, NULL), 0)) {
                const struct rauc_slot *slot = NULL;
                struct diag d = {0};
                CHECK_ERR(rauc_system_find_bootname(&sys, "X", &slot, &d), -ENOENT);
                CHECK_CONTAINS(d.error, "bootname \"X\" (bootnames: 000000000000000000000000000000000000000000000000000000000000, ");
                CHECK(strlen(d.error) < DIAG_TEXT_MAX);
        }
}

int main(void) {
        test_realistic();
        test_parse_ok();
        test_parse_fail();
        test_slots_max();
        test_find_bootname();
        return unit_exit();
}
