/* SPDX-License-Identifier: MIT */
/* RAUC's system.conf, read for what the initramfs needs: which slot has which bootname and
 * device. The initramfs carries a copy of the rootfs's own file, so RAUC and the init
 * can never disagree about the layout. Pure. */
#pragma once

#include <stddef.h>

#include "diag.h"
#include "keyfile.h"

enum { RAUC_SLOTS_MAX = 32, RAUC_NAME_MAX = 64, RAUC_DEVICE_MAX = 256 };

struct rauc_slot {
        char name[RAUC_NAME_MAX];       /* "rootfs.0": the group name without "slot." */
        char bootname[RAUC_NAME_MAX];   /* "" when the slot has none */
        char device[RAUC_DEVICE_MAX];
        char type[32];                  /* "ext4", "raw", ...; "" if not given */
        char parent[RAUC_NAME_MAX];
};

struct rauc_system {
        char compatible[RAUC_DEVICE_MAX];
        char bootloader[32];
        struct rauc_slot slots[RAUC_SLOTS_MAX];
        size_t n_slots;
};

/* Parse system.conf text. Like RAUC, a [system] group with compatible= and bootloader= is
 * required, a slot needs device=, and two slots may not share a bootname. *ret is
 * written only on success, and only its slots [0, n_slots). */
int rauc_system_parse(const char *text, size_t len, struct rauc_system *ret, struct diag *d);

/* The slot with that bootname: -ENOENT (naming the bootnames that exist) if none. */
int rauc_system_find_bootname(const struct rauc_system *sys, const char *bootname,
                              const struct rauc_slot **ret, struct diag *d);
