/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"
#include "raw-syscall.h"

/* What getdents64() fills a buffer with: records of the kernel's struct linux_dirent64,
 * a 64-bit inode and offset, the record's length, a type byte and the name. */
enum { DIRENT64_RECLEN = 16, DIRENT64_NAME = 19 };

/* A small sysfs attribute of block device name (classfd: /sys/class/block). */
static int read_block_attr(int classfd, const char *name, const char *attr, char *buf, size_t n) {
        char path[NAME_MAX + 32];
        if (format_text(path, sizeof path, "%s/%s", name, attr) >= (int)sizeof path)
                return -ENAMETOOLONG;
        int r = read_sysfs_attr(classfd, path, buf, n);
        return r < 0 ? r : 0;
}

/* What a block device's uevent file says: one read for the checks most specs need. The
 * values point into text; only the devnum spec composes MAJ:MIN from them. */
struct block_uevent {
        bool partition;
        const char *partname; /* GPT names partitions (PARTNAME=), MBR does not: NULL */
        const char *major, *minor;
        char text[4096];
};

/* devnum: MAJOR= and MINOR= are looked for too (only a MAJ:MIN spec needs them) */
static int read_block_uevent(int classfd, const char *name, bool devnum, struct block_uevent *u) {
        int r = read_block_attr(classfd, name, "uevent", u->text, sizeof u->text);
        if (r < 0)
                return r;
        u->partition = false;
        u->partname = NULL;
        u->major = u->minor = "";
        for (char *line = u->text; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strcmp(line, "DEVTYPE=partition") == 0)
                        u->partition = true;
                else if (strncmp(line, "PARTNAME=", 9) == 0)
                        u->partname = line + 9;
                else if (devnum && strncmp(line, "MAJOR=", 6) == 0)
                        u->major = line + 6;
                else if (devnum && strncmp(line, "MINOR=", 6) == 0)
                        u->minor = line + 6;
                line = next;
        }
        return 0;
}

/* The value blkid reports for tag on device, probing only what that tag needs. */
static int blkid_value(const char *device, const char *tag, bool partition_entry, char *buf, size_t n) {
        blkid_probe pr = blkid_new_probe_from_filename(device);
        if (!pr)
                return negative_errno();
        if (partition_entry) {
                /* PARTLABEL/PARTUUID come from the parent disk's table entry for this
                 * partition (blkid's PART_ENTRY_NAME, PART_ENTRY_UUID) */
                blkid_probe_enable_superblocks(pr, 0);
                blkid_probe_enable_partitions(pr, 1);
                blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        } else {
                blkid_probe_enable_superblocks(pr, 1);
                blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
                blkid_probe_enable_partitions(pr, 0);
        }
        int r = blkid_do_safeprobe(pr);
        const char *key = partition_entry ? (strcmp(tag, "PARTLABEL") == 0 ? "PART_ENTRY_NAME" : "PART_ENTRY_UUID")
                                          : tag;
        const char *value = NULL;
        if (r == 0 && blkid_probe_lookup_value(pr, key, &value, NULL) == 0 && value)
                r = copy_string(buf, n, value);
        else
                r = -ENOENT;
        blkid_free_probe(pr);
        return r;
}

int probe_value(const char *device, const char *tag, char *buf, size_t n) {
        return blkid_value(device, tag, false, buf, n);
}

/* Whether block device name matches spec; sysfs answers first, blkid reads the device only
 * for what the kernel does not say (labels, UUIDs, MBR partition entries). */
