/* SPDX-License-Identifier: MIT */
/* Logging for PID 1: every line goes to /dev/kmsg with a priority, so `dmesg` on the
 * booted system shows what the initramfs did; lines the kernel would not print on the
 * console at its current loglevel are written there directly when they matter (notice and
 * worse, or everything with boot.debug). */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "diag.h"

#define LOG_PREFIX "paios-init"

/* Open root/dev/kmsg and root/dev/console (after /dev is mounted); before that, and when
 * they cannot be opened, lines go to stderr. */
void log_open(const char *root);
void log_set_debug(bool debug);
bool log_debug_enabled(void);
/* Close both (before exec of the real init the descriptors are close-on-exec anyway). */
void log_close(void);

void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Log the warnings a parser collected, each with the context ("system.conf: ..."). */
void log_diag_warnings(const char *context, const struct diag *d);

/* Monotonic milliseconds since boot, for stage timings. */
unsigned long log_now_ms(void);
/* The process's CPU time (user and system, all threads) in us, exact: the scheduler's
 * own account, not the tick-sampled split getrusage() reports. */
unsigned long log_cpu_us(void);
