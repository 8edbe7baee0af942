/* SPDX-License-Identifier: MIT */
/* devspec.h: block device names from system.conf and root=. */
#include <errno.h>
#include <string.h>

#include "devspec.h"
#include "macro.h"
#include "unit.h"

static const struct {
        const char *name;
        const char *in;
        int ret;
        enum devspec_kind kind;
        const char *value;
        unsigned major, minor;
        const char *error; /* fragment of the diag on failure */
} parse[] = {
#define PARSES(name_, in_, kind_, value_) {.name = name_, .in = in_, .kind = kind_, .value = value_}
#define DEVNUM(name_, in_, value_, major_, minor_) \
        {.name = name_, .in = in_, .kind = DEVSPEC_DEVNUM, .value = value_, .major = major_, .minor = minor_}
#define REFUSED(name_, in_, ret_, error_) {.name = name_, .in = in_, .ret = ret_, .error = error_}
        /* paths */
        PARSES("plain device path", "/dev/vda1", DEVSPEC_PATH, "/dev/vda1"),
        PARSES("mmc partition", "/dev/mmcblk0p2", DEVSPEC_PATH, "/dev/mmcblk0p2"),
        PARSES("device-mapper path", "/dev/mapper/root", DEVSPEC_PATH, "/dev/mapper/root"),
        PARSES("dots that are not a parent directory", "/dev/...x/a..b", DEVSPEC_PATH, "/dev/...x/a..b"),
        /* tags */
        PARSES("LABEL=", "LABEL=rootfs", DEVSPEC_LABEL, "rootfs"),
        PARSES("LABEL= with a space (a quoted root= gives this)", "LABEL=my disk", DEVSPEC_LABEL, "my disk"),
        PARSES("LABEL= value is not unescaped", "LABEL=my\\x20disk", DEVSPEC_LABEL, "my\\x20disk"),
        PARSES("UUID=", "UUID=0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e", DEVSPEC_UUID, "0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e"),
        PARSES("UUID= of a vfat filesystem", "UUID=1234-ABCD", DEVSPEC_UUID, "1234-ABCD"),
        PARSES("PARTLABEL=", "PARTLABEL=rootfs-a", DEVSPEC_PARTLABEL, "rootfs-a"),
        PARSES("PARTUUID= GPT", "PARTUUID=6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60", DEVSPEC_PARTUUID, "6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60"),
        PARSES("PARTUUID= MBR signature-partition", "PARTUUID=a1b2c3d4-02", DEVSPEC_PARTUUID, "a1b2c3d4-02"),
        PARSES("tag value containing '='", "LABEL=a=b", DEVSPEC_LABEL, "a=b"),
        /* udev links, turned into the tag they stand for */
        PARSES("by-label", "/dev/disk/by-label/rootfs", DEVSPEC_LABEL, "rootfs"),
        PARSES("by-label with udev's \\x20 for a space", "/dev/disk/by-label/my\\x20disk", DEVSPEC_LABEL, "my disk"),
        PARSES("by-label with \\x2f for a slash", "/dev/disk/by-label/a\\x2fb", DEVSPEC_LABEL, "a/b"),
        PARSES("by-label with \\x5c for a backslash", "/dev/disk/by-label/x\\x5cy", DEVSPEC_LABEL, "x\\y"),
        PARSES("by-label with upper-case hex", "/dev/disk/by-label/J\\x4A\\x4b", DEVSPEC_LABEL, "JJK"),
        PARSES("by-label with several escapes in a row", "/dev/disk/by-label/\\x20\\x20x", DEVSPEC_LABEL, "  x"),
        PARSES("by-label: a bad escape is kept as written", "/dev/disk/by-label/a\\xZZ", DEVSPEC_LABEL, "a\\xZZ"),
        PARSES("by-label: a cut escape is kept as written", "/dev/disk/by-label/a\\x2", DEVSPEC_LABEL, "a\\x2"),
        PARSES("by-label: a backslash without x is kept", "/dev/disk/by-label/a\\b", DEVSPEC_LABEL, "a\\b"),
        PARSES("by-label with escaped UTF-8 bytes", "/dev/disk/by-label/gr\\xc3\\xbcn", DEVSPEC_LABEL, "gr\xc3\xbcn"),
        PARSES("by-partlabel", "/dev/disk/by-partlabel/rootfs-a", DEVSPEC_PARTLABEL, "rootfs-a"),
        PARSES("by-partlabel with an escape", "/dev/disk/by-partlabel/EFI\\x20System", DEVSPEC_PARTLABEL, "EFI System"),
        PARSES("by-partuuid", "/dev/disk/by-partuuid/6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60", DEVSPEC_PARTUUID, "6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60"),
        PARSES("by-uuid", "/dev/disk/by-uuid/0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e", DEVSPEC_UUID, "0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e"),
        /* links that need udev's knowledge of the hardware */
        REFUSED("by-id refused", "/dev/disk/by-id/virtio-root-part2", -EOPNOTSUPP, "only by-label, by-uuid, by-partlabel and by-partuuid"),
        REFUSED("by-path refused", "/dev/disk/by-path/platform-a003e00.virtio_mmio-part2", -EOPNOTSUPP, "without udev"),
        REFUSED("by-diskseq refused", "/dev/disk/by-diskseq/1-part2", -EOPNOTSUPP, NULL),
        REFUSED("by-label without its slash refused", "/dev/disk/by-label", -EOPNOTSUPP, NULL),
        REFUSED("/dev/disk/ itself refused", "/dev/disk/", -EOPNOTSUPP, NULL),
        /* MAJ:MIN */
        DEVNUM("MAJ:MIN", "254:1", "254:1", 254, 1),
        DEVNUM("MAJ:MIN 8:0", "8:0", "8:0", 8, 0),
        DEVNUM("MAJ:MIN largest", "4095:1048575", "4095:1048575", 4095, 1048575),
        DEVNUM("MAJ:MIN leading zeros normalized", "0254:001", "254:1", 254, 1),
        REFUSED("major too large", "4096:0", -EINVAL, "is none of /dev/..., LABEL=, UUID=, PARTLABEL=, PARTUUID=, MAJ:MIN"),
        REFUSED("minor too large", "1:1048576", -EINVAL, NULL),
        REFUSED("minor missing", "254:", -EINVAL, NULL),
        REFUSED("major missing", ":1", -EINVAL, NULL),
        REFUSED("three numbers", "254:1:2", -EINVAL, NULL),
        REFUSED("negative major", "-1:1", -EINVAL, NULL),
        REFUSED("hex MAJ:MIN", "fe:01", -EINVAL, NULL),
        REFUSED("MAJ:MIN with a space", "254: 1", -EINVAL, NULL),
        REFUSED("major of 11 digits", "00000000254:1", -EINVAL, NULL),
        /* garbage */
        REFUSED("empty", "", -EINVAL, "empty device name"),
        REFUSED("bare kernel name", "vda1", -EINVAL, "\"vda1\" is none of"),
        REFUSED("relative dev path", "dev/vda1", -EINVAL, NULL),
        REFUSED("path outside /dev", "/sys/block/vda/vda1", -EINVAL, NULL),
        REFUSED("/dev without a slash", "/dev", -EINVAL, NULL),
        REFUSED("lower-case tag", "label=rootfs", -EINVAL, NULL),
        REFUSED("unknown tag", "ID=rootfs", -EINVAL, NULL),
        REFUSED("tag with a space before '='", "LABEL =rootfs", -EINVAL, NULL),
        REFUSED("leading white space", " /dev/vda1", -EINVAL, NULL),
        /* parent directories */
        REFUSED("'..' in a path", "/dev/../etc/shadow", -EINVAL, "contains \"..\""),
        REFUSED("'..' at the end of a path", "/dev/vda/..", -EINVAL, "contains \"..\""),
        REFUSED("/dev/..", "/dev/..", -EINVAL, "contains \"..\""),
        REFUSED("'..' deeper in a path", "/dev/mapper/../../etc/shadow", -EINVAL, "contains \"..\""),
        REFUSED("'..' after a link directory", "/dev/disk/by-label/../by-id/x", -EINVAL, "has a '/' after the link directory"),
        REFUSED("'/' inside a link name", "/dev/disk/by-partlabel/a/b", -EINVAL, "has a '/' after the link directory"),
        /* empty values */
        REFUSED("LABEL= empty", "LABEL=", -EINVAL, "has an empty value"),
        REFUSED("UUID= empty", "UUID=", -EINVAL, "has an empty value"),
        REFUSED("PARTLABEL= empty", "PARTLABEL=", -EINVAL, "has an empty value"),
        REFUSED("PARTUUID= empty", "PARTUUID=", -EINVAL, "has an empty value"),
        REFUSED("by-label/ empty", "/dev/disk/by-label/", -EINVAL, "has an empty value"),
        REFUSED("by-partuuid/ empty", "/dev/disk/by-partuuid/", -EINVAL, "has an empty value"),
        /* udev never writes \x00: a label cannot contain a NUL byte, so a name decoding
         * to one is refused rather than cut short ("root\x00junk" is not "root") */
        REFUSED("by-label \\x00 alone is refused", "/dev/disk/by-label/\\x00", -EINVAL, "escapes a NUL byte"),
        REFUSED("by-label with \\x00 inside is refused, not cut", "/dev/disk/by-label/root\\x00junk", -EINVAL,
                "escapes a NUL byte"),
#undef PARSES
#undef DEVNUM
#undef REFUSED
};

