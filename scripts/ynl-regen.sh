#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the netlink code of every YAML spec under Documentation/netlink/specs
# with the kernel's ynl-gen-c.py (unpacked into the cache by scripts/deps.sh).
# The spec is validated against the cache's genetlink-legacy schema first.
#
# Usage: scripts/ynl-regen.sh [--check]
#   (none)   rewrite the generated files in the tree
#   --check  generate into a temporary directory and diff against the tree;
#            exit 1 and show the diff if they differ
#
# Generated files (never edit them by hand):
#   include/uapi/linux/tcp_authopt_nl.h   uapi: commands, attributes, enums
#   net/tcp_authopt/netlink-gen.h         kernel: policies and ops table
#   net/tcp_authopt/netlink-gen.c

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KR_CACHE:-/var/cache/keyroll}
YNL="$CACHE/linux/tools/net/ynl"
SCHEMAS="$CACHE/linux/Documentation/netlink"
cd "$TOP"

[ -f "$YNL/ynl-gen-c.py" ] || { echo "ynl-regen: no $YNL (run make deps)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ynl-gen looks for the schema two directories above the spec and names
# the spec by its path below the nearest directory holding MAINTAINERS:
# lay out a minimal kernel tree so both hold and the output does not
# depend on $tmp.
root="$tmp/root"
mkdir -p "$root/Documentation/netlink/specs" "$tmp/out"
: > "$root/MAINTAINERS"
cp "$SCHEMAS/genetlink-legacy.yaml" "$root/Documentation/netlink/"

# gen SPEC MODE KIND OUTPUT
gen() {
	local spec=$1 mode=$2 kind=$3 out=$4

	cp "$spec" "$root/$spec"
	mkdir -p "$tmp/out/$(dirname "$out")"
	timeout 120 python3 "$YNL/ynl-gen-c.py" --spec "$root/$spec" \
		--mode "$mode" "--$kind" -o "$tmp/out/$out" > "$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; exit 1; }
}

spec=Documentation/netlink/specs/tcp_authopt.yaml
gen "$spec" uapi header include/uapi/linux/tcp_authopt_nl.h
gen "$spec" kernel header net/tcp_authopt/netlink-gen.h
gen "$spec" kernel source net/tcp_authopt/netlink-gen.c

# ynl-gen emits the multicast group table as a static array for the
# family struct it writes only for "genetlink" specs; a genetlink-legacy
# family is defined by hand (netlink.c), so export the table to it.
sed -i 's/^static const struct genl_multicast_group /const struct genl_multicast_group /' \
	"$tmp/out/net/tcp_authopt/netlink-gen.c"
awk '{ print }
/^\tTCP_AUTHOPT_NLGRP_MONITOR,$/ { grp = 1 }
grp && /^};$/ {
	print ""
	print "extern const struct genl_multicast_group tcp_authopt_nl_mcgrps[TCP_AUTHOPT_NLGRP_MONITOR + 1];"
	grp = 0
}' "$tmp/out/net/tcp_authopt/netlink-gen.h" > "$tmp/hdr"
mv "$tmp/hdr" "$tmp/out/net/tcp_authopt/netlink-gen.h"

if [ "${1:-}" = --check ]; then
	status=0
	while read -r f; do
		f=${f#"$tmp/out/"}
		if ! diff -u "$f" "$tmp/out/$f"; then
			status=1
		fi
	done < <(find "$tmp/out" -type f)
	exit $status
fi

(cd "$tmp/out" && find . -type f) | while read -r f; do
	install -m 0644 -D "$tmp/out/$f" "$TOP/${f#./}"
done
