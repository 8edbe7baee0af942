/* SPDX-License-Identifier: MIT */
/* The configuration compiled by mkinitramfs: /etc/paios-init.conf and RAUC's system.conf,
 * parsed on the build host into the structures /init would build from them, so PID 1 does
 * not run the key-file, option and system.conf parsers at every boot (under TCG, the code a
 * boot runs for the first time is most of /init's user time: README, "Figures").
 *
 * The texts stay in the initramfs and stay the source of truth. Each part of the compiled
 * file carries a hash of the text it came from; /init reads the text (as it always did),
 * and uses a part only if the text is byte for byte what was compiled, the file was written
 * by the same lib/ sources as /init (PAIOS_CONFIG_ABI, a hash of lib/'s sources) and has
 * this build's layout. Anything else, and /init parses the text as before: a stale or
 * foreign compiled file costs time, never a wrong boot. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "module-plan.h"
#include "module-table.h"
#include "rauc-conf.h"

#define COMPILED_CONFIG_PATH "/etc/paios-init.compiled"

enum {
        COMPILED_CONFIG_SIZE_MAX = 128 * 1024,
        COMPILED_MODULE_FILES_MAX = 128,
        COMPILED_MODULE_PATH_MAX = 160,
        COMPILED_KVER_MAX = 72,
};

/* The module load plan compiled for [modules] load=, from the initramfs's load table
 * (lib/module-table.h): which loader takes each configured module (lib/module-plan.h), and
 * the files that loading it inserts, in order, with their modules' names. */
struct compiled_module_file {
        char path[COMPILED_MODULE_PATH_MAX]; /* relative to /lib/modules/<kver> */
        char name[MODULE_PLAN_NAME_MAX];     /* the kernel's name of the module */
};

struct compiled_module_plan {
        char kver[COMPILED_KVER_MAX];           /* the kernel the table is for */
        unsigned char worker[CONFIG_MODULES_MAX]; /* 0: this process, 1: the second loader */
        unsigned char first[CONFIG_MODULES_MAX];  /* configured module i: files[first[i]] ... */
        unsigned char count[CONFIG_MODULES_MAX];  /* ... count[i] of them */
        size_t n_modules;                         /* as configured */
        const struct compiled_module_file *files; /* into the compiled file (written: the builder's array) */
        size_t n_files;
};

/* FNV-1a, 64 bits: tells an edited text from the compiled one (not a defence against
 * someone who can write the initramfs: they can write /init too). */
uint64_t compiled_text_hash(const char *text, size_t len);

/* The plan for c's configured modules from the load table t (kernel kver): -ENOENT if the
 * table lacks one of them (then /init plans at boot, through libkmod), -E2BIG past the
 * limits. files (COMPILED_MODULE_FILES_MAX of them) holds the files; ret->files points to it. */
int compiled_module_plan_build(const struct config *c, const struct module_table *t, const char *kver,
                               struct compiled_module_file *files, struct compiled_module_plan *ret);

/* Serialize into buf (size bytes): c parsed from conf_text (conf_text NULL: no
 * configuration file, c holds the defaults), sys parsed from sys_text (sys NULL: none),
 * mp built from the load table table_text (mp NULL: none). Returns the length written,
 * -ENOBUFS if buf is too small. */
int compiled_config_write(const struct config *c, const char *conf_text, size_t conf_len, const struct rauc_system *sys,
                          const char *sys_text, size_t sys_len, const struct compiled_module_plan *mp,
                          const char *table_text, size_t table_len, void *buf, size_t size);

/* Whether blob is a compiled configuration this build can read: 0, or -EINVAL (not one:
 * magic, size, layout) or -EPROTO (written by other lib/ sources). */
int compiled_config_check(const void *blob, size_t blob_len);

/* The parts, for the text as read at boot: 0 and *ret written, or -ENOENT (that part was
 * not compiled) or -ESTALE (the text differs from what was). blob must have passed
 * compiled_config_check(): these check its header again, not its payload's hash. */
int compiled_config_get_config(const void *blob, size_t blob_len, const char *text, size_t text_len, struct config *ret);
int compiled_config_get_system(const void *blob, size_t blob_len, const char *text, size_t text_len,
                               struct rauc_system *ret);
/* The module plan, for the load table's text as read at boot and the configuration as it
 * stands after the command line: -ESTALE also if c's configured modules or coldplug are
 * not those compiled. ret->files points into blob. */
int compiled_config_get_modules(const void *blob, size_t blob_len, const char *table_text, size_t table_len,
                                const struct config *c, struct compiled_module_plan *ret);
