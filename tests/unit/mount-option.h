/* SPDX-License-Identifier: MIT */
/* A test oracle shared by tests/unit/test-plan.c and tests/fuzz/fuzz-plan.c: the option
 * that wins in a mount option string as libmount splits it (split_options() in
 * lib/sys/fs-mount.c, libmount's mnt_optstr_next_option()): the last one, where commas
 * inside double quotes do not separate; an option with an unterminated quote is dropped by
 * libmount without an error, reported here as "<unterminated quote>". */
#pragma once

#include <stdbool.h>

static inline const char *last_mount_option(const char *opts) {
        const char *start = opts;
        bool open = false;
        for (const char *p = opts; *p; p++) {
                if (*p == '"')
                        open = !open;
                else if (*p == ',' && !open)
                        start = p + 1;
        }
        return open ? "<unterminated quote>" : start;
}
