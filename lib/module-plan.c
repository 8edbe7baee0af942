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

int module_plan_assign(const struct module_job *jobs, size_t n, bool parent_busy, unsigned worker[]) {
        if (n > MODULE_PLAN_JOBS_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                worker[i] = 0;
        if (n == 0)
                return 1; /* nothing to load: no child */

        /* union-find over shared closure members: the group of a job is its root */
        size_t parent[MODULE_PLAN_JOBS_MAX];
        for (size_t i = 0; i < n; i++)
                parent[i] = i;
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (jobs[i].known && jobs[j].known && closures_share(&jobs[i], &jobs[j]))
                                parent[group_root(parent, j)] = group_root(parent, i);

        unsigned long cost[MODULE_PLAN_JOBS_MAX] = {0};
        size_t n_groups = 0;
        for (size_t i = 0; i < n; i++) {
                size_t g = group_root(parent, i);
                if (g == i)
                        n_groups++;
                cost[g] += jobs[i].bytes;
        }
        if (n_groups < 2 && !parent_busy)
                return 1; /* one chain: a second loader would only wait */

        /* largest group first (ties: configured order), each to the loader with less
         * work; the child takes the first, since this process has more to do after */
        bool placed[MODULE_PLAN_JOBS_MAX] = {false};
        unsigned long load[2] = {0, 0};
        unsigned group_worker[MODULE_PLAN_JOBS_MAX] = {0};
        bool first = true;
        for (;;) {
                size_t best = n;
                for (size_t i = 0; i < n; i++)
                        if (group_root(parent, i) == i && !placed[i] && (best == n || cost[i] > cost[best]))
                                best = i;
                if (best == n)
                        break;
                placed[best] = true;
                unsigned w = first ? 1 : (load[1] < load[0] ? 1 : 0);
                first = false;
                group_worker[best] = w;
                load[w] += cost[best];
        }
        for (size_t i = 0; i < n; i++)
                worker[i] = group_worker[group_root(parent, i)];
        return 2;
}
