/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"
#include "parse-util.h"
#include "raw-syscall.h"

static int kmsg_fd = -1;
static int console_fd = -1;
static int console_loglevel = 7; /* the kernel's default; read from /proc/sys/kernel/printk */
static bool debug_enabled;

void log_open(const char *root) {
        if (kmsg_fd < 0)
                kmsg_fd = open_at_root(root, "/dev/kmsg", O_WRONLY);
        if (console_fd < 0)
                console_fd = open_at_root(root, "/dev/console", O_WRONLY | O_NONBLOCK);

        int fd = open_at_root(root, "/proc/sys/kernel/printk", O_RDONLY);
        if (fd >= 0) {
                char buf[64];
                ssize_t n = read(fd, buf, sizeof buf - 1);
                buf[n > 0 ? n : 0] = '\0';
                (void)close(fd);
                /* "4\t4\t1\t7": the first is the console's level (parse_uint, not
                 * strtol: 25 more blocks for qemu to translate) */
                buf[strcspn(buf, " \t\n")] = '\0';
                unsigned level;
                if (parse_uint(buf, 1, 8, &level) == 0)
                        console_loglevel = (int)level;
        }
}

void log_set_debug(bool debug) {
        debug_enabled = debug;
}

void log_close(void) {
        if (kmsg_fd >= 0)
                (void)close(kmsg_fd);
        if (console_fd >= 0)
                (void)close(console_fd);
        kmsg_fd = console_fd = -1;
}

static void write_all(int fd, const char *s, size_t n) {
        while (n > 0) {
                ssize_t w = write(fd, s, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return; /* nowhere else to report a failing log device */
                s += w;
                n -= (size_t)w;
        }
}

bool log_debug_enabled(void) {
        return debug_enabled;
}

void log_msg(int priority, const char *fmt, ...) {
        /* debug lines cost a format and a write each: only when asked for */
        if (priority >= LOG_DEBUG && !debug_enabled)
                return;
        int saved_errno = errno;
        /* Debug lines, once asked for, go to the kernel log as info lines where the console
         * shows those, so that the kernel prints them as it prints every other line. The
         * console is one device written two ways, through the tty and by the kernel's own
         * printing, and a line written through the tty can be cut by kernel messages
         * printed meanwhile (twice in about twenty runs of qemu-fault-modules, both with
         * other tests beside it, the second loader's debug line written beside the virtio
         * probe's messages was not found whole on the console); lines the kernel prints
         * never cut each other. */
        if (priority >= LOG_DEBUG && console_loglevel > LOG_INFO)
                priority = LOG_INFO;
        /* "<30>paios-init: message\n" for the kernel log; the console gets it from the
         * prefix on. One format of the message (at most 1023 bytes) for both. */
        enum { MESSAGE_MAX = 1024 };
        char line[16 + sizeof LOG_PREFIX + MESSAGE_MAX];
        size_t head = (size_t)format_text(line, sizeof line, "<%d>", LOG_DAEMON | priority);
        size_t prefix = head;
        memcpy(line + head, LOG_PREFIX ": ", sizeof LOG_PREFIX + 1);
        head += sizeof LOG_PREFIX + 1;
        va_list ap;
        va_start(ap, fmt);
        int k = format_text_v(line + head, MESSAGE_MAX, fmt, ap);
        va_end(ap);
        size_t n = head + (k < 0 ? 0 : (size_t)k < MESSAGE_MAX ? (size_t)k : MESSAGE_MAX - 1);
        line[n++] = '\n';

        bool to_kmsg = kmsg_fd >= 0;
        if (to_kmsg)
                write_all(kmsg_fd, line, n);

        /* The kernel prints a kmsg line on the console when its priority is below the
         * console loglevel; write the others that matter ourselves, so "quiet" hides no
         * failure and nothing shows twice. */
        bool kernel_shows = to_kmsg && priority < console_loglevel;
        bool wanted = priority <= LOG_NOTICE || debug_enabled;
        if (!kernel_shows && wanted)
                write_all(console_fd >= 0 ? console_fd : STDERR_FILENO, line + prefix, n - prefix);
        errno = saved_errno;
}

void log_diag_warnings(const char *context, const struct diag *d) {
        for (size_t i = 0; i < d->n_warn; i++)
                log_warn("%s: %s", context, d->warn[i]);
        if (d->n_warn_dropped)
                log_warn("%s: %zu more warnings not shown", context, d->n_warn_dropped);
}

/* The clocks by system call, not through the vDSO: musl looks the vDSO's symbols up on
 * the first call, 50 blocks of code qemu translates once (about 0.5 ms of user time under
 * TCG) for the dozen and a half reads a boot makes, which cost ~15 us each as calls. */
static int clock_read(clockid_t clock, struct timespec *ts) {
        return (int)raw_syscall3(SYS_clock_gettime, clock, (long)ts, 0);
}

unsigned long log_cpu_us(void) {
        struct timespec ts;
        if (clock_read(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0)
                return 0;
        return (unsigned long)ts.tv_sec * 1000000UL + (unsigned long)ts.tv_nsec / 1000UL;
}

#if defined(__aarch64__)
/* The generic timer's virtual counter, which the kernel's clocks are made from: readable
 * at EL0 without a system call (Linux grants the access, or traps and emulates the read
 * on parts with counter errata). A boot reads the time at every stage's end, about fifteen
 * times, and each system call costs ~15-20 us of the user time ru_utime counts under TCG
 * (README, "Where /init's time goes"): CLOCK_BOOTTIME is read once, and the counter
 * measures from there. */
static uint64_t counter_read(void) {
        uint64_t v;
        __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
        return v;
}

static uint64_t counter_frequency(void) {
        uint64_t f;
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
        return f;
}
#endif

unsigned long log_now_ms(void) {
        struct timespec ts;
#if defined(__aarch64__)
        static uint64_t base_ns, base_count, frequency;
        if (frequency) {
                uint64_t d = counter_read() - base_count;
                uint64_t ns = d / frequency * 1000000000ULL + d % frequency * 1000000000ULL / frequency;
                return (unsigned long)((base_ns + ns) / 1000000ULL);
        }
#endif
        /* CLOCK_BOOTTIME: the same clock as the kernel's log timestamps */
        if (clock_read(CLOCK_BOOTTIME, &ts) < 0)
                return 0;
#if defined(__aarch64__)
        uint64_t f = counter_frequency();
        if (f >= 1000 && f <= 10000000000ULL) { /* 0 where firmware never set it: stay with the clock */
                base_count = counter_read();
                base_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
                frequency = f;
        }
#endif
        return (unsigned long)ts.tv_sec * 1000UL + (unsigned long)ts.tv_nsec / 1000000UL;
}
