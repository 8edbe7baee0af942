# paios A/B boot script for U-Boot: RAUC's U-Boot integration (BOOT_ORDER, BOOT_x_LEFT).
# Compiled into boot.scr by scripts/uboot/mkbootscr; README.md beside this file explains
# the design. U-Boot's distro boot finds boot.scr on the FAT boot partition and runs it
# with devtype, devnum and distro_bootpart naming that partition.
#
# Every boot:
#  1. read the boot state from uboot.env on the boot partition (only BOOT_ORDER,
#     BOOT_A_LEFT, BOOT_B_LEFT and paios_extra_args are taken from it: whoever can write
#     the file must not be able to set bootcmd & co); a missing or damaged file means
#     the defaults BOOT_ORDER="A B", BOOT_A_LEFT=3, BOOT_B_LEFT=3 (3 attempts per slot);
#  2. pick the first slot of BOOT_ORDER with attempts left and count the attempt down;
#  3. write the state back BEFORE booting, so a boot that never reaches
#     `rauc status mark-good` has cost one attempt, however it ends (hang + watchdog,
#     panic, reboot, power cut);
#  4. load /boot/Image (or /boot/vmlinuz) and /boot/initrd.img from the slot's ext4
#     partition (partition 1 for A, 2 for B, on the device holding this script) and boot
#     them with "console=ttyAMA0 rauc.slot=X ${paios_extra_args}" and the device tree
#     U-Boot itself runs on (qemu's).
# No slot left: reset both counters to 3 and reset the board (RAUC's reference
# behaviour; see README.md for why not halt). Any failure after the attempt was counted
# (kernel missing, booti refusing it) resets the board too: the next run counts on and
# falls back once the slot's attempts are used up.
#
# Console lines start with "paios-boot:" so that a log shows each boot's decision.

echo "paios-boot: RAUC A/B boot script on ${devtype} ${devnum}:${distro_bootpart}"

# Board layout; a board's default environment may preset these.
test -n "${paios_part_A}" || setenv paios_part_A 1
test -n "${paios_part_B}" || setenv paios_part_B 2
# booti decompresses a compressed Image (vmlinuz.gz) through this buffer; an
# uncompressed Image ignores it. Above the initramfs, below U-Boot at the top of RAM.
test -n "${kernel_comp_addr_r}" || setexpr kernel_comp_addr_r ${ramdisk_addr_r} + 0x4000000
test -n "${kernel_comp_size}" || setenv kernel_comp_size 0x4000000

# --- 1. the boot state -----------------------------------------------------------------
setenv BOOT_ORDER
setenv BOOT_A_LEFT
setenv BOOT_B_LEFT
if test -e ${devtype} ${devnum}:${distro_bootpart} uboot.env; then
	if fatload ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} uboot.env; then
		if env import -c ${kernel_addr_r} ${filesize} BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT paios_extra_args; then
			echo "paios-boot: state from uboot.env"
		else
			echo "paios-boot: WARNING: uboot.env is damaged (bad CRC): using the defaults"
		fi
	else
		echo "paios-boot: WARNING: cannot read uboot.env: using the defaults"
	fi
else
	echo "paios-boot: no uboot.env yet: using the defaults"
fi
test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3
echo "paios-boot: BOOT_ORDER=${BOOT_ORDER} BOOT_A_LEFT=${BOOT_A_LEFT} BOOT_B_LEFT=${BOOT_B_LEFT}"

# --- 2. the slot -----------------------------------------------------------------------
# "test -gt" reads decimal, setexpr reads and writes hex: they agree on 0..9 only, so a
# larger count (RAUC's boot-attempts > 9) is taken as 9 rather than turned into "f".
if test ${BOOT_A_LEFT} -gt 9; then
	echo "paios-boot: BOOT_A_LEFT=${BOOT_A_LEFT} taken as 9"
	setenv BOOT_A_LEFT 9
fi
if test ${BOOT_B_LEFT} -gt 9; then
	echo "paios-boot: BOOT_B_LEFT=${BOOT_B_LEFT} taken as 9"
	setenv BOOT_B_LEFT 9
