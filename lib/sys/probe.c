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
#include "macro.h"
#include "parse-util.h"

/* A small sysfs attribute of block device name, newline removed. */
static int read_block_attr(const char *root, const char *name, const char *attr, char *buf, size_t n) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "/sys/class/block/%s/%s", name, attr) >= (int)sizeof path)
                return -ENAMETOOLONG;
        _cleanup_free_ char *s = NULL;
        int r = read_file_at_root(root, path, 4096, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = '\0';
        return copy_string(buf, n, s);
}

/* PARTNAME= from the partition's uevent file; -ENOENT when the table gives none. */
static int uevent_partname(const char *root, const char *name, char *buf, size_t n) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "/sys/class/block/%s/uevent", name) >= (int)sizeof path)
                return -ENAMETOOLONG;
        _cleanup_free_ char *s = NULL;
        int r = read_file_at_root(root, path, 4096, &s, NULL);
        if (r < 0)
                return r;
        for (char *line = s; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, "PARTNAME=", 9) == 0)
                        return copy_string(buf, n, line + 9);
                line = next;
        }
        return -ENOENT;
}

static bool is_partition(const char *root, const char *name) {
        char buf[16];
        return read_block_attr(root, name, "partition", buf, sizeof buf) == 0;
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

static bool device_matches(const char *root, const char *name, const char *devnode, const struct devspec *spec) {
        char value[DEVSPEC_VALUE_MAX];
        switch (spec->kind) {
        case DEVSPEC_DEVNUM:
                return read_block_attr(root, name, "dev", value, sizeof value) == 0 && strcmp(value, spec->value) == 0;
        case DEVSPEC_PARTLABEL:
        case DEVSPEC_PARTUUID:
                if (!is_partition(root, name))
                        return false;
                /* the kernel names GPT partitions in their uevent (PARTNAME=): no need to
                 * open and probe every partition for a label */
                if (spec->kind == DEVSPEC_PARTLABEL && uevent_partname(root, name, value, sizeof value) == 0)
                        return devspec_value_matches(spec, value);
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

        char found[PATH_MAX] = "";
        unsigned matches = 0;
        struct dirent *de;
        while ((de = readdir(dp))) {
                if (de->d_name[0] == '.')
                        continue;
                char size[32];
                /* empty devices (unused loop and ram devices) cannot hold a slot */
                if (read_block_attr(root, de->d_name, "size", size, sizeof size) < 0 || strcmp(size, "0") == 0)
                        continue;
                /* devtmpfs names nodes after the kernel's name, '!' standing for '/' */
                char name[NAME_MAX + 1], rel[PATH_MAX], devnode[PATH_MAX];
                (void)copy_string(name, sizeof name, de->d_name);
                for (char *c = name; *c; c++)
                        if (*c == '!')
                                *c = '/';
                if (snprintf(rel, sizeof rel, "/dev/%s", name) >= (int)sizeof rel ||
                    path_join_root(devnode, sizeof devnode, root, rel) < 0)
                        continue;
                if (!device_matches(root, de->d_name, devnode, spec))
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
