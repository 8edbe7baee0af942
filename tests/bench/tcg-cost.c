/* SPDX-License-Identifier: MIT */
/* What things cost a program under qemu-system-aarch64's TCG with Debian's arm64 kernel:
 * run as /init of a tiny initramfs by scripts/tcg-costs, which builds it and boots it.
 * Each experiment is timed by the wall clock and by the kernel's user-time account
 * (getrusage, the figure scripts/bench reports for paios-init), and printed as
 * "TCG-COST name per=N unit wall_us=X user_us=Y" per unit:
 *   start-up     user time at main(): exec and static glibc's start-up (no wall figure)
 *   syscall      a trivial system call (getppid)
 *   fault        the first touch of a fresh anonymous page
 *   block-cold   a basic block run for the first time (qemu translates it first)
 *   block-warm   the same blocks run again
 *   code-page    a call into a code page not run before (one small function per page):
 *                the kernel's fault for the page of the program plus qemu's first
 *                translation there
 *   format-path  snprintf("%s%s%s") of a 62-byte module path, run again (a few hundred
 *                blocks of the libc's printf each time, all translated before): what
 *                code run again costs
 * BLOCKS distinct blocks come from a generated chain of branches, PAGES functions one per
 * page from generated code too (scripts/tcg-costs writes tcg-cost-blocks.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tcg-cost-blocks.h" /* run_blocks(), BLOCKS; page_fn[], PAGE_FNS */

static double wall_us(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static double user_us(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec;
}

static void report(const char *name, long n, double w0, double u0) {
        double w = wall_us() - w0, u = user_us() - u0;
        printf("TCG-COST %s per=%ld wall_us=%.3f user_us=%.3f\n", name, n, w / n, u / n);
        fflush(stdout);
}

volatile unsigned long sink;

int main(void) {
        double at_main = user_us(); /* exec and static glibc's start-up, the floor of any /init */
        mount("dev", "/dev", "devtmpfs", 0, NULL);
        int c = open("/dev/console", O_WRONLY);
        if (c >= 0) {
                dup2(c, 1);
                dup2(c, 2);
        }
        printf("TCG-COST start-up per=1 wall_us=0 user_us=%.3f\n", at_main);
        enum { SYSCALLS = 5000, PAGES = 4096 };
        double w = wall_us(), u = user_us();
        for (int i = 0; i < SYSCALLS; i++)
                syscall(SYS_getppid);
        report("syscall", SYSCALLS, w, u);

        char *p = mmap(NULL, (size_t)PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        w = wall_us(), u = user_us();
        for (int i = 0; p != MAP_FAILED && i < PAGES; i++)
                p[(size_t)i * 4096] = 1;
        report("fault", PAGES, w, u);

        w = wall_us(), u = user_us();
        sink = run_blocks(0x5a5a5a5aUL);
        report("block-cold", BLOCKS, w, u);
        w = wall_us(), u = user_us();
        for (int i = 0; i < 10; i++)
                sink += run_blocks(0xa5a5a5a5UL + (unsigned long)i);
        report("block-warm", BLOCKS * 10L, w, u);

        w = wall_us(), u = user_us();
        for (int i = 0; i < PAGE_FNS; i++)
                sink += page_fn[i](sink);
        report("code-page", PAGE_FNS, w, u);

        static char path[4096];
        const char *volatile module = "/lib/modules/6.1.0-28-arm64/kernel/drivers/block/virtio_blk.ko";
        sink += (unsigned long)snprintf(path, sizeof path, "%s%s%s", "", "/", module); /* translated */
        enum { FORMATS = 2000 };
        w = wall_us(), u = user_us();
        for (int i = 0; i < FORMATS; i++)
                sink += (unsigned long)snprintf(path, sizeof path, "%s%s%s", "", "/", module);
        report("format-path", FORMATS, w, u);

        reboot(RB_POWER_OFF);
        return 0;
}
