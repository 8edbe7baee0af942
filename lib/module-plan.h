/* SPDX-License-Identifier: MIT */
/* Which of two loaders loads each configured module ([modules] load=): this process
 * (worker 0) or one child (worker 1). Under a slow CPU, loading modules is most of an
 * initramfs's time and the kernel links one module at a time per caller, so two
 * independent chains loaded by two processes finish in the time of the longer one.
 *
 * Modules whose closures (the module, its dependencies and softdeps) share a member form
 * one group: one loader takes the whole group, in the configured order, so nothing waits
 * on a module the other loader is still linking. Groups are dealt out largest first to
 * the loader with less work, the child taking the first; the cost of a group is the size
 * of its module files, which is what the kernel copies, relocates and links. Pure: the
 * closures and sizes come from libkmod (lib/sys/modules.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum { MODULE_PLAN_JOBS_MAX = 64, MODULE_PLAN_CLOSURE_MAX = 32, MODULE_PLAN_NAME_MAX = 64 };

struct module_job {
        char closure[MODULE_PLAN_CLOSURE_MAX][MODULE_PLAN_NAME_MAX]; /* module names as the kernel knows them */
        size_t n_closure;
        unsigned long bytes; /* size of the module files of the closure */
        bool known;          /* false: not in the module tree (it is loaded, and fails, alone) */
};

/* Fill worker[i] (0 or 1) for jobs[0..n). parent_busy: this process has other work
 * (coldplug), so even a single group goes to the child. Returns the number of loaders
 * needed: 1 (everything on worker 0, no child) or 2; -EINVAL if n is out of range (worker
 * untouched). */
int module_plan_assign(const struct module_job *jobs, size_t n, bool parent_busy, unsigned worker[]);
