/* SPDX-License-Identifier: MIT */
/* How a block device is named in system.conf or root=: a path, a tag (LABEL= UUID=
 * PARTLABEL= PARTUUID=), a udev-style /dev/disk/by-* link (no udev runs in an initramfs,
 * so these are turned into the tag they stand for) or a MAJ:MIN number. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum { DEVSPEC_VALUE_MAX = 256 };

enum devspec_kind {
        DEVSPEC_PATH,      /* /dev/vda1 */
        DEVSPEC_LABEL,     /* filesystem label */
        DEVSPEC_UUID,      /* filesystem UUID */
        DEVSPEC_PARTLABEL, /* GPT partition name */
        DEVSPEC_PARTUUID,  /* GPT partition UUID, or MBR disk signature-partition */
        DEVSPEC_DEVNUM,    /* MAJ:MIN, as the kernel's root= accepts */
};

struct devspec {
        enum devspec_kind kind;
        char value[DEVSPEC_VALUE_MAX]; /* path, tag value, or "MAJ:MIN" */
        unsigned major, minor;         /* DEVSPEC_DEVNUM only */
};

/* Parse a device name. by-label and by-partlabel names are un-escaped the way udev
 * escaped them (\x2f and friends). by-id and by-path need udev's knowledge of the
 * hardware and are refused (-EOPNOTSUPP), as is anything else not under /dev. */
int devspec_parse(const char *s, struct devspec *ret, struct diag *d);

/* The blkid tag name for a tag kind ("PARTLABEL"), NULL for PATH and DEVNUM. */
const char *devspec_tag(enum devspec_kind kind);

/* "PARTLABEL=rootfs-a", "/dev/vda1", "254:1": for log lines. */
int devspec_format(const struct devspec *s, char *buf, size_t n);

/* Whether a probed value matches: UUIDs compare without case, as blkid and the kernel do. */
bool devspec_value_matches(const struct devspec *s, const char *probed);
