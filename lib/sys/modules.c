/* SPDX-License-Identifier: MIT */
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "errno-text.h"
#include "fileio.h"
#include "format.h"
#include "log.h"
#include "macro.h"
#include "module-table.h"
#include "parse-util.h"
#include "raw-syscall.h"

struct modules {
        struct kmod_ctx *ctx; /* opened on first need: the load table answers most boots alone */
        int ctx_error;        /* why opening it failed, once tried */
        char *table_text;
        bool table_usable;
        char *cmdline; /* the kernel's: module options there are libkmod's to pass */
        /* the large members last: modules_open() zeroes only what is above them. A boot
         * writes the start of dir, of the table's chains, the table's count and root's
         * start: in this order those are three places (pages written, each a fault) */
        char dir[PATH_MAX];
        struct module_table table; /* points into table_text */
        char root[PATH_MAX];
};

__attribute__((format(printf, 6, 0))) static void kmod_log_to_kmsg(void *data, int priority, const char *file,
                                                                    int line, const char *fn, const char *format,
                                                                    va_list args) {
        if (!log_debug_enabled())
                return; /* not even formatted: libkmod's "%m" costs a strerror() each */
        char msg[512];
        (void)format_text_v(msg, sizeof msg, format, args);
        msg[strcspn(msg, "\n")] = '\0';
        /* libkmod's errors are the caller's to report with context: keep its own lines at
         * debug level */
        log_debug("libkmod: %s", msg);
}

/* libkmod's context, made on the first call that needs it; NULL with *err set if it
 * cannot be (then every later call gets the same error). */
static struct kmod_ctx *modules_kmod(struct modules *m, const char *why, int *err) {
        if (m->ctx || m->ctx_error) {
                *err = m->ctx_error;
                return m->ctx;
        }
        /* modprobe.d of the initramfs, never the host's, when running against a test root */
        char etc[PATH_MAX], lib[PATH_MAX];
        if (path_join_root(etc, sizeof etc, m->root, "/etc/modprobe.d") < 0 ||
            path_join_root(lib, sizeof lib, m->root, "/lib/modprobe.d") < 0) {
                *err = m->ctx_error = -ENAMETOOLONG;
                return NULL;
        }
        const char *config[] = {etc, lib, NULL};
        struct kmod_ctx *ctx = kmod_new(m->dir, config);
        if (!ctx) {
                *err = m->ctx_error = -ENOMEM;
                return NULL;
        }
        kmod_set_log_fn(ctx, kmod_log_to_kmsg, NULL);
        kmod_set_log_priority(ctx, LOG_ERR);
        int r = kmod_load_resources(ctx); /* the binary indexes, mapped once for the boot */
        if (r < 0) {
                kmod_unref(ctx);
                *err = m->ctx_error = r;
                return NULL;
        }
        log_debug("modules: libkmod opened for %s", why);
        m->ctx = ctx;
        *err = 0;
        return ctx;
}

/* libkmod's modules for a name or alias, opening libkmod first if need be (why: for the
 * debug line); *ret stays NULL when nothing matches. */
static int modules_lookup(struct modules *m, const char *name, const char *why, struct kmod_list **ret) {
        int r;
        struct kmod_ctx *ctx = modules_kmod(m, why, &r);
        return ctx ? kmod_module_new_from_lookup(ctx, name, ret) : r;
}

const char *modules_config_present(const char *root, char *buf, size_t n) {
        static const char *const configs[] = {"/etc/modprobe.d", "/lib/modprobe.d"};
        for (size_t i = 0; i < ELEMENTSOF(configs); i++)
                if (path_join_root(buf, n, root, configs[i]) < 0 || access(buf, F_OK) == 0)
                        return configs[i];
        return NULL;
}

/* One read() for the load table: the benchmark's is 700 bytes, a product's a few KiB. */
enum { MODULE_TABLE_READ = 8000 };

/* The load table (lib/module-table.h), if the initramfs has one and it can be trusted
 * for this boot: a modprobe.d in the initramfs (options, install commands, softdeps the
 * table does not know) leaves everything to libkmod. Returns whether the file was read:
 * then the module directory exists, and modules_open() need not ask. */
