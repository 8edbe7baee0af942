/* SPDX-License-Identifier: MIT */
/* The initramfs's module load table, /lib/modules/<version>/paios-init.modules, written
 * by scripts/mkinitramfs: for each module the configuration names, the files loading it
 * inserts, in order, as kmod's `modprobe --show-depends` resolved them against the
 * packed tree (dependencies and softdeps; no modprobe.d):
 *
 *   # comment
 *   ext4: kernel/lib/crc16.ko=16848 kernel/fs/mbcache.ko=22640 ... kernel/fs/ext4/ext4.ko=1204400
 *   virtio_blk: kernel/drivers/block/virtio_blk.ko
 *   crc32c: (a built-in module: nothing to insert)
 *
 * "=BYTES" after a file, optional, is its size: what the two module loaders are balanced
 * by (lib/module-plan.h), known without a stat() of every file at boot.
 *
 * With it /init loads the configured modules with finit_module() alone, without opening
 * libkmod's context, its configuration and indexes: under emulation that was a fifth of
 * /init's own time. libkmod stays the authority: anything the table cannot answer
 * exactly (a name it lacks, module options on the kernel command line, a modprobe.d in
 * the initramfs, a load that fails) goes to libkmod (lib/sys/modules.c). Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MODULE_TABLE_FILE "paios-init.modules"

enum { MODULE_TABLE_LINES_MAX = 64, MODULE_TABLE_CHAIN_MAX = 32 };

struct module_chain {
        const char *name;                        /* as the configuration names it */
        const char *path[MODULE_TABLE_CHAIN_MAX]; /* relative to the module directory, load order */
        unsigned bytes[MODULE_TABLE_CHAIN_MAX];   /* each file's size; 0: not in the table */
        size_t n;
};

struct module_table {
        struct module_chain chain[MODULE_TABLE_LINES_MAX];
        size_t n;
};

/* Parse text, which is split in place (the table points into it). -EINVAL for a line that
 * is not "NAME: PATH[=BYTES]..." (no colon, an empty name, an absolute or ".." path, a
 * path that is no uncompressed .ko, a size that is no number from 1 to 4 GiB - 1) and
 * -E2BIG past the limits, with *bad_line set (1-based): a table that is wrong anywhere
 * is not used at all. */
int module_table_parse(char *text, struct module_table *t, unsigned *bad_line);

/* The chain for name as configured (exact match), or NULL. */
const struct module_chain *module_table_find(const struct module_table *t, const char *name);

/* The kernel's name of a module file: "kernel/fs/ext4/ext4.ko" -> "ext4",
 * "kernel/crypto/crc32c-generic.ko" -> "crc32c_generic". -EINVAL unless it ends in ".ko",
 * -ENAMETOOLONG if it does not fit n. */
int module_name_from_path(const char *path, char *buf, size_t n);

/* Whether the kernel command line sets an option of module ("ext4.foo=1", "virtio-pci.x"):
 * the kernel leaves those to modprobe, so such a module goes to libkmod, which passes
 * them. Errs towards true (any word starting "<module>.", '-' and '_' alike). */
bool cmdline_names_module(const char *cmdline, const char *module);
