/* SPDX-License-Identifier: MIT */
/* System calls made without the C library's wrappers, for the calls on a boot's path: the
 * result as the kernel returns it, a negative errno on failure (the house convention), and
 * errno left alone.
 *
 * Why: musl's wrappers do work of their own on the way. syscall() and openat() are
 * variadic and save every argument register, fstatat() copies the kernel's struct stat
 * into its own field by field, mmap() checks and waits for a lock /init never takes. Under
 * qemu's TCG each instruction run for the first time is translated, 2.5-3 us of user time
 * on the 2-core Intel host of README "Figures": taking them off the boot's path took 239
 * instructions off what qemu translates (scripts/profile-init). And the
 * second module loader, which shares /init's memory, must not touch errno at all
 * (lib/sys/module-loader.c).
 *
 * On aarch64, the product, the call is an svc; elsewhere (the host's build and tests) it
 * goes through the libc. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__aarch64__)

static inline long raw_syscall3(long nr, long a, long b, long c) {
        register long x8 __asm__("x8") = nr;
        register long x0 __asm__("x0") = a;
        register long x1 __asm__("x1") = b;
        register long x2 __asm__("x2") = c;
        __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
        return x0;
}

static inline long raw_syscall4(long nr, long a, long b, long c, long d) {
        register long x8 __asm__("x8") = nr;
        register long x0 __asm__("x0") = a;
        register long x1 __asm__("x1") = b;
        register long x2 __asm__("x2") = c;
        register long x3 __asm__("x3") = d;
        __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
        return x0;
}

static inline long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f) {
        register long x8 __asm__("x8") = nr;
        register long x0 __asm__("x0") = a;
        register long x1 __asm__("x1") = b;
        register long x2 __asm__("x2") = c;
        register long x3 __asm__("x3") = d;
        register long x4 __asm__("x4") = e;
        register long x5 __asm__("x5") = f;
        __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
        return x0;
}

#else

static inline long raw_syscall_result(long r) {
        return r < 0 ? -(long)errno : r;
}

static inline long raw_syscall3(long nr, long a, long b, long c) {
        return raw_syscall_result(syscall(nr, a, b, c));
}

static inline long raw_syscall4(long nr, long a, long b, long c, long d) {
        return raw_syscall_result(syscall(nr, a, b, c, d));
}

static inline long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f) {
        return raw_syscall_result(syscall(nr, a, b, c, d, e, f));
}

#endif

/* openat() without O_CREAT (no mode): the descriptor or a negative errno. musl's openat()
 * is variadic for the mode, and its prologue saves every argument register. */
static inline int raw_openat(int dirfd, const char *path, int flags) {
        return (int)raw_syscall4(SYS_openat, dirfd, (long)path, flags, 0);
}

/* fstatat(): 0 or a negative errno. path "" with AT_EMPTY_PATH is fstat(dirfd). */
static inline int raw_fstatat(int dirfd, const char *path, struct stat *st, int flags) {
#if defined(__aarch64__)
        /* On aarch64 struct stat is the kernel's own (asm-generic/stat.h), in musl and glibc
         * alike: the kernel writes it directly, as glibc's fstatat() lets it. */
        _Static_assert(sizeof(struct stat) == 128, "struct stat as the kernel writes it");
        return (int)raw_syscall4(SYS_newfstatat, dirfd, (long)path, (long)st, flags);
#else
        return fstatat(dirfd, path, st, flags) < 0 ? -errno : 0;
#endif
}
