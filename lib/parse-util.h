/* SPDX-License-Identifier: MIT */
/* Small string parsers shared by the configuration and command-line readers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A decimal number in [min, max], nothing else (no sign, no spaces, no suffix). */
int parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret);

/* "1 yes true on" / "0 no false off", as systemd's parse_boolean(). */
int parse_bool(const char *s, bool *ret);

/* Copy s into buf of size n, or fail with -ENAMETOOLONG: no silent truncation of a path. */
int copy_string(char *buf, size_t n, const char *s);

/* A ".." component anywhere in a path, absolute or relative ("../a", "a/../b", "a/.."). */
bool path_has_dotdot(const char *p);

/* Join root and an absolute path ("/" + "/dev" = "/dev", "/tmp/r" + "/dev" = "/tmp/r/dev"). */
int path_join_root(char *buf, size_t n, const char *root, const char *path);
