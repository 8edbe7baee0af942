/* SPDX-License-Identifier: MIT */
/* Mounting: the API filesystems, and the steps of a mount plan. */
#pragma once

#include "diag.h"
#include "plan.h"

/* Mount /proc, /sys, /dev (devtmpfs) and /run (tmpfs) under root, each unless it already
 * is a mount point. On failure, d names the mount. */
int mount_api_filesystems(const char *root, struct diag *d);

/* Carry out one step of a plan, every target relative to root. On failure d names the
 * step: what, source, target, type and options. */
int mount_step_apply(const char *root, const struct mount_step *s, struct diag *d);

/* The filesystem type blkid finds on a device ("" and -ENOENT if none). */
int probe_fstype(const char *device, char *ret, size_t n);
