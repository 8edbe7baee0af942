/* SPDX-License-Identifier: MIT */
/* keyfile.h: the GLib key-file parser shared by system.conf and paios-init.conf. */
#include <errno.h>
#include <string.h>

#include "keyfile.h"
#include "macro.h"
#include "unit.h"

/* An expected lookup: value NULL means keyfile_get() must return NULL. */
struct lookup {
        const char *group, *key, *value;
};

/* Texts that parse; len 0 means strlen(text). */
static const struct {
        const char *name;
        const char *text;
        size_t len;
        size_t n_entries;
        struct lookup expect[6];
} parse_ok[] = {
        {.name = "empty text", .text = "", .n_entries = 0},
        {.name = "only comments and blank lines",
         .text = "# one\n\n   # indented\n\t# tab-indented\n  \n\t\n",
         .n_entries = 0},
        {.name = "one group, one key", .text = "[g]\nk=v\n", .n_entries = 1, .expect = {{"g", "k", "v"}}},
        {.name = "no newline at the end", .text = "[g]\nk=v", .n_entries = 1, .expect = {{"g", "k", "v"}}},
        {.name = "white space around key and value removed, inside kept",
         .text = "[g]\n  k \t=  v  w \t\n",
         .n_entries = 1,
         .expect = {{"g", "k", "v  w"}}},
        {.name = "CRLF line endings",
         .text = "[g]\r\nk=v\r\n\r\n[h]\r\nx = y z\r\n",
         .n_entries = 2,
         .expect = {{"g", "k", "v"}, {"h", "x", "y z"}}},
        {.name = "comments with leading white space, key=value inside a comment ignored",
         .text = "[g]\n   # k=commented\n\t#k=tab\nk=v\n  #k=after\n",
         .n_entries = 1,
         .expect = {{"g", "k", "v"}}},
        {.name = "'#' inside a value is no comment",
         .text = "[g]\nk=a # b\n",
         .n_entries = 1,
         .expect = {{"g", "k", "a # b"}}},
        {.name = "'=' inside a value", .text = "[g]\nk=a=b==\n", .n_entries = 1, .expect = {{"g", "k", "a=b=="}}},
        {.name = "empty value", .text = "[g]\nk=\nl =  \n", .n_entries = 2, .expect = {{"g", "k", ""}, {"g", "l", ""}}},
        {.name = "escapes \\s \\n \\t \\r \\\\",
         .text = "[g]\nk=a\\sb\\nc\\td\\re\\\\f\n",
         .n_entries = 1,
         .expect = {{"g", "k", "a b\nc\td\re\\f"}}},
        {.name = "\\s keeps white space that trimming would remove",
         .text = "[g]\nk=\\s x \\s\n",
         .n_entries = 1,
         .expect = {{"g", "k", "  x  "}}},
        {.name = "an escaped backslash does not start an escape",
         .text = "[g]\nk=\\\\s\\\\n\n",
         .n_entries = 1,
         .expect = {{"g", "k", "\\s\\n"}}},
        {.name = "unknown escape kept as written",
         .text = "[g]\nk=C:\\path\\x41\n",
         .n_entries = 1,
         .expect = {{"g", "k", "C:\\path\\x41"}}},
        {.name = "trailing lone backslash kept",
         .text = "[g]\nk=a\\\n",
         .n_entries = 1,
         .expect = {{"g", "k", "a\\"}}},
        {.name = "repeated key: the last value wins",
         .text = "[g]\nk=1\nk=2\nk = 3\n",
         .n_entries = 3,
         .expect = {{"g", "k", "3"}}},
        {.name = "groups of one name merged, last value wins across them",
         .text = "[g]\na=1\n[h]\nb=2\n[g]\nc=3\na=4\n",
         .n_entries = 4,
         .expect = {{"g", "a", "4"}, {"g", "c", "3"}, {"h", "b", "2"}, {"h", "a", NULL}, {"h", "c", NULL}}},
        {.name = "localized keys ignored",
         .text = "[g]\nname=plain\nname[de]=deutsch\nname[sr@latin] = x\nother[fr]=y\n",
         .n_entries = 1,
         .expect = {{"g", "name", "plain"}, {"g", "name[de]", NULL}, {"g", "other", NULL}, {"g", "other[fr]", NULL}}},
        {.name = "group header with white space around it",
         .text = "  [g]  \t\nk=v\n",
         .n_entries = 1,
         .expect = {{"g", "k", "v"}}},
        {.name = "group and key names are case-sensitive",
         .text = "[G]\nK=upper\n[g]\nk=lower\n",
         .n_entries = 2,
         .expect = {{"G", "K", "upper"}, {"g", "k", "lower"}, {"g", "K", NULL}, {"G", "k", NULL}}},
        {.name = "RAUC group names with dots",
         .text = "[slot.rootfs.0]\ndevice=/dev/disk/by-partlabel/rootfs-a\n",
         .n_entries = 1,
         .expect = {{"slot.rootfs.0", "device", "/dev/disk/by-partlabel/rootfs-a"}}},
        {.name = "absent group or key",
         .text = "[g]\nk=v\n",
         .n_entries = 1,
         .expect = {{"g", "x", NULL}, {"x", "k", NULL}, {"", "k", NULL}, {"g", "", NULL}}},
        {.name = "UTF-8 bytes pass through",
         .text = "[g]\nk=gr\xc3\xbc\xc3\x9f" "e\n",
         .n_entries = 1,
         .expect = {{"g", "k", "gr\xc3\xbc\xc3\x9f" "e"}}},
        {.name = "len is honoured: text after len is not read",
         .text = "[g]\nk=v\nk=after-len\n",
         .len = 8,
         .n_entries = 1,
         .expect = {{"g", "k", "v"}}},
        /* the trimming loops run without bounds, stopped by the line's own ends */
        {.name = "lines of blanks only, a value of blanks only, CRLF",
         .text = "[g]\r\n \t \r\n\t\r\nk= \t\r\n",
         .n_entries = 1,
         .expect = {{"g", "k", ""}}},
        {.name = "blanks around '=' and before CRLF",
         .text = " [g] \r\n\tk \t=\tv w \t\r\n",
         .n_entries = 1,
         .expect = {{"g", "k", "v w"}}},
        {.name = "one-character key and value, no newline at the end",
         .text = "[g]\n \tk=v",
         .n_entries = 1,
         .expect = {{"g", "k", "v"}}},
        {.name = "a backslash escape after blanks",
         .text = "[g]\nk =  \\s x\\t\n",
         .n_entries = 1,
         .expect = {{"g", "k", "  x\t"}}},
        {.name = "len cuts a line: the rest of that line is not read",
         .text = "[g]\nk=value",
         .len = 9,
         .n_entries = 1,
         .expect = {{"g", "k", "val"}}},
};

