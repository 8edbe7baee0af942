/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"

const char *const plan_default_inits[3] = {"/sbin/init", "/etc/init", "/bin/init"};

/* RAUC slot types that are filesystems the kernel mounts; others (raw, emmc, ...) say
 * nothing about the content, so the type is then left to blkid. */
static bool slot_type_is_fs(const char *type) {
        static const char *const fs[] = {"ext2", "ext3", "ext4", "vfat", "btrfs", "xfs", "squashfs", "erofs", "f2fs"};
        for (size_t i = 0; i < ELEMENTSOF(fs); i++)
                if (strcmp(type, fs[i]) == 0)
                        return true;
        return false;
}

int plan_build(const struct boot_args *args, const struct config *cfg, const struct rauc_system *rauc,
               struct boot_plan *ret, struct diag *d) {
        struct boot_plan p = {.config = cfg};
        const struct rauc_slot *slot = NULL;
        int r;

        if (!args->slot && !args->root)
                return diag_fail(d, -EINVAL, "neither rauc.slot= nor root= on the kernel command line");

        if (args->slot) {
                (void)copy_string(p.slot, sizeof p.slot, args->slot); /* bootname_is_valid() bounds it */
                if (!rauc) {
                        if (!args->root)
                                return diag_fail(d, -ENOENT, "rauc.slot=%s but no system.conf to map it to a device",
                                                 args->slot);
                        diag_warn(d, "no system.conf: slot %s is booted from root=%s", args->slot, args->root);
                } else {
                        r = rauc_system_find_bootname(rauc, args->slot, &slot, d);
                        if (r < 0)
                                return r;
                        (void)copy_string(p.slot_name, sizeof p.slot_name, slot->name);
                }
        }

        const char *device = args->root ? args->root : slot->device;
        p.root_origin = args->root ? "root=" : "system.conf";
        r = devspec_parse(device, &p.root, d);
        if (r < 0)
                return r;
        if (args->root && slot)
                diag_warn(d, "root=%s overrides slot %s's device %s", args->root, args->slot, slot->device);

        if (args->rootfstype)
                r = copy_string(p.fstype, sizeof p.fstype, args->rootfstype);
        else if (slot && slot_type_is_fs(slot->type))
                r = copy_string(p.fstype, sizeof p.fstype, slot->type);
        if (r < 0)
                return diag_fail(d, -ENAMETOOLONG, "rootfstype=%.40s is too long", args->rootfstype);
        if (strpbrk(p.fstype, ", \t"))
                return diag_fail(d, -EINVAL, "rootfstype=%s: give one filesystem type", p.fstype);

        if (args->rootflags && copy_string(p.rootflags, sizeof p.rootflags, args->rootflags) < 0)
                return diag_fail(d, -ENAMETOOLONG, "rootflags= is too long");

        if (args->rootdelay_s >= 0)
                p.device_timeout_ms = args->rootdelay_s * 1000;
        else if (args->rootwait)
                p.device_timeout_ms = -1;
        else
                p.device_timeout_ms = (int)cfg->device_timeout_s * 1000;

        r = copy_string(p.init, sizeof p.init, args->init ? args->init : cfg->init);
        if (r < 0)
                return diag_fail(d, -ENAMETOOLONG, "init= is longer than %d bytes", CONFIG_PATH_MAX - 1);

        *ret = p;
        return 0;
}

static struct mount_step *step_add(struct mount_step *steps, size_t max, size_t *n, enum step_kind kind,
                                   const char *what, const char *target) {
        if (*n >= max)
                return NULL;
        struct mount_step *s = &steps[(*n)++];
        *s = (struct mount_step){.kind = kind, .what = what, .mode = 0755};
        if (copy_string(s->target, sizeof s->target, target) < 0)
                return NULL;
        return s;
}

int plan_mounts(const struct boot_plan *p, const char *root_device, struct mount_step *steps, size_t max,
                size_t *ret_n, struct diag *d) {
        size_t n = 0;
        struct mount_step *s;
        int len;

#define ADD(kind, what, target)                                                   \
        do {                                                                      \
                s = step_add(steps, max, &n, (kind), (what), (target));           \
                if (!s)                                                           \
                        return diag_fail(d, -E2BIG, "mount plan has too many steps"); \
        } while (0)

        if (strlen(root_device) >= sizeof s->source)
                return diag_fail(d, -ENAMETOOLONG, "device path %.64s is too long", root_device);

        ADD(STEP_MKDIR, "run directory", PAIOS_RUN_DIR);
        ADD(STEP_MKDIR, "slot mount point", PAIOS_SLOT_DIR);

        /* The slot is read-only twice over: BLKROSET on the device, so not even ext4's
         * journal replay can write, and "ro" last in the options, so rootflags=rw cannot
         * turn it off (the last of ro/rw wins in mount option strings). */
        ADD(STEP_MOUNT, "slot", PAIOS_SLOT_DIR);
        (void)copy_string(s->source, sizeof s->source, root_device);
        (void)copy_string(s->fstype, sizeof s->fstype, p->fstype);
        len = snprintf(s->options, sizeof s->options, "%s%sro", p->rootflags, p->rootflags[0] ? "," : "");
        if (len < 0 || (size_t)len >= sizeof s->options)
                return diag_fail(d, -ENAMETOOLONG, "rootflags= is too long");
        s->block_device_ro = true;

        ADD(STEP_MKDIR, "overlay directory", PAIOS_OVERLAY_DIR);
        ADD(STEP_MOUNT, "overlay upper tmpfs", PAIOS_OVERLAY_DIR);
        (void)copy_string(s->source, sizeof s->source, "paios-overlay");
        (void)copy_string(s->fstype, sizeof s->fstype, "tmpfs");
        len = snprintf(s->options, sizeof s->options, "mode=0755,size=%s", p->config->tmpfs_size);
        if (len < 0 || (size_t)len >= sizeof s->options)
                return diag_fail(d, -ENAMETOOLONG, "overlay.tmpfs-size is too long");
        ADD(STEP_MKDIR, "overlay upper", PAIOS_OVERLAY_DIR "/upper");
        ADD(STEP_MKDIR, "overlay work", PAIOS_OVERLAY_DIR "/work");

        ADD(STEP_MKDIR, "new root", PAIOS_SYSROOT);
        /* The overlay's source names the slot device, so tools reading /proc/self/mountinfo
         * (rauc status, findmnt) see which device is behind "/". */
        ADD(STEP_MOUNT, "overlay", PAIOS_SYSROOT);
        (void)copy_string(s->source, sizeof s->source, root_device);
        (void)copy_string(s->fstype, sizeof s->fstype, "overlay");
        (void)copy_string(s->options, sizeof s->options,
                          "lowerdir=" PAIOS_SLOT_DIR ",upperdir=" PAIOS_OVERLAY_DIR "/upper,workdir=" PAIOS_OVERLAY_DIR
                          "/work");

        ADD(STEP_MKDIR, "systemd directory", "/run/systemd");
        ADD(STEP_SYMLINK, "volatile-root link", PAIOS_VOLATILE_ROOT);
        (void)copy_string(s->source, sizeof s->source, root_device);
#undef ADD

        *ret_n = n;
        return 0;
}
