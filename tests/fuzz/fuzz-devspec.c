/* SPDX-License-Identifier: MIT */
/* A device name from system.conf's device= or from root=: devspec_parse(), then
 * devspec_format() and devspec_value_matches() on what it returned. The input is the name
 * (up to its first NUL). */
#include <errno.h>

#include "devspec.h"
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = fuzz_strndup(data, size);
        struct devspec spec;
        memset(&spec, 0xa5, sizeof spec);
        struct diag d = {0};

        int r = devspec_parse(s, &spec, &d);
        fuzz_check_diag(&d);
        if (r < 0) {
                ASSERT(r == -EINVAL || r == -ENAMETOOLONG || r == -EOPNOTSUPP);
                ASSERT(d.error[0]);
                free(s);
                return 0;
        }
        ASSERT(!d.error[0]);
        ASSERT(fuzz_terminated(spec.value, sizeof spec.value));
        ASSERT(spec.value[0]);
        ASSERT(strlen(s) < DEVSPEC_VALUE_MAX);

        switch (spec.kind) {
        case DEVSPEC_PATH:
                /* a path under /dev/, as written, never climbing out of it */
                ASSERT(strcmp(spec.value, s) == 0);
                ASSERT(strncmp(spec.value, "/dev/", 5) == 0 && spec.value[5]);
                ASSERT(strncmp(spec.value, "/dev/disk/", 10) != 0);
                ASSERT(!strstr(spec.value, "/../"));
                ASSERT(devspec_tag(spec.kind) == NULL);
                break;
        case DEVSPEC_DEVNUM: {
                ASSERT(spec.major <= 4095 && spec.minor < (1u << 20));
                char expect[32];
                (void)snprintf(expect, sizeof expect, "%u:%u", spec.major, spec.minor);
                ASSERT(strcmp(spec.value, expect) == 0);
                ASSERT(devspec_tag(spec.kind) == NULL);
                break;
        }
        case DEVSPEC_LABEL:
        case DEVSPEC_UUID:
        case DEVSPEC_PARTLABEL:
        case DEVSPEC_PARTUUID:
                ASSERT(devspec_tag(spec.kind) != NULL);
                break;
        default:
                ASSERT(!"devspec_parse() returned an unknown kind");
        }

        /* what the log lines print parses back to the same device (when it fits) */
        char buf[DEVSPEC_VALUE_MAX + 32];
        ASSERT(devspec_format(&spec, buf, sizeof buf) == 0);
        if (strlen(buf) < DEVSPEC_VALUE_MAX) {
                struct devspec again;
                ASSERT(devspec_parse(buf, &again, NULL) == 0);
                ASSERT(again.kind == spec.kind);
                ASSERT(strcmp(again.value, spec.value) == 0);
        }
        char tiny[4];
        r = devspec_format(&spec, tiny, sizeof tiny);
        ASSERT(r == 0 || r == -ENAMETOOLONG);
        ASSERT(fuzz_terminated(tiny, sizeof tiny));

        ASSERT(devspec_value_matches(&spec, spec.value));
        ASSERT(!devspec_value_matches(&spec, ""));
        free(s);
        return 0;
}
