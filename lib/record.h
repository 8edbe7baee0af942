/* SPDX-License-Identifier: MIT */
/* The boot record: what the initramfs did, as JSON in /run/paios/boot-record.json, for
 * the booted system's health check and an operator. Pure: a struct in, text out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define PAIOS_RECORD_PATH "/run/paios/boot-record.json"

enum { RECORD_FALLBACKS_MAX = 8, RECORD_STAGES_MAX = 16, RECORD_TEXT_MAX = 256 };

struct boot_record {
        char slot[64], slot_name[64];
        char root_spec[RECORD_TEXT_MAX], root_device[RECORD_TEXT_MAX], fstype[32];
        char init[RECORD_TEXT_MAX];
        const char *upper;                     /* "tmpfs" or "data" */
        char upper_dir[RECORD_TEXT_MAX];
        char data_device[RECORD_TEXT_MAX];     /* "" when none is configured */
        const char *data_state;                /* "mounted", "formatted", "fallback", "none" */
        char data_check[RECORD_TEXT_MAX];      /* what e2fsck said */
        char upper_decision[RECORD_TEXT_MAX];
        struct {
                char what[32];
                char why[RECORD_TEXT_MAX];
        } fallbacks[RECORD_FALLBACKS_MAX];
        size_t n_fallbacks;
        char watchdog_device[RECORD_TEXT_MAX];
        unsigned watchdog_timeout_s;           /* 0: not armed */
        char boot_order[64];                   /* U-Boot environment, "" if not read */
        int boot_left[2];                      /* BOOT_<slot>_LEFT of A and B, -1 unknown */
        struct {
                const char *stage;
                unsigned long ms;
        } stages[RECORD_STAGES_MAX];
        size_t n_stages;
        unsigned long total_ms, utime_ms, stime_ms;
        long maxrss_kib;
        unsigned long children_utime_ms; /* the helpers /init waited for (module loader, hooks, fsck) */
        long minflt;                     /* page faults of /init itself */
        unsigned long cpu_us;            /* /init's CPU time from its start, user and system: exact, where
                                          * utime_ms is the kernel's 4 ms ticks scaled */
};

void record_add_fallback(struct boot_record *r, const char *what, const char *why);

/* The record as one JSON object and a newline; -ENOBUFS if n is too small. */
int record_format_json(const struct boot_record *r, char *buf, size_t n);
