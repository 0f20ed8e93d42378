#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that `dkms build` of this tree succeeds against each kernel's
# headers, and that `dkms install` puts the modules where modprobe takes them
# before the kernel's own, in a private DKMS tree and a private view of the
# kernel's module tree, so the system's state is untouched. Prints two TAP
# lines per kernel ("ok dkms/<kver>", "ok dkms-install/<kver>").
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
# install_check KVER: `dkms install` into a view of the kernel's module tree
# (--no-depmod: DKMS would run depmod on the system's tree, not the view),
# then depmod there; prints what is wrong. Its tables must resolve tls, its
# ULP alias and bonding's dependency to updates/dkms.
install_check() {
	if ! "$TOP/scripts/install-modules.sh" -v "$tmp/root" "$1" > "$tmp/log" 2>&1 ||
	   ! dkms install "${dkms_opts[@]}" -k "$1" --no-depmod \
		--installtree "$tmp/root/lib/modules" >> "$tmp/log" 2>&1 ||
	   ! depmod -a -b "$tmp/root" "$1" >> "$tmp/log" 2>&1; then
		cat "$tmp/log"
		echo "dkms install failed"
		return
	fi
	"$TOP/scripts/install-check.sh" --tables "$tmp/root" "$1" dkms
}

for kver in "$@"; do
	if dkms build "${dkms_opts[@]}" -k "$kver" > "$tmp/log" 2>&1 &&
	   ls "$tmp/dkms/$name/$version/$kver"/*/module/*.ko* > /dev/null 2>&1; then
		echo "ok dkms/$kver"
	else
		echo "not ok dkms/$kver"
		sed 's/^/#   /' "$tmp/log"
		cat "$tmp/dkms/$name/$version/build/make.log" 2>/dev/null | sed 's/^/#   /'
		failed=1
		continue
	fi
	errs=$(install_check "$kver")
	if [ -z "$errs" ]; then
		echo "ok dkms-install/$kver"
	else
		echo "not ok dkms-install/$kver"
		echo "$errs" | sed 's/^/#   /'
		failed=1
	fi
done
exit $failed
