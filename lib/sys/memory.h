/* SPDX-License-Identifier: MIT */
/* Memory PID 1 is going to touch, populated in one system call instead of one page fault
 * per page: under qemu's TCG with page-table isolation a fault costs about 20 us of user
 * time (scripts/tcg-costs), and the boot's stack runs ~45 pages deep. */
#pragma once

/* How deep the boot's stack goes, measured (about 180 KiB with its 40 KiB struct boot and
 * the mount plan's steps), with some room. */
enum { STACK_POPULATED_BYTES = 192 * 1024 };

/* Populate STACK_POPULATED_BYTES of stack below the caller's frame (best effort: a kernel
 * without MADV_POPULATE_WRITE, before 5.14, leaves the pages to fault in as they are
 * reached). */
void stack_populate(void);
