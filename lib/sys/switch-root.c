/* SPDX-License-Identifier: MIT */
#include "switch-root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
/* glibc's sys/mount.h must come before any linux/ header that pulls in linux/mount.h */
#include <sys/mount.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errno-text.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "parse-util.h"
#include "plan.h"
#include "raw-syscall.h"

const char *const switch_root_moved[4] = {"/dev", "/proc", "/sys", "/run"};

/* Open path inside the directory rootfd as if rootfd were "/": absolute symbolic links
 * (/sbin/init -> /lib/systemd/systemd) resolve in the new root, never in the initramfs. */
static int open_in_root(int rootfd, const char *path) {
        struct open_how how = {
                .flags = (unsigned long long)(O_PATH | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT,
        };
        return (int)raw_syscall4(SYS_openat2, rootfd, (long)path, (long)&how, sizeof how);
}

static int check_init(int rootfd, const char *path) {
        _cleanup_close_ int fd = open_in_root(rootfd, path);
        if (fd < 0)
                return fd;
        struct stat st;
        int r = raw_fstatat(fd, "", &st, AT_EMPTY_PATH);
        if (r < 0)
                return r;
        if (!S_ISREG(st.st_mode))
                return -EISDIR;
        if (!(st.st_mode & 0111))
                return -EACCES;
        return 0;
}

int switch_root_check(const char *newroot, const char *init, char *ret_init, size_t n, struct diag *d) {
        _cleanup_close_ int rootfd = raw_openat(AT_FDCWD, newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return diag_fail(d, rootfd, "new root %s: %s", newroot, errno_text(-rootfd));

        for (size_t i = 0; i < ELEMENTSOF(switch_root_moved); i++) {
                /* No symbolic links here: a mount on a link would land wherever it points.
                 * One component each ("/dev"), so an lstat in the new root is all it takes
                 * (one system call where an open and a close were two). */
                struct stat st;
                int r = raw_fstatat(rootfd, switch_root_moved[i] + 1, &st, AT_SYMLINK_NOFOLLOW);
                if (r == 0)
                        r = S_ISLNK(st.st_mode) ? -ELOOP : !S_ISDIR(st.st_mode) ? -ENOTDIR : 0;
                if (r < 0)
                        return diag_fail(d, r, "new root has no directory %s to move %s onto: %s", switch_root_moved[i],
                                         switch_root_moved[i], errno_text(-r));
        }

        if (init[0]) {
                int r = check_init(rootfd, init);
                if (r < 0)
                        return diag_fail(d, r, "init %s in the new root: %s", init,
                                         r == -EACCES ? "not executable" : errno_text(-r));
                return copy_string(ret_init, n, init);
        }
        for (size_t i = 0; i < ELEMENTSOF(plan_default_inits); i++)
                if (check_init(rootfd, plan_default_inits[i]) == 0)
                        return copy_string(ret_init, n, plan_default_inits[i]);
        return diag_fail(d, -ENOENT, "no executable init in the new root (tried /sbin/init, /etc/init, /bin/init)");
}

int switch_root_exec(const char *newroot, const char *init, char *const argv[], struct diag *d) {
        /* MS_MOVE fails for a mount under a shared parent (systemd's switch-root.c):
         * make the initramfs's mounts private first */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return diag_fail(d, negative_errno(), "make / private: %s", errno_text(errno));

        for (size_t i = 0; i < ELEMENTSOF(switch_root_moved); i++) {
                char target[PATH_MAX];
                if (path_join_root(target, sizeof target, newroot, switch_root_moved[i]) < 0)
                        return diag_fail(d, -ENAMETOOLONG, "path too long");
                if (mount(switch_root_moved[i], target, NULL, MS_MOVE, NULL) < 0)
                        return diag_fail(d, negative_errno(), "move %s to %s: %s", switch_root_moved[i], target,
                                         errno_text(errno));
        }

        if (chdir(newroot) < 0)
                return diag_fail(d, negative_errno(), "chdir %s: %s", newroot, errno_text(errno));
        _cleanup_close_ int oldroot = openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (oldroot < 0)
                return diag_fail(d, negative_errno(), "open the initramfs root: %s", errno_text(errno));
        if (mount(newroot, "/", NULL, MS_MOVE, NULL) < 0)
                return diag_fail(d, negative_errno(), "move %s to /: %s", newroot, errno_text(errno));
        if (chroot(".") < 0 || chdir("/") < 0)
                return diag_fail(d, negative_errno(), "chroot into the new root: %s", errno_text(errno));

        /* Free the initramfs's memory, but only if it is the ramfs or tmpfs it should be:
         * never walk into a disk by mistake (util-linux switch_root does the same). */
        struct statfs sfs;
        struct stat st;
        if (fstatfs(oldroot, &sfs) == 0 && fstat(oldroot, &st) == 0 &&
            (sfs.f_type == RAMFS_MAGIC || sfs.f_type == TMPFS_MAGIC)) {
                /* in a child, as util-linux switch_root does: the real init starts now,
                 * and its reaping of an unknown child is all it takes */
                pid_t pid = fork();
                if (pid == 0) {
                        remove_tree(TAKE_FD(oldroot), st.st_dev);
                        _exit(0);
                }
                if (pid < 0)
                        remove_tree(TAKE_FD(oldroot), st.st_dev);
        } else
                log_warn("initramfs root is no ramfs or tmpfs: not freeing it");

        /* everything is opened close-on-exec; this catches a descriptor a library left */
        (void)syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
        execv(init, argv);
        return diag_fail(d, negative_errno(), "exec %s: %s", init, errno_text(errno));
}
