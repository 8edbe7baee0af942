/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <errno.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "macro.h"
#include "data.h"
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
        /* libmount's option parser honours quotes: one left open would swallow the "ro"
         * the plan appends (the mount still gets MS_RDONLY, but refuse the confusion) */
        if (strchr(p.rootflags, '"'))
                return diag_fail(d, -EINVAL, "rootflags=%.64s: quotes are not allowed", p.rootflags);

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

/* The two kinds of path bound into the new root: data.binds from /data's state (seeded
 * from the slot on first use) and data.protected from the read-only slot. */
struct path_bind_kind {
        const char *label; /* in the error line: "bind /etc: path too long" */
        const char *what;  /* the step's description */
        const char *source_prefix;
        enum bind_source from;
        bool read_only, seeded;
};

static const struct path_bind_kind persistent_binds = {
        .label = "bind",
        .what = "persistent bind",
        .source_prefix = PAIOS_DATA_DIR "/" DATA_STATE_DIR,
        .from = BIND_FROM_DATA,
        .seeded = true,
};

static const struct path_bind_kind protected_paths = {
        .label = "protected",
        .what = "protected path",
        .source_prefix = PAIOS_SLOT_DIR,
        .from = BIND_FROM_SLOT,
        .read_only = true,
};

static int add_path_binds(struct mount_step *steps, size_t max, size_t *n, const struct path_list *paths,
                          const struct path_bind_kind *k, struct diag *d) {
        for (size_t i = 0; i < paths->n; i++) {
                const char *path = paths->path[i];
                char target[PLAN_PATH_MAX];
                if (format_text(target, sizeof target, PAIOS_SYSROOT "%s", path) >= (int)sizeof target)
                        return diag_fail(d, -ENAMETOOLONG, "%s %.64s: path too long", k->label, path);
                struct mount_step *s = step_add(steps, max, n, STEP_BIND, k->what, target);
                if (!s)
                        return diag_fail(d, -E2BIG, "mount plan has too many steps");
                s->bind_from = k->from;
                s->read_only = k->read_only;
                if (format_text(s->source, sizeof s->source, "%s%s", k->source_prefix, path) >= (int)sizeof s->source ||
                    (k->seeded && format_text(s->seed, sizeof s->seed, PAIOS_SLOT_DIR "%s", path) >= (int)sizeof s->seed))
                        return diag_fail(d, -ENAMETOOLONG, "%s %.64s: path too long", k->label, path);
        }
        return 0;
}

