/* SPDX-License-Identifier: MIT */
#include "compiled-config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "parse-util.h"

/* The hash of lib/'s sources (scripts/config-abi.sh), given by CMakeLists.txt and by
 * scripts/mkinitramfs to the two programs that must agree; builds of lib/ for tests and
 * fuzzing pass none. */
#ifndef PAIOS_CONFIG_ABI
#define PAIOS_CONFIG_ABI "0000000000000000"
#endif

enum {
        COMPILED_HAS_CONFIG = 1u << 0,
        COMPILED_HAS_SYSTEM = 1u << 1,
        COMPILED_HAS_MODULES = 1u << 2,
        COMPILED_BYTE_ORDER = 0x01020304,
};

static const char compiled_magic[8] = "paiosCC1";

/* The file: this header, then struct config, then n_slots struct rauc_slot, then n_files
 * struct compiled_module_file. Every field but the files (all char) is copied out with
 * memcpy(), so the buffer needs no alignment. */
struct compiled_header {
        char magic[8];
        char abi[16];          /* PAIOS_CONFIG_ABI of the writer */
        uint32_t byte_order;   /* COMPILED_BYTE_ORDER as the writer stored it */
        uint32_t config_size;  /* sizeof(struct config) */
        uint32_t slot_size;    /* sizeof(struct rauc_slot) */
        uint32_t flags;        /* COMPILED_HAS_* */
        uint64_t config_hash;  /* compiled_text_hash() of the texts compiled */
        uint64_t system_hash;
        uint64_t config_len;
        uint64_t system_len;
        uint32_t n_slots;
        uint32_t module_file_size; /* sizeof(struct compiled_module_file) */
        uint64_t table_hash;       /* the module load table compiled */
        uint64_t table_len;
        uint32_t n_files;
        uint32_t n_modules;
        uint64_t payload_hash; /* compiled_payload_hash() of the rest of the file */
        /* the payload: these, struct config, the slots, the module files */
        char compatible[RAUC_DEVICE_MAX];
        char bootloader[32];
        char kver[COMPILED_KVER_MAX];
        unsigned char worker[CONFIG_MODULES_MAX];
        unsigned char first[CONFIG_MODULES_MAX];
        unsigned char count[CONFIG_MODULES_MAX];
};

_Static_assert(sizeof(PAIOS_CONFIG_ABI) - 1 == sizeof(((struct compiled_header *)0)->abi), "ABI id: 16 characters");

uint64_t compiled_text_hash(const char *text, size_t len) {
        uint64_t h = 0xcbf29ce484222325u;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)text[i]) * 0x100000001b3u;
        return h;
}

/* The payload's check: a file damaged after mkinitramfs (a flipped bit in a path) must not
 * reach the boot as a structure that no parser would have made. Eight bytes a step: this
 * runs over ~17 KiB at every boot. */
static uint64_t compiled_payload_hash(const char *p, size_t len) {
        uint64_t h = 0xcbf29ce484222325u;
        size_t i = 0;
        for (; i + 8 <= len; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, sizeof w);
                h = (h ^ w) * 0x100000001b3u;
                h ^= h >> 29;
        }
        for (; i < len; i++)
                h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
        return h;
}

int compiled_module_plan_build(const struct config *c, const struct module_table *t, const char *kver,
                               struct compiled_module_file *files, struct compiled_module_plan *ret) {
        if (c->n_modules > CONFIG_MODULES_MAX || strlen(kver) >= COMPILED_KVER_MAX)
                return -E2BIG;
        static struct module_job jobs[CONFIG_MODULES_MAX];
        size_t n_files = 0;
        for (size_t i = 0; i < c->n_modules; i++) {
                const struct module_chain *chain = module_table_find(t, c->modules[i]);
                if (!chain)
                        return -ENOENT;
                struct module_job *j = &jobs[i];
                j->n_closure = 0;
                j->bytes = 0;
                j->known = true;
                ret->first[i] = (unsigned char)n_files;
                ret->count[i] = (unsigned char)chain->n;
                for (size_t k = 0; k < chain->n; k++) {
                        if (n_files >= COMPILED_MODULE_FILES_MAX)
                                return -E2BIG;
                        struct compiled_module_file *f = &files[n_files++];
                        memset(f, 0, sizeof *f);
                        if (copy_string(f->path, sizeof f->path, chain->path[k]) < 0 ||
                            module_name_from_path(chain->path[k], f->name, sizeof f->name) < 0)
                                return -E2BIG;
                        /* the job as lib/sys/modules.c makes it from the same table */
                        bool seen = false;
                        for (size_t m = 0; m < j->n_closure && !seen; m++)
                                seen = strcmp(j->closure[m], f->name) == 0;
                        if (!seen && j->n_closure < MODULE_PLAN_CLOSURE_MAX) {
                                memcpy(j->closure[j->n_closure++], f->name, sizeof f->name);
                                j->bytes += chain->bytes[k];
                        }
                }
        }
        unsigned worker[CONFIG_MODULES_MAX] = {0};
        if (module_plan_assign(jobs, c->n_modules, c->coldplug, worker) < 0)
                return -E2BIG;
        for (size_t i = 0; i < c->n_modules; i++)
                ret->worker[i] = (unsigned char)worker[i];
        memset(ret->kver, 0, sizeof ret->kver);
        memcpy(ret->kver, kver, strlen(kver));
        ret->n_modules = c->n_modules;
        ret->files = files;
        ret->n_files = n_files;
        return 0;
}

