/* SPDX-License-Identifier: MIT */
/* U-Boot's environment through libubootenv, with its fw_env.config format. */
#pragma once

#include <stddef.h>

struct uboot_ctx;

/* Open the environment a fw_env.config describes (root-relative path). */
int ubootenv_open(const char *root, const char *config, struct uboot_ctx **ret);
/* Write a fw_env.config naming one env file (root-relative) of size bytes. */
int ubootenv_write_config(const char *root, const char *config, const char *env_file, unsigned size);
/* The value of var, "" when unset; 0 or -ENOENT. */
int ubootenv_get(struct uboot_ctx *ctx, const char *var, char *buf, size_t n);
/* Set var and store the environment (both copies where redundant). */
int ubootenv_set_store(struct uboot_ctx *ctx, const char *var, const char *value);
void ubootenv_close(struct uboot_ctx *ctx);
