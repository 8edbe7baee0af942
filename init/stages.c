/* SPDX-License-Identifier: MIT */
#include "stages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errno-text.h"
#include "data-fs.h"
#include "failure.h"
#include "fileio.h"
#include "format.h"
#include "log.h"
#include "macro.h"
#include "module-table.h"
#include "module-loader.h"
#include "modules.h"
#include "parse-util.h"
#include "fs-mount.h"
#include "probe.h"
#include "switch-root.h"
#include "uevent.h"
#include "bootenv.h"
#include "compiled-config.h"
#include "data.h"
#include "record.h"
#include "spawn.h"
#include "ubootenv.h"
#include "watchdog.h"

/* The mount plan's steps, for the one plan in use at a time (print-plan, the slot's
 * identity in stage data, stage mount-root). In .bss rather than on the stack: ~100 KiB
 * there put every deeper frame on pages nothing had touched, each a page fault (~10 us of
 * user time under TCG, see README "Where /init's time goes"); here only the steps a plan
 * writes are touched. */
static struct mount_step plan_steps[PLAN_STEPS_MAX];

static void stage_done(struct boot *b) {
        if (b->n_times < STAGE_TIMES_MAX)
                b->times[b->n_times++] = (typeof(b->times[0])){b->stage, log_now_ms()};
}

int stage_setup(struct boot *b) {
        b->start_ms = log_now_ms();
        b->start_cpu_us = log_cpu_us();
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
                /* The kernel's request_module() runs /sbin/modprobe: a link to /init, made
                 * now rather than packed, because the kernel asks before /init runs too
                 * (Debian's arm64 kernel: six crypto templates such as "crypto-hmac(sha256)",
                 * none of them a module here), and each request would run this program
                 * while the kernel waits, to find nothing. */
                r = symlink_at_root(b->root, "/init", "/sbin/modprobe");
                if (r < 0 && r != -EEXIST)
                        log_warn("/sbin/modprobe: %s: the kernel's own module requests will fail", errno_text(-r));
                log_info("started (pid 1, version " PAIOS_VERSION ")");
        }
        stage_done(b);
        return 0;
}

/* Read a file that may be absent: -ENOENT is not an error for optional files. */
static int read_config_text(const struct boot *b, const char *path, char **ret, size_t *ret_len) {
        return read_file_at_root(b->root, path, KEYFILE_SIZE_MAX, ret, ret_len);
}

/* /etc/paios-init.compiled (lib/compiled-config.h), checked, or NULL: the texts are then
 * parsed. Absent is normal (mkinitramfs --no-compile); anything else unusable is said once.
 * In .bss, read with one read(): only the pages the file fills are touched. */
static char compiled_buf[COMPILED_CONFIG_SIZE_MAX];

static const char *compiled_config_load(const struct boot *b, size_t *ret_len) {
        int r = read_file_at_root_into(b->root, COMPILED_CONFIG_PATH, compiled_buf, sizeof compiled_buf);
        if (r == -ENOENT)
                return NULL;
        if (r >= 0) {
                *ret_len = (size_t)r;
                r = compiled_config_check(compiled_buf, *ret_len);
        }
        if (r < 0) {
                log_notice(COMPILED_CONFIG_PATH ": %s: parsing the configuration instead",
                           r == -EPROTO ? "written by another build of paios-init"
                           : r == -EINVAL ? "not a compiled configuration of this build" : errno_text(-r));
                return NULL;
        }
        return compiled_buf;
}

static void log_compiled_stale(const char *path) {
        log_notice("%s differs from the copy mkinitramfs compiled (" COMPILED_CONFIG_PATH "): parsing it", path);
}

static int load_config_file(struct boot *b, const char *compiled, size_t compiled_len) {
        _cleanup_free_ char *text = NULL;
        size_t text_len;
        int r = read_config_text(b, CONFIG_DEFAULT_PATH, &text, &text_len);
        if (r >= 0 && compiled) {
                /* the same text parsed by the same code on the build host: defaults and all */
                r = compiled_config_get_config(compiled, compiled_len, text, text_len, &b->config);
                if (r == 0)
                        return 0;
                if (r == -ESTALE)
                        log_compiled_stale(CONFIG_DEFAULT_PATH);
                r = 0;
        }
        config_defaults(&b->config);
        if (r == -ENOENT) {
                log_info("no %s: using the built-in defaults", CONFIG_DEFAULT_PATH);
                return 0;
        }
        if (r < 0)
                return diag_fail(&b->diag, r, "%s: %s", CONFIG_DEFAULT_PATH, errno_text(-r));
        struct keyfile kf;
        struct diag d = {0};
        r = keyfile_parse(text, text_len, &kf, &d);
        if (r >= 0) {
                r = config_apply_keyfile(&b->config, &kf, &d);
                keyfile_free(&kf);
        }
        log_diag_warnings(CONFIG_DEFAULT_PATH, &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "%s: %s", CONFIG_DEFAULT_PATH, d.error);
        return 0;
}

static void load_system_conf(struct boot *b, const char *compiled, size_t compiled_len) {
        _cleanup_free_ char *text = NULL;
        size_t text_len;
        int r = read_config_text(b, b->config.system_conf, &text, &text_len);
        if (r < 0) {
                log_warn("cannot read %s: %s", b->config.system_conf, errno_text(-r));
                (void)copy_string(b->rauc_error, sizeof b->rauc_error, errno_text(-r));
                return;
        }
        _cleanup_free_ struct rauc_system *sys = malloc(sizeof *sys);
        if (!sys)
                return;
        if (compiled) {
                /* whatever path the command line gave, the same text means the same slots */
                r = compiled_config_get_system(compiled, compiled_len, text, text_len, sys);
                if (r == 0) {
                        b->rauc = TAKE_PTR(sys);
                        return;
                }
                if (r == -ESTALE)
                        log_compiled_stale(b->config.system_conf);
        }
        struct diag d = {0};
        r = rauc_system_parse(text, text_len, sys, &d);
        log_diag_warnings(b->config.system_conf, &d);
        if (r < 0) {
                log_err("%s: %s", b->config.system_conf, d.error[0] ? d.error : errno_text(-r));
                (void)copy_string(b->rauc_error, sizeof b->rauc_error, d.error[0] ? d.error : errno_text(-r));
                return;
        }
        b->rauc = TAKE_PTR(sys);
}

static int plan_and_log(struct boot *b);

