/* SPDX-License-Identifier: MIT */
#include "memory.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14; musl 1.2.3's headers do not have them */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* The ELF header, where the GNU linker's default scripts put the first load segment */
extern const char __executable_start[];

static int populate(uintptr_t start, uintptr_t end, int advice) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        start &= ~(page - 1);
        end = (end + page - 1) & ~(page - 1);
        if (end <= start)
                return 0;
        return madvise((void *)start, end - start, advice) < 0 ? -errno : 0;
}

/* The text segment for reading; the writable one for writing, less its RELRO part (which
 * the C library may have made read-only, and MADV_POPULATE_WRITE fails on). */
static int populate_segments(bool text) {
        const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)__executable_start;
        const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(__executable_start + eh->e_phoff);
        uintptr_t bias = 0, relro_end = 0;
        bool first = true;
        for (unsigned i = 0; i < eh->e_phnum; i++)
                if (ph[i].p_type == PT_LOAD && first) {
                        /* the first load segment starts at the ELF header (file offset 0) */
                        bias = (uintptr_t)__executable_start - (uintptr_t)ph[i].p_vaddr;
                        first = false;
                }
        for (unsigned i = 0; i < eh->e_phnum; i++)
                if (ph[i].p_type == PT_GNU_RELRO)
                        relro_end = bias + (uintptr_t)ph[i].p_vaddr + ph[i].p_memsz;
        int ret = 0;
        for (unsigned i = 0; i < eh->e_phnum; i++) {
                if (ph[i].p_type != PT_LOAD)
                        continue;
                uintptr_t start = bias + (uintptr_t)ph[i].p_vaddr, end = start + ph[i].p_memsz;
                int r;
                if (ph[i].p_flags & PF_W) {
                        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
                        if (relro_end > start && relro_end < end)
                                start = (relro_end + page - 1) & ~(page - 1);
                        r = populate(start, end, MADV_POPULATE_WRITE);
                } else if (text)
                        r = populate(start, end, MADV_POPULATE_READ);
                else
                        continue;
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

/* noinline: its frame is where the frames of the caller's next callees will be. The
 * range runs from the bottom of that frame up to the initial stack's top part (AT_RANDOM's
 * 16 bytes lie among the strings above argv and envp), so that after a fork the frames of
 * the callers are copied too. */
static __attribute__((noinline)) int populate_stack(void) {
        static bool grown;
        char deep[MEMORY_STACK_BYTES];
        /* madvise() does not grow the stack's mapping; a write at the bottom does (once:
         * after a fork that write would be a copy-on-write fault of its own) */
        if (!grown)
                *(volatile char *)deep = 0;
        grown = true;
        uintptr_t high = (uintptr_t)getauxval(AT_RANDOM);
        if (high < (uintptr_t)deep + sizeof deep)
                high = (uintptr_t)deep + sizeof deep;
        return populate((uintptr_t)deep, high, MADV_POPULATE_WRITE);
}

int memory_populate_pid1(void) {
        int r = populate_segments(true);
        int s = populate_stack();
        int h = heap_populate(MEMORY_HEAP_BYTES);
        return r < 0 ? r : s < 0 ? s : h;
}

int memory_populate_after_fork(void) {
        /* the text stays mapped in the parent: a fork copies no page of it */
        int s = populate_stack();
        int r = populate_segments(false);
        int h = heap_populate(MEMORY_HEAP_BYTES);
        return s < 0 ? s : r < 0 ? r : h;
}

/* The C library's allocator: nothing of it to populate (lib/sys/pid1-malloc.c has the
 * real one, which the musl build links in the executable). */
__attribute__((weak)) int heap_populate(size_t bytes) {
        (void)bytes;
        return 0;
}
