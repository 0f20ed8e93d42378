# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for keyroll's shell selftests: TAP output, kselftest exit
# codes, uniquely named network namespaces cleaned up from a trap (and
# checked to be gone), counters, and module (re)loading.
#
# A test sources this file, defines test functions, calls run_test for each
# and ends with tap_finish:
#
#	. "$(dirname "$0")/../lib.sh"
#	test_foo() { ...; }
#	tap_plan 1
#	run_test foo test_foo
#	tap_finish

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KR_TOP=${KR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)}
KR_KVER=${KR_KVER:-$(uname -r)}
KR_MODDIR=${KR_MODDIR:-$KR_TOP/build/$KR_KVER/net}

_tap_n=0
_tap_pass=0
_tap_fail=0
_tap_skip=0
_ns_list=()

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_pass=$((_tap_pass + 1))
	echo "ok $_tap_n $1"
}

tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_fail=$((_tap_fail + 1))
	echo "not ok $_tap_n $1"
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skip=$((_tap_skip + 1))
	echo "ok $_tap_n $1 # SKIP $2"
}

# Print a diagnostic; tests explain every failure with one of these.
log() {
	echo "# $*"
}

# fail MSG: report why the current test fails and return 1.
fail() {
	log "FAIL: $*"
	return 1
}

# host_check FILE CMD [ARGS...]: check FILE with CMD, where an argument {}
# stands for FILE. Under scripts/run-tests.sh the check runs on the host
# once the guest is done (the guest is emulated and slow at number
# crunching such as verifying every MAC of a capture): FILE is copied out
# and a failing check fails the test. Run by hand, the check runs here.
host_check() {
	local file=$1 n arg args=()
	shift
	if [ -z "${KR_HOSTCHECK_DIR:-}" ]; then
		for arg in "$@"; do args+=("${arg//\{\}/$file}"); done
		"${args[@]}"
		return
	fi
	mkdir -p "$KR_HOSTCHECK_DIR" || return 1
	n=$(find "$KR_HOSTCHECK_DIR" -name '*.cmd' | wc -l)
	cp "$file" "$KR_HOSTCHECK_DIR/$n.data" || return 1
	for arg in "$@"; do args+=("${arg//\{\}/@KR_DATA@}"); done
	printf '%q ' "${args[@]}" > "$KR_HOSTCHECK_DIR/$n.cmd"
	log "on the host after the guest: $*"
}

# run_test NAME FUNCTION [ARGS...]: run one named test case; its status
# is the function's (0 pass, $KSFT_SKIP skip, anything else fail).
run_test() {
	local name=$1 rc start=$SECONDS
	shift
	"$@"
	rc=$?
	log "$name took $((SECONDS - start)) s"
	case $rc in
	0) tap_ok "$name" ;;
	"$KSFT_SKIP") tap_skip "$name" "see above" ;;
	*) tap_fail "$name" ;;
	esac
}

tap_finish() {
	cleanup_all
	echo "# $_tap_pass passed, $_tap_fail failed, $_tap_skip skipped"
	[ $_tap_fail -eq 0 ] || exit $KSFT_FAIL
	[ $_tap_pass -eq 0 ] && [ $_tap_skip -gt 0 ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# ns_create VAR: create a namespace with a unique name, store it in VAR,
# bring its loopback up. Deleted by cleanup_all.
ns_create() {
	local name
	name="kr-$$-${#_ns_list[@]}-$RANDOM"
	ip netns add "$name" || return 1
	_ns_list+=("$name")
	ip -n "$name" link set lo up
	printf -v "$1" '%s' "$name"
}

cleanup_all() {
	local ns left
	for ns in "${_ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for ns in "${_ns_list[@]}"; do
		if ip netns list | grep -qw "$ns"; then
			left="$left $ns"
		fi
	done
	_ns_list=()
	if [ -n "$left" ]; then
		tap_fail "cleanup: namespaces left behind:$left"
	fi
}
trap cleanup_all EXIT

# wait_for FILE TEXT: wait up to 15 s for TEXT in FILE (a server's
# "listening" line); 1 if it did not come.
wait_for() {
	local _

	for _ in $(seq 300); do
		[[ $(< "$1") == *"$2"* ]] && return 0
		sleep 0.05
	done
	return 1
}

# counter MODULE NAME [NS]: value of a counter in /proc/net/<module>_stat.
counter() {
	local file=/proc/net/$1_stat
	if [ -n "${3:-}" ]; then
		ip netns exec "$3" awk -v n="$2" '$1 == n { print $2 }' "$file"
	else
		awk -v n="$2" '$1 == n { print $2 }' "$file"
	fi
}

# snmp NS FILE SECTION NAME: a counter of /proc/net/FILE (netstat or snmp)
# in namespace NS, from the SECTION's pair of lines (TcpExt, Icmp, ...).
snmp() {
	ip netns exec "$1" awk -v s="$3:" -v n="$4" '$1 == s {
		if (!h) { for (i = 2; i <= NF; i++) col[$i] = i; h = 1 }
		else print $col[n] }' "/proc/net/$2"
}

# tcpext NS NAME: a TcpExt counter of /proc/net/netstat in namespace NS.
tcpext() {
	snmp "$1" netstat TcpExt "$2"
}

module_loaded() {
	grep -q "^$1 " /proc/modules
}

# module_reload MODULE [PARAMS...]: insert the freshly built module again.
module_reload() {
	local mod=$1
	shift
	if module_loaded "$mod"; then
		rmmod "$mod" || return 1
	fi
	insmod "$KR_MODDIR/$mod/$mod.ko" "$@"
}

# kmsg_mark: print a unique marker into the kernel log and echo it; pass
# it to kmsg_since to read only what the kernel logged afterwards.
kmsg_mark() {
	local m="keyroll-mark-$$-$RANDOM"
	echo "$m" > /dev/kmsg
	echo "$m"
}

kmsg_since() {
	dmesg | sed -n "/$1/,\$p" | tail -n +2
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# Benchmark helpers (make bench). median: the median of the numbers on
# stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# paired A B: the ratio A/B of each round that has both, from two files
# of "ROUND VALUE" lines; prints "median min max rounds" of those ratios.
# (No process substitution: the guest has no /dev/fd.)
paired() {
	local t

	if [ ! -s "$1" ] || [ ! -s "$2" ]; then
		echo "0 0 0 0"
		return
	fi
	t=$(mktemp -d) || return
	sort -k1,1 "$1" > "$t/a"
	sort -k1,1 "$2" > "$t/b"
	join "$t/a" "$t/b" | awk '$3 > 0 { print $2 / $3 }' | sort -g |
		awk '{ v[NR] = $1 }
		END {
			if (!NR) { print "0 0 0 0"; exit }
			printf "%.2f %.2f %.2f %d\n", v[int((NR + 1) / 2)], v[1], v[NR], NR
		}'
	rm -rf "$t"
}

# verdict RATIO TARGET: "met" or "missed".
verdict() {
	awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "missed") }'
}
