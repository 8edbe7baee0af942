/* SPDX-License-Identifier: MIT */
/* data.h: the decisions about the persistent /data partition, each with its reason text:
 * what to do with the device, with e2fsck's verdict, with an existing upper; the rootfs
 * identity, factory reset, attic names, machine ids. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "data.h"
#include "macro.h"
#include "unit.h"

/* ---- data_decide_content ------------------------------------------------------------ */

static const struct {
        const char *name;
        enum data_content content;
        const char *found; /* blkid's TYPE or PTTYPE */
        bool format_blank, required;
        const char *fstype; /* data.fstype, NULL: the default ext4 */
        unsigned timeout_s;
        enum data_action action;
        const char *why;
} contents[] = {
        {"the expected filesystem", DATA_EXPECTED, "ext4", false, false, NULL, 10, DATA_USE, "ext4 found"},
        {"the expected filesystem, required", DATA_EXPECTED, "ext4", false, true, NULL, 10, DATA_USE, "ext4 found"},
        {"another configured type", DATA_EXPECTED, "btrfs", false, false, "btrfs", 10, DATA_USE, "btrfs found"},
        {"blank, format-blank: formatted", DATA_BLANK, "", true, false, NULL, 10, DATA_FORMAT,
         "no signature at all: first boot, formatting as ext4"},
        {"blank, format-blank and required: still formatted", DATA_BLANK, "", true, true, NULL, 10, DATA_FORMAT,
         "no signature at all: first boot, formatting as ext4"},
        {"blank without format-blank: fall back", DATA_BLANK, "", false, false, NULL, 10, DATA_FALL_BACK,
         "no filesystem and data.format-blank=false"},
        {"blank without format-blank, required: fail", DATA_BLANK, "", false, true, NULL, 10, DATA_FAIL,
         "no filesystem and data.format-blank=false"},
        /* never formatted, whatever format-blank says: it may be someone's data */
        {"foreign vfat: left alone", DATA_FOREIGN, "vfat", true, false, NULL, 10, DATA_FALL_BACK,
         "holds vfat, not ext4: left alone"},
        {"foreign vfat, required: fail", DATA_FOREIGN, "vfat", true, true, NULL, 10, DATA_FAIL,
         "holds vfat, not ext4: left alone"},
        {"foreign partition table", DATA_FOREIGN, "gpt", true, false, NULL, 10, DATA_FALL_BACK,
         "holds gpt, not ext4: left alone"},
        {"foreign ext4 where btrfs is configured", DATA_FOREIGN, "ext4", true, false, "btrfs", 10, DATA_FALL_BACK,
         "holds ext4, not btrfs: left alone"},
        {"foreign, unrecognised non-zero data", DATA_FOREIGN, "unrecognised non-zero data", true, false, NULL, 10,
         DATA_FALL_BACK, "holds unrecognised non-zero data, not ext4: left alone"},
        {"foreign without a type", DATA_FOREIGN, "", true, false, NULL, 10, DATA_FALL_BACK,
         "holds an unknown signature, not ext4: left alone"},
        {"foreign with a NULL type", DATA_FOREIGN, NULL, true, false, NULL, 10, DATA_FALL_BACK,
         "holds an unknown signature, not ext4: left alone"},
        {"missing: the timeout named", DATA_MISSING, NULL, true, false, NULL, 10, DATA_FALL_BACK,
         "device did not appear within 10 s"},
        {"missing after 0 s", DATA_MISSING, NULL, true, false, NULL, 0, DATA_FALL_BACK,
         "device did not appear within 0 s"},
        {"missing, required: fail", DATA_MISSING, NULL, true, true, NULL, 600, DATA_FAIL,
         "device did not appear within 600 s"},
};

