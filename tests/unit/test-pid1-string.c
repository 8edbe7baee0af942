/* SPDX-License-Identifier: MIT */
/* The musl /init's string functions (lib/sys/pid1-string.c), here under their internal
 * names beside the host's libc, compared with it on every pair of a set of strings that
 * covers the edges: empty strings, a match at the first and the last byte, no match, bytes
 * above 0x7f (compared unsigned), ASCII case, prefixes, and every length limit up to past
 * the end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the host's strchrnul(), memrchr() */
#endif
#define PAIOS_STRING_TEST
#include "../../lib/sys/pid1-string.c"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "unit.h"

static const char *const words[] = {
        "",          "a",        "A",         "ab",         "aB",          "abc",    "abd",        "b",
        "\xe9t\xe9", "\x7f",     "\x80",      "\xff",       "rootfs.0",    "ROOTFS", "rootfs-a",   "/dev/vda1",
        "  x  ",     "key=value", "==",       "slot.rootfs.1", "virtio_blk", "a\tb c", "PARTLABEL=", "zz",
};

static int sign(int v) {
        return (v > 0) - (v < 0);
}

static void test_length(void) {
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                const char *s = words[i];
                unit_case("strlen/strnlen \"%s\"", s);
                CHECK_INTEQ(test_strlen(s), strlen(s));
                for (size_t n = 0; n <= strlen(s) + 2; n++)
                        CHECK_INTEQ(test_strnlen(s, n), strnlen(s, n));
        }
}

static void test_search(void) {
        static const int chars[] = {0, 'a', 'b', 'B', '=', '.', '/', ' ', '\t', 0xe9, 0xff, 0x7f, 0x80, 'z', 'a' + 256};
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                const char *s = words[i];
                size_t len = strlen(s);
                for (size_t k = 0; k < ELEMENTSOF(chars); k++) {
                        int c = chars[k];
                        unit_case("search \"%s\" for %#x", s, (unsigned)c);
                        CHECK(test_strchr(s, c) == strchr(s, c));
                        CHECK(test_strrchr(s, c) == strrchr(s, c));
                        CHECK(test_strchrnul(s, c) == strchrnul(s, c));
                        for (size_t n = 0; n <= len + 1; n++) {
                                CHECK(test_memchr(s, c, n) == memchr(s, c, n));
                                CHECK(test_memrchr(s, c, n) == memrchr(s, c, n));
                        }
                }
        }
}

static void test_compare(void) {
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                for (size_t j = 0; j < ELEMENTSOF(words); j++) {
                        const char *a = words[i], *b = words[j];
                        unit_case("compare \"%s\" \"%s\"", a, b);
                        CHECK_INTEQ(sign(test_strcmp(a, b)), sign(strcmp(a, b)));
                        CHECK_INTEQ(sign(test_strcasecmp(a, b)), sign(strcasecmp(a, b)));
                        for (size_t n = 0; n <= strlen(a) + 2; n++)
                                CHECK_INTEQ(sign(test_strncmp(a, b, n)), sign(strncmp(a, b, n)));
                }
}

static void test_spans(void) {
        /* the sets /init passes ("\n", " \t", "=", ...) and words as sets */
        static const char *const sets[] = {"", "\n", " \t", "=", "ab", "abc", "\xe9", "/.", "z"};
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                const char *s = words[i];
                for (size_t k = 0; k < ELEMENTSOF(sets) + ELEMENTSOF(words); k++) {
                        const char *set = k < ELEMENTSOF(sets) ? sets[k] : words[k - ELEMENTSOF(sets)];
                        unit_case("spans of \"%s\" over \"%s\"", s, set);
                        CHECK_INTEQ(test_strspn(s, set), strspn(s, set));
                        CHECK_INTEQ(test_strcspn(s, set), strcspn(s, set));
                        CHECK(test_strpbrk(s, set) == strpbrk(s, set));
                }
        }
}

int main(void) {
        test_length();
        test_search();
        test_compare();
        test_spans();
        return unit_exit();
}
