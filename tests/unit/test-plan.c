/* SPDX-License-Identifier: MIT */
/* plan.h: the boot decided from the command line, the configuration and system.conf, and
 * the mounts that build the new root. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"
#include "devspec.h"
#include "keyfile.h"
#include "macro.h"
#include "plan.h"
#include "rauc-conf.h"
#include "mount-option.h"
#include "unit.h"

/* The slots every plan case can boot. */
static const char system_conf[] =
        "[system]\n"
        "compatible=paios-qemu-arm64\n"
        "bootloader=uboot\n"
        "[keyring]\n"
        "path=/etc/rauc/keyring.pem\n"
        "[slot.rootfs.0]\n"
        "device=/dev/disk/by-partlabel/rootfs-a\n"
        "type=ext4\n"
        "bootname=A\n"
        "[slot.rootfs.1]\n"
        "device=/dev/disk/by-partlabel/rootfs-b\n"
        "type=ext4\n"
        "bootname=B\n"
        "[slot.appfs.0]\n"
        "device=/dev/vda5\n"
        "type=ext4\n"
        "parent=rootfs.0\n"
        "[slot.raw.0]\n"       /* a raw image: its filesystem is for blkid to tell */
        "device=/dev/vda6\n"
        "type=raw\n"
        "bootname=R\n"
        "[slot.squash.0]\n"
        "device=PARTUUID=6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60\n"
        "type=squashfs\n"
        "bootname=S\n"
        "[slot.untyped.0]\n"
        "device=254:7\n"
        "bootname=U\n"
        "[slot.byid.0]\n"      /* RAUC takes it, the initramfs cannot resolve it */
        "device=/dev/disk/by-id/virtio-root\n"
        "type=ext4\n"
        "bootname=ID\n"
        "[slot.bad.0]\n"
        "device=vda7\n"
        "bootname=BAD\n";

