/* SPDX-License-Identifier: MIT */
#include "bootenv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"

int boot_order_parse(const char *s, struct boot_order *ret, struct diag *d) {
        struct boot_order o = {0};
        for (const char *p = s; *p;) {
                p += strspn(p, " \t");
                size_t len = strcspn(p, " \t");
                if (len == 0)
                        break;
                if (o.n >= BOOT_ORDER_MAX)
                        return diag_fail(d, -E2BIG, "BOOT_ORDER lists more than %d slots", BOOT_ORDER_MAX);
                if (len >= RAUC_NAME_MAX)
                        return diag_fail(d, -EINVAL, "BOOT_ORDER: a bootname is longer than %d bytes", RAUC_NAME_MAX - 1);
                memcpy(o.slot[o.n], p, len);
                o.slot[o.n][len] = '\0';
                if (!bootname_is_valid(o.slot[o.n]))
                        return diag_fail(d, -EINVAL, "BOOT_ORDER: \"%s\" is not a valid bootname", o.slot[o.n]);
                for (size_t i = 0; i < o.n; i++)
                        if (strcmp(o.slot[i], o.slot[o.n]) == 0)
                                return diag_fail(d, -EINVAL, "BOOT_ORDER names %s twice", o.slot[i]);
                o.n++;
                p += len;
        }
        if (o.n == 0)
                return diag_fail(d, -EINVAL, "BOOT_ORDER is empty");
        *ret = o;
        return 0;
}

int bootenv_left_var(const char *slot, char *buf, size_t n) {
        int len = format_text(buf, n, "BOOT_%s_LEFT", slot);
        return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int bootenv_parse_left(const char *s) {
        unsigned v;
        if (!s || parse_uint(s, 0, 1000000, &v) < 0)
                return -1;
        return (int)v;
}

int bootenv_pick_slot(const struct boot_order *order, const int *left, size_t *ret_index, struct diag *d) {
        for (size_t i = 0; i < order->n; i++)
                if (left[i] > 0) {
                        *ret_index = i;
                        return 0;
                }
        return diag_fail(d, -ENOENT, "no slot in BOOT_ORDER has attempts left");
}

bool bootenv_stage_blames_slot(const char *stage) {
        static const char *const slot_stages[] = {"wait-device", "mount-root", "check-new-root", "switch-root"};
        for (size_t i = 0; i < ELEMENTSOF(slot_stages); i++)
                if (stage && strcmp(stage, slot_stages[i]) == 0)
                        return true;
        return false;
}