static bool modules_table_open(struct modules *m, const char *cmdline) {
        char path[PATH_MAX];
        if (format_text(path, sizeof path, "%s/%s", m->dir, MODULE_TABLE_FILE) >= (int)sizeof path)
                return false;
        /* open, read, close: the read to the end of the file that read_file_at_root()
         * makes would be a fourth system call (each ~10 us under emulation, README) */
        m->table_text = malloc(MODULE_TABLE_READ);
        int r = m->table_text ? read_sysfs_attr(AT_FDCWD, path, m->table_text, MODULE_TABLE_READ) : -ENOMEM;
        if (r == -EFBIG) { /* a table that large is read in turn */
                free(m->table_text);
                m->table_text = NULL;
                r = read_file_at_root("/", path, 64 << 10, &m->table_text, NULL);
        }
        if (r < 0) {
                free(m->table_text);
                m->table_text = NULL;
                /* no module tree at all is modules_open()'s to report */
                if (r != -ENOENT && access(m->dir, F_OK) == 0)
                        log_warn("module table %s: %s: loading every module through libkmod", path, errno_text(-r));
                return false;
        }
        unsigned line = 0;
        r = module_table_parse(m->table_text, &m->table, &line);
        if (r < 0) {
                log_warn("module table %s, line %u: %s: loading every module through libkmod", path, line,
                         r == -E2BIG ? "too many entries" : "not \"NAME: FILE.ko...\"");
                return true;
        }
        /* path's buffer again: a frame of 4 KiB rather than 8 is a stack page less */
        const char *config = modules_config_present(m->root, path, sizeof path);
        if (config) {
                log_debug("modules: %s exists: loading every module through libkmod", config);
                return true;
        }
        if (cmdline)
                m->cmdline = strdup(cmdline);
        else if (read_file_at_root(m->root, "/proc/cmdline", 64 << 10, &m->cmdline, NULL) < 0)
                return true; /* module options there could not be seen */
        if (m->cmdline)
                m->table_usable = true;
        return true;
}

int modules_open(const char *root, const char *cmdline, struct modules **ret) {
        struct utsname u;
        if (uname(&u) < 0)
                return negative_errno();
        /* not calloc(): 33 KiB of which a boot uses a few hundred bytes, and every page
         * written is a page fault */
        _cleanup_(modules_freep) struct modules *m = malloc(sizeof *m);
        if (!m)
                return -ENOMEM;
        memset(m, 0, offsetof(struct modules, dir));
        m->table.n = 0;
        int r = copy_string(m->root, sizeof m->root, root);
        if (r < 0)
                return r;
        /* path_join_root(root, "/lib/modules/<release>") in one formatting */
        if (format_text(m->dir, sizeof m->dir, "%s/lib/modules/%s", strcmp(root, "/") == 0 ? "" : root, u.release) >=
            (int)sizeof m->dir)
                return -ENAMETOOLONG;
        /* the table read answers whether the directory exists, on a boot that has one */
        if (!modules_table_open(m, cmdline) && access(m->dir, F_OK) < 0)
                return negative_errno();
        *ret = TAKE_PTR(m);
        return 0;
}

void modules_free(struct modules *m) {
        if (!m)
                return;
        if (m->ctx)
                kmod_unref(m->ctx);
        free(m->table_text);
        free(m->cmdline);
        free(m);
}

void modules_freep(struct modules **m) {
        modules_free(*m);
}

const char *modules_dir(const struct modules *m) {
        return m->dir;
}

static void job_add_file(struct module_job *j, const char *name, unsigned long bytes, const char *dir,
                         const char *path);

/* The table's chain for a configured name, if the table may answer for all of it: no
 * module of the chain has options on the kernel command line. j: the chain's files are
 * added to it as they are looked at (the caller starts it over when this returns NULL),
 * their sizes from the table (a table without them: a stat() each): one walk of the
 * chain, not two. */
static const struct module_chain *modules_table_chain(const struct modules *m, const char *name,
                                                      struct module_job *j) {
        if (!m->table_usable)
                return NULL;
        const struct module_chain *c = module_table_find(&m->table, name);
        for (size_t i = 0; c && i < c->n; i++) {
                char mod[MODULE_PLAN_NAME_MAX];
                if (module_name_from_path(c->path[i], mod, sizeof mod) < 0 || cmdline_names_module(m->cmdline, mod))
                        return NULL;
                if (j)
                        job_add_file(j, mod, c->bytes[i], m->dir, c->path[i]);
        }
        return c;
}

