#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, idempotently, everything a fresh Debian 12 machine needs to build
# and test keyroll, and unpack the kernel-source tools we use (kselftest
# harness, checkpatch, ynl) into a cache outside the repository.
#
# Usage: scripts/deps.sh [--check]
#   --check  only report whether anything is missing (exit 1 if so)

set -eu

CACHE=${KR_CACHE:-/var/cache/keyroll}

PACKAGES="
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-source-6.12
build-essential gcc make bc flex bison libelf-dev pkg-config
qemu-system-x86 busybox-static kmod cpio xz-utils zstd
iproute2 libmnl-dev python3 python3-scapy python3-yaml python3-jsonschema
tcpdump sparse dkms perl procps coreutils
libssl-dev linux-libc-dev bird2
"

missing_packages() {
	local p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# Members of the 6.12 source tarball that we use as tools (never committed).
SRC_MEMBERS="
tools/testing/selftests/kselftest.h
tools/testing/selftests/kselftest_harness.h
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch
tools/net/ynl
Documentation/netlink
"

cache_ok() {
	[ -f "$CACHE/linux/.complete" ]
}

fill_cache() {
	local tarball tmp m members=""

	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || { echo "deps: no linux-source-6.12 tarball" >&2; exit 1; }
	for m in $SRC_MEMBERS; do
		members="$members linux-source-6.12/$m"
	done
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	echo "deps: unpacking kernel-source tools into $CACHE/linux"
	# shellcheck disable=SC2086
	tar -C "$tmp" -xf "$tarball" $members
	rm -rf "$CACHE/linux"
	mv "$tmp/linux-source-6.12" "$CACHE/linux"
	rmdir "$tmp"
	touch "$CACHE/linux/.complete"
}

missing=$(missing_packages)
if [ "${1:-}" = "--check" ]; then
	[ -z "$missing" ] && cache_ok
	exit
fi

if [ -n "$missing" ]; then
	echo "deps: installing:" $missing
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
cache_ok || fill_cache
