/* SPDX-License-Identifier: MIT */
/* The kernel command line, split the way the kernel splits it (lib/cmdline.c next_arg()),
 * then read for the options the initramfs acts on. Pure: takes the text of /proc/cmdline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum {
        CMDLINE_SIZE_MAX = 64 * 1024, /* the kernel's own limit is 2048 on arm64 */
        CMDLINE_PARAMS_MAX = 512,
        CMDLINE_VALUE_MAX = 1024, /* a longer value of an option we act on is rejected */
};

struct kparam {
        char *key;
        char *value; /* NULL for a bare word such as "ro" */
};

struct kcmdline {
        struct kparam *params;  /* before "--", in order */
        size_t n_params;
        char **init_args;       /* after "--": the kernel hands these to init as argv */
        size_t n_init_args;
        bool unterminated_quote;
};

/* Split text into parameters with the kernel's quoting rules: white space separates,
 * a double quote toggles quoting, and one pair of quotes around the whole word or the
 * value is removed. "--" ends the kernel's part; the rest belongs to init. */
int kcmdline_parse(const char *text, struct kcmdline *ret, struct diag *d);
void kcmdline_free(struct kcmdline *c);

/* The last value given for key (the kernel's rule for repeated options), NULL if absent or
 * given as a bare word. *ret_count, if not NULL, gets how often the key was given. */
const char *kcmdline_get(const struct kcmdline *c, const char *key, size_t *ret_count);
bool kcmdline_has_flag(const struct kcmdline *c, const char *word);

/* The standard options with their standard meaning, plus rauc.slot=. */
struct boot_args {
        char *slot;        /* rauc.slot=: the bootname, NULL if absent */
        char *root;        /* root=: overrides the slot's device */
        char *rootfstype;
        char *rootflags;
        char *init;        /* init= */
        bool rootwait;     /* wait for the root device without a limit */
        int rootdelay_s;   /* rootdelay=: wait at most this long; -1 if absent */
        bool rw;           /* "rw" given after any "ro": the slot stays read-only anyway */
};

/* Read the standard options from a split command line. An unusable value (an overlong
 * one, a rauc.slot that is no valid bootname, rauc.slot given twice with different values,
 * a rootdelay that is no number) is an error naming the option: booting some other slot
 * than the bootloader meant is worse than failing over. */
int boot_args_from_cmdline(const struct kcmdline *c, struct boot_args *ret, struct diag *d);
void boot_args_free(struct boot_args *a);

/* A locked image (boot.locked=true) takes from the command line only the slot: root=,
 * rootfstype=, rootflags= and init= are dropped with a warning each, because the
 * command line comes from a bootloader environment anyone with the device in hand can
 * edit, and the signed image's own choices must stand. */
void boot_args_apply_lock(struct boot_args *a, struct diag *d);

/* A RAUC bootname: 1..63 characters of [A-Za-z0-9._-]. */
bool bootname_is_valid(const char *s);