static void test_decide_content(void) {
        for (size_t i = 0; i < ELEMENTSOF(contents); i++) {
                const typeof(contents[0]) *t = &contents[i];
                unit_case("data_decide_content: %s", t->name);
                struct config c;
                config_defaults(&c);
                c.data_format_blank = t->format_blank;
                c.data_required = t->required;
                c.data_timeout_s = t->timeout_s;
                if (t->fstype)
                        (void)snprintf(c.data_fstype, sizeof c.data_fstype, "%s", t->fstype);
                char why[DIAG_TEXT_MAX] = "untouched";
                CHECK_INTEQ(data_decide_content(&c, t->content, t->found, why, sizeof why), t->action);
                CHECK_STREQ(why, t->why);
        }

        unit_case("data_decide_content: an unknown content value falls back");
        struct config c;
        config_defaults(&c);
        char why[DIAG_TEXT_MAX] = "untouched";
        CHECK_INTEQ(data_decide_content(&c, (enum data_content)42, "x", why, sizeof why), DATA_FALL_BACK);
        c.data_required = true;
        CHECK_INTEQ(data_decide_content(&c, (enum data_content)42, "x", why, sizeof why), DATA_FAIL);

        unit_case("data_decide_content: without a why buffer");
        c.data_required = false;
        CHECK_INTEQ(data_decide_content(&c, DATA_EXPECTED, "ext4", NULL, 0), DATA_USE);
        CHECK_INTEQ(data_decide_content(&c, DATA_MISSING, NULL, NULL, 0), DATA_FALL_BACK);

        unit_case("data_decide_content: a zero-sized why buffer is not written");
        (void)strcpy(why, "untouched");
        CHECK_INTEQ(data_decide_content(&c, DATA_EXPECTED, "ext4", why, 0), DATA_USE);
        CHECK_STREQ(why, "untouched");

        unit_case("data_decide_content: a short why buffer is cut, NUL-terminated");
        char small[8];
        memset(small, 'x', sizeof small);
        CHECK_INTEQ(data_decide_content(&c, DATA_FOREIGN, "vfat", small, sizeof small), DATA_FALL_BACK);
        CHECK_STREQ(small, "holds v");
}

/* ---- data_decide_fsck --------------------------------------------------------------- */

static const struct {
        int code;
        bool required;
        enum data_action action;
        const char *why;
} fscks[] = {
        {0, false, DATA_USE, "clean"},
        {0, true, DATA_USE, "clean"},
        {1, false, DATA_USE, "errors corrected (e2fsck exit 1)"},
        /* "reboot advised" is for a mounted root; /data is not mounted yet */
        {2, false, DATA_USE, "errors corrected (e2fsck exit 2)"},
        {2, true, DATA_USE, "errors corrected (e2fsck exit 2)"},
        {4, false, DATA_FALL_BACK, "e2fsck exit 4: errors left uncorrected, needs manual repair"},
        {4, true, DATA_FAIL, "e2fsck exit 4: errors left uncorrected, needs manual repair"},
        {8, false, DATA_FALL_BACK, "e2fsck exit 8: e2fsck failed"},
        {8, true, DATA_FAIL, "e2fsck exit 8: e2fsck failed"},
        {12, false, DATA_FALL_BACK, "e2fsck exit 12: errors left uncorrected, needs manual repair"},
        {16, false, DATA_FALL_BACK, "e2fsck exit 16: e2fsck failed"},
        {32, false, DATA_FALL_BACK, "e2fsck exit 32: e2fsck failed"},
        {128, false, DATA_FALL_BACK, "e2fsck exit 128: e2fsck failed"},
        {-ENOENT, false, DATA_FALL_BACK, "e2fsck could not run: No such file or directory"},
        {-ENOENT, true, DATA_FAIL, "e2fsck could not run: No such file or directory"},
        {-EACCES, false, DATA_FALL_BACK, "e2fsck could not run: Permission denied"},
        {-ECHILD, false, DATA_FALL_BACK, "e2fsck could not run: No child processes"},
};

static void test_decide_fsck(void) {
        for (size_t i = 0; i < ELEMENTSOF(fscks); i++) {
                unit_case("data_decide_fsck(%d)%s", fscks[i].code, fscks[i].required ? ", data.required" : "");
                struct config c;
                config_defaults(&c);
                c.data_required = fscks[i].required;
                char why[DIAG_TEXT_MAX] = "untouched";
                CHECK_INTEQ(data_decide_fsck(&c, fscks[i].code, why, sizeof why), fscks[i].action);
                CHECK_STREQ(why, fscks[i].why);
        }
        unit_case("data_decide_fsck: without a why buffer");
        struct config c;
        config_defaults(&c);
        CHECK_INTEQ(data_decide_fsck(&c, 0, NULL, 0), DATA_USE);
        CHECK_INTEQ(data_decide_fsck(&c, 4, NULL, 0), DATA_FALL_BACK);
}

/* ---- data_rootfs_identity ----------------------------------------------------------- */