int compiled_config_write(const struct config *c, const char *conf_text, size_t conf_len, const struct rauc_system *sys,
                          const char *sys_text, size_t sys_len, const struct compiled_module_plan *mp,
                          const char *table_text, size_t table_len, void *buf, size_t size) {
        size_t n_slots = sys ? sys->n_slots : 0;
        size_t n_files = mp ? mp->n_files : 0;
        size_t total = sizeof(struct compiled_header) + sizeof *c + n_slots * sizeof(struct rauc_slot) +
                       n_files * sizeof(struct compiled_module_file);
        if (total > size || total > COMPILED_CONFIG_SIZE_MAX)
                return -ENOBUFS;
        struct compiled_header h = {
                .byte_order = COMPILED_BYTE_ORDER,
                .config_size = sizeof *c,
                .slot_size = sizeof(struct rauc_slot),
                .n_slots = (uint32_t)n_slots,
                .module_file_size = sizeof(struct compiled_module_file),
                .n_files = (uint32_t)n_files,
        };
        memcpy(h.magic, compiled_magic, sizeof h.magic);
        memcpy(h.abi, PAIOS_CONFIG_ABI, sizeof h.abi);
        if (conf_text) {
                h.flags |= COMPILED_HAS_CONFIG;
                h.config_hash = compiled_text_hash(conf_text, conf_len);
                h.config_len = conf_len;
        }
        if (sys) {
                h.flags |= COMPILED_HAS_SYSTEM;
                h.system_hash = compiled_text_hash(sys_text, sys_len);
                h.system_len = sys_len;
                memcpy(h.compatible, sys->compatible, sizeof h.compatible);
                memcpy(h.bootloader, sys->bootloader, sizeof h.bootloader);
        }
        if (mp) {
                h.flags |= COMPILED_HAS_MODULES;
                h.table_hash = compiled_text_hash(table_text, table_len);
                h.table_len = table_len;
                h.n_modules = (uint32_t)mp->n_modules;
                memcpy(h.kver, mp->kver, sizeof h.kver);
                memcpy(h.worker, mp->worker, sizeof h.worker);
                memcpy(h.first, mp->first, sizeof h.first);
                memcpy(h.count, mp->count, sizeof h.count);
        }
        char *p = buf;
        memcpy(p, &h, sizeof h);
        memcpy(p + sizeof h, c, sizeof *c);
        if (n_slots)
                memcpy(p + sizeof h + sizeof *c, sys->slots, n_slots * sizeof(struct rauc_slot));
        if (n_files)
                memcpy(p + sizeof h + sizeof *c + n_slots * sizeof(struct rauc_slot), mp->files,
                       n_files * sizeof(struct compiled_module_file));
        const size_t payload = offsetof(struct compiled_header, compatible);
        h.payload_hash = compiled_payload_hash(p + payload, total - payload);
        memcpy(p + offsetof(struct compiled_header, payload_hash), &h.payload_hash, sizeof h.payload_hash);
        return (int)total;
}

/* The header, its layout and source checked; with the payload's hash only if
 * check_payload (once a boot: compiled_config_check()). */
