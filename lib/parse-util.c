/* SPDX-License-Identifier: MIT */
#include "parse-util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "format.h"

int parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret) {
        if (!s || !*s || strlen(s) > 10)
                return -EINVAL;
        unsigned long v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned long)(*p - '0');
                if (v > max) /* early: 10 digits would wrap a 32-bit long */
                        return -ERANGE;
        }
        if (v < min || v > max)
                return -ERANGE;
        *ret = (unsigned)v;
        return 0;
}

int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = {"1", "yes", "true", "on"};
        static const char *const no[] = {"0", "no", "false", "off"};
        for (size_t i = 0; i < 4; i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

int copy_string(char *buf, size_t n, const char *s) {
        size_t len = strlen(s);
        if (len >= n)
                return -ENAMETOOLONG;
        memcpy(buf, s, len + 1);
        return 0;
}

bool path_has_dotdot(const char *p) {
        /* from dot to dot with strchr(), not character by character: the module table's
         * paths all go through here at boot (a thousand blocks run per boot the other way) */
        for (const char *d = strchr(p, '.'); d; d = strchr(d + 1, '.'))
                if ((d == p || d[-1] == '/') && d[1] == '.' && (d[2] == '/' || d[2] == '\0'))
                        return true;
        return false;
}

int path_join_root(char *buf, size_t n, const char *root, const char *path) {
        /* a root of "/" adds nothing, so paths in the real boot stay as written */
        const char *prefix = strcmp(root, "/") == 0 ? "" : root;
        int len = format_text(buf, n, "%s%s%s", prefix, path[0] == '/' ? "" : "/", path);
        if (len < 0 || (size_t)len >= n)
                return -ENAMETOOLONG;
        return 0;
}
