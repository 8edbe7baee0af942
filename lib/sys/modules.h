/* SPDX-License-Identifier: MIT */
/* Kernel modules from root/lib/modules/$(uname -r): the configured names through the
 * initramfs's load table (lib/module-table.h) where it answers exactly, everything else
 * through libkmod (names and aliases with their dependencies and softdeps, coldplug of
 * present devices by modalias), whose context and binary indexes are opened once, on
 * first need. */
#pragma once

#include <stdbool.h>

#include "module-plan.h"

struct modules;

/* -ENOENT when the initramfs has no module tree for the running kernel. cmdline: the
 * kernel's command line as the caller read it (module options there decide whether the
 * load table may answer), or NULL to read <root>/proc/cmdline. */
int modules_open(const char *root, const char *cmdline, struct modules **ret);
void modules_free(struct modules *m);
void modules_freep(struct modules **m);
const char *modules_dir(const struct modules *m);

/* The modprobe.d under root ("/etc/modprobe.d" or "/lib/modprobe.d") that exists, or NULL
 * (a path too long for buf counts as existing): its options, install commands and softdeps
 * are libkmod's to apply, so neither the load table nor a compiled plan may answer.
 * buf (n bytes) is scratch space, the caller's so that no second path sits on the stack. */
const char *modules_config_present(const char *root, char *buf, size_t n);

/* One module file into the kernel with finit_module(): 0, -EEXIST for a module already
 * there (the kernel waits for a load of it in progress elsewhere first, so loaders cannot
 * race), or why it failed. */
int modules_insert_file(const char *path);
/* Close the files modules_insert_file() left open (it keeps them for one close_range()). */
void modules_close_inserted(void);

/* Load a module name or alias with its dependencies and softdeps. 0 when loaded, already
 * loaded or built in; -ENOENT when nothing in the tree has that name or alias. */
int modules_load(struct modules *m, const char *name);

/* What loading name inserts: the module, its dependencies and softdeps, with the size of
 * their files (for module_plan_assign()). A name the tree does not know gives a job with
 * known = false and the name alone. */
int modules_job(struct modules *m, const char *name, struct module_job *ret);

/* Load what a device's modalias asks for. Returns the number of modules that matched
 * (0 when none: most platform devices need no module), or a negative errno. */
int modules_load_modalias(struct modules *m, const char *modalias);

/* Coldplug: the modalias of every device on every bus under root/sys/bus that has no
 * driver bound yet. Returns how many modules matched, errors are logged per device. */
int modules_coldplug(struct modules *m, const char *root);

/* argv[0] "modprobe": the kernel's own requests (request_module(): "fs-overlay",
 * "crypto-crc32c") arrive as /sbin/modprobe -q -- NAME, a link to /init that stage
 * setup makes. */
int modprobe_main(int argc, char **argv);
