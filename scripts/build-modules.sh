#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build keyroll's kernel modules for one kernel into build/<kver>.
# Kbuild writes objects next to the sources, so the output directory is a
# mirror of the source tree made of symlinks: one tree per kernel, no
# objects in the sources.
#
# Usage: scripts/build-modules.sh KVER [extra kbuild arguments...]

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
KVER=$1
shift
OUT="$TOP/build/$KVER"
KDIR="/lib/modules/$KVER/build"

[ -e "$KDIR/Makefile" ] || { echo "build: no headers for $KVER in $KDIR" >&2; exit 1; }

mkdir -p "$OUT"
# Drop links whose source went away, then (re)link every source file.
find "$OUT" -xtype l -delete
for src in Kbuild net include; do
	[ -e "$TOP/$src" ] && cp -rsf "$TOP/$src" "$OUT/"
done

echo "  MODULES $KVER"
make -s -C "$KDIR" M="$OUT" "$@" modules

# What `make modules_install` would put in /lib/modules/$KVER, for the
# install test in the guest (tools/testing/selftests/net/tls/install.sh).
# Not for the extra builds with arguments (lint's sparse pass).
[ $# -eq 0 ] || exit 0
echo "  STAGE   $KVER"
"$TOP/scripts/install-modules.sh" -s "$TOP/build/stage" "$KVER" > /dev/null