int stage_configure(struct boot *b) {
        b->compiled = compiled_config_load(b, &b->compiled_len);
        int r = load_config_file(b, b->compiled, b->compiled_len);
        if (r < 0)
                return r;

        r = read_file_at_root(b->root, "/proc/cmdline", CMDLINE_SIZE_MAX, &b->cmdline_text, NULL);
        if (r < 0)
                return diag_fail(&b->diag, r, "/proc/cmdline: %s", errno_text(-r));
        char *text = b->cmdline_text; /* kept for stage modules: one read of it */
        text[strcspn(text, "\n")] = '\0';

        struct diag d = {0};
        r = kcmdline_parse(text, &b->cmdline, &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "kernel command line: %s", d.error[0] ? d.error : errno_text(-r));
        config_apply_cmdline(&b->config, &b->cmdline, &d);
        log_set_debug(b->config.debug);
        r = boot_args_from_cmdline(&b->cmdline, &b->args, &d);
        if (r >= 0 && b->config.locked)
                boot_args_apply_lock(&b->args, &d);
        log_diag_warnings("command line", &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "kernel command line: %s", d.error);

        load_system_conf(b, b->compiled, b->compiled_len);

        if (!b->args.slot && !b->args.root && (b->config.bootenv_device[0] || b->config.bootenv_config[0])) {
                /* the slot comes from the U-Boot environment (stage bootenv) */
                b->plan_deferred = true;
                log_notice("no rauc.slot= on the command line: the slot comes from the U-Boot environment");
                stage_done(b);
                return 0;
        }
        return plan_and_log(b);
}

