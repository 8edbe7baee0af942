/* SPDX-License-Identifier: MIT */
#include "memory.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; musl's headers do not have it yet */
#endif

/* noinline: its frame is where the frames of the caller's next callees will be */
__attribute__((noinline)) void stack_populate(void) {
        char deep[STACK_POPULATED_BYTES];
        /* madvise() does not grow the stack's mapping, a write at the bottom does */
        *(volatile char *)deep = 0;
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t low = (uintptr_t)deep & ~(page - 1);
        uintptr_t high = (uintptr_t)__builtin_frame_address(0) & ~(page - 1);
        if (high > low)
                (void)madvise((void *)low, high - low, MADV_POPULATE_WRITE);
}
