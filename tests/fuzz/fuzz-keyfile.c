/* SPDX-License-Identifier: MIT */
/* keyfile_parse() on arbitrary bytes (it takes a length: NUL bytes are part of the input),
 * then the lookups on what it returned. */
#include <errno.h>

#include "fuzz-util.h"
#include "keyfile.h"

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
}

static void check_keyfile(const struct keyfile *kf) {
        ASSERT(kf->n_entries <= KEYFILE_ENTRIES_MAX);
        ASSERT(kf->n_groups <= KEYFILE_ENTRIES_MAX);
        for (size_t i = 0; i < kf->n_groups; i++) {
                ASSERT(kf->groups[i]);
                ASSERT(keyfile_has_group(kf, kf->groups[i]));
                for (size_t j = 0; j < i; j++) /* every group named once */
                        ASSERT(strcmp(kf->groups[i], kf->groups[j]) != 0);
        }
        unsigned prev_line = 0;
        for (size_t i = 0; i < kf->n_entries; i++) {
                const struct keyfile_entry *e = &kf->entries[i];
                ASSERT(e->group && e->key && e->value);
                ASSERT(keyfile_has_group(kf, e->group));
                size_t klen = strlen(e->key);
                ASSERT(klen > 0);
                ASSERT(!is_blank(e->key[0]) && !is_blank(e->key[klen - 1]));
                ASSERT(!strchr(e->key, '\n'));
                ASSERT(e->key[klen - 1] != ']'); /* localized keys are skipped */
                ASSERT(e->line > prev_line); /* one entry a line, in file order */
                prev_line = e->line;
                /* keyfile_get() returns the last value given for group/key */
                const char *last = NULL;
                for (size_t j = 0; j < kf->n_entries; j++)
                        if (strcmp(kf->entries[j].group, e->group) == 0 && strcmp(kf->entries[j].key, e->key) == 0)
                                last = kf->entries[j].value;
                ASSERT(keyfile_get(kf, e->group, e->key) == last);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* an exact-size heap copy, so ASan sees any read past len */
        char *text = malloc(size ? size : 1);
        if (!text)
                return 0;
        if (size)
                memcpy(text, data, size);

        struct keyfile kf = {0};
        struct diag d = {0};
        int r = keyfile_parse(text, size, &kf, &d);
        fuzz_check_diag(&d);
        if (r == 0) {
                ASSERT(!d.error[0]);
                check_keyfile(&kf);
                ASSERT(!keyfile_get(&kf, "no]such", "key")); /* no group name holds a ']' */
                keyfile_free(&kf);
                ASSERT(kf.n_entries == 0 && kf.n_groups == 0 && !kf.entries && !kf.groups);
        } else {
                ASSERT(r == -EINVAL || r == -EFBIG || r == -E2BIG || r == -ENOMEM);
                ASSERT(d.error[0] || r == -ENOMEM);
                ASSERT(kf.n_entries == 0 && !kf.entries); /* untouched on failure */
        }
        free(text);
        return 0;
}
