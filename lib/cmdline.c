/* SPDX-License-Identifier: MIT */
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"

static bool is_space(char c) {
        /* the kernel's isspace() on the command line */
        return (c == ' ') | ((unsigned char)(c - '\t') <= '\r' - '\t'); /* \t \n \v \f \r, no branch */
}

/* One word, NUL-terminated in the parse's own copy of the line, split in place following
 * next_arg(): quotes toggle, and a word that starts with a quote, or whose value does, loses
 * that quote and a quote that ends the word. Returns the key; *ret_eq is the '=' that ends
 * it (NULL for a bare word), left in place so that init's words stay "key=value". */
static char *split_word(char *word, size_t len, bool *unterminated, char **ret_eq) {
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
        *ret_eq = eq;
        return word;
}

/* One allocation holds both arrays and a copy of the line, in which the words are cut out
 * in place: no allocation, copy or free per word (each distinct piece of code run at boot
 * is translated by qemu once, the main cost of /init under TCG: README, "Where /init's
 * time goes"). kcmdline_free() frees the one block, c->params. */
int kcmdline_parse(const char *text, struct kcmdline *ret, struct diag *d) {
        struct kcmdline c = {0};
        bool after_dashes = false;

        /* strlen(), not strnlen(): musl's strnlen() is memchr(), which nothing else at boot
         * runs (code qemu would translate for this alone); text is a C string, and the
         * caller read at most CMDLINE_SIZE_MAX bytes of it */
        size_t total = strlen(text);
        if (total > CMDLINE_SIZE_MAX)
                return diag_fail(d, -E2BIG, "kernel command line longer than %d bytes", CMDLINE_SIZE_MAX);

        /* a word and the space after it take two bytes at least */
        size_t cap = total / 2 + 1;
        if (cap > CMDLINE_PARAMS_MAX)
                cap = CMDLINE_PARAMS_MAX;
        c.params = malloc(cap * (sizeof *c.params + sizeof *c.init_args) + total + 1);
        if (!c.params)
                return -ENOMEM;
        c.init_args = (char **)(c.params + cap);
        char *p = (char *)(c.init_args + cap);
        memcpy(p, text, total + 1);

        for (;;) {
                while (is_space(*p))
                        p++;
                if (!*p)
                        break;
                /* the end of this word: the first space outside quotes */
                char *e = p;
                bool in_quote = false, quotes = false;
                for (; *e && (in_quote || !is_space(*e)); e++)
                        if (*e == '"') {
                                in_quote = !in_quote;
                                quotes = true;
                        }
                size_t n = (size_t)(e - p);
                char *next = *e ? e + 1 : e;
                *e = '\0';

                if (!after_dashes && n == 2 && p[0] == '-' && p[1] == '-') {
                        after_dashes = true;
                } else {
                        size_t *count = after_dashes ? &c.n_init_args : &c.n_params;
                        if (*count >= CMDLINE_PARAMS_MAX) {
                                kcmdline_free(&c);
                                return diag_fail(d, -E2BIG, "kernel command line has more than %d words",
                                                 CMDLINE_PARAMS_MAX);
                        }
                        /* a word without quotes is taken as it is: split_word() would not
                         * change it, and is then code qemu need not translate at boot */
                        char *key = p, *eq = strchr(p, '=');
                        if (quotes)
                                key = split_word(p, n, &c.unterminated_quote, &eq);
                        /* the kernel splits init's words too, then hands "key=value" back as one */
                        if (after_dashes)
                                c.init_args[c.n_init_args++] = key;
                        else {
                                if (eq)
                                        *eq = '\0';
                                c.params[c.n_params++] = (struct kparam){key, eq ? eq + 1 : NULL};
                        }
                }
                p = next;
        }
        if (c.unterminated_quote)
                diag_warn(d, "kernel command line has an unterminated quote: it runs to the end of the line");
        *ret = c;
        return 0;
}

