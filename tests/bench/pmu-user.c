/* SPDX-License-Identifier: MIT */
/* Measurement only, never in a shipped /init: scripts/pmu-user appends this file to a
 * copy of init/stages.c. It counts /init's time in user mode exactly, with the PMU's cycle
 * counter restricted to user mode (perf_event_open, exclude_kernel), from just before main()
 * to the getrusage() at the switch, and per stage. Under qemu's TCG the cycle counter
 * runs at 1 GHz of host time, so the count is nanoseconds spent at EL0, translation of
 * new code included: the quantity the kernel's ru_utime estimates with 4 ms ticks.
 * Printed as "PMU-USER total <ns> kernel <ns> stages <stage>=<us> ...". */
#include <linux/perf_event.h>
#include <sys/syscall.h>

static int pmu_fd[2] = {-1, -1}; /* user, kernel */
static unsigned long long pmu_last;
static char pmu_stages[1024];
static size_t pmu_used;

__attribute__((constructor)) static void pmu_open(void) {
        for (int k = 0; k < 2; k++) {
                struct perf_event_attr a;
                memset(&a, 0, sizeof a);
                a.size = sizeof a;
                a.type = PERF_TYPE_HARDWARE;
                a.config = PERF_COUNT_HW_CPU_CYCLES;
                a.exclude_kernel = k == 0;
                a.exclude_user = k == 1;
                a.exclude_hv = 1;
                pmu_fd[k] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
        }
}

static unsigned long long pmu_read(int k) {
        unsigned long long v = 0;
        if (pmu_fd[k] < 0 || read(pmu_fd[k], &v, sizeof v) != (ssize_t)sizeof v)
                return 0;
        return v;
}

static void pmu_stage(const char *stage) {
        unsigned long long v = pmu_read(0);
        int k = format_text(pmu_stages + pmu_used, sizeof pmu_stages - pmu_used, " %s=%llu", stage,
                            (v - pmu_last) / 1000);
        if (k > 0 && (size_t)k < sizeof pmu_stages - pmu_used)
                pmu_used += (size_t)k;
        pmu_last = v;
}

static void pmu_report(void) {
        log_notice("PMU-USER total %llu kernel %llu stages%s", pmu_read(0), pmu_read(1), pmu_stages);
}