/* finit_module() of path; its descriptor, once open, goes to *ret_fd for the caller to close. */
static int insert_file_fd(const char *path, const char *options, int *ret_fd) {
        *ret_fd = raw_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
        if (*ret_fd < 0)
                return *ret_fd;
        return (int)raw_syscall3(SYS_finit_module, *ret_fd, (long)(options ? options : ""), 0);
}

static int insert_file(const char *path, const char *options) {
        _cleanup_close_ int fd = -1;
        return insert_file_fd(path, options, &fd);
}

/* A chain's file that does not fit modules_load_chain()'s buffer (none of a real tree). */
__attribute__((noinline)) static int insert_long_path(const struct modules *m, const char *file) {
        char path[PATH_MAX];
        if (format_text(path, sizeof path, "%s/%s", m->dir, file) >= (int)sizeof path)
                return -ENAMETOOLONG;
        return insert_file(path, NULL);
}

/* The descriptors of the files modules_insert_file() inserted, kept open until
 * modules_close_inserted(): one close_range() for the run of numbers they form (they are
 * opened one after another) instead of a close() each, nine system calls fewer on the
 * benchmark's boot (~15 us of user time each under TCG, README "Where /init's time goes").
 * Only descriptors recorded here are ever closed by it. */
static int inserted_fd[32];
static size_t n_inserted;

int modules_insert_file(const char *path) {
        int fd;
        int r = insert_file_fd(path, NULL, &fd);
        if (fd >= 0 && n_inserted < ELEMENTSOF(inserted_fd))
                inserted_fd[n_inserted++] = fd;
        else if (fd >= 0)
                (void)close(fd);
        return r;
}

void modules_close_inserted(void) {
        for (size_t i = 0; i < n_inserted;) {
                size_t j = i;
                while (j + 1 < n_inserted && inserted_fd[j + 1] == inserted_fd[j] + 1)
                        j++;
                bool closed = false;
#ifdef SYS_close_range
                closed = raw_syscall3(SYS_close_range, inserted_fd[i], inserted_fd[j], 0) == 0;
#endif
                for (size_t k = i; !closed && k <= j; k++) /* before Linux 5.9 */
                        (void)close(inserted_fd[k]);
                i = j + 1;
        }
        n_inserted = 0;
}

/* Insert a chain's files in order. The path's buffer is small so that the loading child
 * (lib/module-plan.h) writes fewer stack pages, each a copy-on-write fault after fork(). */
static int modules_load_chain(const struct modules *m, const struct module_chain *c) {
        for (size_t i = 0; i < c->n; i++) {
                char path[256];
                int r = format_text(path, sizeof path, "%s/%s", m->dir, c->path[i]) < (int)sizeof path
                                ? insert_file(path, NULL)
                                : insert_long_path(m, c->path[i]);
                if (r < 0 && r != -EEXIST)
                        return r;
        }
        return 0;
}

static void kmod_list_freep(struct kmod_list **l) {
        if (*l)
                kmod_module_unref_list(*l);
}

/* ---- insertion: kmod_module_probe_insert_module(mod, 0, ...) with fewer system calls ----
 *
 * libkmod asks sysfs whether each module of a chain is loaded (an open and a stat each)
 * and maps each file before finit_module(). At boot next to nothing is loaded, and the
 * kernel answers EEXIST for what is (after waiting for a load in progress, so the two
 * loaders and the kernel's own requests cannot race), so this asks the kernel alone: an
 * open, a finit_module() and a close per module, about a third of the calls. Each of
 * them costs far more than its work under emulation (README, "Where /init's time
 * goes"). The order is libkmod's: softdeps "pre" of a module, the module, its softdeps
 * "post"; dependencies before what needs them; errors of softdeps ignored. A module
 * with an install command in modprobe.d, and a compressed one, go to libkmod. */

enum { PROBE_CHAIN_MAX = 64 };

struct probe_entry {
        struct kmod_module *mod; /* a reference of its own */
        bool required;           /* the module asked for or a dependency: its errors count */
        bool ignore_command;     /* it has softdeps: libkmod then ignores its install command */
};

