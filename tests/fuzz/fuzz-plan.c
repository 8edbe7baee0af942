/* SPDX-License-Identifier: MIT */
/* The boot decided from parsed inputs, as init/stages.c decides it: the configuration file
 * and paios.* options, the kernel command line's boot arguments, system.conf (or none
 * when it does not parse), then plan_build() and plan_mounts().
 * Input, NUL-separated: "kernel command line\0system.conf\0paios-init.conf\0root device";
 * absent parts: no system.conf, no configuration file, and the device root= names (or
 * /dev/vda2) as the resolved root device. /data counts as mounted when data.device is
 * configured, with the upper the configuration asks for (stage_print_plan()'s view). */
#include <errno.h>

#include "cmdline.h"
#include "config.h"
#include "devspec.h"
#include "fuzz-util.h"
#include "keyfile.h"
#include "plan.h"
#include "rauc-conf.h"
#include "../unit/mount-option.h" /* the test oracle test-plan.c uses too */

enum { PART_CMDLINE, PART_SYSTEM_CONF, PART_CONFIG, PART_DEVICE, N_PARTS };

static void check_plan(const struct boot_plan *p, const struct boot_args *a, const struct config *cfg,
                       const struct rauc_system *rauc) {
        ASSERT(p->config == cfg);
        ASSERT(fuzz_terminated(p->slot, sizeof p->slot) && fuzz_terminated(p->slot_name, sizeof p->slot_name));
        ASSERT(strcmp(p->slot, a->slot ? a->slot : "") == 0);
        ASSERT(!p->slot_name[0] || (a->slot && rauc));
        ASSERT(fuzz_terminated(p->root.value, sizeof p->root.value) && p->root.value[0]);
        ASSERT(p->root_origin);
        ASSERT(strcmp(p->root_origin, a->root ? "root=" : "system.conf") == 0);
        /* root= always wins over the slot's device */
        struct devspec expect;
        if (a->root) {
                ASSERT(devspec_parse(a->root, &expect, NULL) == 0);
        } else {
                const struct rauc_slot *slot = NULL;
                ASSERT(a->slot && rauc && rauc_system_find_bootname(rauc, a->slot, &slot, NULL) == 0);
                ASSERT(strcmp(p->slot_name, slot->name) == 0);
                ASSERT(devspec_parse(slot->device, &expect, NULL) == 0);
        }
        ASSERT(expect.kind == p->root.kind && strcmp(expect.value, p->root.value) == 0);
        ASSERT(fuzz_terminated(p->fstype, sizeof p->fstype));
        ASSERT(!strpbrk(p->fstype, ", \t"));
        ASSERT(fuzz_terminated(p->rootflags, sizeof p->rootflags));
        ASSERT(strcmp(p->rootflags, a->rootflags ? a->rootflags : "") == 0);
        ASSERT(p->device_timeout_ms >= -1 && p->device_timeout_ms <= 3600 * 1000);
        ASSERT(fuzz_terminated(p->init, sizeof p->init));
        ASSERT(!p->init[0] || p->init[0] == '/');
}

