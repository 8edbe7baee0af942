/* SPDX-License-Identifier: MIT */
#include "record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse-util.h"

void record_add_fallback(struct boot_record *r, const char *what, const char *why) {
        if (r->n_fallbacks >= RECORD_FALLBACKS_MAX)
                return;
        (void)snprintf(r->fallbacks[r->n_fallbacks].what, sizeof r->fallbacks[0].what, "%s", what);
        (void)snprintf(r->fallbacks[r->n_fallbacks].why, sizeof r->fallbacks[0].why, "%s", why);
        r->n_fallbacks++;
}

struct out {
        char *buf;
        size_t n, used;
        bool overflow;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...) {
        if (o->overflow)
                return;
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(o->buf + o->used, o->n - o->used, fmt, ap);
        va_end(ap);
        if (k < 0 || (size_t)k >= o->n - o->used)
                o->overflow = true;
        else
                o->used += (size_t)k;
}

/* The length of the valid UTF-8 sequence at s (1..4), 0 if it is none (overlong forms,
 * surrogates and values past U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s) {
        if (s[0] < 0x80)
                return 1;
        size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
        if (n == 0 || s[0] > 0xf4)
                return 0;
        for (size_t i = 1; i < n; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || (s[0] == 0xf0 && s[1] < 0x90) ||
            (s[0] == 0xf4 && s[1] >= 0x90))
                return 0;
        return n;
}

/* A JSON string: quotes, backslashes and control characters escaped; bytes that are no
 * valid UTF-8 (labels and paths come from disks and the command line) become U+FFFD. */
static void put_string(struct out *o, const char *s) {
        put(o, "\"");
        for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c;) {
                size_t n = utf8_sequence(c);
                if (n == 0) {
                        put(o, "\\ufffd");
                        c++;
                } else if (*c == '"' || *c == '\\') {
                        put(o, "\\%c", *c);
                        c++;
                } else if (*c < 0x20 || *c == 0x7f) {
                        put(o, "\\u%04x", *c);
                        c++;
                } else {
                        put(o, "%.*s", (int)n, (const char *)c);
                        c += n;
                }
        }
        put(o, "\"");
}

static void put_field(struct out *o, const char *key, const char *value, bool comma) {
        put_string(o, key);
        put(o, ":");
        put_string(o, value);
        if (comma)
                put(o, ",");
}

int record_format_json(const struct boot_record *r, char *buf, size_t n) {
        struct out o = {.buf = buf, .n = n};
        if (n == 0)
                return -ENOBUFS;
        buf[0] = '\0';
        put(&o, "{\"version\":1,");
        put_field(&o, "slot", r->slot, true);
        put_field(&o, "slot_name", r->slot_name, true);
        put_field(&o, "root_spec", r->root_spec, true);
        put_field(&o, "root_device", r->root_device, true);
        put_field(&o, "fstype", r->fstype, true);
        put_field(&o, "init", r->init, true);
        put(&o, "\"overlay\":{");
        put_field(&o, "upper", r->upper ? r->upper : "tmpfs", true);
        put_field(&o, "upper_dir", r->upper_dir, true);
        put_field(&o, "decision", r->upper_decision, false);
        put(&o, "},\"data\":{");
        put_field(&o, "device", r->data_device, true);
        put_field(&o, "state", r->data_state ? r->data_state : "none", true);
        put_field(&o, "check", r->data_check, false);
        put(&o, "},\"fallbacks\":[");
        for (size_t i = 0; i < r->n_fallbacks; i++) {
                put(&o, "%s{", i ? "," : "");
                put_field(&o, "what", r->fallbacks[i].what, true);
                put_field(&o, "why", r->fallbacks[i].why, false);
                put(&o, "}");
        }
        put(&o, "],\"watchdog\":{");
        put_field(&o, "device", r->watchdog_device, true);
        put(&o, "\"timeout_s\":%u,\"armed\":%s},", r->watchdog_timeout_s, r->watchdog_timeout_s ? "true" : "false");
        put(&o, "\"bootenv\":{");
        put_field(&o, "BOOT_ORDER", r->boot_order, true);
        put(&o, "\"BOOT_A_LEFT\":%d,\"BOOT_B_LEFT\":%d},", r->boot_left[0], r->boot_left[1]);
        put(&o, "\"stages_ms\":{");
        for (size_t i = 0; i < r->n_stages; i++) {
                put(&o, "%s", i ? "," : "");
                put_string(&o, r->stages[i].stage);
                put(&o, ":%lu", r->stages[i].ms);
        }
        put(&o, "},\"total_ms\":%lu,\"utime_ms\":%lu,\"stime_ms\":%lu,\"maxrss_kib\":%ld,\"minflt\":%ld,", r->total_ms,
            r->utime_ms, r->stime_ms, r->maxrss_kib, r->minflt);
        put(&o, "\"children_utime_ms\":%lu}\n", r->children_utime_ms);
        return o.overflow ? -ENOBUFS : 0;
}
