/* SPDX-License-Identifier: MIT */
#include "failure.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errno-text.h"
#include "fileio.h"
#include "log.h"
#include "parse-util.h"
#include "raw-syscall.h"

void console_attach(const char *root) {
        /* which of 0, 1, 2 are open, in one system call (POLLNVAL: not open) */
        struct pollfd std[3] = {{.fd = STDIN_FILENO}, {.fd = STDOUT_FILENO}, {.fd = STDERR_FILENO}};
        /* ppoll() itself: musl's poll() converts a timeout first. No signal mask, so the
         * kernel reads no mask size (its fifth argument). */
        struct timespec now = {0};
        if (raw_syscall4(SYS_ppoll, (long)std, 3, (long)&now, 0) >= 0 && !(std[0].revents & POLLNVAL) &&
            !(std[1].revents & POLLNVAL) && !(std[2].revents & POLLNVAL))
                return;
        char p[PATH_MAX];
        if (path_join_root(p, sizeof p, root, "/dev/console") < 0)
                return;
        int fd = openat(AT_FDCWD, p, O_RDWR | O_NOCTTY); /* not close-on-exec: it is meant for the children */
        if (fd < 0)
                return;
        for (int i = 0; i <= 2; i++)
                if (fcntl(i, F_GETFD) < 0)
                        (void)dup2(fd, i);
        if (fd > 2)
                (void)close(fd);
}

static void run_shell(const char *root, unsigned timeout_s) {
        char sh[PATH_MAX], console[PATH_MAX];
        if (path_join_root(sh, sizeof sh, root, "/bin/busybox") < 0 ||
            path_join_root(console, sizeof console, root, "/dev/console") < 0)
                return;
        if (timeout_s)
                log_notice("starting a rescue shell on the console; the system reboots when it exits, or in %u s",
                           timeout_s);
        else
                log_notice("starting a rescue shell on the console; the system reboots when it exits");
        pid_t pid = fork();
        if (pid < 0) {
                log_err("rescue shell: fork: %s", errno_text(errno));
                return;
        }
        if (pid == 0) {
                (void)setsid();
                int fd = openat(AT_FDCWD, console, O_RDWR);
                if (fd >= 0) {
                        (void)ioctl(fd, TIOCSCTTY, 1);
                        (void)dup2(fd, 0);
                        (void)dup2(fd, 1);
                        (void)dup2(fd, 2);
                }
                execl(sh, "sh", (char *)NULL);
                _exit(127);
        }
        /* as PID 1, reap whatever the shell leaves behind too; the watchdog, never
         * disarmed, may end the shell first */
        unsigned long waited_ms = 0;
        for (;;) {
                pid_t w = waitpid(-1, NULL, WNOHANG);
                if (w == pid || (w < 0 && errno == ECHILD))
                        break;
                if (w > 0)
                        continue;
                if (timeout_s && waited_ms >= timeout_s * 1000UL) {
                        log_notice("rescue shell: %u s are up: ending it", timeout_s);
                        (void)kill(-pid, SIGKILL); /* its whole session */
                        (void)kill(pid, SIGKILL);
                        timeout_s = 0;
                }
                sleep_ms(100);
                waited_ms += 100;
        }
}

static void sleep_seconds(unsigned s) {
        struct timespec ts = {.tv_sec = s};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

void failure_act(const char *root, enum failure_action action, unsigned delay_s, unsigned shell_timeout_s) {
        if (action == FAILURE_SHELL)
                run_shell(root, shell_timeout_s);
        int cmd = action == FAILURE_HALT ? RB_POWER_OFF : RB_AUTOBOOT;
        const char *what = action == FAILURE_HALT ? "powering off" : "rebooting";
        if (action != FAILURE_SHELL && delay_s > 0) {
                log_notice("%s in %u s", what, delay_s);
                sleep_seconds(delay_s);
        }
        log_notice("%s now", what);
        sync();
        for (;;) {
                (void)reboot(cmd);
                /* unreachable unless the kernel refused: say so, and keep saying it */
                log_err("%s failed: %s; retrying in 60 s", what, errno_text(errno));
                sleep_seconds(60);
        }
}
