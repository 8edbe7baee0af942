/* SPDX-License-Identifier: MIT */
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "parse-util.h"

struct modules {
        struct kmod_ctx *ctx;
        char dir[PATH_MAX];
};

__attribute__((format(printf, 6, 0))) static void kmod_log_to_kmsg(void *data, int priority, const char *file,
                                                                    int line, const char *fn, const char *format,
                                                                    va_list args) {
        char msg[512];
        (void)vsnprintf(msg, sizeof msg, format, args);
        msg[strcspn(msg, "\n")] = '\0';
        /* libkmod's errors are the caller's to report with context: keep its own lines at
         * debug level */
        log_debug("libkmod: %s", msg);
}

int modules_open(const char *root, struct modules **ret) {
        struct utsname u;
        if (uname(&u) < 0)
                return negative_errno();
        _cleanup_free_ struct modules *m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        char rel[PATH_MAX];
        if (snprintf(rel, sizeof rel, "/lib/modules/%s", u.release) >= (int)sizeof rel)
                return -ENAMETOOLONG;
        int r = path_join_root(m->dir, sizeof m->dir, root, rel);
        if (r < 0)
                return r;
        if (access(m->dir, F_OK) < 0)
                return negative_errno();

        /* modprobe.d of the initramfs, never the host's, when running against a test root */
        char etc[PATH_MAX], lib[PATH_MAX];
        if (path_join_root(etc, sizeof etc, root, "/etc/modprobe.d") < 0 ||
            path_join_root(lib, sizeof lib, root, "/lib/modprobe.d") < 0)
                return -ENAMETOOLONG;
        const char *config[] = {etc, lib, NULL};
        m->ctx = kmod_new(m->dir, config);
        if (!m->ctx)
                return -ENOMEM;
        kmod_set_log_fn(m->ctx, kmod_log_to_kmsg, NULL);
        kmod_set_log_priority(m->ctx, LOG_ERR);
        r = kmod_load_resources(m->ctx); /* the binary indexes, mapped once for the boot */
        if (r < 0) {
                kmod_unref(m->ctx);
                return r;
        }
        *ret = TAKE_PTR(m);
        return 0;
}

void modules_free(struct modules *m) {
        if (!m)
                return;
        kmod_unref(m->ctx);
        free(m);
}

const char *modules_dir(const struct modules *m) {
        return m->dir;
}

static void kmod_list_freep(struct kmod_list **l) {
        if (*l)
                kmod_module_unref_list(*l);
}

/* Insert every module a lookup found; the first error wins but all are tried. */
static int insert_all(struct kmod_list *list, int *ret_count) {
        struct kmod_list *it;
        int r = 0, count = 0;
        kmod_list_foreach(it, list) {
                struct kmod_module *mod = kmod_module_get_module(it);
                /* dependencies and softdeps (modules.softdep, which depmod makes from the
                 * modules' own "softdep:" info) are resolved here */
                int k = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
                if (k < 0 && k != -EEXIST) {
                        log_warn("module %s: %s", kmod_module_get_name(mod), strerror(-k));
                        if (r == 0)
                                r = k;
                } else
                        log_debug("module %s loaded", kmod_module_get_name(mod));
                kmod_module_unref(mod);
                count++;
        }
        if (ret_count)
                *ret_count = count;
        return r;
}

int modules_load(struct modules *m, const char *name) {
        _cleanup_(kmod_list_freep) struct kmod_list *list = NULL;
        int r = kmod_module_new_from_lookup(m->ctx, name, &list);
        if (r < 0)
                return r;
        if (!list)
                return -ENOENT;
        return insert_all(list, NULL);
}

int modules_load_modalias(struct modules *m, const char *modalias) {
        _cleanup_(kmod_list_freep) struct kmod_list *list = NULL;
        int r = kmod_module_new_from_lookup(m->ctx, modalias, &list);
        if (r < 0 || !list)
                return r < 0 ? r : 0;
        int count = 0;
        r = insert_all(list, &count);
        return r < 0 ? r : count;
}

int modules_coldplug(struct modules *m, const char *root) {
        char buses[PATH_MAX];
        int r = path_join_root(buses, sizeof buses, root, "/sys/bus");
        if (r < 0)
                return r;
        _cleanup_(closedirp) DIR *bd = opendir(buses);
        if (!bd)
                return negative_errno();
        int matched = 0;
        struct dirent *bus;
        /* /sys/bus/<bus>/devices/<dev>/modalias: what udev's "trigger" walks as well */
        while ((bus = readdir(bd))) {
                if (bus->d_name[0] == '.')
                        continue;
                char devices[PATH_MAX];
                if (snprintf(devices, sizeof devices, "%s/%s/devices", buses, bus->d_name) >= (int)sizeof devices)
                        continue;
                _cleanup_(closedirp) DIR *dd = opendir(devices);
                if (!dd)
                        continue;
                struct dirent *dev;
                while ((dev = readdir(dd))) {
                        if (dev->d_name[0] == '.')
                                continue;
                        char path[PATH_MAX];
                        /* a bound driver means nothing is left to load for this device */
                        if (snprintf(path, sizeof path, "%s/%s/driver", devices, dev->d_name) >= (int)sizeof path ||
                            access(path, F_OK) == 0)
                                continue;
                        if (snprintf(path, sizeof path, "%s/%s/modalias", devices, dev->d_name) >= (int)sizeof path)
                                continue;
                        _cleanup_free_ char *alias = NULL;
                        if (read_file_at_root("/", path, 4096, &alias, NULL) < 0)
                                continue;
                        alias[strcspn(alias, "\n")] = '\0';
                        if (!alias[0])
                                continue;
                        r = modules_load_modalias(m, alias);
                        if (r > 0)
                                matched += r;
                }
        }
        return matched;
}

int modprobe_main(int argc, char **argv) {
        const char *name = NULL;
        /* the kernel runs "modprobe -q -- NAME"; accept the options it and users pass */
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        name = i + 1 < argc ? argv[i + 1] : NULL;
                        break;
                }
                if (argv[i][0] != '-') {
                        name = argv[i];
                        break;
                }
        }
        if (!name) {
                (void)fprintf(stderr, "usage: modprobe [-q] [--] MODULE\n");
                return 2;
        }
        log_open("/");
        struct modules *m = NULL;
        int r = modules_open("/", &m);
        if (r < 0) {
                log_warn("modprobe %s: no module tree: %s", name, strerror(-r));
                return 1;
        }
        r = modules_load(m, name);
        if (r < 0 && r != -ENOENT)
                log_warn("modprobe %s: %s", name, strerror(-r));
        else if (r == 0)
                log_info("modprobe %s: loaded on the kernel's request", name);
        modules_free(m);
        log_close();
        return r < 0 ? 1 : 0;
}
