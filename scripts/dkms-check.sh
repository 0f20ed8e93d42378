#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that `dkms build` of this tree succeeds against each kernel's
# headers, in a private DKMS tree so the system's DKMS state is untouched.
# Prints one TAP line per kernel ("ok dkms/<kver>").
#
# Usage: scripts/dkms-check.sh KVER...

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TOP/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src="$tmp/src/$name-$version"
mkdir -p "$src" "$tmp/dkms"
(cd "$TOP" && cp -r dkms.conf Kbuild net include "$src/")
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete

dkms_opts=(-m "$name" -v "$version" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms")
failed=0
if ! dkms add "${dkms_opts[@]}" > "$tmp/log" 2>&1; then
	echo "not ok dkms/add"
	sed 's/^/#   /' "$tmp/log"
	exit 1
fi
for kver in "$@"; do
	if dkms build "${dkms_opts[@]}" -k "$kver" > "$tmp/log" 2>&1 &&
	   ls "$tmp/dkms/$name/$version/$kver"/*/module/*.ko* > /dev/null 2>&1; then
		echo "ok dkms/$kver"
	else
		echo "not ok dkms/$kver"
		sed 's/^/#   /' "$tmp/log"
		cat "$tmp/dkms/$name/$version/build/make.log" 2>/dev/null | sed 's/^/#   /'
		failed=1
	fi
done
exit $failed
