#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict on every kernel C source and header, and a
# sparse build (C=2) of the modules for each given kernel. Prints one TAP
# line per check ("ok lint/..."; scripts/check.sh numbers them) and exits
# non-zero if anything warns. Exceptions: scripts/lint-exceptions.
#
# Usage: scripts/lint.sh KVER...

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KR_CACHE:-/var/cache/keyroll}
CHECKPATCH="$CACHE/linux/scripts/checkpatch.pl"
cd "$TOP" || exit 1

failed=0
result() {
	local status=$1 name=$2 log=$3
	echo "$status $name"
	[ -s "$log" ] && sed 's/^/#   /' "$log"
	[ "$status" = ok ] || failed=1
}

log=$(mktemp)
trap 'rm -f "$log" "$log.out"' EXIT

ignore=$(awk '!/^#/ && NF { printf "%s%s", sep, $1; sep = "," }' scripts/lint-exceptions)
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'net/*.[ch]' 'include/*.h' 2>/dev/null ||
		     find net include -name '*.[ch]')
perl "$CHECKPATCH" --strict --no-tree --quiet --show-types \
	${ignore:+--ignore "$ignore"} -f "${files[@]}" > "$log" 2>&1
if [ -s "$log" ]; then
	result "not ok" "lint/checkpatch" "$log"
else
	echo "${#files[@]} files clean" > "$log"
	result ok "lint/checkpatch" "$log"
fi

for kver in "$@"; do
	if ! "$TOP/scripts/build-modules.sh" "$kver" C=2 > "$log.out" 2>&1; then
		result "not ok" "lint/sparse $kver" "$log.out"
		continue
	fi
	grep -E "^$TOP/build/$kver/.*: (warning|error):" "$log.out" > "$log"
	if [ -s "$log" ]; then
		result "not ok" "lint/sparse $kver" "$log"
	else
		: > "$log"
		result ok "lint/sparse $kver" "$log"
	fi
done
exit $failed
