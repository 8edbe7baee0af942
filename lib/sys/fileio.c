/* SPDX-License-Identifier: MIT */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "parse-util.h"
#include "raw-syscall.h"

int open_at_root(const char *root, const char *path, int flags) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        if (r < 0)
                return r;
        return raw_openat(AT_FDCWD, p, flags | O_CLOEXEC | O_NOCTTY);
}

int read_file_at_root(const char *root, const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = open_at_root(root, path, O_RDONLY);
        if (fd < 0)
                return fd;
        /* files under /proc and /sys report size 0: read until EOF, up to max */
        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len == cap) {
                        if (cap > max)
                                return -EFBIG;
                        cap *= 2;
                        char *grown = realloc(buf, cap + 1);
                        if (!grown)
                                return -ENOMEM;
                        buf = grown;
                }
                ssize_t n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > max)
                        return -EFBIG;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_file_at_root_into(const char *root, const char *path, void *buf, size_t size) {
        _cleanup_close_ int fd = open_at_root(root, path, O_RDONLY);
        if (fd < 0)
                return fd;
        size_t len = 0;
        for (;;) {
                char probe;
                /* a full buffer: one byte more says whether the file ends there */
                ssize_t n = len < size ? read(fd, (char *)buf + len, size - len) : read(fd, &probe, 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                if (len == size)
                        return -EFBIG;
                len += (size_t)n;
        }
        if (len > INT_MAX)
                return -EFBIG;
        return (int)len;
}

int read_sysfs_attr(int dirfd, const char *path, char *buf, size_t n) {
        if (n < 2)
                return -EINVAL;
        _cleanup_close_ int fd = raw_openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return fd;
        ssize_t k;
        do
                k = read(fd, buf, n - 1);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return negative_errno();
        if ((size_t)k == n - 1)
                return -EFBIG;
        while (k > 0 && buf[k - 1] == '\n')
                k--;
        buf[k] = '\0';
        return (int)k;
}

int write_file_at_root(const char *root, const char *path, const char *s) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = raw_openat(AT_FDCWD, p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return fd;
        size_t n = strlen(s);
        ssize_t w = write(fd, s, n);
        if (w < 0)
                return negative_errno();
        return (size_t)w == n ? 0 : -EIO;
}

int write_new_file_at_root(const char *root, const char *path, const char *s) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        if (r < 0)
                return r;
        _cleanup_close_ int fd =
                openat(AT_FDCWD, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return negative_errno();
        size_t n = strlen(s);
        ssize_t w = write(fd, s, n);
        r = w < 0 ? negative_errno() : (size_t)w == n ? 0 : -ENOSPC;
        if (r < 0)
                (void)unlink(p); /* all or nothing: a reader must never find half a file */
        return r;
}

/* Remove everything below dirfd that is on its filesystem; mount points (other st_dev)
 * are left alone, so nothing outside the initramfs is ever touched. Takes dirfd. */
void remove_tree(int dirfd, dev_t dev) {
        DIR *dir = fdopendir(dirfd);
        if (!dir) {
                (void)close(dirfd);
                return;
        }
        struct dirent *de;
        while ((de = readdir(dir))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                struct stat st;
                if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                remove_tree(sub, dev);
                        (void)unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
                } else
                        (void)unlinkat(dirfd, de->d_name, 0);
        }
        (void)closedir(dir);
}

void sleep_ms(unsigned ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int symlink_at_root(const char *root, const char *target, const char *path) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        return r < 0 ? r : RET_NERRNO(symlink(target, p));
}

int mkdir_p_at_root(const char *root, const char *path, unsigned mode) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, path);
        if (r < 0)
                return r;
        /* the parent usually exists: one mkdir(), not one per component (each system call
         * costs the boot far more than its work under emulation, see README) */
        if (mkdir(p, (mode_t)mode) == 0)
                return 0;
        if (errno == ENOENT) {
                size_t skip = strcmp(root, "/") == 0 ? 1 : strlen(root) + 1; /* the root itself exists */
                for (char *s = p + skip;; s++) {
                        if (*s != '/' && *s != '\0')
                                continue;
                        char saved = *s;
                        *s = '\0';
                        if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
                                return negative_errno();
                        *s = saved;
                        if (!saved)
                                break;
                }
        } else if (errno != EEXIST)
                return negative_errno();
        struct stat st;
        r = raw_fstatat(AT_FDCWD, p, &st, 0);
        if (r < 0)
                return r;
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
