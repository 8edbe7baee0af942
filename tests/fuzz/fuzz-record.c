/* SPDX-License-Identifier: MIT */
/* The boot record, /run/paios/boot-record.json: record_format_json() of a record whose
 * texts come from outside (device names and labels from system.conf and the command line,
 * error messages quoting them, BOOT_ORDER from the U-Boot environment). Whatever they
 * hold, the output must be one JSON object (RFC 8259: UTF-8 text) for the health check to
 * read. Input, NUL-separated: the record's texts in the order of struct boot_record. */
#include <errno.h>

#include "fuzz-util.h"
#include "record.h"

/* --- a strict RFC 8259 validator ------------------------------------------------------ */

struct json {
        const unsigned char *p, *end;
        int depth;
};

static void ws(struct json *j) {
        while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
                j->p++;
}

static bool lit(struct json *j, const char *s) {
        size_t n = strlen(s);
        if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
                return false;
        j->p += n;
        return true;
}

/* One UTF-8 sequence, well-formed (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static bool utf8(struct json *j) {
        const unsigned char *p = j->p;
        size_t left = (size_t)(j->end - p);
        unsigned char c = p[0];
        size_t n;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80)
                n = 1;
        else if (c >= 0xc2 && c <= 0xdf)
                n = 2;
        else if (c >= 0xe0 && c <= 0xef) {
                n = 3;
                if (c == 0xe0)
                        lo = 0xa0;
                if (c == 0xed)
                        hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                n = 4;
                if (c == 0xf0)
                        lo = 0x90;
                if (c == 0xf4)
                        hi = 0x8f;
        } else
                return false;
        if (left < n)
                return false;
        for (size_t i = 1; i < n; i++) {
                unsigned b = p[i];
                if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
                        return false;
        }
        j->p += n;
        return true;
}

static bool string(struct json *j) {
        if (!lit(j, "\""))
                return false;
        while (j->p < j->end && *j->p != '"') {
                if (*j->p < 0x20)
                        return false; /* control characters must be escaped */
                if (*j->p == '\\') {
                        j->p++;
                        if (j->p >= j->end)
                                return false;
                        if (*j->p == 'u') {
                                if (j->end - j->p < 5)
                                        return false;
                                for (int i = 1; i <= 4; i++)
                                        if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
                                                return false;
                                j->p += 5;
                        } else if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
                                j->p++;
                        } else
                                return false;
                        continue;
                }
                if (!utf8(j))
                        return false;
        }
        return lit(j, "\"");
}

static bool number(struct json *j) {
        const unsigned char *start = j->p;
        (void)lit(j, "-");
        if (lit(j, "0")) {
        } else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
                while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
                        j->p++;
        } else
                return false;
        return j->p > start; /* the record writes integers only */
}

static bool value(struct json *j);

static bool members(struct json *j, bool object) {
        j->p++; /* '{' or '[' */
        if (++j->depth > 16)
                return false;
        ws(j);
        if (lit(j, object ? "}" : "]")) {
                j->depth--;
                return true;
        }
        for (;;) {
                ws(j);
                if (object) {
                        if (!string(j))
                                return false;
                        ws(j);
                        if (!lit(j, ":"))
                                return false;
                }
                if (!value(j))
                        return false;
                ws(j);
                if (lit(j, ","))
                        continue;
                if (!lit(j, object ? "}" : "]"))
                        return false;
                j->depth--;
                return true;
        }
}

static bool value(struct json *j) {
        ws(j);
        if (j->p >= j->end)
                return false;
        switch (*j->p) {
        case '{': return members(j, true);
        case '[': return members(j, false);
        case '"': return string(j);
        case 't': return lit(j, "true");
        case 'f': return lit(j, "false");
        case 'n': return lit(j, "null");
        default: return number(j);
        }
}

/* One JSON object and nothing after it but white space. */
static bool json_object_is_valid(const char *text) {
        struct json j = {(const unsigned char *)text, (const unsigned char *)text + strlen(text), 0};
        ws(&j);
        if (j.p >= j.end || *j.p != '{' || !value(&j))
                return false;
        ws(&j);
        return j.p == j.end;
}

/* --- the target ------------------------------------------------------------------------ */

static void take(char *field, size_t size, char **parts, size_t *next, size_t n) {
        if (*next < n)
                (void)snprintf(field, size, "%s", parts[*next]);
        (*next)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        enum { PARTS = 32 };
        char *parts[PARTS];
        size_t lens[PARTS];
        size_t n = fuzz_split(data, size, parts, lens, PARTS);
        static struct boot_record r;
        memset(&r, 0, sizeof r);
        size_t next = 0;

        take(r.slot, sizeof r.slot, parts, &next, n);
        take(r.slot_name, sizeof r.slot_name, parts, &next, n);
        take(r.root_spec, sizeof r.root_spec, parts, &next, n);
        take(r.root_device, sizeof r.root_device, parts, &next, n);
        take(r.fstype, sizeof r.fstype, parts, &next, n);
        take(r.init, sizeof r.init, parts, &next, n);
        r.upper = size % 3 == 0 ? NULL : size % 3 == 1 ? "tmpfs" : "data";
        take(r.upper_dir, sizeof r.upper_dir, parts, &next, n);
        take(r.data_device, sizeof r.data_device, parts, &next, n);
        r.data_state = size % 2 ? "mounted" : NULL;
        take(r.data_check, sizeof r.data_check, parts, &next, n);
        take(r.upper_decision, sizeof r.upper_decision, parts, &next, n);
        take(r.watchdog_device, sizeof r.watchdog_device, parts, &next, n);
        take(r.boot_order, sizeof r.boot_order, parts, &next, n);
        /* the rest: fallbacks ("what", "why") as record_add_fallback() adds them */
        while (next + 1 < n) {
                record_add_fallback(&r, parts[next], parts[next + 1]);
                next += 2;
        }
        ASSERT(r.n_fallbacks <= RECORD_FALLBACKS_MAX);
        static const char *const stages[] = {"setup", "configure", "mount-root"};
        for (size_t i = 0; i < 3; i++)
                r.stages[r.n_stages++] = (typeof(r.stages[0])){stages[i], size * i};
        r.watchdog_timeout_s = (unsigned)size;
        r.boot_left[0] = -1;
        r.boot_left[1] = (int)(size % 4);
        r.total_ms = size;
        r.maxrss_kib = -(long)size;

        static char buf[64 * 1024]; /* every text escaped to \u00XX still fits */
        int ret = record_format_json(&r, buf, sizeof buf);
        ASSERT(ret == 0);
        ASSERT(fuzz_terminated(buf, sizeof buf));
        if (!json_object_is_valid(buf))
                (void)fprintf(stderr, "fuzz: not a JSON object: %s", buf);
        ASSERT(json_object_is_valid(buf));

        /* too small a buffer: -ENOBUFS, never a write past it */
        size_t small = size % (strlen(buf) + 1);
        char *tight = malloc(small ? small : 1);
        if (!tight)
                abort();
        ret = record_format_json(&r, tight, small);
        ASSERT(ret == -ENOBUFS || (ret == 0 && strlen(buf) < small));
        if (small)
                ASSERT(fuzz_terminated(tight, small));
        free(tight);
        fuzz_parts_free(parts, PARTS);
        return 0;
}
