/* SPDX-License-Identifier: MIT */
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"

static bool is_space(char c) {
        /* the kernel's isspace() on the command line */
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One word in [s, *end) following next_arg(): quotes toggle, and a word that starts with a
 * quote, or whose value does, loses that quote and a quote that ends the word. */
static int split_word(const char *s, size_t n, bool *unterminated, struct kparam *ret) {
        _cleanup_free_ char *w = strndup(s, n);
        if (!w)
                return -ENOMEM;
        size_t len = n;
        char *word = w;
        bool quoted = false;
        if (word[0] == '"') {
                word++;
                len--;
                quoted = true;
        }
        /* Count quotes to see whether the word ends inside one (the kernel accepts that
         * and takes everything to the end of the line). */
        bool in_quote = quoted;
        for (size_t i = 0; i < len; i++)
                if (word[i] == '"')
                        in_quote = !in_quote;
        if (in_quote)
                *unterminated = true;

        /* as next_arg(): the value loses a leading quote and a quote ending the word */
        char *eq = strchr(word, '=');
        bool closed = false; /* next_arg() removes one closing quote at most */
        if (eq && eq[1] == '"') {
                memmove(eq + 1, eq + 2, strlen(eq + 2) + 1);
                len--;
                if (len > (size_t)(eq - word) + 1 && word[len - 1] == '"') {
                        word[--len] = '\0';
                        closed = true;
                }
        }
        if (quoted && !closed && len > 0 && word[len - 1] == '"')
                word[--len] = '\0';

        struct kparam p = {0};
        if (eq) {
                *eq = '\0';
                p.value = strdup(eq + 1);
                if (!p.value)
                        return -ENOMEM;
        }
        p.key = strdup(word);
        if (!p.key) {
                free(p.value);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

static char *join_key_value(const char *key, const char *value) {
        size_t k = strlen(key), v = strlen(value);
        char *s = malloc(k + v + 2);
        if (!s)
                return NULL;
        memcpy(s, key, k);
        s[k] = '=';
        memcpy(s + k + 1, value, v + 1);
        return s;
}

static int push(void *arrayp, size_t *n, size_t size, const void *item) {
        void **array = arrayp;
        if (*n >= CMDLINE_PARAMS_MAX)
                return -E2BIG;
        char *grown = realloc(*array, (*n + 1) * size);
        if (!grown)
                return -ENOMEM;
        memcpy(grown + *n * size, item, size);
        *array = grown;
        (*n)++;
        return 0;
}

int kcmdline_parse(const char *text, struct kcmdline *ret, struct diag *d) {
        struct kcmdline c = {0};
        bool after_dashes = false;
        int r = 0;

        size_t total = strnlen(text, CMDLINE_SIZE_MAX + 1);
        if (total > CMDLINE_SIZE_MAX)
                return diag_fail(d, -E2BIG, "kernel command line longer than %d bytes", CMDLINE_SIZE_MAX);

        const char *p = text;
        for (;;) {
                while (is_space(*p))
                        p++;
                if (!*p)
                        break;
                /* the end of this word: the first space outside quotes */
                const char *e = p;
                bool in_quote = false;
                for (; *e && (in_quote || !is_space(*e)); e++)
                        if (*e == '"')
                                in_quote = !in_quote;

                if (after_dashes) {
                        /* the kernel splits these too, then hands "key=value" back as one word */
                        struct kparam kp;
                        r = split_word(p, (size_t)(e - p), &c.unterminated_quote, &kp);
                        if (r < 0)
                                break;
                        char *arg = kp.value ? join_key_value(kp.key, kp.value) : TAKE_PTR(kp.key);
                        free(kp.key);
                        free(kp.value);
                        if (!arg || (r = push(&c.init_args, &c.n_init_args, sizeof arg, &arg)) < 0) {
                                free(arg);
                                r = r < 0 ? r : -ENOMEM;
                                break;
                        }
                } else if (e - p == 2 && p[0] == '-' && p[1] == '-') {
                        after_dashes = true;
                } else {
                        struct kparam kp;
                        r = split_word(p, (size_t)(e - p), &c.unterminated_quote, &kp);
                        if (r < 0)
                                break;
                        r = push(&c.params, &c.n_params, sizeof kp, &kp);
                        if (r < 0) {
                                free(kp.key);
                                free(kp.value);
                                break;
                        }
                }
                p = e;
        }
        if (r < 0) {
                kcmdline_free(&c);
                if (r == -E2BIG)
                        return diag_fail(d, r, "kernel command line has more than %d words",
                                         CMDLINE_PARAMS_MAX);
                return r;
        }
        if (c.unterminated_quote)
                diag_warn(d, "kernel command line has an unterminated quote: it runs to the end of the line");
        *ret = c;
        return 0;
}

void kcmdline_free(struct kcmdline *c) {
        for (size_t i = 0; i < c->n_params; i++) {
                free(c->params[i].key);
                free(c->params[i].value);
        }
        for (size_t i = 0; i < c->n_init_args; i++)
                free(c->init_args[i]);
        free(c->params);
        free(c->init_args);
        *c = (struct kcmdline){0};
}

const char *kcmdline_get(const struct kcmdline *c, const char *key, size_t *ret_count) {
        const char *value = NULL;
        size_t count = 0;
        for (size_t i = 0; i < c->n_params; i++)
                if (c->params[i].value && strcmp(c->params[i].key, key) == 0) {
                        value = c->params[i].value;
                        count++;
                }
        if (ret_count)
                *ret_count = count;
        return value;
}

bool kcmdline_has_flag(const struct kcmdline *c, const char *word) {
        for (size_t i = 0; i < c->n_params; i++)
                if (!c->params[i].value && strcmp(c->params[i].key, word) == 0)
                        return true;
        return false;
}

bool bootname_is_valid(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 63)
                return false;
        return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Copy an option's value, refusing one too long to be a path or a flag list. */
static int take_value(const char *key, const char *value, char **ret, struct diag *d) {
        if (!value)
                return 0;
        if (strlen(value) > CMDLINE_VALUE_MAX)
                return diag_fail(d, -ENAMETOOLONG, "%s= is longer than %d bytes", key, CMDLINE_VALUE_MAX);
        if (!value[0])
                return diag_fail(d, -EINVAL, "%s= is empty", key);
        char *copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        free(*ret);
        *ret = copy;
        return 0;
}

int boot_args_from_cmdline(const struct kcmdline *c, struct boot_args *ret, struct diag *d) {
        struct boot_args a = {.rootdelay_s = -1};
        int r;

        /* rauc.slot: RAUC reads the first match on the line, the kernel convention is the
         * last: if they differ the two would disagree on which slot is booted, so refuse. */
        const char *first_slot = NULL;
        for (size_t i = 0; i < c->n_params; i++) {
                const struct kparam *p = &c->params[i];
                if (strcmp(p->key, "rauc.slot") != 0)
                        continue;
                if (!p->value) {
                        r = diag_fail(d, -EINVAL, "rauc.slot given without a value");
                        goto fail;
                }
                if (first_slot && strcmp(first_slot, p->value) != 0) {
                        r = diag_fail(d, -EINVAL, "rauc.slot= given twice with different values (\"%.64s\", \"%.64s\")",
                                      first_slot, p->value);
                        goto fail;
                }
                first_slot = p->value;
        }
        if (first_slot) {
                if (!bootname_is_valid(first_slot)) {
                        r = diag_fail(d, -EINVAL, "rauc.slot=\"%.64s%s\" is not a valid bootname", first_slot,
                                      strlen(first_slot) > 64 ? "..." : "");
                        goto fail;
                }
                a.slot = strdup(first_slot);
                if (!a.slot) {
                        r = -ENOMEM;
                        goto fail;
                }
        }

        static const struct {
                const char *key;
                size_t offset;
        } strings[] = {
                {"root", offsetof(struct boot_args, root)},
                {"rootfstype", offsetof(struct boot_args, rootfstype)},
                {"rootflags", offsetof(struct boot_args, rootflags)},
                {"init", offsetof(struct boot_args, init)},
        };
        for (size_t i = 0; i < ELEMENTSOF(strings); i++) {
                char **field = (char **)((char *)&a + strings[i].offset);
                size_t count;
                const char *v = kcmdline_get(c, strings[i].key, &count);
                r = take_value(strings[i].key, v, field, d);
                if (r < 0)
                        goto fail;
        }
        if (a.init && a.init[0] != '/') {
                r = diag_fail(d, -EINVAL, "init=%.64s is not an absolute path", a.init);
                goto fail;
        }

        const char *delay = kcmdline_get(c, "rootdelay", NULL);
        if (delay) {
                unsigned v;
                r = parse_uint(delay, 0, 3600, &v);
                if (r < 0) {
                        r = diag_fail(d, -EINVAL, "rootdelay=%.32s is not a number of seconds (0..3600)", delay);
                        goto fail;
                }
                a.rootdelay_s = (int)v;
        }

        a.rootwait = kcmdline_has_flag(c, "rootwait");
        /* "ro" and "rw": the last one given counts, as in the kernel */
        for (size_t i = 0; i < c->n_params; i++) {
                if (c->params[i].value)
                        continue;
                if (strcmp(c->params[i].key, "rw") == 0)
                        a.rw = true;
                else if (strcmp(c->params[i].key, "ro") == 0)
                        a.rw = false;
        }
        if (a.rw)
                diag_warn(d, "\"rw\" on the command line: the slot stays read-only, writes go to the overlay");

        *ret = a;
        return 0;
fail:
        boot_args_free(&a);
        return r;
}

void boot_args_apply_lock(struct boot_args *a, struct diag *d) {
        char **const fields[] = {&a->root, &a->rootfstype, &a->rootflags, &a->init};
        static const char *const names[] = {"root", "rootfstype", "rootflags", "init"};
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (*fields[i]) {
                        diag_warn(d, "%s=%.64s ignored: the image is locked (boot.locked=true)", names[i], *fields[i]);
                        free(*fields[i]);
                        *fields[i] = NULL;
                }
}

void boot_args_free(struct boot_args *a) {
        free(a->slot);
        free(a->root);
        free(a->rootfstype);
        free(a->rootflags);
        free(a->init);
        *a = (struct boot_args){.rootdelay_s = -1};
}
