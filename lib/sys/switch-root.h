/* SPDX-License-Identifier: MIT */
/* Handing the boot over to the slot: check the new root, move /dev /proc /sys /run into
 * it, make it /, free the initramfs and exec the real init as PID 1. */
#pragma once

#include <stddef.h>

#include "diag.h"

/* Before anything is torn down: the new root must have an executable init (followed
 * through symbolic links inside the new root, not the initramfs) and directories for the
 * API mounts. init "" means the kernel's order of candidates; the one found is returned. */
int switch_root_check(const char *newroot, const char *init, char *ret_init, size_t n, struct diag *d);

/* Switch and exec. Returns only on failure, with d naming the step. */
int switch_root_exec(const char *newroot, const char *init, char *const argv[], struct diag *d);

/* The API mounts moved into the new root, in order. */
extern const char *const switch_root_moved[4];
