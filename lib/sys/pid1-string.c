/* SPDX-License-Identifier: MIT */
/*
 * The string functions of the musl /init (PAIOS_LIBC=musl; the glibc build keeps glibc's),
 * in place of musl's: plain byte loops.
 *
 * Why: musl's are written for long strings, a word at a time (memchr, strlen, strchrnul)
 * or through a 256-bit set (strspn, strcspn), 10-17 basic blocks each, where a byte loop
 * is 2-4. Under qemu's TCG a basic block costs about 9 us of user time the first time it
 * runs (scripts/tcg-costs, scripts/profile-init), and /init runs each of these on strings
 * of a few dozen bytes, a few hundred times in a boot: 153 blocks of musl's string code
 * ran up to the switch, about 1.4 ms. Bulk copies (memcpy, memset, memmove, memcmp) stay
 * musl's: its assembly is fast on the 15-40 KiB structures /init copies and clears.
 *
 * The file is built with -fno-builtin -fno-tree-loop-distribute-patterns (CMakeLists.txt):
 * otherwise GCC turns a loop below into a call of the very function it implements.
 * noinline: link-time optimization would otherwise copy a loop into every caller, each
 * copy blocks of its own to translate. tests/unit/test-pid1-string.c runs them on the
 * host under PAIOS_STRING_TEST (names prefixed test_, so the host's functions stay)
 * against the host's libc.
 */
#include <stddef.h>

#ifdef PAIOS_STRING_TEST
#define STRING_NAME(name) test_##name
#define STRING_FN static __attribute__((noinline))
#else
#define STRING_NAME(name) name /* the C library's names: they take the place of musl's */
#define STRING_FN __attribute__((noinline))
#endif

static unsigned char lower_ascii(unsigned char c) {
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
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