static void test_parse(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse); i++) {
                const typeof(parse[0]) *t = &parse[i];
                unit_case("devspec_parse(\"%s\"): %s", t->in, t->name);
                struct devspec s = {.kind = DEVSPEC_PATH, .value = "untouched"};
                struct diag d = {0};
                int r = devspec_parse(t->in, &s, &d);
                if (!CHECK_ERR(r, t->ret)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                if (r < 0) {
                        CHECK_CONTAINS(d.error, t->error);
                        CHECK(d.error[0] != '\0');
                        CHECK_STREQ(s.value, "untouched"); /* *ret is not written on failure */
                        continue;
                }
                CHECK_STREQ(d.error, "");
                CHECK_INTEQ(s.kind, t->kind);
                CHECK_STREQ(s.value, t->value);
                if (t->kind == DEVSPEC_DEVNUM) {
                        CHECK_INTEQ(s.major, t->major);
                        CHECK_INTEQ(s.minor, t->minor);
                }
        }
}

static void test_parse_null_and_limits(void) {
        unit_case("devspec_parse(NULL)");
        struct devspec s;
        struct diag d = {0};
        CHECK_ERR(devspec_parse(NULL, &s, &d), -EINVAL);
        CHECK_CONTAINS(d.error, "empty device name");

        static const struct {
                const char *name;
                const char *prefix;
                const char *unit; /* repeated after prefix until the name has total bytes */
                size_t total;
                int ret;
                size_t value_len;
                const char *error;
        } limits[] = {
                {"path of DEVSPEC_VALUE_MAX-1 bytes", "/dev/", "p", DEVSPEC_VALUE_MAX - 1, 0, DEVSPEC_VALUE_MAX - 1, NULL},
                {"path of DEVSPEC_VALUE_MAX bytes", "/dev/", "p", DEVSPEC_VALUE_MAX, -ENAMETOOLONG, 0,
                 "is longer than 255 bytes"},
                {"PARTLABEL= name of DEVSPEC_VALUE_MAX bytes", "PARTLABEL=", "l", DEVSPEC_VALUE_MAX, -ENAMETOOLONG, 0,
                 "is longer than 255 bytes"},
                {"LABEL= name of DEVSPEC_VALUE_MAX-1 bytes", "LABEL=", "l", DEVSPEC_VALUE_MAX - 1, 0,
                 DEVSPEC_VALUE_MAX - 1 - 6, NULL},
                {"by-label name of 4-byte escapes shrinks to a quarter", "/dev/disk/by-label/", "\\x41",
                 19 + 4 * 59, 0, 59, NULL},
                {"a 10 KiB name: error message shortened", "/dev/", "x", 10240, -ENAMETOOLONG, 0, "xxx...\" is longer"},
        };
        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                unit_case("devspec_parse limits: %s", limits[i].name);
                size_t plen = strlen(limits[i].prefix), ulen = strlen(limits[i].unit);
                _cleanup_free_ char *in = unit_repeat(' ', limits[i].total);
                memcpy(in, limits[i].prefix, plen);
                for (size_t o = plen; o + ulen <= limits[i].total; o += ulen)
                        memcpy(in + o, limits[i].unit, ulen);
                diag_clear(&d);
                int r = devspec_parse(in, &s, &d);
                CHECK_ERR(r, limits[i].ret);
                CHECK_CONTAINS(d.error, limits[i].error);
                CHECK(strlen(d.error) < 200);
                if (r == 0)
                        CHECK_INTEQ(strlen(s.value), limits[i].value_len);
        }
}

