/* SPDX-License-Identifier: MIT */
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "macro.h"
#include "parse-util.h"
#include "raw-syscall.h"

int watchdog_arm(const char *root, const char *device, unsigned timeout_s, unsigned *ret_timeout_s) {
        char p[PATH_MAX];
        int r = path_join_root(p, sizeof p, root, device);
        if (r < 0)
                return r;
        /* opening starts the timer */
        _cleanup_close_ int fd = raw_openat(AT_FDCWD, p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return fd;
        int t = (int)timeout_s;
        if (timeout_s > 0) {
                /* The kernel's WDIOC_SETTIMEOUT pings the device and writes back the timeout
                 * it took (watchdog_dev.c, since Linux 3.x): no GETTIMEOUT and KEEPALIVE
                 * after it, two system calls fewer on every boot */
                if (ioctl(fd, WDIOC_SETTIMEOUT, &t) < 0)
                        return negative_errno();
        } else {
                if (ioctl(fd, WDIOC_GETTIMEOUT, &t) < 0)
                        t = 0;
                r = watchdog_ping(fd);
                if (r < 0)
                        return r;
        }
        if (ret_timeout_s)
                *ret_timeout_s = t > 0 ? (unsigned)t : 0;
        return TAKE_FD(fd);
}

int watchdog_ping(int fd) {
        int dummy = 0;
        return RET_NERRNO(ioctl(fd, WDIOC_KEEPALIVE, &dummy));
}

void watchdog_handover(int *fd) {
        if (*fd < 0)
                return;
        /* one last ping gives the real init a whole timeout to open it again */
        (void)watchdog_ping(*fd);
        (void)close(*fd);
        *fd = -EBADF;
}
