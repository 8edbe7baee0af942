/* SPDX-License-Identifier: MIT */
/* record.h: the boot record as JSON. Checked three ways: the exact text of a fixed record,
 * a small strict JSON parser (RFC 8259 grammar) over every record the cases build, and
 * the boundaries (-ENOBUFS for every buffer too small, never a byte past it). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "record.h"
#include "unit.h"

/* ---- a strict JSON checker ---------------------------------------------------------- */

struct json {
        const char *p;
        unsigned depth;
        const char *error;
};

static bool json_value(struct json *j);

static void json_ws(struct json *j) {
        while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
                j->p++;
}

static bool json_fail(struct json *j, const char *what) {
        if (!j->error)
                j->error = what;
        return false;
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), 0 if there is none: JSON text is UTF-8 (RFC 8259). */
static size_t utf8_sequence(const unsigned char *s) {
        size_t n;
        unsigned char lo = 0x80, hi = 0xbf;
        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                n = 2;
        else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                n = 3;
                lo = s[0] == 0xe0 ? 0xa0 : 0x80;
                hi = s[0] == 0xed ? 0x9f : 0xbf;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                n = 4;
                lo = s[0] == 0xf0 ? 0x90 : 0x80;
                hi = s[0] == 0xf4 ? 0x8f : 0xbf;
        } else
                return 0;
        for (size_t i = 1; i < n; i++)
                if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
                        return 0; /* also at the terminating NUL */
        return n;
}

