/* SPDX-License-Identifier: MIT */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

int diag_fail(struct diag *d, int err, const char *fmt, ...) {
        if (d) {
                va_list ap;
                va_start(ap, fmt);
                (void)format_text_v(d->error, sizeof d->error, fmt, ap);
                va_end(ap);
        }
        return err;
}

void diag_warn(struct diag *d, const char *fmt, ...) {
        if (!d)
                return;
        if (d->n_warn >= DIAG_WARN_MAX) {
                d->n_warn_dropped++;
                return;
        }
        va_list ap;
        va_start(ap, fmt);
        (void)format_text_v(d->warn[d->n_warn++], DIAG_TEXT_MAX, fmt, ap);
        va_end(ap);
}

void diag_clear(struct diag *d) {
        if (d)
                memset(d, 0, sizeof *d);
}
