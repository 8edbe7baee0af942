/* SPDX-License-Identifier: MIT */
/*
 * glibc's checked ("fortified") entry points that Debian's libubootenv.a calls, for the musl
 * build of /init (PAIOS_LIBC=musl) only.
 *
 * Debian ships libubootenv as a glibc build only (libubootenv-dev:arm64), compiled with
 * _FORTIFY_SOURCE=2, and its source package cannot be rebuilt here (its .orig tarball is
 * not on the archive mirror the build uses), so the musl /init links that archive. Every
 * other symbol it takes (stdio, open/read/write, stat, __getdelim, __isoc99_sscanf,
 * __errno_location, __stack_chk_*) musl provides with the same ABI on aarch64; these four it
 * lacks. Each keeps glibc's contract: a write past the destination's known size aborts
 * instead of corrupting memory.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc's prototypes live in its internal headers; these declare the same functions. */
void *__memcpy_chk(void *dest, const void *src, size_t len, size_t destlen);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *format, ...)
        __attribute__((format(printf, 5, 6)));
int __sprintf_chk(char *s, int flag, size_t slen, const char *format, ...) __attribute__((format(printf, 4, 5)));
int __asprintf_chk(char **result, int flag, const char *format, ...) __attribute__((format(printf, 3, 4)));

void *__memcpy_chk(void *dest, const void *src, size_t len, size_t destlen) {
        if (len > destlen)
                abort();
        return memcpy(dest, src, len);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *format, ...) {
        va_list ap;
        int r;

        if (maxlen > slen)
                abort();
        va_start(ap, format);
        r = vsnprintf(s, maxlen, format, ap);
        va_end(ap);
        return r;
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *format, ...) {
        va_list ap;
        int r;

        /* slen is the destination's size as the compiler knew it, (size_t)-1 when unknown;
         * musl's vsnprintf() refuses sizes past INT_MAX */
        if (slen == 0)
                abort();
        if (slen > (size_t)INT_MAX)
                slen = (size_t)INT_MAX;
        va_start(ap, format);
        r = vsnprintf(s, slen, format, ap);
        va_end(ap);
        if (r < 0 || (size_t)r >= slen)
                abort();
        return r;
}

int __asprintf_chk(char **result, int flag, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(result, format, ap);
        va_end(ap);
        return r;
}
