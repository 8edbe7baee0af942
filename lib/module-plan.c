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

static size_t group_root(size_t parent[], size_t i) {
        while (parent[i] != i)
                i = parent[i] = parent[parent[i]];
        return i;
}

/* Shaped for the code a boot runs once (each distinct basic block costs about 8 us under
 * emulation, README): one loop sets every array up, each job's group is looked up once,
 * and a group's loader + 1 (0: not placed yet) is also what says it is placed. */
int module_plan_assign(const struct module_job *jobs, size_t n, bool parent_busy, unsigned worker[]) {
        if (n > MODULE_PLAN_JOBS_MAX)
                return -EINVAL;
        size_t parent[MODULE_PLAN_JOBS_MAX], root[MODULE_PLAN_JOBS_MAX];
        unsigned long cost[MODULE_PLAN_JOBS_MAX];
        unsigned group_worker[MODULE_PLAN_JOBS_MAX];
        for (size_t i = 0; i < n; i++) {
                worker[i] = 0;
                parent[i] = i;
                cost[i] = 0;
                group_worker[i] = 0;
        }

        /* union-find over shared closure members: the group of a job is its root */
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (jobs[i].known && jobs[j].known && closures_share(&jobs[i], &jobs[j]))
                                parent[group_root(parent, j)] = group_root(parent, i);

        size_t n_groups = 0;
        for (size_t i = 0; i < n; i++) {
                size_t g = root[i] = group_root(parent, i);
                n_groups += g == i;
                cost[g] += jobs[i].bytes;
        }
        if (n_groups + parent_busy < 2)
                return 1; /* nothing to load, or one chain and nothing else to do here: a second
                           * loader would only wait */

        /* largest group first (ties: configured order), each to the loader with less
         * work; the child takes the first, since this process has more to do after */
        unsigned long load[2] = {0, 0};
        for (bool first = true;; first = false) {
                size_t best = n;
                for (size_t i = 0; i < n; i++)
                        if (root[i] == i && !group_worker[i] && (best == n || cost[i] > cost[best]))
                                best = i;
                if (best == n)
                        break;
                unsigned w = first || load[1] < load[0] ? 1 : 0;
                group_worker[best] = w + 1;
                load[w] += cost[best];
        }
        for (size_t i = 0; i < n; i++)
                worker[i] = group_worker[root[i]] - 1;
        return 2;
}
