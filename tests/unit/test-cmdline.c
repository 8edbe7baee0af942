/* SPDX-License-Identifier: MIT */
/* cmdline.h: the kernel command line split as the kernel splits it (lib/cmdline.c
 * next_arg()), and the standard options read from it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "macro.h"
#include "unit.h"

enum { MAXP = 12 };

/* A parameter as the tables write it: "key" for a bare word (value NULL), "key=value"
 * otherwise (so "key=" is an empty value). A key never contains '=': the first '=' splits. */
static void format_param(const struct kparam *p, char *buf, size_t n) {
        if (p->value)
                (void)snprintf(buf, n, "%s=%s", p->key, p->value);
        else
                (void)snprintf(buf, n, "%s", p->key);
}

static const struct {
        const char *name;
        const char *text;
        const char *params[MAXP];
        const char *init_args[MAXP];
        bool unterminated;
} split[] = {
        {.name = "empty line", .text = ""},
        {.name = "only white space", .text = " \t\n\r\v\f "},
        {.name = "a typical line from /proc/cmdline",
         .text = "console=ttyAMA0,115200 root=/dev/vda2 ro rootwait rauc.slot=A\n",
         .params = {"console=ttyAMA0,115200", "root=/dev/vda2", "ro", "rootwait", "rauc.slot=A"}},
        {.name = "every kind of kernel white space separates",
         .text = "  a\tb\nc\rd\ve\ff  ",
         .params = {"a", "b", "c", "d", "e", "f"}},
        {.name = "empty value differs from a bare word", .text = "root= ro", .params = {"root=", "ro"}},
        {.name = "the first '=' splits, later ones are in the value",
         .text = "opt=a=b== x==",
         .params = {"opt=a=b==", "x=="}},
        {.name = "quoted value with a space: quotes removed",
         .text = "root=\"/dev/vda 1\" ro",
         .params = {"root=/dev/vda 1", "ro"}},
        {.name = "whole word quoted: quotes removed", .text = "\"rauc.slot=A\" ro", .params = {"rauc.slot=A", "ro"}},
        {.name = "quoted bare word with a space", .text = "\"hello world\" x", .params = {"hello world", "x"}},
        {.name = "quotes in the middle of a value are kept (the kernel removes only leading ones)",
         .text = "a=b\"c d\"e f",
         .params = {"a=b\"c d\"e", "f"}},
        {.name = "quoted value with a tab and '=' inside", .text = "k=\"x\t=y\"", .params = {"k=x\t=y"}},
        {.name = "a quoted key keeps its closing quote (next_arg() quirk)",
         .text = "\"a b\"=c",
         .params = {"a b\"=c"}},
        {.name = "empty quoted value", .text = "k=\"\" x", .params = {"k=", "x"}},
        {.name = "empty quoted word", .text = "\"\" x", .params = {"", "x"}},
        {.name = "value of just a quote: unterminated, empty", .text = "k=\"", .params = {"k="}, .unterminated = true},
        {.name = "unterminated quote runs to the end of the line",
         .text = "ro root=\"/dev/vda 1 rootwait -- x\n",
         .params = {"ro", "root=/dev/vda 1 rootwait -- x\n"},
         .unterminated = true},
        {.name = "unterminated quote in a bare word", .text = "a \"b c", .params = {"a", "b c"}, .unterminated = true},
        {.name = "unterminated quote after a closed one",
         .text = "a=\"x\" b=\"y z",
         .params = {"a=x", "b=y z"},
         .unterminated = true},
        {.name = "-- hands the rest to init, key=value rejoined",
         .text = "ro -- single x=1 \"y=a b\" z=\"c d\"\n",
         .params = {"ro"},
         .init_args = {"single", "x=1", "y=a b", "z=c d"}},
        {.name = "-- first: everything is init's", .text = "-- rauc.slot=A root=/dev/x", .init_args = {"rauc.slot=A", "root=/dev/x"}},
        {.name = "-- last: no init arguments", .text = "ro --\n", .params = {"ro"}},
        {.name = "-- with white space around it", .text = "a\t--\tb", .params = {"a"}, .init_args = {"b"}},
        {.name = "unterminated quote after --",
         .text = "a -- x=\"1 2",
         .params = {"a"},
         .init_args = {"x=1 2"},
         .unterminated = true},
        {.name = "--- and --x are no separators", .text = "--- --x -", .params = {"---", "--x", "-"}},
        {.name = "--= is no separator", .text = "--=1 a", .params = {"--=1", "a"}},
        {.name = "-- inside quotes is no separator", .text = "a=\"x -- y\" b", .params = {"a=x -- y", "b"}},
        {.name = "non-ASCII bytes pass through", .text = "k=\xc3\xa4\xff", .params = {"k=\xc3\xa4\xff"}},
};

