/* SPDX-License-Identifier: MIT */
/* The boot, decided before anything is done: which slot, which device, which modules,
 * each mount with source, target, type and options, the watchdog and what a failure does.
 * Pure: built from parsed inputs, so every decision is unit-tested and `init --dry-run`
 * prints exactly what a boot would do. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"
#include "config.h"
#include "devspec.h"
#include "diag.h"
#include "rauc-conf.h"

/* Where things are, documented in the README: all of /run moves into the new root, so the
 * read-only slot and the overlay's upper layer stay visible to the booted system. */
#define PAIOS_RUN_DIR "/run/paios"
#define PAIOS_SLOT_DIR "/run/paios/slot"       /* the slot, mounted read-only */
#define PAIOS_OVERLAY_DIR "/run/paios/overlay" /* tmpfs: upper/ and work/ */
#define PAIOS_SYSROOT "/sysroot"                /* the overlay, switched to as / */
#define PAIOS_VOLATILE_ROOT "/run/systemd/volatile-root" /* systemd finds the root device here */

/* Room for every step a configuration can ask for: 13 fixed ones, one per data.binds and
 * data.protected path (CONFIG_PATHS_MAX each); paths long enough for a configured path
 * (CONFIG_PATH_MAX) under the longest prefix. */
enum { PLAN_STEPS_MAX = 16 + 2 * CONFIG_PATHS_MAX, PLAN_OPTIONS_MAX = 1200, PLAN_PATH_MAX = CONFIG_PATH_MAX + 64 };

struct boot_plan {
        char slot[RAUC_NAME_MAX];      /* bootname from rauc.slot=, "" with only root= */
        char slot_name[RAUC_NAME_MAX]; /* its system.conf name ("rootfs.0"), "" if unknown */
        struct devspec root;           /* the device to wait for and mount */
        const char *root_origin;       /* "root=" or "system.conf" */
        char fstype[32];               /* "" = ask blkid */
        char rootflags[CMDLINE_VALUE_MAX + 1];
        int device_timeout_ms;         /* -1: wait without a limit (rootwait) */
        char init[CONFIG_PATH_MAX];    /* "" = try /sbin/init, /etc/init, /bin/init */
        const struct config *config;   /* modules, watchdog, failure action */
};

/* Decide the boot. rauc may be NULL when system.conf could not be read: then root= must
 * name the device. Errors name the cause (unknown bootname, neither rauc.slot= nor root=,
 * an unparsable device name). */
int plan_build(const struct boot_args *args, const struct config *cfg, const struct rauc_system *rauc,
               struct boot_plan *ret, struct diag *d);

enum step_kind {
        STEP_MKDIR,
        STEP_MOUNT,
        STEP_SYMLINK,
        STEP_BIND, /* source and target resolved without following symbolic links */
        STEP_MOVE, /* move an existing mount (MS_MOVE) */
};

/* How a bind's source is found and made. */
enum bind_source {
        BIND_FROM_SLOT, /* data.protected: the read-only slot's own copy; skipped if absent */
        BIND_FROM_DATA, /* data.binds: below /data/paios/state, created and seeded from the
                         * slot (seed) on first use, never through a symbolic link */
};

struct mount_step {
        enum step_kind kind;
        const char *what;              /* for log lines: "slot", "overlay", ... */
        char source[PLAN_PATH_MAX];     /* MOUNT: device or name; SYMLINK: link target */
        char target[PLAN_PATH_MAX];     /* relative to the root the executor is given */
        char fstype[32];
        char options[PLAN_OPTIONS_MAX]; /* mount(8) option string, parsed by libmount */
        bool options_are_data;          /* options holds no MS_* option (the plan wrote it from
                                         * filesystem options alone): passed as it is */
        bool block_device_ro;           /* BLKROSET on source before mounting */
        unsigned long flags;            /* MS_* always set, whatever options say */
        unsigned mode;                  /* MKDIR */
        enum bind_source bind_from;     /* BIND */
        bool read_only;                 /* BIND: remounted read-only */
        char seed[PLAN_PATH_MAX];       /* BIND_FROM_DATA: where the first copy comes from */
};

/* What the mounts are built on, once the devices are found and /data is decided. */
struct mount_inputs {
        const char *root_device;     /* the slot's device node */
        enum overlay_upper upper;    /* after any fallback */
        const char *data_upper_dir;  /* UPPER_DATA: "/data/paios/overlay/<bootname>" */
        bool data_mounted;           /* /data is mounted at PAIOS_DATA_DIR: binds, move */
};

/* The mounts that build the new root, in order: the slot read-only, the overlay (upper on
 * tmpfs, or on /data with the options the kernel documents for an untrusted upper), the
 * persistent binds from /data, the protected paths from the slot, /data itself. */
int plan_mounts(const struct boot_plan *p, const struct mount_inputs *in, struct mount_step *steps, size_t max,
                size_t *ret_n, struct diag *d);

/* The kernel's order for a real init when none is given (init/main.c in Linux). */
extern const char *const plan_default_inits[3];