static bool device_matches(int classfd, const char *name, const char *devnode, const struct devspec *spec) {
        char value[DEVSPEC_VALUE_MAX];
        struct block_uevent u;
        switch (spec->kind) {
        case DEVSPEC_DEVNUM: {
                char devnum[32]; /* "MAJ:MIN" */
                if (read_block_uevent(classfd, name, true, &u) < 0)
                        return false;
                (void)format_text(devnum, sizeof devnum, "%s:%s", u.major, u.minor);
                return strcmp(devnum, spec->value) == 0;
        }
        case DEVSPEC_PARTLABEL:
        case DEVSPEC_PARTUUID:
                if (read_block_uevent(classfd, name, false, &u) < 0 || !u.partition)
                        return false;
                /* the kernel names GPT partitions in their uevent (PARTNAME=): no need to
                 * open and probe every partition for a label */
                if (spec->kind == DEVSPEC_PARTLABEL && u.partname && strlen(u.partname) < DEVSPEC_VALUE_MAX)
                        return devspec_value_matches(spec, u.partname);
                return blkid_value(devnode, devspec_tag(spec->kind), true, value, sizeof value) == 0 &&
                       devspec_value_matches(spec, value);
        case DEVSPEC_LABEL:
        case DEVSPEC_UUID:
                return blkid_value(devnode, devspec_tag(spec->kind), false, value, sizeof value) == 0 &&
                       devspec_value_matches(spec, value);
        case DEVSPEC_PATH:
                break;
        }
        return false;
}

/* Empty devices (unused loop and ram devices) cannot hold a slot. */
static bool device_is_empty(int classfd, const char *name) {
        char size[32];
        return read_block_attr(classfd, name, "size", size, sizeof size) < 0 || strcmp(size, "0") == 0;
}

static int resolve_path(const char *root, const struct devspec *spec, char *ret, size_t n) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, spec->value);
        if (r < 0)
                return r;
        struct stat st;
        if (stat(p, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        return copy_string(ret, n, spec->value);
}

int probe_resolve(const char *root, const struct devspec *spec, char *ret, size_t n, struct diag *d) {
        if (spec->kind == DEVSPEC_PATH)
                return resolve_path(root, spec, ret, n);

        char dir[PATH_MAX];
        int r = path_join_root(dir, sizeof dir, root, "/sys/class/block");
        if (r < 0)
                return r;
        /* getdents64() itself: opendir() is musl's open(), which follows O_CLOEXEC with an
         * fcntl() (a system call, ~10 us under emulation), and its calloc(), readdir() and
         * closedir() are code no other stage of a boot runs (README) */
        _cleanup_close_ int classfd = raw_openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (classfd < 0)
                return classfd;
        /* label and UUID need blkid to open the device: empty ones are skipped first */
        bool probes_content = spec->kind == DEVSPEC_LABEL || spec->kind == DEVSPEC_UUID;

        /* "/dev/" and a kernel name: small buffers, so the frame spans fewer stack pages
         * (a fresh one is a fault) */
        char found[NAME_MAX + 6];
        found[0] = '\0';
        unsigned matches = 0;
        char dents[2048]; /* readdir()'s buffer in musl: as many calls */
        long got;
        while ((got = raw_syscall3(SYS_getdents64, classfd, (long)dents, sizeof dents)) > 0)
                for (long off = 0; off < got;) {
                        const char *d_name = dents + off + DIRENT64_NAME;
                        unsigned short reclen;
                        memcpy(&reclen, dents + off + DIRENT64_RECLEN, sizeof reclen);
                        off += reclen;
                        if (d_name[0] == '.')
                                continue;
                        if (probes_content && device_is_empty(classfd, d_name))
                                continue;
                        /* devtmpfs names nodes after the kernel's name, '!' standing for '/' */
                        char rel[NAME_MAX + 6], devnode[PATH_MAX];
                        if (format_text(rel, sizeof rel, "/dev/%s", d_name) >= (int)sizeof rel)
                                continue;
                        for (char *c = rel + 5; *c; c++)
                                if (*c == '!')
                                        *c = '/';
                        if (path_join_root(devnode, sizeof devnode, root, rel) < 0)
                                continue;
                        if (!device_matches(classfd, d_name, devnode, spec) ||
                            (!probes_content && device_is_empty(classfd, d_name)))
                                continue;
                        if (matches++ == 0)
                                (void)copy_string(found, sizeof found, rel);
                        else {
                                char what[DEVSPEC_VALUE_MAX + 16];
                                (void)devspec_format(spec, what, sizeof what);
                                return diag_fail(d, -ENOTUNIQ,
                                                 "%s matches both %s and %s: name the slot by PARTLABEL= or PARTUUID=",
                                                 what, found, rel);
                        }
                }
        if (!matches)
                return -ENOENT;
        return copy_string(ret, n, found);
}
