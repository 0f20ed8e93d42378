#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build for every target kernel, lint, dkms build, then run all
# selftests in a guest of each kernel. Prints TAP (one line per build, lint
# check and test, test output as comments), a subtotal per kernel and, last,
# "N passed, N failed, N skipped". Exits non-zero on any failure.
#
# Usage: scripts/check.sh KVER... (default: every target kernel)
# Environment: KR_TESTS="pattern ..." runs only the matching tests.

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
[ $# -gt 0 ] || set -- $(scripts/kernels.sh)
if [ $# -eq 0 ]; then
	echo "check: no target kernel installed (run make deps)" >&2
	exit 1
fi
read -r -a tests <<< "${KR_TESTS:-}"

step_log=$(mktemp)
trap 'rm -f "$step_log"' EXIT

# Each step prints "ok NAME", "not ok NAME", "ok NAME # SKIP ..." and "#"
# comments; this numbers the results and keeps the counts.
number() {
	awk -v n=$((passed + failed + skipped)) '
	/^(not )?ok / {
		n++
		if ($0 ~ /^not ok /) { f++; sub(/^not ok /, "not ok " n " - ") }
		else { if ($0 ~ /# SKIP/) s++; else p++; sub(/^ok /, "ok " n " - ") }
		print; fflush(); next
	}
	{ print; fflush() }
	END { printf "%d %d %d\n", p, f, s > "/dev/stderr" }
	' 2> "$step_log"
}

passed=0
failed=0
skipped=0
tally() {
	local p f s
	read -r p f s < "$step_log"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

echo "TAP version 13"

{
	for kver in "$@"; do
		if scripts/build-modules.sh "$kver" > "$step_log.b" 2>&1; then
			echo "ok build/$kver"
		else
			echo "not ok build/$kver"
			sed 's/^/#   /' "$step_log.b"
		fi
	done
	if make -s tools selftests > "$step_log.b" 2>&1; then
		echo "ok build/selftests"
	else
		echo "not ok build/selftests"
		sed 's/^/#   /' "$step_log.b"
	fi
	if scripts/ynl-regen.sh --check > "$step_log.b" 2>&1; then
		echo "ok ynl-regen"
	else
		echo "not ok ynl-regen"
		sed 's/^/#   /' "$step_log.b"
	fi
	rm -f "$step_log.b"
	scripts/lint.sh "$@"
	scripts/dkms-check.sh "$@"
	scripts/install-check.sh "$@"
} | number
tally

# The guests of the kernels run one after another; KR_PARALLEL=1 runs
# them side by side, each in its own queue (KR_GUEST_LOCK), which is
# quicker on an idle machine but makes every guest slower, and timing
# inside the tests looser. Results print in kernel order.
outdir=$(mktemp -d)
trap 'rm -f "$step_log"; rm -rf "$outdir"' EXIT
i=0
for kver in "$@"; do
	if [ "${KR_PARALLEL:-0}" != 1 ]; then
		scripts/run-tests.sh "$kver" "${tests[@]}" > "$outdir/$i" 2>&1
	else
		KR_GUEST_LOCK=/tmp/keyroll-guest.lock.$i \
			scripts/run-tests.sh "$kver" "${tests[@]}" > "$outdir/$i" 2>&1 &
	fi
	i=$((i + 1))
done
wait
i=0
for kver in "$@"; do
	k0=$passed
	k1=$failed
	k2=$skipped
	grep -v '^# [^ ]*: [0-9]* passed' "$outdir/$i" | number
	tally
	echo "# $kver: $((passed - k0)) passed, $((failed - k1)) failed, $((skipped - k2)) skipped"
	i=$((i + 1))
done

echo "1..$((passed + failed + skipped))"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
