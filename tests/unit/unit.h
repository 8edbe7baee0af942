/* SPDX-License-Identifier: MIT */
/* A tiny unit-test harness, no framework: CHECK macros that print file:line, the name of
 * the case being checked and both values on failure, and count passes and failures. Each
 * test program's main() runs its tables and returns unit_exit(), which prints the closing
 * line "N passed, N failed" and fails if any check failed.
 *
 *   for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
 *           unit_case("%s", cases[i].name);
 *           CHECK_ERR(parse(cases[i].in, &out), cases[i].ret);
 *           CHECK_STREQ(out.value, cases[i].value);
 *   }
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Name the case that the following checks belong to; printed with each failure. */
void unit_case(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool unit_check(bool ok, const char *file, int line, const char *expr);
bool unit_check_streq(const char *a, const char *b, const char *file, int line, const char *ea, const char *eb);
bool unit_check_inteq(long long a, long long b, const char *file, int line, const char *ea, const char *eb);
bool unit_check_err(long long r, long long expected, const char *file, int line, const char *er);
bool unit_check_contains(const char *haystack, const char *needle, const char *file, int line,
                         const char *eh);
bool unit_check_warned(const struct diag *d, const char *needle, const char *file, int line);

/* Print the closing line "N passed, N failed"; the exit status for main(). */
int unit_exit(void);

#define CHECK(cond) unit_check(!!(cond), __FILE__, __LINE__, #cond)
/* Strings compared with strcmp(); NULL equals only NULL. */
#define CHECK_STREQ(a, b) unit_check_streq((a), (b), __FILE__, __LINE__, #a, #b)
#define CHECK_INTEQ(a, b) unit_check_inteq((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)
/* A return value: 0 or a negative errno, printed by name ("-EINVAL"). */
#define CHECK_ERR(r, expected) unit_check_err((long long)(r), (long long)(expected), __FILE__, __LINE__, #r)
/* haystack contains needle; a NULL or "" needle checks nothing (tables leave it out). */
#define CHECK_CONTAINS(haystack, needle) unit_check_contains((haystack), (needle), __FILE__, __LINE__, #haystack)
/* One of d's warnings contains needle; a NULL needle checks nothing. */
#define CHECK_WARNED(d, needle) unit_check_warned((d), (needle), __FILE__, __LINE__)

/* "-EINVAL" for -EINVAL, "0" for 0: for messages. */
const char *unit_errno_name(long long r);

/* Test data builders; they abort on out-of-memory, the caller frees. */
char *unit_repeat(char c, size_t n);                                     /* n copies of c */
char *unit_format(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* asprintf */
