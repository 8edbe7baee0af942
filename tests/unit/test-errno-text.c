/* SPDX-License-Identifier: MIT */
/* The project's errno texts (lib/errno-text.h) are glibc's: compared with the host's
 * strerror() (this test runs on the glibc host) for every errno the kernel has, so the
 * musl /init logs the same lines the glibc one did. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errno-text.h"
#include "unit.h"

static void test_every_errno_is_glibcs(void) {
        /* 1..133 is every errno of the generic (x86-64, aarch64) numbering; 41 and 58 are
         * holes, which glibc calls "Unknown error N" */
        for (int e = 1; e <= EHWPOISON; e++) {
                unit_case("errno %d", e);
                if (e == 41 || e == 58)
                        CHECK_STREQ(errno_text(e), "Unknown error");
                else
                        CHECK_STREQ(errno_text(e), strerror(e));
        }
}

static void test_texts_the_fault_tests_read(void) {
        unit_case("texts where musl's differ");
        CHECK_STREQ(errno_text(ENOMEM), "Cannot allocate memory");
        CHECK_STREQ(errno_text(EBUSY), "Device or resource busy");
        CHECK_STREQ(errno_text(EIO), "Input/output error");
        CHECK_STREQ(errno_text(ETIMEDOUT), "Connection timed out");
        CHECK_STREQ(errno_text(ENAMETOOLONG), "File name too long");
        CHECK_STREQ(errno_text(ENOSPC), "No space left on device");
}

static void test_out_of_range(void) {
        unit_case("values with no text");
        CHECK_STREQ(errno_text(0), "Unknown error");
        CHECK_STREQ(errno_text(-ENOENT), "Unknown error"); /* a caller's missing minus */
        CHECK_STREQ(errno_text(EHWPOISON + 1), "Unknown error");
        CHECK_STREQ(errno_text(4096), "Unknown error");
}

int main(void) {
        test_every_errno_is_glibcs();
        test_texts_the_fault_tests_read();
        test_out_of_range();
        return unit_exit();
}
