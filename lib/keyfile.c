/* SPDX-License-Identifier: MIT */
#include "keyfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static bool is_blank(char c) {
        /* c == ' ' || c == '\t' || c == '\r' as a mask test without a branch: for qemu, each
         * loop over blanks is then a block or two */
        unsigned char u = (unsigned char)c;
        return (u < 64) & (unsigned)((1ULL << ' ' | 1ULL << '\t' | 1ULL << '\r') >> (u & 63));
}

/* GKeyFile's escapes, in place (the text only shrinks), NUL-terminated; an unknown escape
 * is kept as written, as g_key_file does with a warning: failing a boot on a stray
 * backslash would help no one. */
static void unescape(char *s, size_t n) {
        char *o = s;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '\\' && i + 1 < n) {
                        switch (s[++i]) {
                        case 's': c = ' '; break;
                        case 'n': c = '\n'; break;
                        case 't': c = '\t'; break;
                        case 'r': c = '\r'; break;
                        case '\\': break;
                        default:
                                *o++ = '\\';
                                c = s[i];
                        }
                }
                *o++ = c;
        }
        *o = '\0';
}

/* One allocation holds the entries, the group list and a copy of the text, in which the
 * names and values are cut out in place (NUL-terminated, unescaped): no allocation per
 * group, key or value, and keyfile_free() frees one block. Each distinct piece of code run
 * at boot is translated by qemu once, the main cost of /init under TCG (README, "Where
 * /init's time goes"): per-item strdup/realloc/free paths were most of this parser's. */
int keyfile_parse(const char *text, size_t len, struct keyfile *ret, struct diag *d) {
        char *group = NULL;
        unsigned line_no = 0;
        int r;

        if (len > KEYFILE_SIZE_MAX)
                return diag_fail(d, -EFBIG, "file is %zu bytes, more than the %d allowed", len,
                                 KEYFILE_SIZE_MAX);
        /* the lines, up to a NUL byte: every entry and every group takes a line of its own,
         * so they bound both. No memchr() in this parser: no other code of the boot runs
         * it, and its word-at-a-time loops are code qemu translates for this file alone;
         * strchr() runs elsewhere anyway. */
        size_t cap = 1;
        const char *c = text;
        for (; c < text + len && *c; c++)
                cap += *c == '\n';
        if (c < text + len)
                return diag_fail(d, -EINVAL, "line %u contains a NUL byte", (unsigned)cap);
        if (cap > KEYFILE_ENTRIES_MAX)
                cap = KEYFILE_ENTRIES_MAX;
        struct keyfile kf = {
                .entries = malloc(cap * (sizeof(struct keyfile_entry) + sizeof(char *)) + len + 1),
        };
        if (!kf.entries)
                return -ENOMEM;
        kf.groups = (char **)(kf.entries + cap);
        char *buf = (char *)(kf.groups + cap);
        memcpy(buf, text, len);
        buf[len] = '\0';

        for (char *p = buf, *end = buf + len; p < end;) {
                /* no NUL in the text: the line ends at a newline or at the end */
                char *s = p, *e = strchr(p, '\n');
                if (!e)
                        e = end;
                p = e + 1; /* past end at the last line: buf holds a byte more */
                line_no++;

                if (e - s > KEYFILE_LINE_MAX) {
                        r = diag_fail(d, -EINVAL, "line %u is longer than %d bytes", line_no,
                                      KEYFILE_LINE_MAX);
                        goto fail;
                }
                /* Blanks trimmed at both ends. The loops need no bounds: *e, a newline or
                 * the NUL after the text, is no blank, and neither is *s once the line has
                 * text. */
                while (is_blank(*s))
                        s++;
                if (s == e || *s == '#')
                        continue;
                while (is_blank(e[-1]))
                        e--;
                *e = '\0'; /* a newline or a blank: the line's text ends before it */

                if (*s == '[') {
                        bool ok = e[-1] == ']' && e - s >= 3;
                        if (ok) {
                                e[-1] = '\0';
                                ok = !strpbrk(s + 1, "[]");
                        }
                        if (!ok) {
                                r = diag_fail(d, -EINVAL, "line %u: malformed group header", line_no);
                                goto fail;
                        }
                        /* groups of one name merged: entries point at its first header's name */
                        group = NULL;
                        for (size_t i = 0; i < kf.n_groups && !group; i++)
                                if (strcmp(kf.groups[i], s + 1) == 0)
                                        group = kf.groups[i];
                        if (!group) {
                                if (kf.n_groups >= KEYFILE_ENTRIES_MAX) {
                                        r = diag_fail(d, -E2BIG, "more than %d groups", KEYFILE_ENTRIES_MAX);
                                        goto fail;
                                }
                                group = kf.groups[kf.n_groups++] = s + 1;
                        }
                        continue;
                }

                char *eq = strchr(s, '=');
                if (!eq) {
                        r = diag_fail(d, -EINVAL, "line %u is not a group, a key=value pair or a comment",
                                      line_no);
                        goto fail;
                }
                if (!group) {
                        r = diag_fail(d, -EINVAL, "line %u: key outside of any [group]", line_no);
                        goto fail;
                }
                /* *s is no blank: a key of blanks only starts at the '=' too */
                if (eq == s) {
                        r = diag_fail(d, -EINVAL, "line %u: empty key", line_no);
                        goto fail;
                }
                /* the key's end and the value's start trimmed (the line's ends are): these
                 * loops stop at *s and at the NUL at e */
                char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
                while (is_blank(ke[-1]))
                        ke--;
                while (is_blank(*vs))
                        vs++;
                if (ke[-1] == ']') /* key[locale]=: translations, never used here */
                        continue;
                if (kf.n_entries >= KEYFILE_ENTRIES_MAX) {
                        r = diag_fail(d, -E2BIG, "more than %d keys", KEYFILE_ENTRIES_MAX);
                        goto fail;
                }
                *ke = '\0';
                *ve = '\0';
                if (strchr(vs, '\\'))
                        unescape(vs, (size_t)(ve - vs));
                kf.entries[kf.n_entries++] = (struct keyfile_entry){
                        .group = group,
                        .key = ks,
                        .value = vs,
                        .line = line_no,
                };
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
        free(kf->entries); /* the one block: groups and strings live in it (keyfile_parse()) */
        *kf = (struct keyfile){0};
}