fi
setenv paios_slot
setenv paios_known
for BOOT_SLOT in ${BOOT_ORDER}; do
	if test "${BOOT_SLOT}" = A || test "${BOOT_SLOT}" = B; then
		setenv paios_known yes
	fi
	if test -z "${paios_slot}" && test "${BOOT_SLOT}" = A && test ${BOOT_A_LEFT} -gt 0; then
		setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
		setenv paios_slot A
		setenv paios_part ${paios_part_A}
		setenv paios_left ${BOOT_A_LEFT}
	fi
	if test -z "${paios_slot}" && test "${BOOT_SLOT}" = B && test ${BOOT_B_LEFT} -gt 0; then
		setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
		setenv paios_slot B
		setenv paios_part ${paios_part_B}
		setenv paios_left ${BOOT_B_LEFT}
	fi
done
setenv BOOT_SLOT

# --- 3. save the state -----------------------------------------------------------------
# Both the normal and the no-slot path save; paios_save keeps that in one place.
setenv paios_save 'env export -c -s 0x4000 ${kernel_addr_r} BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT paios_extra_args && fatwrite ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} uboot.env 0x4000'

if test -z "${paios_slot}"; then
	echo "paios-boot: ######## no slot has boot attempts left (BOOT_ORDER=${BOOT_ORDER})"
	echo "paios-boot: ######## resetting BOOT_A_LEFT and BOOT_B_LEFT to 3 and resetting the board"
	setenv BOOT_A_LEFT 3
	setenv BOOT_B_LEFT 3
	# An order that names no slot would make this a loop that never boots.
	if test -z "${paios_known}"; then
		echo "paios-boot: ######## BOOT_ORDER names neither A nor B: resetting it to the default (A B)"
		setenv BOOT_ORDER "A B"
	fi
	run paios_save || echo "paios-boot: ERROR: cannot write uboot.env"
	reset
fi

echo "paios-boot: booting slot ${paios_slot} (partition ${paios_part}); attempts left after this one: ${paios_left}"
if run paios_save; then
	echo "paios-boot: attempt counted in uboot.env"
else
	# Without a writable state there is no fallback; booting the slot still beats
	# not booting at all.
	echo "paios-boot: ERROR: cannot write uboot.env: this attempt is not counted"
fi

# --- 4. boot the slot ------------------------------------------------------------------
setenv paios_kernel
if test -e ${devtype} ${devnum}:${paios_part} /boot/Image; then
	setenv paios_kernel /boot/Image
elif test -e ${devtype} ${devnum}:${paios_part} /boot/vmlinuz; then
	setenv paios_kernel /boot/vmlinuz
fi
if test -z "${paios_kernel}"; then
	echo "paios-boot: ERROR: slot ${paios_slot} has no /boot/Image or /boot/vmlinuz: resetting"
	reset
fi
if load ${devtype} ${devnum}:${paios_part} ${kernel_addr_r} ${paios_kernel}; then
	echo "paios-boot: loaded ${paios_kernel} from slot ${paios_slot}"
else
	echo "paios-boot: ERROR: cannot load ${paios_kernel} from slot ${paios_slot}: resetting"
	reset
fi
if load ${devtype} ${devnum}:${paios_part} ${ramdisk_addr_r} /boot/initrd.img; then
	setenv paios_initrd_size ${filesize}
else
	echo "paios-boot: ERROR: cannot load /boot/initrd.img from slot ${paios_slot}: resetting"
	reset
fi

if test -n "${paios_extra_args}"; then
	setenv bootargs "console=ttyAMA0 rauc.slot=${paios_slot} ${paios_extra_args}"
else
	setenv bootargs "console=ttyAMA0 rauc.slot=${paios_slot}"
fi
echo "paios-boot: bootargs ${bootargs}"
booti ${kernel_addr_r} ${ramdisk_addr_r}:${paios_initrd_size} ${fdtcontroladdr}
echo "paios-boot: ERROR: booti failed for slot ${paios_slot}: resetting"
reset
