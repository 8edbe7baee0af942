/* SPDX-License-Identifier: MIT */
/* RAUC's system.conf: rauc_system_parse(), then rauc_system_find_bootname() for every
 * bootname it found and for some it cannot have. Input: "[bootname\0]system.conf": with a
 * NUL byte, the text before it is one more bootname to look up. */
#include <errno.h>

#include "cmdline.h"
#include "fuzz-util.h"
#include "rauc-conf.h"

static void check_system(const struct rauc_system *sys) {
        ASSERT(fuzz_terminated(sys->compatible, sizeof sys->compatible));
        ASSERT(fuzz_terminated(sys->bootloader, sizeof sys->bootloader));
        ASSERT(sys->n_slots <= RAUC_SLOTS_MAX);
        for (size_t i = 0; i < sys->n_slots; i++) {
                const struct rauc_slot *s = &sys->slots[i];
                ASSERT(fuzz_terminated(s->name, sizeof s->name));
                ASSERT(fuzz_terminated(s->bootname, sizeof s->bootname));
                ASSERT(fuzz_terminated(s->device, sizeof s->device));
                ASSERT(fuzz_terminated(s->type, sizeof s->type));
                ASSERT(fuzz_terminated(s->parent, sizeof s->parent));
                ASSERT(s->device[0]); /* a slot needs device= */
                const char *dot = strrchr(s->name, '.'); /* <class>.<index> */
                ASSERT(dot && dot != s->name && dot[1]);
                ASSERT(!s->bootname[0] || bootname_is_valid(s->bootname));
                for (size_t j = 0; j < i; j++) {
                        ASSERT(strcmp(s->name, sys->slots[j].name) != 0);
                        ASSERT(!s->bootname[0] || strcmp(s->bootname, sys->slots[j].bootname) != 0);
                }
        }
}

static void find(const struct rauc_system *sys, const char *bootname) {
        const struct rauc_slot *slot = NULL;
        struct diag d = {0};
        int r = rauc_system_find_bootname(sys, bootname, &slot, &d);
        fuzz_check_diag(&d);
        if (r == 0) {
                ASSERT(slot >= sys->slots && slot < sys->slots + sys->n_slots);
                ASSERT(strcmp(slot->bootname, bootname) == 0);
        } else {
                ASSERT(r == -ENOENT && d.error[0] && !slot);
                for (size_t i = 0; i < sys->n_slots; i++)
                        ASSERT(strcmp(sys->slots[i].bootname, bootname) != 0 || !bootname[0]);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *parts[2];
        size_t lens[2];
        size_t n = fuzz_split(data, size, parts, lens, 2);
        const char *extra = n == 2 ? parts[0] : NULL;
        const char *text = n == 2 ? parts[1] : parts[0];
        size_t len = n == 2 ? lens[1] : lens[0];

        struct rauc_system *sys = malloc(sizeof *sys);
        if (!sys)
                abort();
        memset(sys, 0xa5, sizeof *sys);
        struct diag d = {0};
        int r = rauc_system_parse(text, len, sys, &d);
        fuzz_check_diag(&d);
        if (r == 0) {
                ASSERT(!d.error[0]);
                check_system(sys);
                for (size_t i = 0; i < sys->n_slots; i++)
                        if (sys->slots[i].bootname[0])
                                find(sys, sys->slots[i].bootname);
                find(sys, "A");
                find(sys, "");
                /* longer than the list of known bootnames in the message */
                char longname[300];
                memset(longname, 'x', sizeof longname - 1);
                longname[sizeof longname - 1] = '\0';
                find(sys, longname);
                if (extra)
                        find(sys, extra);
        } else {
                ASSERT(r == -EINVAL || r == -EFBIG || r == -E2BIG || r == -ENAMETOOLONG || r == -ENOTUNIQ ||
                       r == -ENOMEM);
                ASSERT(d.error[0] || r == -ENOMEM);
        }
        free(sys);
        fuzz_parts_free(parts, 2);
        return 0;
}