void kcmdline_free(struct kcmdline *c) {
        free(c->params); /* the one block: init_args and the words live in it (kcmdline_parse()) */
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
        /* Every option read here, found in one pass over the line (the pass and its table
         * are less code for qemu to translate at boot than a look-up per option). The
         * kernel's rule for a repeated option: the last value counts, as for "ro"/"rw". */
        enum { ARG_ROOT, ARG_ROOTFSTYPE, ARG_ROOTFLAGS, ARG_INIT, ARG_ROOTDELAY, ARG_SLOT, ARG_ROOTWAIT, ARG_RO, ARG_RW };
        static const char *const names[] = {
                [ARG_ROOT] = "root",         [ARG_ROOTFSTYPE] = "rootfstype", [ARG_ROOTFLAGS] = "rootflags",
                [ARG_INIT] = "init",         [ARG_ROOTDELAY] = "rootdelay",   [ARG_SLOT] = "rauc.slot",
                [ARG_ROOTWAIT] = "rootwait", [ARG_RO] = "ro",                 [ARG_RW] = "rw",
        };
        const char *value[ARG_SLOT + 1] = {0};
        struct boot_args a = {.rootdelay_s = -1};
        int r;

        for (size_t i = 0; i < c->n_params; i++) {
                const struct kparam *p = &c->params[i];
                size_t k = 0;
                while (k < ELEMENTSOF(names) && strcmp(p->key, names[k]) != 0)
                        k++;
                if (k == ARG_SLOT) {
                        /* RAUC reads the first rauc.slot on the line, the kernel convention is
                         * the last: if they differ the two would disagree on which slot is
                         * booted, so refuse. Nothing else in this pass fails: these errors
                         * come first, whatever follows on the line. */
                        if (!p->value) {
                                r = diag_fail(d, -EINVAL, "rauc.slot given without a value");
                                goto fail;
                        }
                        if (value[ARG_SLOT] && strcmp(value[ARG_SLOT], p->value) != 0) {
                                r = diag_fail(d, -EINVAL,
                                              "rauc.slot= given twice with different values (\"%.64s\", \"%.64s\")",
                                              value[ARG_SLOT], p->value);
                                goto fail;
                        }
                        value[ARG_SLOT] = p->value;
                } else if (p->value) {
                        if (k < ARG_SLOT)
                                value[k] = p->value;
                } else if (k == ARG_ROOTWAIT)
                        a.rootwait = true;
                else if (k == ARG_RO || k == ARG_RW)
                        a.rw = k == ARG_RW;
        }

        const char *slot = value[ARG_SLOT];
        if (slot) {
                if (!bootname_is_valid(slot)) {
                        r = diag_fail(d, -EINVAL, "rauc.slot=\"%.64s%s\" is not a valid bootname", slot,
                                      strlen(slot) > 64 ? "..." : "");
                        goto fail;
                }
                a.slot = strdup(slot);
                if (!a.slot) {
                        r = -ENOMEM;
                        goto fail;
                }
        }

        char **const strings[] = {[ARG_ROOT] = &a.root, [ARG_ROOTFSTYPE] = &a.rootfstype,
                                  [ARG_ROOTFLAGS] = &a.rootflags, [ARG_INIT] = &a.init};
        for (size_t i = 0; i < ELEMENTSOF(strings); i++) {
                r = take_value(names[i], value[i], strings[i], d);
                if (r < 0)
                        goto fail;
        }
        if (a.init && a.init[0] != '/') {
                r = diag_fail(d, -EINVAL, "init=%.64s is not an absolute path", a.init);
                goto fail;
        }

        const char *delay = value[ARG_ROOTDELAY];
        if (delay) {
                unsigned v;
                r = parse_uint(delay, 0, 3600, &v);
                if (r < 0) {
                        r = diag_fail(d, -EINVAL, "rootdelay=%.32s is not a number of seconds (0..3600)", delay);
                        goto fail;
                }
                a.rootdelay_s = (int)v;
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
