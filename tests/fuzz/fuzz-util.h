/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libFuzzer targets in tests/fuzz/fuzz-*.c: NUL-terminated copies of
 * the fuzz input, splitting one input into several texts, and ASSERT(), which aborts (a
 * crash libFuzzer saves as an artifact) when a documented property of a parser does not
 * hold. Each target is built by scripts/fuzz.sh with
 *   clang -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz-<name>.c lib/... */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A documented property of the code under test: abort (libFuzzer saves the input) when it
 * does not hold. Built with -DFUZZ_SANITIZERS_ONLY (FUZZ_CFLAGS=-DFUZZ_SANITIZERS_ONLY
 * scripts/fuzz.sh), conditions are still evaluated but only the sanitizers report: to go
 * on fuzzing for memory errors while a property violation is known and not yet fixed. */
#ifdef FUZZ_SANITIZERS_ONLY
#define ASSERT(cond) ((void)(cond))
#else
#define ASSERT(cond)                                                                              \
        do {                                                                                      \
                if (!(cond)) {                                                                    \
                        (void)fprintf(stderr, "fuzz: %s:%d: property violated: %s\n", __FILE__, __LINE__, \
                                      #cond);                                                     \
                        abort();                                                                  \
                }                                                                                 \
        } while (0)
#endif

/* A NUL-terminated copy of n bytes (bytes after an embedded NUL are then invisible to
 * string functions, as they would be to the init reading /proc/cmdline). */
static inline char *fuzz_strndup(const uint8_t *data, size_t n) {
        char *s = malloc(n + 1);
        if (!s)
                abort();
        if (n)
                memcpy(s, data, n);
        s[n] = '\0';
        return s;
}

/* Split data at NUL bytes into at most max parts, each NUL-terminated: k NUL bytes make
 * k + 1 parts ("a\0" is "a" and ""); the last part takes the rest, NULs included, with its
 * length in lens[]. Parts not present are NULL. Returns the number of parts present; free
 * them with fuzz_parts_free(). */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char **parts, size_t *lens, size_t max) {
        const uint8_t *p = data, *end = data + size;
        size_t n = 0;
        for (size_t i = 0; i < max; i++) {
                parts[i] = NULL;
                lens[i] = 0;
        }
        while (n < max) {
                const uint8_t *nul = n + 1 < max && p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
                size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);
                parts[n] = fuzz_strndup(p, len);
                lens[n] = len;
                n++;
                if (!nul)
                        break;
                p = nul + 1;
        }
        return n;
}

static inline void fuzz_parts_free(char **parts, size_t max) {
        for (size_t i = 0; i < max; i++) {
                free(parts[i]);
                parts[i] = NULL;
        }
}

/* Whether s is a NUL-terminated string inside a buffer of n bytes. */
static inline bool fuzz_terminated(const char *s, size_t n) {
        return memchr(s, '\0', n) != NULL;
}

/* What every diag must look like afterwards: terminated texts, counts in range. */
static inline void fuzz_check_diag(const struct diag *d) {
        ASSERT(fuzz_terminated(d->error, sizeof d->error));
        ASSERT(d->n_warn <= DIAG_WARN_MAX);
        for (size_t i = 0; i < d->n_warn; i++)
                ASSERT(fuzz_terminated(d->warn[i], sizeof d->warn[i]));
}
