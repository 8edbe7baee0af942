/* SPDX-License-Identifier: MIT */
/* The one place that decides what a failed boot does. PID 1 must never exit (that is a
 * kernel panic on a board nobody can reach) and never hang silently. */
#pragma once

#include "config.h"

/* Carry out the failure action: reboot (after delay_s, so the bootloader's boot counter
 * can fall back), a busybox shell on the console followed by a reboot, or power off.
 * Never returns. */
__attribute__((noreturn)) void failure_act(const char *root, enum failure_action action, unsigned delay_s,
                                           unsigned shell_timeout_s);

/* Attach fds 0, 1, 2 to root/dev/console when the kernel could not (an initramfs without
 * /dev/console): the shell and the real init need a console. */
void console_attach(const char *root);
