/* SPDX-License-Identifier: MIT */
/* Decisions about the persistent /data partition, made from what probing found. Pure:
 * the effect layer (lib/sys/data.c) probes, runs e2fsck, mounts; these functions only
 * decide, so every fallback is unit-tested. Layout on /data (documented in the README):
 *
 *   /data/paios/overlay/<bootname>/{upper,work,identity}   the slot's persistent upper
 *   /data/paios/state/<path>                               data.binds, shared by slots
 *   /data/paios/attic/<n>-<what>/                          what was set aside, kept
 *   /data/paios/factory-reset                              marker: reset at next boot
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define PAIOS_DATA_DIR "/data"
#define DATA_OVERLAY_DIR "paios/overlay"   /* relative to /data */
#define DATA_STATE_DIR "paios/state"
#define DATA_ATTIC_DIR "paios/attic"
#define DATA_RESET_MARKER "paios/factory-reset"

/* What a probe of the data device found. */
enum data_content {
        DATA_MISSING,  /* no device within data.timeout */
        DATA_BLANK,    /* blkid finds no signature at all: never written */
        DATA_EXPECTED, /* the configured filesystem type */
        DATA_FOREIGN,  /* something else: another filesystem, a partition table, RAID, ... */
};

enum data_action {
        DATA_USE,          /* check (if configured) and mount */
        DATA_FORMAT,       /* make the filesystem, then mount */
        DATA_FALL_BACK,    /* boot without /data: tmpfs upper, no persistent state */
        DATA_FAIL,         /* data.required: the boot fails */
};

/* What to do with the device, and why (a log line's worth). */
enum data_action data_decide_content(const struct config *c, enum data_content content, const char *found_type,
                                     char *why, size_t n);

/* e2fsck -p's exit code (fsck(8)): 0 clean, 1 errors corrected, 2 corrected and reboot
 * advised (for the mounted root only: /data is not mounted yet, so go on); 4 and above
 * (left uncorrected, operational error, usage, cancelled, library) mean the filesystem
 * must not be mounted read-write. A negative value: e2fsck could not run at all. */
enum data_action data_decide_fsck(const struct config *c, int exit_code, char *why, size_t n);

/* The identity of a rootfs, stored beside its persistent upper: an upper made over
 * another rootfs (the slot was rewritten by an update) must not be applied over a new
 * one. fs_uuid is the slot filesystem's UUID, build_id the slot's /etc/os-release
 * BUILD_ID or VERSION_ID (may be ""). Writes "uuid=...\nbuild=...\n". */
int data_rootfs_identity(const char *fs_uuid, const char *build_id, char *buf, size_t n);

/* The value of key in os-release text (KEY=value, the value optionally quoted), "" when
 * absent; -ENAMETOOLONG if it does not fit. */
int os_release_value(const char *text, const char *key, char *buf, size_t n);

enum upper_action {
        UPPER_KEEP,      /* use the existing upper */
        UPPER_NEW,       /* none there yet: create */
        UPPER_SET_ASIDE, /* move the old one to the attic, then create */
};

/* stored: the identity file's content, NULL if the upper has none (or does not exist:
 * then upper_exists is false). */
enum upper_action data_decide_upper(bool upper_exists, const char *stored, const char *current, bool factory_reset,
                                    char *why, size_t n);

/* Whether a factory reset is due: the marker file on /data always counts (whoever can
 * write /data can also wipe it); data.factory-reset only where the configuration allows
 * it, because the command line comes from a bootloader environment anyone with the
 * device in hand can edit. */
bool data_factory_reset_due(const struct config *c, bool marker_present, char *why, size_t n);

/* The name of an attic entry: "<seq>-<what>-<slot>", seq being one more than the
 * highest seen, so entries sort by age and never collide. */
int data_attic_name(unsigned seq, const char *what, const char *slot, char *buf, size_t n);

/* 32 lower-case hex digits and an optional newline, not all zeroes: systemd's format.
 * An empty file or "uninitialized\n" (what images ship) is not a machine id. */
bool machine_id_is_valid(const char *text);
