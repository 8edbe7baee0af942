/* SPDX-License-Identifier: MIT */
/* Which loader takes each configured module: groups by shared closure members, largest
 * group to the child, the configured order kept inside a loader, one loader when there is
 * only one chain. Closures and sizes are those of Debian's 6.1 arm64 modules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "module-plan.h"
#include "unit.h"

/* "name:bytes:dep,dep,..."; a leading '?' marks a module not in the tree */
static void job_from(struct module_job *j, const char *spec) {
        memset(j, 0, sizeof *j);
        j->known = spec[0] != '?';
        if (!j->known)
                spec++;
        char buf[512];
        (void)snprintf(buf, sizeof buf, "%s", spec);
        char *bytes = strchr(buf, ':');
        char *deps = bytes ? strchr(bytes + 1, ':') : NULL;
        if (bytes)
                *bytes++ = '\0';
        if (deps)
                *deps++ = '\0';
        (void)snprintf(j->closure[j->n_closure++], MODULE_PLAN_NAME_MAX, "%.63s", buf);
        j->bytes = bytes ? strtoul(bytes, NULL, 10) : 0;
        for (char *d = deps ? strtok(deps, ",") : NULL; d; d = strtok(NULL, ","))
                (void)snprintf(j->closure[j->n_closure++], MODULE_PLAN_NAME_MAX, "%.63s", d);
}

#define EXT4 "ext4:1887000:jbd2,mbcache,crc16,crc32c_generic"
#define OVERLAY "overlay:263393:"
#define VIRTIO_PCI "virtio_pci:83603:virtio_pci_legacy_dev,virtio_pci_modern_dev"
#define VIRTIO_BLK "virtio_blk:44985:"
#define WDT "i6300esb:15041:"
#define EXT2 "ext2:200000:mbcache"
#define VFAT "vfat:60000:fat"
#define MSDOS "msdos:30000:fat"

static void test_assign(void) {
        static const struct {
                const char *name;
                const char *jobs[8];
                bool parent_busy;
                int loaders;
                const char *workers; /* one digit per job */
        } cases[] = {
                {"the reference's job: the ext4 chain to the child, the rest here",
                 {VIRTIO_PCI, VIRTIO_BLK, WDT, EXT4, OVERLAY}, false, 2, "00010"},
                {"filesystems while this process coldplugs", {EXT4, OVERLAY}, true, 2, "10"},
                {"one module, nothing else to do: no child", {EXT4}, false, 1, "0"},
                {"one module while coldplugging: the child", {EXT4}, true, 2, "1"},
                {"nothing configured", {NULL}, false, 1, ""},
                {"nothing configured while coldplugging: no child", {NULL}, true, 1, ""},
                {"a shared dependency joins two modules", {EXT4, EXT2, OVERLAY}, false, 2, "110"},
                {"vfat and msdos share fat (together smaller than overlay)", {VFAT, OVERLAY, MSDOS}, false, 2, "010"},
                {"balanced by size: the big one alone",
                 {"a:100:", "b:40:", "c:30:", "d:20:"}, false, 2, "1000"},
                {"balanced by size: the second loader takes turns",
                 {"a:100:", "b:90:", "c:30:", "d:20:"}, false, 2, "1001"},
                {"equal sizes: configured order, the child first", {"a:10:", "b:10:"}, false, 2, "10"},
                {"a module not in the tree stays on its own", {"?nosuch:0:", EXT4}, false, 2, "01"},
                {"two unknown modules are not grouped by name", {"?x:0:", "?x:0:"}, false, 2, "10"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("module_plan_assign: %s", cases[i].name);
                struct module_job jobs[8];
                size_t n = 0;
                while (n < ELEMENTSOF(cases[i].jobs) && cases[i].jobs[n]) {
                        job_from(&jobs[n], cases[i].jobs[n]);
                        n++;
                }
                unsigned worker[8];
                CHECK_INTEQ(module_plan_assign(jobs, n, cases[i].parent_busy, worker), cases[i].loaders);
                char got[9] = "";
                for (size_t k = 0; k < n; k++)
                        got[k] = (char)('0' + worker[k]);
                got[n] = '\0';
                CHECK_STREQ(got, cases[i].workers);
        }

        unit_case("module_plan_assign: more jobs than the table holds");
        static struct module_job many[MODULE_PLAN_JOBS_MAX + 1];
        unsigned worker[MODULE_PLAN_JOBS_MAX + 1];
        CHECK_ERR(module_plan_assign(many, ELEMENTSOF(many), false, worker), -EINVAL);

        unit_case("module_plan_assign: a full table, every job alone");
        for (size_t k = 0; k < MODULE_PLAN_JOBS_MAX; k++) {
                memset(&many[k], 0, sizeof many[k]);
                many[k].known = true;
                (void)snprintf(many[k].closure[0], MODULE_PLAN_NAME_MAX, "m%zu", k);
                many[k].n_closure = 1;
                many[k].bytes = 1000;
        }
        CHECK_INTEQ(module_plan_assign(many, MODULE_PLAN_JOBS_MAX, false, worker), 2);
        unsigned ones = 0;
        for (size_t k = 0; k < MODULE_PLAN_JOBS_MAX; k++)
                ones += worker[k];
        CHECK_INTEQ(ones, MODULE_PLAN_JOBS_MAX / 2);
}

int main(void) {
        test_assign();
        return unit_exit();
}
