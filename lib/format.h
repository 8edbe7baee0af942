/* SPDX-License-Identifier: MIT */
/* snprintf() for the boot's own lines and paths: the conversions paios-init uses (%s %d %i
 * %u %x %c %%, flags - and 0, a width, a precision, and the length modifiers l ll z), with
 * snprintf's contract: the length the whole text needs, at most n - 1 bytes written and
 * always terminated (n > 0). Any other conversion goes to the libc's vsnprintf() whole.
 *
 * Why not the libc's: under qemu's TCG, code run for the first time is the main cost of
 * /init (README, "Where /init's time goes"), and musl's printf is about 150 such blocks,
 * this one a fifth of that. Pure. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 3, 0))) int format_text_v(char *buf, size_t n, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int format_text(char *buf, size_t n, const char *fmt, ...);
