/* SPDX-License-Identifier: MIT */
#include "keyfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
}

/* Trim white space at both ends of [*start, *end). */
static void trim(const char **start, const char **end) {
        while (*start < *end && is_blank(**start))
                (*start)++;
        while (*end > *start && is_blank((*end)[-1]))
                (*end)--;
}

/* GKeyFile's escapes; an unknown escape is kept as written, as g_key_file does with a
 * warning: failing a boot on a stray backslash would help no one. */
static char *unescape(const char *s, size_t n) {
        char *out = malloc(n + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] != '\\' || i + 1 == n) {
                        out[o++] = s[i];
                        continue;
                }
                switch (s[++i]) {
                case 's': out[o++] = ' '; break;
                case 'n': out[o++] = '\n'; break;
                case 't': out[o++] = '\t'; break;
                case 'r': out[o++] = '\r'; break;
                case '\\': out[o++] = '\\'; break;
                default:
                        out[o++] = '\\';
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        return out;
}

static int add_group(struct keyfile *kf, const char *name) {
        for (size_t i = 0; i < kf->n_groups; i++)
                if (strcmp(kf->groups[i], name) == 0)
                        return 0;
        if (kf->n_groups >= KEYFILE_ENTRIES_MAX)
                return -E2BIG;
        char **grown = realloc(kf->groups, (kf->n_groups + 1) * sizeof *grown);
        if (!grown)
                return -ENOMEM;
        kf->groups = grown;
        kf->groups[kf->n_groups] = strdup(name);
        if (!kf->groups[kf->n_groups])
                return -ENOMEM;
        kf->n_groups++;
        return 0;
}

static int add_entry(struct keyfile *kf, const char *group, const char *key, size_t key_len,
                     const char *value, size_t value_len, unsigned line) {
        if (kf->n_entries >= KEYFILE_ENTRIES_MAX)
                return -E2BIG;
        struct keyfile_entry *grown = realloc(kf->entries, (kf->n_entries + 1) * sizeof *grown);
        if (!grown)
                return -ENOMEM;
        kf->entries = grown;
        struct keyfile_entry e = {
                .group = strdup(group),
                .key = strndup(key, key_len),
                .value = unescape(value, value_len),
                .line = line,
        };
        if (!e.group || !e.key || !e.value) {
                free(e.group);
                free(e.key);
                free(e.value);
                return -ENOMEM;
        }
        kf->entries[kf->n_entries++] = e;
        return 0;
}

int keyfile_parse(const char *text, size_t len, struct keyfile *ret, struct diag *d) {
        struct keyfile kf = {0};
        _cleanup_free_ char *group = NULL;
        unsigned line_no = 0;
        int r;

        if (len > KEYFILE_SIZE_MAX)
                return diag_fail(d, -EFBIG, "file is %zu bytes, more than the %d allowed", len,
                                 KEYFILE_SIZE_MAX);
        const char *nul = memchr(text, '\0', len);
        if (nul) {
                unsigned line = 1;
                for (const char *c = text; c < nul; c++)
                        line += *c == '\n';
                return diag_fail(d, -EINVAL, "line %u contains a NUL byte", line);
        }

        for (const char *p = text, *end = text + len; p < end;) {
                const char *eol = memchr(p, '\n', (size_t)(end - p));
                const char *line_end = eol ? eol : end;
                const char *s = p, *e = line_end;
                p = eol ? eol + 1 : end;
                line_no++;

                if (e - s > KEYFILE_LINE_MAX) {
                        r = diag_fail(d, -EINVAL, "line %u is longer than %d bytes", line_no,
                                      KEYFILE_LINE_MAX);
                        goto fail;
                }
                trim(&s, &e);
                if (s == e || *s == '#')
                        continue;

                if (*s == '[') {
                        if (e[-1] != ']' || e - s < 3 || memchr(s + 1, '[', (size_t)(e - s - 2)) ||
                            memchr(s + 1, ']', (size_t)(e - s - 2))) {
                                r = diag_fail(d, -EINVAL, "line %u: malformed group header", line_no);
                                goto fail;
                        }
                        free(group);
                        group = strndup(s + 1, (size_t)(e - s - 2));
                        if (!group) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        r = add_group(&kf, group);
                        if (r < 0) {
                                if (r == -E2BIG)
                                        r = diag_fail(d, r, "more than %d groups", KEYFILE_ENTRIES_MAX);
                                goto fail;
                        }
                        continue;
                }

                const char *eq = memchr(s, '=', (size_t)(e - s));
                if (!eq) {
                        r = diag_fail(d, -EINVAL, "line %u is not a group, a key=value pair or a comment",
                                      line_no);
                        goto fail;
                }
                if (!group) {
                        r = diag_fail(d, -EINVAL, "line %u: key outside of any [group]", line_no);
                        goto fail;
                }
                const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
                trim(&ks, &ke);
                trim(&vs, &ve);
                if (ks == ke) {
                        r = diag_fail(d, -EINVAL, "line %u: empty key", line_no);
                        goto fail;
                }
                if (ke[-1] == ']') /* key[locale]=: translations, never used here */
                        continue;
                r = add_entry(&kf, group, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), line_no);
                if (r < 0) {
                        if (r == -E2BIG)
                                r = diag_fail(d, r, "more than %d keys", KEYFILE_ENTRIES_MAX);
                        goto fail;
                }
        }

        *ret = kf;
        return 0;
fail:
        keyfile_free(&kf);
        return r;
}

const char *keyfile_get(const struct keyfile *kf, const char *group, const char *key) {
        for (size_t i = kf->n_entries; i > 0; i--) {
                const struct keyfile_entry *e = &kf->entries[i - 1];
                if (strcmp(e->group, group) == 0 && strcmp(e->key, key) == 0)
                        return e->value;
        }
        return NULL;
}

bool keyfile_has_group(const struct keyfile *kf, const char *group) {
        for (size_t i = 0; i < kf->n_groups; i++)
                if (strcmp(kf->groups[i], group) == 0)
                        return true;
        return false;
}

void keyfile_free(struct keyfile *kf) {
        for (size_t i = 0; i < kf->n_entries; i++) {
                free(kf->entries[i].group);
                free(kf->entries[i].key);
                free(kf->entries[i].value);
        }
        for (size_t i = 0; i < kf->n_groups; i++)
                free(kf->groups[i]);
        free(kf->entries);
        free(kf->groups);
        *kf = (struct keyfile){0};
}
