/* SPDX-License-Identifier: MIT */
#include "module-table.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "parse-util.h"

/* The table's blanks (a line's end is '\n'); the loops below hand their scans to strspn()
 * and strcspn(), which the rest of /init runs anyway: code that runs once costs a boot
 * per distinct basic block under emulation (README). */
#define BLANKS " \t\r"

static bool ends_with_ko(const char *s) {
        size_t n = strlen(s);
        return n > 3 && strcmp(s + n - 3, ".ko") == 0;
}

/* relative, inside the module directory, an uncompressed module file */
static bool path_is_valid(const char *p) {
        return p[0] != '/' && ends_with_ko(p) && !path_has_dotdot(p);
}

/* one line, NUL-terminated, leading blanks, comments and blank lines already skipped */
static int parse_line(char *line, struct module_table *t) {
        char *colon = strchr(line, ':');
        if (!colon)
                return -EINVAL;
        char *end = colon;
        while (end > line && strchr(BLANKS, end[-1]))
                end--;
        *colon = *end = '\0';
        if (end == line || strpbrk(line, " \t"))
                return -EINVAL;
        if (t->n >= MODULE_TABLE_LINES_MAX)
                return -E2BIG;
        /* path[] and bytes[] are read only up to n: not the 400 bytes zeroed per line */
        struct module_chain *c = &t->chain[t->n];
        c->name = line;
        c->n = 0;
        for (char *s = colon + 1;;) {
                s += strspn(s, BLANKS);
                if (!*s)
                        break;
                char *word = s;
                s += strcspn(s, BLANKS);
                bool more = *s != '\0'; /* past the blank, without a branch (a block less) */
                *s = '\0';
                s += more;
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
                char *s = line + strspn(line, BLANKS);
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

/* '-' and '_' are one character in module names */
static char module_char(char c) {
        return (char)(c == '-' ? '_' : c);
}

int module_name_from_path(const char *path, char *buf, size_t n) {
        if (!ends_with_ko(path))
                return -EINVAL;
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        size_t len = strlen(base) - 3;
        if (len == 0)
                return -EINVAL;
        if (len >= n)
                return -ENAMETOOLONG;
        for (size_t i = 0; i < len; i++)
                buf[i] = module_char(base[i]);
        buf[len] = '\0';
        return 0;
}

bool cmdline_names_module(const char *cmdline, const char *module) {
        size_t n = strlen(module);
        if (n == 0)
                return false;
        /* s: where a word starts, after a blank or a quote (libkmod's parser drops quotes);
         * a NUL in s ends the comparison, module has none before n */
        for (const char *s = cmdline;; s++) {
                size_t i = 0;
                while (i < n && module_char(s[i]) == module_char(module[i]))
                        i++;
                if (i == n && s[n] == '.')
                        return true;
                s += strcspn(s, BLANKS "\"\n");
                if (!*s)
                        return false;
        }
}