struct probe_chain {
        struct probe_entry entry[PROBE_CHAIN_MAX];
        size_t n;
        struct kmod_module *visited[PROBE_CHAIN_MAX];
        size_t n_visited;
        bool overflow;
};

static void probe_chain_release(struct probe_chain *c) {
        for (size_t i = 0; i < c->n; i++)
                kmod_module_unref(c->entry[i].mod);
}

static void probe_chain_append(struct probe_chain *c, struct kmod_module *mod, bool required, bool ignore_command) {
        if (c->n >= PROBE_CHAIN_MAX) {
                c->overflow = true;
                return;
        }
        c->entry[c->n++] = (struct probe_entry){kmod_module_ref(mod), required, ignore_command};
}

static bool probe_chain_visit(struct probe_chain *c, struct kmod_module *mod) {
        for (size_t i = 0; i < c->n_visited; i++)
                if (c->visited[i] == mod) /* libkmod keeps one object per name while referenced */
                        return false;
        if (c->n_visited >= PROBE_CHAIN_MAX) {
                c->overflow = true;
                return false;
        }
        c->visited[c->n_visited++] = mod;
        return true;
}

static void probe_chain_add(struct probe_chain *c, struct kmod_module *mod, bool required);

static void probe_chain_add_with_softdeps(struct probe_chain *c, struct kmod_module *mod, bool required) {
        _cleanup_(kmod_list_freep) struct kmod_list *pre = NULL;
        _cleanup_(kmod_list_freep) struct kmod_list *post = NULL;
        struct kmod_list *it;
        if (kmod_module_get_softdeps(mod, &pre, &post) < 0)
                c->overflow = true; /* let libkmod say what is wrong */
        kmod_list_foreach(it, pre) {
                struct kmod_module *dep = kmod_module_get_module(it);
                probe_chain_add(c, dep, false);
                kmod_module_unref(dep);
        }
        probe_chain_append(c, mod, required, pre || post);
        kmod_list_foreach(it, post) {
                struct kmod_module *dep = kmod_module_get_module(it);
                probe_chain_add(c, dep, false);
                kmod_module_unref(dep);
        }
}

/* libkmod's __kmod_module_get_probe_list() */
static void probe_chain_add(struct probe_chain *c, struct kmod_module *mod, bool required) {
        if (!probe_chain_visit(c, mod))
                return;
        _cleanup_(kmod_list_freep) struct kmod_list *deps = kmod_module_get_dependencies(mod);
        struct kmod_list *it;
        kmod_list_foreach(it, deps) {
                struct kmod_module *dep = kmod_module_get_module(it);
                probe_chain_add_with_softdeps(c, dep, required);
                kmod_module_unref(dep);
        }
        probe_chain_add_with_softdeps(c, mod, required);
}

/* A module libkmod would hand to finit_module() as it is: an uncompressed file and no
 * install command to run instead (libkmod ignores those of a module with softdeps). */
static bool probe_entry_direct(const struct probe_entry *e) {
        const char *path = kmod_module_get_path(e->mod);
        char name[MODULE_PLAN_NAME_MAX];
        if (path && module_name_from_path(path, name, sizeof name) < 0)
                return false;
        return e->ignore_command || !kmod_module_get_install_commands(e->mod);
}

static int insert_direct(const struct probe_entry *e) {
        const char *path = kmod_module_get_path(e->mod);
        if (!path) /* built in or loaded from elsewhere (libkmod skips those), else unknown */
                return kmod_module_get_initstate(e->mod) >= 0 || !e->required ? 0 : -ENOENT;
        return insert_file(path, kmod_module_get_options(e->mod)); /* modprobe.d and the kernel command line */
}

static int probe_insert(struct kmod_module *mod) {
        struct probe_chain c = {0};
        probe_chain_add(&c, mod, true);
        bool direct = !c.overflow;
        for (size_t i = 0; direct && i < c.n; i++)
                direct = probe_entry_direct(&c.entry[i]);
        int r = 0;
        if (!direct)
                r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
        else
                for (size_t i = 0; i < c.n; i++) {
                        int k = insert_direct(&c.entry[i]);
                        if (k < 0 && k != -EEXIST && c.entry[i].required) {
                                r = k;
                                break;
                        }
                }
        probe_chain_release(&c);
        return r;
}

