/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"

enum option_type { OPT_PATH, OPT_STRING, OPT_SIZE, OPT_UINT, OPT_SECONDS, OPT_BOOL, OPT_FAILURE, OPT_UPPER, OPT_MODULES, OPT_PATHS };

struct option {
        const char *group;
        const char *key;
        enum option_type type;
        size_t offset;
        size_t size;      /* buffer size for OPT_PATH and OPT_STRING */
        unsigned max;     /* upper bound for OPT_SECONDS */
        const char *def;  /* default, as written in the file */
        const char *help;
        unsigned flags;   /* OPTF_* */
};

enum {
        /* may be set on the command line of a locked image: it cannot lower security */
        OPTF_LOCKED_OK = 1u << 0,
        /* only in the configuration file, which lives in the signed image */
        OPTF_FILE_ONLY = 1u << 1,
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct option options[] = {
        {"boot", "system-conf", OPT_PATH, FIELD(system_conf), 0, "/etc/rauc/system.conf",
         "RAUC's system.conf inside the initramfs (a copy of the rootfs's own)", 0},
        {"boot", "init", OPT_PATH, FIELD(init), 0, "",
         "the real init in the slot; empty: /sbin/init, /etc/init, /bin/init as the kernel tries them; init= overrides", 0},
        {"boot", "device-timeout", OPT_SECONDS, FIELD(device_timeout_s), 3600, "30",
         "seconds to wait for the root device; rootdelay= overrides, rootwait waits without a limit", OPTF_LOCKED_OK},
        {"boot", "failure-action", OPT_FAILURE, FIELD(failure_action), 0, "reboot",
         "what a boot that cannot go on does: reboot, shell (busybox on the console, then reboot) or halt", 0},
        {"boot", "failure-delay", OPT_SECONDS, FIELD(failure_delay_s), 600, "5",
         "seconds between the failure message and the reboot or halt, so the console shows it", OPTF_LOCKED_OK},
        {"boot", "shell-timeout", OPT_SECONDS, FIELD(shell_timeout_s), 86400, "600",
         "failure-action=shell: the shell is ended and the system rebooted after this long (0: never)", 0},
        {"boot", "locked", OPT_BOOL, FIELD(locked), 0, "false",
         "production image: command-line options that open a shell, change init= or root=, or lower security are ignored",
         OPTF_FILE_ONLY},
        {"boot", "debug", OPT_BOOL, FIELD(debug), 0, "false", "log debug messages (each module loaded, libkmod's own) to the kernel log and the console", OPTF_LOCKED_OK},
        {"modules", "load", OPT_MODULES, FIELD(modules), 0, "",
         "modules (names or aliases) loaded before anything else, with their dependencies and softdeps; "
         "independent chains on two loaders in parallel", 0},
        {"modules", "include", OPT_STRING, FIELD(modules_include), 0, "",
         "modules packed into the initramfs by mkinitramfs but loaded only when a device asks for them (coldplug)", 0},
        {"modules", "coldplug", OPT_BOOL, FIELD(coldplug), 0, "true",
         "load the modules that present devices ask for (their modalias), and those of devices that appear later", 0},
        {"overlay", "upper", OPT_UPPER, FIELD(upper), 0, "tmpfs",
         "where the overlay's upper layer lives: tmpfs (writes vanish at reboot) or data (per slot on /data)", 0},
        {"overlay", "tmpfs-size", OPT_SIZE, FIELD(tmpfs_size), 0, "50%",
         "size= of the tmpfs holding the overlay's upper layer", OPTF_LOCKED_OK},
        {"data", "device", OPT_STRING, FIELD(data_device), 0, "",
         "the persistent data partition (PARTLABEL=, PARTUUID=, LABEL=, UUID=, /dev/...); empty: no /data", 0},
        {"data", "fstype", OPT_STRING, FIELD(data_fstype), 0, "ext4", "filesystem type of /data", 0},
        {"data", "options", OPT_STRING, FIELD(data_options), 0, "",
         "extra mount options for /data; nodev and nosuid are always added", 0},
        {"data", "timeout", OPT_SECONDS, FIELD(data_timeout_s), 600, "10",
         "seconds to wait for the data device once the root device is there", OPTF_LOCKED_OK},
        {"data", "check", OPT_BOOL, FIELD(data_check), 0, "true", "run e2fsck -p on /data before mounting it", 0},
        {"data", "format-blank", OPT_BOOL, FIELD(data_format_blank), 0, "false",
         "format /data as ext4 when it holds no signature at all (never when it holds anything)", 0},
        {"data", "required", OPT_BOOL, FIELD(data_required), 0, "false",
         "fail the boot when /data cannot be used, instead of booting on a tmpfs upper", 0},
        {"data", "binds", OPT_PATHS, FIELD(data_binds), 0, "",
         "paths bind-mounted from /data into the new root (seeded from the slot on first use)", 0},
        {"data", "protected", OPT_PATHS, FIELD(data_protected), 0, "/etc/rauc",
         "paths that always come from the read-only slot, whatever /data holds", 0},
        {"data", "allow-factory-reset", OPT_BOOL, FIELD(data_allow_factory_reset), 0, "false",
         "honour data.factory-reset on the kernel command line", OPTF_FILE_ONLY},
        {"data", "factory-reset", OPT_BOOL, FIELD(data_factory_reset), 0, "false",
         "set the slot's upper and the bound state aside (kept on /data) and boot clean", OPTF_LOCKED_OK},
        {"bootenv", "config", OPT_PATH, FIELD(bootenv_config), 0, "",
         "a fw_env.config in the initramfs naming where U-Boot keeps its environment (e.g. eMMC offsets)", 0},
        {"bootenv", "device", OPT_STRING, FIELD(bootenv_device), 0, "",
         "instead: the partition holding U-Boot's environment as a file (PARTLABEL=boot); empty: no environment", 0},
        {"bootenv", "fstype", OPT_STRING, FIELD(bootenv_fstype), 0, "vfat", "filesystem of that partition", 0},
        {"bootenv", "file", OPT_PATH, FIELD(bootenv_file), 0, "/uboot.env", "the environment file in that partition", 0},
        {"bootenv", "size", OPT_UINT, FIELD(bootenv_size), 1048576, "16384",
         "size of the environment in bytes (U-Boot's env export -s, CONFIG_ENV_SIZE)", 0},
        {"bootenv", "timeout", OPT_SECONDS, FIELD(bootenv_timeout_s), 600, "5",
         "seconds to wait for that partition", 0},
        {"bootenv", "mark-bad", OPT_BOOL, FIELD(bootenv_mark_bad), 0, "true",
         "when the chosen slot cannot boot (device, filesystem or init missing), set BOOT_<slot>_LEFT=0 and reboot at once", 0},
        {"hooks", "dir", OPT_PATH, FIELD(hooks_dir), 0, "/lib/paios/hooks",
         "hook scripts: <dir>/<point>.d/*, run with busybox sh at the points pre-mount and pre-switch", 0},
        {"hooks", "timeout", OPT_SECONDS, FIELD(hooks_timeout_s), 3600, "10", "seconds a hook may run before it is killed", 0},
        {"hooks", "fatal", OPT_BOOL, FIELD(hooks_fatal), 0, "false", "a failing hook fails the boot", 0},
        {"watchdog", "device", OPT_PATH, FIELD(watchdog_device), 0, "/dev/watchdog", "the watchdog device to arm", 0},
        {"watchdog", "timeout", OPT_SECONDS, FIELD(watchdog_timeout_s), 3600, "60",
         "watchdog timeout in seconds, armed as soon as the driver is loaded; 0: do not arm", 0},
        {"watchdog", "required", OPT_BOOL, FIELD(watchdog_required), 0, "false",
         "fail the boot when the watchdog cannot be armed (otherwise a warning)", 0},
};

static const char *const failure_names[] = {
        [FAILURE_REBOOT] = "reboot",
        [FAILURE_SHELL] = "shell",
        [FAILURE_HALT] = "halt",
};

static const char *const upper_names[] = {
        [UPPER_TMPFS] = "tmpfs",
        [UPPER_DATA] = "data",
};

const char *overlay_upper_name(enum overlay_upper u) {
        return (size_t)u < ELEMENTSOF(upper_names) ? upper_names[u] : "?";
}

const char *failure_action_name(enum failure_action a) {
        return (size_t)a < ELEMENTSOF(failure_names) ? failure_names[a] : "?";
}

static bool module_name_is_valid(const char *s, size_t n) {
        /* names and aliases: no path, no shell or glob characters beyond kmod's alias set;
         * s[n] ends the name (a separator or the end), and no separator is in the set */
        return n > 0 && n < CONFIG_MODULE_NAME_MAX &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:*.") >= n;
}

/* A number with an optional k, m, g or % suffix, as tmpfs's size= takes it. */
static bool size_is_valid(const char *s) {
        size_t digits = strspn(s, "0123456789");
        /* 0 would mean no limit at all to tmpfs */
        if (digits == 0 || strspn(s, "0") == digits)
                return false;
        const char *suffix = s + digits;
        return !*suffix || (suffix[1] == '\0' && strchr("kKmMgG%", *suffix));
}

/* "/var/log": absolute, not "/" itself, no "." or ".." component, no "//". */
static bool path_is_safe(const char *p) {
        if (p[0] != '/' || !p[1] || p[strlen(p) - 1] == '/')
                return false;
        for (const char *c = p; c; c = strchr(c + 1, '/')) {
                const char *next = c + 1;
                size_t len = strcspn(next, "/");
                if (len == 0 || (len == 1 && next[0] == '.') || (len == 2 && next[0] == '.' && next[1] == '.'))
                        return false;
        }
        return true;
}

static int option_set_string(const struct option *o, char *field, const char *value, struct diag *d) {
        if (copy_string(field, o->size, value) < 0)
                return diag_fail(d, -ENAMETOOLONG, "%s.%s is longer than %zu bytes", o->group, o->key, o->size - 1);
        return 0;
}

/* Set one option from its text; -EINVAL/-ERANGE/-ENAMETOOLONG with the reason in d. */
static int option_set(struct config *c, const struct option *o, const char *value, struct diag *d) {
        void *field = (char *)c + o->offset;
        int r;

        switch (o->type) {
        case OPT_PATH:
                if (value[0] && value[0] != '/')
                        return diag_fail(d, -EINVAL, "%s.%s=%.64s is not an absolute path", o->group, o->key, value);
                if (path_has_dotdot(value))
                        return diag_fail(d, -EINVAL, "%s.%s=%.64s contains \"..\"", o->group, o->key, value);
                return option_set_string(o, field, value, d);
        case OPT_SIZE:
                /* tmpfs's size=: nothing else, so a value cannot smuggle mount options in */
                if (!size_is_valid(value))
                        return diag_fail(d, -EINVAL, "%s.%s=%.32s is not a size (a number, optionally with k, m, g or %%)",
                                         o->group, o->key, value);
                return option_set_string(o, field, value, d);
        case OPT_STRING:
                /* values that end up in option strings or device names: libmount honours
                 * quotes, so one left open could swallow what follows it */
                if (strchr(value, '"'))
                        return diag_fail(d, -EINVAL, "%s.%s=%.64s: quotes are not allowed", o->group, o->key, value);
                return option_set_string(o, field, value, d);
        case OPT_UINT:
                r = parse_uint(value, 0, o->max, field);
                if (r < 0)
                        return diag_fail(d, r, "%s.%s=%.32s is not a number (0..%u)", o->group, o->key, value, o->max);
                return 0;
        case OPT_SECONDS:
                r = parse_uint(value, 0, o->max, field);
                if (r < 0)
                        return diag_fail(d, r, "%s.%s=%.32s is not a number of seconds (0..%u)", o->group, o->key,
                                         value, o->max);
                return 0;
        case OPT_BOOL:
                /* "true" and "false" as the shipped files write them, with the strcmp() the
                 * boot runs anyway: parse_bool()'s case-insensitive table would be code qemu
                 * translates at boot for this alone; the other spellings go to it */
                if (strcmp(value, value[0] == 't' ? "true" : "false") == 0) {
                        *(bool *)field = value[0] == 't';
                        return 0;
                }
                if (parse_bool(value, field) < 0)
                        return diag_fail(d, -EINVAL, "%s.%s=%.32s is not a boolean", o->group, o->key, value);
                return 0;
        case OPT_FAILURE:
                for (size_t i = 0; i < ELEMENTSOF(failure_names); i++)
                        if (strcmp(value, failure_names[i]) == 0) {
                                *(enum failure_action *)field = (enum failure_action)i;
                                return 0;
                        }
                return diag_fail(d, -EINVAL, "%s.%s=%.32s is none of reboot, shell, halt", o->group, o->key, value);
        case OPT_UPPER:
                for (size_t i = 0; i < ELEMENTSOF(upper_names); i++)
                        if (strcmp(value, upper_names[i]) == 0) {
                                *(enum overlay_upper *)field = (enum overlay_upper)i;
                                return 0;
                        }
                return diag_fail(d, -EINVAL, "%s.%s=%.32s is none of tmpfs, data", o->group, o->key, value);
        case OPT_PATHS: {
                /* white-space separated absolute paths without "..", replacing the list */
                struct path_list list = {0};
                for (const char *p = value; *p;) {
                        p += strspn(p, " \t");
                        size_t len = strcspn(p, " \t");
                        if (len == 0)
                                break;
                        if (list.n >= CONFIG_PATHS_MAX)
                                return diag_fail(d, -E2BIG, "%s.%s lists more than %d paths", o->group, o->key,
                                                 CONFIG_PATHS_MAX);
                        if (len >= CONFIG_PATH_MAX)
                                return diag_fail(d, -ENAMETOOLONG, "%s.%s: a path is longer than %d bytes", o->group,
                                                 o->key, CONFIG_PATH_MAX - 1);
                        char *item = list.path[list.n];
                        memcpy(item, p, len);
                        item[len] = '\0';
                        if (!path_is_safe(item))
                                return diag_fail(d, -EINVAL, "%s.%s: \"%.64s\" is no absolute path below / without \"..\"",
                                                 o->group, o->key, item);
                        list.n++;
                        p += len;
                }
                memcpy(field, &list, sizeof list);
                return 0;
        }
        case OPT_MODULES: {
                /* a white-space or comma separated list, replacing the previous one */
                char names[CONFIG_MODULES_MAX][CONFIG_MODULE_NAME_MAX] = {{0}}; /* no stack bytes copied on */
                size_t n = 0;
                for (const char *p = value; *p;) {
                        size_t skip = strspn(p, " \t,");
                        p += skip;
                        size_t len = strcspn(p, " \t,");
                        if (len == 0)
                                break;
                        if (!module_name_is_valid(p, len))
                                return diag_fail(d, -EINVAL, "%s.%s: \"%.*s\" is not a module name", o->group, o->key,
                                                 (int)(len > 64 ? 64 : len), p);
                        if (n >= CONFIG_MODULES_MAX)
                                return diag_fail(d, -E2BIG, "%s.%s lists more than %d modules", o->group, o->key,
                                                 CONFIG_MODULES_MAX);
                        memcpy(names[n], p, len);
                        names[n++][len] = '\0';
                        p += len;
                }
                memcpy(c->modules, names, sizeof names);
                c->n_modules = n;
                return 0;
        }
        }
        return -EINVAL;
}

/* The table's defaults as option_set() makes them from their texts, written out: a boot
 * then runs no setter for an option nobody set (each setter is code qemu translates once,
 * the main cost of /init under TCG: README, "Where /init's time goes"). A test applies
 * the table's default texts to a zeroed configuration and compares the two. */
static const struct config config_default = {
        .system_conf = "/etc/rauc/system.conf",
        .device_timeout_s = 30,
        .failure_action = FAILURE_REBOOT,
        .failure_delay_s = 5,
        .shell_timeout_s = 600,
        .coldplug = true,
        .upper = UPPER_TMPFS,
        .tmpfs_size = "50%",
        .data_fstype = "ext4",
        .data_timeout_s = 10,
        .data_check = true,
        .data_protected = {.path = {"/etc/rauc"}, .n = 1},
        .bootenv_fstype = "vfat",
        .bootenv_file = "/uboot.env",
        .bootenv_size = 16384,
        .bootenv_timeout_s = 5,
        .bootenv_mark_bad = true,
        .hooks_dir = "/lib/paios/hooks",
        .hooks_timeout_s = 10,
        .watchdog_device = "/dev/watchdog",
        .watchdog_timeout_s = 60,
};

void config_defaults(struct config *c) {
        *c = config_default;
}

static const struct option *option_find(const char *group, size_t group_len, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (strncmp(options[i].group, group, group_len) == 0 && !options[i].group[group_len] &&
                    strcmp(options[i].key, key) == 0)
                        return &options[i];
        return NULL;
}

int config_apply_keyfile(struct config *c, const struct keyfile *kf, struct diag *d) {
        for (size_t i = 0; i < kf->n_entries; i++) {
                const struct keyfile_entry *e = &kf->entries[i];
                const struct option *o = option_find(e->group, strlen(e->group), e->key);
                if (!o) {
                        diag_warn(d, "configuration line %u: unknown option [%.32s] %.32s, ignored", e->line, e->group,
                                  e->key);
                        continue;
                }
                int r = option_set(c, o, e->value, d);
                if (r < 0)
                        return r;
        }
        return 0;
}

void config_apply_cmdline(struct config *c, const struct kcmdline *cmdline, struct diag *d) {
        const size_t plen = strlen(CMDLINE_PREFIX);
        for (size_t i = 0; i < cmdline->n_params; i++) {
                const struct kparam *p = &cmdline->params[i];
                if (strncmp(p->key, CMDLINE_PREFIX, plen) != 0)
                        continue;
                const char *name = p->key + plen;
                const char *dot = strchr(name, '.');
                const struct option *o = dot ? option_find(name, (size_t)(dot - name), dot + 1) : NULL;
                if (!o) {
                        diag_warn(d, "unknown option %.64s on the command line, ignored", p->key);
                        continue;
                }
                /* a bare paios.boot.debug means true, as for kernel flags */
                const char *value = p->value ? p->value : (o->type == OPT_BOOL ? "true" : NULL);
                if (!value) {
                        diag_warn(d, "%.64s needs a value, ignored", p->key);
                        continue;
                }
                if (o->flags & OPTF_FILE_ONLY) {
                        diag_warn(d, "%.64s can only be set in the configuration file, ignored", p->key);
                        continue;
                }
                if (c->locked && !(o->flags & OPTF_LOCKED_OK)) {
                        diag_warn(d, "%.64s ignored: the image is locked (boot.locked=true)", p->key);
                        continue;
                }
                struct config saved = *c;
                struct diag why = {0};
                if (option_set(c, o, value, &why) < 0) {
                        *c = saved;
                        diag_warn(d, CMDLINE_PREFIX "%s on the command line, ignored", why.error);
                }
        }
}

void config_describe(config_print_fn fn, void *userdata) {
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                fn(userdata, options[i].group, options[i].key, options[i].def, options[i].help);
}