static bool json_string(struct json *j) {
        if (*j->p != '"')
                return json_fail(j, "a string must start with \"");
        j->p++;
        for (;;) {
                unsigned char c = (unsigned char)*j->p;
                if (c == '\0')
                        return json_fail(j, "unterminated string");
                if (c < 0x20)
                        return json_fail(j, "raw control character in a string");
                if (c >= 0x80) {
                        size_t n = utf8_sequence((const unsigned char *)j->p);
                        if (n == 0)
                                return json_fail(j, "invalid UTF-8 in a string");
                        j->p += n;
                        continue;
                }
                j->p++;
                if (c == '"')
                        return true;
                if (c != '\\')
                        continue;
                c = (unsigned char)*j->p++;
                if (c == 'u') {
                        for (int i = 0; i < 4; i++, j->p++)
                                if (!strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
                                        return json_fail(j, "bad \\u escape");
                } else if (!c || !strchr("\"\\/bfnrt", c))
                        return json_fail(j, "bad escape");
        }
}

static bool json_number(struct json *j) {
        if (*j->p == '-')
                j->p++;
        if (*j->p == '0')
                j->p++;
        else if (*j->p >= '1' && *j->p <= '9')
                while (*j->p >= '0' && *j->p <= '9')
                        j->p++;
        else
                return json_fail(j, "bad number");
        if (*j->p == '.') {
                j->p++;
                if (!(*j->p >= '0' && *j->p <= '9'))
                        return json_fail(j, "bad fraction");
                while (*j->p >= '0' && *j->p <= '9')
                        j->p++;
        }
        if (*j->p == 'e' || *j->p == 'E') {
                j->p++;
                if (*j->p == '+' || *j->p == '-')
                        j->p++;
                if (!(*j->p >= '0' && *j->p <= '9'))
                        return json_fail(j, "bad exponent");
                while (*j->p >= '0' && *j->p <= '9')
                        j->p++;
        }
        return true;
}

static bool json_container(struct json *j, char close, bool keyed) {
        if (++j->depth > 64)
                return json_fail(j, "nested too deep");
        j->p++;
        json_ws(j);
        if (*j->p == close) {
                j->p++;
                j->depth--;
                return true;
        }
        for (;;) {
                json_ws(j);
                if (keyed) {
                        if (!json_string(j))
                                return false;
                        json_ws(j);
                        if (*j->p++ != ':')
                                return json_fail(j, "missing ':'");
                }
                if (!json_value(j))
                        return false;
                json_ws(j);
                if (*j->p == ',') {
                        j->p++;
                        continue;
                }
                if (*j->p == close) {
                        j->p++;
                        j->depth--;
                        return true;
                }
                return json_fail(j, "missing ',' or closing bracket");
        }
}

static bool json_value(struct json *j) {
        json_ws(j);
        switch (*j->p) {
        case '{':
                return json_container(j, '}', true);
        case '[':
                return json_container(j, ']', false);
        case '"':
                return json_string(j);
        case 't':
                if (strncmp(j->p, "true", 4) == 0)
                        return j->p += 4, true;
                break;
        case 'f':
                if (strncmp(j->p, "false", 5) == 0)
                        return j->p += 5, true;
                break;
        case 'n':
                if (strncmp(j->p, "null", 4) == 0)
                        return j->p += 4, true;
                break;
        default:
                return json_number(j);
        }
        return json_fail(j, "bad literal");
}

/* One JSON object and nothing after it but the newline record.h promises. */
static const char *json_check(const char *text) {
        struct json j = {.p = text};
        json_ws(&j);
        if (*j.p != '{')
                return "not an object";
        if (!json_value(&j))
                return j.error;
        if (strcmp(j.p, "\n") != 0)
                return "something other than one newline after the object";
        return NULL;
}

static void test_json_checker(void) {
        /* the checker itself must refuse what is not JSON, or it proves nothing */
        static const struct {
                const char *text;
                bool ok;
        } cases[] = {
                {"{}\n", true},
                {"{\"a\":[1,-2,3.5e+2,true,false,null,{\"b\":\"\\\"\\\\\\u001f\"}]}\n", true},
                {"{}", false},
                {"{}\n\n", false},
                {"[]\n", false},
                {"{\"a\":1,}\n", false},
                {"{\"a\" 1}\n", false},
                {"{\"a\":01}\n", false},
                {"{\"a\":\"\x01\"}\n", false},
                {"{\"a\":\"\\x\"}\n", false},
                {"{\"a\":\"\\u00g0\"}\n", false},
                {"{\"a\":\"b}\n", false},
                {"{\"a\":[1,2}\n", false},
                {"{\"a\":tru}\n", false},
                {"{a:1}\n", false},
                {"{\"a\":\"r\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xbe\"}\n", true},
                {"{\"a\":\"\xff\"}\n", false},
                {"{\"a\":\"\xc3\"}\n", false},
                {"{\"a\":\"\xc0\xaf\"}\n", false},
                {"{\"a\":\"\xed\xa0\x80\"}\n", false},
                {"{\"a\":\"\xf4\x90\x80\x80\"}\n", false},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("the test's JSON checker on \"%s\"", cases[i].text);
                CHECK_INTEQ(json_check(cases[i].text) == NULL, cases[i].ok);
        }
}

/* ---- record_format_json ----------------------------------------------------------------- */

/* A record as a boot on /data fills it. */
static void fill_record(struct boot_record *r) {
        *r = (struct boot_record){0};
        (void)strcpy(r->slot, "A");
        (void)strcpy(r->slot_name, "rootfs.0");
        (void)strcpy(r->root_spec, "PARTLABEL=rootfs-a");
        (void)strcpy(r->root_device, "/dev/vda1");
        (void)strcpy(r->fstype, "ext4");
        (void)strcpy(r->init, "/sbin/init");
        r->upper = "data";
        (void)strcpy(r->upper_dir, "/data/paios/overlay/A");
        (void)strcpy(r->data_device, "/dev/vda3");
        r->data_state = "mounted";
        (void)strcpy(r->data_check, "clean");
        (void)strcpy(r->upper_decision, "upper matches the rootfs");
        record_add_fallback(r, "bind", "/data/paios/state/var/log: a symbolic link or \"..\" on the way: refused");
        (void)strcpy(r->watchdog_device, "/dev/watchdog");
        r->watchdog_timeout_s = 60;
        (void)strcpy(r->boot_order, "A B");
        r->boot_left[0] = 3;
        r->boot_left[1] = -1;
        r->stages[0].stage = "setup";
        r->stages[0].ms = 12;
        r->stages[1].stage = "mount-root";
        r->stages[1].ms = 340;
        r->n_stages = 2;
        r->total_ms = 352;
        r->utime_ms = 8;
        r->stime_ms = 40;
        r->maxrss_kib = 2048;
        r->minflt = 310;
        r->children_utime_ms = 4;
        r->cpu_us = 21345;
}

static const char expected_json[] =
        "{\"version\":1,\"slot\":\"A\",\"slot_name\":\"rootfs.0\",\"root_spec\":\"PARTLABEL=rootfs-a\","
        "\"root_device\":\"/dev/vda1\",\"fstype\":\"ext4\",\"init\":\"/sbin/init\","
        "\"overlay\":{\"upper\":\"data\",\"upper_dir\":\"/data/paios/overlay/A\",\"decision\":\"upper matches the rootfs\"},"
        "\"data\":{\"device\":\"/dev/vda3\",\"state\":\"mounted\",\"check\":\"clean\"},"
        "\"fallbacks\":[{\"what\":\"bind\",\"why\":\"/data/paios/state/var/log: a symbolic link or \\\"..\\\" on the way: refused\"}],"
        "\"watchdog\":{\"device\":\"/dev/watchdog\",\"timeout_s\":60,\"armed\":true},"
        "\"bootenv\":{\"BOOT_ORDER\":\"A B\",\"BOOT_A_LEFT\":3,\"BOOT_B_LEFT\":-1},"
        "\"stages_ms\":{\"setup\":12,\"mount-root\":340},"
        "\"total_ms\":352,\"utime_ms\":8,\"stime_ms\":40,\"maxrss_kib\":2048,\"minflt\":310,\"children_utime_ms\":4,\"cpu_us\":21345}\n";

static void test_exact(void) {
        unit_case("record_format_json: a fixed record, exactly");
        struct boot_record r;
        fill_record(&r);
        char buf[8192];
        memset(buf, 'x', sizeof buf);
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_STREQ(buf, expected_json);
        CHECK_STREQ(json_check(buf), NULL);
}

/* An empty record: every fallback of the formatter, still valid JSON. */
static const char empty_json[] =
        "{\"version\":1,\"slot\":\"\",\"slot_name\":\"\",\"root_spec\":\"\",\"root_device\":\"\",\"fstype\":\"\","
        "\"init\":\"\",\"overlay\":{\"upper\":\"tmpfs\",\"upper_dir\":\"\",\"decision\":\"\"},"
        "\"data\":{\"device\":\"\",\"state\":\"none\",\"check\":\"\"},\"fallbacks\":[],"
        "\"watchdog\":{\"device\":\"\",\"timeout_s\":0,\"armed\":false},"
        "\"bootenv\":{\"BOOT_ORDER\":\"\",\"BOOT_A_LEFT\":0,\"BOOT_B_LEFT\":0},\"stages_ms\":{},"
        "\"total_ms\":0,\"utime_ms\":0,\"stime_ms\":0,\"maxrss_kib\":0,\"minflt\":0,\"children_utime_ms\":0,\"cpu_us\":0}\n";

static void test_fallbacks(void) {
        unit_case("record_format_json: an empty record (upper NULL: tmpfs, data_state NULL: none)");
        struct boot_record r = {0};
        char buf[4096];
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_STREQ(buf, empty_json);
        CHECK_STREQ(json_check(buf), NULL);

        unit_case("record_format_json: a stage without a name is an empty key");
        r.stages[0].ms = 5;
        r.n_stages = 1;
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_CONTAINS(buf, "\"stages_ms\":{\"\":5}");
        CHECK_STREQ(json_check(buf), NULL);

        unit_case("record_format_json: the largest numbers");
        r.total_ms = (unsigned long)-1;
        r.maxrss_kib = -1;
        r.watchdog_timeout_s = (unsigned)-1;
        r.boot_left[0] = -2147483647 - 1;
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_CONTAINS(buf, "\"timeout_s\":4294967295,\"armed\":true");
        CHECK_CONTAINS(buf, "\"BOOT_A_LEFT\":-2147483648");
        CHECK_CONTAINS(buf, "\"maxrss_kib\":-1,");
        CHECK_STREQ(json_check(buf), NULL);
}

static void test_escaping(void) {
        static const struct {
                const char *name;
                const char *in;
                const char *out; /* as it appears between the quotes */
        } cases[] = {
                {"plain", "LABEL=root", "LABEL=root"},
                {"a quote", "LABEL=my\"root", "LABEL=my\\\"root"},
                {"a backslash", "LABEL=a\\b", "LABEL=a\\\\b"},
                {"a backslash before a quote", "\\\"", "\\\\\\\""},
                {"a trailing backslash", "x\\", "x\\\\"},
                {"newline and tab", "a\nb\tc", "a\\u000ab\\u0009c"},
                {"carriage return", "a\rb", "a\\u000db"},
                {"control bytes 0x01 and 0x1f", "\x01-\x1f", "\\u0001-\\u001f"},
                {"DEL", "a\x7f", "a\\u007f"},
                {"a space and printable ASCII", " ~!#$%&'()*+,-./:;<=>?@[]^_`{|}", " ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"},
                {"UTF-8 passes unchanged", "LABEL=r\xc3\xa9sum\xc3\xa9", "LABEL=r\xc3\xa9sum\xc3\xa9"},
                {"a slash is not escaped", "/dev/vda1", "/dev/vda1"},
                {"empty", "", ""},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("record_format_json escapes: %s", cases[i].name);
                struct boot_record r;
                fill_record(&r);
                /* through every kind of field: a fixed buffer, a fallback's why, a stage key */
                (void)snprintf(r.root_spec, sizeof r.root_spec, "%s", cases[i].in);
                r.n_fallbacks = 0;
                record_add_fallback(&r, "upper", cases[i].in);
                r.stages[1].stage = cases[i].in;
                char buf[8192];
                if (!CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0))
                        continue;
                _cleanup_free_ char *spec = unit_format("\"root_spec\":\"%s\",", cases[i].out);
                _cleanup_free_ char *why = unit_format("{\"what\":\"upper\",\"why\":\"%s\"}", cases[i].out);
                _cleanup_free_ char *stage = unit_format(",\"%s\":340}", cases[i].out);
                CHECK_CONTAINS(buf, spec);
                CHECK_CONTAINS(buf, why);
                CHECK_CONTAINS(buf, stage);
                CHECK_STREQ(json_check(buf), NULL);
        }

        unit_case("record_format_json escapes: every byte from 0x01 to 0x7f in one value");
        struct boot_record r;
        fill_record(&r);
        for (int c = 1; c < 0x80; c++)
                r.upper_decision[c - 1] = (char)c;
        r.upper_decision[0x7f] = '\0';
        char buf[8192];
        if (CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0)) {
                CHECK_STREQ(json_check(buf), NULL);
                CHECK_CONTAINS(buf, "\"decision\":\"\\u0001\\u0002");
                CHECK_CONTAINS(buf, "\\u001f !\\\"#");
                CHECK_CONTAINS(buf, "[\\\\]^_");
                CHECK_CONTAINS(buf, "|}~\\u007f\"}");
        }
}

