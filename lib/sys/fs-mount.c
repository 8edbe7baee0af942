/* SPDX-License-Identifier: MIT */
#include "fs-mount.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h> /* ST_RDONLY */
#include <sys/sysmacros.h>
#include <unistd.h>

#include "errno-text.h"
#include "fileio.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"
#include "raw-syscall.h"

/* The API filesystems, as systemd mounts them (src/shared/mount-setup.c). */
static const struct api_mount {
        const char *source, *target, *fstype;
        unsigned long flags;
        const char *data;
} api_mounts[] = {
        {"proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL},
        {"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL},
        {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_STRICTATIME, "mode=0755"},
        /* /run moves into the new root and systemd keeps it: give it systemd's options */
        {"tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755,size=20%,nr_inodes=800k"},
};

int mount_api_filesystems(const char *root, struct diag *d) {
        /* their parent: a mount point has another device than it (true for the API
         * filesystems, which are never bind mounts of their parent) */
        struct stat top;
        int r = raw_fstatat(AT_FDCWD, root, &top, 0);
        if (r < 0)
                return diag_fail(d, r, "%s: %s", root, errno_text(-r));
        for (size_t i = 0; i < ELEMENTSOF(api_mounts); i++) {
                const struct api_mount *m = &api_mounts[i];
                char target[PATH_MAX];
                r = path_join_root(target, sizeof target, root, m->target);
                if (r < 0)
                        return diag_fail(d, r, "mount %s: path too long", m->target);
                /* a stat and the mount when the directory is there, as in every initramfs
                 * mkinitramfs makes (each system call costs ~15 us of user time under TCG) */
                struct stat st;
                if (raw_fstatat(AT_FDCWD, target, &st, 0) < 0) {
                        r = mkdir_p_at_root(root, m->target, 0755);
                        if (r < 0)
                                return diag_fail(d, r, "mkdir %s: %s", target, errno_text(-r));
                } else if (!S_ISDIR(st.st_mode))
                        return diag_fail(d, -ENOTDIR, "mkdir %s: %s", target, errno_text(ENOTDIR));
                else if (st.st_dev != top.st_dev)
                        continue;
                if (mount(m->source, target, m->fstype, m->flags, m->data) < 0)
                        return diag_fail(d, negative_errno(), "mount -t %s %s %s: %s", m->fstype, m->source, target,
                                         errno_text(errno));
        }
        return 0;
}

bool mount_is_read_only(const char *root, const char *path) {
        char p[PATH_MAX];
        /* statfs(), not statvfs(): the same flags, without musl's copy into another struct */
        struct statfs sfs;
        return path_join_root(p, sizeof p, root, path) == 0 && statfs(p, &sfs) == 0 && (sfs.f_flags & ST_RDONLY);
}

int umount_at_root(const char *root, const char *path) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        return r < 0 ? r : RET_NERRNO(umount2(p, MNT_DETACH));
}

int probe_fstype(const char *device, char *ret, size_t n) {
        blkid_probe pr = blkid_new_probe_from_filename(device);
        if (!pr)
                return negative_errno();
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        int r = blkid_do_safeprobe(pr);
        const char *type = NULL;
        if (r == 0 && blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type)
                r = copy_string(ret, n, type);
        else
                r = r < 0 ? -EIO : -ENOENT; /* 1: nothing found; -2: ambivalent result */
        blkid_free_probe(pr);
        return r;
}

/* Split a mount(8) option string into MS_* flags and the filesystem's data with libmount's
 * own option tables, so rootflags= means what it means to mount(8). The mount itself is a
 * plain mount(2): libmount's context would retry read-only on EROFS/EACCES by itself and
 * look for /sbin/mount.<type> helpers, neither of which an initramfs wants. */
static int split_options(const char *options, unsigned long *ret_flags, char **ret_data) {
        /* The slot's options without rootflags=: the parser is about 150 blocks of code
         * qemu translates once each, ~1.5 ms of the boot's user time under TCG (README,
         * "Where /init's time goes"), for one flag. */
        if (strcmp(options, "ro") == 0) {
                *ret_flags = MS_RDONLY;
                *ret_data = NULL;
                return 0;
        }
        char *user = NULL, *vfs = NULL, *fs = NULL;
        unsigned long flags = 0;
        int r = mnt_split_optstr(options, &user, &vfs, &fs, 0, 0);
        if (r == 0 && vfs)
                r = mnt_optstr_get_flags(vfs, &flags, mnt_get_builtin_optmap(MNT_LINUX_MAP));
        free(user);
        free(vfs);
        if (r < 0) {
                free(fs);
                return -EINVAL;
        }
        *ret_flags = flags;
        *ret_data = fs;
        return 0;
}

static int block_device_set_ro(const char *device) {
        _cleanup_close_ int fd = raw_openat(AT_FDCWD, device, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return fd;
        int one = 1;
        return RET_NERRNO(ioctl(fd, BLKROSET, &one));
}

static int apply_mount(const char *root, const struct mount_step *s, struct diag *d) {
        char target[PATH_MAX];
        int r = path_join_root(target, sizeof target, root, s->target);
        if (r < 0)
                return diag_fail(d, r, "%s: target path too long", s->what);

        if (s->block_device_ro) {
                r = block_device_set_ro(s->source);
                if (r < 0)
                        return diag_fail(d, r, "%s: cannot set %s read-only (BLKROSET): %s", s->what, s->source,
                                         errno_text(-r));
        }

        char fstype[32];
        if (s->fstype[0])
                (void)copy_string(fstype, sizeof fstype, s->fstype);
        else {
                r = probe_fstype(s->source, fstype, sizeof fstype);
                if (r < 0)
                        return diag_fail(d, r, "%s: no filesystem found on %s (blkid): %s", s->what, s->source,
                                         r == -ENOENT ? "no known superblock" : errno_text(-r));
        }

        unsigned long flags = 0;
        _cleanup_free_ char *data = NULL;
        if (s->options_are_data) {
                data = strdup(s->options);
                if (!data)
                        return diag_fail(d, -ENOMEM, "%s: %s", s->what, errno_text(ENOMEM));
        } else if ((r = split_options(s->options, &flags, &data)) < 0)
                return diag_fail(d, r, "%s: cannot parse mount options \"%s\"", s->what, s->options);
        /* whatever the option string does to libmount's parser (an odd quote swallows
         * what follows it), the flags the plan insists on are set here */
        flags |= s->flags;

        if (mount(s->source, target, fstype, flags, data) < 0) {
                r = negative_errno();
                return diag_fail(d, r, "%s: mount -t %s -o %s %s %s: %s%s", s->what, fstype, s->options, s->source,
                                 target, errno_text(-r),
                                 r == -ENODEV ? " (filesystem type unknown to the kernel: module missing?)" : "");
        }
        return 0;
}

int mount_step_apply(const char *root, const struct mount_step *s, struct diag *d) {
        char target[PATH_MAX];
        int r = path_join_root(target, sizeof target, root, s->target);
        if (r < 0)
                return diag_fail(d, r, "%s: target path too long", s->what);

        switch (s->kind) {
        case STEP_MKDIR:
                r = mkdir_p_at_root(root, s->target, s->mode);
                if (r < 0)
                        return diag_fail(d, r, "%s: mkdir %s: %s", s->what, target, errno_text(-r));
                return 0;
        case STEP_SYMLINK: {
                /* A block device is linked as /dev/block/MAJ:MIN: the only form systemd
                 * parses in /run/systemd/volatile-root (device_path_parse_major_minor();
                 * systemd-volatile-root writes it so too), else gpt-auto-generator fails. */
                char dev[PATH_MAX], link[64];
                const char *to = s->source;
                struct stat st;
                if (path_join_root(dev, sizeof dev, root, s->source) == 0 && raw_fstatat(AT_FDCWD, dev, &st, 0) == 0 &&
                    S_ISBLK(st.st_mode)) {
                        (void)format_text(link, sizeof link, "/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
                        to = link;
                }
                /* a link left from before is replaced; the usual first boot of a fresh /run
                 * needs only the symlink() (each system call ~15 us of user time under TCG) */
                int k = symlink(to, target);
                if (k < 0 && errno == EEXIST) {
                        (void)unlink(target);
                        k = symlink(to, target);
                }
                if (k < 0)
                        return diag_fail(d, negative_errno(), "%s: symlink %s -> %s: %s", s->what, target, to,
                                         errno_text(errno));
                return 0;
        }
        case STEP_MOUNT:
                return apply_mount(root, s, d);
        case STEP_BIND:
        case STEP_MOVE:
                break; /* data_apply_step(): they need /data's path rules */
        }
        return -EINVAL;
}
