/* SPDX-License-Identifier: MIT */
/* paios-init: the initramfs's /init. It boots the RAUC slot the bootloader chose,
 * read-only under an overlayfs root, with the hardware watchdog armed, and hands PID 1 to
 * the slot's init. This file is the boot's sequence and nothing else. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errno-text.h"
#include "modules.h"
#include "stages.h"

static const struct stage {
        const char *name;
        int (*run)(struct boot *b);
        bool in_dry_run;
} stages[] = {
        {"setup", stage_setup, true},                 /* API filesystems, console, log */
        {"configure", stage_configure, true},         /* command line, configuration, system.conf: the plan */
        {"plan", stage_print_plan, true},             /* --dry-run prints it and stops */
        {"modules", stage_modules, false},            /* configured modules, coldplug */
        {"watchdog", stage_watchdog, false},          /* armed as soon as its driver is there */
        {"bootenv", stage_bootenv, false},            /* only when the slot comes from the environment */
        {"wait-device", stage_wait_device, false},    /* bounded, event-driven */
        {"bootenv", stage_bootenv, false},            /* BOOT_ORDER, BOOT_x_LEFT, for mark-bad and the record */
        {"data", stage_data, false},                  /* /data checked, mounted, the upper decided */
        {"pre-mount-hooks", stage_hooks_pre_mount, false},
        {"mount-root", stage_mount_root, false},      /* slot read-only, overlay, binds */
        {"check-new-root", stage_check_new_root, false}, /* an init to run, before anything is torn down */
        {"pre-switch-hooks", stage_hooks_pre_switch, false},
        {"handover", stage_handover, false},          /* watchdog left running, timings logged */
        {"switch-root", stage_switch_root, false},    /* returns only on failure */
};

static int usage(FILE *f, const char *prog) {
        (void)fprintf(f,
                      "Usage: %s                     (as PID 1 in an initramfs)\n"
                      "       %s --dry-run [--root DIR]  print the boot plan for DIR/proc/cmdline,\n"
                      "                                  DIR/etc/paios-init.conf and the system.conf it names\n"
                      "       %s --help-config            list the configuration options\n",
                      prog, prog, prog);
        return f == stderr ? 2 : 0;
}

static void print_option(void *userdata, const char *group, const char *key, const char *def, const char *help) {
        (void)printf("[%s] %s = %s\n    %s\n    command line: " CMDLINE_PREFIX "%s.%s=\n", group, key, def, help, group,
                     key);
}

int main(int argc, char **argv) {
        const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        if (strcmp(prog, "modprobe") == 0)
                return modprobe_main(argc, argv);

        /* static: 40 KiB that .bss holds zeroed already, where on the stack they were
         * cleared page by page (a page fault each) and pushed every stage's frames down */
        static struct boot b;
        b.root = "/";
        b.init_argv = argv;
        b.uevent_fd = b.watchdog_fd = -1;
        b.modules_child = -1;
        b.record.boot_left[0] = b.record.boot_left[1] = -1;
        if (getpid() != 1) {
                /* options exist only outside PID 1: the kernel's arguments belong to the real init */
                for (int i = 1; i < argc; i++) {
                        if (strcmp(argv[i], "--dry-run") == 0)
                                b.dry_run = true;
                        else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
                                b.root = argv[++i];
                        else if (strcmp(argv[i], "--help-config") == 0) {
                                config_describe(print_option, NULL);
                                return 0;
                        } else if (strcmp(argv[i], "--help") == 0)
                                return usage(stdout, prog);
                        else
                                return usage(stderr, prog);
                }
                if (!b.dry_run) {
                        (void)fprintf(stderr, "%s: not PID 1; use --dry-run to print a boot plan\n", prog);
                        return 2;
                }
        }

        for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
                if (b.dry_run && !stages[i].in_dry_run)
                        break;
                b.stage = stages[i].name;
                int r = stages[i].run(&b);
                if (r < 0) {
                        if (b.dry_run) {
                                (void)fprintf(stderr, "%s: %s: %s\n", prog, b.stage,
                                              b.diag.error[0] ? b.diag.error : errno_text(-r));
                                return 1;
                        }
                        boot_fail(&b, r);
                }
        }
        return 0; /* --dry-run; a boot never gets here */
}
