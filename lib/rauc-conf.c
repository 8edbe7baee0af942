/* SPDX-License-Identifier: MIT */
#include "rauc-conf.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"

/* The slot of a [slot.<name>] group; rauc_system_parse() made one for every such group. */
static struct rauc_slot *slot_for_group(struct rauc_system *sys, const char *name) {
        struct rauc_slot *s = sys->slots;
        while (strcmp(s->name, name) != 0)
                s++;
        return s;
}

static int copy_field(char *buf, size_t n, const char *group, const char *key, const char *value,
                      struct diag *d) {
        if (copy_string(buf, n, value) < 0)
                return diag_fail(d, -ENAMETOOLONG, "[%s] %s= is longer than %zu bytes", group, key, n - 1);
        return 0;
}

int rauc_system_parse(const char *text, size_t len, struct rauc_system *ret, struct diag *d) {
        struct keyfile kf;
        int r = keyfile_parse(text, len, &kf, d);
        if (r < 0)
                return r;

        /* built aside, so that a failed parse leaves *ret as it was; neither copy is
         * zeroed or copied whole: the structure is 15 KiB, mostly room for slots a
         * system.conf does not have, and every page written is a page fault */
        _cleanup_free_ struct rauc_system *sys = malloc(sizeof *sys);
        if (!sys) {
                keyfile_free(&kf);
                return -ENOMEM;
        }
        sys->compatible[0] = sys->bootloader[0] = '\0';
        sys->n_slots = 0;

        const char *compatible = keyfile_get(&kf, "system", "compatible");
        const char *bootloader = keyfile_get(&kf, "system", "bootloader");
        if (!compatible || !bootloader) {
                r = diag_fail(d, -EINVAL, "[system] needs compatible= and bootloader=");
                goto out;
        }
        r = copy_field(sys->compatible, sizeof sys->compatible, "system", "compatible", compatible, d);
        if (r < 0)
                goto out;
        r = copy_field(sys->bootloader, sizeof sys->bootloader, "system", "bootloader", bootloader, d);
        if (r < 0)
                goto out;

        /* every slot group, with keys or not: an empty one is a slot without device= */
        for (size_t i = 0; i < kf.n_groups; i++) {
                const char *group = kf.groups[i];
                if (strncmp(group, "slot.", 5) != 0)
                        continue;
                const char *name = group + 5;
                /* RAUC names slots <class>.<index> */
                const char *dot = strrchr(name, '.');
                if (!dot || dot == name || !dot[1] || strlen(name) >= RAUC_NAME_MAX) {
                        r = diag_fail(d, -EINVAL, "[%.80s] is not a slot name of the form slot.<class>.<index>", group);
                        goto out;
                }
                /* the key file names each group once: a slot of this name is not made yet */
                if (sys->n_slots >= RAUC_SLOTS_MAX) {
                        r = diag_fail(d, -E2BIG, "more than %d slots", RAUC_SLOTS_MAX);
                        goto out;
                }
                struct rauc_slot *s = &sys->slots[sys->n_slots++];
                *s = (struct rauc_slot){0};
                (void)copy_string(s->name, sizeof s->name, name);
        }

        /* the keys of a slot read here, by table: one comparison and one copy in the loop */
        static const struct {
                const char *key;
                size_t offset, size;
        } slot_keys[] = {
#define SLOT_KEY(k) {#k, offsetof(struct rauc_slot, k), sizeof(((struct rauc_slot *)0)->k)}
                SLOT_KEY(device),
                SLOT_KEY(bootname),
                SLOT_KEY(type),
                SLOT_KEY(parent),
#undef SLOT_KEY
        };

        for (size_t i = 0; i < kf.n_entries; i++) {
                const struct keyfile_entry *e = &kf.entries[i];
                if (strncmp(e->group, "slot.", 5) != 0)
                        continue;
                struct rauc_slot *s = slot_for_group(sys, e->group + 5); /* made above */
                /* keyfile_get() semantics: a repeated key's last value wins, so later
                 * entries simply overwrite */
                for (size_t k = 0; k < ELEMENTSOF(slot_keys); k++)
                        if (strcmp(e->key, slot_keys[k].key) == 0) {
                                r = copy_field((char *)s + slot_keys[k].offset, slot_keys[k].size, e->group, e->key,
                                               e->value, d);
                                if (r < 0)
                                        goto out;
                                break;
                        }
        }

        for (size_t i = 0; i < sys->n_slots; i++) {
                const struct rauc_slot *s = &sys->slots[i];
                if (!s->device[0]) {
                        r = diag_fail(d, -EINVAL, "[slot.%s] has no device=", s->name);
                        goto out;
                }
                if (!s->bootname[0])
                        continue;
                if (!bootname_is_valid(s->bootname)) {
                        r = diag_fail(d, -EINVAL, "[slot.%s] bootname=%s is not a valid bootname", s->name, s->bootname);
                        goto out;
                }
                for (size_t j = 0; j < i; j++)
                        if (strcmp(s->bootname, sys->slots[j].bootname) == 0) {
                                r = diag_fail(d, -ENOTUNIQ, "slots %s and %s share bootname %s", sys->slots[j].name,
                                              s->name, s->bootname);
                                goto out;
                        }
        }

        (void)copy_string(ret->compatible, sizeof ret->compatible, sys->compatible);
        (void)copy_string(ret->bootloader, sizeof ret->bootloader, sys->bootloader);
        memcpy(ret->slots, sys->slots, sys->n_slots * sizeof sys->slots[0]);
        ret->n_slots = sys->n_slots;
        r = 0;
out:
        keyfile_free(&kf);
        return r;
}

int rauc_system_find_bootname(const struct rauc_system *sys, const char *bootname,
                              const struct rauc_slot **ret, struct diag *d) {
        char known[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < sys->n_slots; i++) {
                const struct rauc_slot *s = &sys->slots[i];
                if (!s->bootname[0])
                        continue;
                if (strcmp(s->bootname, bootname) == 0) {
                        *ret = s;
                        return 0;
                }
                int n = format_text(known + used, sizeof known - used, "%s%s", used ? ", " : "", s->bootname);
                if (n > 0 && (size_t)n < sizeof known - used)
                        used += (size_t)n;
        }
        return diag_fail(d, -ENOENT, "no slot in system.conf has bootname \"%s\" (bootnames: %s)", bootname,
                         used ? known : "none");
}
