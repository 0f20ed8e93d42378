#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installed with `make modules_install` (scripts/install-modules.sh),
# keyroll's tls.ko must be what the kernel and modprobe pick instead of the
# in-tree module: TCP_ULP's auto-load (request_module("tcp-ulp-tls")),
# `modprobe tls`, and the drivers that link against tls.ko's exports
# (bonding). Uninstalling must give the in-tree module back.
#
# The guest's root is the host's, read-only, so /lib/modules/<kver> gets a
# writable overlay (upper layer in the guest's own /tmp) for the duration.
# depmod over a whole module tree takes about 100 s in the emulated guest,
# so the install itself ran on the host when the modules were built: the
# build stages what install-modules.sh gives in build/stage (kernel/ a link
# to the system's), and install-check.sh checks there that its uninstall
# gives the system's tables back. Installing here is copying that result
# onto the overlay; uninstalling, putting the system's tables back.
# The first case, before the install, shows that auto-load picks the
# in-tree module here: what the later cases see is the install's doing.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tls_lib.sh"

MODLIB=/lib/modules/$KR_KVER
INSTALLED=$MODLIB/updates/keyroll/tls.ko
STAGE=$KR_TOP/build/stage/lib/modules/$KR_KVER
OV=$(mktemp -d /tmp/kr-install.XXXXXX)
mounts=()

# The system's tree stays readable at $OV/lower.
overlay_mount() {
	modprobe overlay || return 1
	mkdir -p "$OV/lower" "$OV/upper" "$OV/work" || return 1
	mount --bind "$MODLIB" "$OV/lower" || return 1
	mounts=("$OV/lower")
	mount -t overlay overlay \
		-o "lowerdir=$OV/lower,upperdir=$OV/upper,workdir=$OV/work" "$MODLIB" ||
		return 1
	mounts=("$MODLIB" "$OV/lower")
}

# $OV is removed only when nothing is mounted in it any more: through a
# bind mount left behind, rm would reach the system's tree.
overlay_umount() {
	local m busy=0

	for m in "${mounts[@]}"; do
		umount "$m" || { log "cannot unmount $m"; busy=1; }
	done
	[ $busy -eq 0 ] && rm -rf "$OV"
}

# Attach the ULP "tls" to an established loopback socket, as a TLS library
# does before it sets keys; the kernel loads whichever module the alias
# tcp-ulp-tls resolves to. Prints the ULP getsockopt reports.
ulp_attach() {
	python3 -c '
import socket
TCP_ULP = 31
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
c.setsockopt(socket.IPPROTO_TCP, TCP_ULP, b"tls")
print(c.getsockopt(socket.IPPROTO_TCP, TCP_ULP, 16).rstrip(b"\0").decode())
'
}

# ulp_autoload WANT: with no tls module loaded, attaching the ULP loads
# one; WANT is keyroll or intree.
ulp_autoload() {
	local ulp

	tls_unload || return 1
	ulp=$(ulp_attach) || { fail "setsockopt(TCP_ULP, \"tls\") failed"; return 1; }
	[ "$ulp" = tls ] || { fail "getsockopt(TCP_ULP) gave '$ulp'"; return 1; }
	module_loaded tls || { fail "the ULP works but no tls module is loaded"; return 1; }
	if tls_is_keyroll; then
		[ "$1" = keyroll ] || { fail "auto-load picked keyroll's tls.ko"; return 1; }
	else
		[ "$1" = intree ] || { fail "auto-load picked the in-tree tls.ko"; return 1; }
	fi
	log "TCP_ULP auto-load loaded the $1 module"
}

test_before_install() {
	local path

	path=$(modinfo -n tls)
	case "$path" in
	"$MODLIB"/kernel/*) ;;
	*) fail "before the install, modinfo -n tls gives $path"; return 1 ;;
	esac
	ulp_autoload intree
}

test_install() {
	local m path

	[ -f "$STAGE/updates/keyroll/tls.ko" ] ||
		{ fail "nothing staged in $STAGE: build the modules first (make)"; return 1; }
	{ cp -r "$STAGE/updates" "$MODLIB/" && cp "$STAGE"/modules.* "$MODLIB/"; } ||
		{ fail "cannot copy the staged install onto $MODLIB"; return 1; }
	for m in tls tcp_authopt; do
		path=$(modinfo -n "$m")
		[ "$path" = "$MODLIB/updates/keyroll/$m.ko" ] ||
			{ fail "modinfo -n $m gives $path"; return 1; }
		cmp -s "$path" "$KR_MODDIR/$m/$m.ko" ||
			{ fail "$path is not the module just built"; return 1; }
	done
	log "modinfo -n tls: $(modinfo -n tls)"
}

test_ulp_autoload() {
	ulp_autoload keyroll
}

test_modprobe() {
	tls_unload || return 1
	modprobe tls || { fail "modprobe tls"; return 1; }
	tls_is_keyroll || { fail "modprobe tls loaded the in-tree module"; return 1; }
}

# bonding links against tls.ko's exports (TLS device offload); with the
# in-tree module shadowed it must load against keyroll's, whose exported
# symbols carry the same CRCs.
test_driver_deps() {
	local deps mark

	deps=$(modprobe --show-depends bonding) || { fail "modprobe --show-depends bonding"; return 1; }
	echo "$deps" | grep -q "^insmod $INSTALLED" ||
		{ log "$deps"; fail "bonding does not depend on $INSTALLED"; return 1; }
	tls_is_keyroll || { fail "keyroll's tls.ko is not loaded"; return 1; }
	mark=$(kmsg_mark)
	modprobe bonding max_bonds=0 ||
		{ kmsg_since "$mark" | while read -r l; do log "$l"; done; fail "modprobe bonding"; return 1; }
	rmmod bonding || { fail "rmmod bonding"; return 1; }
	log "bonding loaded against keyroll's tls.ko"
}

test_uninstall() {
	local path

	{ rm -r "$MODLIB/updates/keyroll" && cp "$OV/lower"/modules.* "$MODLIB/"; } ||
		{ fail "cannot put the system's tables back"; return 1; }
	path=$(modinfo -n tls)
	case "$path" in
	"$MODLIB"/kernel/*) ;;
	*) fail "after uninstalling, modinfo -n tls gives $path"; return 1 ;;
	esac
	tls_unload || return 1
	modprobe tls || { fail "modprobe tls"; return 1; }
	! tls_is_keyroll || { fail "modprobe tls still loads keyroll's module"; return 1; }
}

CASES="in_tree_before_install:test_before_install install:test_install
ulp_autoload_picks_keyroll:test_ulp_autoload modprobe_picks_keyroll:test_modprobe
bonding_links_against_keyroll:test_driver_deps uninstall_gives_in_tree_back:test_uninstall"

tap_plan 6
if overlay_mount; then
	for c in $CASES; do
		run_test "${c%%:*}" "${c#*:}"
	done
else
	log "cannot mount an overlay on $MODLIB"
	for c in $CASES; do
		tap_fail "${c%%:*}"
	done
fi
tls_unload
overlay_umount
tls_restore
tap_finish
