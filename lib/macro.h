/* SPDX-License-Identifier: MIT */
/* Small helpers shared by lib/ and init/: cleanup attributes and ownership moves, so no
 * error path leaks a descriptor or an allocation (the idea of systemd's macro.h). */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) {
        free(*(void **)p);
}

static inline void closep(const int *fd) {
        if (*fd >= 0) {
                int saved = errno; /* close() must not clobber the errno a caller is about to read */
                (void)close(*fd);
                errno = saved;
        }
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand an owned descriptor or pointer over, leaving the cleanup variable empty. */
#define TAKE_FD(fd)                      \
        ({                               \
                int _taken = (fd);       \
                (fd) = -EBADF;           \
                _taken;                  \
        })
#define TAKE_PTR(p)                          \
        ({                                   \
                __typeof__(p) _taken = (p);  \
                (p) = NULL;                  \
                _taken;                      \
        })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* libc's -1/errno turned into a negative errno at the call. */
#define RET_NERRNO(expr)                          \
        ({                                        \
                long _r = (long)(expr);           \
                _r < 0 ? -errno : (int)_r;        \
        })

static inline int negative_errno(void) {
        /* errno is never 0 after a failing call, but a caller must never mistake a
         * failure for success if some libc path forgot to set it */
        return errno > 0 ? -errno : -EIO;
}
