#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check `make modules_install` and `make modules_uninstall` against each
# kernel's module tree, in a private view of it (install-modules.sh -s):
# after the install, depmod's tables resolve tls (and the alias
# tcp-ulp-tls) and tcp_authopt to updates/keyroll, and bonding, which links
# against tls.ko's exports, depends on keyroll's tls.ko; after the
# uninstall, the tables are the system's own again. That modprobe and the
# kernel then really load these modules is the guest's test (tls/install).
# Prints one TAP line per kernel ("ok install/<kver>").
#
# Usage: scripts/install-check.sh KVER...
#        scripts/install-check.sh --tables ROOT KVER DIR   (see tables())

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tables ROOT KVER DIR: depmod's tables under ROOT resolve keyroll's
# modules to updates/DIR; prints what is wrong, one line each. dkms-check.sh
# calls it for DKMS's install (install-check.sh --tables ...).
tables() {
	local mods="$1/lib/modules/$2" dir=updates/$3

	grep -q "^$dir/tls.ko[^:]*:" "$mods/modules.dep" ||
		echo "modules.dep has no $dir/tls.ko"
	grep -q "^$dir/tcp_authopt.ko[^:]*:" "$mods/modules.dep" ||
		echo "modules.dep has no $dir/tcp_authopt.ko"
	grep -q '^kernel/net/tls/' "$mods/modules.dep" &&
		echo "modules.dep still lists the in-tree tls.ko"
	grep -q '^alias tcp-ulp-tls tls$' "$mods/modules.alias" ||
		echo "modules.alias does not map tcp-ulp-tls to tls"
	grep -q "^kernel/drivers/net/bonding/bonding.ko[^:]*: .*$dir/tls.ko" \
		"$mods/modules.dep" ||
		echo "bonding does not depend on $dir/tls.ko"
}

if [ "${1:-}" = --tables ]; then
	shift
	tables "$@"
	exit 0
fi

# check KVER: prints what is wrong, one line each.
check() {
	local kver=$1 mods="$tmp/lib/modules/$1" f

	"$TOP/scripts/install-modules.sh" -s "$tmp" "$kver" > "$tmp/log" 2>&1 ||
		{ cat "$tmp/log"; return; }
	tables "$tmp" "$kver" keyroll

	"$TOP/scripts/install-modules.sh" -u -r "$tmp" "$kver" > "$tmp/log" 2>&1 ||
		{ cat "$tmp/log"; return; }
	[ ! -e "$mods/updates/keyroll" ] || echo "uninstall left updates/keyroll"
	for f in modules.dep modules.alias modules.symbols; do
		cmp -s <(sort "$mods/$f") <(sort "/lib/modules/$kver/$f") ||
			echo "after the uninstall, $f differs from the system's"
	done
}

failed=0
for kver in "$@"; do
	errs=$(check "$kver")
	if [ -z "$errs" ]; then
		echo "ok install/$kver"
	else
		echo "not ok install/$kver"
		echo "$errs" | sed 's/^/#   /'
		failed=1
	fi
done
exit $failed
