/* SPDX-License-Identifier: MIT */
/* A netlink uevent datagram ("add@/devices/...\0ACTION=add\0SUBSYSTEM=block\0...") as
 * uevent_receive() gets it from the kernel: uevent_parse() on exactly those bytes, in a
 * buffer of that size (ASan sees a read past the datagram). lib/sys/uevent.c is built
 * alone: uevent_parse() is its pure part. */
#include <errno.h>

#include "fuzz-util.h"
#include "uevent.h"

/* The value of the last "KEY=" field after the header that fits the field (an empty value
 * counts when a NUL ends it); NULL if none. */
static const char *expected(const char *buf, size_t len, const char *key, size_t size, size_t *ret_len) {
        const char *found = NULL;
        size_t klen = strlen(key);
        const char *first = memchr(buf, '\0', len);
        for (const char *p = first + 1, *end = buf + len; p < end;) {
                size_t n = strnlen(p, (size_t)(end - p));
                if (n >= klen && (size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && n - klen < size) {
                        found = p + klen;
                        *ret_len = n - klen;
                }
                if (n == (size_t)(end - p))
                        break;
                p += n + 1;
        }
        return found;
}

static void check_field(const char *buf, size_t len, const char *key, const char *field, size_t size) {
        ASSERT(fuzz_terminated(field, size));
        size_t vlen = 0;
        const char *v = expected(buf, len, key, size, &vlen);
        if (v)
                ASSERT(strlen(field) == vlen && memcmp(field, v, vlen) == 0);
        else
                ASSERT(field[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        if (size)
                memcpy(buf, data, size);

        struct uevent ev;
        memset(&ev, 0xa5, sizeof ev);
        int r = uevent_parse(buf, size, &ev);
        if (r == 0) {
                const char *nul = memchr(buf, '\0', size);
                ASSERT(nul && memchr(buf, '@', (size_t)(nul - buf)));
                check_field(buf, size, "ACTION=", ev.action, sizeof ev.action);
                check_field(buf, size, "SUBSYSTEM=", ev.subsystem, sizeof ev.subsystem);
                check_field(buf, size, "MODALIAS=", ev.modalias, sizeof ev.modalias);
                check_field(buf, size, "DEVNAME=", ev.devname, sizeof ev.devname);
        } else
                ASSERT(r == -EINVAL);
        free(buf);
        return 0;
}