/* Decide the boot from the parsed inputs and say what was decided. */
static int plan_and_log(struct boot *b) {
        int r;
        struct diag pd = {0};
        r = plan_build(&b->args, &b->config, b->rauc, &b->plan, &pd);
        log_diag_warnings("plan", &pd);
        if (r < 0 && !b->rauc && b->rauc_error[0] && b->args.slot && !b->args.root)
                /* the FATAL line says why system.conf could not be used, not only that */
                return diag_fail(&b->diag, r, "%.64s: %.128s: cannot map rauc.slot=%s to a device", b->config.system_conf,
                                 b->rauc_error, b->args.slot);
        if (r < 0)
                return diag_fail(&b->diag, r, "%s", pd.error);

        char dev[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(&b->plan.root, dev, sizeof dev);
        char wait[32];
        if (b->plan.device_timeout_ms < 0)
                (void)format_text(wait, sizeof wait, "without limit");
        else
                (void)format_text(wait, sizeof wait, "up to %d s", b->plan.device_timeout_ms / 1000);
        log_notice("slot %s%s%s%s: device %s (from %s), fstype %s, wait %s",
                   b->plan.slot[0] ? b->plan.slot : "-", b->plan.slot_name[0] ? " (" : "", b->plan.slot_name,
                   b->plan.slot_name[0] ? ")" : "", dev, b->plan.root_origin, b->plan.fstype[0] ? b->plan.fstype : "auto",
                   wait);
        stage_done(b);
        return 0;
}

int stage_print_plan(struct boot *b) {
        if (!b->dry_run)
                return 0;
        if (b->plan_deferred) {
                (void)printf("slot=(from the U-Boot environment)\n");
                return 0;
        }
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
        struct mount_step *steps = plan_steps;
        size_t n;
        /* as the configuration asks, before any fallback */
        struct mount_inputs in = {
                .root_device = p->root.kind == DEVSPEC_PATH ? p->root.value : "<device>",
                .upper = b->config.data_device[0] ? b->config.upper : UPPER_TMPFS,
                .data_upper_dir = PAIOS_DATA_DIR "/" DATA_OVERLAY_DIR "/<slot>",
                .data_mounted = b->config.data_device[0] != '\0',
        };
        int r = plan_mounts(p, &in, steps, PLAN_STEPS_MAX, &n, &b->diag);
        if (r < 0)
                return r;
        static const char *const kinds[] = {[STEP_MKDIR] = "mkdir", [STEP_MOUNT] = "mount", [STEP_SYMLINK] = "symlink",
                                            [STEP_BIND] = "bind", [STEP_MOVE] = "move"};
        for (size_t i = 0; i < n; i++)
                (void)printf("step=%s %s source=%s fstype=%s options=%s ro-device=%s what=%s\n", kinds[steps[i].kind],
                             steps[i].target, steps[i].source, steps[i].fstype, steps[i].options,
                             steps[i].block_device_ro ? "yes" : "no", steps[i].what);
        return 0;
}

/* Load configured module i through the load table or libkmod, saying what failed. */
static void load_configured_module(struct boot *b, size_t i) {
        int r = modules_load(b->modules, b->config.modules[i]);
        if (r == -ENOENT)
                log_warn("module %s: not in %s", b->config.modules[i], modules_dir(b->modules));
        else if (r < 0)
                log_warn("module %s: %s", b->config.modules[i], errno_text(-r));
}

/* Configured module i by the plan mkinitramfs compiled (mp, files under dir): its files in
 * order. 0, or why a file failed. */
static int load_compiled_module(const struct compiled_module_plan *mp, const char *dir, size_t i) {
        int r = 0;
        for (size_t k = mp->first[i]; k < (size_t)mp->first[i] + mp->count[i] && r == 0; k++) {
                char path[PATH_MAX];
                r = format_text(path, sizeof path, "%s/%s", dir, mp->files[k].path) < (int)sizeof path
                            ? modules_insert_file(path)
                            : -ENAMETOOLONG;
                if (r == -EEXIST)
                        r = 0;
        }
        return r;
}

/* Configured module i after its compiled files went in with result r: logged when loaded,
 * else loaded the planned way (libkmod knows which of a chain were softdeps, whose errors
 * do not count, and says what went wrong). */
static void compiled_module_outcome(struct boot *b, size_t i, int r) {
        if (r == 0) {
                log_debug("module %s loaded", b->config.modules[i]);
                return;
        }
        log_debug("module %s by the compiled plan: %s; asking libkmod", b->config.modules[i], errno_text(-r));
        if (!b->modules && (r = modules_open(b->root, b->cmdline_text, &b->modules)) < 0) {
                log_warn("module %s: %s", b->config.modules[i], errno_text(-r));
                return;
        }
        load_configured_module(b, i);
}

/* Load the configured modules of one loader (worker[i] == which), in the configured order:
 * by the compiled plan mp (files under dir) if there is one, else as planned here. */
static void load_configured_modules(struct boot *b, const struct compiled_module_plan *mp, const char *dir,
                                    const unsigned worker[], unsigned which) {
        for (size_t i = 0; i < b->config.n_modules; i++) {
                if (worker[i] != which)
                        continue;
                if (mp)
                        compiled_module_outcome(b, i, load_compiled_module(mp, dir, i));
                else
                        load_configured_module(b, i);
        }
}

/* Start the second loader of a plan made here (libkmod's) on the configured modules with
 * worker[i] == 1. If it cannot be forked, worker[] is set all to 0: this process loads
 * them all, in the configured order. */
static void modules_start_child(struct boot *b, unsigned worker[]) {
        /* _Fork() (POSIX.1-2024; musl and glibc 2.34+): fork() without the atfork handlers
         * and the libc locks around it, which a single-threaded PID 1 has no use for: 2
         * system calls and ~10 blocks of libc code fewer */
        b->modules_child = _Fork();
        if (b->modules_child == 0) {
                load_configured_modules(b, NULL, NULL, worker, 1);
                _exit(0);
        }
        if (b->modules_child < 0) {
                log_warn("fork for loading modules: %s: loading them in turn", errno_text(errno));
                for (size_t i = 0; i < b->config.n_modules; i++)
                        worker[i] = 0;
                return;
        }
        size_t in_child = 0;
        for (size_t i = 0; i < b->config.n_modules; i++)
                in_child += worker[i];
        log_info("modules: %zu of %zu configured loading in a second process", in_child, b->config.n_modules);
}

/* The second loader of a compiled plan (lib/sys/module-loader.h): the files of the
 * configured modules with worker[i] == 1, in the plan's order, inserted by a process in
 * this one's memory. What it did is read, and any module it could not load loaded here
 * the planned way, when it is joined (modules_join()). */
static struct module_loader compiled_loader;
static bool compiled_loader_running;
static bool compiled_loader_has[CONFIG_MODULES_MAX]; /* configured module i is the loader's */
static char compiled_loader_paths[8 << 10]; /* the files' paths, one after the other */

static void modules_start_compiled_child(struct boot *b, const struct compiled_module_plan *mp, const char *dir,
                                         unsigned worker[]) {
        _Static_assert((int)CONFIG_MODULES_MAX <= (int)MODULE_LOADER_MODULES_MAX, "a result per configured module");
        struct module_loader *l = &compiled_loader;
        size_t used = 0, in_child = 0;
        pid_t pid = -ENAMETOOLONG;
        l->n_files = 0;
        for (size_t i = 0; i < b->config.n_modules; i++) {
                compiled_loader_has[i] = worker[i] == 1;
                if (worker[i] != 1)
                        continue;
                in_child++;
                for (size_t k = mp->first[i]; k < (size_t)mp->first[i] + mp->count[i]; k++) {
                        char *path = compiled_loader_paths + used;
                        int len = format_text(path, sizeof compiled_loader_paths - used, "%s/%s", dir, mp->files[k].path);
                        if (len < 0 || (size_t)len >= sizeof compiled_loader_paths - used ||
                            l->n_files >= MODULE_LOADER_FILES_MAX)
                                goto in_turn;
                        used += (size_t)len + 1;
                        l->path[l->n_files] = path;
                        l->module[l->n_files++] = (unsigned char)i;
                }
        }
        pid = module_loader_start(l);
        if (pid > 0) {
                b->modules_child = pid;
                compiled_loader_running = true;
                log_info("modules: %zu of %zu configured loading in a second process", in_child, b->config.n_modules);
                return;
        }
in_turn:
        if (pid != -ENOSYS)
                log_warn("second module loader: %s: loading them in turn", errno_text(-pid));
        for (size_t i = 0; i < b->config.n_modules; i++)
                worker[i] = 0;
}

/* The compiled loader's modules, once it is joined (ran: whether its results hold). */
static void modules_finish_compiled_child(struct boot *b, bool ran) {
        for (size_t i = 0; i < b->config.n_modules; i++)
                if (compiled_loader_has[i])
                        compiled_module_outcome(b, i, ran ? compiled_loader.result[i] : -ECHILD);
        compiled_loader_running = false;
}

/* Start loading the configured modules by the plan mkinitramfs compiled
 * (lib/compiled-config.h), if it still holds: the same modules configured and no coldplug
 * (the command line may change both), the same kernel and load table, no modprobe.d and no
 * option on the command line for any module of it (those are libkmod's to apply). Planning
 * at boot reads and parses the load table and walks each chain: about two milliseconds of
 * user time under TCG (README, "Figures"). Returns false, having done nothing, if the plan
 * does not hold. */
static bool modules_start_compiled(struct boot *b) {
        if (!b->compiled || b->config.coldplug || b->config.n_modules == 0)
                return false;
        struct utsname u;
        char dir[PATH_MAX], path[PATH_MAX];
        if (uname(&u) < 0 || format_text(path, sizeof path, "/lib/modules/%s", u.release) >= (int)sizeof path ||
            path_join_root(dir, sizeof dir, b->root, path) < 0 ||
            format_text(path, sizeof path, "%s/" MODULE_TABLE_FILE, dir) >= (int)sizeof path)
                return false;
        _cleanup_free_ char *table = NULL;
        size_t table_len;
        struct compiled_module_plan mp;
        int r = read_file_at_root("/", path, 64 << 10, &table, &table_len);
        if (r >= 0)
                r = compiled_config_get_modules(b->compiled, b->compiled_len, table, table_len, &b->config, &mp);
        if (r >= 0 && strcmp(mp.kver, u.release) != 0)
                r = -ESTALE;
        if (r < 0) {
                log_debug("modules: the compiled plan does not hold (%s): planning them here", errno_text(-r));
                return false;
        }
        const char *config = modules_config_present(b->root, path, sizeof path);
        if (config) {
                log_debug("modules: %s exists: planning them here", config);
                return false;
        }
        for (size_t k = 0; k < mp.n_files; k++)
                if (cmdline_names_module(b->cmdline_text, mp.files[k].name)) {
                        log_debug("modules: an option for %s on the command line: planning them here", mp.files[k].name);
                        return false;
                }
        log_debug("modules: by the plan mkinitramfs compiled, %zu files", mp.n_files);
        unsigned worker[CONFIG_MODULES_MAX] = {0};
        bool two = false;
        for (size_t i = 0; i < mp.n_modules; i++) {
                worker[i] = mp.worker[i];
                two |= worker[i] == 1;
        }
        if (two)
                modules_start_compiled_child(b, &mp, dir, worker);
        load_configured_modules(b, &mp, dir, worker, 0);
        modules_close_inserted(); /* the child's close at its exit */
        return true;
}

/* Split the configured modules between this process and a child (lib/module-plan.h):
 * worker[] (all 0 on entry) says which. Returns the number of loaders; anything that
 * cannot be planned loads here. */
static int plan_module_loaders(struct boot *b, unsigned worker[]) {
        _Static_assert((int)CONFIG_MODULES_MAX <= (int)MODULE_PLAN_JOBS_MAX, "a job per configured module");
        size_t n = b->config.n_modules;
        if (n == 0)
                return 1;
        /* modules_job() sets what is read of a job (closure names are 2 KiB each, mostly unused) */
        _cleanup_free_ struct module_job *jobs = malloc(n * sizeof *jobs);
        if (!jobs)
                return 1;
        for (size_t i = 0; i < n; i++)
                if (modules_job(b->modules, b->config.modules[i], &jobs[i]) < 0)
                        return 1;
        int loaders = module_plan_assign(jobs, n, b->config.coldplug, worker);
        return loaders < 0 ? 1 : loaders; /* -EINVAL leaves worker[] as it was */
}

/* Wait for the configured modules (loaded in parallel by stage_modules). */
static void modules_join(struct boot *b) {
        if (b->modules_child <= 0)
                return;
        int r = module_loader_join(b->modules_child);
        b->modules_child = -1;
        if (compiled_loader_running) {
                if (r < 0)
                        log_warn("second module loader: %s: loading its modules here", errno_text(-r));
                modules_finish_compiled_child(b, r == 0);
        }
}

int stage_modules(struct boot *b) {
        /* the uevent socket first, so no device added during coldplug goes unnoticed */
        b->uevent_fd = uevent_open();
        if (b->uevent_fd < 0)
                log_warn("uevent socket: %s; waiting by polling", errno_text(-b->uevent_fd));

        b->modules_child = -1;
        if (modules_start_compiled(b)) {
                stage_done(b);
                return 0;
        }
        int r = modules_open(b->root, b->cmdline_text, &b->modules);
        if (r < 0) {
                log_warn("no kernel modules for this kernel in the initramfs: %s", errno_text(-r));
                stage_done(b);
                return 0; /* a kernel with everything built in needs none */
        }
        /* Loading modules is most of an initramfs's time on a slow CPU, and independent
         * chains load in parallel: the configured modules are split between a child and
         * this process (which coldplugs first). The child is joined before anything may
         * need its modules (stages watchdog, bootenv, data, mount-root). */
        unsigned worker[CONFIG_MODULES_MAX] = {0};
        int loaders = plan_module_loaders(b, worker);
        if (loaders == 2)
                modules_start_child(b, worker);
        /* present devices first: the root device is on the critical path, the
         * filesystems are needed only once it is there */
        if (b->config.coldplug) {
                r = modules_coldplug(b->modules, b->root);
                if (r < 0)
                        log_warn("coldplug: %s", errno_text(-r));
                else
                        log_info("coldplug: %d modules for present devices", r);
        }
        load_configured_modules(b, NULL, NULL, worker, 0);
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
        if (fd == -ENOENT && b->modules_child > 0) {
                modules_join(b); /* its driver may be among the child's modules */
                fd = watchdog_arm(b->root, b->config.watchdog_device, b->config.watchdog_timeout_s,
                                  &b->watchdog_timeout_s);
        }
        if (fd < 0) {
                if (b->config.watchdog_required)
                        return diag_fail(&b->diag, fd, "watchdog %s: %s (watchdog.required=true)",
                                         b->config.watchdog_device, errno_text(-fd));
                log_warn("watchdog %s: %s: booting without one", b->config.watchdog_device, errno_text(-fd));
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
                                log_warn("module for %s: %s", ev.modalias, errno_text(-r));
                }
                if (strcmp(ev.subsystem, "block") == 0)
                        block = true;
        }
        return block;
}

