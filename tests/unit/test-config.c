/* SPDX-License-Identifier: MIT */
/* config.h: paios-init.conf and its paios.<group>.<key>= command-line overrides; and the
 * helpers it is built on, parse-util.h and diag.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"
#include "keyfile.h"
#include "macro.h"
#include "parse-util.h"
#include "unit.h"

/* ---- parse-util.h ------------------------------------------------------------------- */

static const struct {
        const char *in;
        unsigned min, max;
        int ret;
        unsigned value;
} uints[] = {
        {"0", 0, 10, 0, 0},
        {"42", 0, 100, 0, 42},
        {"3600", 0, 3600, 0, 3600},
        {"007", 0, 10, 0, 7},
        {"3601", 0, 3600, -ERANGE, 0},
        {"0", 1, 10, -ERANGE, 0},
        {"4294967295", 0, UINT_MAX, 0, UINT_MAX},
        {"4294967296", 0, UINT_MAX, -ERANGE, 0},
        {"9999999999", 0, UINT_MAX, -ERANGE, 0},
        {"99999999999", 0, UINT_MAX, -EINVAL, 0}, /* more than 10 digits */
        {"", 0, 10, -EINVAL, 0},
        {"-1", 0, 10, -EINVAL, 0},
        {"+1", 0, 10, -EINVAL, 0},
        {" 1", 0, 10, -EINVAL, 0},
        {"1 ", 0, 10, -EINVAL, 0},
        {"1.5", 0, 10, -EINVAL, 0},
        {"0x10", 0, 100, -EINVAL, 0},
        {"1e3", 0, 10000, -EINVAL, 0},
        {"10s", 0, 100, -EINVAL, 0},
};

static void test_parse_uint(void) {
        for (size_t i = 0; i < ELEMENTSOF(uints); i++) {
                unit_case("parse_uint(\"%s\", %u, %u)", uints[i].in, uints[i].min, uints[i].max);
                unsigned v = 12345;
                CHECK_ERR(parse_uint(uints[i].in, uints[i].min, uints[i].max, &v), uints[i].ret);
                CHECK_INTEQ(v, uints[i].ret == 0 ? uints[i].value : 12345); /* untouched on failure */
        }
        unit_case("parse_uint(NULL)");
        unsigned v = 1;
        CHECK_ERR(parse_uint(NULL, 0, 10, &v), -EINVAL);
}

static const struct {
        const char *in;
        int ret;
        bool value;
} bools[] = {
        {"1", 0, true},      {"yes", 0, true},  {"true", 0, true},   {"on", 0, true},     {"YES", 0, true},
        {"True", 0, true},   {"ON", 0, true},   {"0", 0, false},     {"no", 0, false},    {"false", 0, false},
        {"off", 0, false},   {"NO", 0, false},  {"FALSE", 0, false}, {"Off", 0, false},   {"", -EINVAL, false},
        {"2", -EINVAL, false}, {"y", -EINVAL, false}, {"n", -EINVAL, false}, {"yess", -EINVAL, false},
        {"true ", -EINVAL, false}, {"enable", -EINVAL, false},
};

static void test_parse_bool(void) {
        for (size_t i = 0; i < ELEMENTSOF(bools); i++) {
                unit_case("parse_bool(\"%s\")", bools[i].in);
                bool b = !bools[i].value;
                int r = parse_bool(bools[i].in, &b);
                CHECK_ERR(r, bools[i].ret);
                if (r == 0)
                        CHECK_INTEQ(b, bools[i].value);
        }
}

