/* SPDX-License-Identifier: MIT */
#include "devspec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "macro.h"
#include "parse-util.h"

static const struct {
        const char *prefix; /* as written in system.conf or root= */
        enum devspec_kind kind;
        bool udev_escaped; /* a /dev/disk/by-* link name, escaped by udev */
} prefixes[] = {
        {"LABEL=", DEVSPEC_LABEL, false},
        {"UUID=", DEVSPEC_UUID, false},
        {"PARTLABEL=", DEVSPEC_PARTLABEL, false},
        {"PARTUUID=", DEVSPEC_PARTUUID, false},
        {"/dev/disk/by-label/", DEVSPEC_LABEL, true},
        {"/dev/disk/by-uuid/", DEVSPEC_UUID, true},
        {"/dev/disk/by-partlabel/", DEVSPEC_PARTLABEL, true},
        {"/dev/disk/by-partuuid/", DEVSPEC_PARTUUID, true},
};

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* udev writes characters outside its safe set as \xNN in by-label names (a label "my
 * disk" becomes by-label/my\x20disk): decode that back to the label blkid reports. */
static int udev_unescape(const char *s, char *out, size_t n) {
        size_t o = 0;
        for (size_t i = 0; s[i]; i++) {
                char c = s[i];
                if (c == '\\' && s[i + 1] == 'x' && hex_digit(s[i + 2]) >= 0 && hex_digit(s[i + 3]) >= 0) {
                        c = (char)(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]));
                        i += 3;
                        if (c == '\0') /* would cut the name short: "root\x00junk" is no "root" */
                                return -EINVAL;
                }
                if (o + 1 >= n)
                        return -ENAMETOOLONG;
                out[o++] = c;
        }
        out[o] = '\0';
        return 0;
}

static int parse_devnum(const char *s, struct devspec *ret) {
        const char *colon = strchr(s, ':');
        if (!colon || colon == s || (size_t)(colon - s) > 10)
                return -EINVAL;
        char major[11];
        memcpy(major, s, (size_t)(colon - s));
        major[colon - s] = '\0';
        unsigned ma, mi;
        if (parse_uint(major, 0, 4095, &ma) < 0 || parse_uint(colon + 1, 0, (1u << 20) - 1, &mi) < 0)
                return -EINVAL;
        ret->kind = DEVSPEC_DEVNUM;
        ret->major = ma;
        ret->minor = mi;
        (void)format_text(ret->value, sizeof ret->value, "%u:%u", ma, mi);
        return 0;
}

int devspec_parse(const char *s, struct devspec *ret, struct diag *d) {
        struct devspec spec = {0};

        if (!s || !*s)
                return diag_fail(d, -EINVAL, "empty device name");
        if (strlen(s) >= DEVSPEC_VALUE_MAX)
                return diag_fail(d, -ENAMETOOLONG, "device name \"%.48s...\" is longer than %d bytes", s,
                                 DEVSPEC_VALUE_MAX - 1);

        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
                size_t plen = strlen(prefixes[i].prefix);
                if (strncmp(s, prefixes[i].prefix, plen) != 0)
                        continue;
                const char *v = s + plen;
                if (!*v)
                        return diag_fail(d, -EINVAL, "device name \"%s\" has an empty value", s);
                spec.kind = prefixes[i].kind;
                if (prefixes[i].udev_escaped) {
                        if (strchr(v, '/'))
                                return diag_fail(d, -EINVAL, "device name \"%s\" has a '/' after the link directory", s);
                        int r = udev_unescape(v, spec.value, sizeof spec.value);
                        if (r == -EINVAL)
                                return diag_fail(d, r, "device name \"%s\" escapes a NUL byte", s);
                        if (r < 0)
                                return diag_fail(d, r, "device name \"%s\" is too long", s);
                } else
                        (void)copy_string(spec.value, sizeof spec.value, v);
                *ret = spec;
                return 0;
        }

        if (strncmp(s, "/dev/disk/", 10) == 0)
                return diag_fail(d, -EOPNOTSUPP,
                                 "device name \"%s\": only by-label, by-uuid, by-partlabel and by-partuuid links can be resolved without udev",
                                 s);
        if (strncmp(s, "/dev/", 5) == 0) {
                if (!s[5])
                        return diag_fail(d, -EINVAL, "device name \"/dev/\" names no device");
                if (path_has_dotdot(s))
                        return diag_fail(d, -EINVAL, "device name \"%s\" contains \"..\"", s);
                spec.kind = DEVSPEC_PATH;
                (void)copy_string(spec.value, sizeof spec.value, s);
                *ret = spec;
                return 0;
        }
        if (parse_devnum(s, &spec) == 0) {
                *ret = spec;
                return 0;
        }
        return diag_fail(d, -EINVAL,
                         "device name \"%s\" is none of /dev/..., LABEL=, UUID=, PARTLABEL=, PARTUUID=, MAJ:MIN", s);
}

const char *devspec_tag(enum devspec_kind kind) {
        switch (kind) {
        case DEVSPEC_LABEL: return "LABEL";
        case DEVSPEC_UUID: return "UUID";
        case DEVSPEC_PARTLABEL: return "PARTLABEL";
        case DEVSPEC_PARTUUID: return "PARTUUID";
        case DEVSPEC_PATH:
        case DEVSPEC_DEVNUM: break;
        }
        return NULL;
}

int devspec_format(const struct devspec *s, char *buf, size_t n) {
        const char *tag = devspec_tag(s->kind);
        int len = tag ? format_text(buf, n, "%s=%s", tag, s->value) : format_text(buf, n, "%s", s->value);
        return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

bool devspec_value_matches(const struct devspec *s, const char *probed) {
        if (s->kind == DEVSPEC_UUID || s->kind == DEVSPEC_PARTUUID)
                return strcasecmp(s->value, probed) == 0;
        return strcmp(s->value, probed) == 0;
}
