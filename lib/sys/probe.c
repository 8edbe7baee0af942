/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fileio.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"

/* A small sysfs attribute of block device name (classfd: /sys/class/block). */
static int read_block_attr(int classfd, const char *name, const char *attr, char *buf, size_t n) {
        char path[NAME_MAX + 32];
        if (format_text(path, sizeof path, "%s/%s", name, attr) >= (int)sizeof path)
                return -ENAMETOOLONG;
        int r = read_sysfs_attr(classfd, path, buf, n);
        return r < 0 ? r : 0;
}

/* What a block device's uevent file says: one read for the checks most specs need. */
struct block_uevent {
        bool partition;
        bool has_partname; /* GPT names partitions (PARTNAME=), MBR does not */
        char partname[DEVSPEC_VALUE_MAX];
        char devnum[32]; /* "MAJ:MIN" */
};

static int read_block_uevent(int classfd, const char *name, struct block_uevent *u) {
        char text[4096], major[16] = "", minor[16] = "";
        int r = read_block_attr(classfd, name, "uevent", text, sizeof text);
        if (r < 0)
                return r;
        *u = (struct block_uevent){0};
        for (char *line = text; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strcmp(line, "DEVTYPE=partition") == 0)
                        u->partition = true;
                else if (strncmp(line, "PARTNAME=", 9) == 0)
                        u->has_partname = copy_string(u->partname, sizeof u->partname, line + 9) == 0;
                else if (strncmp(line, "MAJOR=", 6) == 0)
                        (void)copy_string(major, sizeof major, line + 6);
                else if (strncmp(line, "MINOR=", 6) == 0)
                        (void)copy_string(minor, sizeof minor, line + 6);
                line = next;
        }
        (void)format_text(u->devnum, sizeof u->devnum, "%s:%s", major, minor);
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
        case DEVSPEC_DEVNUM:
                return read_block_uevent(classfd, name, &u) == 0 && strcmp(u.devnum, spec->value) == 0;
        case DEVSPEC_PARTLABEL:
        case DEVSPEC_PARTUUID:
                if (read_block_uevent(classfd, name, &u) < 0 || !u.partition)
                        return false;
                /* the kernel names GPT partitions in their uevent (PARTNAME=): no need to
                 * open and probe every partition for a label */
                if (spec->kind == DEVSPEC_PARTLABEL && u.has_partname)
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
        _cleanup_(closedirp) DIR *dp = opendir(dir);
        if (!dp)
                return negative_errno();
        int classfd = dirfd(dp);
        /* label and UUID need blkid to open the device: empty ones are skipped first */
        bool probes_content = spec->kind == DEVSPEC_LABEL || spec->kind == DEVSPEC_UUID;

        char found[PATH_MAX] = "";
        unsigned matches = 0;
        struct dirent *de;
        while ((de = readdir(dp))) {
                if (de->d_name[0] == '.')
                        continue;
                if (probes_content && device_is_empty(classfd, de->d_name))
                        continue;
                /* devtmpfs names nodes after the kernel's name, '!' standing for '/' */
                char name[NAME_MAX + 1], rel[PATH_MAX], devnode[PATH_MAX];
                (void)copy_string(name, sizeof name, de->d_name);
                for (char *c = name; *c; c++)
                        if (*c == '!')
                                *c = '/';
                if (format_text(rel, sizeof rel, "/dev/%s", name) >= (int)sizeof rel ||
                    path_join_root(devnode, sizeof devnode, root, rel) < 0)
                        continue;
                if (!device_matches(classfd, de->d_name, devnode, spec) ||
                    (!probes_content && device_is_empty(classfd, de->d_name)))
                        continue;
                if (matches++ == 0)
                        (void)copy_string(found, sizeof found, rel);
                else {
                        char what[DEVSPEC_VALUE_MAX + 16];
                        (void)devspec_format(spec, what, sizeof what);
                        return diag_fail(d, -ENOTUNIQ, "%s matches both %s and %s: name the slot by PARTLABEL= or PARTUUID=",
                                         what, found, rel);
                }
        }
        if (!matches)
                return -ENOENT;
        return copy_string(ret, n, found);
}
