/* SPDX-License-Identifier: MIT */
#include "module-plan.h"

#include <errno.h>
#include <string.h>

static bool closures_share(const struct module_job *a, const struct module_job *b) {
        for (size_t i = 0; i < a->n_closure; i++)
                for (size_t j = 0; j < b->n_closure; j++)
                        if (strcmp(a->closure[i], b->closure[j]) == 0)
                                return true;
        return false;
}

/* A job's entry in the union-find; key and worker are its group's when it is the root. */
struct plan_group {
        size_t parent;
        size_t root;       /* the job's group, once all are joined */
        unsigned long key; /* a root not placed yet: 1 + the size of the group's module files; else 0 */
        unsigned worker;   /* the group's loader + 1 */
};

static size_t group_root(struct plan_group g[], size_t i) {
        while (g[i].parent != i)
                i = g[i].parent = g[g[i].parent].parent;
        return i;
}

/* Shaped for the code a boot runs once (each distinct basic block costs about 8 us under
 * emulation, README): the arrays are one, set up in one loop (separate arrays became a
 * memset() call each), each job's group is looked up once, a single key says which group
 * is next, and worker[] is cleared only where no placement fills it. */
int module_plan_assign(const struct module_job *jobs, size_t n, bool parent_busy, unsigned worker[]) {
        if (n > MODULE_PLAN_JOBS_MAX)
                return -EINVAL;
        struct plan_group g[MODULE_PLAN_JOBS_MAX];
        for (size_t i = 0; i < n; i++) { /* field by field: a zeroed struct became a memset() */
                g[i].parent = g[i].root = i;
                g[i].key = 0;
                g[i].worker = 0;
        }

        /* union-find over shared closure members: the group of a job is its root */
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (jobs[i].known && jobs[j].known && closures_share(&jobs[i], &jobs[j]))
                                g[group_root(g, j)].parent = group_root(g, i);

        /* the cost of a group is the size of its module files (64 jobs of 32 files of at
         * most 4 GiB: far from the 2^64 of unsigned long) */
        size_t n_groups = 0;
        for (size_t i = 0; i < n; i++) {
                size_t r = g[i].root = group_root(g, i);
                n_groups += r == i;
                g[r].key += jobs[i].bytes + (r == i);
        }
        if (n_groups + parent_busy < 2) {
                /* nothing to load, or one chain and nothing else to do here: a second
                 * loader would only wait */
                for (size_t i = 0; i < n; i++)
                        worker[i] = 0;
                return 1;
        }

        /* largest group first (ties: configured order), each to the loader with less
         * work; the child takes the first, since this process has more to do after */
        unsigned long load[2] = {0, 0};
        for (bool first = true;; first = false) {
                size_t best = n;
                unsigned long best_key = 0;
                for (size_t i = 0; i < n; i++)
                        if (g[i].key > best_key) {
                                best = i;
                                best_key = g[i].key;
                        }
                if (best == n)
                        break;
                unsigned w = first || load[1] < load[0] ? 1 : 0;
                g[best].worker = w + 1;
                g[best].key = 0;
                load[w] += best_key - 1;
        }
        for (size_t i = 0; i < n; i++)
                worker[i] = g[g[i].root].worker - 1;
        return 2;
}
