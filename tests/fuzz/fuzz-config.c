/* SPDX-License-Identifier: MIT */
/* paios-init's configuration: /etc/paios-init.conf through keyfile_parse() and
 * config_apply_keyfile(), then paios.<group>.<key>= options through kcmdline_parse() and
 * config_apply_cmdline(), in the order init/stages.c applies them.
 * Input: "paios-init.conf\0kernel command line" (without a NUL: the file only). */
#include <errno.h>

#include "cmdline.h"
#include "config.h"
#include "fuzz-util.h"
#include "keyfile.h"

static bool path_ok(const char *s, size_t n) {
        if (!fuzz_terminated(s, n))
                return false;
        if (!s[0])
                return true;
        size_t len = strlen(s);
        return s[0] == '/' && !strstr(s, "/../") && !(len >= 3 && strcmp(s + len - 3, "/..") == 0);
}

/* data.binds, data.protected: absolute, not "/" itself, no empty, "." or ".." component */
static bool list_path_ok(const char *s, size_t n) {
        if (!fuzz_terminated(s, n) || s[0] != '/' || !s[1] || s[strlen(s) - 1] == '/')
                return false;
        for (const char *c = s; c; c = strchr(c + 1, '/')) {
                size_t len = strcspn(c + 1, "/");
                if (len == 0 || (len == 1 && c[1] == '.') || (len == 2 && c[1] == '.' && c[2] == '.'))
                        return false;
        }
        return true;
}

static void check_list(const struct path_list *l) {
        ASSERT(l->n <= CONFIG_PATHS_MAX);
        for (size_t i = 0; i < l->n; i++)
                ASSERT(list_path_ok(l->path[i], sizeof l->path[i]));
}

