#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make modules_install / make modules_uninstall: put keyroll's modules built
# for each kernel into /lib/modules/<kver>/updates/keyroll and run depmod, so
# that modprobe, the module aliases (tcp-ulp-tls for TCP_ULP's auto-load)
# and the dependencies of drivers that link against tls.ko resolve to them
# instead of the kernel's own modules (depmod searches updates/ first).
# Uninstalling removes that directory and runs depmod again.
#
# Kbuild's own modules_install is not used: with Debian's headers it skips
# depmod (they ship no System.map), which leaves modprobe on the in-tree
# module, and it tries to sign with a key the headers do not have.
#
# Usage: scripts/install-modules.sh [-u] [-r ROOT | -s ROOT | -v ROOT] KVER...
#   -u       uninstall
#   -r ROOT  install under ROOT/lib/modules (depmod -b ROOT)
#   -s ROOT  stage: first make ROOT/lib/modules/<kver> a fresh view of the
#            system's (kernel/ linked, depmod's other inputs copied), then
#            install there: what an install would give, without touching
#            the system (the build stages into build/stage)
#   -v ROOT  only make that view (for dkms-check's dkms install)

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
MODULES="tcp_authopt tls"
uninstall=0
root=""
stage=0
view_only=0

usage() {
	sed -n '15,22p' "$0" >&2
	exit 2
}

while getopts "ur:s:v:" opt; do
	case $opt in
	u) uninstall=1 ;;
	r) root=$OPTARG ;;
	s) root=$OPTARG; stage=1 ;;
	v) root=$OPTARG; stage=1; view_only=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
# A view replaces ROOT/lib/modules/<kver>: never the system's own.
if [ $stage -eq 1 ] && { [ -z "$root" ] || [ "$(realpath -m "$root")" = / ]; }; then
	echo "install: -s/-v need a directory other than /" >&2
	exit 2
fi

for kver in "$@"; do
	moddir="$root/lib/modules/$kver"
	dest="$moddir/updates/keyroll"
	if [ $stage -eq 1 ]; then
		rm -rf "$moddir"
		mkdir -p "$moddir"
		ln -s "/lib/modules/$kver/kernel" "$moddir/kernel"
		for f in modules.order modules.builtin modules.builtin.modinfo; do
			if [ -f "/lib/modules/$kver/$f" ]; then
				cp "/lib/modules/$kver/$f" "$moddir/"
			fi
		done
		[ $view_only -eq 0 ] || continue
	fi
	if [ ! -d "$moddir/kernel" ]; then
		echo "install: $moddir has no kernel modules; is $kver installed?" >&2
		exit 1
	fi
	if [ $uninstall -eq 1 ]; then
		rm -rf "$dest"
		echo "  UNINSTALL $dest"
	else
		# Check everything first, so that a failure installs nothing.
		for m in $MODULES; do
			ko="$TOP/build/$kver/net/$m/$m.ko"
			[ -f "$ko" ] || { echo "install: no $ko; run make KVER=$kver first" >&2; exit 1; }
			magic=$(modinfo -F vermagic "$ko")
			case "$magic" in
			"$kver "*) ;;
			*) echo "install: $ko was built for '${magic%% *}', not $kver" >&2; exit 1 ;;
			esac
		done
		mkdir -p "$dest"
		for m in $MODULES; do
			install -m 0644 "$TOP/build/$kver/net/$m/$m.ko" "$dest/$m.ko"
			echo "  INSTALL $dest/$m.ko"
		done
	fi
	echo "  DEPMOD  $kver"
	depmod -a ${root:+-b "$root"} "$kver"
done
