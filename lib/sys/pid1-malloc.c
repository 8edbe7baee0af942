/* SPDX-License-Identifier: MIT */
/*
 * The allocator of the musl /init (PAIOS_LIBC=musl; the glibc build keeps glibc's): size
 * classes with free lists, carved from chunks taken from the kernel once and never given
 * back.
 *
 * Why not musl's own (mallocng): it gives memory back to the kernel as soon as a group of
 * blocks empties, and PID 1 of an initramfs allocates and frees in bursts (the parsers,
 * libkmod's and libblkid's look-ups). Up to the switch that was 19 mmap/munmap calls, each
 * unmap a TLB flush on every CPU, and 275 distinct basic blocks of allocator code; under
 * qemu's TCG the configure stage took 8 ms longer than with glibc's malloc
 * (scripts/profile-init, scripts/bench --baseline). /init runs for well under a second and
 * then execs the real init, which drops its memory whole: keeping freed blocks for reuse in
 * their size class costs at most twice the live set, needs no coalescing, and leaves very
 * little code to run.
 *
 * Single-threaded by design: /init, its module-loading child and its modprobe mode never
 * create threads (neither do libblkid, libmount, libkmod or libubootenv). The compiled
 * plan's loader shares /init's memory but runs no libc code (lib/sys/module-loader.c).
 * tests/unit/test-pid1-malloc.c runs it on the host under PAIOS_ALLOC_TEST (prefixed
 * names, so the host's malloc stays).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "raw-syscall.h"

enum {
        ALLOC_HEADER = 16,    /* in front of every block: keeps blocks 16-byte aligned */
        ALLOC_MIN_SHIFT = 5,  /* the smallest block, 32 B with its header */
        ALLOC_MAX_SHIFT = 16, /* the largest classed block, 64 KiB; larger ones are mapped alone */
        ALLOC_CLASSES = ALLOC_MAX_SHIFT - ALLOC_MIN_SHIFT + 1,
        ALLOC_CHUNK = 256 * 1024,
        ALLOC_PAGE = 4096, /* large mappings are rounded to it; the kernel rounds up further */
};

/* A header's tag: a magic in the high bits, so that free() of a pointer this allocator did
 * not return, or a header overwritten from the block before it, stops the program instead
 * of corrupting the free lists; the low byte is the class or one of these. */
#define ALLOC_MAGIC ((size_t)0x7061696f73000000ULL) /* "paios" */
#define ALLOC_MAGIC_MASK (~(size_t)0xff)
enum { TAG_FREE = 0xfc, TAG_ALIGNED = 0xfd, TAG_LARGE = 0xfe };

struct alloc_header {
        size_t tag;
        size_t size; /* classed: the block's size; large: the mapping's length;
                      * aligned: the distance back to the block it lies in */
};

struct free_block {
        struct free_block *next;
};

static struct free_block *free_lists[ALLOC_CLASSES];
static char *chunk_next, *chunk_end;

static struct alloc_header *header_of(void *p) {
        struct alloc_header *h = (struct alloc_header *)((char *)p - ALLOC_HEADER);
        if ((h->tag & ALLOC_MAGIC_MASK) != ALLOC_MAGIC)
                abort(); /* not ours, or overwritten */
        return h;
}

/* The class whose blocks hold n bytes and the header, or -1 when n needs a mapping. */
static int class_of(size_t n) {
        if (n > ((size_t)1 << ALLOC_MAX_SHIFT) - ALLOC_HEADER)
                return -1;
        int shift = ALLOC_MIN_SHIFT;
        while (((size_t)1 << shift) < n + ALLOC_HEADER)
                shift++;
        return shift - ALLOC_MIN_SHIFT;
}

static void *block_init(void *block, size_t tag, size_t size) {
        struct alloc_header *h = block;
        h->tag = ALLOC_MAGIC | tag;
        h->size = size;
        return (char *)block + ALLOC_HEADER;
}

static void free_list_push(void *block, int class) {
        struct free_block *f = (struct free_block *)((char *)block + ALLOC_HEADER);
        (void)block_init(block, TAG_FREE, (size_t)class);
        f->next = free_lists[class];
        free_lists[class] = f;
}

/* Fresh zeroed pages, or NULL. By system call: musl's mmap() checks for and waits on
 * locks this process never takes (lib/sys/raw-syscall.h). */