static const struct {
        const char *name;
        const char *cmdline;
        const char *config; /* paios-init.conf text applied over the defaults, NULL for none */
        bool no_rauc;       /* system.conf could not be read */
        int ret;
        const char *error;
        const char *warning;
        /* the plan */
        const char *slot, *slot_name;
        const char *root; /* devspec_format() of plan.root */
        enum devspec_kind root_kind;
        const char *root_origin;
        const char *fstype;
        const char *rootflags;
        int timeout_ms;
        const char *init;
} builds[] = {
        {.name = "slot A: device and type from system.conf",
         .cmdline = "console=ttyAMA0 rauc.slot=A ro",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "slot B",
         .cmdline = "rauc.slot=B",
         .slot = "B", .slot_name = "rootfs.1", .root = "PARTLABEL=rootfs-b", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "root= overrides the slot's device, with a warning",
         .cmdline = "rauc.slot=A root=/dev/vda9",
         .warning = "root=/dev/vda9 overrides slot A's device /dev/disk/by-partlabel/rootfs-a",
         .slot = "A", .slot_name = "rootfs.0", .root = "/dev/vda9", .root_kind = DEVSPEC_PATH, .root_origin = "root=",
         .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "root= naming the slot's own device still warns",
         .cmdline = "rauc.slot=B root=/dev/disk/by-partlabel/rootfs-b",
         .warning = "overrides slot B's device",
         .slot = "B", .slot_name = "rootfs.1", .root = "PARTLABEL=rootfs-b", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "root=", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "rootfstype= beats the slot's type",
         .cmdline = "rauc.slot=A rootfstype=erofs",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "erofs", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "raw slot: the type is left to blkid",
         .cmdline = "rauc.slot=R",
         .slot = "R", .slot_name = "raw.0", .root = "/dev/vda6", .root_kind = DEVSPEC_PATH,
         .root_origin = "system.conf", .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "raw slot with rootfstype=",
         .cmdline = "rauc.slot=R rootfstype=ext4",
         .slot = "R", .slot_name = "raw.0", .root = "/dev/vda6", .root_kind = DEVSPEC_PATH,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "squashfs slot by PARTUUID",
         .cmdline = "rauc.slot=S",
         .slot = "S", .slot_name = "squash.0", .root = "PARTUUID=6a2b1f1e-02d4-4c4e-8f6a-1b2c3d4e5f60",
         .root_kind = DEVSPEC_PARTUUID, .root_origin = "system.conf", .fstype = "squashfs", .rootflags = "",
         .timeout_ms = 30000, .init = ""},
        {.name = "slot without type, device as MAJ:MIN",
         .cmdline = "rauc.slot=U",
         .slot = "U", .slot_name = "untyped.0", .root = "254:7", .root_kind = DEVSPEC_DEVNUM,
         .root_origin = "system.conf", .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "root= only: no slot",
         .cmdline = "root=PARTUUID=a1b2c3d4-02 rootwait",
         .slot = "", .slot_name = "", .root = "PARTUUID=a1b2c3d4-02", .root_kind = DEVSPEC_PARTUUID,
         .root_origin = "root=", .fstype = "", .rootflags = "", .timeout_ms = -1, .init = ""},
        {.name = "root= only, with rootfstype=",
         .cmdline = "root=254:1 rootfstype=ext4",
         .slot = "", .slot_name = "", .root = "254:1", .root_kind = DEVSPEC_DEVNUM, .root_origin = "root=",
         .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "root= as a by-label link with an escape",
         .cmdline = "root=/dev/disk/by-label/my\\x20root",
         .slot = "", .slot_name = "", .root = "LABEL=my root", .root_kind = DEVSPEC_LABEL, .root_origin = "root=",
         .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "root= quoted with a space",
         .cmdline = "root=\"LABEL=my root\"",
         .slot = "", .slot_name = "", .root = "LABEL=my root", .root_kind = DEVSPEC_LABEL, .root_origin = "root=",
         .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "rootflags= copied",
         .cmdline = "rauc.slot=A rootflags=noatime,errors=panic",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "noatime,errors=panic", .timeout_ms = 30000,
         .init = ""},
        {.name = "rootdelay= in milliseconds",
         .cmdline = "rauc.slot=A rootdelay=7",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 7000, .init = ""},
        {.name = "rootdelay=0: no waiting",
         .cmdline = "rauc.slot=A rootdelay=0",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 0, .init = ""},
        {.name = "rootdelay=3600: the largest",
         .cmdline = "rauc.slot=A rootdelay=3600",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 3600000, .init = ""},
        {.name = "rootwait: no limit",
         .cmdline = "rauc.slot=A rootwait",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = -1, .init = ""},
        /* as plan.c decides it: an explicit rootdelay= is the limit even with rootwait */
        {.name = "rootdelay= and rootwait: rootdelay= wins",
         .cmdline = "rauc.slot=A rootwait rootdelay=3",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 3000, .init = ""},
        {.name = "the configuration's device-timeout",
         .cmdline = "rauc.slot=A",
         .config = "[boot]\ndevice-timeout=5\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 5000, .init = ""},
        {.name = "device-timeout=0 in the configuration",
         .cmdline = "rauc.slot=A",
         .config = "[boot]\ndevice-timeout=0\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 0, .init = ""},
        {.name = "device-timeout=3600 in the configuration",
         .cmdline = "rauc.slot=A",
         .config = "[boot]\ndevice-timeout=3600\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 3600000, .init = ""},
        {.name = "rootdelay= beats the configuration",
         .cmdline = "rauc.slot=A rootdelay=2",
         .config = "[boot]\ndevice-timeout=5\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 2000, .init = ""},
        {.name = "rootwait beats the configuration",
         .cmdline = "rauc.slot=A rootwait",
         .config = "[boot]\ndevice-timeout=5\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = -1, .init = ""},
        {.name = "the configuration's init",
         .cmdline = "rauc.slot=A",
         .config = "[boot]\ninit=/usr/lib/systemd/systemd\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000,
         .init = "/usr/lib/systemd/systemd"},
        {.name = "init= beats the configuration's init",
         .cmdline = "rauc.slot=A init=/bin/sh",
         .config = "[boot]\ninit=/usr/lib/systemd/systemd\n",
         .slot = "A", .slot_name = "rootfs.0", .root = "PARTLABEL=rootfs-a", .root_kind = DEVSPEC_PARTLABEL,
         .root_origin = "system.conf", .fstype = "ext4", .rootflags = "", .timeout_ms = 30000, .init = "/bin/sh"},
        {.name = "no system.conf, root= only: as usual",
         .cmdline = "root=/dev/vda2",
         .no_rauc = true,
         .slot = "", .slot_name = "", .root = "/dev/vda2", .root_kind = DEVSPEC_PATH, .root_origin = "root=",
         .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "no system.conf, rauc.slot= and root=: root= with a warning",
         .cmdline = "rauc.slot=A root=/dev/vda2",
         .no_rauc = true,
         .warning = "no system.conf: slot A is booted from root=/dev/vda2",
         .slot = "A", .slot_name = "", .root = "/dev/vda2", .root_kind = DEVSPEC_PATH, .root_origin = "root=",
         .fstype = "", .rootflags = "", .timeout_ms = 30000, .init = ""},
        /* failures */
        {.name = "neither rauc.slot= nor root=",
         .cmdline = "console=ttyAMA0 ro rootwait",
         .ret = -EINVAL,
         .error = "neither rauc.slot= nor root= on the kernel command line"},
        {.name = "neither, and no system.conf", .cmdline = "", .no_rauc = true, .ret = -EINVAL, .error = "neither rauc.slot= nor root="},
        {.name = "unknown bootname: the known ones listed",
         .cmdline = "rauc.slot=C",
         .ret = -ENOENT,
         .error = "no slot in system.conf has bootname \"C\" (bootnames: A, B, R, S, U, ID, BAD)"},
        {.name = "unknown bootname even with root=",
         .cmdline = "rauc.slot=C root=/dev/vda2",
         .ret = -ENOENT,
         .error = "bootname \"C\""},
        {.name = "a slot without bootname cannot be booted by its name",
         .cmdline = "rauc.slot=appfs.0",
         .ret = -ENOENT,
         .error = "bootname \"appfs.0\""},
        {.name = "no system.conf, rauc.slot= without root=",
         .cmdline = "rauc.slot=A",
         .no_rauc = true,
         .ret = -ENOENT,
         .error = "rauc.slot=A but no system.conf to map it to a device"},
        {.name = "the slot's device is a by-id link",
         .cmdline = "rauc.slot=ID",
         .ret = -EOPNOTSUPP,
         .error = "/dev/disk/by-id/virtio-root"},
        {.name = "the slot's device is no device name",
         .cmdline = "rauc.slot=BAD",
         .ret = -EINVAL,
         .error = "\"vda7\" is none of"},
        {.name = "root= is no device name", .cmdline = "root=vda1", .ret = -EINVAL, .error = "\"vda1\" is none of"},
        {.name = "root= with ..", .cmdline = "root=/dev/../etc/shadow", .ret = -EINVAL, .error = "contains \"..\""},
        {.name = "root= too long for a device name",
         .cmdline = "root=/dev/"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
         .ret = -ENAMETOOLONG,
         .error = "is longer than 255 bytes"},
        {.name = "rootfstype= with a comma", .cmdline = "rauc.slot=A rootfstype=ext4,btrfs", .ret = -EINVAL,
         .error = "rootfstype=ext4,btrfs: give one filesystem type"},
        {.name = "rootfstype= with a space", .cmdline = "rauc.slot=A \"rootfstype=ext4 xfs\"", .ret = -EINVAL,
         .error = "give one filesystem type"},
        {.name = "rootfstype= of 31 bytes fits",
         .cmdline = "root=/dev/vda2 rootfstype=fffffffffffffffffffffffffffffff",
         .slot = "", .slot_name = "", .root = "/dev/vda2", .root_kind = DEVSPEC_PATH, .root_origin = "root=",
         .fstype = "fffffffffffffffffffffffffffffff", .rootflags = "", .timeout_ms = 30000, .init = ""},
        {.name = "rootfstype= of 32 bytes",
         .cmdline = "root=/dev/vda2 rootfstype=ffffffffffffffffffffffffffffffff",
         .ret = -ENAMETOOLONG,
         .error = "rootfstype=ffffffffffffffffffffffffffffffff is too long"},
};

static void check_plan(const struct boot_plan *p, const typeof(builds[0]) *t, const struct config *cfg) {
        CHECK_STREQ(p->slot, t->slot);
        CHECK_STREQ(p->slot_name, t->slot_name);
        char root[DEVSPEC_VALUE_MAX + 16];
        CHECK_ERR(devspec_format(&p->root, root, sizeof root), 0);
        CHECK_STREQ(root, t->root);
        CHECK_INTEQ(p->root.kind, t->root_kind);
        CHECK_STREQ(p->root_origin, t->root_origin);
        CHECK_STREQ(p->fstype, t->fstype);
        CHECK_STREQ(p->rootflags, t->rootflags);
        CHECK_INTEQ(p->device_timeout_ms, t->timeout_ms);
        CHECK_STREQ(p->init, t->init);
        CHECK(p->config == cfg);
}

static void test_build(void) {
        struct rauc_system rauc;
        struct diag d = {0};
        if (!CHECK_ERR(rauc_system_parse(system_conf, strlen(system_conf), &rauc, &d), 0)) {
                CHECK_STREQ(d.error, "");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(builds); i++) {
                const typeof(builds[0]) *t = &builds[i];
                unit_case("plan_build(\"%.60s\"%s): %s", t->cmdline, t->no_rauc ? ", no system.conf" : "", t->name);
                struct config cfg;
                config_defaults(&cfg);
                if (t->config) {
                        struct keyfile kf = {0};
                        if (!CHECK_ERR(keyfile_parse(t->config, strlen(t->config), &kf, NULL), 0))
                                continue;
                        int r = config_apply_keyfile(&cfg, &kf, NULL);
                        keyfile_free(&kf);
                        if (!CHECK_ERR(r, 0))
                                continue;
                }
                struct kcmdline k = {0};
                if (!CHECK_ERR(kcmdline_parse(t->cmdline, &k, NULL), 0))
                        continue;
                struct boot_args args = {.rootdelay_s = -1};
                diag_clear(&d);
                int r = boot_args_from_cmdline(&k, &args, &d);
                kcmdline_free(&k);
                if (!CHECK_ERR(r, 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                struct boot_plan p;
                memset(&p, 0xa5, sizeof p);
                r = plan_build(&args, &cfg, t->no_rauc ? NULL : &rauc, &p, &d);
                boot_args_free(&args);
                if (!CHECK_ERR(r, t->ret)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                if (r < 0) {
                        CHECK_CONTAINS(d.error, t->error);
                        continue;
                }
                CHECK_STREQ(d.error, "");
                CHECK_INTEQ(d.n_warn, t->warning ? 1 : 0);
                CHECK_WARNED(&d, t->warning);
                check_plan(&p, t, &cfg);
        }
}

/* Boundaries that the command line cannot reach but the structures allow. */
static void test_build_limits(void) {
        struct config cfg;
        config_defaults(&cfg);

        unit_case("plan_build: rootflags= of CMDLINE_VALUE_MAX bytes");
        _cleanup_free_ char *flags = unit_repeat('f', CMDLINE_VALUE_MAX);
        struct boot_args args = {.root = (char *)"/dev/vda2", .rootflags = flags, .rootdelay_s = -1};
        struct boot_plan p;
        struct diag d = {0};
        CHECK_ERR(plan_build(&args, &cfg, NULL, &p, &d), 0);
        CHECK_STREQ(p.rootflags, flags);

        unit_case("plan_build: rootflags= longer than CMDLINE_VALUE_MAX");
        _cleanup_free_ char *longflags = unit_repeat('f', CMDLINE_VALUE_MAX + 1);
        args.rootflags = longflags;
        CHECK_ERR(plan_build(&args, &cfg, NULL, &p, &d), -ENAMETOOLONG);
        CHECK_CONTAINS(d.error, "rootflags= is too long");
        args.rootflags = NULL;

        unit_case("plan_build: init= of CONFIG_PATH_MAX bytes");
        _cleanup_free_ char *init = unit_repeat('i', CONFIG_PATH_MAX);
        init[0] = '/';
        args.init = init;
        CHECK_ERR(plan_build(&args, &cfg, NULL, &p, &d), -ENAMETOOLONG);
        CHECK_CONTAINS(d.error, "init= is longer than 255 bytes");
        init[CONFIG_PATH_MAX - 1] = '\0';
        CHECK_ERR(plan_build(&args, &cfg, NULL, &p, &d), 0);
        CHECK_STREQ(p.init, init);
}

/* ---- plan_mounts ------------------------------------------------------------------- */

struct step_expect {
        enum step_kind kind;
        const char *target;
        const char *source;  /* "$DEV": the resolved root device */
        const char *fstype;
        const char *options; /* "$SLOTOPTS", "$TMPFSOPTS": the case's own */
        bool block_device_ro;
        /* STEP_BIND only */
        enum bind_source bind_from;
        bool read_only;
        const char *seed;
};

/* The new root, step by step: the slot read-only, a tmpfs for the upper layer, the
 * overlay at /sysroot, the protected path (the default data.protected, /etc/rauc) bound
 * read-only from the slot, and the link systemd follows to the root device. */
static const struct step_expect steps_expected[] = {
        {STEP_MKDIR, "/run/paios", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MKDIR, "/run/paios/slot", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MOUNT, "/run/paios/slot", "$DEV", "$FSTYPE", "$SLOTOPTS", true, BIND_FROM_SLOT, false, NULL},
        {STEP_MKDIR, "/run/paios/overlay", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MOUNT, "/run/paios/overlay", "paios-overlay", "tmpfs", "$TMPFSOPTS", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MKDIR, "/run/paios/overlay/upper", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MKDIR, "/run/paios/overlay/work", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MKDIR, "/sysroot", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_MOUNT, "/sysroot", "$DEV", "overlay",
         "lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,workdir=/run/paios/overlay/work", false, BIND_FROM_SLOT, false, NULL},
        {STEP_BIND, "/sysroot/etc/rauc", "/run/paios/slot/etc/rauc", "", "", false, BIND_FROM_SLOT, true, ""},
        {STEP_MKDIR, "/run/systemd", "", "", "", false, BIND_FROM_SLOT, false, NULL},
        {STEP_SYMLINK, "/run/systemd/volatile-root", "$DEV", "", "", false, BIND_FROM_SLOT, false, NULL},
};

static const struct {
        const char *name;
        const char *cmdline;
        const char *config;
        const char *device; /* what the executor resolved plan.root to */
        const char *fstype;
        const char *slot_options;
        const char *tmpfs_options;
} mounts[] = {
        {"slot A, defaults", "rauc.slot=A", NULL, "/dev/vda2", "ext4", "ro", "mode=0755,size=50%"},
        {"rootflags=rw cannot make the slot writable", "rauc.slot=A rootflags=rw", NULL, "/dev/vda2", "ext4", "rw,ro",
         "mode=0755,size=50%"},
        {"rw on the command line cannot either", "rauc.slot=A rw", NULL, "/dev/vda2", "ext4", "ro", "mode=0755,size=50%"},
        {"rootflags kept before ro", "rauc.slot=B rootflags=noatime,errors=remount-ro", NULL, "/dev/vda3", "ext4",
         "noatime,errors=remount-ro,ro", "mode=0755,size=50%"},
        {"raw slot: fstype left empty for blkid", "rauc.slot=R", NULL, "/dev/vda6", "", "ro", "mode=0755,size=50%"},
        {"tmpfs size from the configuration", "rauc.slot=A", "[overlay]\ntmpfs-size=256M\n", "/dev/mmcblk0p2", "ext4",
         "ro", "mode=0755,size=256M"},
        {"tmpfs size from the command line", "rauc.slot=A paios.overlay.tmpfs-size=10%", NULL, "/dev/vda2", "ext4", "ro",
         "mode=0755,size=10%"},
        {"root= only", "root=/dev/vdb1 rootfstype=erofs", NULL, "/dev/vdb1", "erofs", "ro", "mode=0755,size=50%"},
        /* data.binds need /data: without it (data_mounted false) none is planned */
        {"binds configured, /data not mounted", "rauc.slot=A", "[data]\nbinds=/var/log /etc/machine-id\n", "/dev/vda2",
         "ext4", "ro", "mode=0755,size=50%"},
};

/* Substitutions in expected values: the case's own device, fstype and options. */
struct subst {
        const char *device, *fstype, *slot_options, *tmpfs_options;
};

static const char *expand(const char *s, const struct subst *m) {
        if (!s)
                return "";
        if (strcmp(s, "$DEV") == 0)
                return m->device;
        if (strcmp(s, "$FSTYPE") == 0)
                return m->fstype;
        if (strcmp(s, "$SLOTOPTS") == 0)
                return m->slot_options;
        if (strcmp(s, "$TMPFSOPTS") == 0)
                return m->tmpfs_options;
        return s;
}

static void check_steps(const char *name, const struct mount_step *steps, size_t n, const struct step_expect *expected,
                        size_t n_expected, const struct subst *m) {
        CHECK_INTEQ(n, n_expected);
        for (size_t j = 0; j < n && j < n_expected; j++) {
                const struct step_expect *e = &expected[j];
                const struct mount_step *s = &steps[j];
                unit_case("plan_mounts: %s: step %zu (%s %s)", name, j, s->what ? s->what : "NULL", e->target);
                CHECK_INTEQ(s->kind, e->kind);
                CHECK_STREQ(s->target, e->target);
                CHECK(s->what && s->what[0]);
                CHECK_STREQ(s->source, expand(e->source, m));
                CHECK_STREQ(s->fstype, expand(e->fstype, m));
                CHECK_STREQ(s->options, expand(e->options, m));
                CHECK_INTEQ(s->block_device_ro, e->block_device_ro); /* the slot only */
                /* the plan's own option strings (tmpfs, overlay) skip libmount's parser; the
                 * slot's, which carry rootflags=, never */
                CHECK_INTEQ(s->options_are_data, s->kind == STEP_MOUNT && !s->block_device_ro);
                if (s->kind == STEP_MKDIR)
                        CHECK_INTEQ(s->mode, 0755);
                if (s->kind == STEP_BIND) {
                        CHECK_INTEQ(s->bind_from, e->bind_from);
                        CHECK_INTEQ(s->read_only, e->read_only);
                        CHECK_STREQ(s->seed, expand(e->seed, m));
                } else
                        CHECK(!s->read_only);
        }
}

static int plan_for(const char *cmdline, const char *config_text, const struct rauc_system *rauc, struct config *cfg,
                    struct boot_plan *p) {
        config_defaults(cfg);
        struct kcmdline k = {0};
        int r = kcmdline_parse(cmdline, &k, NULL);
        if (r < 0)
                return r;
        if (config_text) {
                struct keyfile kf = {0};
                r = keyfile_parse(config_text, strlen(config_text), &kf, NULL);
                if (r == 0)
                        r = config_apply_keyfile(cfg, &kf, NULL);
                keyfile_free(&kf);
        }
        config_apply_cmdline(cfg, &k, NULL);
        struct boot_args args = {.rootdelay_s = -1};
        if (r == 0)
                r = boot_args_from_cmdline(&k, &args, NULL);
        kcmdline_free(&k);
        if (r == 0)
                r = plan_build(&args, cfg, rauc, p, NULL);
        boot_args_free(&args);
        return r;
}

/* The inputs of a boot without /data. */
static struct mount_inputs tmpfs_inputs(const char *device) {
        return (struct mount_inputs){.root_device = device, .upper = UPPER_TMPFS};
}

static void test_mounts(void) {
        struct rauc_system rauc;
        if (!CHECK_ERR(rauc_system_parse(system_conf, strlen(system_conf), &rauc, NULL), 0))
                return;
        for (size_t i = 0; i < ELEMENTSOF(mounts); i++) {
                const typeof(mounts[0]) *m = &mounts[i];
                unit_case("plan_mounts: %s", m->name);
                struct config cfg;
                struct boot_plan p;
                if (!CHECK_ERR(plan_for(m->cmdline, m->config, &rauc, &cfg, &p), 0))
                        continue;
                struct mount_step steps[PLAN_STEPS_MAX];
                memset(steps, 0xa5, sizeof steps);
                size_t n = 99;
                struct diag d = {0};
                struct mount_inputs in = tmpfs_inputs(m->device);
                if (!CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d), 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                CHECK_INTEQ(d.n_warn, 0);
                struct subst sub = {m->device, m->fstype, m->slot_options, m->tmpfs_options};
                check_steps(m->name, steps, n, steps_expected, ELEMENTSOF(steps_expected), &sub);
        }
}

/* ---- plan_mounts with /data ----------------------------------------------------------- */

#define SLOT_STEPS                                                                         \
        {STEP_MKDIR, "/run/paios", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                     \
        {STEP_MKDIR, "/run/paios/slot", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                \
        {STEP_MOUNT, "/run/paios/slot", "/dev/vda1", "ext4", "ro", true, BIND_FROM_SLOT, false, NULL}
#define TMPFS_STEPS                                                                        \
        {STEP_MKDIR, "/run/paios/overlay", "", "", "", false, BIND_FROM_SLOT, false, NULL},                             \
        {STEP_MOUNT, "/run/paios/overlay", "paios-overlay", "tmpfs", "mode=0755,size=50%", false, BIND_FROM_SLOT, false, NULL}, \
        {STEP_MKDIR, "/run/paios/overlay/upper", "", "", "", false, BIND_FROM_SLOT, false, NULL},                       \
        {STEP_MKDIR, "/run/paios/overlay/work", "", "", "", false, BIND_FROM_SLOT, false, NULL},                        \
        {STEP_MKDIR, "/sysroot", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                       \
        {STEP_MOUNT, "/sysroot", "/dev/vda1", "overlay",                                   \
         "lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,workdir=/run/paios/overlay/work", false, BIND_FROM_SLOT, false, NULL}
/* an upper on /data: untrusted, so the options Documentation/filesystems/overlayfs.rst asks for */
#define DATA_OVERLAY_STEPS(dir)                                                            \
        {STEP_MKDIR, "/sysroot", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                       \
        {STEP_MOUNT, "/sysroot", "/dev/vda1", "overlay",                                   \
         "lowerdir=/run/paios/slot,upperdir=" dir "/upper,workdir=" dir "/work,"          \
         "redirect_dir=nofollow,index=off,metacopy=off", false, BIND_FROM_SLOT, false, NULL}
#define DATA_BIND(path)                                                                    \
        {STEP_BIND, "/sysroot" path, "/data/paios/state" path, "", "", false, BIND_FROM_DATA, false, \
         "/run/paios/slot" path}
#define PROTECTED_BIND(path)                                                               \
        {STEP_BIND, "/sysroot" path, "/run/paios/slot" path, "", "", false, BIND_FROM_SLOT, true, ""}
#define SYSTEMD_STEPS                                                                      \
        {STEP_MKDIR, "/run/systemd", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                   \
        {STEP_SYMLINK, "/run/systemd/volatile-root", "/dev/vda1", "", "", false, BIND_FROM_SLOT, false, NULL}
/* /data moves into the new root last, after everything that reads from it */
#define MOVE_STEPS                                                                         \
        {STEP_MKDIR, "/sysroot/data", "", "", "", false, BIND_FROM_SLOT, false, NULL},                                  \
        {STEP_MOVE, "/sysroot/data", "/data", "", "", false, BIND_FROM_SLOT, false, NULL}

static const struct step_expect tmpfs_upper_with_data[] = {
        SLOT_STEPS, TMPFS_STEPS, DATA_BIND("/etc/machine-id"), DATA_BIND("/var/log"), DATA_BIND("/var/lib/rauc"),
        PROTECTED_BIND("/etc/rauc"), SYSTEMD_STEPS, MOVE_STEPS,
};
static const struct step_expect data_upper[] = {
        SLOT_STEPS, DATA_OVERLAY_STEPS("/data/paios/overlay/A"), DATA_BIND("/etc/machine-id"), DATA_BIND("/var/log"),
        DATA_BIND("/var/lib/rauc"), PROTECTED_BIND("/etc/rauc"), SYSTEMD_STEPS, MOVE_STEPS,
};
static const struct step_expect data_upper_no_paths[] = {
        SLOT_STEPS, DATA_OVERLAY_STEPS("/data/paios/overlay/default"), SYSTEMD_STEPS, MOVE_STEPS,
};
static const struct step_expect tmpfs_upper_no_data[] = {
        SLOT_STEPS, TMPFS_STEPS, PROTECTED_BIND("/etc/rauc"), PROTECTED_BIND("/etc/ssh"), SYSTEMD_STEPS,
};
/* a bind of a parent first, the protected path below it after: it cannot be hidden */
static const struct step_expect parent_bound[] = {
        SLOT_STEPS, DATA_OVERLAY_STEPS("/data/paios/overlay/B"), DATA_BIND("/etc"), PROTECTED_BIND("/etc/rauc"),
        PROTECTED_BIND("/etc/rauc/keyring.pem"), SYSTEMD_STEPS, MOVE_STEPS,
};
static const struct step_expect protected_first_in_config[] = {
        SLOT_STEPS, TMPFS_STEPS, DATA_BIND("/var/log"), DATA_BIND("/etc"), PROTECTED_BIND("/etc/rauc"), SYSTEMD_STEPS,
        MOVE_STEPS,
};

#define STEPS(a) .steps = a, .n_steps = ELEMENTSOF(a)

static const char test_conf[] = "[data]\ndevice=PARTLABEL=data\nbinds=/etc/machine-id /var/log /var/lib/rauc\n"
                                 "protected=/etc/rauc\n";

static const struct {
        const char *name;
        const char *cmdline;
        const char *config;
        enum overlay_upper upper;
        const char *data_upper_dir;
        bool data_mounted;
        int ret;
        const char *error;
        const struct step_expect *steps;
        size_t n_steps;
} data_mounts[] = {
        {.name = "tmpfs upper, /data mounted: binds from /data, the protected path, the move",
         .cmdline = "rauc.slot=A", .config = test_conf, .upper = UPPER_TMPFS, .data_mounted = true,
         STEPS(tmpfs_upper_with_data)},
        {.name = "a /data dir given with a tmpfs upper is not used",
         .cmdline = "rauc.slot=A", .config = test_conf, .upper = UPPER_TMPFS,
         .data_upper_dir = "/data/paios/overlay/A", .data_mounted = true, STEPS(tmpfs_upper_with_data)},
        {.name = "data upper: no tmpfs, the untrusted-upper options",
         .cmdline = "rauc.slot=A", .config = test_conf, .upper = UPPER_DATA, .data_upper_dir = "/data/paios/overlay/A",
         .data_mounted = true, STEPS(data_upper)},
        {.name = "overlay.upper=data from the command line: the same plan",
         .cmdline = "rauc.slot=A paios.overlay.upper=data", .config = test_conf, .upper = UPPER_DATA,
         .data_upper_dir = "/data/paios/overlay/A", .data_mounted = true, STEPS(data_upper)},
        {.name = "data upper, no binds, no protected paths: only the move added",
         .cmdline = "root=/dev/vda1 rootfstype=ext4", .config = "[data]\nprotected=\n", .upper = UPPER_DATA,
         .data_upper_dir = "/data/paios/overlay/default", .data_mounted = true, STEPS(data_upper_no_paths)},
        {.name = "no /data: no binds (configured or not), protected paths still bound, no move",
         .cmdline = "rauc.slot=A", .config = "[data]\nbinds=/var/log\nprotected=/etc/rauc /etc/ssh\n",
         .upper = UPPER_TMPFS, .data_mounted = false, STEPS(tmpfs_upper_no_data)},
        {.name = "a bound parent (/etc) comes before the protected paths below it",
         .cmdline = "rauc.slot=B root=/dev/vda1", .config = "[data]\nbinds=/etc\nprotected=/etc/rauc /etc/rauc/keyring.pem\n",
         .upper = UPPER_DATA, .data_upper_dir = "/data/paios/overlay/B", .data_mounted = true, STEPS(parent_bound)},
        {.name = "binds in the configured order, protected after all of them",
         .cmdline = "rauc.slot=A", .config = "[data]\nprotected=/etc/rauc\nbinds=/var/log /etc\n",
         .upper = UPPER_TMPFS, .data_mounted = true, STEPS(protected_first_in_config)},
        /* failures */
        {.name = "data upper without /data mounted", .cmdline = "rauc.slot=A", .config = test_conf,
         .upper = UPPER_DATA, .data_upper_dir = "/data/paios/overlay/A", .data_mounted = false, .ret = -EINVAL,
         .error = "an upper on /data needs /data mounted"},
        {.name = "data upper without a directory", .cmdline = "rauc.slot=A", .config = test_conf, .upper = UPPER_DATA,
         .data_upper_dir = NULL, .data_mounted = true, .ret = -EINVAL, .error = "an upper on /data needs /data mounted"},
        {.name = "data upper, neither", .cmdline = "rauc.slot=A", .config = test_conf, .upper = UPPER_DATA,
         .ret = -EINVAL, .error = "an upper on /data needs /data mounted"},
};

static void test_mounts_data(void) {
        struct rauc_system rauc;
        if (!CHECK_ERR(rauc_system_parse(system_conf, strlen(system_conf), &rauc, NULL), 0))
                return;
        for (size_t i = 0; i < ELEMENTSOF(data_mounts); i++) {
                const typeof(data_mounts[0]) *t = &data_mounts[i];
                unit_case("plan_mounts: %s", t->name);
                struct config cfg;
                struct boot_plan p;
                if (!CHECK_ERR(plan_for(t->cmdline, t->config, &rauc, &cfg, &p), 0))
                        continue;
                struct mount_step steps[PLAN_STEPS_MAX];
                memset(steps, 0xa5, sizeof steps);
                size_t n = 99;
                struct diag d = {0};
                struct mount_inputs in = {
                        .root_device = "/dev/vda1",
                        .upper = t->upper,
                        .data_upper_dir = t->data_upper_dir,
                        .data_mounted = t->data_mounted,
                };
                int r = plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d);
                if (!CHECK_ERR(r, t->ret)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                if (r < 0) {
                        CHECK_CONTAINS(d.error, t->error);
                        CHECK_INTEQ(n, 99);
                        continue;
                }
                CHECK_STREQ(d.error, "");
                CHECK_INTEQ(d.n_warn, 0);
                struct subst sub = {"/dev/vda1", "ext4", "ro", "mode=0755,size=50%"};
                check_steps(t->name, steps, n, t->steps, t->n_steps, &sub);
        }
}

/* Lengths and counts: whatever config.c accepts, the plan holds; beyond that, plan_mounts
 * refuses rather than cuts. */
#define STEP_SOURCE_MAX sizeof(((struct mount_step *)0)->source)
#define STEP_TARGET_MAX sizeof(((struct mount_step *)0)->target)

static void test_mounts_data_limits(void) {
        struct config cfg;
        struct boot_plan p;
        unit_case("plan_mounts /data limits: setup");
        if (!CHECK_ERR(plan_for("root=/dev/vda1", NULL, NULL, &cfg, &p), 0))
                return;

        static const struct {
                const char *name;
                bool protected_path;
                const char *prefix; /* of the step's source */
        } paths[] = {
                {"a bind of the longest path config.c takes", false, "/data/paios/state"},
                {"a protected path of the longest path config.c takes", true, "/run/paios/slot"},
        };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                unit_case("plan_mounts /data limits: %s (%d bytes)", paths[i].name, CONFIG_PATH_MAX - 1);
                struct path_list *l = paths[i].protected_path ? &cfg.data_protected : &cfg.data_binds;
                cfg.data_binds.n = cfg.data_protected.n = 0;
                memset(l->path[0], 'p', CONFIG_PATH_MAX - 1);
                l->path[0][0] = '/';
                l->path[0][CONFIG_PATH_MAX - 1] = '\0';
                l->n = 1;
                struct mount_inputs in = {.root_device = "/dev/vda1", .upper = UPPER_TMPFS, .data_mounted = true};
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct diag d = {0};
                if (!CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d), 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                size_t b = ELEMENTSOF(steps_expected) - 3; /* the bind follows the overlay */
                CHECK_INTEQ(steps[b].kind, STEP_BIND);
                CHECK_INTEQ(strlen(steps[b].source), strlen(paths[i].prefix) + CONFIG_PATH_MAX - 1);
                CHECK(strncmp(steps[b].source, paths[i].prefix, strlen(paths[i].prefix)) == 0);
                CHECK_INTEQ(strlen(steps[b].target), strlen("/sysroot") + CONFIG_PATH_MAX - 1);
        }
        cfg.data_binds.n = cfg.data_protected.n = 0;

        /* "<dir>/upper" and "<dir>/work" are paths of the plan */
        static const struct {
                size_t len;
                int ret;
        } dirs[] = {
                {STEP_TARGET_MAX - 1 - sizeof "/upper" + 1, 0},
                {STEP_TARGET_MAX - sizeof "/upper" + 1, -ENAMETOOLONG},
                {4 * STEP_TARGET_MAX, -ENAMETOOLONG},
        };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                unit_case("plan_mounts /data limits: an upper directory of %zu bytes", dirs[i].len);
                _cleanup_free_ char *dir = unit_repeat('u', dirs[i].len);
                dir[0] = '/';
                struct mount_inputs in = {.root_device = "/dev/vda1", .upper = UPPER_DATA, .data_upper_dir = dir,
                                          .data_mounted = true};
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct diag d = {0};
                CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d), dirs[i].ret);
                if (dirs[i].ret < 0)
                        CHECK_CONTAINS(d.error, "upper directory path too long");
                else
                        CHECK_CONTAINS(steps[4].options, "/upper,workdir=/u");
        }

        /* the most paths config.c takes, on either upper: all planned, /data moved last;
         * one step less room than they need is -E2BIG */
        static const struct {
                const char *name;
                enum overlay_upper upper;
        } counts[] = {
                {"tmpfs upper", UPPER_TMPFS},
                {"upper on /data", UPPER_DATA},
        };
        cfg.data_binds.n = CONFIG_PATHS_MAX;
        for (size_t k = 0; k < CONFIG_PATHS_MAX; k++)
                (void)snprintf(cfg.data_binds.path[k], CONFIG_PATH_MAX, "/bind%zu", k);
        cfg.data_protected.n = CONFIG_PATHS_MAX;
        for (size_t k = 0; k < CONFIG_PATHS_MAX; k++)
                (void)snprintf(cfg.data_protected.path[k], CONFIG_PATH_MAX, "/protected%zu", k);
        for (size_t i = 0; i < ELEMENTSOF(counts); i++) {
                unit_case("plan_mounts /data limits: %s, %d binds and %d protected paths", counts[i].name,
                          CONFIG_PATHS_MAX, CONFIG_PATHS_MAX);
                struct mount_inputs in = {.root_device = "/dev/vda1", .upper = counts[i].upper,
                                          .data_upper_dir = "/data/paios/overlay/default", .data_mounted = true};
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct diag d = {0};
                if (!CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d), 0)) {
                        CHECK_STREQ(d.error, "");
                        continue;
                }
                /* 13 steps of its own on a tmpfs upper, 9 with the upper on /data */
                CHECK_INTEQ(n, (counts[i].upper == UPPER_TMPFS ? 13 : 9) + 2 * CONFIG_PATHS_MAX);
                CHECK_INTEQ(steps[n - 1].kind, STEP_MOVE);
                CHECK_STREQ(steps[n - 1 - 4].target, "/sysroot/protected15"); /* then mkdir, symlink, mkdir */
                size_t fit = n;
                n = 0;
                CHECK_ERR(plan_mounts(&p, &in, steps, fit - 1, &n, &d), -E2BIG);
                CHECK_CONTAINS(d.error, "mount plan has too many steps");
        }
}

static void test_mounts_limits(void) {
        struct config cfg;
        struct boot_plan p;
        unit_case("plan_mounts limits: setup");
        if (!CHECK_ERR(plan_for("root=/dev/vda2", NULL, NULL, &cfg, &p), 0))
                return;
        const size_t need = ELEMENTSOF(steps_expected);
        struct mount_inputs in = tmpfs_inputs("/dev/vda2");

        static const struct {
                const char *name;
                size_t max;
                int ret;
        } maxes[] = {
                {"max 0", 0, -E2BIG},
                {"max 1", 1, -E2BIG},
                {"one step short", ELEMENTSOF(steps_expected) - 1, -E2BIG},
                {"exactly enough", ELEMENTSOF(steps_expected), 0},
                {"PLAN_STEPS_MAX", PLAN_STEPS_MAX, 0},
        };
        for (size_t i = 0; i < ELEMENTSOF(maxes); i++) {
                unit_case("plan_mounts limits: %s", maxes[i].name);
                struct mount_step steps[PLAN_STEPS_MAX + 1];
                memset(steps, 0, sizeof steps);
                steps[maxes[i].max].target[0] = 'X'; /* the step after max stays untouched */
                size_t n = 99;
                struct diag d = {0};
                CHECK_ERR(plan_mounts(&p, &in, steps, maxes[i].max, &n, &d), maxes[i].ret);
                CHECK_STREQ(steps[maxes[i].max].target, "X");
                if (maxes[i].ret < 0) {
                        CHECK_CONTAINS(d.error, "mount plan has too many steps");
                        CHECK_INTEQ(n, 99); /* not set on failure */
                } else
                        CHECK_INTEQ(n, need);
        }

        static const struct {
                const char *name;
                size_t device_len;
                int ret;
                const char *error;
        } devices[] = {
                {"device path of DEVSPEC_VALUE_MAX-1 bytes (the longest a devspec holds)", DEVSPEC_VALUE_MAX - 1, 0, NULL},
                {"device path filling a step's source", STEP_SOURCE_MAX - 1, 0, NULL},
                {"device path one byte longer", STEP_SOURCE_MAX, -ENAMETOOLONG, "is too long"},
        };
        for (size_t i = 0; i < ELEMENTSOF(devices); i++) {
                unit_case("plan_mounts limits: %s", devices[i].name);
                _cleanup_free_ char *dev = unit_repeat('d', devices[i].device_len);
                memcpy(dev, "/dev/", 5);
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct diag d = {0};
                struct mount_inputs din = tmpfs_inputs(dev);
                int r = plan_mounts(&p, &din, steps, ELEMENTSOF(steps), &n, &d);
                CHECK_ERR(r, devices[i].ret);
                CHECK_CONTAINS(d.error, devices[i].error);
                if (r == 0) {
                        CHECK_STREQ(steps[2].source, dev);
                        CHECK_STREQ(steps[n - 1].source, dev);
                }
        }

        unit_case("plan_mounts limits: rootflags of CMDLINE_VALUE_MAX bytes still end in ro");
        memset(p.rootflags, 'f', CMDLINE_VALUE_MAX);
        p.rootflags[CMDLINE_VALUE_MAX] = '\0';
        struct mount_step steps[PLAN_STEPS_MAX];
        size_t n = 0;
        if (CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, NULL), 0)) {
                size_t len = strlen(steps[2].options);
                CHECK_INTEQ(len, CMDLINE_VALUE_MAX + 3);
                CHECK_STREQ(steps[2].options + len - 3, ",ro");
        }

        unit_case("plan_mounts limits: tmpfs-size of 31 bytes");
        p.rootflags[0] = '\0';
        memset(cfg.tmpfs_size, '9', sizeof cfg.tmpfs_size - 1);
        cfg.tmpfs_size[sizeof cfg.tmpfs_size - 1] = '\0';
        if (CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, NULL), 0))
                CHECK_STREQ(steps[4].options, "mode=0755,size=9999999999999999999999999999999");
}

/* ---- found by tests/fuzz/fuzz-plan.c --------------------------------------------------- */

/* "ro" last in the slot's options must stay the option libmount applies last, whatever
 * rootflags= holds: refusing such rootflags is as good. */
static const struct {
        const char *name;
        const char *cmdline;
} rootflags_quotes[] = {
        {"balanced quotes in rootflags=", "root=/dev/vda2 rootflags=x=\"y\""},
        {"rootflags= opening a quote it does not close", "root=/dev/vda2 rootflags=\"rw,\"x"},
        {"rootflags= ending in a quote", "root=/dev/vda2 rootflags=rw,\""},
};

static void test_rootflags_quotes(void) {
        for (size_t i = 0; i < ELEMENTSOF(rootflags_quotes); i++) {
                unit_case("plan_mounts: %s (%s)", rootflags_quotes[i].name, rootflags_quotes[i].cmdline);
                struct config cfg;
                struct boot_plan p;
                if (plan_for(rootflags_quotes[i].cmdline, NULL, NULL, &cfg, &p) < 0)
                        continue; /* refused: fine */
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct mount_inputs in = tmpfs_inputs("/dev/vda2");
                if (plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, NULL) < 0)
                        continue; /* refused: fine */
                if (!CHECK(n > 2 && steps[2].block_device_ro))
                        continue;
                CHECK_STREQ(last_mount_option(steps[2].options), "ro");
        }
}

/* What config.c accepts, the plan must hold: a configuration that parses but cannot be
 * planned fails every boot of the slot (and of the other slot, which ships the same one).
 * Refusing it when the configuration is read is as good. */
static const struct {
        const char *name;
        enum overlay_upper upper;
        size_t binds, protected_paths; /* how many paths, "/b0".."/p0".. */
        size_t long_bind, long_protected; /* or one path of this many bytes */
} config_fits[] = {
        {"the most binds and protected paths config.c takes, tmpfs upper", UPPER_TMPFS, CONFIG_PATHS_MAX,
         CONFIG_PATHS_MAX, 0, 0},
        {"the most binds and protected paths config.c takes, upper on /data", UPPER_DATA, CONFIG_PATHS_MAX,
         CONFIG_PATHS_MAX, 0, 0},
        {"a bind of the longest path config.c takes", UPPER_TMPFS, 0, 0, CONFIG_PATH_MAX - 1, 0},
        {"a protected path of the longest path config.c takes", UPPER_TMPFS, 0, 0, 0, CONFIG_PATH_MAX - 1},
};

static char *path_words(const char *prefix, size_t n, size_t long_len) {
        if (long_len) {
                char *p = unit_repeat('l', long_len);
                p[0] = '/';
                return p;
        }
        char *s = unit_format("%s", "");
        for (size_t k = 0; k < n; k++) {
                char *t = unit_format("%s%s/%s%zu", s, k ? " " : "", prefix, k);
                free(s);
                s = t;
        }
        return s;
}

static void test_config_fits_plan(void) {
        for (size_t i = 0; i < ELEMENTSOF(config_fits); i++) {
                const typeof(config_fits[0]) *t = &config_fits[i];
                unit_case("configuration vs. plan: %s", t->name);
                _cleanup_free_ char *binds = path_words("b", t->binds, t->long_bind);
                _cleanup_free_ char *protected_paths = path_words("p", t->protected_paths, t->long_protected);
                _cleanup_free_ char *text =
                        unit_format("[overlay]\nupper=%s\n[data]\ndevice=/dev/vda4\nbinds=%s\nprotected=%s\n",
                                    t->upper == UPPER_DATA ? "data" : "tmpfs", binds, protected_paths);
                struct config cfg;
                struct boot_plan p;
                if (plan_for("root=/dev/vda1", text, NULL, &cfg, &p) < 0)
                        continue; /* the configuration refused: fine */
                struct mount_inputs in = {.root_device = "/dev/vda1", .upper = t->upper,
                                          .data_upper_dir = "/data/paios/overlay/default", .data_mounted = true};
                struct mount_step steps[PLAN_STEPS_MAX];
                size_t n = 0;
                struct diag d = {0};
                CHECK_ERR(plan_mounts(&p, &in, steps, ELEMENTSOF(steps), &n, &d), 0);
                CHECK_STREQ(d.error, "");
        }
}

static void test_default_inits(void) {
        unit_case("plan_default_inits: the kernel's order");
        CHECK_STREQ(plan_default_inits[0], "/sbin/init");
        CHECK_STREQ(plan_default_inits[1], "/etc/init");
        CHECK_STREQ(plan_default_inits[2], "/bin/init");
}

int main(void) {
        test_build();
        test_build_limits();
        test_mounts();
        test_mounts_data();
        test_mounts_data_limits();
        test_mounts_limits();
        test_rootflags_quotes();
        test_config_fits_plan();
        test_default_inits();
        return unit_exit();
}
