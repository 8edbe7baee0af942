/* SPDX-License-Identifier: MIT */
#include "unit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned passed, failed;
static char case_name[512];

void unit_case(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(case_name, sizeof case_name, fmt, ap);
        va_end(ap);
}

/* A value for a failure message: quoted, control bytes escaped, long strings shortened so
 * a 64 KiB test input does not flood the log. Four rotating buffers: one message may
 * print two values. */
static const char *show(const char *s) {
        static char bufs[4][640];
        static unsigned next;
        if (!s)
                return "NULL";
        char *b = bufs[next++ % 4];
        size_t o = 0, len = strlen(s);
        b[o++] = '"';
        for (size_t i = 0; i < len && o < sizeof bufs[0] - 40; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '"' || c == '\\')
                        o += (size_t)snprintf(b + o, sizeof bufs[0] - o, "\\%c", c);
                else if (c == '\n')
                        o += (size_t)snprintf(b + o, sizeof bufs[0] - o, "\\n");
                else if (c == '\t')
                        o += (size_t)snprintf(b + o, sizeof bufs[0] - o, "\\t");
                else if (c < 0x20 || c == 0x7f)
                        o += (size_t)snprintf(b + o, sizeof bufs[0] - o, "\\x%02x", c);
                else
                        b[o++] = (char)c;
                if (i + 1 < len && o >= sizeof bufs[0] - 40) {
                        o += (size_t)snprintf(b + o, sizeof bufs[0] - o, "...(%zu bytes)", len);
                        break;
                }
        }
        b[o++] = '"';
        b[o] = '\0';
        return b;
}

static bool report(bool ok, const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool report(bool ok, const char *file, int line, const char *fmt, ...) {
        if (ok) {
                passed++;
                return true;
        }
        failed++;
        fprintf(stderr, "%s:%d: [%s] ", file, line, case_name);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return false;
}

bool unit_check(bool ok, const char *file, int line, const char *expr) {
        return report(ok, file, line, "CHECK(%s) failed", expr);
}

bool unit_check_streq(const char *a, const char *b, const char *file, int line, const char *ea, const char *eb) {
        bool ok = (!a && !b) || (a && b && strcmp(a, b) == 0);
        return report(ok, file, line, "%s == %s failed:\n    got      %s\n    expected %s", ea, eb, show(a), show(b));
}

bool unit_check_inteq(long long a, long long b, const char *file, int line, const char *ea, const char *eb) {
        return report(a == b, file, line, "%s == %s failed: got %lld, expected %lld", ea, eb, a, b);
}

const char *unit_errno_name(long long r) {
        static const struct {
                int e;
                const char *name;
        } names[] = {
                {EINVAL, "-EINVAL"},   {ENOENT, "-ENOENT"},       {E2BIG, "-E2BIG"},
                {EFBIG, "-EFBIG"},     {ENAMETOOLONG, "-ENAMETOOLONG"}, {ENOTUNIQ, "-ENOTUNIQ"},
                {EOPNOTSUPP, "-EOPNOTSUPP"}, {ERANGE, "-ERANGE"}, {ENOMEM, "-ENOMEM"},
                {EIO, "-EIO"},         {EEXIST, "-EEXIST"},
        };
        static char buf[4][32];
        static unsigned next;
        if (r == 0)
                return "0";
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (r == -names[i].e)
                        return names[i].name;
        char *b = buf[next++ % 4];
        (void)snprintf(b, sizeof buf[0], "%lld", r);
        return b;
}

bool unit_check_err(long long r, long long expected, const char *file, int line, const char *er) {
        return report(r == expected, file, line, "%s: got %s, expected %s", er, unit_errno_name(r),
                      unit_errno_name(expected));
}

bool unit_check_contains(const char *haystack, const char *needle, const char *file, int line, const char *eh) {
        if (!needle || !needle[0])
                return true;
        bool ok = haystack && strstr(haystack, needle);
        return report(ok, file, line, "%s does not contain %s:\n    it is %s", eh, show(needle), show(haystack));
}

bool unit_check_warned(const struct diag *d, const char *needle, const char *file, int line) {
        if (!needle)
                return true;
        for (size_t i = 0; i < d->n_warn; i++)
                if (strstr(d->warn[i], needle))
                        return report(true, file, line, "-");
        report(false, file, line, "no warning contains %s; the %zu warning(s):", show(needle), d->n_warn);
        for (size_t i = 0; i < d->n_warn; i++)
                fprintf(stderr, "    %s\n", show(d->warn[i]));
        return false;
}

int unit_exit(void) {
        printf("%u passed, %u failed\n", passed, failed);
        fflush(stdout);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *unit_repeat(char c, size_t n) {
        char *s = malloc(n + 1);
        if (!s)
                abort();
        memset(s, c, n);
        s[n] = '\0';
        return s;
}

char *unit_format(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                abort();
        char *s = malloc((size_t)n + 1);
        if (!s)
                abort();
        va_start(ap, fmt);
        (void)vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
        return s;
}