static void *pages_map(size_t len) {
        long m = raw_syscall6(SYS_mmap, 0, (long)len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return m < 0 ? NULL : (void *)m; /* user addresses are below 2^63; errors are -4095..-1 */
}

/* A new chunk; what is left of the old one goes to the free lists, largest blocks first. */
static int chunk_refill(void) {
        void *c = pages_map(ALLOC_CHUNK);
        if (!c)
                return -ENOMEM;
        for (int class = ALLOC_CLASSES - 1; class >= 0 && chunk_next; class--) {
                size_t size = (size_t)1 << (class + ALLOC_MIN_SHIFT);
                while ((size_t)(chunk_end - chunk_next) >= size) {
                        free_list_push(chunk_next, class);
                        chunk_next += size;
                }
        }
        chunk_next = c;
        chunk_end = (char *)c + ALLOC_CHUNK;
        return 0;
}

static void *alloc_malloc(size_t n) {
        int class = class_of(n);
        if (class < 0) {
                if (n > SIZE_MAX - ALLOC_HEADER - ALLOC_PAGE) {
                        errno = ENOMEM;
                        return NULL;
                }
                size_t len = (n + ALLOC_HEADER + ALLOC_PAGE - 1) & ~(size_t)(ALLOC_PAGE - 1);
                void *m = pages_map(len);
                if (!m) {
                        errno = ENOMEM;
                        return NULL;
                }
                return block_init(m, TAG_LARGE, len);
        }
        size_t size = (size_t)1 << (class + ALLOC_MIN_SHIFT);
        struct free_block *f = free_lists[class];
        if (f) {
                free_lists[class] = f->next;
                return block_init((char *)f - ALLOC_HEADER, (size_t)class, size);
        }
        if ((size_t)(chunk_end - chunk_next) < size && chunk_refill() < 0) {
                errno = ENOMEM;
                return NULL;
        }
        void *block = chunk_next;
        chunk_next += size;
        return block_init(block, (size_t)class, size);
}

static void alloc_free(void *p) {
        if (!p)
                return;
        struct alloc_header *h = header_of(p);
        size_t tag = h->tag & 0xff;
        if (tag == TAG_ALIGNED)
                alloc_free((char *)p - h->size);
        else if (tag == TAG_LARGE)
                (void)munmap(h, h->size);
        else if (tag < ALLOC_CLASSES)
                free_list_push(h, (int)tag);
        else
                abort(); /* TAG_FREE: freed twice */
}

static size_t alloc_usable_size(void *p) {
        if (!p)
                return 0;
        struct alloc_header *h = header_of(p);
        size_t tag = h->tag & 0xff;
        if (tag == TAG_ALIGNED)
                return alloc_usable_size((char *)p - h->size) - h->size;
        if (tag == TAG_LARGE || tag < ALLOC_CLASSES)
                return h->size - ALLOC_HEADER;
        abort(); /* a freed block */
}

static void *alloc_realloc(void *p, size_t n) {
        if (!p)
                return alloc_malloc(n);
        size_t have = alloc_usable_size(p);
        if (n <= have)
                return p; /* also for n == 0: the block stays valid, as musl's realloc() keeps one */
        void *q = alloc_malloc(n);
        if (!q)
                return NULL; /* p is untouched */
        memcpy(q, p, have);
        alloc_free(p);
        return q;
}

static void *alloc_calloc(size_t n, size_t m) {
        size_t total;
        if (__builtin_mul_overflow(n, m, &total)) {
                errno = ENOMEM;
                return NULL;
        }
        void *p = alloc_malloc(total);
        if (p)
                memset(p, 0, total);
        return p;
}

static int alloc_posix_memalign(void **ret, size_t align, size_t n) {
        if (align < sizeof(void *) || (align & (align - 1)))
                return EINVAL;
        if (align <= ALLOC_HEADER) {
                *ret = alloc_malloc(n);
                return *ret ? 0 : ENOMEM;
        }
        if (n > SIZE_MAX - align - ALLOC_HEADER)
                return ENOMEM;
        /* a block with room for an aligned start that has a header of its own in front */
        char *raw = alloc_malloc(n + align + ALLOC_HEADER);
        if (!raw)
                return ENOMEM;
        uintptr_t a = ((uintptr_t)raw + ALLOC_HEADER + align - 1) & ~(uintptr_t)(align - 1);
        *ret = block_init((char *)a - ALLOC_HEADER, TAG_ALIGNED, (size_t)(a - (uintptr_t)raw));
        return 0;
}

static void *alloc_aligned_alloc(size_t align, size_t n) {
        void *p;
        int r = alloc_posix_memalign(&p, align, n);
        if (r) {
                errno = r;
                return NULL;
        }
        return p;
}

#ifndef PAIOS_ALLOC_TEST
/* The C library's names: linked into the executable, they take the place of musl's. */
void *malloc(size_t n) {
        return alloc_malloc(n);
}

void free(void *p) {
        alloc_free(p);
}

void *calloc(size_t n, size_t m) {
        return alloc_calloc(n, m);
}

void *realloc(void *p, size_t n) {
        return alloc_realloc(p, n);
}

int posix_memalign(void **ret, size_t align, size_t n) {
        return alloc_posix_memalign(ret, align, n);
}

void *aligned_alloc(size_t align, size_t n) {
        return alloc_aligned_alloc(align, n);
}

void *memalign(size_t align, size_t n) {
        return alloc_aligned_alloc(align, n);
}

size_t malloc_usable_size(void *p) {
        return alloc_usable_size(p);
}
#endif
