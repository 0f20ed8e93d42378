#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel under QEMU (TCG) with the host root shared read-only
# over 9p and the repository shared read-write, then run a job script inside.
#
# Usage: scripts/vm.sh [options] -- command [args...]
#   -k KVER      kernel version to boot (default: first target kernel)
#   -t SECONDS   kill the guest after this long (default 600)
#   -l FILE      console log file (default build/vm/<kver>/console.log)
#   -n           do not insert the suite's modules before the command
#   -m MODULE    insert only this suite module (repeatable), e.g. -m tcp_authopt
#
# The command runs as root in the guest with the repository at the same path
# as on the host and the suite's freshly built modules inserted (unless -n).
# Its exit status becomes this script's exit status; 124 means the guest
# was killed on timeout, 125 means the guest died before reporting a status.

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
KVER=""
TIMEOUT=600
CONSOLE=""
LOAD=1
MODULES=""

while getopts "k:t:l:nm:" opt; do
	case $opt in
	k) KVER=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	l) CONSOLE=$OPTARG ;;
	n) LOAD=0 ;;
	m) MODULES="$MODULES $OPTARG" ;;
	*) sed -n '4,17p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n '4,17p' "$0"; exit 2; }
[ -n "$KVER" ] || KVER=$("$TOP/scripts/kernels.sh" | head -n 1)
[ -r "/boot/vmlinuz-$KVER" ] || { echo "vm: no /boot/vmlinuz-$KVER" >&2; exit 2; }

VMDIR="$TOP/build/vm/$KVER"
mkdir -p "$VMDIR"
[ -n "$CONSOLE" ] || CONSOLE="$VMDIR/console.log"
INITRD="$VMDIR/initramfs.cpio.gz"

# The initramfs only needs busybox and what mounts the host root.
build_initramfs() {
	local root m line ko
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/mod" "$root/proc" "$root/sys" "$root/dev" "$root/newroot"
	cp /bin/busybox "$root/bin/busybox"
	: > "$root/mod/order"
	for m in virtio_pci 9pnet_virtio 9p; do
		modprobe --show-depends -S "$KVER" "$m" | while read -r line; do
			case "$line" in
			insmod*) ;;
			*) continue ;;
			esac
			ko=$(echo "$line" | awk '{print $2}')
			name=$(basename "$ko" | sed 's/\.ko.*//')
			grep -qx "$name" "$root/mod/order" && continue
			case "$ko" in
			*.xz) xz -dc "$ko" > "$root/mod/$name.ko" ;;
			*.zst) zstd -qdc "$ko" > "$root/mod/$name.ko" ;;
			*.gz) gzip -dc "$ko" > "$root/mod/$name.ko" ;;
			*) cp "$ko" "$root/mod/$name.ko" ;;
			esac
			echo "$name" >> "$root/mod/order"
		done
	done
	cp "$TOP/scripts/vm-initramfs-init" "$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$root"
}

if [ ! -s "$INITRD" ] || [ "$TOP/scripts/vm-initramfs-init" -nt "$INITRD" ] ||
   [ "$0" -nt "$INITRD" ]; then
	build_initramfs
fi

# The job: a small script on the read-write share that the guest runs.
RUN=$(mktemp -d "$VMDIR/run.XXXXXX")
{
	echo "KR_TOP='$TOP'"
	echo "KR_KVER='$KVER'"
	echo "KR_LOAD=$LOAD"
	echo "KR_MODULES='$MODULES'"
	printf 'KR_CMD=('
	printf '%q ' "$@"
	printf ')\n'
} > "$RUN/job"

APPEND="console=ttyS0,115200 panic=-1 oops=panic panic_on_warn=1"
APPEND="$APPEND slub_debug=FZPU softlockup_panic=1 random.trust_cpu=on"
APPEND="$APPEND kr.top=$TOP kr.run=$RUN"

# The machine has two cores and each guest uses both: guests from several
# checkouts (worktrees, CI clones) take turns instead of starving each other.
# KR_GUEST_LOCK names another queue (a second lane, for a developer's own
# runs while others queue).
exec 9> "${KR_GUEST_LOCK:-/tmp/keyroll-guest.lock}"
flock 9

boot() {
	rc=0
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
		-machine q35 -cpu max -smp 2 -m 2048 \
		-nographic -no-reboot -nic none \
		-kernel "/boot/vmlinuz-$KVER" -initrd "$INITRD" -append "$APPEND" \
		-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$TOP,mount_tag=kr,security_model=none,multidevs=remap" \
		< /dev/null > "$CONSOLE" 2>&1 || rc=$?
}

boot
# Under emulation the kernel's own boot very rarely oopses (seen once on
# 6.12: an int3 while it patched its code, before any module was
# inserted). A guest that died before its job started is booted once more;
# the first console is kept beside the second.
if [ $rc -ne 124 ] && [ $rc -ne 137 ] && [ ! -f "$RUN/started" ]; then
	mv "$CONSOLE" "$CONSOLE.failed-boot"
	echo "vm: the guest died while booting (see $CONSOLE.failed-boot); booting again" >&2
	boot
fi

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "vm: guest killed after ${TIMEOUT}s" >&2
	status=124
elif [ -f "$RUN/status" ]; then
	status=$(cat "$RUN/status")
else
	echo "vm: guest died before reporting a status (see $CONSOLE)" >&2
	status=125
fi
[ -f "$RUN/output" ] && cat "$RUN/output"
rm -rf "$RUN"
exit "$status"
