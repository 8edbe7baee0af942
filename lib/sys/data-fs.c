/* SPDX-License-Identifier: MIT */
#include "data-fs.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errno-text.h"
#include "fileio.h"
#include "format.h"
#include "fs-mount.h"
#include "log.h"
#include "macro.h"
#include "parse-util.h"
#include "raw-syscall.h"
#include "watchdog.h"

/* renameat2() goes through syscall(): musl 1.2.3 has no wrapper, nor the flag in <stdio.h> */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* ---- probing ---------------------------------------------------------------------- */

static bool region_is_zero(int fd, off_t offset, size_t len) {
        static char buf[65536];
        while (len > 0) {
                size_t chunk = len < sizeof buf ? len : sizeof buf;
                ssize_t k = pread(fd, buf, chunk, offset);
                if (k <= 0)
                        return k == 0; /* past the end: nothing there */
                for (ssize_t i = 0; i < k; i++)
                        if (buf[i])
                                return false;
                offset += k;
                len -= (size_t)k;
        }
        return true;
}

int data_probe_content(const char *device, const char *expected_type, enum data_content *ret, char *found,
                       size_t n) {
        blkid_probe pr = blkid_new_probe_from_filename(device);
        if (!pr)
                return negative_errno();
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        int r = blkid_do_safeprobe(pr);
        const char *type = NULL, *pttype = NULL;
        if (r == 0) {
                (void)blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
                (void)blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
        }
        (void)copy_string(found, n, type ? type : pttype ? pttype : r == -2 ? "several signatures" : "");
        bool expected = r == 0 && type && strcmp(type, expected_type) == 0;
        blkid_free_probe(pr); /* type and pttype point into the probe: not used past here */

        if (expected)
                *ret = DATA_EXPECTED;
        else if (r != 1)
                *ret = DATA_FOREIGN;
        else {
                /* blkid found nothing: blank only if the first 4 MiB are zeroes too (an ext4
                 * whose superblock is gone still has its group 0 metadata there) */
                _cleanup_close_ int fd = openat(AT_FDCWD, device, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return negative_errno();
                bool zero = region_is_zero(fd, 0, 4 << 20);
                *ret = zero ? DATA_BLANK : DATA_FOREIGN;
                if (!zero)
                        (void)copy_string(found, n, "unrecognised non-zero data");
        }
        return 0;
}

int data_mount(const char *root, const char *device, const char *fstype, const char *options, struct diag *d) {
        char target[PATH_MAX];
        int r = path_join_root(target, sizeof target, root, PAIOS_DATA_DIR);
        if (r < 0)
                return r;
        r = mkdir_p_at_root(root, PAIOS_DATA_DIR, 0755);
        if (r < 0)
                return diag_fail(d, r, "mkdir %s: %s", target, errno_text(-r));
        struct mount_step s = {.kind = STEP_MOUNT, .what = "data"};
        (void)copy_string(s.target, sizeof s.target, PAIOS_DATA_DIR);
        (void)copy_string(s.source, sizeof s.source, device);
        (void)copy_string(s.fstype, sizeof s.fstype, fstype);
        /* nodev,nosuid last: data.options cannot take them back */
        int len = format_text(s.options, sizeof s.options, "%s%snodev,nosuid", options, options[0] ? "," : "");
        if (len < 0 || (size_t)len >= sizeof s.options)
                return diag_fail(d, -ENAMETOOLONG, "data.options too long");
        s.flags = MS_NODEV | MS_NOSUID;
        return mount_step_apply(root, &s, d);
}

/* ---- safe paths on /data ------------------------------------------------------------ */

/* Open path (relative) below dirfd without following any symbolic link and without
 * leaving dirfd: what someone with the storage in hand planted stays on /data. */
static int open_beneath(int dirfd, const char *path, int flags) {
        struct open_how how = {
                /* no O_NOFOLLOW: with O_PATH it returns a descriptor of the link itself;
                 * RESOLVE_NO_SYMLINKS refuses a link anywhere, the last component too */
                .flags = (unsigned long long)(flags | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        return fd < 0 ? negative_errno() : (int)fd;
}

/* mkdir -p of a relative path below dirfd, component by component, each opened beneath
 * its parent: a symbolic link anywhere on the way is -ELOOP. Returns the last one's fd. */
static int mkdir_beneath(int dirfd, const char *path, unsigned mode) {
        _cleanup_close_ int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return negative_errno();
        char buf[PATH_MAX];
        if (copy_string(buf, sizeof buf, path) < 0)
                return -ENAMETOOLONG;
        char *save = NULL;
        for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, "..") == 0 || strcmp(c, ".") == 0)
                        return -EXDEV;
                if (mkdirat(cur, c, (mode_t)mode) < 0 && errno != EEXIST)
                        return negative_errno();
                int next = open_beneath(cur, c, O_RDONLY | O_DIRECTORY);
                if (next < 0)
                        return next;
                (void)close(cur);
                cur = next;
        }
        return TAKE_FD(cur);
}