/* Found by tests/fuzz/fuzz-record.c: the texts come from outside (root=, init=, labels in
 * system.conf, BOOT_ORDER) and may hold any byte; the record must stay JSON, i.e. UTF-8.
 * How an invalid byte is written (U+FFFD as systemd's utf8_escape_invalid(), or \u00XX)
 * is the fix's to choose: checked is that the output is JSON and the valid text around it
 * stays. */
static void test_invalid_utf8(void) {
        static const struct {
                const char *name;
                const char *in;
                const char *kept; /* text that must appear unchanged */
        } cases[] = {
                {"a byte that starts no sequence", "/sbin/\xa3init", "init"},
                {"a lone 0xff", "LABEL=\xff", "LABEL="},
                {"a sequence cut short by the end", "LABEL=r\xc3", "LABEL=r"},
                {"an overlong '/'", "/dev/\xc0\xafvda1", "vda1"},
                {"a surrogate", "x\xed\xa0\x80y", "y"},
                {"valid UTF-8 next to invalid bytes", "r\xc3\xa9\xff\xe2\x82\xac", "r\xc3\xa9"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("record_format_json with invalid UTF-8: %s", cases[i].name);
                struct boot_record r;
                fill_record(&r);
                (void)snprintf(r.init, sizeof r.init, "%s", cases[i].in);
                r.n_fallbacks = 0;
                record_add_fallback(&r, "upper", cases[i].in);
                char buf[8192];
                if (!CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0))
                        continue;
                CHECK_STREQ(json_check(buf), NULL);
                CHECK_CONTAINS(buf, cases[i].kept);
        }
}

