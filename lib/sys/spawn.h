/* SPDX-License-Identifier: MIT */
/* Running a helper program from PID 1 (e2fsck, mke2fs, hook scripts): its output logged
 * line by line to the kernel log, the watchdog fed while it runs, a time limit. */
#pragma once

/* Run argv (argv[0] an absolute path under root) with envp (NULL: our environment).
 * timeout_s 0: no limit; past it the program is killed (SIGKILL) and -ETIME returned.
 * Returns its exit code, -ECHILD if a signal ended it, or a negative errno. */
int spawn_logged(const char *root, char *const argv[], char *const envp[], unsigned timeout_s, int watchdog_fd);
