/* SPDX-License-Identifier: MIT */
/* Whole-file reads and writes relative to a root, close-on-exec. */
#pragma once

#include <stddef.h>

/* Read root+path, at most max bytes (-EFBIG beyond), NUL-terminated. */
int read_file_at_root(const char *root, const char *path, size_t max, char **ret, size_t *ret_len);
/* Write s to root+path (an existing file such as a /proc or /sys knob). */
int write_file_at_root(const char *root, const char *path, const char *s);
/* Create root+path (it must not exist yet) holding s. */
int write_new_file_at_root(const char *root, const char *path, const char *s);
/* Sleep ms milliseconds (EINTR resumed). */
void sleep_ms(unsigned ms);

/* mkdir -p of an absolute path under root, mode for the directories it creates. */
int mkdir_p_at_root(const char *root, const char *path, unsigned mode);
