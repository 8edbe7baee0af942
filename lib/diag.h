/* SPDX-License-Identifier: MIT */
/* Diagnostics collected by the pure parsers and decisions: they never log (they do not
 * know where a log goes, and tests must see what they would say). The caller logs the
 * warnings, and on failure the one error line, with its own context. */
#pragma once

#include <stddef.h>

enum { DIAG_WARN_MAX = 16, DIAG_TEXT_MAX = 256 };

struct diag {
        char error[DIAG_TEXT_MAX];                  /* why the call failed, "" if it did not */
        char warn[DIAG_WARN_MAX][DIAG_TEXT_MAX];    /* what was ignored or fell back */
        size_t n_warn;
        size_t n_warn_dropped;                      /* warnings past DIAG_WARN_MAX */
};

/* Record the reason for a failure and return err (a negative errno), so a parser can
 * `return diag_fail(d, -EINVAL, "...")`. d may be NULL. */
int diag_fail(struct diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_clear(struct diag *d);
