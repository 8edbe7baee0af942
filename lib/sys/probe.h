/* SPDX-License-Identifier: MIT */
/* Finding the block device a devspec names, without udev: the kernel's list of block
 * devices in sysfs, and libblkid for labels, UUIDs and GPT partition names. */
#pragma once

#include <stddef.h>

#include "devspec.h"
#include "diag.h"

/* Resolve spec to a device node under root/dev. 0 and the path (relative to root, e.g.
 * "/dev/vda1") when exactly one device matches; -ENOENT when none does (yet); -ENOTUNIQ
 * when several do (two slots written from one image share LABEL and UUID: name them by
 * PARTLABEL or PARTUUID instead), with the devices named in d. */
/* A superblock value blkid reports for device ("UUID", "LABEL", "TYPE"). */
int probe_value(const char *device, const char *tag, char *buf, size_t n);

int probe_resolve(const char *root, const struct devspec *spec, char *ret, size_t n, struct diag *d);
