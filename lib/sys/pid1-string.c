/* SPDX-License-Identifier: MIT */
/*
 * The string and memory functions of the musl /init (PAIOS_LIBC=musl; the glibc build
 * keeps glibc's), in place of musl's: plain loops.
 *
 * Why: musl's are written for long strings, a word at a time (strlen, strchrnul), through
 * a 256-bit set (strspn, strcspn) or in unrolled assembly (memcpy, memset), 10-19 basic
 * blocks each, where a loop is 2-5. /init runs them on strings of a few dozen bytes and
 * structures of a few KiB. Under qemu's TCG what a boot costs in user time is mostly the
 * code it runs for the first time, translated once: 2.5-3 us an instruction on the 2-core
 * Intel host of README "Figures" (stage configure run a second time in the same boot: 0.6
 * ms against 6.3 ms). musl's versions came to 96 blocks, about 430 instructions, up to the
 * switch (scripts/profile-init). memmove and memcmp stay musl's (byte loops already, or
 * not on the boot's path).
 *
 * The file is built with -fno-builtin -fno-tree-loop-distribute-patterns (CMakeLists.txt,
 * and STRING_NO_LIBCALL on each function, which link-time optimization keeps with it):
 * otherwise GCC turns a loop below into a call of the very function it implements.
 * noinline: link-time optimization would otherwise copy a loop into every caller, each
 * copy blocks of its own to translate. tests/unit/test-pid1-string.c runs them on the
 * host under PAIOS_STRING_TEST (names prefixed test_, so the host's functions stay)
 * against the host's libc.
 */
#include <stddef.h>

#if defined(__GNUC__) && !defined(__clang__)
#define STRING_NO_LIBCALL __attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))
#else
#define STRING_NO_LIBCALL __attribute__((noinline)) /* clang builds only the unit tests */
#endif
#ifdef PAIOS_STRING_TEST
#define STRING_NAME(name) test_##name
#define STRING_FN static STRING_NO_LIBCALL
#else
#define STRING_NAME(name) name /* the C library's names: they take the place of musl's */
#define STRING_FN STRING_NO_LIBCALL
#endif

/* 8 bytes at a time: aarch64 (and x86-64, where the tests run) load and store unaligned
 * words of normal memory; aligned(1) says they may be unaligned, may_alias that they may
 * stand for any type's bytes */
typedef unsigned long __attribute__((may_alias, aligned(1))) string_word;

enum { STRING_TURN = 4 * sizeof(string_word) };

static unsigned char lower_ascii(unsigned char c) {
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

STRING_FN void *STRING_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n) {
        unsigned char *d = dst;
        const unsigned char *s = src;
        /* four words a turn: /init copies and clears structures of KiB, and under TCG each
         * turn of a loop is a block run */
        for (; n >= STRING_TURN; n -= STRING_TURN, d += STRING_TURN, s += STRING_TURN) {
                string_word w0 = ((const string_word *)s)[0], w1 = ((const string_word *)s)[1];
                string_word w2 = ((const string_word *)s)[2], w3 = ((const string_word *)s)[3];
                ((string_word *)d)[0] = w0;
                ((string_word *)d)[1] = w1;
                ((string_word *)d)[2] = w2;
                ((string_word *)d)[3] = w3;
        }
        for (; n >= sizeof(string_word); n -= sizeof(string_word), d += sizeof(string_word), s += sizeof(string_word))
                *(string_word *)d = *(const string_word *)s;
        for (; n; n--)
                *d++ = *s++;
        return dst;
}

STRING_FN void *STRING_NAME(memset)(void *dst, int c, size_t n) {
        unsigned char *d = dst;
        string_word w = (unsigned char)c * (~0UL / 0xff); /* the byte in every byte of a word */
        for (; n >= STRING_TURN; n -= STRING_TURN, d += STRING_TURN) {
                ((string_word *)d)[0] = w;
                ((string_word *)d)[1] = w;
                ((string_word *)d)[2] = w;
                ((string_word *)d)[3] = w;
        }
        for (; n >= sizeof(string_word); n -= sizeof(string_word), d += sizeof(string_word))
                *(string_word *)d = w;
        for (; n; n--)
                *d++ = (unsigned char)c;
        return dst;
}

STRING_FN size_t STRING_NAME(strlen)(const char *s) {
        const char *p = s;
        while (*p)
                p++;
        return (size_t)(p - s);
}

STRING_FN size_t STRING_NAME(strnlen)(const char *s, size_t n) {
        size_t i = 0;
        while (i < n && s[i])
                i++;
        return i;
}

STRING_FN void *STRING_NAME(memchr)(const void *s, int c, size_t n) {
        const unsigned char *p = s;
        for (; n; n--, p++)
                if (*p == (unsigned char)c)
                        return (void *)p;
        return NULL;
}

STRING_FN void *STRING_NAME(memrchr)(const void *s, int c, size_t n) {
        const unsigned char *p = s;
        while (n--)
                if (p[n] == (unsigned char)c)
                        return (void *)(p + n);
        return NULL;
}

STRING_FN char *STRING_NAME(strchrnul)(const char *s, int c) {
        while (*s && *s != (char)c)
                s++;
        return (char *)s;
}

STRING_FN char *STRING_NAME(strchr)(const char *s, int c) {
        s = STRING_NAME(strchrnul)(s, c);
        return *s == (char)c ? (char *)s : NULL;
}

STRING_FN char *STRING_NAME(strrchr)(const char *s, int c) {
        const char *found = NULL;
        do
                if (*s == (char)c)
                        found = s;
        while (*s++);
        return (char *)found;
}

STRING_FN int STRING_NAME(strcmp)(const char *a, const char *b) {
        while (*a && *a == *b)
                a++, b++;
        return (unsigned char)*a - (unsigned char)*b;
}

STRING_FN int STRING_NAME(strncmp)(const char *a, const char *b, size_t n) {
        for (; n; n--, a++, b++)
                if (*a != *b || !*a)
                        return (unsigned char)*a - (unsigned char)*b;
        return 0;
}

STRING_FN int STRING_NAME(strcasecmp)(const char *a, const char *b) {
        const unsigned char *l = (const unsigned char *)a, *r = (const unsigned char *)b;
        while (*l && lower_ascii(*l) == lower_ascii(*r))
                l++, r++;
        return lower_ascii(*l) - lower_ascii(*r);
}

STRING_FN size_t STRING_NAME(strspn)(const char *s, const char *accept) {
        size_t i = 0;
        while (s[i] && STRING_NAME(strchr)(accept, s[i]))
                i++;
        return i;
}

STRING_FN size_t STRING_NAME(strcspn)(const char *s, const char *reject) {
        size_t i = 0;
        while (s[i] && !STRING_NAME(strchr)(reject, s[i]))
                i++;
        return i;
}

STRING_FN char *STRING_NAME(strpbrk)(const char *s, const char *accept) {
        s += STRING_NAME(strcspn)(s, accept);
        return *s ? (char *)s : NULL;
}
