/* SPDX-License-Identifier: MIT */
/* The hardware watchdog: armed early, fed while the init waits, and handed over armed.
 * It is never disarmed: closing without the magic 'V' leaves it running, so a hang after
 * the switch resets the board and the bootloader's boot counter falls back. */
#pragma once

/* Open root+device, set timeout_s (0 keeps the driver's), ping. Returns the descriptor
 * (close-on-exec) and in *ret_timeout_s the timeout the driver accepted. */
int watchdog_arm(const char *root, const char *device, unsigned timeout_s, unsigned *ret_timeout_s);
int watchdog_ping(int fd);
/* Close without the magic character: the timer keeps running for the real init. */
void watchdog_handover(int *fd);
