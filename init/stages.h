/* SPDX-License-Identifier: MIT */
/* The stages of a boot, each a short function over one shared context. main.c runs them
 * in order; a stage that fails leaves the reason in b->diag and returns a negative errno. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cmdline.h"
#include "record.h"
#include "config.h"
#include "diag.h"
#include "plan.h"
#include "rauc-conf.h"

struct modules;
struct uboot_ctx;

enum { STAGE_TIMES_MAX = 16 };

struct boot {
        const char *root;    /* "/" when booting; a directory for --dry-run */
        bool dry_run;
        char **init_argv;    /* our argv: the kernel's arguments for init, passed on */

        struct config config;
        struct kcmdline cmdline;
        char *cmdline_text;         /* /proc/cmdline as read by stage configure */
        struct boot_args args;
        struct rauc_system *rauc; /* NULL when system.conf is missing or unreadable */
        char rauc_error[DIAG_TEXT_MAX]; /* then why */
        struct boot_plan plan;

        const char *compiled;       /* /etc/paios-init.compiled, checked, or NULL */
        size_t compiled_len;
        struct modules *modules;
        pid_t modules_child;        /* loading the configured modules, -1 when none */
        int uevent_fd;
        int watchdog_fd;
        unsigned watchdog_timeout_s;
        bool watchdog_armed;

        char root_device[PATH_MAX]; /* the slot's device node, once found */
        enum overlay_upper upper;   /* the upper in use, after any fallback */
        bool data_mounted;
        bool slot_mounted;          /* mounted early, for its identity */
        char data_upper_dir[PATH_MAX];
        struct boot_record record;
        bool plan_deferred;         /* the slot comes from the U-Boot environment */
        struct uboot_ctx *bootenv;  /* open from stage bootenv to the handover */
        bool bootenv_mounted;
        bool bootenv_done;
        char init[PATH_MAX];        /* the real init that will be executed */

        const char *stage;          /* the stage running, for the failure line */
        struct diag diag;
        struct {
                const char *stage;
                unsigned long end_ms;
        } times[STAGE_TIMES_MAX];
        unsigned n_times;
        unsigned long start_ms;
        unsigned long start_cpu_us; /* the process's CPU time then: the kernel's own before the exec */
};

int stage_setup(struct boot *b);
int stage_configure(struct boot *b);
int stage_print_plan(struct boot *b);
int stage_modules(struct boot *b);
int stage_watchdog(struct boot *b);
int stage_wait_device(struct boot *b);
int stage_data(struct boot *b);
int stage_bootenv(struct boot *b);
int stage_hooks_pre_mount(struct boot *b);
int stage_hooks_pre_switch(struct boot *b);
int stage_mount_root(struct boot *b);
int stage_check_new_root(struct boot *b);
int stage_handover(struct boot *b);
int stage_switch_root(struct boot *b);

/* Log the failure once, with stage, cause and errno text, then act. Never returns. */
__attribute__((noreturn)) void boot_fail(struct boot *b, int err);