static void test_split(void) {
        for (size_t i = 0; i < ELEMENTSOF(split); i++) {
                const typeof(split[0]) *t = &split[i];
                unit_case("kcmdline_parse: %s", t->name);
                struct kcmdline c = {0};
                struct diag d = {0};
                if (!CHECK_ERR(kcmdline_parse(t->text, &c, &d), 0))
                        continue;
                size_t n_params = 0, n_init = 0;
                while (n_params < MAXP && t->params[n_params])
                        n_params++;
                while (n_init < MAXP && t->init_args[n_init])
                        n_init++;
                CHECK_INTEQ(c.n_params, n_params);
                CHECK_INTEQ(c.n_init_args, n_init);
                for (size_t j = 0; j < c.n_params && j < n_params; j++) {
                        char buf[256];
                        format_param(&c.params[j], buf, sizeof buf);
                        CHECK_STREQ(buf, t->params[j]);
                }
                for (size_t j = 0; j < c.n_init_args && j < n_init; j++)
                        CHECK_STREQ(c.init_args[j], t->init_args[j]);
                CHECK_INTEQ(c.unterminated_quote, t->unterminated);
                /* an unterminated quote is a warning, never an error */
                CHECK_INTEQ(d.n_warn, t->unterminated ? 1 : 0);
                CHECK_WARNED(&d, t->unterminated ? "unterminated quote: it runs to the end of the line" : NULL);
                CHECK_STREQ(d.error, "");
                kcmdline_free(&c);
        }
}

/* Where the kernel's next_arg() behaves oddly, the parser does as it does. */
static const struct {
        const char *name;
        const char *text;
        const char *param;
} split_kernel_divergence[] = {
        /* next_arg() removes the value's opening quote and a closing one at the end of the
         * word, then checks the whole word's quote at args[i-1], which it already cleared:
         * only one closing quote goes. cmdline.h promises "one pair of quotes around the
         * whole word or the value is removed". */
        {"whole word and value both quoted: one closing quote removed", "\"a=\"b\"\"", "a=b\""},
};

static void test_split_divergence(void) {
        for (size_t i = 0; i < ELEMENTSOF(split_kernel_divergence); i++) {
                unit_case("kcmdline_parse: %s", split_kernel_divergence[i].name);
                struct kcmdline c = {0};
                if (!CHECK_ERR(kcmdline_parse(split_kernel_divergence[i].text, &c, NULL), 0))
                        continue;
                if (CHECK_INTEQ(c.n_params, 1)) {
                        char buf[256];
                        format_param(&c.params[0], buf, sizeof buf);
                        CHECK_STREQ(buf, split_kernel_divergence[i].param);
                }
                kcmdline_free(&c);
        }
}

/* Generated lines at and past the limits. */
static char *words(size_t n, const char *prefix) {
        size_t plen = strlen(prefix);
        char *s = malloc(plen + n * 2 + 1);
        if (!s)
                abort();
        memcpy(s, prefix, plen);
        for (size_t i = 0; i < n; i++)
                memcpy(s + plen + i * 2, "w ", 2);
        s[plen + n * 2] = '\0';
        return s;
}

