/* SPDX-License-Identifier: MIT */
/* The musl /init's allocator (lib/sys/pid1-malloc.c), here under prefixed names beside the
 * host's malloc: sizes across every class and the mapped ones, alignment, contents kept by
 * realloc, freed blocks reused, no two live blocks overlapping through a random workload,
 * calloc's overflow check and the aligned allocations. */
#define PAIOS_ALLOC_TEST
#include "../../lib/sys/pid1-malloc.c"

#include <stdio.h>

#include "macro.h"
#include "unit.h"

static void fill(unsigned char *p, size_t n, unsigned seed) {
        for (size_t i = 0; i < n; i++)
                p[i] = (unsigned char)(seed + i * 7);
}

static bool filled(const unsigned char *p, size_t n, unsigned seed) {
        for (size_t i = 0; i < n; i++)
                if (p[i] != (unsigned char)(seed + i * 7))
                        return false;
        return true;
}

static void test_sizes(void) {
        static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 4080, 4096, 65520, 65521, 65536, 300000};
        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                unit_case("malloc(%zu)", sizes[i]);
                unsigned char *p = alloc_malloc(sizes[i]);
                CHECK(p != NULL);
                if (!p)
                        continue;
                CHECK((uintptr_t)p % 16 == 0);
                CHECK(alloc_usable_size(p) >= sizes[i]);
                fill(p, sizes[i], (unsigned)i);
                CHECK(filled(p, sizes[i], (unsigned)i));
                alloc_free(p);
        }
        unit_case("a size past what can be mapped");
        errno = 0;
        CHECK(alloc_malloc(SIZE_MAX - 8) == NULL);
        CHECK_INTEQ(errno, ENOMEM);
}

static void test_reuse(void) {
        unit_case("a freed block is reused for its class");
        void *a = alloc_malloc(40);
        alloc_free(a);
        void *b = alloc_malloc(48); /* same class as 40 (64-byte blocks) */
        CHECK(a == b);
        alloc_free(b);
        unit_case("a mapped block goes back to the kernel");
        void *big = alloc_malloc(1 << 20);
        CHECK(big != NULL);
        alloc_free(big); /* munmap: a second free would fault, not checked */
}

static void test_realloc(void) {
        unit_case("realloc keeps the contents while growing through the classes");
        unsigned char *p = alloc_realloc(NULL, 10);
        CHECK(p != NULL);
        fill(p, 10, 3);
        for (size_t n = 20; n <= 200000; n *= 3) {
                unsigned char *q = alloc_realloc(p, n);
                CHECK(q != NULL);
                if (!q)
                        break;
                CHECK(filled(q, 10, 3));
                p = q;
        }
        unit_case("shrinking keeps the block");
        unsigned char *s = alloc_realloc(p, 5);
        CHECK(s == p);
        CHECK(filled(s, 5, 3));
        unit_case("realloc to 0 keeps a valid block");
        s = alloc_realloc(s, 0);
        CHECK(s != NULL);
        alloc_free(s);
}

static void test_calloc(void) {
        unit_case("calloc zeroes a reused block");
        unsigned char *p = alloc_malloc(200);
        memset(p, 0xab, 200);
        alloc_free(p);
        unsigned char *z = alloc_calloc(50, 4);
        CHECK(z == p);
        bool zero = true;
        for (size_t i = 0; i < 200; i++)
                zero = zero && z[i] == 0;
        CHECK(zero);
        alloc_free(z);
        unit_case("calloc refuses an overflowing product");
        errno = 0;
        CHECK(alloc_calloc(SIZE_MAX / 2, 3) == NULL);
        CHECK_INTEQ(errno, ENOMEM);
}

static void test_aligned(void) {
        static const size_t aligns[] = {8, 16, 32, 64, 4096, 65536};
        for (size_t i = 0; i < ELEMENTSOF(aligns); i++) {
                unit_case("posix_memalign(%zu)", aligns[i]);
                void *p = NULL;
                CHECK_INTEQ(alloc_posix_memalign(&p, aligns[i], 100), 0);
                CHECK(p != NULL && (uintptr_t)p % aligns[i] == 0);
                CHECK(alloc_usable_size(p) >= 100);
                fill(p, 100, 9);
                unsigned char *q = alloc_realloc(p, 5000); /* realloc of an aligned block */
                CHECK(q != NULL && filled(q, 100, 9));
                alloc_free(q);
        }
        unit_case("alignments that are not powers of two");
        void *p = NULL;
        CHECK_INTEQ(alloc_posix_memalign(&p, 24, 10), EINVAL);
        CHECK_INTEQ(alloc_posix_memalign(&p, 4, 10), EINVAL);
        errno = 0;
        CHECK(alloc_aligned_alloc(48, 10) == NULL);
        CHECK_INTEQ(errno, EINVAL);
}

/* Many blocks of random sizes allocated, resized and freed in random order: each keeps its
 * own pattern, so two live blocks sharing memory would show. */
static void test_random_workload(void) {
        enum { SLOTS = 512, ROUNDS = 20000 };
        static unsigned char *slot[SLOTS];
        static size_t len[SLOTS];
        unsigned seed = 12345;
        unsigned bad = 0;
        unit_case("random workload, %d rounds", ROUNDS);
        for (unsigned r = 0; r < ROUNDS; r++) {
                seed = seed * 1103515245u + 12345u;
                unsigned i = (seed >> 8) % SLOTS;
                size_t n = (seed >> 4) % 7 == 0 ? (seed >> 12) % 100000 : (seed >> 12) % 300;
                if (slot[i] && !filled(slot[i], len[i], i))
                        bad++;
                if ((seed >> 20) % 3 == 0) {
                        alloc_free(slot[i]);
                        slot[i] = NULL;
                        len[i] = 0;
                        continue;
                }
                unsigned char *p = (seed >> 22) % 2 ? alloc_realloc(slot[i], n) : NULL;
                if (!p) {
                        alloc_free(slot[i]);
                        p = alloc_malloc(n);
                } else if (slot[i] && !filled(p, len[i] < n ? len[i] : n, i)) {
                        bad++;
                }
                if (!p) {
                        bad++;
                        continue;
                }
                fill(p, n, i);
                slot[i] = p;
                len[i] = n;
        }
        for (unsigned i = 0; i < SLOTS; i++) {
                if (slot[i] && !filled(slot[i], len[i], i))
                        bad++;
                alloc_free(slot[i]);
        }
        CHECK_INTEQ(bad, 0);
}

int main(void) {
        test_sizes();
        test_reuse();
        test_realloc();
        test_calloc();
        test_aligned();
        test_random_workload();
        return unit_exit();
}
