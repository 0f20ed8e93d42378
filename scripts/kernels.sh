#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the target kernels installed on this machine, one per line: every
# Debian 6.1.0-*-amd64 and 6.12.*+deb12-amd64 kernel that has both a bootable
# image in /boot and headers under /lib/modules/<version>/build.
# Versions are discovered, never hard-coded.

for dir in /lib/modules/*/; do
	kver=$(basename "$dir")
	case "$kver" in
	6.1.0-*-amd64 | 6.12.*+deb12-amd64) ;;
	*) continue ;;
	esac
	[ -e "$dir/build/Makefile" ] || continue
	[ -r "/boot/vmlinuz-$kver" ] || continue
	echo "$kver"
done | sort -V