static void test_add_fallback(void) {
        unit_case("record_add_fallback: kept in order");
        struct boot_record r = {0};
        record_add_fallback(&r, "data", "device did not appear within 10 s");
        record_add_fallback(&r, "upper", "overlay.upper=data but /data is not usable: tmpfs");
        CHECK_INTEQ(r.n_fallbacks, 2);
        CHECK_STREQ(r.fallbacks[0].what, "data");
        CHECK_STREQ(r.fallbacks[1].why, "overlay.upper=data but /data is not usable: tmpfs");
        char buf[8192];
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_CONTAINS(buf, "\"fallbacks\":[{\"what\":\"data\",\"why\":\"device did not appear within 10 s\"},"
                            "{\"what\":\"upper\",\"why\":\"overlay.upper=data but /data is not usable: tmpfs\"}],");
        CHECK_STREQ(json_check(buf), NULL);

        unit_case("record_add_fallback: RECORD_FALLBACKS_MAX kept, the rest dropped");
        for (int i = 0; i < RECORD_FALLBACKS_MAX + 3; i++) {
                char why[32];
                (void)snprintf(why, sizeof why, "why %d", i);
                record_add_fallback(&r, "bind", why);
        }
        CHECK_INTEQ(r.n_fallbacks, RECORD_FALLBACKS_MAX);
        CHECK_STREQ(r.fallbacks[RECORD_FALLBACKS_MAX - 1].why, "why 5");
        CHECK_ERR(record_format_json(&r, buf, sizeof buf), 0);
        CHECK_STREQ(json_check(buf), NULL);

        unit_case("record_add_fallback: long texts are cut to the fields");
        r = (struct boot_record){0};
        _cleanup_free_ char *what = unit_repeat('w', 100);
        _cleanup_free_ char *why = unit_repeat('y', 1000);
        record_add_fallback(&r, what, why);
        CHECK_INTEQ(strlen(r.fallbacks[0].what), sizeof r.fallbacks[0].what - 1);
        CHECK_INTEQ(strlen(r.fallbacks[0].why), RECORD_TEXT_MAX - 1);
}

