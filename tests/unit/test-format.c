/* SPDX-License-Identifier: MIT */
/* lib/format.c against the host libc's snprintf(): the same text and the same return value,
 * for every conversion the boot uses, at every buffer size down to none, and for those it
 * hands to the libc. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "unit.h"

/* Both formatters into buffers of size n (with a guard after them), compared. */
__attribute__((format(printf, 3, 4))) static void check_format(int line, size_t n, const char *fmt, ...) {
        unit_case("line %d: format_text(%zu, \"%s\")", line, n, fmt);
        char got[160], want[160];
        memset(got, '#', sizeof got);
        memset(want, '#', sizeof want);
        va_list ap, aq;
        va_start(ap, fmt);
        va_copy(aq, ap);
        int r = format_text_v(got, n, fmt, ap);
        int w = vsnprintf(want, n, fmt, aq);
        va_end(aq);
        va_end(ap);
        CHECK_INTEQ(r, w);
        CHECK(memcmp(got, want, sizeof got) == 0); /* the text, the terminator, nothing after */
        if (n > 0)
                CHECK_STREQ(got, want);
}

#define CHECK_FORMAT(n, ...) check_format(__LINE__, (n), __VA_ARGS__)

static void test_conversions(void) {
        static const size_t sizes[] = {128, 40, 12, 5, 2, 1, 0};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
                size_t n = sizes[i];
                CHECK_FORMAT(n, "plain text, no conversion");
                CHECK_FORMAT(n, "%s", "");
                CHECK_FORMAT(n, "%s%s%s", "", "/", "/lib/modules/6.1.0-28-arm64/kernel/drivers/block/virtio_blk.ko");
                CHECK_FORMAT(n, "<%d>paios-init: %s\n", 30 | 6, "slot A (rootfs.0): device PARTLABEL=rootfs-a");
                CHECK_FORMAT(n, "%.64s|%.3s|%.0s|%.10s", "a string longer than three", "abcdef", "gone", "short");
                CHECK_FORMAT(n, "%.*s|%.*s|%.*s", 3, "abcdef", 0, "x", -1, "negative: all of it");
                CHECK_FORMAT(n, "%d %d %d %d %i", 0, -1, INT_MIN, INT_MAX, 42);
                CHECK_FORMAT(n, "%u %u %x %x", 0u, UINT_MAX, 0xdeadbeefu, 0u);
                CHECK_FORMAT(n, "%lu %ld %ld %lu", ULONG_MAX, LONG_MIN, LONG_MAX, 0ul);
                CHECK_FORMAT(n, "%llu %lld %lld", ULLONG_MAX, LLONG_MIN, -5ll);
                CHECK_FORMAT(n, "%zu %zu %zd %zd", (size_t)0, SIZE_MAX, (ssize_t)-7, (ssize_t)SSIZE_MAX);
                CHECK_FORMAT(n, "%02x:%02x %06u %03lu.%03lu", 5u, 0xabu, 42u, 7ul, 123456ul);
                CHECK_FORMAT(n, "[%5s|%-5s|%2s|%-2s]", "ab", "ab", "abcd", "abcd");
                CHECK_FORMAT(n, "[%6d|%-6d|%06d|%1d|%03d]", -12, -12, -12, -12, 5);
                CHECK_FORMAT(n, "[%*d|%*d|%-*s|%*s]", 6, 42, -6, 42, 10, "ab", 0, "cd");
                CHECK_FORMAT(n, "%c%c%c|%3c|%-3c|", 'a', '-', '%', 'x', 'y');
                CHECK_FORMAT(n, "100%% of %s%%", "it");
        }
}

/* Conversions the boot does not use go to the libc, which must see the arguments unread. */
static void test_libc(void) {
        static const size_t sizes[] = {128, 7, 0};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
                size_t n = sizes[i];
                CHECK_FORMAT(n, "%s then %5.2f", "text", 3.14159);
                CHECK_FORMAT(n, "%d %+d % d", 1, 2, 3);
                CHECK_FORMAT(n, "%s %.3d %#x %X %o", "x", 7, 255u, 255u, 8u);
                CHECK_FORMAT(n, "%hhu %hu %jd %tx", (unsigned char)200, (unsigned short)60000, (intmax_t)-1, (ptrdiff_t)16);
                CHECK_FORMAT(n, "%ls|%p", L"wide", (void *)0x1234);
                CHECK_FORMAT(n, "%s %e %g", "float", 1e10, 0.5);
                CHECK_FORMAT(n, "%.2000000s|%2000000d", "huge precision", 1);
        }
}

static void test_null_buffer(void) {
        unit_case("format_text(NULL, 0): the length only");
        CHECK_INTEQ(format_text(NULL, 0, "%s=%lu", "key", 123456ul), 10);
        unit_case("format: a NULL string is (null), as both libcs print it");
        char buf[16];
        const char *volatile none = NULL; /* not a constant the compiler warns about */
        CHECK_INTEQ(format_text(buf, sizeof buf, "[%s]", none), 8);
        CHECK_STREQ(buf, "[(null)]");
}

int main(void) {
        test_conversions();
        test_libc();
        test_null_buffer();
        return unit_exit();
}