static int wait_for_device(struct boot *b, const char *role, const struct devspec *spec, int timeout_ms, char *ret,
                           size_t n);

#define BOOTENV_MOUNT PAIOS_RUN_DIR "/bootenv"
#define BOOTENV_CONFIG PAIOS_RUN_DIR "/fw_env.config"

/* Open U-Boot's environment: a fw_env.config of the initramfs as it is, or the env file
 * on a partition, mounted for the boot (mark-bad writes to it) and unmounted at handover. */
static int bootenv_open(struct boot *b) {
        const struct config *c = &b->config;
        if (c->bootenv_config[0])
                return ubootenv_open(b->root, c->bootenv_config, &b->bootenv);

        struct devspec spec;
        struct diag d = {0};
        int r = devspec_parse(c->bootenv_device, &spec, &d);
        if (r < 0)
                return diag_fail(&b->diag, r, "bootenv.device: %s", d.error);
        char device[PATH_MAX];
        r = wait_for_device(b, "U-Boot environment device", &spec, (int)c->bootenv_timeout_s * 1000, device,
                            sizeof device);
        if (r < 0)
                return r;
        struct mount_step s = {.kind = STEP_MKDIR, .what = "U-Boot environment", .mode = 0755};
        (void)copy_string(s.target, sizeof s.target, BOOTENV_MOUNT);
        r = mount_step_apply(b->root, &s, &b->diag);
        if (r < 0)
                return r;
        s.kind = STEP_MOUNT;
        (void)copy_string(s.source, sizeof s.source, device);
        (void)copy_string(s.fstype, sizeof s.fstype, c->bootenv_fstype);
        (void)copy_string(s.options, sizeof s.options, "rw,nodev,nosuid,noexec");
        r = mount_step_apply(b->root, &s, &b->diag);
        if (r < 0)
                return r;
        b->bootenv_mounted = true;
        char file[PATH_MAX];
        if (format_text(file, sizeof file, BOOTENV_MOUNT "%s", c->bootenv_file) >= (int)sizeof file)
                return -ENAMETOOLONG;
        r = ubootenv_write_config(b->root, BOOTENV_CONFIG, file, c->bootenv_size);
        if (r < 0)
                return diag_fail(&b->diag, r, BOOTENV_CONFIG ": %s", errno_text(-r));
        r = ubootenv_open(b->root, BOOTENV_CONFIG, &b->bootenv);
        if (r < 0)
                return diag_fail(&b->diag, r, "U-Boot environment %s on %s: %s", c->bootenv_file, device,
                                 errno_text(-r));
        return 0;
}

static void bootenv_release(struct boot *b) {
        ubootenv_close(b->bootenv);
        b->bootenv = NULL;
        if (b->bootenv_mounted)
                (void)umount_at_root(b->root, BOOTENV_MOUNT);
        b->bootenv_mounted = false;
}

