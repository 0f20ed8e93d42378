#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: for each target kernel, one guest boot that runs every
# module's benchmark (tools/testing/selftests/net/<module>/bench.sh) side
# by side with its in-tree or plain-TCP reference. Figures are ratios
# measured in the same boot; the summary is kept in build/bench/<kver>.txt.
#
# Usage: scripts/bench.sh [KVER...]

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- $("$TOP/scripts/kernels.sh")
mkdir -p "$TOP/build/bench"

status=0
for kver in "$@"; do
	out="$TOP/build/bench/$kver.txt"
	echo "=== make bench on Linux $kver ==="
	# shellcheck disable=SC2016 # expanded in the guest
	"$TOP/scripts/vm.sh" -k "$kver" -t 1800 -- bash -c '
		for b in '"$TOP"'/tools/testing/selftests/net/*/bench.sh; do
			mod=$(basename "$(dirname "$b")")
			(cd "$(dirname "$b")" &&
			 KR_BIN='"$TOP"'/build/selftests/net/$mod ./bench.sh) || exit 1
		done' | tee "$out.tmp" || status=1
	grep '^bench:' "$out.tmp" > "$out"
	rm -f "$out.tmp"
done
exit $status
