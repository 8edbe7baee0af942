/* SPDX-License-Identifier: MIT */
/* Mounting: the API filesystems, and the steps of a mount plan. */
#pragma once

#include <stdbool.h>

#include "diag.h"
#include "plan.h"

/* Mount /proc, /sys, /dev (devtmpfs) and /run (tmpfs) under root, each unless it already
 * is a mount point. On failure, d names the mount. */
int mount_api_filesystems(const char *root, struct diag *d);

/* Carry out one step of a plan, every target relative to root. On failure d names the
 * step: what, source, target, type and options. */
int mount_step_apply(const char *root, const struct mount_step *s, struct diag *d);

/* Whether the mount at root+path is read-only; unmount it. */
bool mount_is_read_only(const char *root, const char *path);
int umount_at_root(const char *root, const char *path);

/* The filesystem type blkid finds on a device ("" and -ENOENT if none). */
int probe_fstype(const char *device, char *ret, size_t n);
