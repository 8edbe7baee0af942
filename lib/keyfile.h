/* SPDX-License-Identifier: MIT */
/* A parser for the GLib key-file format, the format of RAUC's system.conf and of
 * paios-init's own configuration: one parser for both, so the initramfs reads system.conf
 * the way RAUC does. Pure: it takes text, never a path. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum {
        KEYFILE_SIZE_MAX = 256 * 1024, /* larger input is rejected: these files are small */
        KEYFILE_LINE_MAX = 4096,
        KEYFILE_ENTRIES_MAX = 1024,
};

struct keyfile_entry {
        char *group;
        char *key;
        char *value;  /* unescaped (\s \n \t \r \\), surrounding white space removed */
        unsigned line;
};

struct keyfile {
        struct keyfile_entry *entries; /* in file order */
        size_t n_entries;
        char **groups;                 /* every group named, once, in file order */
        size_t n_groups;
};

/* Parse len bytes of text. GKeyFile's rules: '#' comments, [group] headers, key=value
 * lines, groups of one name merged, a repeated key's last value wins, localized keys
 * (key[de]=) ignored. A line that is none of these, a key before any group, an empty key,
 * a NUL byte, an overlong line or file is an error naming the line. */
int keyfile_parse(const char *text, size_t len, struct keyfile *ret, struct diag *d);

/* The value of group/key (the last one given), or NULL. */
const char *keyfile_get(const struct keyfile *kf, const char *group, const char *key);

/* Whether a group of that name exists. */
bool keyfile_has_group(const struct keyfile *kf, const char *group);

void keyfile_free(struct keyfile *kf);
