/* SPDX-License-Identifier: MIT */
/* RAUC's U-Boot variables as the initramfs reads them from the environment (which anyone
 * with the device in hand can edit): boot_order_parse() of BOOT_ORDER, bootenv_parse_left()
 * of each BOOT_<name>_LEFT, then bootenv_pick_slot().
 * Input, NUL-separated: "BOOT_ORDER\0left of the 1st slot\0left of the 2nd\0...". */
#include <errno.h>

#include "bootenv.h"
#include "cmdline.h"
#include "fuzz-util.h"

enum { PARTS = 1 + BOOT_ORDER_MAX };

static void check_left(const char *s, int v) {
        ASSERT(v >= -1 && v <= 1000000);
        if (v < 0)
                return;
        /* a plain decimal number, nothing around it */
        ASSERT(s[0] && strspn(s, "0123456789") == strlen(s));
        char expect[16];
        (void)snprintf(expect, sizeof expect, "%d", v);
        size_t zeros = strspn(s, "0");
        ASSERT(strcmp(s + (zeros == strlen(s) ? zeros - 1 : zeros), expect) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *parts[PARTS];
        size_t lens[PARTS];
        size_t n = fuzz_split(data, size, parts, lens, PARTS);

        struct boot_order order;
        memset(&order, 0xa5, sizeof order);
        struct diag d = {0};
        int r = boot_order_parse(parts[0], &order, &d);
        fuzz_check_diag(&d);
        if (r < 0) {
                ASSERT((r == -EINVAL || r == -E2BIG) && d.error[0]);
                goto out;
        }
        ASSERT(order.n >= 1 && order.n <= BOOT_ORDER_MAX);
        for (size_t i = 0; i < order.n; i++) {
                ASSERT(fuzz_terminated(order.slot[i], sizeof order.slot[i]));
                ASSERT(bootname_is_valid(order.slot[i]));
                ASSERT(strstr(parts[0], order.slot[i])); /* taken from the text, in order */
                for (size_t j = 0; j < i; j++)
                        ASSERT(strcmp(order.slot[i], order.slot[j]) != 0);
                char var[RAUC_NAME_MAX + 16];
                ASSERT(bootenv_left_var(order.slot[i], var, sizeof var) == 0);
                ASSERT(strncmp(var, "BOOT_", 5) == 0 && strstr(var, "_LEFT"));
        }

        int left[BOOT_ORDER_MAX];
        for (size_t i = 0; i < order.n; i++) {
                const char *s = i + 1 < n ? parts[i + 1] : NULL;
                left[i] = bootenv_parse_left(s);
                if (s)
                        check_left(s, left[i]);
                else
                        ASSERT(left[i] == -1);
        }
        size_t pick = 99;
        struct diag d2 = {0};
        r = bootenv_pick_slot(&order, left, &pick, &d2);
        fuzz_check_diag(&d2);
        if (r == 0) {
                /* the first slot in order with attempts left */
                ASSERT(pick < order.n && left[pick] > 0);
                for (size_t i = 0; i < pick; i++)
                        ASSERT(left[i] <= 0);
        } else {
                ASSERT(r == -ENOENT && d2.error[0] && pick == 99);
                for (size_t i = 0; i < order.n; i++)
                        ASSERT(left[i] <= 0);
        }
out:
        (void)bootenv_stage_blames_slot(parts[0]);
        fuzz_parts_free(parts, PARTS);
        return 0;
}
