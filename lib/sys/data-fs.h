/* SPDX-License-Identifier: MIT */
/* The effects behind /data: probing the partition, running e2fsck and mke2fs, mounting,
 * preparing the per-slot upper, binds that never follow a symbolic link out of /data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "data.h"
#include "diag.h"
#include "plan.h"

/* What the device holds (see enum data_content). found gets blkid's TYPE or PTTYPE, or a
 * word about non-zero content blkid does not recognise: "blank" needs blkid to find
 * nothing AND the start of the device to be zeroes, so an ext4 with a destroyed
 * superblock (its group descriptors and inode tables still there) is never "blank". */
int data_probe_content(const char *device, const char *expected_type, enum data_content *ret, char *found,
                       size_t n);

/* Mount device at root/data with nodev,nosuid plus options. */
int data_mount(const char *root, const char *device, const char *fstype, const char *options, struct diag *d);

/* Prepare /data/paios/overlay/<slot>: set an upper of another rootfs aside (to the attic,
 * never deleted), create upper/ and work/ (work emptied: a stale one from an earlier boot
 * makes the overlay mount fail), write the identity. Refuses setuid/setgid bits and
 * device nodes in the upper, and moves to the attic whatever the upper holds at a
 * protected path (it would shadow the slot's copy). ret_dir gets the directory. */
int data_prepare_upper(const char *root, const char *slot, const char *identity, bool factory_reset,
                       const struct path_list *protected_paths, char *ret_dir, size_t n, char *why, size_t why_n,
                       struct diag *d);

/* Factory reset of the bound state: /data/paios/state to the attic. */
int data_reset_state(const char *root, struct diag *d);

/* Whether the factory-reset marker is on /data; it is removed once acted on. */
bool data_reset_marker_present(const char *root);
void data_reset_marker_remove(const char *root);

/* Carry out a BIND or MOVE step (see plan.h). A bind whose path meets a symbolic link
 * or ".." on /data fails with -ELOOP/-EXDEV and d naming it. */
int data_apply_step(const char *root, const struct mount_step *s, struct diag *d);

/* A fresh machine id in root+path when the file holds none (empty, "uninitialized"). */
int data_ensure_machine_id(const char *root, const char *path, bool *ret_created);