static void test_copy_string(void) {
        static const struct {
                const char *in;
                size_t size;
                int ret;
        } cases[] = {
                {"", 1, 0}, {"abc", 4, 0}, {"abc", 3, -ENAMETOOLONG}, {"abc", 1, -ENAMETOOLONG}, {"abc", 16, 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("copy_string(\"%s\") into %zu bytes", cases[i].in, cases[i].size);
                char buf[16] = "untouched";
                CHECK_ERR(copy_string(buf, cases[i].size, cases[i].in), cases[i].ret);
                CHECK_STREQ(buf, cases[i].ret == 0 ? cases[i].in : "untouched"); /* no silent truncation */
        }
}

static void test_path_join_root(void) {
        static const struct {
                const char *root, *path;
                size_t size;
                int ret;
                const char *out;
        } cases[] = {
                {"/", "/dev", 64, 0, "/dev"},
                {"/", "dev", 64, 0, "/dev"},
                {"/tmp/r", "/dev", 64, 0, "/tmp/r/dev"},
                {"/tmp/r", "dev", 64, 0, "/tmp/r/dev"},
                {"/tmp/r", "/run/paios/slot", 64, 0, "/tmp/r/run/paios/slot"},
                {"/tmp/r", "/dev", 11, 0, "/tmp/r/dev"},
                {"/tmp/r", "/dev", 10, -ENAMETOOLONG, NULL},
                {"/", "/dev", 4, -ENAMETOOLONG, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("path_join_root(\"%s\", \"%s\") into %zu bytes", cases[i].root, cases[i].path, cases[i].size);
                char buf[64];
                CHECK_ERR(path_join_root(buf, cases[i].size, cases[i].root, cases[i].path), cases[i].ret);
                if (cases[i].out)
                        CHECK_STREQ(buf, cases[i].out);
        }
}

static void test_path_has_dotdot(void) {
        static const struct {
                const char *path;
                bool dotdot;
        } cases[] = {
                {"", false},           {"/", false},         {"..", true},          {"../a", true},
                {"/..", true},         {"/a/..", true},      {"/a/../b", true},     {"a/b/../../c", true},
                {"/a..", false},       {"/..a/b", false},    {"/a/.../b", false},   {"/a/./b", false},
                {"kernel/a..b.ko", false}, {"/dev/../etc", true},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("path_has_dotdot(\"%s\")", cases[i].path);
                CHECK_INTEQ(path_has_dotdot(cases[i].path), cases[i].dotdot);
        }
}

/* ---- diag.h ------------------------------------------------------------------------- */

static void test_diag(void) {
        unit_case("diag_fail: returns err, records the text");
        struct diag d = {0};
        CHECK_ERR(diag_fail(&d, -EINVAL, "bad %s=%d", "x", 3), -EINVAL);
        CHECK_STREQ(d.error, "bad x=3");
        CHECK_INTEQ(d.n_warn, 0);

        unit_case("diag_fail: NULL diag still returns err");
        CHECK_ERR(diag_fail(NULL, -ENOENT, "ignored %d", 1), -ENOENT);
        diag_warn(NULL, "ignored %d", 2);
        diag_clear(NULL);

        unit_case("diag_fail: a long message is cut at DIAG_TEXT_MAX-1");
        _cleanup_free_ char *longtext = unit_repeat('e', 2 * DIAG_TEXT_MAX);
        diag_fail(&d, -E2BIG, "%s", longtext);
        CHECK_INTEQ(strlen(d.error), DIAG_TEXT_MAX - 1);

        unit_case("diag_warn: DIAG_WARN_MAX kept, the rest counted");
        diag_clear(&d);
        CHECK_STREQ(d.error, "");
        for (int i = 0; i < DIAG_WARN_MAX + 3; i++)
                diag_warn(&d, "warning %d", i);
        CHECK_INTEQ(d.n_warn, DIAG_WARN_MAX);
        CHECK_INTEQ(d.n_warn_dropped, 3);
        CHECK_STREQ(d.warn[0], "warning 0");
        CHECK_STREQ(d.warn[DIAG_WARN_MAX - 1], "warning 15");
        diag_warn(&d, "%s", longtext);
        CHECK_INTEQ(d.n_warn_dropped, 4);

        unit_case("diag_warn: a long warning is cut");
        diag_clear(&d);
        diag_warn(&d, "%s", longtext);
        CHECK_INTEQ(strlen(d.warn[0]), DIAG_TEXT_MAX - 1);

        unit_case("diag_clear: everything reset");
        diag_clear(&d);
        CHECK_INTEQ(d.n_warn, 0);
        CHECK_INTEQ(d.n_warn_dropped, 0);
        CHECK_STREQ(d.warn[0], "");
}

/* ---- config.h ----------------------------------------------------------------------- */

enum { FIELD_TEXT_MAX = 8192 }; /* the longest option as text: 16 paths of 255 bytes */

static void join_paths(char *buf, const struct path_list *l) {
        for (size_t i = 0; i < l->n; i++) {
                if (i)
                        strcat(buf, " ");
                strcat(buf, l->path[i]);
        }
}

/* One option of a config as text ("boot.device-timeout" -> "30"): the tables compare
 * these, so every option is checked the same way. Modules and paths: space-separated. */
static const char *field(const struct config *c, const char *name) {
        static char buf[FIELD_TEXT_MAX];
        buf[0] = '\0';
        if (strcmp(name, "boot.system-conf") == 0)
                return c->system_conf;
        if (strcmp(name, "boot.init") == 0)
                return c->init;
        if (strcmp(name, "boot.device-timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->device_timeout_s);
        else if (strcmp(name, "boot.failure-action") == 0)
                return failure_action_name(c->failure_action);
        else if (strcmp(name, "boot.failure-delay") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->failure_delay_s);
        else if (strcmp(name, "boot.debug") == 0)
                return c->debug ? "true" : "false";
        else if (strcmp(name, "modules.load") == 0) {
                for (size_t i = 0; i < c->n_modules; i++) {
                        if (i)
                                strcat(buf, " ");
                        strcat(buf, c->modules[i]);
                }
        } else if (strcmp(name, "modules.include") == 0)
                return c->modules_include;
        else if (strcmp(name, "modules.coldplug") == 0)
                return c->coldplug ? "true" : "false";
        else if (strcmp(name, "boot.shell-timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->shell_timeout_s);
        else if (strcmp(name, "boot.locked") == 0)
                return c->locked ? "true" : "false";
        else if (strcmp(name, "overlay.upper") == 0)
                return overlay_upper_name(c->upper);
        else if (strcmp(name, "overlay.tmpfs-size") == 0)
                return c->tmpfs_size;
        else if (strcmp(name, "data.device") == 0)
                return c->data_device;
        else if (strcmp(name, "data.fstype") == 0)
                return c->data_fstype;
        else if (strcmp(name, "data.options") == 0)
                return c->data_options;
        else if (strcmp(name, "data.timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->data_timeout_s);
        else if (strcmp(name, "data.check") == 0)
                return c->data_check ? "true" : "false";
        else if (strcmp(name, "data.format-blank") == 0)
                return c->data_format_blank ? "true" : "false";
        else if (strcmp(name, "data.required") == 0)
                return c->data_required ? "true" : "false";
        else if (strcmp(name, "data.binds") == 0)
                join_paths(buf, &c->data_binds);
        else if (strcmp(name, "data.protected") == 0)
                join_paths(buf, &c->data_protected);
        else if (strcmp(name, "data.allow-factory-reset") == 0)
                return c->data_allow_factory_reset ? "true" : "false";
        else if (strcmp(name, "data.factory-reset") == 0)
                return c->data_factory_reset ? "true" : "false";
        else if (strcmp(name, "bootenv.config") == 0)
                return c->bootenv_config;
        else if (strcmp(name, "bootenv.device") == 0)
                return c->bootenv_device;
        else if (strcmp(name, "bootenv.fstype") == 0)
                return c->bootenv_fstype;
        else if (strcmp(name, "bootenv.file") == 0)
                return c->bootenv_file;
        else if (strcmp(name, "bootenv.size") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->bootenv_size);
        else if (strcmp(name, "bootenv.timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->bootenv_timeout_s);
        else if (strcmp(name, "bootenv.mark-bad") == 0)
                return c->bootenv_mark_bad ? "true" : "false";
        else if (strcmp(name, "hooks.dir") == 0)
                return c->hooks_dir;
        else if (strcmp(name, "hooks.timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->hooks_timeout_s);
        else if (strcmp(name, "hooks.fatal") == 0)
                return c->hooks_fatal ? "true" : "false";
        else if (strcmp(name, "watchdog.device") == 0)
                return c->watchdog_device;
        else if (strcmp(name, "watchdog.timeout") == 0)
                (void)snprintf(buf, sizeof buf, "%u", c->watchdog_timeout_s);
        else if (strcmp(name, "watchdog.required") == 0)
                return c->watchdog_required ? "true" : "false";
        else
                return "(no such option in the test's field())";
        return buf;
}

static const char *const all_options[] = {
        "boot.system-conf", "boot.init",          "boot.device-timeout", "boot.failure-action",
        "boot.failure-delay", "boot.shell-timeout", "boot.locked", "boot.debug",
        "modules.load",        "modules.include", "modules.coldplug",
        "overlay.upper", "overlay.tmpfs-size",
        "data.device", "data.fstype", "data.options", "data.timeout", "data.check", "data.format-blank",
        "data.required", "data.binds", "data.protected", "data.allow-factory-reset", "data.factory-reset",
        "bootenv.config", "bootenv.device", "bootenv.fstype", "bootenv.file", "bootenv.size", "bootenv.timeout",
        "bootenv.mark-bad",
        "hooks.dir", "hooks.timeout", "hooks.fatal",
        "watchdog.device",  "watchdog.timeout",    "watchdog.required",
};

static bool configs_equal(const struct config *a, const struct config *b) {
        for (size_t i = 0; i < ELEMENTSOF(all_options); i++) {
                char fa[FIELD_TEXT_MAX];
                (void)snprintf(fa, sizeof fa, "%s", field(a, all_options[i]));
                if (strcmp(fa, field(b, all_options[i])) != 0)
                        return false;
        }
        return true;
}

struct want {
        const char *option, *value;
};

static void check_fields(const struct config *c, const struct want *want, size_t n) {
        for (size_t i = 0; i < n && want[i].option; i++) {
                char expr[96];
                (void)snprintf(expr, sizeof expr, "config %s", want[i].option);
                unit_check_streq(field(c, want[i].option), want[i].value, __FILE__, __LINE__, expr, "expected");
        }
}

static const struct want defaults[] = {
        {"boot.system-conf", "/etc/rauc/system.conf"},
        {"boot.init", ""},
        {"boot.device-timeout", "30"},
        {"boot.failure-action", "reboot"},
        {"boot.failure-delay", "5"},
        {"boot.debug", "false"},
        {"modules.load", ""},
        {"modules.include", ""},
        {"modules.coldplug", "true"},
        {"boot.shell-timeout", "600"},
        {"boot.locked", "false"},
        {"overlay.upper", "tmpfs"},
        {"overlay.tmpfs-size", "50%"},
        {"data.device", ""},
        {"data.fstype", "ext4"},
        {"data.options", ""},
        {"data.timeout", "10"},
        {"data.check", "true"},
        {"data.format-blank", "false"},
        {"data.required", "false"},
        {"data.binds", ""},
        {"data.protected", "/etc/rauc"},
        {"data.allow-factory-reset", "false"},
        {"data.factory-reset", "false"},
        {"bootenv.config", ""},
        {"bootenv.device", ""},
        {"bootenv.fstype", "vfat"},
        {"bootenv.file", "/uboot.env"},
        {"bootenv.size", "16384"},
        {"bootenv.timeout", "5"},
        {"bootenv.mark-bad", "true"},
        {"hooks.dir", "/lib/paios/hooks"},
        {"hooks.timeout", "10"},
        {"hooks.fatal", "false"},
        {"watchdog.device", "/dev/watchdog"},
        {"watchdog.timeout", "60"},
        {"watchdog.required", "false"},
};

static void test_defaults(void) {
        unit_case("config_defaults");
        struct config c;
        memset(&c, 0xa5, sizeof c); /* defaults must not depend on what was there */
        config_defaults(&c);
        check_fields(&c, defaults, ELEMENTSOF(defaults));
        CHECK_INTEQ(c.n_modules, 0);
        CHECK_INTEQ(c.failure_action, FAILURE_REBOOT);
        CHECK_INTEQ(c.upper, UPPER_TMPFS);
        CHECK_INTEQ(c.data_binds.n, 0);
        CHECK_INTEQ(c.data_protected.n, 1);
}

struct described {
        size_t n;
        char text[8192]; /* the described defaults written out as a configuration file */
        char last_group[32];
        bool bad;
};

static void describe_cb(void *userdata, const char *group, const char *key, const char *def, const char *help) {
        struct described *x = userdata;
        size_t used = strlen(x->text);
        if (strcmp(group, x->last_group) != 0) {
                used += (size_t)snprintf(x->text + used, sizeof x->text - used, "[%s]\n", group);
                (void)snprintf(x->last_group, sizeof x->last_group, "%s", group);
        }
        (void)snprintf(x->text + used, sizeof x->text - used, "%s=%s\n", key, def);
        if (!help || !help[0] || !def)
                x->bad = true;
        x->n++;
}

static void test_describe(void) {
        unit_case("config_describe: every option, with help; its defaults are config_defaults()");
        struct described x = {0};
        config_describe(describe_cb, &x);
        CHECK_INTEQ(x.n, ELEMENTSOF(all_options));
        CHECK(!x.bad);
        for (size_t i = 0; i < ELEMENTSOF(all_options); i++) {
                /* "boot.device-timeout" is described as "[boot]" ... "device-timeout=" */
                const char *dot = strchr(all_options[i], '.');
                char group[32], key[64];
                (void)snprintf(group, sizeof group, "[%.*s]\n", (int)(dot - all_options[i]), all_options[i]);
                (void)snprintf(key, sizeof key, "\n%s=", dot + 1);
                CHECK_CONTAINS(x.text, group);
                CHECK_CONTAINS(x.text, key);
        }
        /* writing the described defaults as a file and applying it changes nothing */
        struct keyfile kf = {0};
        struct diag d = {0};
        if (!CHECK_ERR(keyfile_parse(x.text, strlen(x.text), &kf, &d), 0))
                return;
        struct config described, defaulted;
        config_defaults(&described);
        config_defaults(&defaulted);
        described.debug = !described.debug; /* so the file must set it back */
        described.device_timeout_s = 1;
        CHECK_ERR(config_apply_keyfile(&described, &kf, &d), 0);
        CHECK_INTEQ(d.n_warn, 0);
        CHECK(configs_equal(&described, &defaulted));
        /* config_defaults() is a constant: the described texts, applied to nothing, make it */
        struct config parsed;
        memset(&parsed, 0, sizeof parsed);
        CHECK_ERR(config_apply_keyfile(&parsed, &kf, &d), 0);
        CHECK(configs_equal(&parsed, &defaulted));
        CHECK(memcmp(&parsed, &defaulted, sizeof parsed) == 0); /* every byte: no field the table misses */
        keyfile_free(&kf);
}

static void test_overlay_upper_name(void) {
        static const struct {
                int upper;
                const char *name;
        } names[] = {{UPPER_TMPFS, "tmpfs"}, {UPPER_DATA, "data"}, {2, "?"}, {-1, "?"}};
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                unit_case("overlay_upper_name(%d)", names[i].upper);
                CHECK_STREQ(overlay_upper_name((enum overlay_upper)names[i].upper), names[i].name);
        }
}

static void test_failure_action_name(void) {
        static const struct {
                int action;
                const char *name;
        } names[] = {{FAILURE_REBOOT, "reboot"}, {FAILURE_SHELL, "shell"}, {FAILURE_HALT, "halt"}, {3, "?"}, {-1, "?"}};
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                unit_case("failure_action_name(%d)", names[i].action);
                CHECK_STREQ(failure_action_name((enum failure_action)names[i].action), names[i].name);
        }
}

enum { WANT_MAX = 12 };

/* Configuration files applied on top of the defaults. "%s" in text stands for fill
 * copies of c (for overlong values). */
static const struct {
        const char *name;
        const char *text;
        size_t fill;
        char c;
        int ret;
        const char *error;
        const char *warning;
        size_t n_warn;
        struct want want[WANT_MAX];
} files[] = {
        {.name = "empty file: defaults", .text = "", .want = {{"boot.device-timeout", "30"}, {"boot.failure-action", "reboot"}}},
        {.name = "every option set",
         .text = "[boot]\nsystem-conf=/etc/rauc/other.conf\ninit=/usr/lib/systemd/systemd\ndevice-timeout=90\n"
                 "failure-action=halt\nfailure-delay=0\ndebug=yes\n"
                 "[modules]\nload=ext4 overlay\ncoldplug=off\n"
                 "[overlay]\ntmpfs-size=256M\n"
                 "[watchdog]\ndevice=/dev/watchdog1\ntimeout=0\nrequired=true\n",
         .want = {{"boot.system-conf", "/etc/rauc/other.conf"}, {"boot.init", "/usr/lib/systemd/systemd"},
                  {"boot.device-timeout", "90"}, {"boot.failure-action", "halt"}, {"boot.failure-delay", "0"},
                  {"boot.debug", "true"}}},
        {.name = "every option set (the rest)",
         .text = "[modules]\nload=ext4 overlay\ncoldplug=off\n[overlay]\ntmpfs-size=256M\n"
                 "[watchdog]\ndevice=/dev/watchdog1\ntimeout=0\nrequired=true\n",
         .want = {{"modules.load", "ext4 overlay"}, {"modules.coldplug", "false"}, {"overlay.tmpfs-size", "256M"},
                  {"watchdog.device", "/dev/watchdog1"}, {"watchdog.timeout", "0"}, {"watchdog.required", "true"}}},
        {.name = "every [overlay] and [data] option set",
         .text = "[overlay]\nupper=data\n"
                 "[data]\ndevice=PARTLABEL=data\nfstype=ext4\noptions=noatime,commit=30\ntimeout=30\ncheck=false\n"
                 "format-blank=true\nrequired=true\nbinds=/etc/machine-id /var/log /var/lib/rauc\n"
                 "protected=/etc/rauc /etc/ssh\nallow-factory-reset=true\nfactory-reset=yes\n",
         .want = {{"overlay.upper", "data"}, {"data.device", "PARTLABEL=data"}, {"data.fstype", "ext4"},
                  {"data.options", "noatime,commit=30"}, {"data.timeout", "30"}, {"data.check", "false"},
                  {"data.format-blank", "true"}, {"data.required", "true"},
                  {"data.binds", "/etc/machine-id /var/log /var/lib/rauc"}, {"data.protected", "/etc/rauc /etc/ssh"},
                  {"data.allow-factory-reset", "true"}, {"data.factory-reset", "true"}}},
        {.name = "the test initramfs's [data] (initramfs/paios-init.conf)",
         .text = "[overlay]\nupper = tmpfs\ntmpfs-size = 50%\n[data]\ndevice = PARTLABEL=data\nfstype = ext4\n"
                 "check = true\nformat-blank = true\nrequired = false\n"
                 "binds = /etc/machine-id /var/log /var/lib/rauc\nprotected = /etc/rauc\n",
         .want = {{"overlay.upper", "tmpfs"}, {"data.device", "PARTLABEL=data"}, {"data.format-blank", "true"},
                  {"data.binds", "/etc/machine-id /var/log /var/lib/rauc"}, {"data.protected", "/etc/rauc"},
                  {"data.timeout", "10"}}},
        {.name = "overlay.upper tmpfs after data", .text = "[overlay]\nupper=data\nupper=tmpfs\n",
         .want = {{"overlay.upper", "tmpfs"}}},
        {.name = "data.device by path, UUID, LABEL",
         .text = "[data]\ndevice=/dev/mmcblk0p4\n", .want = {{"data.device", "/dev/mmcblk0p4"}}},
        {.name = "data.device empty: no /data", .text = "[data]\ndevice=UUID=x\ndevice=\n", .want = {{"data.device", ""}}},
        {.name = "data.timeout 0 and its maximum", .text = "[data]\ntimeout=0\ntimeout=600\n",
         .want = {{"data.timeout", "600"}}},
        {.name = "path lists: tabs and runs of spaces separate",
         .text = "[data]\nbinds = /var/log\t/var/lib/rauc   /etc/machine-id\t \n",
         .want = {{"data.binds", "/var/log /var/lib/rauc /etc/machine-id"}}},
        {.name = "path lists: \"..\" is refused even among good ones",
         .text = "[data]\nbinds=/.config /etc/.. /a/...\n",
         .ret = -EINVAL, .error = "data.binds: \"/etc/..\" is no absolute path below / without \"..\""},
        {.name = "path lists: hidden names and triple dots",
         .text = "[data]\nbinds=/.config /a/... /a/.b/c.d /x..y\n",
         .want = {{"data.binds", "/.config /a/... /a/.b/c.d /x..y"}}},
        {.name = "path lists: an empty value clears the default", .text = "[data]\nprotected=\n",
         .want = {{"data.protected", ""}}},
        {.name = "path lists: only blanks is empty", .text = "[data]\nbinds=/a\nbinds= \t \n",
         .want = {{"data.binds", ""}}},
        {.name = "path lists: a later list replaces the earlier one",
         .text = "[data]\nbinds=/a /b\nbinds=/c\nprotected=/etc/rauc /etc/ssh\nprotected=/etc/x\n",
         .want = {{"data.binds", "/c"}, {"data.protected", "/etc/x"}}},
        {.name = "modules.include is kept as written (mkinitramfs reads it)",
         .text = "[modules]\ninclude = virtio_pci virtio_blk\n",
         .want = {{"modules.include", "virtio_pci virtio_blk"}, {"modules.load", ""}}},
        {.name = "failure-action shell", .text = "[boot]\nfailure-action=shell\n", .want = {{"boot.failure-action", "shell"}}},
        {.name = "failure-action reboot", .text = "[boot]\nfailure-action=halt\nfailure-action=reboot\n",
         .want = {{"boot.failure-action", "reboot"}}},
        {.name = "repeated key: the last wins", .text = "[boot]\ndevice-timeout=5\ndevice-timeout=7\n",
         .want = {{"boot.device-timeout", "7"}}},
        {.name = "group given twice", .text = "[boot]\ndebug=1\n[watchdog]\ntimeout=5\n[boot]\ndebug=0\n",
         .want = {{"boot.debug", "false"}, {"watchdog.timeout", "5"}}},
        {.name = "maximum seconds", .text = "[boot]\ndevice-timeout=3600\nfailure-delay=600\n[watchdog]\ntimeout=3600\n",
         .want = {{"boot.device-timeout", "3600"}, {"boot.failure-delay", "600"}, {"watchdog.timeout", "3600"}}},
        {.name = "empty init: the kernel's order", .text = "[boot]\ninit=/sbin/init\ninit=\n", .want = {{"boot.init", ""}}},
        {.name = "boolean spellings", .text = "[boot]\ndebug=ON\n[modules]\ncoldplug=0\n[watchdog]\nrequired=Yes\n",
         .want = {{"boot.debug", "true"}, {"modules.coldplug", "false"}, {"watchdog.required", "true"}}},
        /* "true" and "false" take a shortcut past parse_bool(): the other spellings must not */
        {.name = "booleans true and false (the shortcut)",
         .text = "[boot]\ndebug=true\n[modules]\ncoldplug=false\n[watchdog]\nrequired=true\n",
         .want = {{"boot.debug", "true"}, {"modules.coldplug", "false"}, {"watchdog.required", "true"}}},
        {.name = "booleans TRUE and False (past the shortcut)",
         .text = "[boot]\ndebug=TRUE\n[modules]\ncoldplug=False\n",
         .want = {{"boot.debug", "true"}, {"modules.coldplug", "false"}}},
        {.name = "unknown key: a warning naming its line, not an error",
         .text = "[boot]\ndebug=1\nfancy-splash=yes\n",
         .warning = "configuration line 3: unknown option [boot] fancy-splash, ignored",
         .n_warn = 1,
         .want = {{"boot.debug", "true"}}},
        {.name = "unknown group: a warning per key",
         .text = "[network]\ndhcp=yes\nvlan=4\n[boot]\ndebug=1\n",
         .warning = "configuration line 2: unknown option [network] dhcp",
         .n_warn = 2,
         .want = {{"boot.debug", "true"}}},
        {.name = "a key of another group is unknown here",
         .text = "[boot]\ntimeout=5\n",
         .warning = "unknown option [boot] timeout",
         .n_warn = 1,
         .want = {{"watchdog.timeout", "60"}, {"boot.device-timeout", "30"}}},
        {.name = "localized keys are not even seen", .text = "[boot]\ninit[de]=/x\n", .n_warn = 0, .want = {{"boot.init", ""}}},
        {.name = "modules separated by spaces, tabs and commas",
         .text = "[modules]\nload = ext4, overlay\tvirtio_blk,,  i6300esb ,\n",
         .want = {{"modules.load", "ext4 overlay virtio_blk i6300esb"}}},
        {.name = "module aliases and dashes",
         .text = "[modules]\nload=pci:v00008086d*sv*sd*bc*sc*i* snd-hda-intel fs-overlay crc32c.generic\n",
         .want = {{"modules.load", "pci:v00008086d*sv*sd*bc*sc*i* snd-hda-intel fs-overlay crc32c.generic"}}},
        {.name = "a later module list replaces the earlier one",
         .text = "[modules]\nload=a b c\nload=d\n",
         .want = {{"modules.load", "d"}}},
        {.name = "an empty module list clears it", .text = "[modules]\nload=a b\nload=\n", .want = {{"modules.load", ""}}},
        {.name = "a list of separators only is empty", .text = "[modules]\nload= , ,\n", .want = {{"modules.load", ""}}},
        {.name = "module name of 63 bytes", .text = "[modules]\nload=%s\n", .fill = CONFIG_MODULE_NAME_MAX - 1, .c = 'm',
         .want = {{"modules.load", "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"}}},
        {.name = "tmpfs-size of 31 bytes", .text = "[overlay]\ntmpfs-size=%s\n", .fill = 31, .c = '9',
         .want = {{"overlay.tmpfs-size", "9999999999999999999999999999999"}}},
        /* errors: name group.key (and the value) */
        {.name = "device-timeout not a number", .text = "[boot]\ndevice-timeout=soon\n", .ret = -EINVAL,
         .error = "boot.device-timeout=soon is not a number of seconds (0..3600)"},
        {.name = "device-timeout too large", .text = "[boot]\ndevice-timeout=3601\n", .ret = -ERANGE,
         .error = "boot.device-timeout=3601 is not a number of seconds (0..3600)"},
        {.name = "device-timeout with a unit", .text = "[boot]\ndevice-timeout=30s\n", .ret = -EINVAL,
         .error = "boot.device-timeout=30s"},
        {.name = "device-timeout negative", .text = "[boot]\ndevice-timeout=-1\n", .ret = -EINVAL, .error = "boot.device-timeout=-1"},
        {.name = "device-timeout empty", .text = "[boot]\ndevice-timeout=\n", .ret = -EINVAL, .error = "boot.device-timeout="},
        {.name = "failure-delay too large", .text = "[boot]\nfailure-delay=601\n", .ret = -ERANGE,
         .error = "boot.failure-delay=601 is not a number of seconds (0..600)"},
        {.name = "watchdog.timeout not a number", .text = "[watchdog]\ntimeout=1m\n", .ret = -EINVAL, .error = "watchdog.timeout=1m"},
        {.name = "failure-action unknown", .text = "[boot]\nfailure-action=explode\n", .ret = -EINVAL,
         .error = "boot.failure-action=explode is none of reboot, shell, halt"},
        {.name = "failure-action is case-sensitive", .text = "[boot]\nfailure-action=Shell\n", .ret = -EINVAL,
         .error = "boot.failure-action=Shell"},
        {.name = "debug not a boolean", .text = "[boot]\ndebug=maybe\n", .ret = -EINVAL, .error = "boot.debug=maybe is not a boolean"},
        {.name = "debug truex not a boolean", .text = "[boot]\ndebug=truex\n", .ret = -EINVAL, .error = "boot.debug=truex is not a boolean"},
        {.name = "debug fals not a boolean", .text = "[boot]\ndebug=fals\n", .ret = -EINVAL, .error = "boot.debug=fals is not a boolean"},
        {.name = "coldplug empty", .text = "[modules]\ncoldplug=\n", .ret = -EINVAL, .error = "modules.coldplug= is not a boolean"},
        {.name = "watchdog.required not a boolean", .text = "[watchdog]\nrequired=2\n", .ret = -EINVAL,
         .error = "watchdog.required=2 is not a boolean"},
        {.name = "system-conf relative", .text = "[boot]\nsystem-conf=etc/rauc/system.conf\n", .ret = -EINVAL,
         .error = "boot.system-conf=etc/rauc/system.conf is not an absolute path"},
        {.name = "init relative", .text = "[boot]\ninit=sbin/init\n", .ret = -EINVAL, .error = "boot.init=sbin/init is not an absolute path"},
        {.name = "system-conf with ..", .text = "[boot]\nsystem-conf=/etc/../tmp/system.conf\n", .ret = -EINVAL,
         .error = "boot.system-conf=/etc/../tmp/system.conf contains \"..\""},
        {.name = "watchdog.device ending in /..", .text = "[watchdog]\ndevice=/dev/..\n", .ret = -EINVAL,
         .error = "watchdog.device=/dev/.. contains \"..\""},
        {.name = "init of just /..", .text = "[boot]\ninit=/..\n", .ret = -EINVAL, .error = "contains \"..\""},
        {.name = "system-conf of CONFIG_PATH_MAX bytes", .text = "[boot]\nsystem-conf=/%s\n", .fill = CONFIG_PATH_MAX - 1,
         .c = 's', .ret = -ENAMETOOLONG, .error = "boot.system-conf is longer than 255 bytes"},
        {.name = "modules.include of 1024 bytes", .text = "[modules]\ninclude=%s\n", .fill = 1024, .c = 'i',
         .ret = -ENAMETOOLONG, .error = "modules.include is longer than 1023 bytes"},
        {.name = "tmpfs-size of 32 bytes", .text = "[overlay]\ntmpfs-size=%s\n", .fill = 32, .c = '9', .ret = -ENAMETOOLONG,
         .error = "overlay.tmpfs-size is longer than 31 bytes"},
        {.name = "module name with a path", .text = "[modules]\nload=ext4 ../../tmp/evil\n", .ret = -EINVAL,
         .error = "modules.load: \"../../tmp/evil\" is not a module name"},
        {.name = "module name with a slash", .text = "[modules]\nload=kernel/fs/ext4.ko\n", .ret = -EINVAL,
         .error = "\"kernel/fs/ext4.ko\" is not a module name"},
        {.name = "module name with shell characters", .text = "[modules]\nload=ext4;reboot\n", .ret = -EINVAL,
         .error = "\"ext4;reboot\" is not a module name"},
        {.name = "module name of 64 bytes", .text = "[modules]\nload=ext4 %s\n", .fill = CONFIG_MODULE_NAME_MAX, .c = 'm',
         .ret = -EINVAL, .error = "is not a module name"},
        {.name = "a very long module name is cut in the message", .text = "[modules]\nload=%s\n", .fill = 1000, .c = 'm',
         .ret = -EINVAL, .error = "modules.load: \"mmmm"},
        {.name = "overlay.upper unknown", .text = "[overlay]\nupper=disk\n", .ret = -EINVAL,
         .error = "overlay.upper=disk is none of tmpfs, data"},
        {.name = "overlay.upper is case-sensitive", .text = "[overlay]\nupper=Data\n", .ret = -EINVAL,
         .error = "overlay.upper=Data is none of tmpfs, data"},
        {.name = "overlay.upper empty", .text = "[overlay]\nupper=\n", .ret = -EINVAL,
         .error = "overlay.upper= is none of tmpfs, data"},
        {.name = "data.timeout too large", .text = "[data]\ntimeout=601\n", .ret = -ERANGE,
         .error = "data.timeout=601 is not a number of seconds (0..600)"},
        {.name = "data.check not a boolean", .text = "[data]\ncheck=sometimes\n", .ret = -EINVAL,
         .error = "data.check=sometimes is not a boolean"},
        {.name = "data.factory-reset not a boolean", .text = "[data]\nfactory-reset=now\n", .ret = -EINVAL,
         .error = "data.factory-reset=now is not a boolean"},
        {.name = "data.fstype of 32 bytes", .text = "[data]\nfstype=%s\n", .fill = 32, .c = 'f', .ret = -ENAMETOOLONG,
         .error = "data.fstype is longer than 31 bytes"},
        {.name = "data.device of CONFIG_PATH_MAX bytes", .text = "[data]\ndevice=%s\n", .fill = CONFIG_PATH_MAX,
         .c = 'd', .ret = -ENAMETOOLONG, .error = "data.device is longer than 255 bytes"},
        {.name = "data.options of CONFIG_PATH_MAX bytes", .text = "[data]\noptions=%s\n", .fill = CONFIG_PATH_MAX,
         .c = 'o', .ret = -ENAMETOOLONG, .error = "data.options is longer than 255 bytes"},
#define BAD_PATH(name_, key_, list_, item_)                                                                         \
        {.name = "path lists: " name_, .text = "[data]\n" key_ "=" list_ "\n", .ret = -EINVAL,                     \
         .error = "data." key_ ": \"" item_ "\" is no absolute path below / without \"..\""}
        BAD_PATH("relative", "binds", "/var/log var/lib", "var/lib"),
        BAD_PATH("relative first", "protected", "etc/rauc", "etc/rauc"),
        BAD_PATH("\"..\" inside", "binds", "/var/../etc", "/var/../etc"),
        BAD_PATH("\"..\" at the end", "binds", "/var/..", "/var/.."),
        BAD_PATH("\"..\" at the start", "protected", "/../etc", "/../etc"),
        BAD_PATH("only \"..\"", "binds", "..", ".."),
        BAD_PATH("\"/..\"", "binds", "/..", "/.."),
        BAD_PATH("\".\" inside", "binds", "/var/./log", "/var/./log"),
        BAD_PATH("\".\" at the end", "protected", "/etc/rauc/.", "/etc/rauc/."),
        BAD_PATH("\"/.\"", "binds", "/.", "/."),
        BAD_PATH("\".\" alone", "binds", ".", "."),
        BAD_PATH("\"//\" at the start", "binds", "//var/log", "//var/log"),
        BAD_PATH("\"//\" inside", "protected", "/etc//rauc", "/etc//rauc"),
        BAD_PATH("a trailing slash", "binds", "/var/log/", "/var/log/"),
        BAD_PATH("\"/\" itself", "binds", "/", "/"),
        BAD_PATH("\"/\" itself among others", "protected", "/etc/rauc /", "/"),
        BAD_PATH("\"//\"", "binds", "//", "//"),
        BAD_PATH("the bad one after good ones", "binds", "/a /b /c/../d /e", "/c/../d"),
#undef BAD_PATH
        {.name = "path lists: a path of CONFIG_PATH_MAX bytes", .text = "[data]\nbinds=/a /%s\n",
         .fill = CONFIG_PATH_MAX - 1, .c = 'p', .ret = -ENAMETOOLONG,
         .error = "data.binds: a path is longer than 255 bytes"},
        {.name = "path lists: an overlong bad path is cut in the message", .text = "[data]\nprotected=%s\n",
         .fill = 200, .c = 'r', .ret = -EINVAL,
         .error = "data.protected: \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\" is no absolute path"},
        {.name = "the error comes after the warnings so far",
         .text = "[boot]\nunknown=1\ndebug=perhaps\n",
         .ret = -EINVAL,
         .error = "boot.debug=perhaps",
         .warning = "line 2: unknown option [boot] unknown",
         .n_warn = 1},
};

static void test_files(void) {
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                const typeof(files[0]) *t = &files[i];
                unit_case("config_apply_keyfile: %s", t->name);
                _cleanup_free_ char *text = NULL;
                if (t->fill) {
                        _cleanup_free_ char *fill = unit_repeat(t->c, t->fill);
                        const char *at = strstr(t->text, "%s");
                        text = unit_format("%.*s%s%s", (int)(at - t->text), t->text, fill, at + 2);
                } else
                        text = unit_format("%s", t->text);
                struct keyfile kf = {0};
                struct diag d = {0};
                if (!CHECK_ERR(keyfile_parse(text, strlen(text), &kf, &d), 0))
                        continue;
                struct config c;
                config_defaults(&c);
                int r = config_apply_keyfile(&c, &kf, &d);
                keyfile_free(&kf);
                CHECK_ERR(r, t->ret);
                CHECK_INTEQ(d.n_warn, t->n_warn);
                CHECK_WARNED(&d, t->warning);
                if (r < 0)
                        CHECK_CONTAINS(d.error, t->error);
                else {
                        CHECK_STREQ(d.error, "");
                        check_fields(&c, t->want, WANT_MAX);
                }
        }
}

/* CONFIG_MODULES_MAX modules fit, one more is refused. */
static void test_modules_max(void) {
        static const struct {
                size_t n;
                const char *sep;
                int ret;
        } cases[] = {
                {CONFIG_MODULES_MAX, " ", 0},
                {CONFIG_MODULES_MAX, ",", 0},
                {CONFIG_MODULES_MAX + 1, " ", -E2BIG},
                {CONFIG_MODULES_MAX + 1, ",", -E2BIG},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("config_apply_keyfile: %zu modules separated by '%s'", cases[i].n, cases[i].sep);
                _cleanup_free_ char *text = unit_format("[modules]\nload=");
                for (size_t m = 0; m < cases[i].n; m++) {
                        char *next = unit_format("%s%smod%zu", text, m ? cases[i].sep : "", m);
                        free(text);
                        text = next;
                }
                struct keyfile kf = {0};
                if (!CHECK_ERR(keyfile_parse(text, strlen(text), &kf, NULL), 0))
                        continue;
                struct config c;
                config_defaults(&c);
                (void)copy_string(c.modules[0], sizeof c.modules[0], "before");
                c.n_modules = 1;
                struct diag d = {0};
                int r = config_apply_keyfile(&c, &kf, &d);
                keyfile_free(&kf);
                CHECK_ERR(r, cases[i].ret);
                if (r == 0) {
                        CHECK_INTEQ(c.n_modules, cases[i].n);
                        CHECK_STREQ(c.modules[CONFIG_MODULES_MAX - 1], "mod63");
                } else {
                        CHECK_CONTAINS(d.error, "modules.load lists more than 64 modules");
                        CHECK_INTEQ(c.n_modules, 1); /* the list in force stays */
                        CHECK_STREQ(c.modules[0], "before");
                }
        }
}

/* data.binds and data.protected: CONFIG_PATHS_MAX paths of up to CONFIG_PATH_MAX-1 bytes. */
static void test_paths_max(void) {
        static const struct {
                const char *key;
                size_t n, len; /* paths, and the bytes of each */
                int ret;
                const char *error;
        } cases[] = {
                {"binds", 1, 2, 0, NULL},
                {"binds", CONFIG_PATHS_MAX, 10, 0, NULL},
                {"protected", CONFIG_PATHS_MAX, 10, 0, NULL},
                {"binds", CONFIG_PATHS_MAX + 1, 10, -E2BIG, "data.binds lists more than 16 paths"},
                {"protected", CONFIG_PATHS_MAX + 1, 10, -E2BIG, "data.protected lists more than 16 paths"},
                {"binds", 1, CONFIG_PATH_MAX - 1, 0, NULL},
                /* 16 such paths do not fit in a line (KEYFILE_LINE_MAX), 15 do */
                {"binds", CONFIG_PATHS_MAX - 1, CONFIG_PATH_MAX - 1, 0, NULL},
                {"protected", 2, CONFIG_PATH_MAX, -ENAMETOOLONG, "data.protected: a path is longer than 255 bytes"},
                {"binds", 1, 4 * CONFIG_PATH_MAX, -ENAMETOOLONG, "data.binds: a path is longer than 255 bytes"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("config_apply_keyfile: data.%s of %zu paths of %zu bytes", cases[i].key, cases[i].n,
                          cases[i].len);
                /* "/p00xxxx", "/p01xxxx", ...: distinct, each exactly len bytes */
                _cleanup_free_ char *list = unit_format("%s", "");
                for (size_t k = 0; k < cases[i].n; k++) {
                        _cleanup_free_ char *path = unit_repeat('x', cases[i].len);
                        char head[32];
                        (void)snprintf(head, sizeof head, "/p%02zu", k);
                        memcpy(path, head, strlen(head) < cases[i].len ? strlen(head) : cases[i].len);
                        char *next = unit_format("%s%s%s", list, k ? " " : "", path);
                        free(list);
                        list = next;
                }
                _cleanup_free_ char *text = unit_format("[data]\n%s=/before\n%s=%s\n", cases[i].key, cases[i].key, list);
                struct keyfile kf = {0};
                if (!CHECK_ERR(keyfile_parse(text, strlen(text), &kf, NULL), 0))
                        continue;
                struct config c;
                config_defaults(&c);
                struct diag d = {0};
                int r = config_apply_keyfile(&c, &kf, &d);
                keyfile_free(&kf);
                CHECK_ERR(r, cases[i].ret);
                char name[32];
                (void)snprintf(name, sizeof name, "data.%s", cases[i].key);
                if (r == 0) {
                        CHECK_STREQ(field(&c, name), list);
                        const struct path_list *l = strcmp(cases[i].key, "binds") == 0 ? &c.data_binds : &c.data_protected;
                        CHECK_INTEQ(l->n, cases[i].n);
                        CHECK_INTEQ(strlen(l->path[cases[i].n - 1]), cases[i].len);
                } else {
                        CHECK_CONTAINS(d.error, cases[i].error);
                        CHECK_STREQ(field(&c, name), "/before"); /* the list in force stays */
                }
        }
}

/* Command-line overrides, applied on top of a configuration file. */
static const char base_file[] = "[boot]\nfailure-action=halt\ninit=/sbin/init\n[modules]\nload=ext4 overlay\n";

static const struct {
        const char *name;
        const char *cmdline;
        size_t n_warn;
        const char *warning;
        struct want want[WANT_MAX];
} cmdlines[] = {
        {.name = "no paios.* options: the file stands",
         .cmdline = "console=ttyAMA0 root=/dev/vda2 rauc.slot=A rootwait",
         .want = {{"boot.failure-action", "halt"}, {"boot.init", "/sbin/init"}, {"modules.load", "ext4 overlay"},
                  {"boot.device-timeout", "30"}}},
        {.name = "failure-action=shell", .cmdline = "paios.boot.failure-action=shell", .want = {{"boot.failure-action", "shell"}}},
        {.name = "bare boolean means true", .cmdline = "paios.boot.debug paios.watchdog.required",
         .want = {{"boot.debug", "true"}, {"watchdog.required", "true"}}},
        {.name = "boolean false", .cmdline = "paios.modules.coldplug=0", .want = {{"modules.coldplug", "false"}}},
        {.name = "seconds", .cmdline = "paios.boot.device-timeout=120 paios.watchdog.timeout=0",
         .want = {{"boot.device-timeout", "120"}, {"watchdog.timeout", "0"}}},
        {.name = "paths", .cmdline = "paios.boot.init=/bin/sh paios.boot.system-conf=/etc/rauc/test.conf",
         .want = {{"boot.init", "/bin/sh"}, {"boot.system-conf", "/etc/rauc/test.conf"}}},
        {.name = "empty init: the kernel's order", .cmdline = "paios.boot.init=", .want = {{"boot.init", ""}}},
        {.name = "module list with commas replaces the file's", .cmdline = "paios.modules.load=virtio_blk,ext4",
         .want = {{"modules.load", "virtio_blk ext4"}}},
        {.name = "module list with spaces, quoted", .cmdline = "\"paios.modules.load=a b\" x",
         .want = {{"modules.load", "a b"}}},
        {.name = "module list with spaces, value quoted", .cmdline = "paios.modules.load=\"a b,c\"",
         .want = {{"modules.load", "a b c"}}},
        {.name = "the last one given wins", .cmdline = "paios.boot.failure-action=shell paios.boot.failure-action=reboot",
         .want = {{"boot.failure-action", "reboot"}}},
        {.name = "bad value ignored with a warning, the previous value kept",
         .cmdline = "paios.boot.failure-action=shell paios.boot.failure-action=explode",
         .n_warn = 1,
         .warning = "boot.failure-action=explode is none of reboot, shell, halt on the command line, ignored",
         .want = {{"boot.failure-action", "shell"}}},
        {.name = "bad value ignored, the file's value kept",
         .cmdline = "paios.boot.failure-action=Explode",
         .n_warn = 1,
         .warning = "boot.failure-action=Explode",
         .want = {{"boot.failure-action", "halt"}}},
        {.name = "bad number ignored", .cmdline = "paios.boot.device-timeout=soon", .n_warn = 1,
         .warning = "boot.device-timeout=soon is not a number of seconds (0..3600) on the command line, ignored",
         .want = {{"boot.device-timeout", "30"}}},
        {.name = "out of range number ignored", .cmdline = "paios.watchdog.timeout=99999", .n_warn = 1,
         .warning = "watchdog.timeout=99999", .want = {{"watchdog.timeout", "60"}}},
        {.name = "bad boolean ignored", .cmdline = "paios.boot.debug=maybe", .n_warn = 1,
         .warning = "boot.debug=maybe is not a boolean", .want = {{"boot.debug", "false"}}},
        {.name = "relative path ignored", .cmdline = "paios.boot.init=bin/sh", .n_warn = 1,
         .warning = "boot.init=bin/sh is not an absolute path", .want = {{"boot.init", "/sbin/init"}}},
        {.name = "bad module list ignored, the file's list kept", .cmdline = "paios.modules.load=ext4,../evil", .n_warn = 1,
         .warning = "\"../evil\" is not a module name", .want = {{"modules.load", "ext4 overlay"}}},
        {.name = "unknown paios option: a warning", .cmdline = "paios.boot.splash=1", .n_warn = 1,
         .warning = "unknown option paios.boot.splash on the command line, ignored"},
        {.name = "unknown paios group: a warning", .cmdline = "paios.network.dhcp=1", .n_warn = 1,
         .warning = "unknown option paios.network.dhcp"},
        {.name = "paios option without a key: a warning", .cmdline = "paios.debug=1 paios.=1 paios.boot.=1", .n_warn = 3,
         .warning = "unknown option paios.debug"},
        {.name = "bare non-boolean needs a value", .cmdline = "paios.boot.init paios.boot.device-timeout", .n_warn = 2,
         .warning = "paios.boot.device-timeout needs a value, ignored",
         .want = {{"boot.init", "/sbin/init"}, {"boot.device-timeout", "30"}}},
        {.name = "a bad option does not stop the ones after it",
         .cmdline = "paios.boot.debug=nah paios.boot.failure-action=shell paios.foo paios.boot.failure-delay=9",
         .n_warn = 2,
         .warning = "unknown option paios.foo",
         .want = {{"boot.debug", "false"}, {"boot.failure-action", "shell"}, {"boot.failure-delay", "9"}}},
        {.name = "options merely starting like paios are not ours",
         .cmdline = "paiosx.boot.debug=1 PAIOS.boot.debug=1 paios_boot_debug=1 boot.debug=1",
         .want = {{"boot.debug", "false"}}},
        {.name = "overlay.upper=data", .cmdline = "paios.overlay.upper=data", .want = {{"overlay.upper", "data"}}},
        {.name = "overlay.upper unknown: ignored", .cmdline = "paios.overlay.upper=disk", .n_warn = 1,
         .warning = "overlay.upper=disk is none of tmpfs, data on the command line, ignored",
         .want = {{"overlay.upper", "tmpfs"}}},
        {.name = "data options", .cmdline = "paios.data.check=0 paios.data.format-blank paios.data.timeout=3 "
                                            "paios.data.device=PARTUUID=5041494f-0001-4000-8000-000000000003",
         .want = {{"data.check", "false"}, {"data.format-blank", "true"}, {"data.timeout", "3"},
                  {"data.device", "PARTUUID=5041494f-0001-4000-8000-000000000003"}}},
        {.name = "data.factory-reset as a bare flag", .cmdline = "paios.data.factory-reset",
         .want = {{"data.factory-reset", "true"}, {"data.allow-factory-reset", "false"}}},
        {.name = "a path list, quoted", .cmdline = "\"paios.data.binds=/var/log /srv\"",
         .want = {{"data.binds", "/var/log /srv"}}},
        {.name = "a path list, value quoted", .cmdline = "paios.data.protected=\"/etc/rauc /etc/ssh\"",
         .want = {{"data.protected", "/etc/rauc /etc/ssh"}}},
        {.name = "a bad path list: ignored, the file's list kept", .cmdline = "\"paios.data.protected=/etc/rauc /etc/../x\"",
         .n_warn = 1,
         .warning = "data.protected: \"/etc/../x\" is no absolute path below / without \"..\" on the command line, ignored",
         .want = {{"data.protected", "/etc/rauc"}}},
        {.name = "a path list with \"/\" itself: ignored", .cmdline = "paios.data.binds=/", .n_warn = 1,
         .warning = "data.binds: \"/\" is no absolute path", .want = {{"data.binds", ""}}},
        {.name = "a path list needs a value", .cmdline = "paios.data.binds", .n_warn = 1,
         .warning = "paios.data.binds needs a value, ignored", .want = {{"data.binds", ""}}},
        {.name = "data.timeout out of range: ignored", .cmdline = "paios.data.timeout=601", .n_warn = 1,
         .warning = "data.timeout=601 is not a number of seconds (0..600) on the command line, ignored",
         .want = {{"data.timeout", "10"}}},
        {.name = "after -- the words are init's", .cmdline = "ro -- paios.boot.debug paios.boot.failure-action=shell",
         .want = {{"boot.debug", "false"}, {"boot.failure-action", "halt"}}},
        /* found by tests/fuzz/fuzz-config.c: data.h says data.factory-reset on the command
         * line counts only where the configuration allows it, "because the command line
         * comes from a bootloader environment anyone with the device in hand can edit" */
        {.name = "data.allow-factory-reset cannot be given on the command line",
         .cmdline = "paios.data.allow-factory-reset=1 paios.data.factory-reset=1",
         .n_warn = 1,
         .warning = "data.allow-factory-reset",
         .want = {{"data.factory-reset", "true"}, {"data.allow-factory-reset", "false"}}},
};

static void test_cmdline(void) {
        struct keyfile kf = {0};
        if (!CHECK_ERR(keyfile_parse(base_file, strlen(base_file), &kf, NULL), 0))
                return;
        for (size_t i = 0; i < ELEMENTSOF(cmdlines); i++) {
                const typeof(cmdlines[0]) *t = &cmdlines[i];
                unit_case("config_apply_cmdline(\"%s\"): %s", t->cmdline, t->name);
                struct config c;
                config_defaults(&c);
                if (!CHECK_ERR(config_apply_keyfile(&c, &kf, NULL), 0))
                        continue;
                struct kcmdline k = {0};
                if (!CHECK_ERR(kcmdline_parse(t->cmdline, &k, NULL), 0))
                        continue;
                struct diag d = {0};
                config_apply_cmdline(&c, &k, &d);
                kcmdline_free(&k);
                CHECK_STREQ(d.error, ""); /* never an error */
                CHECK_INTEQ(d.n_warn, t->n_warn);
                CHECK_WARNED(&d, t->warning);
                check_fields(&c, t->want, WANT_MAX);
        }
        keyfile_free(&kf);

        unit_case("config_apply_cmdline: an overlong path is ignored with a short warning");
        _cleanup_free_ char *longpath = unit_repeat('p', 2 * CONFIG_PATH_MAX);
        longpath[0] = '/';
        _cleanup_free_ char *line = unit_format("paios.boot.system-conf=%s", longpath);
        struct kcmdline k = {0};
        if (CHECK_ERR(kcmdline_parse(line, &k, NULL), 0)) {
                struct config c;
                config_defaults(&c);
                struct diag d = {0};
                config_apply_cmdline(&c, &k, &d);
                CHECK_WARNED(&d, "boot.system-conf is longer than 255 bytes on the command line, ignored");
                CHECK_STREQ(c.system_conf, "/etc/rauc/system.conf");
                kcmdline_free(&k);
        }

        unit_case("config_apply_cmdline without a diag");
        if (CHECK_ERR(kcmdline_parse("paios.boot.debug=x paios.nothing paios.boot.failure-delay=1", &k, NULL), 0)) {
                struct config c;
                config_defaults(&c);
                config_apply_cmdline(&c, &k, NULL);
                CHECK_INTEQ(c.failure_delay_s, 1);
                CHECK_INTEQ(c.debug, false);
                kcmdline_free(&k);
        }
}

int main(void) {
        test_parse_uint();
        test_parse_bool();
        test_copy_string();
        test_path_join_root();
        test_path_has_dotdot();
        test_diag();
        test_defaults();
        test_describe();
        test_failure_action_name();
        test_overlay_upper_name();
        test_files();
        test_modules_max();
        test_paths_max();
        test_cmdline();
        return unit_exit();
}