static bool list_equal(const struct path_list *a, const struct path_list *b) {
        if (a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (strcmp(a->path[i], b->path[i]) != 0)
                        return false;
        return true;
}

static bool size_ok(const char *s) {
        size_t digits = strspn(s, "0123456789");
        return digits > 0 && (!s[digits] || (!s[digits + 1] && strchr("kKmMgG%", s[digits])));
}

static bool module_ok(const char *s) {
        size_t len = strlen(s);
        return len > 0 && len < CONFIG_MODULE_NAME_MAX &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:*.") == len;
}

/* What every configuration must satisfy, whatever was applied to it. */
static void check_config(const struct config *c) {
        ASSERT(path_ok(c->system_conf, sizeof c->system_conf));
        ASSERT(path_ok(c->init, sizeof c->init));
        ASSERT(path_ok(c->watchdog_device, sizeof c->watchdog_device));
        ASSERT(c->device_timeout_s <= 3600);
        ASSERT(c->failure_delay_s <= 600);
        ASSERT(c->watchdog_timeout_s <= 3600);
        ASSERT(c->failure_action == FAILURE_REBOOT || c->failure_action == FAILURE_SHELL ||
               c->failure_action == FAILURE_HALT);
        ASSERT(strcmp(failure_action_name(c->failure_action), "?") != 0);
        ASSERT(c->n_modules <= CONFIG_MODULES_MAX);
        for (size_t i = 0; i < c->n_modules; i++) {
                ASSERT(fuzz_terminated(c->modules[i], sizeof c->modules[i]));
                ASSERT(module_ok(c->modules[i]));
        }
        ASSERT(fuzz_terminated(c->modules_include, sizeof c->modules_include));
        ASSERT(fuzz_terminated(c->tmpfs_size, sizeof c->tmpfs_size));
        ASSERT(size_ok(c->tmpfs_size)); /* it goes into a mount option string */
        ASSERT(c->upper == UPPER_TMPFS || c->upper == UPPER_DATA);
        ASSERT(strcmp(overlay_upper_name(c->upper), "?") != 0);
        ASSERT(fuzz_terminated(c->data_device, sizeof c->data_device));
        ASSERT(fuzz_terminated(c->data_fstype, sizeof c->data_fstype));
        ASSERT(fuzz_terminated(c->data_options, sizeof c->data_options));
        ASSERT(c->data_timeout_s <= 600);
        check_list(&c->data_binds);
        check_list(&c->data_protected);
}

/* boot.locked=true: the command line cannot lower security (config.h); at least these,
 * whatever else the option table lets through (OPTF_LOCKED_OK), stay as the file set them. */
static void check_locked(const struct config *file, const struct config *c) {
        ASSERT(strcmp(c->init, file->init) == 0);
        ASSERT(strcmp(c->system_conf, file->system_conf) == 0);
        ASSERT(c->failure_action == file->failure_action); /* no shell */
        ASSERT(strcmp(c->data_device, file->data_device) == 0);
        ASSERT(strcmp(c->data_options, file->data_options) == 0); /* nodev,nosuid */
        ASSERT(list_equal(&c->data_binds, &file->data_binds));
        ASSERT(list_equal(&c->data_protected, &file->data_protected));
        ASSERT(c->watchdog_required == file->watchdog_required);
}

static bool config_equal(const struct config *a, const struct config *b) {
        if (strcmp(a->system_conf, b->system_conf) || strcmp(a->init, b->init) ||
            a->device_timeout_s != b->device_timeout_s || a->failure_action != b->failure_action ||
            a->failure_delay_s != b->failure_delay_s || a->debug != b->debug || a->n_modules != b->n_modules ||
            strcmp(a->modules_include, b->modules_include) || a->coldplug != b->coldplug ||
            strcmp(a->tmpfs_size, b->tmpfs_size) || strcmp(a->watchdog_device, b->watchdog_device) ||
            a->watchdog_timeout_s != b->watchdog_timeout_s || a->watchdog_required != b->watchdog_required ||
            a->upper != b->upper || strcmp(a->data_device, b->data_device) || strcmp(a->data_fstype, b->data_fstype) ||
            strcmp(a->data_options, b->data_options) || a->data_timeout_s != b->data_timeout_s ||
            a->data_check != b->data_check || a->data_format_blank != b->data_format_blank ||
            a->data_required != b->data_required || !list_equal(&a->data_binds, &b->data_binds) ||
            !list_equal(&a->data_protected, &b->data_protected) ||
            a->data_allow_factory_reset != b->data_allow_factory_reset ||
            a->data_factory_reset != b->data_factory_reset)
                return false;
        for (size_t i = 0; i < a->n_modules; i++)
                if (strcmp(a->modules[i], b->modules[i]) != 0)
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *parts[2];
        size_t lens[2];
        size_t n = fuzz_split(data, size, parts, lens, 2);

        static struct config c, once; /* large: not on the stack */
        config_defaults(&c);
        check_config(&c);

        struct keyfile kf = {0};
        struct diag d = {0};
        int r = keyfile_parse(parts[0], lens[0], &kf, &d);
        fuzz_check_diag(&d);
        if (r == 0) {
                struct diag d2 = {0};
                r = config_apply_keyfile(&c, &kf, &d2);
                fuzz_check_diag(&d2);
                if (r < 0)
                        ASSERT((r == -EINVAL || r == -ERANGE || r == -ENAMETOOLONG || r == -E2BIG) && d2.error[0]);
                else
                        ASSERT(!d2.error[0]);
                keyfile_free(&kf);
        }
        /* a failing file fails the boot; what it applied before its bad line must still be
         * a configuration that makes sense */
        check_config(&c);

        if (n == 2) {
                struct kcmdline k = {0};
                struct diag d3 = {0};
                if (kcmdline_parse(parts[1], &k, &d3) == 0) {
                        struct diag d4 = {0};
                        static struct config before;
                        before = c;
                        config_apply_cmdline(&c, &k, &d4);
                        /* data.h: data.factory-reset on the command line counts only where
                         * the configuration allows it; the command line cannot allow it */
                        ASSERT(c.data_allow_factory_reset == before.data_allow_factory_reset);
                        ASSERT(c.locked == before.locked); /* boot.locked: the file's alone */
                        if (before.locked)
                                check_locked(&before, &c);
                        fuzz_check_diag(&d4);
                        ASSERT(!d4.error[0]); /* only warnings: a typo never fails a boot */
                        check_config(&c);
                        /* every option is set, not added to: applying the line twice is
                         * applying it once */
                        once = c;
                        config_apply_cmdline(&c, &k, NULL);
                        ASSERT(config_equal(&c, &once));
                        kcmdline_free(&k);
                }
        }
        fuzz_parts_free(parts, 2);
        return 0;
}
