/* SPDX-License-Identifier: MIT */
/* The memory PID 1 is about to use, mapped in a few system calls instead of a page fault
 * per page.
 *
 * Why: the figure the boot-time budget counts, /init's ru_utime, is the kernel's 4 ms
 * ticks, and under qemu's TCG with page-table isolation every return from the kernel to
 * /init carries a share of them: 100 page faults added in stage setup raised ru_utime by
 * 4.0 ms on average over 30 boots (about 40 us each), 200 getppid() calls by 3.8 ms (about
 * 19 us each), where the exact user time at EL0 (scripts/pmu-user) rose by only 0.47 and
 * 0.80 ms. A boot took ~65 page faults up to the switch, a third of them copy-on-write
 * faults after the module loader's fork: one madvise(MADV_POPULATE_WRITE) per range
 * replaces them. The price is resident memory: the whole data segment, 64 KiB of stack
 * and 128 KiB of heap, whether or not a boot writes all of it (README, "Where /init's
 * time goes"). */
#pragma once

#include <stddef.h>

/* How deep the boot's stack goes (about 29 KiB measured), with room. */
enum { MEMORY_STACK_BYTES = 64 * 1024 };
/* What the boot allocates before the switch (about 120 KiB in the benchmark's image). */
enum { MEMORY_HEAP_BYTES = 128 * 1024 };

/* Populate the program's text (read), its data and .bss (write), MEMORY_STACK_BYTES of
 * stack below the caller with the frames above it, and MEMORY_HEAP_BYTES of heap.
 * Returns 0, or the first negative errno (a kernel before 5.14 has no MADV_POPULATE_*:
 * -EINVAL), which costs nothing but the faults it meant to save. */
int memory_populate_pid1(void);
/* In the parent after a fork: the same writable ranges again, which copies in three
 * calls what the fork left shared, instead of a copy-on-write fault per page written. */
int memory_populate_after_fork(void);

/* Populate the first bytes of the allocator's heap for writing (lib/sys/pid1-malloc.c);
 * with the C library's allocator, a no-op returning 0. */
int heap_populate(size_t bytes);