int stage_bootenv(struct boot *b) {
        /* Listed twice in the sequence: before the root device only when the slot must
         * come from the environment, otherwise after it, when the disk that holds both
         * (and its boot partition) is there and no wait is needed. */
        if (b->bootenv_done || (!b->plan_deferred && !b->root_device[0]))
                return 0;
        b->bootenv_done = true;
        if (!b->config.bootenv_device[0] && !b->config.bootenv_config[0]) {
                stage_done(b);
                return 0;
        }
        modules_join(b); /* vfat and its code pages */
        int r = bootenv_open(b);
        if (r < 0) {
                /* a copy: diag_fail() below writes the buffer it would read */
                char why[DIAG_TEXT_MAX];
                (void)copy_string(why, sizeof why, b->diag.error[0] ? b->diag.error : errno_text(-r));
                if (b->plan_deferred)
                        return diag_fail(&b->diag, r, "no rauc.slot= and no U-Boot environment: %s", why);
                log_warn("U-Boot environment: %s: boot counters not recorded, a failing slot not marked bad", why);
                record_add_fallback(&b->record, "bootenv", why);
                b->diag.error[0] = '\0';
                bootenv_release(b);
                stage_done(b);
                return 0;
        }

        char order_text[sizeof b->record.boot_order];
        (void)ubootenv_get(b->bootenv, "BOOT_ORDER", order_text, sizeof order_text);
        (void)copy_string(b->record.boot_order, sizeof b->record.boot_order, order_text);
        struct boot_order order = {0};
        struct diag d = {0};
        int left[BOOT_ORDER_MAX];
        r = boot_order_parse(order_text, &order, &d);
        for (size_t i = 0; r == 0 && i < order.n; i++) {
                char var[RAUC_NAME_MAX + 16], value[32];
                (void)bootenv_left_var(order.slot[i], var, sizeof var);
                (void)ubootenv_get(b->bootenv, var, value, sizeof value);
                left[i] = bootenv_parse_left(value);
                if (strcmp(order.slot[i], "A") == 0 || strcmp(order.slot[i], "B") == 0)
                        b->record.boot_left[order.slot[i][0] - 'A'] = left[i];
        }
        log_info("U-Boot environment: BOOT_ORDER=\"%s\" BOOT_A_LEFT=%d BOOT_B_LEFT=%d", order_text,
                 b->record.boot_left[0], b->record.boot_left[1]);

        if (b->plan_deferred) {
                size_t pick = 0;
                if (r < 0)
                        return diag_fail(&b->diag, r, "no rauc.slot= and %s", d.error);
                r = bootenv_pick_slot(&order, left, &pick, &d);
                if (r < 0)
                        return diag_fail(&b->diag, r, "no rauc.slot= and %s", d.error);
                b->args.slot = strdup(order.slot[pick]);
                if (!b->args.slot)
                        return -ENOMEM;
                log_notice("slot %s chosen from the U-Boot environment as the boot script does", b->args.slot);
                b->plan_deferred = false;
                r = plan_and_log(b);
                if (r < 0)
                        return r;
        }
        stage_done(b);
        return 0;
}

/* Run the hooks of one point: every file in <hooks.dir>/<point>.d, in name order, with busybox sh. */
static int run_hooks(struct boot *b, const char *point) {
        char dir[PATH_MAX], rel[PATH_MAX];
        if (format_text(rel, sizeof rel, "%s/%s.d", b->config.hooks_dir, point) >= (int)sizeof rel ||
            path_join_root(dir, sizeof dir, b->root, rel) < 0)
                return -ENAMETOOLONG;
        /* no directory, no hooks at this point: asked with the open() the boot has run
         * already; musl's scandir() and opendir() would be ~15 blocks qemu translates for
         * this alone (each ~10 us of user time under TCG) */
        int dirfd = open_at_root(b->root, rel, O_RDONLY | O_DIRECTORY);
        if (dirfd < 0)
                return 0;
        (void)close(dirfd);
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort);
        if (n < 0)
                return 0;
        char env_slot[96], env_dev[PATH_MAX + 32], env_point[64];
        (void)format_text(env_slot, sizeof env_slot, "PAIOS_SLOT=%s", b->plan.slot);
        (void)format_text(env_dev, sizeof env_dev, "PAIOS_ROOT_DEVICE=%s", b->root_device);
        (void)format_text(env_point, sizeof env_point, "PAIOS_HOOK_POINT=%s", point);
        char *envp[] = {"PATH=/bin:/sbin", "PAIOS_SYSROOT=" PAIOS_SYSROOT, "PAIOS_DATA=" PAIOS_DATA_DIR, env_slot,
                        env_dev, env_point, NULL};
        int result = 0;
        for (int i = 0; i < n; i++) {
                const char *name = names[i]->d_name;
                char script[PATH_MAX];
                if (name[0] == '.' || format_text(script, sizeof script, "%s/%s", rel, name) >= (int)sizeof script)
                        continue;
                char *argv[] = {"/bin/busybox", "sh", script, NULL};
                unsigned long start = log_now_ms();
                int r = spawn_logged(b->root, argv, envp, b->config.hooks_timeout_s, b->watchdog_fd);
                if (r == 0) {
                        log_info("hook %s: ok (%lu ms)", script, log_now_ms() - start);
                        continue;
                }
                char why[128];
                if (r > 0)
                        (void)format_text(why, sizeof why, "exit status %d", r);
                else
                        (void)format_text(why, sizeof why, "%s", r == -ETIME ? "timed out" : errno_text(-r));
                if (b->config.hooks_fatal && result == 0)
                        result = diag_fail(&b->diag, r > 0 ? -EIO : r, "hook %s failed: %s (hooks.fatal=true)", script, why);
                else
                        log_warn("hook %s failed: %s; the boot goes on", script, why);
                record_add_fallback(&b->record, "hook", script);
        }
        for (int i = 0; i < n; i++)
                free(names[i]);
        free(names);
        return result;
}

int stage_hooks_pre_mount(struct boot *b) {
        int r = run_hooks(b, "pre-mount");
        if (r == 0)
                stage_done(b);
        return r;
}

int stage_hooks_pre_switch(struct boot *b) {
        int r = run_hooks(b, "pre-switch");
        if (r == 0)
                stage_done(b);
        return r;
}

/* Wait up to timeout_ms (-1: without limit) for spec to name exactly one device, loading
 * modules that new devices ask for and feeding the watchdog meanwhile. */
