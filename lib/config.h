/* SPDX-License-Identifier: MIT */
/* paios-init's own configuration: /etc/paios-init.conf in the initramfs (key-file format),
 * every key overridable on the kernel command line as paios.<group>.<key>=<value>. One
 * table describes every option (config.c), so the file reader, the command-line reader and
 * the documentation cannot drift apart. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"
#include "diag.h"
#include "keyfile.h"

enum {
        CONFIG_PATH_MAX = 256,
        CONFIG_MODULES_MAX = 64,
        CONFIG_MODULE_NAME_MAX = 64,
        CONFIG_PATHS_MAX = 16,
};

#define CONFIG_DEFAULT_PATH "/etc/paios-init.conf"
#define CMDLINE_PREFIX "paios."

enum failure_action {
        FAILURE_REBOOT, /* default: the bootloader's boot counter then falls back */
        FAILURE_SHELL,  /* busybox shell on the console, then reboot when it exits */
        FAILURE_HALT,   /* power off: for test benches */
};

enum overlay_upper {
        UPPER_TMPFS, /* volatile: every boot starts from the slot as written */
        UPPER_DATA,  /* persistent: a per-slot directory on /data */
};

/* A list of absolute paths (data.binds, data.protected). */
struct path_list {
        char path[CONFIG_PATHS_MAX][CONFIG_PATH_MAX];
        size_t n;
};

struct config {
        /* [boot] */
        char system_conf[CONFIG_PATH_MAX];
        char init[CONFIG_PATH_MAX];          /* "" = the kernel's order: /sbin/init /etc/init /bin/init */
        unsigned device_timeout_s;           /* rootdelay= overrides; rootwait lifts the limit */
        enum failure_action failure_action;
        unsigned failure_delay_s;
        unsigned shell_timeout_s;            /* the rescue shell ends in a reboot after this long */
        bool locked;                         /* production: the command line cannot lower security */
        bool debug;
        /* [modules] */
        char modules[CONFIG_MODULES_MAX][CONFIG_MODULE_NAME_MAX];
        size_t n_modules;
        char modules_include[1024];          /* for mkinitramfs only: packed, loaded by coldplug */
        bool coldplug;
        /* [overlay] */
        enum overlay_upper upper;
        char tmpfs_size[32];                 /* size= of the tmpfs that holds the upper layer */
        /* [data] */
        char data_device[CONFIG_PATH_MAX];   /* "" = no /data */
        char data_fstype[32];
        char data_options[CONFIG_PATH_MAX];  /* added to nodev,nosuid */
        unsigned data_timeout_s;
        bool data_check;                     /* e2fsck -p before mounting */
        bool data_format_blank;              /* mkfs.ext4 a partition that holds no signature at all */
        bool data_required;                  /* fail the boot instead of falling back */
        struct path_list data_binds;         /* persistent paths bound from /data */
        struct path_list data_protected;     /* always from the read-only slot */
        bool data_allow_factory_reset;       /* honour data.factory-reset from the command line */
        bool data_factory_reset;
        /* [bootenv] */
        char bootenv_config[CONFIG_PATH_MAX]; /* a fw_env.config in the initramfs (env on a raw device) */
        char bootenv_device[CONFIG_PATH_MAX]; /* or: the partition holding the env file */
        char bootenv_fstype[32];
        char bootenv_file[CONFIG_PATH_MAX];   /* path of the env file in that partition */
        unsigned bootenv_size;                /* bytes, as U-Boot's env export -s */
        unsigned bootenv_timeout_s;
        bool bootenv_mark_bad;                /* a slot that cannot boot gets BOOT_<slot>_LEFT=0 */
        /* [hooks] */
        char hooks_dir[CONFIG_PATH_MAX];
        unsigned hooks_timeout_s;
        bool hooks_fatal;
        /* [watchdog] */
        char watchdog_device[CONFIG_PATH_MAX];
        unsigned watchdog_timeout_s;         /* 0 = do not arm */
        bool watchdog_required;
};

void config_defaults(struct config *c);

/* Apply a parsed configuration file. Unknown groups or keys are warnings (a newer file on
 * an older init must still boot); a bad value is an error naming group, key and value. */
int config_apply_keyfile(struct config *c, const struct keyfile *kf, struct diag *d);

/* Apply paios.<group>.<key>=<value> options from the command line. A bad value or an
 * unknown key is a warning and is ignored: the configuration in the image stays in force
 * rather than failing a boot over a typo typed into a bootloader prompt. */
void config_apply_cmdline(struct config *c, const struct kcmdline *cmdline, struct diag *d);

const char *failure_action_name(enum failure_action a);
const char *overlay_upper_name(enum overlay_upper u);

/* Print every option with its group, default and meaning (for --help-config and docs). */
typedef void (*config_print_fn)(void *userdata, const char *group, const char *key, const char *def,
                                const char *help);
void config_describe(config_print_fn fn, void *userdata);
