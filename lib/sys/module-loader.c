/* SPDX-License-Identifier: MIT */
#include "module-loader.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "macro.h"
#include "raw-syscall.h"

#if defined(__aarch64__)

/* The loader shares this process's memory, its libc state and its thread pointer included:
 * it must not touch errno, the allocator or anything else of the libc. So it makes raw
 * system calls (lib/sys/raw-syscall.h), and its code is these few lines. */
static __attribute__((noinline)) int module_loader_main(struct module_loader *l) {
        for (size_t k = 0; k < l->n_files; k++) {
                int *result = &l->result[l->module[k]];
                if (*result < 0)
                        continue; /* an earlier file of its chain failed: not its dependents */
                long fd = raw_syscall3(SYS_openat, AT_FDCWD, (long)l->path[k], O_RDONLY | O_CLOEXEC);
                long r = fd < 0 ? fd : raw_syscall3(SYS_finit_module, fd, (long)"", 0);
                if (r < 0 && r != -EEXIST)
                        *result = (int)r;
                /* its descriptors close when it exits */
        }
        return 0;
}

/* Its stack: it calls one function with a few locals; the rest is room for a signal frame. */
static _Alignas(16) unsigned char module_loader_stack[16 << 10];

pid_t module_loader_start(struct module_loader *l) {
        if (l->n_files > MODULE_LOADER_FILES_MAX)
                return -E2BIG;
        for (size_t k = 0; k < l->n_files; k++)
                if (l->module[k] >= MODULE_LOADER_MODULES_MAX)
                        return -EINVAL;
        for (size_t i = 0; i < MODULE_LOADER_MODULES_MAX; i++)
                l->result[i] = 0; /* a module with no file to insert is loaded */
        /* clone(CLONE_VM | SIGCHLD): a process of its own (its own descriptors, waited for
         * with waitpid() and counted as a child), in this one's memory, on its own stack,
         * as posix_spawn() starts the child it execs. The child calls module_loader_main()
         * and exits with its value; it never returns from here. */
        register long x0 __asm__("x0") = CLONE_VM | SIGCHLD;
        register long x1 __asm__("x1") = (long)(module_loader_stack + sizeof module_loader_stack);
        register long x2 __asm__("x2") = 0; /* parent_tid, tls, child_tid: none */
        register long x3 __asm__("x3") = 0;
        register long x4 __asm__("x4") = 0;
        register long x8 __asm__("x8") = SYS_clone;
        register long x9 __asm__("x9") = (long)module_loader_main;
        register long x10 __asm__("x10") = (long)l;
        __asm__ volatile("svc #0\n\t"
                         "cbnz x0, 1f\n\t"
                         "mov x29, xzr\n\t" /* the end of the child's frame records */
                         "mov x30, xzr\n\t"
                         "mov x0, x10\n\t"
                         "blr x9\n\t"
                         "mov x8, %[nr_exit]\n\t"
                         "svc #0\n\t"
                         "1:"
                         : "+r"(x0)
                         : "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x8), "r"(x9), "r"(x10), [nr_exit] "i"(SYS_exit)
                         : "memory", "cc");
        return (pid_t)x0;
}

#else

pid_t module_loader_start(struct module_loader *l) {
        (void)l;
        return -ENOSYS; /* the product is aarch64; elsewhere the files load in turn */
}

#endif

int module_loader_join(pid_t pid) {
        int status;
        pid_t r;
        while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
                ;
        if (r < 0)
                return negative_errno();
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}