/* Insert every module a lookup found; the first error wins but all are tried. */
static int insert_all(struct kmod_list *list, int *ret_count) {
        struct kmod_list *it;
        int r = 0, count = 0;
        kmod_list_foreach(it, list) {
                struct kmod_module *mod = kmod_module_get_module(it);
                int k = probe_insert(mod);
                if (k < 0 && k != -EEXIST) {
                        log_warn("module %s: %s", kmod_module_get_name(mod), errno_text(-k));
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
        const struct module_chain *c = modules_table_chain(m, name, NULL);
        if (c) {
                int k = modules_load_chain(m, c);
                if (k == 0) {
                        log_debug("module %s loaded", name);
                        return 0;
                }
                /* libkmod knows which of the chain were softdeps (whose errors do not
                 * count) and says what went wrong in its terms */
                log_debug("module %s from the load table: %s; asking libkmod", name, errno_text(-k));
        }
        _cleanup_(kmod_list_freep) struct kmod_list *list = NULL;
        int r = modules_lookup(m, name, name, &list);
        if (r < 0)
                return r;
        if (!list)
                return -ENOENT;
        return insert_all(list, NULL);
}

/* The size of dir/path (dir NULL: path as it is), 0 if unknown; out of line, so that its
 * buffer is on the stack only for a table without sizes and for libkmod's modules. */
__attribute__((noinline)) static unsigned long file_bytes(const char *dir, const char *path) {
        char p[PATH_MAX];
        struct stat st;
        if (dir && format_text(p, sizeof p, "%s/%s", dir, path) >= (int)sizeof p)
                return 0;
        return stat(dir ? p : path, &st) == 0 ? (unsigned long)st.st_size : 0;
}

/* Add a module to the closure once, with the size of its file: bytes if known, else that
 * of dir/path (path NULL: built in). A closure longer than the table only makes the
 * grouping coarser: loading resolves dependencies by itself. */
static void job_add_file(struct module_job *j, const char *name, unsigned long bytes, const char *dir,
                         const char *path) {
        for (size_t i = 0; i < j->n_closure; i++)
                if (strcmp(j->closure[i], name) == 0)
                        return;
        if (j->n_closure >= MODULE_PLAN_CLOSURE_MAX || copy_string(j->closure[j->n_closure], MODULE_PLAN_NAME_MAX, name) < 0)
                return;
        j->n_closure++;
        j->bytes += bytes || !path ? bytes : file_bytes(dir, path);
}

static void job_add(struct module_job *j, struct kmod_module *mod) {
        job_add_file(j, kmod_module_get_name(mod), 0, NULL, kmod_module_get_path(mod));
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
        /* not the 2 KiB of closure names: only the ones added are written (and read) */
        ret->n_closure = 0;
        ret->bytes = 0;
        ret->known = true;
        if (modules_table_chain(m, name, ret))
                return 0;
        ret->n_closure = 0; /* what the table's walk added before it gave up */
        ret->bytes = 0;
        ret->known = false;
        _cleanup_(kmod_list_freep) struct kmod_list *list = NULL;
        int r = modules_lookup(m, name, name, &list);
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
        int r = modules_lookup(m, modalias, "device aliases", &list);
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
        int r;
        if (!modules_kmod(m, "coldplug", &r))
                return r; /* said once here, not once per device */
        char buses[PATH_MAX];
        r = path_join_root(buses, sizeof buses, root, "/sys/bus");
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
                if (format_text(devices, sizeof devices, "%s/devices", bus->d_name) >= (int)sizeof devices)
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
                        if (format_text(path, sizeof path, "%s/driver", dev->d_name) >= (int)sizeof path ||
                            faccessat(dirfd(dd), path, F_OK, 0) == 0)
                                continue;
                        char alias[4096];
                        if (format_text(path, sizeof path, "%s/modalias", dev->d_name) >= (int)sizeof path ||
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
        int r = modules_open("/", NULL, &m);
        if (r < 0) {
                log_warn("modprobe %s: no module tree: %s", name, errno_text(-r));
                return 1;
        }
        r = modules_load(m, name);
        if (r < 0 && r != -ENOENT)
                log_warn("modprobe %s: %s", name, errno_text(-r));
        else if (r == 0)
                log_info("modprobe %s: loaded on the kernel's request", name);
        modules_free(m);
        log_close();
        return r < 0 ? 1 : 0;
}
