/* SPDX-License-Identifier: MIT */
/* paios-compile-config: run by scripts/mkinitramfs on the build host, not in the
 * initramfs. Parses paios-init's configuration and RAUC's system.conf with the same lib/
 * code /init uses and writes what /init would have built from them
 * (lib/compiled-config.h), so the boot skips the parsers.
 *
 *   paios-compile-config [--config FILE] [--system-conf FILE]
 *                        [--load-table FILE --kernel-version VER] --output FILE
 *
 * With the initramfs's module load table (lib/module-table.h), the configured modules'
 * load plan is compiled too; a table that cannot plan them is left to /init (a note).
 *
 * Exit status 0: written. 2: nothing written, and why on stderr: a text with an error or a
 * warning is left for /init to parse at boot, which reports it in the boot's log where the
 * operator looks (a compiled file would hide the warning). 1: usage or I/O error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiled-config.h"
#include "keyfile.h"
#include "macro.h"

static void fclosep(FILE **f) {
        if (*f)
                (void)fclose(*f);
}

/* The whole file, NUL-terminated, at most KEYFILE_SIZE_MAX bytes (as /init reads it). */
static int read_text(const char *path, char **ret, size_t *ret_len) {
        _cleanup_(fclosep) FILE *f = fopen(path, "rbe");
        if (!f)
                return -errno;
        _cleanup_free_ char *buf = malloc(KEYFILE_SIZE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = fread(buf, 1, KEYFILE_SIZE_MAX + 1, f);
        if (ferror(f))
                return -EIO;
        if (n > KEYFILE_SIZE_MAX)
                return -EFBIG;
        buf[n] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = n;
        return 0;
}

/* Either part refused: say why, write nothing (exit 2). */
static int refuse(const char *path, const struct diag *d, int r) {
        const char *why = d->n_warn > 0 ? d->warn[0] : d->error[0] ? d->error : strerror(-r);
        (void)fprintf(stderr, "paios-compile-config: %s: %s: left for /init to parse and report at boot\n", path, why);
        return 2;
}

int main(int argc, char **argv) {
        const char *conf_path = NULL, *sys_path = NULL, *out_path = NULL, *table_path = NULL, *kver = NULL;
        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--config") == 0)
                        conf_path = argv[i + 1];
                else if (strcmp(argv[i], "--system-conf") == 0)
                        sys_path = argv[i + 1];
                else if (strcmp(argv[i], "--output") == 0)
                        out_path = argv[i + 1];
                else if (strcmp(argv[i], "--load-table") == 0)
                        table_path = argv[i + 1];
                else if (strcmp(argv[i], "--kernel-version") == 0)
                        kver = argv[i + 1];
                else
                        break;
        }
        if (!out_path || argc % 2 == 0 || !table_path != !kver) {
                (void)fprintf(stderr,
                              "usage: %s [--config FILE] [--system-conf FILE] [--load-table FILE --kernel-version VER] "
                              "--output FILE\n",
                              argv[0]);
                return 1;
        }

        /* static: zeroed, so the bytes a parser leaves alone are the same in every build
         * (mkinitramfs makes reproducible archives) */
        static struct config config;
        static struct rauc_system sys;
        config_defaults(&config);
        _cleanup_free_ char *conf_text = NULL, *sys_text = NULL;
        size_t conf_len = 0, sys_len = 0;
        struct diag d = {0};
        int r;
        if (conf_path) {
                r = read_text(conf_path, &conf_text, &conf_len);
                if (r < 0) {
                        (void)fprintf(stderr, "paios-compile-config: %s: %s\n", conf_path, strerror(-r));
                        return 1;
                }
                struct keyfile kf;
                r = keyfile_parse(conf_text, conf_len, &kf, &d);
                if (r >= 0) {
                        r = config_apply_keyfile(&config, &kf, &d);
                        keyfile_free(&kf);
                }
                if (r < 0 || d.n_warn > 0)
                        return refuse(conf_path, &d, r);
        }
        if (sys_path) {
                r = read_text(sys_path, &sys_text, &sys_len);
                if (r < 0) {
                        (void)fprintf(stderr, "paios-compile-config: %s: %s\n", sys_path, strerror(-r));
                        return 1;
                }
                diag_clear(&d);
                r = rauc_system_parse(sys_text, sys_len, &sys, &d);
                if (r < 0 || d.n_warn > 0)
                        return refuse(sys_path, &d, r);
        }

        /* the table's text is split in place by its parser: the hash is of a copy */
        _cleanup_free_ char *table_text = NULL, *table_copy = NULL;
        size_t table_len = 0;
        static struct module_table table;
        static struct compiled_module_plan plan;
        const struct compiled_module_plan *mp = NULL;
        if (table_path) {
                static struct compiled_module_file files[COMPILED_MODULE_FILES_MAX];
                r = read_text(table_path, &table_text, &table_len);
                if (r < 0) {
                        (void)fprintf(stderr, "paios-compile-config: %s: %s\n", table_path, strerror(-r));
                        return 1;
                }
                table_copy = table_text ? strdup(table_text) : NULL;
                unsigned line = 0;
                if (!table_copy)
                        r = -ENOMEM;
                else if ((r = module_table_parse(table_copy, &table, &line)) < 0)
                        (void)fprintf(stderr, "paios-compile-config: %s, line %u: %s\n", table_path, line, strerror(-r));
                else if ((r = compiled_module_plan_build(&config, &table, kver, files, &plan)) < 0)
                        (void)fprintf(stderr, "paios-compile-config: %s: %s\n", table_path,
                                      r == -ENOENT ? "a configured module is not in the table" : strerror(-r));
                if (r < 0)
                        (void)fprintf(stderr, "paios-compile-config: note: the module plan is left to /init\n");
                else
                        mp = &plan;
        }

        static char blob[COMPILED_CONFIG_SIZE_MAX];
        int len = compiled_config_write(&config, conf_text, conf_len, sys_path ? &sys : NULL, sys_text, sys_len, mp,
                                        table_text, table_len, blob, sizeof blob);
        if (len < 0) {
                (void)fprintf(stderr, "paios-compile-config: %s\n", strerror(-len));
                return 1;
        }
        _cleanup_(fclosep) FILE *out = fopen(out_path, "wbe");
        if (!out || fwrite(blob, 1, (size_t)len, out) != (size_t)len || fflush(out) != 0) {
                (void)fprintf(stderr, "paios-compile-config: %s: %s\n", out_path, strerror(errno));
                return 1;
        }
        return 0;
}
