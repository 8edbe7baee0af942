/* SPDX-License-Identifier: MIT */
/* PID 1's populated memory (lib/sys/memory.c), on this test's own process: after
 * memory_populate_pid1() a write to each page of .bss and of the stack below the caller
 * takes no page fault, and after a fork memory_populate_after_fork() leaves the parent
 * no copy-on-write fault to take. Faults are counted with getrusage(): the pages the
 * populating itself maps count too, so only the writes are measured. (Under
 * AddressSanitizer its shadow memory faults on the first writes: there only the return
 * values are checked.) */
#include "../../lib/sys/memory.c"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING_FAULTS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNTING_FAULTS 0
#endif
#endif
#ifndef COUNTING_FAULTS
#define COUNTING_FAULTS 1
#endif

enum { PAGE = 4096, BSS_BYTES = 160 * 1024, STACK_BYTES = 32 * 1024 };
static char bss[BSS_BYTES];

static long faults(void) {
        struct rusage ru;
        (void)getrusage(RUSAGE_SELF, &ru);
        return ru.ru_minflt + ru.ru_majflt;
}

/* noinline: a frame below the caller's, as the boot's stage functions are */
static __attribute__((noinline)) void write_stack(void) {
        char deep[STACK_BYTES];
        for (size_t i = 0; i < sizeof deep; i += PAGE)
                ((volatile char *)deep)[i] = 1;
}

static long faults_writing(char value) {
        long before = faults();
        for (size_t i = 0; i < sizeof bss; i += PAGE)
                ((volatile char *)bss)[i] = value;
        write_stack();
        return faults() - before;
}

int main(void) {
        unit_case("memory_populate_pid1()");
        int r = memory_populate_pid1();
        if (r == -EINVAL) {
                /* Linux before 5.14: nothing populated, nothing to measure */
                (void)printf("no MADV_POPULATE_WRITE in this kernel: checks skipped\n");
                return unit_exit();
        }
        CHECK_ERR(r, 0);
        long n = faults_writing(1);
        if (COUNTING_FAULTS)
                CHECK(n <= 2); /* the getrusage() calls' own frames aside */

        unit_case("memory_populate_after_fork()");
        pid_t pid = fork();
        if (pid == 0)
                _exit(0);
        CHECK(pid > 0);
        CHECK_ERR(memory_populate_after_fork(), 0);
        int status = 0;
        CHECK_INTEQ(waitpid(pid, &status, 0), pid);
        n = faults_writing(2);
        if (COUNTING_FAULTS)
                CHECK(n <= 2);
        CHECK_INTEQ(bss[0], 2);

        unit_case("without the populating, the same writes fault (the checks above mean something)");
        pid = fork();
        if (pid == 0)
                _exit(0);
        CHECK(pid > 0);
        CHECK_INTEQ(waitpid(pid, &status, 0), pid);
        n = faults_writing(3);
        if (COUNTING_FAULTS)
                CHECK(n >= BSS_BYTES / PAGE);
        return unit_exit();
}