static void test_rootfs_identity(void) {
        static const struct {
                const char *name;
                const char *uuid, *build;
                size_t size;
                int ret;
                const char *text;
        } cases[] = {
                {"uuid and build", "5041494f-0002-4000-8000-000000000001", "2024.06.1", 128, 0,
                 "uuid=5041494f-0002-4000-8000-000000000001\nbuild=2024.06.1\n"},
                {"no build", "5041494f-0002-4000-8000-000000000001", "", 128, 0,
                 "uuid=5041494f-0002-4000-8000-000000000001\nbuild=\n"},
                {"NULL build", "abcd", NULL, 128, 0, "uuid=abcd\nbuild=\n"},
                {"NULL uuid (a filesystem without one)", NULL, "7", 128, 0, "uuid=\nbuild=7\n"},
                {"both NULL", NULL, NULL, 128, 0, "uuid=\nbuild=\n"},
                /* "uuid=ab\nbuild=cd\n" is 17 bytes: 18 with its NUL fit, 17 do not */
                {"exactly fits", "ab", "cd", 18, 0, "uuid=ab\nbuild=cd\n"},
                {"one byte short", "ab", "cd", 17, -ENAMETOOLONG, NULL},
                {"far too short", "ab", "cd", 4, -ENAMETOOLONG, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("data_rootfs_identity: %s", cases[i].name);
                char buf[128];
                memset(buf, 'x', sizeof buf);
                CHECK_ERR(data_rootfs_identity(cases[i].uuid, cases[i].build, buf, cases[i].size), cases[i].ret);
                if (cases[i].text)
                        CHECK_STREQ(buf, cases[i].text);
                else
                        CHECK(memchr(buf, '\0', cases[i].size) != NULL); /* cut, still terminated */
                if (cases[i].size < sizeof buf)
                        CHECK_INTEQ(buf[cases[i].size], 'x'); /* nothing written past n */
        }

        unit_case("data_rootfs_identity: two slots' identities differ, the same rootfs twice does not");
        char a[128], b[128], a2[128];
        CHECK_ERR(data_rootfs_identity("5041494f-0002-4000-8000-000000000001", "", a, sizeof a), 0);
        CHECK_ERR(data_rootfs_identity("5041494f-0002-4000-8000-000000000002", "", b, sizeof b), 0);
        CHECK_ERR(data_rootfs_identity("5041494f-0002-4000-8000-000000000001", "", a2, sizeof a2), 0);
        CHECK(strcmp(a, b) != 0);
        CHECK_STREQ(a, a2);
}

/* ---- data_decide_upper -------------------------------------------------------------- */

#define ID_A "uuid=5041494f-0002-4000-8000-000000000001\nbuild=\n"
#define ID_A_NEW "uuid=6f1e2d3c-0002-4000-8000-000000000001\nbuild=\n"

static const struct {
        const char *name;
        bool exists;
        const char *stored, *current;
        bool reset;
        enum upper_action action;
        const char *why;
} uppers[] = {
        {"none yet", false, NULL, ID_A, false, UPPER_NEW, "no upper yet"},
        {"none yet, factory reset: nothing to set aside", false, NULL, ID_A, true, UPPER_NEW, "no upper yet"},
        {"same rootfs: kept", true, ID_A, ID_A, false, UPPER_KEEP, "upper matches the rootfs"},
        {"same rootfs, factory reset: set aside", true, ID_A, ID_A, true, UPPER_SET_ASIDE, "factory reset"},
        {"slot rewritten (another fs UUID): set aside", true, ID_A, ID_A_NEW, false, UPPER_SET_ASIDE,
         "upper belongs to another rootfs (the slot was rewritten)"},
        {"another build on the same filesystem: set aside", true, "uuid=x\nbuild=1\n", "uuid=x\nbuild=2\n", false,
         UPPER_SET_ASIDE, "upper belongs to another rootfs (the slot was rewritten)"},
        {"identity file missing: set aside", true, NULL, ID_A, false, UPPER_SET_ASIDE, "upper has no identity file"},
        {"identity file missing, factory reset", true, NULL, ID_A, true, UPPER_SET_ASIDE, "factory reset"},
        {"identity file empty: set aside", true, "", ID_A, false, UPPER_SET_ASIDE,
         "upper belongs to another rootfs (the slot was rewritten)"},
        {"identity without its last newline: not the same", true, "uuid=x\nbuild=", "uuid=x\nbuild=\n", false,
         UPPER_SET_ASIDE, "upper belongs to another rootfs (the slot was rewritten)"},
};

static void test_decide_upper(void) {
        for (size_t i = 0; i < ELEMENTSOF(uppers); i++) {
                const typeof(uppers[0]) *t = &uppers[i];
                unit_case("data_decide_upper: %s", t->name);
                char why[DIAG_TEXT_MAX] = "untouched";
                CHECK_INTEQ(data_decide_upper(t->exists, t->stored, t->current, t->reset, why, sizeof why), t->action);
                CHECK_STREQ(why, t->why);
                CHECK_INTEQ(data_decide_upper(t->exists, t->stored, t->current, t->reset, NULL, 0), t->action);
        }
}

/* ---- data_factory_reset_due --------------------------------------------------------- */

static const struct {
        const char *name;
        bool marker, cmdline, allow;
        bool due;
        const char *why;
} resets[] = {
        {"nothing", false, false, false, false, "no reset requested"},
        {"allowed but not asked", false, false, true, false, "no reset requested"},
        /* the command line comes from a bootloader environment anyone can edit */
        {"command line without allow: ignored", false, true, false, false,
         "data.factory-reset ignored: data.allow-factory-reset=false"},
        {"command line with allow", false, true, true, true, "data.factory-reset on the command line"},
        /* whoever can write /data can wipe it anyway: the marker always counts */
        {"marker", true, false, false, true, "marker /data/paios/factory-reset present"},
        {"marker, allowed", true, false, true, true, "marker /data/paios/factory-reset present"},
        {"marker and command line without allow", true, true, false, true, "marker /data/paios/factory-reset present"},
        {"marker and command line with allow", true, true, true, true, "marker /data/paios/factory-reset present"},
};

static void test_factory_reset_due(void) {
        for (size_t i = 0; i < ELEMENTSOF(resets); i++) {
                const typeof(resets[0]) *t = &resets[i];
                unit_case("data_factory_reset_due: %s", t->name);
                struct config c;
                config_defaults(&c);
                c.data_factory_reset = t->cmdline;
                c.data_allow_factory_reset = t->allow;
                char why[DIAG_TEXT_MAX] = "untouched";
                CHECK_INTEQ(data_factory_reset_due(&c, t->marker, why, sizeof why), t->due);
                CHECK_STREQ(why, t->why);
                CHECK_INTEQ(data_factory_reset_due(&c, t->marker, NULL, 0), t->due);
        }
        unit_case("data_factory_reset_due: the defaults allow none from the command line");
        struct config c;
        config_defaults(&c);
        CHECK(!c.data_allow_factory_reset);
        CHECK(!c.data_factory_reset);
        c.data_factory_reset = true;
        CHECK(!data_factory_reset_due(&c, false, NULL, 0));
}

/* ---- data_attic_name ---------------------------------------------------------------- */

static void test_attic_name(void) {
        static const struct {
                unsigned seq;
                const char *what, *slot;
                size_t size;
                int ret;
                const char *name;
        } cases[] = {
                {1, "overlay", "A", 64, 0, "000001-overlay-A"},
                {2, "overlay", "B", 64, 0, "000002-overlay-B"},
                {17, "protected", "A", 64, 0, "000017-protected-A"},
                {3, "state", "", 64, 0, "000003-state"},
                {3, "state", NULL, 64, 0, "000003-state"},
                {999999, "overlay", "default", 64, 0, "999999-overlay-default"},
                {1000000, "overlay", "A", 64, 0, "1000000-overlay-A"},
                {UINT_MAX, "state", "", 64, 0, "4294967295-state"},
                /* "000001-overlay-A" is 16 bytes */
                {1, "overlay", "A", 17, 0, "000001-overlay-A"},
                {1, "overlay", "A", 16, -ENAMETOOLONG, NULL},
                {1, "overlay", "A", 1, -ENAMETOOLONG, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("data_attic_name(%u, \"%s\", \"%s\") into %zu bytes", cases[i].seq, cases[i].what,
                          cases[i].slot ? cases[i].slot : "(null)", cases[i].size);
                char buf[64];
                CHECK_ERR(data_attic_name(cases[i].seq, cases[i].what, cases[i].slot, buf, cases[i].size), cases[i].ret);
                if (cases[i].name)
                        CHECK_STREQ(buf, cases[i].name);
        }

        unit_case("data_attic_name: names sort by age below a million");
        char a[64], b[64], c[64];
        CHECK_ERR(data_attic_name(9, "overlay", "B", a, sizeof a), 0);
        CHECK_ERR(data_attic_name(10, "overlay", "A", b, sizeof b), 0);
        CHECK_ERR(data_attic_name(123456, "state", "", c, sizeof c), 0);
        CHECK(strcmp(a, b) < 0);
        CHECK(strcmp(b, c) < 0);
}

/* ---- machine_id_is_valid ------------------------------------------------------------ */

static void test_machine_id(void) {
        static const struct {
                const char *text;
                bool valid;
        } cases[] = {
                {"0123456789abcdef0123456789abcdef", true},
                {"0123456789abcdef0123456789abcdef\n", true},
                {"00000000000000000000000000000001\n", true},
                {"10000000000000000000000000000000", true},
                {"00000000000000000000000000000000", false},
                {"00000000000000000000000000000000\n", false},
                {"", false},
                {"\n", false},
                {"uninitialized\n", false},
                {"uninitialized", false},
                {"0123456789ABCDEF0123456789ABCDEF\n", false}, /* upper case */
                {"0123456789abcdef0123456789abcde\n", false},  /* 31 digits */
                {"0123456789abcdef0123456789abcdef0\n", false}, /* 33 digits */
                {"0123456789abcdef0123456789abcdeg\n", false},
                {"0123456789abcdef0123456789abcdef\n\n", false},
                {"0123456789abcdef0123456789abcdef \n", false},
                {" 0123456789abcdef0123456789abcdef", false},
                {"0123456789abcdef0123456789abcdef\r\n", false},
                {"01234567-89ab-cdef-0123-456789abcdef\n", false}, /* a UUID, not a machine id */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("machine_id_is_valid(\"%s\")", cases[i].text);
                CHECK_INTEQ(machine_id_is_valid(cases[i].text), cases[i].valid);
        }
}

/* ---- os-release ---------------------------------------------------------------------- */

static void test_os_release(void) {
        static const struct {
                const char *name, *text, *key, *value;
                int r;
        } cases[] = {
                {"plain", "ID=debian\nBUILD_ID=2026-11-27\n", "BUILD_ID", "2026-11-27", 0},
                {"double quotes", "VERSION_ID=\"12\"\n", "VERSION_ID", "12", 0},
                {"single quotes", "BUILD_ID='b 1'\n", "BUILD_ID", "b 1", 0},
                {"absent", "ID=debian\n", "BUILD_ID", "", 0},
                {"a key that only starts alike", "BUILD_IDX=1\nXBUILD_ID=2\n", "BUILD_ID", "", 0},
                {"the last one wins", "BUILD_ID=1\nBUILD_ID=2\n", "BUILD_ID", "2", 0},
                {"no final newline", "BUILD_ID=7", "BUILD_ID", "7", 0},
                {"an unbalanced quote stays", "BUILD_ID=\"7\n", "BUILD_ID", "\"7", 0},
                {"empty text", "", "BUILD_ID", "", 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("os_release_value: %s", cases[i].name);
                char buf[64];
                CHECK_ERR(os_release_value(cases[i].text, cases[i].key, buf, sizeof buf), cases[i].r);
                CHECK_STREQ(buf, cases[i].value);
        }
        unit_case("os_release_value: a value longer than the buffer");
        char small[4];
        CHECK_ERR(os_release_value("BUILD_ID=12345\n", "BUILD_ID", small, sizeof small), -ENAMETOOLONG);
}

/* ---- the layout ---------------------------------------------------------------------- */

static void test_layout(void) {
        unit_case("the /data layout constants");
        CHECK_STREQ(PAIOS_DATA_DIR, "/data");
        CHECK_STREQ(DATA_OVERLAY_DIR, "paios/overlay");
        CHECK_STREQ(DATA_STATE_DIR, "paios/state");
        CHECK_STREQ(DATA_ATTIC_DIR, "paios/attic");
        CHECK_STREQ(DATA_RESET_MARKER, "paios/factory-reset");
}

int main(void) {
        test_decide_content();
        test_decide_fsck();
        test_rootfs_identity();
        test_decide_upper();
        test_factory_reset_due();
        test_attic_name();
        test_machine_id();
        test_os_release();
        test_layout();
        return unit_exit();
}
