/* SPDX-License-Identifier: MIT */
#include "module-table.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "parse-util.h"

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_with_ko(const char *s) {
        size_t n = strlen(s);
        return n > 3 && strcmp(s + n - 3, ".ko") == 0;
}

/* relative, inside the module directory, an uncompressed module file */
static bool path_is_valid(const char *p) {
        return p[0] != '/' && ends_with_ko(p) && !path_has_dotdot(p);
}

/* one line, NUL-terminated, comments and blank lines already skipped */
static int parse_line(char *line, struct module_table *t) {
        char *colon = strchr(line, ':');
        if (!colon)
                return -EINVAL;
        *colon = '\0';
        char *name = line;
        while (is_blank(*name))
                name++;
        for (char *e = name + strlen(name); e > name && is_blank(e[-1]); e--)
                e[-1] = '\0';
        if (!*name || strpbrk(name, " \t"))
                return -EINVAL;
        if (t->n >= MODULE_TABLE_LINES_MAX)
                return -E2BIG;
        struct module_chain *c = &t->chain[t->n];
        *c = (struct module_chain){.name = name};
        for (char *s = colon + 1;;) {
                while (is_blank(*s))
                        s++;
                if (!*s)
                        break;
                char *word = s;
                while (*s && !is_blank(*s))
                        s++;
                if (*s)
                        *s++ = '\0';
                unsigned bytes = 0;
                char *size = strchr(word, '=');
                if (size) {
                        *size++ = '\0';
                        if (parse_uint(size, 1, UINT_MAX, &bytes) < 0)
                                return -EINVAL;
                }
                if (!path_is_valid(word))
                        return -EINVAL;
                if (c->n >= MODULE_TABLE_CHAIN_MAX)
                        return -E2BIG;
                c->bytes[c->n] = bytes;
                c->path[c->n++] = word;
        }
        t->n++;
        return 0;
}

int module_table_parse(char *text, struct module_table *t, unsigned *bad_line) {
        t->n = 0;
        unsigned number = 0;
        for (char *line = text; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                number++;
                char *s = line;
                while (is_blank(*s))
                        s++;
                if (*s && *s != '#') {
                        int r = parse_line(s, t);
                        if (r < 0) {
                                if (bad_line)
                                        *bad_line = number;
                                t->n = 0;
                                return r;
                        }
                }
                line = next;
        }
        return 0;
}

const struct module_chain *module_table_find(const struct module_table *t, const char *name) {
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->chain[i].name, name) == 0)
                        return &t->chain[i];
        return NULL;
}

int module_name_from_path(const char *path, char *buf, size_t n) {
        if (!ends_with_ko(path))
                return -EINVAL;
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t len = strlen(base) - 3;
        if (len == 0)
                return -EINVAL;
        if (len >= n)
                return -ENAMETOOLONG;
        memcpy(buf, base, len);
        buf[len] = '\0';
        for (char *dash = strchr(buf, '-'); dash; dash = strchr(dash, '-'))
                *dash = '_';
        return 0;
}

static bool same_module_char(char a, char b) {
        return a == b || ((a == '-' || a == '_') && (b == '-' || b == '_'));
}

bool cmdline_names_module(const char *cmdline, const char *module) {
        size_t n = strlen(module);
        if (n == 0)
                return false;
        for (const char *s = cmdline; *s; s++) {
                /* a word starts after a blank or a quote: libkmod's parser drops quotes */
                if (s != cmdline && !is_blank(s[-1]) && s[-1] != '"' && s[-1] != '\n')
                        continue;
                size_t i = 0;
                while (i < n && s[i] && same_module_char(s[i], module[i]))
                        i++;
                if (i == n && s[n] == '.')
                        return true;
        }
        return false;
}
