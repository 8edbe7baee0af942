/* SPDX-License-Identifier: MIT */
/* RAUC's U-Boot integration as the initramfs reads it: BOOT_ORDER, BOOT_<slot>_LEFT, the
 * boot script's choice, and which failures blame the slot (mark-bad). */
#include <errno.h>
#include <string.h>

#include "bootenv.h"
#include "macro.h"
#include "unit.h"

static void test_order(void) {
        static const struct {
                const char *name, *text;
                int r;
                size_t n;
                const char *first, *second, *why;
        } cases[] = {
                {"the usual", "A B", 0, 2, "A", "B", NULL},
                {"the other way", "B A", 0, 2, "B", "A", NULL},
                {"extra white space", "  A \t B  ", 0, 2, "A", "B", NULL},
                {"one slot", "A", 0, 1, "A", NULL, NULL},
                {"longer bootnames", "system0 system1", 0, 2, "system0", "system1", NULL},
                {"empty", "", -EINVAL, 0, NULL, NULL, "BOOT_ORDER is empty"},
                {"only blanks", "   ", -EINVAL, 0, NULL, NULL, "BOOT_ORDER is empty"},
                {"a slot twice", "A B A", -EINVAL, 0, NULL, NULL, "names A twice"},
                {"an invalid bootname", "A B;reset", -EINVAL, 0, NULL, NULL, "not a valid bootname"},
                {"too many", "a b c d e f g h i", -E2BIG, 0, NULL, NULL, "more than 8"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("boot_order_parse: %s (\"%s\")", cases[i].name, cases[i].text);
                struct boot_order o = {0};
                struct diag d = {0};
                CHECK_ERR(boot_order_parse(cases[i].text, &o, &d), cases[i].r);
                if (cases[i].r < 0) {
                        CHECK_CONTAINS(d.error, cases[i].why);
                        continue;
                }
                CHECK_INTEQ(o.n, cases[i].n);
                CHECK_STREQ(o.slot[0], cases[i].first);
                if (cases[i].second)
                        CHECK_STREQ(o.slot[1], cases[i].second);
        }
        unit_case("boot_order_parse: a bootname of 64 bytes");
        _cleanup_free_ char *long_name = unit_repeat('a', 64);
        struct boot_order o;
        struct diag d = {0};
        CHECK_ERR(boot_order_parse(long_name, &o, &d), -EINVAL);
        CHECK_CONTAINS(d.error, "longer than");
}

static void test_left(void) {
        static const struct {
                const char *text;
                int value;
        } cases[] = {
                {"3", 3}, {"0", 0}, {"12", 12}, {"", -1}, {"x", -1}, {"-1", -1}, {" 3", -1}, {"3 ", -1}, {NULL, -1},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("bootenv_parse_left(\"%s\")", cases[i].text ? cases[i].text : "(null)");
                CHECK_INTEQ(bootenv_parse_left(cases[i].text), cases[i].value);
        }
        unit_case("bootenv_left_var");
        char var[32];
        CHECK_ERR(bootenv_left_var("A", var, sizeof var), 0);
        CHECK_STREQ(var, "BOOT_A_LEFT");
        char small[8];
        CHECK_ERR(bootenv_left_var("A", small, sizeof small), -ENAMETOOLONG);
}

static void test_pick(void) {
        static const struct {
                const char *name, *order;
                int left[3];
                int r;
                size_t index;
        } cases[] = {
                {"the first with attempts", "A B", {3, 3}, 0, 0},
                {"the first used up", "A B", {0, 3}, 0, 1},
                {"B first in the order", "B A", {2, 3}, 0, 0},
                {"unknown counts as none", "A B", {-1, 1}, 0, 1},
                {"none left", "A B", {0, 0}, -ENOENT, 0},
                {"none known", "A B", {-1, -1}, -ENOENT, 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("bootenv_pick_slot: %s", cases[i].name);
                struct boot_order o;
                if (!CHECK_ERR(boot_order_parse(cases[i].order, &o, NULL), 0))
                        continue;
                size_t index = 99;
                struct diag d = {0};
                CHECK_ERR(bootenv_pick_slot(&o, cases[i].left, &index, &d), cases[i].r);
                if (cases[i].r == 0)
                        CHECK_INTEQ(index, cases[i].index);
                else
                        CHECK_CONTAINS(d.error, "no slot in BOOT_ORDER has attempts left");
        }
}

static void test_blame(void) {
        static const struct {
                const char *stage;
                bool blames;
        } cases[] = {
                {"wait-device", true},  {"mount-root", true}, {"check-new-root", true}, {"switch-root", true},
                {"configure", false},   {"setup", false},     {"modules", false},       {"data", false},
                {"bootenv", false},     {"watchdog", false},  {"", false},              {NULL, false},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unit_case("bootenv_stage_blames_slot(\"%s\")", cases[i].stage ? cases[i].stage : "(null)");
                CHECK_INTEQ(bootenv_stage_blames_slot(cases[i].stage), cases[i].blames);
        }
}

int main(void) {
        test_order();
        test_left();
        test_pick();
        test_blame();
        return unit_exit();
}
