#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a guest of each target kernel with keyroll's modules and
# show, in plain words, what they do there.
#
# Usage: scripts/demo.sh [KVER...]

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- $("$TOP/scripts/kernels.sh")

status=0
for kver in "$@"; do
	echo "=== Booting Debian's Linux $kver in a QEMU guest ==="
	"$TOP/scripts/vm.sh" -n -k "$kver" -t 300 -- bash "$TOP/scripts/demo-guest.sh" ||
		status=1
	echo
done
exit $status