static void test_parse_ok(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse_ok); i++) {
                const typeof(parse_ok[0]) *t = &parse_ok[i];
                unit_case("keyfile_parse ok: %s", t->name);
                struct keyfile kf = {0};
                struct diag d = {0};
                size_t len = t->len ? t->len : strlen(t->text);
                if (!CHECK_ERR(keyfile_parse(t->text, len, &kf, &d), 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                CHECK_STREQ(d.error, "");
                CHECK_INTEQ(d.n_warn, 0);
                CHECK_INTEQ(kf.n_entries, t->n_entries);
                for (size_t j = 0; j < ELEMENTSOF(t->expect) && t->expect[j].group; j++) {
                        unit_case("keyfile_parse ok: %s: [%s] %s", t->name, t->expect[j].group, t->expect[j].key);
                        CHECK_STREQ(keyfile_get(&kf, t->expect[j].group, t->expect[j].key), t->expect[j].value);
                }
                keyfile_free(&kf);
        }
}

/* Texts that fail: the error and a fragment of its message (which names the line). */
static const struct {
        const char *name;
        const char *text;
        size_t len; /* 0: strlen(text); set for texts with NUL bytes */
        int ret;
        const char *error;
} parse_fail[] = {
        {.name = "key before any group", .text = "k=v\n[g]\n", .ret = -EINVAL, .error = "line 1: key outside of any [group]"},
        {.name = "key before any group, after comments",
         .text = "# c\n\nk=v\n",
         .ret = -EINVAL,
         .error = "line 3: key outside"},
        {.name = "line without '='", .text = "[g]\nk=v\njunk\n", .ret = -EINVAL, .error = "line 3 is not a group, a key=value pair or a comment"},
        {.name = "line without '=' before any group", .text = "junk\n", .ret = -EINVAL, .error = "line 1 is not a group"},
        {.name = "empty key", .text = "[g]\n=v\n", .ret = -EINVAL, .error = "line 2: empty key"},
        {.name = "key of white space only", .text = "[g]\n \t = v\n", .ret = -EINVAL, .error = "line 2: empty key"},
        {.name = "empty key after blanks", .text = "[g]\n\t=v\n", .ret = -EINVAL, .error = "line 2: empty key"},
        {.name = "a '=' alone", .text = "[g]\n \r\n=\n", .ret = -EINVAL, .error = "line 3: empty key"},
        {.name = "unterminated group header", .text = "[g\nk=v\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "lone '['", .text = "[\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "empty group name", .text = "[]\nk=v\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "'[' inside a group name", .text = "[a[b]\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "']' inside a group name", .text = "[a]b]\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "text after the group header", .text = "[g] trailing\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "comment after the group header", .text = "[g] # c\n", .ret = -EINVAL, .error = "line 1: malformed group header"},
        {.name = "error after valid lines names its line",
         .text = "[g]\na=1\n# c\n\n  b = 2\nbad line\n",
         .ret = -EINVAL,
         .error = "line 6 "},
        {.name = "error line counted with CRLF endings", .text = "[g]\r\na=1\r\nbad\r\n", .ret = -EINVAL, .error = "line 3 "},
        {.name = "NUL byte in a value", .text = "[g]\nk=v\0w\n", .len = 10, .ret = -EINVAL, .error = "NUL byte"},
        {.name = "NUL byte in a comment", .text = "[g]\n# \0\n", .len = 7, .ret = -EINVAL, .error = "NUL byte"},
        {.name = "NUL byte as the last byte", .text = "[g]\nk=v\n\0", .len = 9, .ret = -EINVAL, .error = "NUL byte"},
};

static void test_parse_fail(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse_fail); i++) {
                const typeof(parse_fail[0]) *t = &parse_fail[i];
                unit_case("keyfile_parse fails: %s", t->name);
                struct keyfile kf = {0};
                struct diag d = {0};
                size_t len = t->len ? t->len : strlen(t->text);
                if (!CHECK_ERR(keyfile_parse(t->text, len, &kf, &d), t->ret)) {
                        keyfile_free(&kf);
                        continue;
                }
                CHECK_CONTAINS(d.error, t->error);
                /* nothing allocated is handed out on failure */
                CHECK(kf.entries == NULL);
                CHECK_INTEQ(kf.n_entries, 0);
        }
}

/* Generated inputs at and past the size limits. */
enum limit_shape { LONG_VALUE_LINE, LONG_CRLF_LINE, LONG_COMMENT_LINE, BIG_FILE, MANY_KEYS, MANY_LOCALIZED_KEYS };

static char *make_limit_text(enum limit_shape shape, size_t n) {
        switch (shape) {
        case LONG_VALUE_LINE: { /* line 2 is "k=vvv..." of n bytes */
                _cleanup_free_ char *v = unit_repeat('v', n - 2);
                return unit_format("[g]\nk=%s\nx=1\n", v);
        }
        case LONG_CRLF_LINE: { /* line 2 is "k=vvv...\r" of n bytes: the CR is one of them */
                _cleanup_free_ char *v = unit_repeat('v', n - 3);
                return unit_format("[g]\r\nk=%s\r\nx=1\r\n", v);
        }
        case LONG_COMMENT_LINE: {
                _cleanup_free_ char *c = unit_repeat('c', n - 1);
                return unit_format("[g]\n#%s\n", c);
        }
        case BIG_FILE: { /* [g]\n then comment lines of 100 bytes, padded to n bytes */
                char *s = unit_repeat('#', n);
                memcpy(s, "[g]\n", 4);
                for (size_t i = 4 + 99; i < n; i += 100)
                        s[i] = '\n';
                return s;
        }
        case MANY_KEYS:
        case MANY_LOCALIZED_KEYS: {
                char *s = unit_format("[g]\n");
                for (size_t i = 0; i < n; i++) {
                        char *next = unit_format("%sk%zu%s=%zu\n", s, i, shape == MANY_LOCALIZED_KEYS ? "[de]" : "", i);
                        free(s);
                        s = next;
                }
                return s;
        }
        }
        return NULL;
}

static const struct {
        const char *name;
        enum limit_shape shape;
        size_t n;
        int ret;
        const char *error;
} limits[] = {
        {"value line of exactly KEYFILE_LINE_MAX bytes", LONG_VALUE_LINE, KEYFILE_LINE_MAX, 0, NULL},
        {"value line of KEYFILE_LINE_MAX+1 bytes", LONG_VALUE_LINE, KEYFILE_LINE_MAX + 1, -EINVAL,
         "line 2 is longer than 4096 bytes"},
        {"CRLF line of exactly KEYFILE_LINE_MAX bytes with its CR", LONG_CRLF_LINE, KEYFILE_LINE_MAX, 0, NULL},
        {"CRLF line of KEYFILE_LINE_MAX+1 bytes with its CR", LONG_CRLF_LINE, KEYFILE_LINE_MAX + 1, -EINVAL,
         "line 2 is longer than 4096 bytes"},
        {"comment line of exactly KEYFILE_LINE_MAX bytes", LONG_COMMENT_LINE, KEYFILE_LINE_MAX, 0, NULL},
        {"comment line of KEYFILE_LINE_MAX+1 bytes", LONG_COMMENT_LINE, KEYFILE_LINE_MAX + 1, -EINVAL,
         "line 2 is longer than"},
        {"file of exactly KEYFILE_SIZE_MAX bytes", BIG_FILE, KEYFILE_SIZE_MAX, 0, NULL},
        {"file of KEYFILE_SIZE_MAX+1 bytes", BIG_FILE, KEYFILE_SIZE_MAX + 1, -EFBIG, "more than the 262144 allowed"},
        {"exactly KEYFILE_ENTRIES_MAX keys", MANY_KEYS, KEYFILE_ENTRIES_MAX, 0, NULL},
        {"KEYFILE_ENTRIES_MAX+1 keys", MANY_KEYS, KEYFILE_ENTRIES_MAX + 1, -E2BIG, "more than 1024 keys"},
        {"localized keys do not count against KEYFILE_ENTRIES_MAX", MANY_LOCALIZED_KEYS, KEYFILE_ENTRIES_MAX + 10, 0,
         NULL},
};

static void test_limits(void) {
        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                unit_case("keyfile_parse limits: %s", limits[i].name);
                _cleanup_free_ char *text = make_limit_text(limits[i].shape, limits[i].n);
                struct keyfile kf = {0};
                struct diag d = {0};
                int r = keyfile_parse(text, strlen(text), &kf, &d);
                CHECK_ERR(r, limits[i].ret);
                CHECK_CONTAINS(d.error, limits[i].error);
                if (r == 0 && (limits[i].shape == LONG_VALUE_LINE || limits[i].shape == LONG_CRLF_LINE)) {
                        const char *v = keyfile_get(&kf, "g", "k");
                        CHECK(v && strlen(v) == limits[i].n - (limits[i].shape == LONG_CRLF_LINE ? 3 : 2));
                        CHECK_STREQ(keyfile_get(&kf, "g", "x"), "1");
                }
                if (r == 0 && limits[i].shape == MANY_KEYS) {
                        CHECK_INTEQ(kf.n_entries, limits[i].n);
                        CHECK_STREQ(keyfile_get(&kf, "g", "k1023"), "1023");
                }
                keyfile_free(&kf);
        }
}