static int wait_for_device(struct boot *b, const char *role, const struct devspec *spec, int timeout_ms, char *ret,
                           size_t n) {
        char what[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(spec, what, sizeof what);
        unsigned long start = log_now_ms(), last_report = start;
        /* feed the watchdog at least every third of its timeout while waiting */
        int feed_ms = b->watchdog_fd >= 0 ? (int)(b->watchdog_timeout_s * 1000 / 3) : 1000;
        if (feed_ms <= 0 || feed_ms > 1000)
                feed_ms = 1000; /* and look again once a second, should an event be missed */
        bool announced = false;

        for (;;) {
                struct diag d = {0};
                int r = probe_resolve(b->root, spec, ret, n, &d);
                if (r == 0)
                        return 0;
                if (r != -ENOENT)
                        return diag_fail(&b->diag, r, "%s %s: %s", role, what, d.error[0] ? d.error : errno_text(-r));

                unsigned long now = log_now_ms();
                if (timeout_ms >= 0 && now - start >= (unsigned long)timeout_ms)
                        return diag_fail(&b->diag, -ENODEV, "%s %s did not appear within %d s", role, what,
                                         timeout_ms / 1000);
                if (!announced) {
                        log_info("waiting for %s", what);
                        announced = true;
                }
                if (now - last_report >= 5000) {
                        log_notice("still waiting for %s (%lu s)", what, (now - start) / 1000);
                        last_report = now;
                }
                int wait_ms = feed_ms;
                if (timeout_ms >= 0 && (unsigned long)timeout_ms - (now - start) < (unsigned long)wait_ms)
                        wait_ms = (int)((unsigned long)timeout_ms - (now - start));
                if (b->uevent_fd >= 0) {
                        struct pollfd pfd = {.fd = b->uevent_fd, .events = POLLIN};
                        (void)poll(&pfd, 1, wait_ms);
                } else
                        sleep_ms(wait_ms > 20 ? 20 : (unsigned)wait_ms);
                (void)drain_uevents(b);
                if (b->watchdog_fd >= 0)
                        (void)watchdog_ping(b->watchdog_fd);
        }
}

int stage_wait_device(struct boot *b) {
        char what[DEVSPEC_VALUE_MAX + 16];
        (void)devspec_format(&b->plan.root, what, sizeof what);
        int r = wait_for_device(b, "root device", &b->plan.root, b->plan.device_timeout_ms, b->root_device,
                                sizeof b->root_device);
        if (r < 0)
                return r;
        log_notice("root device %s is %s", what, b->root_device);
        stage_done(b);
        return 0;
}

/* /data cannot be used: record why, and boot on without it unless it is required. */
static int data_fall_back(struct boot *b, enum data_action action, const char *why) {
        b->record.data_state = "fallback";
        if (action == DATA_FAIL || b->config.data_required)
                return diag_fail(&b->diag, -EIO, "data %s: %s (data.required=true)", b->config.data_device, why);
        log_warn("data %s: %s: booting without persistent data, upper on tmpfs", b->config.data_device, why);
        record_add_fallback(&b->record, "data", why);
        if (b->upper == UPPER_DATA) {
                b->upper = UPPER_TMPFS;
                record_add_fallback(&b->record, "upper", "overlay.upper=data but /data is not usable: tmpfs");
        }
        return 0;
}

/* The slot filesystem's UUID: an upper made over another rootfs is not applied. */
/* The slot's identity: its filesystem UUID and its os-release BUILD_ID (else VERSION_ID),
 * read from the slot mounted read-only where the plan mounts it anyway. */
static int slot_identity(struct boot *b, char *buf, size_t n) {
        char uuid[64] = "", build[128] = "";
        (void)probe_value(b->root_device, "UUID", uuid, sizeof uuid);

        struct mount_step *steps = plan_steps;
        size_t k;
        struct mount_inputs in = {.root_device = b->root_device, .upper = UPPER_TMPFS};
        int r = plan_mounts(&b->plan, &in, steps, PLAN_STEPS_MAX, &k, &b->diag);
        for (size_t i = 0; r == 0 && i < k; i++) {
                r = mount_step_apply(b->root, &steps[i], &b->diag);
                if (steps[i].kind == STEP_MOUNT) /* the slot: the first mount of every plan */
                        break;
        }
        if (r < 0)
                return r;
        b->slot_mounted = true;
        _cleanup_free_ char *text = NULL;
        if (read_file_at_root(b->root, PAIOS_SLOT_DIR "/etc/os-release", (size_t)64 * 1024, &text, NULL) == 0 ||
            read_file_at_root(b->root, PAIOS_SLOT_DIR "/usr/lib/os-release", (size_t)64 * 1024, &text, NULL) == 0) {
                (void)os_release_value(text, "BUILD_ID", build, sizeof build);
                if (!build[0])
                        (void)os_release_value(text, "VERSION_ID", build, sizeof build);
        }
        return data_rootfs_identity(uuid, build, buf, n);
}

int stage_data(struct boot *b) {
        modules_join(b); /* the filesystems */
        b->upper = b->config.upper;
        b->record.data_state = "none";
        if (!b->config.data_device[0]) {
                if (b->upper == UPPER_DATA) {
                        b->upper = UPPER_TMPFS;
                        log_warn("overlay.upper=data without data.device: upper on tmpfs");
                        record_add_fallback(&b->record, "upper", "overlay.upper=data without data.device");
                }
                stage_done(b);
                return 0;
        }
        (void)copy_string(b->record.data_device, sizeof b->record.data_device, b->config.data_device);

        struct devspec spec;
        struct diag d = {0};
        char why[DIAG_TEXT_MAX];
        int r = devspec_parse(b->config.data_device, &spec, &d);
        if (r < 0)
                return data_fall_back(b, DATA_FALL_BACK, d.error);

        char device[PATH_MAX];
        enum data_content content = DATA_MISSING;
        char found[64] = "";
        r = wait_for_device(b, "data device", &spec, (int)b->config.data_timeout_s * 1000, device, sizeof device);
        if (r == 0) {
                r = data_probe_content(device, b->config.data_fstype, &content, found, sizeof found);
                if (r < 0) {
                        (void)format_text(why, sizeof why, "cannot probe %.64s: %s", device, errno_text(-r));
                        return data_fall_back(b, DATA_FALL_BACK, why);
                }
        }
        enum data_action action = data_decide_content(&b->config, content, found, why, sizeof why);
        if (action == DATA_FALL_BACK || action == DATA_FAIL)
                return data_fall_back(b, action, why);
        (void)copy_string(b->record.data_device, sizeof b->record.data_device, device);

        if (action == DATA_FORMAT) {
                log_notice("data %s: %s", device, why);
                char *argv[] = {"/sbin/mke2fs", "-q", "-t", "ext4", "-L", "data", device, NULL};
                r = spawn_logged(b->root, argv, NULL, 0, b->watchdog_fd);
                if (r != 0) {
                        (void)format_text(why, sizeof why, "mke2fs failed (%s)", r < 0 ? errno_text(-r) : "non-zero exit");
                        return data_fall_back(b, DATA_FALL_BACK, why);
                }
                b->record.data_state = "formatted";
        } else if (b->config.data_check) {
                char *argv[] = {"/sbin/e2fsck", "-p", device, NULL};
                r = spawn_logged(b->root, argv, NULL, 0, b->watchdog_fd);
                action = data_decide_fsck(&b->config, r, why, sizeof why);
                (void)copy_string(b->record.data_check, sizeof b->record.data_check, why);
                log_info("data %s: e2fsck: %s", device, why);
                if (action != DATA_USE)
                        return data_fall_back(b, action, why);
        }

        r = data_mount(b->root, device, b->config.data_fstype, b->config.data_options, &d);
        if (r < 0)
                return data_fall_back(b, DATA_FALL_BACK, d.error);
        b->data_mounted = true;
        if (!strcmp(b->record.data_state, "none"))
                b->record.data_state = "mounted";
        log_notice("data %s mounted on " PAIOS_DATA_DIR, device);

        bool marker = data_reset_marker_present(b->root);
        bool reset = data_factory_reset_due(&b->config, marker, why, sizeof why);
        if (b->config.data_factory_reset || marker)
                log_notice("factory reset: %s", why);
        if (reset) {
                r = data_reset_state(b->root, &d);
                if (r < 0)
                        log_err("factory reset: %s", d.error);
        }

        if (b->upper == UPPER_DATA) {
                char identity[256];
                r = slot_identity(b, identity, sizeof identity);
                if (r < 0) {
                        /* the slot does not mount: the failure mount-root would report, and
                         * the slot's own fault (mark-bad applies) */
                        b->stage = "mount-root";
                        return r;
                }
                r = data_prepare_upper(b->root, b->plan.slot[0] ? b->plan.slot : "default", identity, reset,
                                       &b->config.data_protected, b->data_upper_dir, sizeof b->data_upper_dir,
                                       b->record.upper_decision, sizeof b->record.upper_decision, &d);
                if (r < 0) {
                        /* a full /data (no room for work/) lands here too */
                        log_warn("data: upper on /data: %s: upper on tmpfs", d.error);
                        record_add_fallback(&b->record, "upper", d.error);
                        b->upper = UPPER_TMPFS;
                }
        }
        if (reset && marker)
                data_reset_marker_remove(b->root);
        stage_done(b);
        return 0;
}

/* Apply the plan's steps; on failure *ret_failed names the step that failed. */
static int apply_steps(struct boot *b, const struct mount_step *steps, size_t n, bool skip_slot,
                       const char **ret_failed) {
        for (size_t i = 0; i < n; i++) {
                const struct mount_step *s = &steps[i];
                if (skip_slot && s->kind == STEP_MOUNT && strcmp(s->what, "slot") == 0)
                        continue;
                struct diag d = {0};
                int r = data_apply_step(b->root, s, &d);
                if (r < 0 && s->kind == STEP_BIND && s->bind_from == BIND_FROM_DATA) {
                        /* one hostile or broken entry does not stop the others */
                        char why[DIAG_TEXT_MAX + 80];
                        (void)format_text(why, sizeof why, "%.64s: %s", s->target + strlen(PAIOS_SYSROOT), d.error);
                        log_err("persistent bind %s", why);
                        record_add_fallback(&b->record, "bind", why);
                        continue;
                }
                if (r == 0 && s->kind == STEP_MOUNT && strcmp(s->what, "overlay") == 0 && mount_is_read_only(b->root, s->target)) {
                        /* overlayfs mounts read-only when it cannot create its work
                         * directory (a full upper filesystem): that is a failure here */
                        (void)umount_at_root(b->root, s->target);
                        r = diag_fail(&d, -EROFS, "overlay on %s came up read-only: no room for its work directory?",
                                      s->target);
                }
                if (r < 0) {
                        (void)copy_string(b->diag.error, sizeof b->diag.error, d.error);
                        *ret_failed = s->what;
                        return r;
                }
                if (r > 0)
                        log_info("%s %s: not in the slot, nothing to protect", s->what, s->source);
                else if (s->kind == STEP_MOUNT || s->kind == STEP_BIND)
                        log_info("mounted %s: %s on %s (%s%s%s)", s->what, s->source, s->target,
                                 s->fstype[0] ? s->fstype : s->kind == STEP_BIND ? "bind" : "auto",
                                 s->options[0] || s->read_only ? ", " : "", s->read_only ? "ro" : s->options);
        }
        return 0;
}

int stage_mount_root(struct boot *b) {
        struct mount_step *steps = plan_steps;
        size_t n;
        struct mount_inputs in = {
                .root_device = b->root_device,
                .upper = b->upper,
                .data_upper_dir = b->data_upper_dir,
                .data_mounted = b->data_mounted,
        };
        int r = plan_mounts(&b->plan, &in, steps, PLAN_STEPS_MAX, &n, &b->diag);
        if (r < 0)
                return r;
        const char *failed = "";
        r = apply_steps(b, steps, n, b->slot_mounted, &failed);
        if (r < 0 && b->upper == UPPER_DATA && strcmp(failed, "overlay") == 0) {
                /* the overlay on /data failed (a full /data cannot hold the work
                 * directory): the same boot on a tmpfs upper, the reason recorded */
                log_warn("overlay with its upper on /data: %s: upper on tmpfs", b->diag.error);
                record_add_fallback(&b->record, "upper", b->diag.error);
                b->upper = in.upper = UPPER_TMPFS;
                r = plan_mounts(&b->plan, &in, steps, PLAN_STEPS_MAX, &n, &b->diag);
                if (r < 0)
                        return r;
                r = apply_steps(b, steps, n, true, &failed);
        }
        if (r < 0)
                return r;

        /* a persistent /etc/machine-id: made once, then the same across boots and slots */
        for (size_t i = 0; b->data_mounted && i < b->config.data_binds.n; i++)
                if (strcmp(b->config.data_binds.path[i], "/etc/machine-id") == 0) {
                        bool created;
                        r = data_ensure_machine_id(b->root, PAIOS_SYSROOT "/etc/machine-id", &created);
                        if (r < 0)
                                log_warn("machine id: %s", errno_text(-r));
                        else if (created)
                                log_notice("machine id created on /data");
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

/* The memory resident at the switch, by the kernel's walk of the page tables, in KiB; -1
 * if unknown. Why not ru_maxrss alone: Linux (6.1 here) keeps a task's RSS changes in a
 * per-task cache that it adds to the process's counters only every 64 page faults
 * (SPLIT_RSS_COUNTING, TASK_RSS_EVENTS_THRESH), and /init now takes about 65 from exec to
 * the switch, so getrusage() can still report the 4 KiB counted before the first flush.
 * Read after getrusage(): not part of the user-time figure. */
static long resident_kib(const struct boot *b) {
        char path[PATH_MAX], text[2048];
        if (path_join_root(path, sizeof path, b->root, "/proc/self/smaps_rollup") < 0 ||
            read_sysfs_attr(AT_FDCWD, path, text, sizeof text) < 0)
                return -1;
        char *number = strstr(text, "\nRss:");
        if (!number)
                return -1;
        number += strlen("\nRss:");
        number += strspn(number, " \t");
        number[strspn(number, "0123456789")] = '\0'; /* "440 kB" */
        unsigned kib;
        return parse_uint(number, 0, UINT_MAX, &kib) < 0 ? -1 : (long)kib;
}

/* The boot record: the plan, what probing found, what fell back, the timings. */
static void write_record(struct boot *b, const struct rusage *ru, const struct rusage *children) {
        struct boot_record *r = &b->record;
        (void)copy_string(r->slot, sizeof r->slot, b->plan.slot);
        (void)copy_string(r->slot_name, sizeof r->slot_name, b->plan.slot_name);
        (void)devspec_format(&b->plan.root, r->root_spec, sizeof r->root_spec);
        (void)copy_string(r->root_device, sizeof r->root_device, b->root_device);
        (void)copy_string(r->fstype, sizeof r->fstype, b->plan.fstype);
        (void)copy_string(r->init, sizeof r->init, b->init);
        r->upper = overlay_upper_name(b->upper);
        (void)copy_string(r->upper_dir, sizeof r->upper_dir, b->upper == UPPER_DATA ? b->data_upper_dir : PAIOS_OVERLAY_DIR "/upper");
        (void)copy_string(r->watchdog_device, sizeof r->watchdog_device, b->config.watchdog_device);
        r->watchdog_timeout_s = b->watchdog_armed ? b->watchdog_timeout_s : 0;
        unsigned long prev = b->start_ms;
        for (unsigned i = 0; i < b->n_times && i < RECORD_STAGES_MAX; i++) {
                r->stages[i].stage = b->times[i].stage;
                r->stages[i].ms = b->times[i].end_ms - prev;
                prev = b->times[i].end_ms;
                r->n_stages = i + 1;
        }
        r->total_ms = log_now_ms() - b->start_ms;
        r->cpu_us = log_cpu_us() - b->start_cpu_us;
        r->utime_ms = (unsigned long)(ru->ru_utime.tv_sec * 1000 + ru->ru_utime.tv_usec / 1000);
        r->stime_ms = (unsigned long)(ru->ru_stime.tv_sec * 1000 + ru->ru_stime.tv_usec / 1000);
        /* peak memory: /init gives no memory back on its usual path, so what is resident
         * at the switch is its peak when the kernel's ru_maxrss lags (resident_kib()) */
        long resident = resident_kib(b);
        r->maxrss_kib = resident > ru->ru_maxrss ? resident : ru->ru_maxrss;
        r->minflt = ru->ru_minflt;
        r->children_utime_ms =
                (unsigned long)(children->ru_utime.tv_sec * 1000 + children->ru_utime.tv_usec / 1000);

        char json[8192];
        int k = record_format_json(r, json, sizeof json);
        if (k == 0)
                k = write_new_file_at_root(b->root, PAIOS_RECORD_PATH, json);
        if (k < 0)
                log_warn("boot record %s: %s", PAIOS_RECORD_PATH, errno_text(-k));
}

int stage_handover(struct boot *b) {
        bootenv_release(b); /* /boot is the booted system's to mount */
        b->watchdog_armed = b->watchdog_fd >= 0;
        watchdog_handover(&b->watchdog_fd);
        if (b->uevent_fd >= 0)
                (void)close(b->uevent_fd);
        b->uevent_fd = -1;
        modules_free(b->modules);
        b->modules = NULL;
        free(b->cmdline_text);
        b->cmdline_text = NULL;
        stage_done(b);

        struct rusage ru, children;
        (void)getrusage(RUSAGE_SELF, &ru);
        (void)getrusage(RUSAGE_CHILDREN, &children);
        write_record(b, &ru, &children);

        char line[512];
        size_t used = 0;
        for (size_t i = 0; i < b->record.n_stages && used < sizeof line; i++) {
                int k = format_text(line + used, sizeof line - used, "%s%s=%lu", i ? " " : "", b->record.stages[i].stage,
                                 b->record.stages[i].ms);
                if (k < 0)
                        break;
                used += (size_t)k;
        }
        log_info("stage times (ms): %s", line);
        log_notice("switching to %s on %s after %lu ms (user %lu ms, sys %lu ms, maxrss %ld KiB, page faults %ld; "
                   "helpers: user %lu ms; cpu %lu.%03lu ms)",
                   b->init, b->root_device, b->record.total_ms, b->record.utime_ms, b->record.stime_ms,
                   b->record.maxrss_kib, b->record.minflt, b->record.children_utime_ms, b->record.cpu_us / 1000,
                   b->record.cpu_us % 1000);
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

/* Fail fast: a slot that cannot boot gets no attempts left, as `rauc status mark-bad`
 * does, so the bootloader boots the other slot on the very next reset instead of after
 * several watchdog timeouts. The other slot's counter is never touched. */
static bool mark_slot_bad(struct boot *b) {
        if (!b->config.bootenv_mark_bad || !b->bootenv || !b->plan.slot[0] || !bootenv_stage_blames_slot(b->stage))
                return false;
        char var[RAUC_NAME_MAX + 16];
        (void)bootenv_left_var(b->plan.slot, var, sizeof var);
        int r = ubootenv_set_store(b->bootenv, var, "0");
        if (r < 0) {
                log_err("cannot mark slot %s bad (%s=0): %s", b->plan.slot, var, errno_text(-r));
                return false;
        }
        log_notice("slot %s marked bad: %s=0 in the U-Boot environment", b->plan.slot, var);
        return true;
}

void boot_fail(struct boot *b, int err) {
        log_open(b->root); /* switch_root closed it; reopening is harmless otherwise */
        log_err("FATAL: %s: %s", b->stage, b->diag.error[0] ? b->diag.error : errno_text(-err));
        bool marked = mark_slot_bad(b);
        bootenv_release(b);
        enum failure_action action = b->config.failure_action;
        if (action == FAILURE_SHELL && b->config.locked) {
                log_notice("no rescue shell: the image is locked (boot.locked=true)");
                action = FAILURE_REBOOT;
        }
        log_notice("failure action: %s%s", failure_action_name(action), marked ? " (at once: the other slot is next)" : "");
        failure_act(b->root, action, marked && action == FAILURE_REBOOT ? 0 : b->config.failure_delay_s,
                    b->config.shell_timeout_s);
}