int plan_mounts(const struct boot_plan *p, const struct mount_inputs *in, struct mount_step *steps, size_t max,
                size_t *ret_n, struct diag *d) {
        const struct config *cfg = p->config;
        size_t n = 0;
        struct mount_step *s;
        int len;

#define ADD(kind, what, target)                                                   \
        do {                                                                      \
                s = step_add(steps, max, &n, (kind), (what), (target));           \
                if (!s)                                                           \
                        return diag_fail(d, -E2BIG, "mount plan has too many steps"); \
        } while (0)

        if (strlen(in->root_device) >= sizeof s->source)
                return diag_fail(d, -ENAMETOOLONG, "device path %.64s is too long", in->root_device);
        bool on_data = in->upper == UPPER_DATA;
        if (on_data && (!in->data_mounted || !in->data_upper_dir))
                return diag_fail(d, -EINVAL, "an upper on /data needs /data mounted");

        ADD(STEP_MKDIR, "run directory", PAIOS_RUN_DIR);
        ADD(STEP_MKDIR, "slot mount point", PAIOS_SLOT_DIR);

        /* The slot is read-only twice over: BLKROSET on the device, so not even ext4's
         * journal replay can write, and "ro" last in the options, so rootflags=rw cannot
         * turn it off (the last of ro/rw wins in mount option strings). */
        ADD(STEP_MOUNT, "slot", PAIOS_SLOT_DIR);
        (void)copy_string(s->source, sizeof s->source, in->root_device);
        (void)copy_string(s->fstype, sizeof s->fstype, p->fstype);
        len = format_text(s->options, sizeof s->options, "%s%sro", p->rootflags, p->rootflags[0] ? "," : "");
        if (len < 0 || (size_t)len >= sizeof s->options)
                return diag_fail(d, -ENAMETOOLONG, "rootflags= is too long");
        s->block_device_ro = true;
        s->flags = MS_RDONLY;

        char upper[PLAN_PATH_MAX], work[PLAN_PATH_MAX];
        if (on_data) {
                if (format_text(upper, sizeof upper, "%s/upper", in->data_upper_dir) >= (int)sizeof upper ||
                    format_text(work, sizeof work, "%s/work", in->data_upper_dir) >= (int)sizeof work)
                        return diag_fail(d, -ENAMETOOLONG, "upper directory path too long");
        } else {
                (void)copy_string(upper, sizeof upper, PAIOS_OVERLAY_DIR "/upper");
                (void)copy_string(work, sizeof work, PAIOS_OVERLAY_DIR "/work");
                ADD(STEP_MKDIR, "overlay directory", PAIOS_OVERLAY_DIR);
                ADD(STEP_MOUNT, "overlay upper tmpfs", PAIOS_OVERLAY_DIR);
                (void)copy_string(s->source, sizeof s->source, "paios-overlay");
                (void)copy_string(s->fstype, sizeof s->fstype, "tmpfs");
                len = format_text(s->options, sizeof s->options, "mode=0755,size=%s", cfg->tmpfs_size);
                if (len < 0 || (size_t)len >= sizeof s->options)
                        return diag_fail(d, -ENAMETOOLONG, "overlay.tmpfs-size is too long");
                s->options_are_data = true; /* the size is checked to be a size (OPT_SIZE) */
                ADD(STEP_MKDIR, "overlay upper", upper);
                ADD(STEP_MKDIR, "overlay work", work);
        }

        ADD(STEP_MKDIR, "new root", PAIOS_SYSROOT);
        /* The overlay's source names the slot device, so tools reading /proc/self/mountinfo
         * (rauc status, findmnt) see which device is behind "/". An upper on /data is
         * untrusted (whoever holds the storage can write it): Documentation/filesystems/
         * overlayfs.rst asks for no metacopy, no index and redirects not followed then. */
        ADD(STEP_MOUNT, "overlay", PAIOS_SYSROOT);
        (void)copy_string(s->source, sizeof s->source, in->root_device);
        (void)copy_string(s->fstype, sizeof s->fstype, "overlay");
        len = format_text(s->options, sizeof s->options, "lowerdir=" PAIOS_SLOT_DIR ",upperdir=%s,workdir=%s%s", upper, work,
                       on_data ? ",redirect_dir=nofollow,index=off,metacopy=off" : "");
        if (len < 0 || (size_t)len >= sizeof s->options)
                return diag_fail(d, -ENAMETOOLONG, "overlay options too long");
        s->options_are_data = true; /* paths the plan made, under fixed prefixes */

        if (in->data_mounted) {
                int r = add_path_binds(steps, max, &n, &cfg->data_binds, &persistent_binds, d);
                if (r < 0)
                        return r;
        }
        /* after the binds, so a bind of a parent (/etc) cannot hide a protected path */
        int r = add_path_binds(steps, max, &n, &cfg->data_protected, &protected_paths, d);
        if (r < 0)
                return r;

        ADD(STEP_MKDIR, "systemd directory", "/run/systemd");
        ADD(STEP_SYMLINK, "volatile-root link", PAIOS_VOLATILE_ROOT);
        (void)copy_string(s->source, sizeof s->source, in->root_device);

        if (in->data_mounted) {
                ADD(STEP_MKDIR, "data mount point", PAIOS_SYSROOT PAIOS_DATA_DIR);
                ADD(STEP_MOVE, "data", PAIOS_SYSROOT PAIOS_DATA_DIR);
                (void)copy_string(s->source, sizeof s->source, PAIOS_DATA_DIR);
        }
#undef ADD

        *ret_n = n;
        return 0;
}