/* Entries keep file order and their line numbers (config.c names lines in warnings). */
static void test_entries(void) {
        unit_case("keyfile entries: order, group, key, line numbers");
        static const char text[] = "# header\n\n[a]\nx=1\n\n[b]\r\n  y = 2\n[a]\nz=\\s3\n";
        static const struct {
                const char *group, *key, *value;
                unsigned line;
        } expect[] = {
                {"a", "x", "1", 4},
                {"b", "y", "2", 7},
                {"a", "z", " 3", 9},
        };
        struct keyfile kf = {0};
        if (!CHECK_ERR(keyfile_parse(text, strlen(text), &kf, NULL), 0))
                return;
        CHECK_INTEQ(kf.n_entries, ELEMENTSOF(expect));
        for (size_t i = 0; i < kf.n_entries && i < ELEMENTSOF(expect); i++) {
                unit_case("keyfile entries: entry %zu", i);
                CHECK_STREQ(kf.entries[i].group, expect[i].group);
                CHECK_STREQ(kf.entries[i].key, expect[i].key);
                CHECK_STREQ(kf.entries[i].value, expect[i].value);
                CHECK_INTEQ(kf.entries[i].line, expect[i].line);
        }
        keyfile_free(&kf);
        unit_case("keyfile_free twice is harmless");
        keyfile_free(&kf);
        CHECK(kf.entries == NULL && kf.n_entries == 0);
}

