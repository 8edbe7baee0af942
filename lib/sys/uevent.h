/* SPDX-License-Identifier: MIT */
/* Kernel uevents from netlink: what appears while the init waits (a module's new device
 * asking for the next module, the partitions of a disk), so waiting is event-driven
 * rather than a sleep loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct uevent {
        char action[16];      /* "add", "change", ... */
        char subsystem[32];   /* "block", "virtio", ... */
        char modalias[256];   /* "" if the device has none */
        char devname[64];     /* "vda1" for block devices */
};

/* A non-blocking, close-on-exec netlink socket bound to the kernel's uevent group. */
int uevent_open(void);

/* Parse one datagram ("add@/devices/...\0ACTION=add\0SUBSYSTEM=block\0..."); pure. */
int uevent_parse(const char *buf, size_t len, struct uevent *ret);

/* Read one uevent: 0, -EAGAIN when none is queued, or another negative errno. */
int uevent_receive(int fd, struct uevent *ret);