static int open_data_dir(const char *root) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, PAIOS_DATA_DIR);
        if (r < 0)
                return r;
        int fd = openat(AT_FDCWD, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

/* Move datafd/rel into the attic as "<seq>-<what>-<slot>". */
static int attic_move(int datafd, const char *rel, const char *what, const char *slot, char *ret, size_t n) {
        _cleanup_close_ int attic = mkdir_beneath(datafd, DATA_ATTIC_DIR, 0700);
        if (attic < 0)
                return attic;
        unsigned seq = 0;
        _cleanup_(closedirp) DIR *dir = fdopendir(fcntl(attic, F_DUPFD_CLOEXEC, 3));
        if (dir) {
                struct dirent *de;
                while ((de = readdir(dir))) {
                        /* names come from /data, which is untrusted: bounded parse */
                        unsigned long entry = strtoul(de->d_name, NULL, 10);
                        if (entry < 999999 && entry > seq)
                                seq = (unsigned)entry;
                }
        }
        char name[NAME_MAX + 1];
        int r = -EEXIST;
        /* never onto an existing entry: the attic only ever grows */
        for (unsigned tries = 0; r == -EEXIST && tries < 64; tries++) {
                r = data_attic_name(seq + 1 + tries, what, slot, name, sizeof name);
                if (r < 0)
                        return r;
                r = RET_NERRNO((int)syscall(SYS_renameat2, datafd, rel, attic, name, RENAME_NOREPLACE));
        }
        if (r < 0)
                return r;
        (void)fsync(attic);
        if (ret)
                (void)format_text(ret, n, PAIOS_DATA_DIR "/" DATA_ATTIC_DIR "/%s", name);
        return 0;
}

/* Refuse what a hostile /data could use to escalate through the overlay: setuid and
 * setgid bits are cleared, device nodes removed (overlay whiteouts, character devices
 * 0:0, are kept: they are how deletions are recorded). Returns how many were refused. */
static unsigned refuse_hostile(int dirfd, unsigned depth) {
        DIR *dir = fdopendir(dirfd);
        if (!dir) {
                (void)close(dirfd);
                return 0;
        }
        unsigned refused = 0;
        struct dirent *de;
        while ((de = readdir(dir))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                struct stat st;
                if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if ((S_ISCHR(st.st_mode) && st.st_rdev != makedev(0, 0)) || S_ISBLK(st.st_mode)) {
                        log_warn("data: refusing device node %s in the upper layer: removed", de->d_name);
                        (void)unlinkat(dirfd, de->d_name, 0);
                        refused++;
                } else if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID))) {
                        log_warn("data: refusing setuid/setgid bits on %s in the upper layer: cleared", de->d_name);
                        int fd = openat(dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                        if (fd >= 0) {
                                (void)fchmod(fd, st.st_mode & 0777 & ~(mode_t)(S_ISUID | S_ISGID));
                                (void)close(fd);
                        }
                        refused++;
                } else if (S_ISDIR(st.st_mode) && depth < 64) {
                        int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                refused += refuse_hostile(sub, depth + 1);
                }
        }
        (void)closedir(dir);
        return refused;
}

