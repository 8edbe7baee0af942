/* SPDX-License-Identifier: MIT */
#include "stages.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "failure.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "modules.h"
#include "parse-util.h"
#include "fs-mount.h"
#include "probe.h"
#include "switch-root.h"
#include "uevent.h"
#include "watchdog.h"

static void stage_done(struct boot *b) {
        if (b->n_times < STAGE_TIMES_MAX)
                b->times[b->n_times++] = (typeof(b->times[0])){b->stage, log_now_ms()};
}

int stage_setup(struct boot *b) {
        b->start_ms = log_now_ms();
        if (!b->dry_run) {
                int r = mount_api_filesystems(b->root, &b->diag);
                /* without /dev there is no console to report on: try anyway, then fail */
                console_attach(b->root);
                log_open(b->root);
                if (r < 0)
                        return r;
                /* the kernel rate-limits /dev/kmsg writers to 10 lines per 5 s by default;
                 * the boot's log must not lose lines (systemd does the same) */
                (void)write_file_at_root(b->root, "/proc/sys/kernel/printk_devkmsg", "on\n");
                log_info("started (pid 1, version " PAIOS_VERSION ")");
        }
        stage_done(b);
        return 0;
}

/* Read a file that may be absent: -ENOENT is not an error for optional files. */
static int read_config_text(const struct boot *b, const char *path, char **ret, size_t *ret_len) {
        return read_file_at_root(b->root, path, KEYFILE_SIZE_MAX, ret, ret_len);
}

static int load_config_file(struct boot *b) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = read_config_text(b, CONFIG_DEFAULT_PATH, &text, &len);
        if (r == -ENOENT) {
                log_info("no %s: using the built-in defaults", CONFIG_DEFAULT_PATH);
                return 0;
        }
        if (r < 0)
                return diag_fail(&b->diag, r, "%s: %s", CONFIG_DEFAULT_PATH, strerror(-r));
        struct keyfile kf;
        struct diag d = {0};
        r = keyfile_parse(text, len, &kf, &d);
        if (r >= 0) {
                r = config_apply_keyfile(&b->config, &kf, &d);
                keyfile_free(&kf);
        }
        log_diag_warnings(CONFIG_DEFAULT_PATH, &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "%s: %s", CONFIG_DEFAULT_PATH, d.error);
        return 0;
}

static void load_system_conf(struct boot *b) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = read_config_text(b, b->config.system_conf, &text, &len);
        if (r < 0) {
                log_warn("cannot read %s: %s", b->config.system_conf, strerror(-r));
                return;
        }
        struct diag d = {0};
        _cleanup_free_ struct rauc_system *sys = malloc(sizeof *sys);
        if (!sys)
                return;
        r = rauc_system_parse(text, len, sys, &d);
        log_diag_warnings(b->config.system_conf, &d);
        if (r < 0) {
                log_err("%s: %s", b->config.system_conf, d.error[0] ? d.error : strerror(-r));
                return;
        }
        b->rauc = TAKE_PTR(sys);
}

