/* SPDX-License-Identifier: MIT */
#include "uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"
#include "parse-util.h"

int uevent_open(void) {
        _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
        if (fd < 0)
                return negative_errno();
        /* coldplug of a whole bus can queue hundreds of events at once */
        int size = 4 * 1024 * 1024;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
        struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 1 /* the kernel's own events */};
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

int uevent_parse(const char *buf, size_t len, struct uevent *ret) {
        struct uevent ev = {0};
        const char *end = buf + len;
        const char *p = memchr(buf, '\0', len);
        /* the header "ACTION@DEVPATH" comes first; udev's own messages start otherwise */
        if (!p || !memchr(buf, '@', (size_t)(p - buf)))
                return -EINVAL;
        static const struct {
                const char *key;
                size_t offset, size;
        } fields[] = {
                {"ACTION=", offsetof(struct uevent, action), sizeof ev.action},
                {"SUBSYSTEM=", offsetof(struct uevent, subsystem), sizeof ev.subsystem},
                {"MODALIAS=", offsetof(struct uevent, modalias), sizeof ev.modalias},
                {"DEVNAME=", offsetof(struct uevent, devname), sizeof ev.devname},
        };
        for (p++; p < end;) {
                for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                        size_t klen = strlen(fields[i].key);
                        if ((size_t)(end - p) > klen && strncmp(p, fields[i].key, klen) == 0) {
                                size_t vlen = strnlen(p + klen, (size_t)(end - p) - klen);
                                char *dst = (char *)&ev + fields[i].offset;
                                if (vlen < fields[i].size) {
                                        memcpy(dst, p + klen, vlen);
                                        dst[vlen] = '\0';
                                }
                        }
                }
                size_t field = strnlen(p, (size_t)(end - p));
                if (field >= (size_t)(end - p))
                        break; /* the last field has no NUL: never step past the end */
                p += field + 1;
        }
        *ret = ev;
        return 0;
}

int uevent_receive(int fd, struct uevent *ret) {
        char buf[8192];
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof buf, 0);
                if (n < 0)
                        return errno == EINTR ? -EINTR : negative_errno();
                if (uevent_parse(buf, (size_t)n, ret) == 0)
                        return 0;
        }
}
