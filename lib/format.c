/* SPDX-License-Identifier: MIT */
#include "format.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* The text so far: bytes beyond the buffer are counted, not written. */
struct format_out {
        char *buf;
        size_t cap; /* bytes that may be written before the terminator */
        size_t len; /* bytes the whole text needs */
};

static void out_bytes(struct format_out *o, const char *s, size_t k) {
        if (o->len < o->cap)
                memcpy(o->buf + o->len, s, k < o->cap - o->len ? k : o->cap - o->len);
        o->len += k;
}

static void out_repeat(struct format_out *o, char c, size_t k) {
        for (size_t i = 0; i < k; i++)
                out_bytes(o, &c, 1);
}

/* s[0..k), right-aligned in width unless left; numbers zero-padded after their sign */
static void out_field(struct format_out *o, const char *s, size_t k, size_t width, bool left, bool zero) {
        size_t pad = width > k ? width - k : 0;
        if (left) {
                out_bytes(o, s, k);
                out_repeat(o, ' ', pad);
                return;
        }
        if (zero && k > 0 && s[0] == '-') {
                out_bytes(o, s, 1);
                s++;
                k--;
        }
        out_repeat(o, zero ? '0' : ' ', pad);
        out_bytes(o, s, k);
}

enum { FORMAT_FIELD_MAX = 1 << 20 }; /* a wider field or precision goes to the libc */

/* Digits of a width or precision; -1 if too large. */
static int parse_count(const char **p) {
        int v = 0;
        while (**p >= '0' && **p <= '9') {
                v = v * 10 + (*(*p)++ - '0');
                if (v > FORMAT_FIELD_MAX)
                        return -1;
        }
        return v;
}

/* size_t and ssize_t read as unsigned long and long, the same types where they are
 * (LP64 with glibc and musl); elsewhere %z goes to the libc. */
enum { SIZE_IS_LONG = _Generic((size_t)0, unsigned long: 1, default: 0) && _Generic((ssize_t)0, long: 1, default: 0) };

int format_text_v(char *buf, size_t n, const char *fmt, va_list ap) {
        va_list args;
        va_copy(args, ap);
        struct format_out o = {buf, n ? n - 1 : 0, 0};
        for (const char *p = fmt; *p;) {
                if (*p != '%') {
                        /* the libc's strcspn() (strchrnul() in musl), run by others anyway */
                        const char *q = p + strcspn(p, "%");
                        out_bytes(&o, p, (size_t)(q - p));
                        p = q;
                        continue;
                }
                p++;
                /* flags and length as conditions computed, not branched on: fewer
                 * blocks for qemu to translate, every line runs them */
                bool left = false, zero = false;
                for (; *p == '-' || *p == '0'; p++) {
                        left |= *p == '-';
                        zero |= *p == '0';
                }
                int width = 0, prec = -1;
                if (*p == '*') {
                        width = va_arg(args, int);
                        p++;
                        if (width < 0) {
                                left = true;
                                width = width < -FORMAT_FIELD_MAX ? -1 : -width;
                        }
                } else
                        width = parse_count(&p);
                if (*p == '.') {
                        p++;
                        if (*p == '*') {
                                prec = va_arg(args, int);
                                p++;
                                if (prec < 0)
                                        prec = -1; /* as if none was given */
                                else if (prec > FORMAT_FIELD_MAX)
                                        goto libc;
                        } else if ((prec = parse_count(&p)) < 0)
                                goto libc;
                }
                if (width < 0 || width > FORMAT_FIELD_MAX)
                        goto libc;
                /* l and z (size_t is unsigned long), read alike; ll (unused here) to the
                 * libc: one va_arg() site per type less */
                bool wide = *p == 'l' || (SIZE_IS_LONG && *p == 'z');
                p += wide;
                if (wide && p[-1] == 'l' && *p == 'l')
                        goto libc;
                char conv = *p;
                if (conv)
                        p++;
                if (zero && left)
                        zero = false; /* "-" wins, as in C */
                switch (conv) {
                case '%':
                        out_bytes(&o, "%", 1);
                        break;
                case 's': {
                        if (zero || wide)
                                goto libc;
                        const char *s = va_arg(args, const char *);
                        if (!s)
                                s = "(null)";
                        out_field(&o, s, prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s), (size_t)width, left, false);
                        break;
                }
                case 'c': {
                        if (zero || wide || prec >= 0)
                                goto libc;
                        char c = (char)va_arg(args, int);
                        out_field(&o, &c, 1, (size_t)width, left, false);
                        break;
                }
                case 'd':
                case 'i':
                case 'u':
                case 'x': {
                        if (prec >= 0) /* a minimum of digits: not used here */
                                goto libc;
                        unsigned long long v;
                        bool negative = false;
                        /* signed and unsigned read as what they are: a negative int read
                         * as unsigned would be undefined */
                        if (conv == 'd' || conv == 'i') {
                                long long s = wide ? va_arg(args, long) : va_arg(args, int);
                                negative = s < 0;
                                v = negative ? 0ULL - (unsigned long long)s : (unsigned long long)s;
                        } else
                                v = wide ? va_arg(args, unsigned long) : va_arg(args, unsigned);
                        char digits[24];
                        size_t k = sizeof digits;
                        unsigned base = conv == 'x' ? 16 : 10;
                        do {
                                digits[--k] = "0123456789abcdef"[v % base];
                                v /= base;
                        } while (v);
                        digits[k - 1] = '-'; /* k >= 4: kept only if negative, without a branch */
                        k -= negative;
                        out_field(&o, digits + k, sizeof digits - k, (size_t)width, left, zero);
                        break;
                }
                default: /* another conversion, flag or length: the libc's, for the whole text */
                        goto libc;
                }
        }
        if (n > 0)
                buf[o.len < o.cap ? o.len : o.cap] = '\0';
        va_end(args);
        return o.len > INT_MAX ? -1 : (int)o.len;
libc:
        va_end(args);
        return vsnprintf(buf, n, fmt, ap);
}

int format_text(char *buf, size_t n, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = format_text_v(buf, n, fmt, ap);
        va_end(ap);
        return r;
}
