/* SPDX-License-Identifier: MIT */
/* RAUC's U-Boot integration, read from the initramfs: BOOT_ORDER lists the bootnames in
 * order of preference, BOOT_<name>_LEFT the attempts a slot has left (the boot script
 * decrements it before booting, `rauc status mark-good` restores it, mark-bad zeroes it).
 * Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "rauc-conf.h"

enum { BOOT_ORDER_MAX = 8 };

struct boot_order {
        char slot[BOOT_ORDER_MAX][RAUC_NAME_MAX];
        size_t n;
};

/* "A B": bootnames separated by spaces; an invalid or repeated bootname is an error. */
int boot_order_parse(const char *s, struct boot_order *ret, struct diag *d);

/* "BOOT_A_LEFT" for slot "A". */
int bootenv_left_var(const char *slot, char *buf, size_t n);

/* BOOT_x_LEFT's value: a decimal count, -1 when absent or not a number. */
int bootenv_parse_left(const char *s);

/* The slot the boot script would pick: the first in order with attempts left (left[i]
 * belongs to order->slot[i]; -1 counts as none). -ENOENT when no slot has any. */
int bootenv_pick_slot(const struct boot_order *order, const int *left, size_t *ret_index, struct diag *d);

/* Whether a failure in this stage means the slot itself cannot boot (its device is
 * missing, its filesystem does not mount, it has no init): then the slot is marked bad so
 * the other one boots on the very next reset. Failures before the slot is known (a bad
 * command line) or of the initramfs itself are no reason to give up a slot. */
bool bootenv_stage_blames_slot(const char *stage);
