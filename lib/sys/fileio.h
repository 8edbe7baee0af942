/* SPDX-License-Identifier: MIT */
/* Whole-file reads and writes relative to a root, close-on-exec.
 * Files are opened with openat(AT_FDCWD, ...), never open(): musl's open() follows an
 * O_CLOEXEC open with fcntl(F_SETFD) for kernels older than 2.6.23, a second system call
 * for every file /init opens, and each costs ~20 us of user time under TCG
 * (scripts/tcg-costs). scripts/lint.sh refuses open( in init/ and lib/. (opendir() does
 * the same, and fdopendir() adds an fstat and two fcntl: the directory a boot always reads,
 * /sys/class/block, is read with getdents64() itself (lib/sys/probe.c); the others, read
 * only with hooks or /data, stay with opendir.) */
#pragma once

#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>

static inline void closedirp(DIR **d) {
        if (*d)
                (void)closedir(*d);
}

/* openat(AT_FDCWD, root+path, flags | O_CLOEXEC | O_NOCTTY): the descriptor or a negative
 * errno. No O_CREAT: there is no mode. */
int open_at_root(const char *root, const char *path, int flags);
/* Read root+path, at most max bytes (-EFBIG beyond), NUL-terminated. */
int read_file_at_root(const char *root, const char *path, size_t max, char **ret, size_t *ret_len);
/* Read root+path into buf (size bytes, not NUL-terminated) with as few read() calls as it
 * takes: one, and one more to see the end, for a file that fits. Returns the length;
 * -EFBIG if the file is larger than size. For binary files of a known bound, where
 * read_file_at_root()'s growing buffer would read, reallocate and copy several times. */
int read_file_at_root_into(const char *root, const char *path, void *buf, size_t size);
/* A sysfs attribute at dirfd/path (AT_FDCWD: path as it is) into buf, NUL-terminated, the
 * trailing newline removed; returns its length. One read(): kernfs hands a whole
 * attribute (at most a page) to the first read, and an initramfs reads many of them.
 * -EFBIG if it does not fit in n - 1 bytes. */
int read_sysfs_attr(int dirfd, const char *path, char *buf, size_t n);
/* Write s to root+path (an existing file such as a /proc or /sys knob). */
int write_file_at_root(const char *root, const char *path, const char *s);
/* Create root+path (it must not exist yet) holding s. */
int write_new_file_at_root(const char *root, const char *path, const char *s);
/* Remove everything below the directory dirfd that is on filesystem dev; mount points
 * (another st_dev) are left alone. Takes dirfd. */
void remove_tree(int dirfd, dev_t dev);

/* Sleep ms milliseconds (EINTR resumed). */
void sleep_ms(unsigned ms);

/* Create the symbolic link root+path -> target (target as it is). */
int symlink_at_root(const char *root, const char *target, const char *path);

/* mkdir -p of an absolute path under root, mode for the directories it creates. */
int mkdir_p_at_root(const char *root, const char *path, unsigned mode);