static void test_overflow(void) {
        struct boot_record r;
        fill_record(&r);
        char full[8192];
        if (!CHECK_ERR(record_format_json(&r, full, sizeof full), 0))
                return;
        size_t need = strlen(full) + 1;

        unit_case("record_format_json: n = 0 writes nothing");
        CHECK_ERR(record_format_json(&r, NULL, 0), -ENOBUFS);
        char one = 'x';
        CHECK_ERR(record_format_json(&r, &one, 0), -ENOBUFS);
        CHECK_INTEQ(one, 'x');

        /* every size from 1 to the exact need: -ENOBUFS below it, never a byte past n */
        for (size_t n = 1; n <= need; n++) {
                unit_case("record_format_json into %zu of %zu bytes", n, need);
                char buf[8192];
                memset(buf, 'x', sizeof buf);
                int ret = record_format_json(&r, buf, n);
                CHECK_ERR(ret, n < need ? -ENOBUFS : 0);
                CHECK_INTEQ(buf[n], 'x');
                CHECK(memchr(buf, '\0', n) != NULL);
                if (ret == 0)
                        CHECK_STREQ(buf, full);
                else
                        CHECK(strncmp(buf, full, strlen(buf)) == 0); /* a prefix, not garbage */
        }

        unit_case("record_format_json: fields at their longest, escaped six-fold, in write_record()'s 8 KiB");
        struct boot_record big;
        fill_record(&big);
        memset(big.root_spec, '"', sizeof big.root_spec - 1);
        big.root_spec[sizeof big.root_spec - 1] = '\0';
        char buf[8192];
        /* 255 quotes become 510 bytes: fits; the point is the result, not a crash */
        CHECK_ERR(record_format_json(&big, buf, sizeof buf), 0);
        CHECK_STREQ(json_check(buf), NULL);
        memset(big.root_spec, '\x01', sizeof big.root_spec - 1);
        memset(big.init, '\x02', sizeof big.init - 1);
        big.init[sizeof big.init - 1] = '\0';
        memset(big.root_device, '\x03', sizeof big.root_device - 1);
        big.root_device[sizeof big.root_device - 1] = '\0';
        memset(big.upper_dir, '\x04', sizeof big.upper_dir - 1);
        big.upper_dir[sizeof big.upper_dir - 1] = '\0';
        /* 4 x 255 x 6 = 6120 bytes of escapes plus the rest: still under 8192 */
        int ret = record_format_json(&big, buf, sizeof buf);
        CHECK_ERR(ret, 0);
        if (ret == 0)
                CHECK_STREQ(json_check(buf), NULL);
        memset(big.data_check, '\x05', sizeof big.data_check - 1);
        big.data_check[sizeof big.data_check - 1] = '\0';
        /* a fifth such field does not fit: refused, not cut into invalid JSON */
        CHECK_ERR(record_format_json(&big, buf, sizeof buf), -ENOBUFS);
}

int main(void) {
        test_json_checker();
        test_exact();
        test_fallbacks();
        test_escaping();
        test_invalid_utf8();
        test_add_fallback();
        test_overflow();
        return unit_exit();
}
