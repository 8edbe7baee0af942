/* SPDX-License-Identifier: MIT */
#pragma once
/* The second module loader of a compiled plan: module files inserted in a given order by a
 * process that shares this one's memory, so that PID 1 pays no copy-on-write fault for the
 * pages it writes while the loader runs (fork() cost it 17 of its 63 page faults a boot and
 * five system calls, README "Figures"). */
#include <stddef.h>
#include <sys/types.h>

enum { MODULE_LOADER_FILES_MAX = 64, MODULE_LOADER_MODULES_MAX = 64 };

struct module_loader {
        size_t n_files;
        const char *path[MODULE_LOADER_FILES_MAX];     /* absolute, in load order */
        unsigned char module[MODULE_LOADER_FILES_MAX]; /* the result a file counts for */
        /* Set by module_loader_start() and the loader: 0, or why the first file of that
         * module's chain that failed did (-EEXIST counts as loaded). A chain stops at its
         * first failure. */
        int result[MODULE_LOADER_MODULES_MAX];
};

/* Start the loader on l, which (with the strings it points to) must stay untouched until
 * module_loader_join(). Returns its pid, -ENOSYS where this architecture has no such
 * loader (then load the files here), or why clone() failed. */
pid_t module_loader_start(struct module_loader *l);

/* Wait for the loader pid. 0 when it ran to its end (l->result holds what it did), or
 * -ECHILD when it did not (killed, or no such child): its results cannot be trusted. */
int module_loader_join(pid_t pid);