static void test_tag(void) {
        static const struct {
                enum devspec_kind kind;
                const char *tag;
        } tags[] = {
                {DEVSPEC_PATH, NULL},           {DEVSPEC_LABEL, "LABEL"},         {DEVSPEC_UUID, "UUID"},
                {DEVSPEC_PARTLABEL, "PARTLABEL"}, {DEVSPEC_PARTUUID, "PARTUUID"}, {DEVSPEC_DEVNUM, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(tags); i++) {
                unit_case("devspec_tag(%d)", (int)tags[i].kind);
                CHECK_STREQ(devspec_tag(tags[i].kind), tags[i].tag);
        }
}

static const struct {
        const char *in;
        size_t size; /* buffer size given to devspec_format */
        int ret;
        const char *out;
} format[] = {
        {"PARTLABEL=rootfs-a", 64, 0, "PARTLABEL=rootfs-a"},
        {"/dev/disk/by-partlabel/rootfs-a", 64, 0, "PARTLABEL=rootfs-a"},
        {"/dev/disk/by-label/my\\x20disk", 64, 0, "LABEL=my disk"},
        {"/dev/disk/by-uuid/1234-ABCD", 64, 0, "UUID=1234-ABCD"},
        {"PARTUUID=a1b2c3d4-02", 64, 0, "PARTUUID=a1b2c3d4-02"},
        {"/dev/vda1", 64, 0, "/dev/vda1"},
        {"254:1", 64, 0, "254:1"},
        {"0254:01", 64, 0, "254:1"},
        {"LABEL=abc", 10, 0, "LABEL=abc"},           /* exactly fits with its NUL */
        {"LABEL=abcd", 10, -ENAMETOOLONG, NULL},      /* one byte short */
        {"/dev/vda1", 10, 0, "/dev/vda1"},
        {"/dev/vda10", 10, -ENAMETOOLONG, NULL},
};

static void test_format(void) {
        for (size_t i = 0; i < ELEMENTSOF(format); i++) {
                unit_case("devspec_format(\"%s\") into %zu bytes", format[i].in, format[i].size);
                struct devspec s;
                if (!CHECK_ERR(devspec_parse(format[i].in, &s, NULL), 0))
                        continue;
                char buf[64];
                CHECK_ERR(devspec_format(&s, buf, format[i].size), format[i].ret);
                if (format[i].out)
                        CHECK_STREQ(buf, format[i].out);
        }
        unit_case("devspec_format of the longest value");
        _cleanup_free_ char *label = unit_repeat('l', DEVSPEC_VALUE_MAX - 1);
        struct devspec s = {.kind = DEVSPEC_PARTLABEL};
        memcpy(s.value, label, DEVSPEC_VALUE_MAX);
        char buf[DEVSPEC_VALUE_MAX + 16];
        CHECK_ERR(devspec_format(&s, buf, sizeof buf), 0);
        CHECK_INTEQ(strlen(buf), strlen("PARTLABEL=") + DEVSPEC_VALUE_MAX - 1);
}

static const struct {
        const char *name;
        const char *spec;
        const char *probed;
        bool match;
} matches[] = {
        {"UUID, same case", "UUID=0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e", "0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e", true},
        {"UUID, upper case given, lower case probed", "UUID=0B6F1B5C-3E0D-4A5F-9C1E-2A1E3B4C5D6E",
         "0b6f1b5c-3e0d-4a5f-9c1e-2a1e3b4c5d6e", true},
        {"UUID, mixed case", "UUID=1234-abcd", "1234-ABCD", true},
        {"UUID from by-uuid, different case", "/dev/disk/by-uuid/1234-abcd", "1234-ABCD", true},
        {"UUID, different", "UUID=1234-abcd", "1234-abce", false},
        {"UUID, prefix only", "UUID=1234", "1234-abcd", false},
        {"PARTUUID, different case", "PARTUUID=6A2B1F1E-02D4-4C4E-8F6A-1B2C3D4E5F60",
         "6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60", true},
        {"PARTUUID MBR, different case", "PARTUUID=A1B2C3D4-02", "a1b2c3d4-02", true},
        {"PARTUUID, different", "PARTUUID=a1b2c3d4-02", "a1b2c3d4-01", false},
        {"LABEL, same", "LABEL=rootfs", "rootfs", true},
        {"LABEL is case-sensitive", "LABEL=rootfs", "ROOTFS", false},
        {"LABEL from by-label, unescaped", "/dev/disk/by-label/my\\x20disk", "my disk", true},
        {"PARTLABEL is case-sensitive", "PARTLABEL=rootfs-a", "RootFS-A", false},
        {"PARTLABEL, same", "PARTLABEL=rootfs-a", "rootfs-a", true},
        {"PARTLABEL, prefix only", "PARTLABEL=rootfs", "rootfs-a", false},
        {"LABEL, empty probe", "LABEL=rootfs", "", false},
};

static void test_matches(void) {
        for (size_t i = 0; i < ELEMENTSOF(matches); i++) {
                unit_case("devspec_value_matches: %s", matches[i].name);
                struct devspec s;
                if (!CHECK_ERR(devspec_parse(matches[i].spec, &s, NULL), 0))
                        continue;
                CHECK_INTEQ(devspec_value_matches(&s, matches[i].probed), matches[i].match);
        }
}

int main(void) {
        test_parse();
        test_parse_null_and_limits();
        test_tag();
        test_format();
        test_matches();
        return unit_exit();
}
