/* SPDX-License-Identifier: MIT */
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "parse-util.h"

void record_add_fallback(struct boot_record *r, const char *what, const char *why) {
        if (r->n_fallbacks >= RECORD_FALLBACKS_MAX)
                return;
        (void)format_text(r->fallbacks[r->n_fallbacks].what, sizeof r->fallbacks[0].what, "%s", what);
        (void)format_text(r->fallbacks[r->n_fallbacks].why, sizeof r->fallbacks[0].why, "%s", why);
        r->n_fallbacks++;
}

struct out {
        char *buf;
        size_t n, used;
        bool overflow;
};

/* Appends n bytes: the record is written as every boot switches, so no printf per
 * character (a vsnprintf each was most of the formatting's instructions). */
static void put_bytes(struct out *o, const char *s, size_t n) {
        if (o->overflow || n >= o->n - o->used) {
                o->overflow = true;
                return;
        }
        memcpy(o->buf + o->used, s, n);
        o->used += n;
        o->buf[o->used] = '\0';
}

static void put(struct out *o, const char *s) {
        put_bytes(o, s, strlen(s));
}

static void put_ulong(struct out *o, unsigned long v) {
        char digits[24];
        size_t i = sizeof digits;
        do
                digits[--i] = (char)('0' + v % 10);
        while ((v /= 10) && i > 0);
        put_bytes(o, digits + i, sizeof digits - i);
}

static void put_long(struct out *o, long v) {
        if (v < 0) {
                put(o, "-");
                put_ulong(o, 0UL - (unsigned long)v);
        } else
                put_ulong(o, (unsigned long)v);
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
        static const char hex[] = "0123456789abcdef";
        put(o, "\"");
        const unsigned char *c = (const unsigned char *)(s ? s : "");
        while (*c) {
                /* a run of bytes that need no escape, copied at once */
                const unsigned char *run = c;
                size_t n;
                while (*c && *c != '"' && *c != '\\' && *c >= 0x20 && *c != 0x7f && (n = utf8_sequence(c)) > 0)
                        c += n;
                put_bytes(o, (const char *)run, (size_t)(c - run));
                if (!*c)
                        break;
                if (utf8_sequence(c) == 0)
                        put(o, "\\ufffd");
                else if (*c == '"' || *c == '\\') {
                        char esc[2] = {'\\', (char)*c};
                        put_bytes(o, esc, 2);
                } else {
                        char esc[6] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15]};
                        put_bytes(o, esc, 6);
                }
                c++;
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
                put(&o, i ? ",{" : "{");
                put_field(&o, "what", r->fallbacks[i].what, true);
                put_field(&o, "why", r->fallbacks[i].why, false);
                put(&o, "}");
        }
        put(&o, "],\"watchdog\":{");
        put_field(&o, "device", r->watchdog_device, true);
        put(&o, "\"timeout_s\":");
        put_ulong(&o, r->watchdog_timeout_s);
        put(&o, r->watchdog_timeout_s ? ",\"armed\":true}," : ",\"armed\":false},");
        put(&o, "\"bootenv\":{");
        put_field(&o, "BOOT_ORDER", r->boot_order, true);
        put(&o, "\"BOOT_A_LEFT\":");
        put_long(&o, r->boot_left[0]);
        put(&o, ",\"BOOT_B_LEFT\":");
        put_long(&o, r->boot_left[1]);
        put(&o, "},\"stages_ms\":{");
        for (size_t i = 0; i < r->n_stages; i++) {
                if (i)
                        put(&o, ",");
                put_string(&o, r->stages[i].stage);
                put(&o, ":");
                put_ulong(&o, r->stages[i].ms);
        }
        put(&o, "},\"total_ms\":");
        put_ulong(&o, r->total_ms);
        put(&o, ",\"utime_ms\":");
        put_ulong(&o, r->utime_ms);
        put(&o, ",\"stime_ms\":");
        put_ulong(&o, r->stime_ms);
        put(&o, ",\"maxrss_kib\":");
        put_long(&o, r->maxrss_kib);
        put(&o, ",\"minflt\":");
        put_long(&o, r->minflt);
        put(&o, ",\"children_utime_ms\":");
        put_ulong(&o, r->children_utime_ms);
        put(&o, ",\"cpu_us\":");
        put_ulong(&o, r->cpu_us);
        put(&o, "}\n");
        return o.overflow ? -ENOBUFS : 0;
}