static void test_split_limits(void) {
        static const struct {
                const char *name;
                size_t len;      /* a line of len bytes: "k=vvv..." */
                size_t n_words;  /* or of n_words words, after prefix */
                const char *prefix;
                int ret;
                const char *error;
        } cases[] = {
                {.name = "line of exactly CMDLINE_SIZE_MAX bytes", .len = CMDLINE_SIZE_MAX, .ret = 0},
                {.name = "line of CMDLINE_SIZE_MAX+1 bytes",
                 .len = CMDLINE_SIZE_MAX + 1,
                 .ret = -E2BIG,
                 .error = "longer than 65536 bytes"},
                {.name = "exactly CMDLINE_PARAMS_MAX words", .n_words = CMDLINE_PARAMS_MAX, .prefix = "", .ret = 0},
                {.name = "CMDLINE_PARAMS_MAX+1 words",
                 .n_words = CMDLINE_PARAMS_MAX + 1,
                 .prefix = "",
                 .ret = -E2BIG,
                 .error = "more than 512 words"},
                {.name = "exactly CMDLINE_PARAMS_MAX init arguments", .n_words = CMDLINE_PARAMS_MAX, .prefix = "a -- ", .ret = 0},
                {.name = "CMDLINE_PARAMS_MAX+1 init arguments",
                 .n_words = CMDLINE_PARAMS_MAX + 1,
                 .prefix = "a -- ",
                 .ret = -E2BIG,
                 .error = "more than 512 words"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("kcmdline_parse limits: %s", cases[i].name);
                _cleanup_free_ char *text = NULL;
                if (cases[i].len) {
                        text = unit_repeat('v', cases[i].len);
                        memcpy(text, "k=", 2);
                } else
                        text = words(cases[i].n_words, cases[i].prefix);
                struct kcmdline c = {0};
                struct diag d = {0};
                int r = kcmdline_parse(text, &c, &d);
                CHECK_ERR(r, cases[i].ret);
                CHECK_CONTAINS(d.error, cases[i].error);
                if (r == 0 && cases[i].len)
                        CHECK(c.n_params == 1 && strlen(c.params[0].value) == cases[i].len - 2);
                if (r == 0 && cases[i].n_words)
                        CHECK_INTEQ(c.n_params + c.n_init_args, cases[i].n_words + (cases[i].prefix[0] ? 1 : 0));
                if (r < 0)
                        CHECK(c.params == NULL && c.init_args == NULL);
                kcmdline_free(&c);
        }
}

static const struct {
        const char *name;
        const char *text;
        const char *key;
        const char *value;
        size_t count;
        bool flag;
} get[] = {
        {"absent", "ro quiet", "root", NULL, 0, false},
        {"given once", "root=/dev/vda2", "root", "/dev/vda2", 1, false},
        {"given twice: the last value wins", "root=/dev/a ro root=/dev/b", "root", "/dev/b", 2, false},
        {"empty value is a value", "root=", "root", "", 1, false},
        {"bare word: no value, but a flag", "rootwait", "rootwait", NULL, 0, true},
        {"key=value is no flag", "rootwait=1", "rootwait", "1", 1, false},
        {"a later bare word does not hide the value", "root=/dev/a root", "root", "/dev/a", 1, true},
        {"keys are matched whole", "rootfstype=ext4 rootflags=rw", "root", NULL, 0, false},
        {"keys are case-sensitive", "ROOT=/dev/a RO", "root", NULL, 0, false},
        {"words after -- are init's, not options", "ro -- root=/dev/x rootwait", "root", NULL, 0, false},
        {"flags after -- are init's", "ro -- rootwait", "rootwait", NULL, 0, false},
};

static void test_get(void) {
        for (size_t i = 0; i < ELEMENTSOF(get); i++) {
                unit_case("kcmdline_get/has_flag: %s", get[i].name);
                struct kcmdline c = {0};
                if (!CHECK_ERR(kcmdline_parse(get[i].text, &c, NULL), 0))
                        continue;
                size_t count = 99;
                CHECK_STREQ(kcmdline_get(&c, get[i].key, &count), get[i].value);
                CHECK_INTEQ(count, get[i].count);
                CHECK_STREQ(kcmdline_get(&c, get[i].key, NULL), get[i].value);
                CHECK_INTEQ(kcmdline_has_flag(&c, get[i].key), get[i].flag);
                kcmdline_free(&c);
        }
}

static const struct {
        const char *name;
        bool valid;
} bootnames[] = {
        {"A", true},
        {"B", true},
        {"system0", true},
        {"rootfs.1", true},
        {"a-b_c.D9", true},
        {"", false},
        {"A B", false},
        {"A/B", false},
        {"A=B", false},
        {"A\"", false},
        {"\xc3\x84", false},
        {"A\n", false},
        {"123456789012345678901234567890123456789012345678901234567890123", true},   /* 63 */
        {"1234567890123456789012345678901234567890123456789012345678901234", false}, /* 64 */
};

static void test_bootname_is_valid(void) {
        for (size_t i = 0; i < ELEMENTSOF(bootnames); i++) {
                unit_case("bootname_is_valid(\"%s\")", bootnames[i].name);
                CHECK_INTEQ(bootname_is_valid(bootnames[i].name), bootnames[i].valid);
        }
}

/* boot_args_from_cmdline(): what the tables expect. Strings NULL = absent. */
struct args_expect {
        const char *slot, *root, *rootfstype, *rootflags, *init;
        bool rootwait;
        int rootdelay_s;
        bool rw;
};

#define NO_DELAY .rootdelay_s = -1

static const struct {
        const char *name;
        const char *text; /* or built: */
        const char *build_key; /* key=<build_len copies of build_char> appended to text */
        size_t build_len;
        char build_char;
        bool build_first;      /* ... or put before text */
        int ret;
        const char *error;
        const char *warning;
        struct args_expect want;
} args[] = {
        {.name = "nothing relevant", .text = "console=ttyAMA0 quiet", .want = {NO_DELAY}},
        {.name = "a typical slot boot",
         .text = "console=ttyAMA0 rauc.slot=A rootwait ro panic=5",
         .want = {.slot = "A", .rootwait = true, NO_DELAY}},
        {.name = "every option",
         .text = "rauc.slot=B root=PARTLABEL=rootfs-b rootfstype=ext4 rootflags=noatime,errors=panic "
                 "init=/usr/lib/systemd/systemd rootdelay=12 rootwait",
         .want = {.slot = "B", .root = "PARTLABEL=rootfs-b", .rootfstype = "ext4", .rootflags = "noatime,errors=panic",
                  .init = "/usr/lib/systemd/systemd", .rootwait = true, .rootdelay_s = 12}},
        {.name = "rauc.slot whole word quoted", .text = "\"rauc.slot=A\"", .want = {.slot = "A", NO_DELAY}},
        {.name = "rauc.slot value quoted", .text = "rauc.slot=\"B\"", .want = {.slot = "B", NO_DELAY}},
        {.name = "rauc.slot given twice, identical", .text = "rauc.slot=A ro rauc.slot=A", .want = {.slot = "A", NO_DELAY}},
        {.name = "rauc.slot given twice, identical once quoted",
         .text = "rauc.slot=A \"rauc.slot=A\"",
         .want = {.slot = "A", NO_DELAY}},
        {.name = "rauc.slot given twice, different",
         .text = "rauc.slot=A rauc.slot=B",
         .ret = -EINVAL,
         .error = "rauc.slot= given twice with different values (\"A\", \"B\")"},
        {.name = "rauc.slot three times, the last different",
         .text = "rauc.slot=A rauc.slot=A rauc.slot=B",
         .ret = -EINVAL,
         .error = "different values"},
        {.name = "rauc.slot differing only in case", .text = "rauc.slot=a rauc.slot=A", .ret = -EINVAL, .error = "different values"},
        {.name = "rauc.slot bare", .text = "rauc.slot", .ret = -EINVAL, .error = "rauc.slot given without a value"},
        {.name = "rauc.slot bare after a value", .text = "rauc.slot=A rauc.slot", .ret = -EINVAL, .error = "without a value"},
        {.name = "rauc.slot empty", .text = "rauc.slot=", .ret = -EINVAL, .error = "rauc.slot=\"\" is not a valid bootname"},
        {.name = "rauc.slot with a space (quoted)",
         .text = "rauc.slot=\"A B\"",
         .ret = -EINVAL,
         .error = "rauc.slot=\"A B\" is not a valid bootname"},
        {.name = "rauc.slot with a slash", .text = "rauc.slot=../A", .ret = -EINVAL, .error = "is not a valid bootname"},
        {.name = "rauc.slot of 63 characters",
         .text = "",
         .build_key = "rauc.slot",
         .build_len = 63,
         .build_char = 'S',
         .want = {.slot = "(built)", NO_DELAY}},
        {.name = "rauc.slot of 64 characters",
         .text = "",
         .build_key = "rauc.slot",
         .build_len = 64,
         .build_char = 'S',
         .ret = -EINVAL,
         .error = "is not a valid bootname"},
        {.name = "rauc.slot longer than CMDLINE_VALUE_MAX: message shortened",
         .text = "",
         .build_key = "rauc.slot",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'S',
         .ret = -EINVAL,
         .error = "SSSS...\" is not a valid bootname"},
        {.name = "rauc.slot after -- is init's", .text = "ro -- rauc.slot=A", .want = {NO_DELAY}},
        {.name = "root= value quoted with a space", .text = "root=\"/dev/vda 1\"", .want = {.root = "/dev/vda 1", NO_DELAY}},
        {.name = "root= given twice: the last wins", .text = "root=/dev/a root=/dev/b", .want = {.root = "/dev/b", NO_DELAY}},
        {.name = "root= of exactly CMDLINE_VALUE_MAX bytes",
         .text = "ro",
         .build_key = "root",
         .build_len = CMDLINE_VALUE_MAX,
         .build_char = 'r',
         .want = {.root = "(built)", NO_DELAY}},
        {.name = "root= longer than CMDLINE_VALUE_MAX",
         .text = "ro",
         .build_key = "root",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'r',
         .ret = -ENAMETOOLONG,
         .error = "root= is longer than 1024 bytes"},
        {.name = "rootfstype= longer than CMDLINE_VALUE_MAX",
         .text = "",
         .build_key = "rootfstype",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'e',
         .ret = -ENAMETOOLONG,
         .error = "rootfstype= is longer than 1024 bytes"},
        {.name = "rootflags= of exactly CMDLINE_VALUE_MAX bytes",
         .text = "",
         .build_key = "rootflags",
         .build_len = CMDLINE_VALUE_MAX,
         .build_char = 'f',
         .want = {.rootflags = "(built)", NO_DELAY}},
        {.name = "rootflags= longer than CMDLINE_VALUE_MAX",
         .text = "",
         .build_key = "rootflags",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'f',
         .ret = -ENAMETOOLONG,
         .error = "rootflags= is longer than 1024 bytes"},
        {.name = "init= longer than CMDLINE_VALUE_MAX",
         .text = "",
         .build_key = "init",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = '/',
         .ret = -ENAMETOOLONG,
         .error = "init= is longer than 1024 bytes"},
        {.name = "an overlong root= that a later one replaces is not read",
         .text = "root=/dev/vda2",
         .build_key = "root",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'r',
         .build_first = true,
         .want = {.root = "/dev/vda2", NO_DELAY}},
        {.name = "an overlong root= after a good one is the one read",
         .text = "root=/dev/vda2",
         .build_key = "root",
         .build_len = CMDLINE_VALUE_MAX + 1,
         .build_char = 'r',
         .ret = -ENAMETOOLONG,
         .error = "root= is longer"},
        {.name = "root= empty", .text = "root=", .ret = -EINVAL, .error = "root= is empty"},
        {.name = "root= empty quoted", .text = "root=\"\"", .ret = -EINVAL, .error = "root= is empty"},
        {.name = "rootfstype= empty", .text = "rootfstype=", .ret = -EINVAL, .error = "rootfstype= is empty"},
        {.name = "rootflags= empty", .text = "rootflags=", .ret = -EINVAL, .error = "rootflags= is empty"},
        {.name = "init= empty", .text = "init=", .ret = -EINVAL, .error = "init= is empty"},
        {.name = "bare root, rootfstype, rootflags, init are ignored", .text = "root rootfstype rootflags init", .want = {NO_DELAY}},
        {.name = "init= absolute", .text = "init=/bin/sh", .want = {.init = "/bin/sh", NO_DELAY}},
        {.name = "init= relative", .text = "init=sbin/init", .ret = -EINVAL, .error = "init=sbin/init is not an absolute path"},
        {.name = "rootdelay=10", .text = "rootdelay=10", .want = {.rootdelay_s = 10}},
        {.name = "rootdelay=0", .text = "rootdelay=0", .want = {.rootdelay_s = 0}},
        {.name = "rootdelay=3600, the maximum", .text = "rootdelay=3600", .want = {.rootdelay_s = 3600}},
        {.name = "rootdelay given twice: the last wins", .text = "rootdelay=5 rootdelay=7", .want = {.rootdelay_s = 7}},
        {.name = "rootdelay=3601", .text = "rootdelay=3601", .ret = -EINVAL, .error = "rootdelay=3601 is not a number of seconds (0..3600)"},
        {.name = "rootdelay=abc", .text = "rootdelay=abc", .ret = -EINVAL, .error = "rootdelay=abc is not a number"},
        {.name = "rootdelay=-1", .text = "rootdelay=-1", .ret = -EINVAL, .error = "rootdelay=-1"},
        {.name = "rootdelay=10s", .text = "rootdelay=10s", .ret = -EINVAL, .error = "rootdelay=10s"},
        {.name = "rootdelay empty", .text = "rootdelay=", .ret = -EINVAL, .error = "rootdelay= is not a number"},
        {.name = "rootdelay huge", .text = "rootdelay=99999999999999999999", .ret = -EINVAL, .error = "rootdelay="},
        {.name = "rootdelay bare is ignored", .text = "rootdelay", .want = {NO_DELAY}},
        {.name = "rootwait", .text = "rootwait", .want = {.rootwait = true, NO_DELAY}},
        {.name = "ro", .text = "ro", .want = {NO_DELAY}},
        {.name = "rw: a warning, the slot stays read-only",
         .text = "rw",
         .warning = "\"rw\" on the command line: the slot stays read-only",
         .want = {.rw = true, NO_DELAY}},
        {.name = "rw then ro: ro", .text = "rw ro", .want = {NO_DELAY}},
        {.name = "ro then rw: rw", .text = "ro rw", .warning = "stays read-only", .want = {.rw = true, NO_DELAY}},
        {.name = "rw=1 is no flag", .text = "rw=1", .want = {NO_DELAY}},
        {.name = "rw after -- is init's", .text = "ro -- rw", .want = {NO_DELAY}},
        /* one pass reads every option: rauc.slot's errors still come before the others' */
        {.name = "a bare rauc.slot after an empty root=", .text = "root= rauc.slot", .ret = -EINVAL,
         .error = "rauc.slot given without a value"},
        {.name = "rauc.slot twice after a bad rootdelay", .text = "rootdelay=x rauc.slot=A rauc.slot=B", .ret = -EINVAL,
         .error = "different values"},
        {.name = "rootwait=1 is no flag", .text = "rootwait=1", .want = {NO_DELAY}},
        {.name = "ro=1 does not undo rw", .text = "rw ro=1", .warning = "stays read-only", .want = {.rw = true, NO_DELAY}},
        {.name = "rootdelay after root=, init= after rootdelay",
         .text = "rootdelay=3 root=/dev/x init=/i rootfstype=ext4 rootflags=ro",
         .want = {.root = "/dev/x", .rootfstype = "ext4", .rootflags = "ro", .init = "/i", .rootdelay_s = 3}},
};

static void check_arg(const char *got, const char *want, const char *built) {
        if (want && strcmp(want, "(built)") == 0)
                want = built;
        CHECK_STREQ(got, want);
}

static void test_boot_args(void) {
        for (size_t i = 0; i < ELEMENTSOF(args); i++) {
                const typeof(args[0]) *t = &args[i];
                unit_case("boot_args_from_cmdline: %s", t->name);
                _cleanup_free_ char *built = NULL, *text = NULL;
                if (t->build_key) {
                        built = unit_repeat(t->build_char, t->build_len);
                        text = t->build_first ? unit_format("%s=%s %s", t->build_key, built, t->text)
                                              : unit_format("%s %s=%s", t->text, t->build_key, built);
                } else
                        text = unit_format("%s", t->text);
                struct kcmdline c = {0};
                struct diag d = {0};
                if (!CHECK_ERR(kcmdline_parse(text, &c, &d), 0))
                        continue;
                struct boot_args a = {.slot = NULL};
                int r = boot_args_from_cmdline(&c, &a, &d);
                kcmdline_free(&c);
                if (!CHECK_ERR(r, t->ret))
                        CHECK_STREQ(d.error, "");
                if (r < 0) {
                        CHECK_CONTAINS(d.error, t->error);
                        continue;
                }
                CHECK_STREQ(d.error, "");
                CHECK_INTEQ(d.n_warn, t->warning ? 1 : 0);
                CHECK_WARNED(&d, t->warning);
                check_arg(a.slot, t->want.slot, built);
                check_arg(a.root, t->want.root, built);
                check_arg(a.rootfstype, t->want.rootfstype, built);
                check_arg(a.rootflags, t->want.rootflags, built);
                check_arg(a.init, t->want.init, built);
                CHECK_INTEQ(a.rootwait, t->want.rootwait);
                CHECK_INTEQ(a.rootdelay_s, t->want.rootdelay_s);
                CHECK_INTEQ(a.rw, t->want.rw);
                boot_args_free(&a);
                CHECK(a.slot == NULL && a.root == NULL && a.init == NULL);
                CHECK_INTEQ(a.rootdelay_s, -1);
                boot_args_free(&a); /* twice: harmless */
        }
}

/* A locked image keeps only the slot from the command line. */
static void test_apply_lock(void) {
        unit_case("boot_args_apply_lock: root=, rootfstype=, rootflags=, init= dropped, each with a warning");
        struct kcmdline k;
        if (!CHECK_ERR(kcmdline_parse("rauc.slot=A root=/dev/sda1 rootfstype=vfat rootflags=rw init=/bin/sh rootwait", &k, NULL), 0))
                return;
        struct boot_args a;
        struct diag d = {0};
        if (CHECK_ERR(boot_args_from_cmdline(&k, &a, &d), 0)) {
                boot_args_apply_lock(&a, &d);
                CHECK_STREQ(a.slot, "A");
                CHECK_STREQ(a.root, NULL);
                CHECK_STREQ(a.rootfstype, NULL);
                CHECK_STREQ(a.rootflags, NULL);
                CHECK_STREQ(a.init, NULL);
                CHECK(a.rootwait);
                CHECK_INTEQ(d.n_warn, 4);
                CHECK_WARNED(&d, "root=/dev/sda1 ignored: the image is locked");
                CHECK_WARNED(&d, "init=/bin/sh ignored: the image is locked");
                boot_args_free(&a);
        }
        kcmdline_free(&k);

        unit_case("boot_args_apply_lock: nothing to drop, nothing said");
        if (!CHECK_ERR(kcmdline_parse("rauc.slot=B", &k, NULL), 0))
                return;
        struct diag quiet = {0};
        if (CHECK_ERR(boot_args_from_cmdline(&k, &a, &quiet), 0)) {
                boot_args_apply_lock(&a, &quiet);
                CHECK_STREQ(a.slot, "B");
                CHECK_INTEQ(quiet.n_warn, 0);
                boot_args_free(&a);
        }
        kcmdline_free(&k);
}

int main(void) {
        test_split();
        test_split_divergence();
        test_split_limits();
        test_get();
        test_bootname_is_valid();
        test_boot_args();
        test_apply_lock();
        return unit_exit();
}
