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
#include <sys/stat.h>
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
        if (!log_debug_enabled())
                return; /* not even formatted: libkmod's "%m" costs a strerror() each */
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

/* Add mod to the closure once, with the size of its file. A closure longer than the
 * table only makes the grouping coarser: loading resolves dependencies by itself. */
static void job_add(struct module_job *j, struct kmod_module *mod) {
        const char *name = kmod_module_get_name(mod);
        for (size_t i = 0; i < j->n_closure; i++)
                if (strcmp(j->closure[i], name) == 0)
                        return;
        if (j->n_closure >= MODULE_PLAN_CLOSURE_MAX || copy_string(j->closure[j->n_closure], MODULE_PLAN_NAME_MAX, name) < 0)
                return;
        j->n_closure++;
        const char *path = kmod_module_get_path(mod); /* NULL for built-in modules */
        struct stat st;
        if (path && stat(path, &st) == 0)
                j->bytes += (unsigned long)st.st_size;
}

static void job_add_each(struct module_job *j, struct kmod_list *list, bool with_softdeps);

/* mod and its dependencies; with_softdeps: its softdeps too (ext4 pulls crc32c), each
 * with its dependencies: they load with the module, so they are part of its chain */
static void job_add_module(struct module_job *j, struct kmod_module *mod, bool with_softdeps) {
        job_add(j, mod);
        _cleanup_(kmod_list_freep) struct kmod_list *deps = kmod_module_get_dependencies(mod);
        struct kmod_list *it;
        kmod_list_foreach(it, deps) {
                struct kmod_module *dep = kmod_module_get_module(it);
                job_add(j, dep);
                kmod_module_unref(dep);
        }
        _cleanup_(kmod_list_freep) struct kmod_list *pre = NULL;
        _cleanup_(kmod_list_freep) struct kmod_list *post = NULL;
        if (with_softdeps && kmod_module_get_softdeps(mod, &pre, &post) == 0) {
                job_add_each(j, pre, false);
                job_add_each(j, post, false);
        }
}

static void job_add_each(struct module_job *j, struct kmod_list *list, bool with_softdeps) {
        struct kmod_list *it;
        kmod_list_foreach(it, list) {
                struct kmod_module *mod = kmod_module_get_module(it);
                job_add_module(j, mod, with_softdeps);
                kmod_module_unref(mod);
        }
}

int modules_job(struct modules *m, const char *name, struct module_job *ret) {
        memset(ret, 0, sizeof *ret);
        _cleanup_(kmod_list_freep) struct kmod_list *list = NULL;
        int r = kmod_module_new_from_lookup(m->ctx, name, &list);
        if (r < 0)
                return r;
        if (!list) /* loaded on its own, to fail with its own message */
                return copy_string(ret->closure[ret->n_closure++], MODULE_PLAN_NAME_MAX, name);
        ret->known = true;
        job_add_each(ret, list, true);
        return 0;
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

/* Modaliases that matched nothing, remembered for the walk: boards repeat them (qemu's
 * virt machine has 32 identical empty virtio-mmio slots, SoCs many identical blocks). */
struct alias_misses {
        char alias[16][256];
        unsigned n, next;
};

static bool alias_missed(const struct alias_misses *c, const char *alias) {
        for (unsigned i = 0; i < c->n; i++)
                if (strcmp(c->alias[i], alias) == 0)
                        return true;
        return false;
}

static void alias_remember_miss(struct alias_misses *c, const char *alias) {
        if (copy_string(c->alias[c->next], sizeof c->alias[0], alias) < 0)
                return; /* too long to remember: looked up each time */
        c->next = (c->next + 1) % ELEMENTSOF(c->alias);
        if (c->n < ELEMENTSOF(c->alias))
                c->n++;
}

int modules_coldplug(struct modules *m, const char *root) {
        char buses[PATH_MAX];
        int r = path_join_root(buses, sizeof buses, root, "/sys/bus");
        if (r < 0)
                return r;
        _cleanup_(closedirp) DIR *bd = opendir(buses);
        if (!bd)
                return negative_errno();
        struct alias_misses misses = {0};
        int matched = 0;
        struct dirent *bus;
        /* /sys/bus/<bus>/devices/<dev>/modalias: what udev's "trigger" walks as well */
        while ((bus = readdir(bd))) {
                if (bus->d_name[0] == '.')
                        continue;
                char devices[NAME_MAX + 16];
                if (snprintf(devices, sizeof devices, "%s/devices", bus->d_name) >= (int)sizeof devices)
                        continue;
                int dfd = openat(dirfd(bd), devices, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dfd < 0)
                        continue;
                _cleanup_(closedirp) DIR *dd = fdopendir(dfd); /* owns dfd from here on */
                if (!dd) {
                        (void)close(dfd);
                        continue;
                }
                struct dirent *dev;
                while ((dev = readdir(dd))) {
                        if (dev->d_name[0] == '.')
                                continue;
                        char path[NAME_MAX + 16];
                        /* a bound driver means nothing is left to load for this device */
                        if (snprintf(path, sizeof path, "%s/driver", dev->d_name) >= (int)sizeof path ||
                            faccessat(dirfd(dd), path, F_OK, 0) == 0)
                                continue;
                        char alias[4096];
                        if (snprintf(path, sizeof path, "%s/modalias", dev->d_name) >= (int)sizeof path ||
                            read_sysfs_attr(dirfd(dd), path, alias, sizeof alias) <= 0 || alias_missed(&misses, alias))
                                continue;
                        r = modules_load_modalias(m, alias);
                        if (r > 0)
                                matched += r;
                        else if (r == 0)
                                alias_remember_miss(&misses, alias);
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
