/* SPDX-License-Identifier: MIT */
#include "ubootenv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libuboot.h>

#include "fileio.h"
#include "format.h"
#include "macro.h"
#include "parse-util.h"

int ubootenv_open(const char *root, const char *config, struct uboot_ctx **ret) {
        char path[PATH_MAX];
        int r = path_join_root(path, sizeof path, root, config);
        if (r < 0)
                return r;
        struct uboot_ctx *ctx = NULL;
        if (libuboot_initialize(&ctx, NULL) < 0)
                return -ENOMEM;
        r = libuboot_read_config(ctx, path);
        if (r >= 0)
                r = libuboot_open(ctx);
        if (r < 0) {
                libuboot_exit(ctx);
                return r < -1 ? r : -EIO; /* libubootenv mixes -1 and negative errnos */
        }
        *ret = ctx;
        return 0;
}

int ubootenv_write_config(const char *root, const char *config, const char *env_file, unsigned size) {
        char file[PATH_MAX], line[PATH_MAX + 64];
        int r = path_join_root(file, sizeof file, root, env_file);
        if (r < 0)
                return r;
        /* "<device or file> <offset> <size>", as fw_printenv reads it */
        if (format_text(line, sizeof line, "%s 0x0 0x%x\n", file, size) >= (int)sizeof line)
                return -ENAMETOOLONG;
        char p[PATH_MAX];
        r = path_join_root(p, sizeof p, root, config);
        if (r < 0)
                return r;
        (void)unlink(p);
        return write_new_file_at_root(root, config, line);
}

int ubootenv_get(struct uboot_ctx *ctx, const char *var, char *buf, size_t n) {
        _cleanup_free_ char *v = libuboot_get_env(ctx, var);
        if (!v) {
                if (n)
                        buf[0] = '\0';
                return -ENOENT;
        }
        return copy_string(buf, n, v);
}

int ubootenv_set_store(struct uboot_ctx *ctx, const char *var, const char *value) {
        int r = libuboot_set_env(ctx, var, value);
        if (r < 0)
                return r < -1 ? r : -EINVAL;
        r = libuboot_env_store(ctx);
        return r < 0 ? (r < -1 ? r : -EIO) : 0;
}

void ubootenv_close(struct uboot_ctx *ctx) {
        if (!ctx)
                return;
        libuboot_close(ctx);
        libuboot_exit(ctx);
}
