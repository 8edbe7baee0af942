/* SPDX-License-Identifier: MIT */
/* The musl /init's string and memory functions (lib/sys/pid1-string.c), here under their
 * internal names beside the host's libc, compared with it on every pair of a set of strings
 * that covers the edges: empty strings, a match at the first and the last byte, no match,
 * bytes above 0x7f (compared unsigned), ASCII case, prefixes, and every length limit up to
 * past the end; memcpy() and memset() at every alignment and length around a word, with
 * the bytes beside the destination checked untouched. */
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

static void test_memory(void) {
        unsigned char src[96], want[96], got[96];
        for (size_t i = 0; i < sizeof src; i++)
                src[i] = (unsigned char)(i * 37 + 1);
        for (size_t doff = 0; doff < 9; doff++)
                for (size_t soff = 0; soff < 9; soff++)
                        for (size_t n = 0; n <= 72; n++) {
                                unit_case("memcpy %zu bytes, destination +%zu, source +%zu", n, doff, soff);
                                memset(want, 0xaa, sizeof want);
                                memset(got, 0xaa, sizeof got);
                                memcpy(want + doff, src + soff, n);
                                CHECK(test_memcpy(got + doff, src + soff, n) == got + doff);
                                CHECK(memcmp(got, want, sizeof want) == 0);
                        }
        static const int bytes[] = {0, 1, 0x7f, 0x80, 0xff, 0x1ff, -1};
        for (size_t k = 0; k < ELEMENTSOF(bytes); k++)
                for (size_t doff = 0; doff < 9; doff++)
                        for (size_t n = 0; n <= 72; n++) {
                                unit_case("memset %#x, %zu bytes, destination +%zu", (unsigned)bytes[k], n, doff);
                                memset(want, 0x55, sizeof want);
                                memset(got, 0x55, sizeof got);
                                memset(want + doff, bytes[k], n);
                                CHECK(test_memset(got + doff, bytes[k], n) == got + doff);
                                CHECK(memcmp(got, want, sizeof want) == 0);
                        }
}

int main(void) {
        test_memory();
        test_length();
        test_search();
        test_compare();
        test_spans();
        return unit_exit();
}