static int header_read(const void *blob, size_t blob_len, bool check_payload, struct compiled_header *h) {
        if (blob_len < sizeof *h)
                return -EINVAL;
        memcpy(h, blob, sizeof *h);
        if (memcmp(h->magic, compiled_magic, sizeof h->magic) != 0 || h->byte_order != COMPILED_BYTE_ORDER ||
            h->config_size != sizeof(struct config) || h->slot_size != sizeof(struct rauc_slot) ||
            h->module_file_size != sizeof(struct compiled_module_file) || h->n_slots > RAUC_SLOTS_MAX ||
            h->n_files > COMPILED_MODULE_FILES_MAX || h->n_modules > CONFIG_MODULES_MAX ||
            blob_len != sizeof *h + sizeof(struct config) + (size_t)h->n_slots * sizeof(struct rauc_slot) +
                                (size_t)h->n_files * sizeof(struct compiled_module_file))
                return -EINVAL;
        if (memcmp(h->abi, PAIOS_CONFIG_ABI, sizeof h->abi) != 0)
                return -EPROTO;
        const size_t payload = offsetof(struct compiled_header, compatible);
        if (check_payload && h->payload_hash != compiled_payload_hash((const char *)blob + payload, blob_len - payload))
                return -EINVAL;
        return 0;
}

int compiled_config_check(const void *blob, size_t blob_len) {
        struct compiled_header h;
        return header_read(blob, blob_len, true, &h);
}

/* A part of the file, for text as read at boot: 0 if it may be used. */
static int part_usable(const void *blob, size_t blob_len, unsigned flag, const char *text, size_t text_len,
                       struct compiled_header *h) {
        int r = header_read(blob, blob_len, false, h);
        if (r < 0)
                return r;
        if (!(h->flags & flag))
                return -ENOENT;
        uint64_t hash = flag == COMPILED_HAS_CONFIG ? h->config_hash
                        : flag == COMPILED_HAS_SYSTEM ? h->system_hash
                                                      : h->table_hash;
        uint64_t len = flag == COMPILED_HAS_CONFIG ? h->config_len : flag == COMPILED_HAS_SYSTEM ? h->system_len : h->table_len;
        if (len != text_len || hash != compiled_text_hash(text, text_len))
                return -ESTALE;
        return 0;
}

int compiled_config_get_config(const void *blob, size_t blob_len, const char *text, size_t text_len,
                               struct config *ret) {
        struct compiled_header h;
        int r = part_usable(blob, blob_len, COMPILED_HAS_CONFIG, text, text_len, &h);
        if (r < 0)
                return r;
        memcpy(ret, (const char *)blob + sizeof h, sizeof *ret);
        return 0;
}

int compiled_config_get_system(const void *blob, size_t blob_len, const char *text, size_t text_len,
                               struct rauc_system *ret) {
        struct compiled_header h;
        int r = part_usable(blob, blob_len, COMPILED_HAS_SYSTEM, text, text_len, &h);
        if (r < 0)
                return r;
        memcpy(ret->compatible, h.compatible, sizeof ret->compatible);
        memcpy(ret->bootloader, h.bootloader, sizeof ret->bootloader);
        memcpy(ret->slots, (const char *)blob + sizeof h + sizeof(struct config), h.n_slots * sizeof(struct rauc_slot));
        ret->n_slots = h.n_slots;
        return 0;
}

int compiled_config_get_modules(const void *blob, size_t blob_len, const char *table_text, size_t table_len,
                                const struct config *c, struct compiled_module_plan *ret) {
        struct compiled_header h;
        int r = part_usable(blob, blob_len, COMPILED_HAS_MODULES, table_text, table_len, &h);
        if (r < 0)
                return r;
        /* planned for the configuration in the file: the command line may have changed it */
        const char *compiled_config = (const char *)blob + sizeof h;
        bool coldplug;
        memcpy(&coldplug, compiled_config + offsetof(struct config, coldplug), sizeof coldplug);
        if (h.n_modules != c->n_modules || coldplug != c->coldplug ||
            memcmp(compiled_config + offsetof(struct config, modules), c->modules, c->n_modules * sizeof c->modules[0]) != 0)
                return -ESTALE;
        /* every file index within the files (the payload hash says the writer wrote them) */
        for (size_t i = 0; i < h.n_modules; i++)
                if ((size_t)h.first[i] + h.count[i] > h.n_files)
                        return -EINVAL;
        memcpy(ret->kver, h.kver, sizeof ret->kver);
        ret->kver[sizeof ret->kver - 1] = '\0';
        memcpy(ret->worker, h.worker, sizeof ret->worker);
        memcpy(ret->first, h.first, sizeof ret->first);
        memcpy(ret->count, h.count, sizeof ret->count);
        ret->n_modules = h.n_modules;
        ret->files = (const struct compiled_module_file *)(compiled_config + sizeof(struct config) +
                                                           (size_t)h.n_slots * sizeof(struct rauc_slot));
        ret->n_files = h.n_files;
        return 0;
}
