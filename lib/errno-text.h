/* SPDX-License-Identifier: MIT */
/* The text an error line gives for an errno. The project's own table rather than the C
 * library's strerror(): the aarch64 /init links musl, whose texts differ from glibc's
 * ("Out of memory" for "Cannot allocate memory", "Resource busy", ...), and an error line
 * must not change with the libc the image was built against (the fault tests, and whoever
 * reads a device's log, match them). The texts are glibc's, which the host build had. */
#pragma once

/* err: a positive errno value. Never NULL: "Unknown error" for a value with no text. */
const char *errno_text(int err);