int stage_configure(struct boot *b) {
        config_defaults(&b->config);
        int r = load_config_file(b);
        if (r < 0)
                return r;

        _cleanup_free_ char *text = NULL;
        r = read_file_at_root(b->root, "/proc/cmdline", CMDLINE_SIZE_MAX, &text, NULL);
        if (r < 0)
                return diag_fail(&b->diag, r, "/proc/cmdline: %s", strerror(-r));
        text[strcspn(text, "\n")] = '\0';

        struct diag d = {0};
        r = kcmdline_parse(text, &b->cmdline, &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "kernel command line: %s", d.error[0] ? d.error : strerror(-r));
        config_apply_cmdline(&b->config, &b->cmdline, &d);
        log_set_debug(b->config.debug);
        r = boot_args_from_cmdline(&b->cmdline, &b->args, &d);
        log_diag_warnings("command line", &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "kernel command line: %s", d.error);

        load_system_conf(b);

        struct diag pd = {0};
        r = plan_build(&b->args, &b->config, b->rauc, &b->plan, &pd);
        log_diag_warnings("plan", &pd);
        if (r < 0)
                return diag_fail(&b->diag, r, "%s", pd.error);

        char dev[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(&b->plan.root, dev, sizeof dev);
        log_notice("slot %s%s%s%s: device %s (from %s), fstype %s, wait %s%d s",
                   b->plan.slot[0] ? b->plan.slot : "-", b->plan.slot_name[0] ? " (" : "", b->plan.slot_name,
                   b->plan.slot_name[0] ? ")" : "", dev, b->plan.root_origin, b->plan.fstype[0] ? b->plan.fstype : "auto",
                   b->plan.device_timeout_ms < 0 ? "without limit, now " : "up to ",
                   b->plan.device_timeout_ms < 0 ? 0 : b->plan.device_timeout_ms / 1000);
        stage_done(b);
        return 0;
}

int stage_print_plan(struct boot *b) {
        if (!b->dry_run)
                return 0;
        const struct boot_plan *p = &b->plan;
        char dev[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(&p->root, dev, sizeof dev);
        (void)printf("slot=%s\nslot-name=%s\ndevice=%s\ndevice-origin=%s\nfstype=%s\nrootflags=%s\n"
                     "device-timeout-ms=%d\ninit=%s\nfailure-action=%s\nfailure-delay=%u\n",
                     p->slot, p->slot_name, dev, p->root_origin, p->fstype, p->rootflags, p->device_timeout_ms,
                     p->init, failure_action_name(b->config.failure_action), b->config.failure_delay_s);
        for (size_t i = 0; i < b->config.n_modules; i++)
                (void)printf("module=%s\n", b->config.modules[i]);
        (void)printf("coldplug=%s\nwatchdog=%s timeout=%u required=%s\n", b->config.coldplug ? "yes" : "no",
                     b->config.watchdog_device, b->config.watchdog_timeout_s, b->config.watchdog_required ? "yes" : "no");

        /* the mounts, with the device as it would be found */
        struct mount_step steps[PLAN_STEPS_MAX];
        size_t n;
        int r = plan_mounts(p, p->root.kind == DEVSPEC_PATH ? p->root.value : "<device>", steps, PLAN_STEPS_MAX, &n,
                            &b->diag);
        if (r < 0)
                return r;
        static const char *const kinds[] = {[STEP_MKDIR] = "mkdir", [STEP_MOUNT] = "mount", [STEP_SYMLINK] = "symlink"};
        for (size_t i = 0; i < n; i++)
                (void)printf("step=%s %s source=%s fstype=%s options=%s ro-device=%s what=%s\n", kinds[steps[i].kind],
                             steps[i].target, steps[i].source, steps[i].fstype, steps[i].options,
                             steps[i].block_device_ro ? "yes" : "no", steps[i].what);
        return 0;
}

int stage_modules(struct boot *b) {
        /* the uevent socket first, so no device added during coldplug goes unnoticed */
        b->uevent_fd = uevent_open();
        if (b->uevent_fd < 0)
                log_warn("uevent socket: %s; waiting by polling", strerror(-b->uevent_fd));

        int r = modules_open(b->root, &b->modules);
        if (r < 0) {
                log_warn("no kernel modules for this kernel in the initramfs: %s", strerror(-r));
                stage_done(b);
                return 0; /* a kernel with everything built in needs none */
        }
        for (size_t i = 0; i < b->config.n_modules; i++) {
                r = modules_load(b->modules, b->config.modules[i]);
                if (r == -ENOENT)
                        log_warn("module %s: not in %s", b->config.modules[i], modules_dir(b->modules));
                else if (r < 0)
                        log_warn("module %s: %s", b->config.modules[i], strerror(-r));
        }
        if (b->config.coldplug) {
                r = modules_coldplug(b->modules, b->root);
                if (r < 0)
                        log_warn("coldplug: %s", strerror(-r));
                else
                        log_info("coldplug: %d modules for present devices", r);
        }
        stage_done(b);
        return 0;
}

int stage_watchdog(struct boot *b) {
        if (b->config.watchdog_timeout_s == 0) {
                log_info("watchdog: not armed (watchdog.timeout=0)");
                stage_done(b);
                return 0;
        }
        int fd = watchdog_arm(b->root, b->config.watchdog_device, b->config.watchdog_timeout_s, &b->watchdog_timeout_s);
        if (fd < 0) {
                if (b->config.watchdog_required)
                        return diag_fail(&b->diag, fd, "watchdog %s: %s (watchdog.required=true)",
                                         b->config.watchdog_device, strerror(-fd));
                log_warn("watchdog %s: %s: booting without one", b->config.watchdog_device, strerror(-fd));
        } else {
                b->watchdog_fd = fd;
                log_notice("watchdog %s armed, timeout %u s", b->config.watchdog_device, b->watchdog_timeout_s);
        }
        stage_done(b);
        return 0;
}

/* Act on queued uevents: load what new devices ask for. Returns whether a block device
 * appeared (worth looking for the root device again). */
static bool drain_uevents(struct boot *b) {
        bool block = false;
        struct uevent ev;
        while (b->uevent_fd >= 0 && uevent_receive(b->uevent_fd, &ev) == 0) {
                if (strcmp(ev.action, "add") != 0)
                        continue;
                if (ev.modalias[0] && b->modules && b->config.coldplug) {
                        int r = modules_load_modalias(b->modules, ev.modalias);
                        if (r < 0)
                                log_warn("module for %s: %s", ev.modalias, strerror(-r));
                }
                if (strcmp(ev.subsystem, "block") == 0)
                        block = true;
        }
        return block;
}

int stage_wait_device(struct boot *b) {
        const struct boot_plan *p = &b->plan;
        char what[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(&p->root, what, sizeof what);
        unsigned long start = log_now_ms(), last_report = start;
        /* feed the watchdog at least every third of its timeout while waiting */
        int feed_ms = b->watchdog_fd >= 0 ? (int)(b->watchdog_timeout_s * 1000 / 3) : 1000;
        if (feed_ms <= 0 || feed_ms > 1000)
                feed_ms = 1000; /* and look again once a second, should an event be missed */
        bool announced = false;

        for (;;) {
                struct diag d = {0};
                int r = probe_resolve(b->root, &p->root, b->root_device, sizeof b->root_device, &d);
                if (r == 0)
                        break;
                if (r != -ENOENT)
                        return diag_fail(&b->diag, r, "root device %s: %s", what, d.error[0] ? d.error : strerror(-r));

                unsigned long now = log_now_ms();
                if (p->device_timeout_ms >= 0 && now - start >= (unsigned long)p->device_timeout_ms)
                        return diag_fail(&b->diag, -ENODEV, "root device %s did not appear within %d s", what,
                                         p->device_timeout_ms / 1000);
                if (!announced) {
                        log_info("waiting for %s", what);
                        announced = true;
                }
                if (now - last_report >= 5000) {
                        log_notice("still waiting for %s (%lu s)", what, (now - start) / 1000);
                        last_report = now;
                }
                int wait_ms = feed_ms;
                if (p->device_timeout_ms >= 0 && (unsigned long)p->device_timeout_ms - (now - start) < (unsigned long)wait_ms)
                        wait_ms = (int)((unsigned long)p->device_timeout_ms - (now - start));
                if (b->uevent_fd >= 0) {
                        struct pollfd pfd = {.fd = b->uevent_fd, .events = POLLIN};
                        (void)poll(&pfd, 1, wait_ms);
                } else
                        (void)usleep((useconds_t)(wait_ms > 20 ? 20 : wait_ms) * 1000);
                (void)drain_uevents(b);
                if (b->watchdog_fd >= 0)
                        (void)watchdog_ping(b->watchdog_fd);
        }
        log_notice("root device %s is %s", what, b->root_device);
        stage_done(b);
        return 0;
}

int stage_mount_root(struct boot *b) {
        struct mount_step steps[PLAN_STEPS_MAX];
        size_t n;
        int r = plan_mounts(&b->plan, b->root_device, steps, PLAN_STEPS_MAX, &n, &b->diag);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = mount_step_apply(b->root, &steps[i], &b->diag);
                if (r < 0)
                        return r;
                if (steps[i].kind == STEP_MOUNT)
                        log_info("mounted %s: %s on %s (%s, %s)", steps[i].what, steps[i].source, steps[i].target,
                                 steps[i].fstype[0] ? steps[i].fstype : "auto", steps[i].options);
        }
        stage_done(b);
        return 0;
}

int stage_check_new_root(struct boot *b) {
        char newroot[PATH_MAX];
        int r = path_join_root(newroot, sizeof newroot, b->root, PAIOS_SYSROOT);
        if (r < 0)
                return r;
        r = switch_root_check(newroot, b->plan.init, b->init, sizeof b->init, &b->diag);
        if (r < 0)
                return r;
        stage_done(b);
        return 0;
}

int stage_handover(struct boot *b) {
        watchdog_handover(&b->watchdog_fd);
        if (b->uevent_fd >= 0)
                (void)close(b->uevent_fd);
        b->uevent_fd = -1;
        modules_free(b->modules);
        b->modules = NULL;
        stage_done(b);

        char line[512];
        size_t used = 0;
        unsigned long prev = b->start_ms;
        for (unsigned i = 0; i < b->n_times && used < sizeof line; i++) {
                int k = snprintf(line + used, sizeof line - used, "%s%s=%lu", i ? " " : "", b->times[i].stage,
                                 b->times[i].end_ms - prev);
                if (k < 0)
                        break;
                used += (size_t)k;
                prev = b->times[i].end_ms;
        }
        struct rusage ru;
        (void)getrusage(RUSAGE_SELF, &ru);
        log_info("stage times (ms): %s", line);
        log_notice("switching to %s on %s after %lu ms (user %ld ms, sys %ld ms, maxrss %ld KiB)", b->init,
                   b->root_device, log_now_ms() - b->start_ms, ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
                   ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000, ru.ru_maxrss);
        return 0;
}

int stage_switch_root(struct boot *b) {
        char newroot[PATH_MAX];
        int r = path_join_root(newroot, sizeof newroot, b->root, PAIOS_SYSROOT);
        if (r < 0)
                return r;
        /* the kernel's arguments for init are passed on; argv[0] names the real init */
        b->init_argv[0] = b->init;
        log_close();
        return switch_root_exec(newroot, b->init, b->init_argv, &b->diag);
}

void boot_fail(struct boot *b, int err) {
        log_open(b->root); /* switch_root closed it; reopening is harmless otherwise */
        log_err("FATAL: %s: %s", b->stage, b->diag.error[0] ? b->diag.error : strerror(-err));
        log_notice("failure action: %s", failure_action_name(b->config.failure_action));
        failure_act(b->root, b->config.failure_action, b->config.failure_delay_s);
}