static const struct {
        const char *name;
        const char *text;
        const char *group;
        bool has;
} has_group[] = {
        {"group with keys", "[g]\nk=v\n", "g", true},
        {"other group", "[g]\nk=v\n", "h", false},
        {"group name is case-sensitive", "[g]\nk=v\n", "G", false},
        {"no groups at all", "# nothing\n", "g", false},
        {"group merged from two headers", "[g]\n[h]\nx=1\n[g]\nk=v\n", "g", true},
        /* as GKeyFile's g_key_file_has_group(): a group exists from its header on, even
         * without (non-localized) keys */
        {"group without keys exists", "[empty]\n", "empty", true},
        {"group with only localized keys exists", "[g]\nname[de]=x\n", "g", true},
};

static void test_has_group(void) {
        for (size_t i = 0; i < ELEMENTSOF(has_group); i++) {
                unit_case("keyfile_has_group: %s", has_group[i].name);
                struct keyfile kf = {0};
                if (!CHECK_ERR(keyfile_parse(has_group[i].text, strlen(has_group[i].text), &kf, NULL), 0))
                        continue;
                CHECK_INTEQ(keyfile_has_group(&kf, has_group[i].group), has_group[i].has);
                keyfile_free(&kf);
        }
}

/* d is optional: every path must work without one. */
static void test_no_diag(void) {
        unit_case("keyfile_parse without a diag");
        struct keyfile kf = {0};
        CHECK_ERR(keyfile_parse("[g\n", 3, &kf, NULL), -EINVAL);
        CHECK_ERR(keyfile_parse("[g]\nk=v\n", 8, &kf, NULL), 0);
        CHECK_STREQ(keyfile_get(&kf, "g", "k"), "v");
        keyfile_free(&kf);
}

int main(void) {
        test_parse_ok();
        test_parse_fail();
        test_limits();
        test_entries();
        test_has_group();
        test_no_diag();
        return unit_exit();
}
