/* SPDX-License-Identifier: MIT */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "parse-util.h"
#include "watchdog.h"

/* Log the complete lines in buf; with flush, the rest too. */
static void log_lines(char *buf, size_t *used, const char *tool, bool flush) {
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', *used - (size_t)(start - buf)))) {
                *nl = '\0';
                if (nl > start)
                        log_info("%s: %s", tool, start);
                start = nl + 1;
        }
        size_t rest = *used - (size_t)(start - buf);
        if (flush && rest > 0) {
                buf[*used] = '\0';
                log_info("%s: %s", tool, start);
                rest = 0;
        }
        memmove(buf, start, rest);
        *used = rest;
}

int spawn_logged(const char *root, char *const argv[], char *const envp[], unsigned timeout_s, int watchdog_fd) {
        char path[PATH_MAX];
        int r = path_join_root(path, sizeof path, root, argv[0]);
        if (r < 0)
                return r;
        if (access(path, X_OK) < 0)
                return negative_errno();
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return negative_errno();
        pid_t pid = fork();
        if (pid < 0) {
                r = negative_errno();
                (void)close(pipefd[0]);
                (void)close(pipefd[1]);
                return r;
        }
        if (pid == 0) {
                int devnull = openat(AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
                if (devnull >= 0)
                        (void)dup2(devnull, 0);
                (void)dup2(pipefd[1], 1);
                (void)dup2(pipefd[1], 2);
                execve(path, argv, envp ? envp : environ);
                _exit(127);
        }
        (void)close(pipefd[1]);
        _cleanup_close_ int out = pipefd[0];
        const char *tool = strrchr(argv[argv[1] && strcmp(argv[0], "/bin/busybox") == 0 ? 2 : 0], '/');
        tool = tool ? tool + 1 : argv[0];
        unsigned long deadline = timeout_s ? log_now_ms() + timeout_s * 1000UL : 0;
        bool killed = false;
        char buf[1024];
        size_t used = 0;
        for (;;) {
                struct pollfd pfd = {.fd = out, .events = POLLIN};
                int k = poll(&pfd, 1, 1000);
                if (watchdog_fd >= 0)
                        (void)watchdog_ping(watchdog_fd); /* a long e2fsck must not reset the board */
                if (deadline && !killed && log_now_ms() >= deadline) {
                        log_warn("%s: still running after %u s: killed", tool, timeout_s);
                        (void)kill(pid, SIGKILL);
                        killed = true;
                }
                if (k <= 0)
                        continue;
                ssize_t got = read(out, buf + used, sizeof buf - 1 - used);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        break; /* the program (and whatever it started) closed its output */
                used += (size_t)got;
                log_lines(buf, &used, tool, used >= sizeof buf - 1);
        }
        log_lines(buf, &used, tool, true);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (killed)
                return -ETIME;
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return -ECHILD;
}
