#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run keyroll's selftests inside one guest of one kernel and report TAP.
#
# Usage: scripts/run-tests.sh KVER [PATTERN...]
#   PATTERN selects tests whose <module>/<name> contains it (default: all).
#
# Tests are listed in tools/testing/selftests/net/<module>/tests, one per
# line: "<name> <timeout-seconds> <command>", the command run from that
# directory with bash. Results come back through the read-write share; the
# guest's console log is scanned for kernel errors, each blamed on the test
# that was running. Output lines are "ok <kver> <module>/<name>" or
# "not ok ..." (no TAP numbers: scripts/check.sh numbers them), test output
# as "# " comments, and a last comment line with the subtotal.

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
KVER=$1
shift
PATTERNS=("$@")
SELFTESTS="$TOP/tools/testing/selftests/net"
OUT="$TOP/build/vm/$KVER/results"
CONSOLE="$TOP/build/vm/$KVER/console.log"

rm -rf "$OUT"
mkdir -p "$OUT"

selected() {
	local p
	[ ${#PATTERNS[@]} -eq 0 ] && return 0
	for p in "${PATTERNS[@]}"; do
		[[ "$1" == *"$p"* ]] && return 0
	done
	return 1
}

# Build the list the guest runs: module, name, timeout, command.
total_timeout=120
: > "$OUT/list"
for list in "$SELFTESTS"/*/tests; do
	[ -f "$list" ] || continue
	mod=$(basename "$(dirname "$list")")
	while read -r name timeout cmd; do
		case "$name" in '' | '#'*) continue ;; esac
		selected "$mod/$name" || continue
		printf '%s\t%s\t%s\t%s\n' "$mod" "$name" "$timeout" "$cmd" >> "$OUT/list"
		total_timeout=$((total_timeout + timeout + 10))
	done < "$list"
done

if [ ! -s "$OUT/list" ]; then
	echo "# $KVER: no test selected"
	echo "# $KVER: 0 passed, 0 failed"
	exit 0
fi

# One guest boot runs every pending test. A test during which the guest
# died (panic, hang) gets no result; the remaining ones run in a new boot.
cp "$OUT/list" "$OUT/pending"
: > "$CONSOLE"
vm_rc=0
while [ -s "$OUT/pending" ]; do
	"$TOP/scripts/vm.sh" -n -k "$KVER" -t "$total_timeout" -l "$CONSOLE.boot" -- \
		bash "$TOP/scripts/vm-run-tests" "$OUT" "$OUT/pending" >> "$OUT/vm.log" 2>&1 ||
		vm_rc=$?
	cat "$CONSOLE.boot" >> "$CONSOLE"
	rm -f "$CONSOLE.boot"
	died=""
	: > "$OUT/next"
	while IFS=$'\t' read -r mod name timeout cmd; do
		[ -f "$OUT/$mod.$name.rc" ] && continue
		if [ -z "$died" ]; then
			died="$mod/$name"
			echo "died" > "$OUT/$mod.$name.rc"
			continue
		fi
		printf '%s\t%s\t%s\t%s\n' "$mod" "$name" "$timeout" "$cmd" >> "$OUT/next"
	done < "$OUT/pending"
	mv "$OUT/next" "$OUT/pending"
done

# Kernel errors in the console log, each line prefixed with the test that
# was running ("-" before the first test, "unload" after the last).
KERNEL_ERRORS='WARNING:|BUG: |BUG [^ ]+ \(|kernel BUG|Oops|general protection fault'
KERNEL_ERRORS="$KERNEL_ERRORS"'|refcount_t:|list_(add|del) corruption|Poison overwritten'
KERNEL_ERRORS="$KERNEL_ERRORS"'|Redzone overwritten|Object padding overwritten|Kernel panic'
KERNEL_ERRORS="$KERNEL_ERRORS"'|UBSAN:|KFENCE:|Slab cache still has objects|Unable to handle'
awk -v re="$KERNEL_ERRORS" '
	{ sub(/\r$/, "") }
	/Linux version / { t = "-" }
	/keyroll: test begin / { t = $NF; next }
	/keyroll: unload begin/ { t = "unload"; next }
	$0 ~ re { if (t == "") t = "-"; print t "\t" $0 }
' "$CONSOLE" > "$OUT/kernel-errors"

passed=0
failed=0
skipped=0
report() {
	local status=$1 name=$2 log=$3
	echo "$status $KVER $name"
	[ -s "$log" ] && sed 's/^/#   /' "$log"
	case "$status" in
	"not ok") failed=$((failed + 1)) ;;
	*SKIP*) skipped=$((skipped + 1)) ;;
	*) passed=$((passed + 1)) ;;
	esac
}

# host_check: checks a test left for the host (see lib.sh), run from the
# test's directory with {} replaced by the file it copied out.
host_checks() {
	local dir=$OUT/hostcheck/$1.$2 c rc=0

	[ -d "$dir" ] || return 0
	for c in "$dir"/*.cmd; do
		[ -f "$c" ] || continue
		echo "host check: $(cat "$c")"
		(cd "$SELFTESTS/$1" && eval "$(sed "s|@KR_DATA@|${c%.cmd}.data|g" "$c")") 2>&1 ||
			{ echo "host check failed"; rc=1; }
	done
	rm -rf "$dir"
	return $rc
}

while IFS=$'\t' read -r mod name timeout cmd; do
	log="$OUT/$mod.$name.log"
	rc=$(cat "$OUT/$mod.$name.rc" 2>/dev/null)
	# Exiting 0 is not a pass by itself: a test reports its results in
	# lines that start with "ok" (TAP, or the programs' "ok: ..."), so an
	# empty or truncated script cannot pass.
	if [ "$rc" = 0 ] && ! grep -q '^ok[ :]' "$log"; then
		echo "exited 0 without reporting a result (no line starting with ok)" >> "$log"
		rc=fail
	fi
	if [ "$rc" = 0 ] && ! host_checks "$mod" "$name" >> "$log"; then
		rc=fail
	fi
	errors=$(awk -F'\t' -v t="$mod/$name" '$1 == t { print $2 }' "$OUT/kernel-errors")
	if [ -n "$errors" ]; then
		echo "kernel error during $mod/$name:" >> "$log"
		echo "$errors" | head -n 20 >> "$log"
		rc=fail
	fi
	case "$rc" in
	0) report "ok" "$mod/$name" "$log" ;;
	4) report "ok" "$mod/$name # SKIP" "$log" ;;
	died) echo "no result: the guest died or hung during this test" >> "$log"
	    report "not ok" "$mod/$name" "$log" ;;
	124) echo "timed out after ${timeout}s" >> "$log"
	     report "not ok" "$mod/$name" "$log" ;;
	*) report "not ok" "$mod/$name" "$log" ;;
	esac
done < "$OUT/list"

# Errors outside any test: boot and module unload.
for phase in - unload; do
	errors=$(awk -F'\t' -v t="$phase" '$1 == t { print $2 }' "$OUT/kernel-errors")
	name=boot
	[ "$phase" = unload ] && name=unload
	log="$OUT/$name.log"
	: > "$log"
	if [ "$phase" = unload ]; then
		cat "$OUT/unload.out" >> "$log" 2>/dev/null
		[ -f "$OUT/unload.rc" ] || echo "no result: guest died before unloading" >> "$log"
	fi
	if [ -n "$errors" ]; then
		echo "kernel error:" >> "$log"
		echo "$errors" | head -n 20 >> "$log"
		report "not ok" "$name" "$log"
	elif [ "$phase" = unload ] && [ "$(cat "$OUT/unload.rc" 2>/dev/null)" != 0 ]; then
		report "not ok" "$name" "$log"
	elif [ "$phase" = unload ]; then
		report "ok" "$name" "$log"
	fi
done
[ $vm_rc -eq 0 ] || sed 's/^/# vm: /' "$OUT/vm.log"

echo "# $KVER: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
