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
#include "rauc-conf.h"

#define COMPILED_CONFIG_PATH "/etc/paios-init.compiled"

enum { COMPILED_CONFIG_SIZE_MAX = 64 * 1024 };

/* FNV-1a, 64 bits: tells an edited text from the compiled one (not a defence against
 * someone who can write the initramfs: they can write /init too). */
uint64_t compiled_text_hash(const char *text, size_t len);

/* Serialize into buf (size bytes): c parsed from conf_text (conf_text NULL: no
 * configuration file, c holds the defaults), sys parsed from sys_text (sys NULL: none).
 * Returns the length written, -ENOBUFS if buf is too small. */
int compiled_config_write(const struct config *c, const char *conf_text, size_t conf_len, const struct rauc_system *sys,
                          const char *sys_text, size_t sys_len, void *buf, size_t size);

/* Whether blob is a compiled configuration this build can read: 0, or -EINVAL (not one:
 * magic, size, layout) or -EPROTO (written by other lib/ sources). */
int compiled_config_check(const void *blob, size_t blob_len);

/* The parts, for the text as read at boot: 0 and *ret written, or -ENOENT (that part was
 * not compiled) or -ESTALE (the text differs from what was). blob must have passed
 * compiled_config_check(): these check its header again, not its payload's hash. */
int compiled_config_get_config(const void *blob, size_t blob_len, const char *text, size_t text_len, struct config *ret);
int compiled_config_get_system(const void *blob, size_t blob_len, const char *text, size_t text_len,
                               struct rauc_system *ret);