static int read_small_at(int dirfd, const char *name, char *buf, size_t n) {
        _cleanup_close_ int fd = open_beneath(dirfd, name, O_RDONLY);
        if (fd < 0)
                return fd;
        ssize_t k = read(fd, buf, n - 1);
        if (k < 0)
                return negative_errno();
        buf[k] = '\0';
        return 0;
}

static int write_small_at(int dirfd, const char *name, const char *text) {
        char tmp[NAME_MAX + 1];
        (void)format_text(tmp, sizeof tmp, ".%s.tmp", name);
        (void)unlinkat(dirfd, tmp, 0);
        _cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return negative_errno();
        size_t len = strlen(text);
        if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
                return negative_errno();
        /* written, synced, then renamed: a power cut leaves the old or the new file */
        if (renameat(dirfd, tmp, dirfd, name) < 0)
                return negative_errno();
        (void)fsync(dirfd);
        return 0;
}

/* Whatever upper holds at a protected path (any type, a symbolic link included) would
 * shadow the slot's copy: move it to the attic. */
static void unshadow_protected(int datafd, const char *rel_upper, const struct path_list *protected_paths,
                               const char *slot) {
        for (size_t i = 0; i < protected_paths->n; i++) {
                /* an ancestor that is no directory (a planted link "etc -> elsewhere")
                 * would make the protected path unreachable: set it aside too */
                const char *path = protected_paths->path[i];
                for (const char *c = strchr(path + 1, '/'); c; c = strchr(c + 1, '/')) {
                        char rel[PATH_MAX];
                        struct stat st;
                        if (format_text(rel, sizeof rel, "%s%.*s", rel_upper, (int)(c - path), path) >= (int)sizeof rel)
                                break;
                        if (fstatat(datafd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                break; /* absent: nothing below it either */
                        if (S_ISDIR(st.st_mode))
                                continue;
                        char where[PATH_MAX];
                        if (attic_move(datafd, rel, "protected", slot, where, sizeof where) == 0)
                                log_warn("data: %.*s in the upper is no directory and hides %s: moved to %s",
                                         (int)(c - path), path, path, where);
                        break;
                }
                char rel[PATH_MAX];
                if (format_text(rel, sizeof rel, "%s%s", rel_upper, protected_paths->path[i]) >= (int)sizeof rel)
                        continue;
                /* the parent must be reached without symbolic links; the entry itself is
                 * only looked at, never followed */
                char parent[PATH_MAX];
                (void)copy_string(parent, sizeof parent, rel);
                char *slash = strrchr(parent, '/');
                *slash = '\0';
                _cleanup_close_ int pfd = open_beneath(datafd, parent, O_RDONLY | O_DIRECTORY);
                struct stat st;
                if (pfd < 0 || fstatat(pfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                char where[PATH_MAX];
                int r = attic_move(datafd, rel, "protected", slot, where, sizeof where);
                if (r < 0)
                        log_err("data: %s in the upper shadows the slot's copy and cannot be moved: %s",
                                protected_paths->path[i], errno_text(-r));
                else
                        log_warn("data: %s in the upper would shadow the slot's copy: moved to %s",
                                 protected_paths->path[i], where);
        }
}

int data_prepare_upper(const char *root, const char *slot, const char *identity, bool factory_reset,
                       const struct path_list *protected_paths, char *ret_dir, size_t n, char *why, size_t why_n,
                       struct diag *d) {
        _cleanup_close_ int datafd = open_data_dir(root);
        if (datafd < 0)
                return diag_fail(d, datafd, "open /data: %s", errno_text(-datafd));
        char rel[PATH_MAX];
        if (format_text(rel, sizeof rel, DATA_OVERLAY_DIR "/%s", slot) >= (int)sizeof rel)
                return -ENAMETOOLONG;

        _cleanup_close_ int overlays = mkdir_beneath(datafd, DATA_OVERLAY_DIR, 0700);
        if (overlays < 0)
                return diag_fail(d, overlays, "/data/" DATA_OVERLAY_DIR ": %s", errno_text(-overlays));
        struct stat st;
        bool exists = fstatat(overlays, slot, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && !S_ISDIR(st.st_mode)) {
                /* a planted file or symbolic link where the upper should be */
                exists = true;
        }
        char stored[512];
        bool have_identity = false;
        if (exists && S_ISDIR(st.st_mode)) {
                _cleanup_close_ int up = open_beneath(overlays, slot, O_RDONLY | O_DIRECTORY);
                have_identity = up >= 0 && read_small_at(up, "identity", stored, sizeof stored) == 0;
        }
        enum upper_action action = data_decide_upper(exists, have_identity ? stored : NULL, identity, factory_reset,
                                                     why, why_n);
        if (exists && !S_ISDIR(st.st_mode))
                action = UPPER_SET_ASIDE;
        if (action == UPPER_SET_ASIDE) {
                char where[PATH_MAX];
                int r = attic_move(datafd, rel, "overlay", slot, where, sizeof where);
                if (r < 0)
                        return diag_fail(d, r, "set aside /data/%s: %s", rel, errno_text(-r));
                log_notice("data: upper of slot %s set aside to %s (%s)", slot, where, why);
        }

        _cleanup_close_ int dir = mkdir_beneath(datafd, rel, 0755);
        if (dir < 0)
                return diag_fail(d, dir, "/data/%s: %s", rel, errno_text(-dir));
        _cleanup_close_ int upper = mkdir_beneath(dir, "upper", 0755);
        _cleanup_close_ int work = mkdir_beneath(dir, "work", 0700);
        if (upper < 0 || work < 0) {
                int r = upper < 0 ? upper : work;
                return diag_fail(d, r, "/data/%s/{upper,work}: %s", rel, errno_text(-r));
        }
        /* the overlay refuses a work directory holding an earlier boot's leftovers */
        struct stat wst;
        if (fstat(work, &wst) == 0)
                remove_tree(TAKE_FD(work), wst.st_dev);
        char rel_upper[PATH_MAX + 8];
        (void)format_text(rel_upper, sizeof rel_upper, "%s/upper", rel);
        unshadow_protected(datafd, rel_upper, protected_paths, slot);
        unsigned refused = refuse_hostile(fcntl(upper, F_DUPFD_CLOEXEC, 3), 0);
        if (refused)
                log_warn("data: %u hostile entries refused in /data/%s/upper", refused, rel);
        /* written only when it changed: no write and no fsync on an ordinary boot */
        int r = action == UPPER_KEEP ? 0 : write_small_at(dir, "identity", identity);
        if (r < 0)
                return diag_fail(d, r, "/data/%s/identity: %s", rel, errno_text(-r));
        if (format_text(ret_dir, n, PAIOS_DATA_DIR "/%s", rel) >= (int)n)
                return -ENAMETOOLONG;
        return 0;
}

int data_reset_state(const char *root, struct diag *d) {
        _cleanup_close_ int datafd = open_data_dir(root);
        if (datafd < 0)
                return diag_fail(d, datafd, "open /data: %s", errno_text(-datafd));
        struct stat st;
        if (fstatat(datafd, DATA_STATE_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return 0;
        char where[PATH_MAX];
        int r = attic_move(datafd, DATA_STATE_DIR, "state", "", where, sizeof where);
        if (r < 0)
                return diag_fail(d, r, "set aside /data/" DATA_STATE_DIR ": %s", errno_text(-r));
        log_notice("data: persistent state set aside to %s (factory reset)", where);
        return 0;
}

bool data_reset_marker_present(const char *root) {
        _cleanup_close_ int datafd = open_data_dir(root);
        struct stat st;
        return datafd >= 0 && fstatat(datafd, DATA_RESET_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void data_reset_marker_remove(const char *root) {
        _cleanup_close_ int datafd = open_data_dir(root);
        if (datafd >= 0 && unlinkat(datafd, DATA_RESET_MARKER, 0) == 0)
                (void)fsync(datafd);
}

/* ---- binds ------------------------------------------------------------------------ */

/* Copy a regular file's content, mode and owner (seeding /data from the slot). */
static int copy_file(int srcfd, int dstdir, const char *name, const struct stat *st) {
        _cleanup_close_ int out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return negative_errno();
        char buf[65536];
        ssize_t k;
        while ((k = read(srcfd, buf, sizeof buf)) > 0)
                if (write(out, buf, (size_t)k) != k)
                        return negative_errno();
        if (k < 0)
                return negative_errno();
        (void)fchown(out, st->st_uid, st->st_gid);
        (void)fchmod(out, st->st_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID));
        return fsync(out) < 0 ? negative_errno() : 0;
}

/* Copy the tree below src into dst (both directories): files, directories, symbolic
 * links as links (never followed), modes and owners. */
static int copy_tree(int src, int dst, unsigned depth) {
        if (depth > 32)
                return -ELOOP;
        _cleanup_(closedirp) DIR *dir = fdopendir(fcntl(src, F_DUPFD_CLOEXEC, 3));
        if (!dir)
                return negative_errno();
        struct dirent *de;
        int r = 0;
        while ((de = readdir(dir))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                struct stat st;
                if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                int k = 0;
                if (S_ISDIR(st.st_mode)) {
                        if (mkdirat(dst, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
                                k = negative_errno();
                        _cleanup_close_ int s2 = openat(src, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_close_ int d2 = open_beneath(dst, de->d_name, O_RDONLY | O_DIRECTORY);
                        if (k == 0 && s2 >= 0 && d2 >= 0) {
                                (void)fchown(d2, st.st_uid, st.st_gid);
                                k = copy_tree(s2, d2, depth + 1);
                        }
                } else if (S_ISREG(st.st_mode)) {
                        _cleanup_close_ int f = openat(src, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                        k = f < 0 ? negative_errno() : copy_file(f, dst, de->d_name, &st);
                } else if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t len = readlinkat(src, de->d_name, target, sizeof target - 1);
                        if (len >= 0) {
                                target[len] = '\0';
                                if (symlinkat(target, dst, de->d_name) < 0 && errno != EEXIST)
                                        k = negative_errno();
                        }
                }
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}

/* The parent directory of rel below dirfd, made (mkdir -p, beneath, no links) if needed;
 * *ret_leaf points at rel's last component. */
static int open_parent_beneath(int dirfd, const char *rel, char *buf, size_t n, const char **ret_leaf) {
        if (copy_string(buf, n, rel) < 0)
                return -ENAMETOOLONG;
        char *slash = strrchr(buf, '/');
        *ret_leaf = slash ? slash + 1 : buf;
        if (!slash) {
                int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
                return fd < 0 ? negative_errno() : fd;
        }
        *slash = '\0';
        return mkdir_beneath(dirfd, buf, 0755);
}

/* Open a path of the new root (absolute, under sysroot) without symbolic links, making
 * it (directory or empty file, like the source) if it does not exist. */
static int open_target(const char *root, const char *target, bool want_dir) {
        char sysroot[PATH_MAX];
        int r = path_join_root(sysroot, sizeof sysroot, root, PAIOS_SYSROOT);
        if (r < 0)
                return r;
        _cleanup_close_ int rootfd = openat(AT_FDCWD, sysroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return negative_errno();
        const char *rel = target + strlen(PAIOS_SYSROOT);
        while (*rel == '/')
                rel++;
        int fd = open_beneath(rootfd, rel, O_PATH);
        if (fd != -ENOENT)
                return fd;
        /* make it: the parent directories first, then the last component */
        char parent[PATH_MAX];
        const char *leaf;
        _cleanup_close_ int pfd = open_parent_beneath(rootfd, rel, parent, sizeof parent, &leaf);
        if (pfd < 0)
                return pfd;
        if (want_dir) {
                if (mkdirat(pfd, leaf, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
        } else {
                int f = openat(pfd, leaf, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f < 0)
                        return negative_errno();
                (void)close(f);
        }
        return open_beneath(pfd, leaf, O_PATH);
}

/* The source of a data.binds entry below /data/paios/state, made from the slot's copy
 * (s->seed) on first use. */
static int open_data_source(const char *root, const struct mount_step *s, struct diag *d) {
        _cleanup_close_ int datafd = open_data_dir(root);
        if (datafd < 0)
                return diag_fail(d, datafd, "open /data: %s", errno_text(-datafd));
        _cleanup_close_ int state = mkdir_beneath(datafd, DATA_STATE_DIR, 0755);
        if (state < 0)
                return diag_fail(d, state, "/data/" DATA_STATE_DIR ": %s", errno_text(-state));
        const char *rel = s->source + strlen(PAIOS_DATA_DIR "/" DATA_STATE_DIR);
        while (*rel == '/')
                rel++;
        int fd = open_beneath(state, rel, O_PATH);
        if (fd != -ENOENT) {
                if (fd == -ELOOP || fd == -EXDEV)
                        return diag_fail(d, fd, "%s: a symbolic link or \"..\" on the way: refused", s->source);
                if (fd < 0)
                        return diag_fail(d, fd, "%s: %s", s->source, errno_text(-fd));
                return fd;
        }

        /* first use: take the slot's copy, or an empty directory if the slot has none */
        char seed[PATH_MAX];
        int r = path_join_root(seed, sizeof seed, root, s->seed);
        if (r < 0)
                return r;
        struct stat st;
        bool seeded = stat(seed, &st) == 0;
        /* a path the slot lacks becomes an empty directory, but /etc/machine-id, which
         * is a file wherever it exists (then filled by data_ensure_machine_id()) */
        bool is_dir = seeded ? S_ISDIR(st.st_mode) : strcmp(s->seed, PAIOS_SLOT_DIR "/etc/machine-id") != 0;
        if (!seeded)
                st = (struct stat){.st_mode = S_IFREG | 0444};
        char parent[PATH_MAX];
        const char *leaf;
        _cleanup_close_ int pfd = open_parent_beneath(state, rel, parent, sizeof parent, &leaf);
        if (pfd < 0)
                return diag_fail(d, pfd, "%s: %s", s->source,
                                 pfd == -ELOOP ? "a symbolic link on the way: refused" : errno_text(-pfd));
        if (is_dir) {
                if (mkdirat(pfd, leaf, seeded ? st.st_mode & 07777 : 0755) < 0 && errno != EEXIST)
                        return diag_fail(d, negative_errno(), "mkdir %s: %s", s->source, errno_text(errno));
                _cleanup_close_ int dfd = open_beneath(pfd, leaf, O_RDONLY | O_DIRECTORY);
                if (dfd < 0)
                        return diag_fail(d, dfd, "%s: %s", s->source, errno_text(-dfd));
                if (seeded) {
                        (void)fchown(dfd, st.st_uid, st.st_gid);
                        _cleanup_close_ int src = openat(AT_FDCWD, seed, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (src >= 0 && copy_tree(src, dfd, 0) < 0)
                                log_warn("data: seeding %s from the slot was incomplete", s->source);
                }
        } else {
                _cleanup_close_ int src = openat(AT_FDCWD, seeded ? seed : "/dev/null", O_RDONLY | O_CLOEXEC);
                r = src < 0 ? negative_errno() : copy_file(src, pfd, leaf, &st);
                if (r < 0)
                        return diag_fail(d, r, "seed %s from %s: %s", s->source, s->seed, errno_text(-r));
        }
        (void)fsync(pfd);
        log_info("data: %s created %s", s->source, seeded ? "from the slot's copy" : "empty (the slot has none)");
        fd = open_beneath(pfd, leaf, O_PATH);
        return fd < 0 ? diag_fail(d, fd, "%s: %s", s->source, errno_text(-fd)) : fd;
}

static int apply_bind(const char *root, const struct mount_step *s, struct diag *d) {
        _cleanup_close_ int src = -EBADF;
        if (s->bind_from == BIND_FROM_DATA) {
                src = open_data_source(root, s, d);
                if (src < 0)
                        return src;
        } else {
                char p[PATH_MAX];
                int r = path_join_root(p, sizeof p, root, s->source);
                if (r < 0)
                        return r;
                src = raw_openat(AT_FDCWD, p, O_PATH | O_CLOEXEC);
                if (src == -ENOENT)
                        return 1; /* nothing to protect: the slot has no such path */
                if (src < 0)
                        return diag_fail(d, src, "%s: %s", s->source, errno_text(-src));
        }
        struct stat st;
        int r = raw_fstatat(src, "", &st, AT_EMPTY_PATH);
        if (r < 0)
                return diag_fail(d, r, "%s: %s", s->source, errno_text(-r));
        _cleanup_close_ int tgt = open_target(root, s->target, S_ISDIR(st.st_mode));
        if (tgt < 0)
                return diag_fail(d, tgt, "%s: %s", s->target,
                                 tgt == -ELOOP ? "a symbolic link on the way in the new root: refused" : errno_text(-tgt));
        struct stat tst;
        if (raw_fstatat(tgt, "", &tst, AT_EMPTY_PATH) < 0 || S_ISDIR(tst.st_mode) != S_ISDIR(st.st_mode))
                return diag_fail(d, -ENOTDIR, "%s and %s are not both directories or both files", s->source, s->target);

        /* bind through the descriptors: what was checked is what gets mounted */
        char from[64], to[64];
        (void)format_text(from, sizeof from, "/proc/self/fd/%d", src);
        (void)format_text(to, sizeof to, "/proc/self/fd/%d", tgt);
        if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0)
                return diag_fail(d, negative_errno(), "bind %s on %s: %s", s->source, s->target, errno_text(errno));
        if (s->read_only) {
                char target[PATH_MAX];
                r = path_join_root(target, sizeof target, root, s->target);
                if (r < 0 || mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
                        return diag_fail(d, r < 0 ? r : negative_errno(), "remount %s read-only: %s", s->target,
                                         errno_text(r < 0 ? -r : errno));
        }
        return 0;
}

int data_apply_step(const char *root, const struct mount_step *s, struct diag *d) {
        if (s->kind == STEP_BIND)
                return apply_bind(root, s, d);
        if (s->kind == STEP_MOVE) {
                char from[PATH_MAX], to[PATH_MAX];
                if (path_join_root(from, sizeof from, root, s->source) < 0 ||
                    path_join_root(to, sizeof to, root, s->target) < 0)
                        return -ENAMETOOLONG;
                if (mount(from, to, NULL, MS_MOVE, NULL) < 0)
                        return diag_fail(d, negative_errno(), "move %s to %s: %s", from, to, errno_text(errno));
                return 0;
        }
        return mount_step_apply(root, s, d);
}

int data_ensure_machine_id(const char *root, const char *path, bool *ret_created) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        if (r < 0)
                return r;
        *ret_created = false;
        char buf[64] = "";
        {
                _cleanup_close_ int fd = openat(AT_FDCWD, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0) {
                        ssize_t k = read(fd, buf, sizeof buf - 1);
                        buf[k > 0 ? k : 0] = '\0';
                }
        }
        if (machine_id_is_valid(buf))
                return 0;
        unsigned char raw[16];
        _cleanup_close_ int rnd = openat(AT_FDCWD, "/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (rnd < 0 || read(rnd, raw, sizeof raw) != (ssize_t)sizeof raw)
                return -EIO;
        /* a version 4 UUID's bits, as systemd makes machine ids */
        raw[6] = (unsigned char)((raw[6] & 0x0f) | 0x40);
        raw[8] = (unsigned char)((raw[8] & 0x3f) | 0x80);
        char id[34];
        for (size_t i = 0; i < sizeof raw; i++)
                (void)format_text(id + 2 * i, 3, "%02x", raw[i]);
        id[32] = '\n';
        id[33] = '\0';
        _cleanup_close_ int fd = openat(AT_FDCWD, p, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (write(fd, id, 33) != 33 || fsync(fd) < 0)
                return negative_errno();
        *ret_created = true;
        return 0;
}