static void check_mounts(const struct boot_plan *p, const struct mount_inputs *in, const struct mount_step *steps,
                         size_t n) {
        const char *device = in->root_device;
        ASSERT(n > 0 && n <= PLAN_STEPS_MAX);
        size_t ro_steps = 0;
        for (size_t i = 0; i < n; i++) {
                const struct mount_step *s = &steps[i];
                ASSERT(s->kind == STEP_MKDIR || s->kind == STEP_MOUNT || s->kind == STEP_SYMLINK ||
                       s->kind == STEP_BIND || s->kind == STEP_MOVE);
                ASSERT(s->what && s->what[0]);
                ASSERT(fuzz_terminated(s->source, sizeof s->source) && fuzz_terminated(s->target, sizeof s->target));
                ASSERT(fuzz_terminated(s->fstype, sizeof s->fstype) && fuzz_terminated(s->options, sizeof s->options));
                ASSERT(fuzz_terminated(s->seed, sizeof s->seed));
                ASSERT(s->target[0] == '/');
                ASSERT(!strstr(s->target, "/../"));
                if (s->kind == STEP_BIND) {
                        /* binds land in the new root and come from the slot or /data's state */
                        ASSERT(strncmp(s->target, PAIOS_SYSROOT "/", strlen(PAIOS_SYSROOT) + 1) == 0);
                        ASSERT(!strstr(s->source, "/../"));
                        if (s->bind_from == BIND_FROM_SLOT)
                                ASSERT(s->read_only && strncmp(s->source, PAIOS_SLOT_DIR "/", strlen(PAIOS_SLOT_DIR) + 1) == 0);
                        else
                                ASSERT(in->data_mounted && s->bind_from == BIND_FROM_DATA &&
                                       strncmp(s->source, "/data/paios/state/", 18) == 0);
                }
                if (s->kind == STEP_MOVE)
                        ASSERT(in->data_mounted);
                if (!s->block_device_ro)
                        continue;
                /* the slot: read-only on the device and in the options, whatever rootflags= says */
                ro_steps++;
                ASSERT(s->kind == STEP_MOUNT);
                ASSERT(strcmp(s->target, PAIOS_SLOT_DIR) == 0);
                ASSERT(strcmp(s->source, device) == 0);
                ASSERT(strcmp(s->fstype, p->fstype) == 0);
                const char *last = last_mount_option(s->options);
                if (strcmp(last, "ro") != 0)
                        (void)fprintf(stderr, "fuzz: slot mount options \"%s\": the last option is \"%s\", not \"ro\"\n",
                                      s->options, last);
                ASSERT(strcmp(last, "ro") == 0);
        }
        ASSERT(ro_steps == 1);
        for (size_t i = 0; i < n; i++) {
                const struct mount_step *s = &steps[i];
                /* the tmpfs takes the configured size and nothing else */
                if (s->kind == STEP_MOUNT && strcmp(s->fstype, "tmpfs") == 0) {
                        ASSERT(in->upper == UPPER_TMPFS);
                        ASSERT(strncmp(s->options, "mode=0755,size=", 15) == 0);
                        ASSERT(strcmp(s->options + 15, p->config->tmpfs_size) == 0);
                        ASSERT(!strpbrk(s->options + 15, ",\""));
                }
                if (s->kind == STEP_SYMLINK || (s->kind == STEP_MOUNT && strcmp(s->fstype, "overlay") == 0))
                        ASSERT(strcmp(s->source, device) == 0);
                /* an upper on /data is untrusted: the kernel's options for that, last */
                if (s->kind == STEP_MOUNT && strcmp(s->fstype, "overlay") == 0 && in->upper == UPPER_DATA) {
                        const char *tail = ",redirect_dir=nofollow,index=off,metacopy=off";
                        size_t len = strlen(s->options);
                        ASSERT(len > strlen(tail) && strcmp(s->options + len - strlen(tail), tail) == 0);
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *parts[N_PARTS];
        size_t lens[N_PARTS];
        (void)fuzz_split(data, size, parts, lens, N_PARTS);

        static struct config cfg;
        static struct rauc_system rauc_storage;
        const struct rauc_system *rauc = NULL;
        struct kcmdline k = {0};
        struct boot_args args = {.rootdelay_s = -1};
        int r;

        /* stage_configure(): a configuration file that does not parse fails the boot */
        config_defaults(&cfg);
        if (parts[PART_CONFIG]) {
                struct keyfile kf;
                r = keyfile_parse(parts[PART_CONFIG], lens[PART_CONFIG], &kf, NULL);
                if (r < 0)
                        goto out;
                r = config_apply_keyfile(&cfg, &kf, NULL);
                keyfile_free(&kf);
                if (r < 0)
                        goto out;
        }
        if (kcmdline_parse(parts[PART_CMDLINE], &k, NULL) < 0)
                goto out;
        config_apply_cmdline(&cfg, &k, NULL);
        if (boot_args_from_cmdline(&k, &args, NULL) < 0)
                goto out;
        if (cfg.locked) /* the command line gives the slot, nothing else */
                boot_args_apply_lock(&args, NULL);
        if (cfg.locked)
                ASSERT(!args.root && !args.rootfstype && !args.rootflags && !args.init);
        /* load_system_conf(): one that does not parse is as good as none */
        if (parts[PART_SYSTEM_CONF] &&
            rauc_system_parse(parts[PART_SYSTEM_CONF], lens[PART_SYSTEM_CONF], &rauc_storage, NULL) == 0)
                rauc = &rauc_storage;

        struct boot_plan p;
        memset(&p, 0xa5, sizeof p);
        struct diag d = {0};
        r = plan_build(&args, &cfg, rauc, &p, &d);
        fuzz_check_diag(&d);
        if (r < 0) {
                ASSERT(r == -EINVAL || r == -ENOENT || r == -ENAMETOOLONG || r == -EOPNOTSUPP);
                ASSERT(d.error[0]);
                goto out;
        }
        ASSERT(!d.error[0]);
        check_plan(&p, &args, &cfg, rauc);

        /* stage_mount_root() with the device stage_wait_device() resolved */
        char upper_dir[CONFIG_PATH_MAX];
        (void)snprintf(upper_dir, sizeof upper_dir, "/data/paios/overlay/%s", p.slot[0] ? p.slot : "default");
        struct mount_inputs in = {
                .root_device = parts[PART_DEVICE] ? parts[PART_DEVICE]
                               : p.root.kind == DEVSPEC_PATH ? p.root.value
                                                             : "/dev/vda2",
                .upper = cfg.data_device[0] ? cfg.upper : UPPER_TMPFS,
                .data_upper_dir = upper_dir,
                .data_mounted = cfg.data_device[0] != '\0',
        };
        static struct mount_step steps[PLAN_STEPS_MAX];
        size_t n = 0;
        struct diag md = {0};
        r = plan_mounts(&p, &in, steps, PLAN_STEPS_MAX, &n, &md);
        fuzz_check_diag(&md);
        if (r < 0) {
                /* a device name too long for a mount source is the executor's to refuse;
                 * a configuration that config.c accepted must make a plan that fits */
                if (strlen(in.root_device) < DEVSPEC_VALUE_MAX)
                        (void)fprintf(stderr, "fuzz: plan_mounts() failed: %s\n", md.error);
                ASSERT(r == -ENAMETOOLONG && strlen(in.root_device) >= DEVSPEC_VALUE_MAX);
                goto out;
        }
        ASSERT(!md.error[0]);
        check_mounts(&p, &in, steps, n);
        /* one step too few is an error, never a truncated plan */
        size_t n2 = 0;
        ASSERT(plan_mounts(&p, &in, steps, n - 1, &n2, NULL) == -E2BIG && n2 == 0);
out:
        boot_args_free(&args);
        kcmdline_free(&k);
        fuzz_parts_free(parts, N_PARTS);
        return 0;
}
