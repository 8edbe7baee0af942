/* SPDX-License-Identifier: MIT */
#include "data.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errno-text.h"
#include "format.h"

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...) {
        if (!why || n == 0)
                return;
        va_list ap;
        va_start(ap, fmt);
        (void)format_text_v(why, n, fmt, ap);
        va_end(ap);
}

static enum data_action fall_back(const struct config *c) {
        return c->data_required ? DATA_FAIL : DATA_FALL_BACK;
}

enum data_action data_decide_content(const struct config *c, enum data_content content, const char *found_type,
                                     char *why, size_t n) {
        switch (content) {
        case DATA_EXPECTED:
                say(why, n, "%s found", c->data_fstype);
                return DATA_USE;
        case DATA_BLANK:
                if (c->data_format_blank && strncmp(c->data_fstype, "ext", 3) != 0) {
                        say(why, n, "no filesystem, and data.format-blank makes ext4 only (data.fstype=%s)",
                            c->data_fstype);
                        return fall_back(c);
                }
                if (c->data_format_blank) {
                        say(why, n, "no signature at all: first boot, formatting as ext4");
                        return DATA_FORMAT;
                }
                say(why, n, "no filesystem and data.format-blank=false");
                return fall_back(c);
        case DATA_FOREIGN:
                /* never format what holds anything: it may be someone's data */
                say(why, n, "holds %s, not %s: left alone", found_type && found_type[0] ? found_type : "an unknown signature",
                    c->data_fstype);
                return fall_back(c);
        case DATA_MISSING:
                say(why, n, "device did not appear within %u s", c->data_timeout_s);
                return fall_back(c);
        }
        return fall_back(c);
}

enum data_action data_decide_fsck(const struct config *c, int exit_code, char *why, size_t n) {
        if (exit_code < 0) {
                say(why, n, "e2fsck could not run: %s", errno_text(-exit_code));
                return fall_back(c);
        }
        if (exit_code == 0) {
                say(why, n, "clean");
                return DATA_USE;
        }
        if (exit_code < 4) {
                say(why, n, "errors corrected (e2fsck exit %d)", exit_code);
                return DATA_USE;
        }
        say(why, n, "e2fsck exit %d: %s", exit_code,
            exit_code == 127 ? "e2fsck could not be started"
            : exit_code & 4  ? "errors left uncorrected, needs manual repair"
                             : "e2fsck failed");
        return fall_back(c);
}

int data_rootfs_identity(const char *fs_uuid, const char *build_id, char *buf, size_t n) {
        int len = format_text(buf, n, "uuid=%s\nbuild=%s\n", fs_uuid ? fs_uuid : "", build_id ? build_id : "");
        return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int os_release_value(const char *text, const char *key, char *buf, size_t n) {
        size_t klen = strlen(key);
        if (n)
                buf[0] = '\0';
        for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (strncmp(line, key, klen) != 0 || line[klen] != '=')
                        continue;
                const char *v = line + klen + 1;
                size_t len = strcspn(v, "\n");
                if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
                        v++;
                        len -= 2;
                }
                if (len >= n)
                        return -ENAMETOOLONG;
                memcpy(buf, v, len);
                buf[len] = '\0';
        }
        return 0;
}

enum upper_action data_decide_upper(bool upper_exists, const char *stored, const char *current, bool factory_reset,
                                    char *why, size_t n) {
        if (!upper_exists) {
                say(why, n, "no upper yet");
                return UPPER_NEW;
        }
        if (factory_reset) {
                say(why, n, "factory reset");
                return UPPER_SET_ASIDE;
        }
        if (!stored) {
                /* an upper whose rootfs is unknown cannot be trusted over this one */
                say(why, n, "upper has no identity file");
                return UPPER_SET_ASIDE;
        }
        if (strcmp(stored, current) != 0) {
                say(why, n, "upper belongs to another rootfs (the slot was rewritten)");
                return UPPER_SET_ASIDE;
        }
        say(why, n, "upper matches the rootfs");
        return UPPER_KEEP;
}

bool data_factory_reset_due(const struct config *c, bool marker_present, char *why, size_t n) {
        if (marker_present) {
                say(why, n, "marker " PAIOS_DATA_DIR "/" DATA_RESET_MARKER " present");
                return true;
        }
        if (c->data_factory_reset && c->data_allow_factory_reset) {
                say(why, n, "data.factory-reset on the command line");
                return true;
        }
        if (c->data_factory_reset)
                say(why, n, "data.factory-reset ignored: data.allow-factory-reset=false");
        else
                say(why, n, "no reset requested");
        return false;
}

int data_attic_name(unsigned seq, const char *what, const char *slot, char *buf, size_t n) {
        int len = format_text(buf, n, "%06u-%s%s%s", seq, what, slot && slot[0] ? "-" : "", slot ? slot : "");
        return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

bool machine_id_is_valid(const char *text) {
        size_t n = strspn(text, "0123456789abcdef");
        if (n != 32 || strspn(text, "0") >= 32)
                return false;
        return text[32] == '\0' || (text[32] == '\n' && text[33] == '\0');
}
