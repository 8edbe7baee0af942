/* SPDX-License-Identifier: MIT */
/* The kernel command line as /proc/cmdline hands it over: kcmdline_parse(), then the
 * standard options with boot_args_from_cmdline(). The input is the text (up to its first
 * NUL, as a C string read from /proc). */
#include <errno.h>

#include "cmdline.h"
#include "fuzz-util.h"

static void check_cmdline(const struct kcmdline *c) {
        ASSERT(c->n_params <= CMDLINE_PARAMS_MAX);
        ASSERT(c->n_init_args <= CMDLINE_PARAMS_MAX);
        ASSERT(c->n_params == 0 || c->params);
        ASSERT(c->n_init_args == 0 || c->init_args);
        for (size_t i = 0; i < c->n_params; i++) {
                ASSERT(c->params[i].key);
                /* the first '=' splits: a key never contains one */
                ASSERT(!strchr(c->params[i].key, '='));
                if (c->params[i].value) {
                        /* the last value given wins, and it is this one or a later one */
                        size_t count = 0;
                        const char *v = kcmdline_get(c, c->params[i].key, &count);
                        ASSERT(v && count >= 1);
                } else
                        ASSERT(kcmdline_has_flag(c, c->params[i].key));
        }
        for (size_t i = 0; i < c->n_init_args; i++)
                ASSERT(c->init_args[i]);
}

static void check_args(const struct boot_args *a) {
        if (a->slot)
                ASSERT(bootname_is_valid(a->slot));
        const char *const strings[] = {a->root, a->rootfstype, a->rootflags, a->init};
        for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
                if (strings[i]) {
                        size_t len = strlen(strings[i]);
                        ASSERT(len > 0 && len <= CMDLINE_VALUE_MAX);
                }
        if (a->init)
                ASSERT(a->init[0] == '/');
        ASSERT(a->rootdelay_s >= -1 && a->rootdelay_s <= 3600);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_strndup(data, size);
        struct kcmdline c = {0};
        struct diag d = {0};

        int r = kcmdline_parse(text, &c, &d);
        fuzz_check_diag(&d);
        if (r < 0) {
                ASSERT(r == -E2BIG || r == -ENOMEM);
                ASSERT(c.n_params == 0 && c.n_init_args == 0);
                free(text);
                return 0;
        }
        check_cmdline(&c);
        ASSERT(c.unterminated_quote == (d.n_warn == 1));

        struct boot_args a = {.rootdelay_s = -1};
        struct diag d2 = {0};
        r = boot_args_from_cmdline(&c, &a, &d2);
        fuzz_check_diag(&d2);
        if (r == 0) {
                ASSERT(!d2.error[0]);
                check_args(&a);
                boot_args_free(&a);
        } else {
                ASSERT(r == -EINVAL || r == -ENAMETOOLONG || r == -ENOMEM);
                ASSERT(d2.error[0] || r == -ENOMEM);
                /* a failed call leaves nothing to free */
                ASSERT(!a.slot && !a.root && !a.rootfstype && !a.rootflags && !a.init);
        }

        kcmdline_free(&c);
        ASSERT(c.n_params == 0 && !c.params);
        free(text);
        return 0;
}
