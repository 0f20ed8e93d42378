#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tcp_authopt generic netlink family through the tcp-authopt CLI:
# add/get/dump/del, JSON output, an extack message naming the attribute and
# a precise errno for each rejected request (and nothing changed), RFC 8177
# lifetimes reported by "monitor" as they begin and end, /proc/net/tcp_authopt
# without key bytes, and per-namespace isolation.
#
# Cases can be run one by one: netlink.sh [CASE...]. Each runs in fresh
# namespaces:
#
#	ns1 (keys under test)      ns2 (must not see them)

. "$(dirname "$0")/../lib.sh"

TOOL=${KR_TOOL:-$KR_TOP/build/tools/tcp-authopt}
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"; cleanup_all' EXIT

KEYTEXT='Sup3r-S3cret-Key!'
KEYHEX=$(printf '%s' "$KEYTEXT" | od -An -tx1 | tr -d ' \n')
printf '%s' "$KEYTEXT" > "$TMP/key"

# nsenter is much cheaper than "ip netns exec" in an emulated guest, and
# /proc/net follows the network namespace.
inns() {
	nsenter --net="/run/netns/$NS" "$@"
}

ta() {
	inns "$TOOL" "$@"
}

# json_get EXPR: evaluate a Python expression on "k" (the parsed JSON of
# `key show -j`, a list) in $NS.
json_get() {
	ta -j key show | "$PY" -c "import json, sys; k = json.load(sys.stdin); print($1)"
}

proc_keys() {
	inns tail -n +2 /proc/net/tcp_authopt
}

no_key_bytes() {
	local where=$1 text=$2

	case $text in
	*"$KEYTEXT"* | *"$KEYHEX"*) fail "key bytes in $where" ;;
	esac
}

test_add_get_del() {
	local out

	ns_create NS || return 1
	ta key add peer 10.0.0.2 send-id 1 recv-id 2 alg 'hmac(sha1)' \
		key-file "$TMP/key" || fail "key add failed" || return
	out=$(ta key show)
	log "$out"
	expect_eq "show" "peer 10.0.0.2/32 send-id 1 recv-id 2 alg hmac(sha1) maclen 12 send-lifetime 0 infinite accept-lifetime 0 infinite state send-valid accept-valid" "$out" || return
	no_key_bytes "key show" "$out" || return
	out=$(proc_keys)
	log "$out"
	expect_eq "/proc" "1 2 hmac(sha1) 12 10.0.0.2/32 0 0 0 - 0-inf 0-inf send-valid,accept-valid" "$out" || return
	no_key_bytes "/proc/net/tcp_authopt" "$(inns cat /proc/net/tcp_authopt)" || return
	# Key bytes from stdin; v6, ports, flags, lifetimes round-trip.
	ta key add peer 2001:db8::/32 port 179 lport 1790 send-id 5 recv-id 6 \
		alg 'cmac(aes128)' exclude-options no-accept \
		send-lifetime 2000-01-01T00:00:00Z 4000000000 \
		accept-lifetime 100 infinite key-file - < "$TMP/key" ||
		fail "second key add failed" || return
	out=$(json_get 'len(k), k[1]["peer"], k[1]["prefix_len"], k[1]["peer_port"], k[1]["local_port"], k[1]["alg"], k[1]["flags"], k[1]["send_start"], k[1]["send_end"], k[1]["accept_start"], k[1]["accept_end"], k[1]["state"]')
	expect_eq "json" "2 2001:db8:: 32 179 1790 cmac(aes) ['no-accept', 'exclude-options'] 946684800 4000000000 100 None ['send-valid']" "$out" || return
	ta key del peer 10.0.0.2 send-id 1 recv-id 2 || fail "del failed" || return
	ta key del peer 2001:db8::/32 send-id 5 recv-id 6 || fail "del v6 failed" || return
	expect_eq "keys after del" "0" "$(json_get 'len(k)')" || return
	expect_eq "/proc after del" "" "$(proc_keys)" || return
	out=$(ta key del peer 10.0.0.2 send-id 1 recv-id 2 2>&1)
	[ $? -eq 2 ] || fail "second del did not fail with status 2" || return
	expect_eq "second del" "Error: no such key: No such file or directory" "$out"
}

# expect_reject ERRNO-TEXT "EXTACK (attribute NAME)" ARGS...
expect_reject() {
	local errtext=$1 msg=$2 out rc
	shift 2

	out=$(ta key add "$@" 2>&1)
	rc=$?
	[ $rc -eq 2 ] || { fail "'$*': status $rc, output: $out"; return; }
	expect_eq "'$*'" "Error: $msg: $errtext" "$out"
}

test_rejects() {
	local base="peer 10.0.0.2 send-id 1 recv-id 2 alg hmac(sha1)" n=0 before after
	local kf=(key-file "$TMP/key") big empty

	ns_create NS || return 1
	big="$TMP/big"
	empty="$TMP/empty"
	head -c 81 /dev/zero | tr '\0' 'k' > "$big"
	: > "$empty"
	before=$(counter tcp_authopt TCPAOKeyRequestRejected "$NS")
	ta key add $base "${kf[@]}" || fail "first add failed" || return

	rej() { n=$((n + 1)); expect_reject "$@"; }
	rej "Invalid argument" "send-id is required (attribute send-id)" \
		peer 10.0.0.2 recv-id 2 alg 'hmac(sha1)' "${kf[@]}" || return
	rej "Invalid argument" "recv-id is required (attribute recv-id)" \
		peer 10.0.0.2 send-id 1 alg 'hmac(sha1)' "${kf[@]}" || return
	rej "Invalid argument" "alg is required (attribute alg)" \
		peer 10.0.0.2 send-id 1 recv-id 2 "${kf[@]}" || return
	rej "Invalid argument" "key is required (attribute key)" $base || return
	rej "Invalid argument" "peer-ipv4 or peer-ipv6 is required (attribute peer-ipv4)" \
		send-id 1 recv-id 2 alg 'hmac(sha1)' "${kf[@]}" || return
	rej "Invalid argument" "prefix-len longer than the peer address (attribute prefix-len)" \
		peer 10.0.0.2/33 send-id 1 recv-id 2 alg 'hmac(sha1)' "${kf[@]}" || return
	rej "Invalid argument" "peer address has bits set beyond prefix-len (attribute prefix-len)" \
		peer 10.0.0.2/24 send-id 1 recv-id 2 alg 'hmac(sha1)' "${kf[@]}" || return
	rej "Invalid argument" "maclen is required for this algorithm (attribute maclen)" \
		peer 10.0.0.2 send-id 1 recv-id 2 alg 'hmac(sha256)' "${kf[@]}" || return
	rej "No such file or directory" "unknown algorithm (attribute alg)" \
		peer 10.0.0.2 send-id 1 recv-id 2 alg 'hmac(nosuch)' maclen 12 "${kf[@]}" || return
	rej "Function not implemented" "key refused by the algorithm (attribute key)" \
		peer 10.0.0.2 send-id 1 recv-id 2 alg sha256 maclen 12 "${kf[@]}" || return
	rej "Invalid argument" "key refused by the algorithm (attribute key)" \
		peer 10.0.0.2 send-id 1 recv-id 2 alg 'cmac(aes)' "${kf[@]}" || return
	# Refused by the generated policy, before the handler: not counted.
	expect_reject "Numerical result out of range" "integer out of range (attribute maclen)" \
		$base maclen 0 "${kf[@]}" || return
	rej "Message too long" "maclen does not fit in a SYN (attribute maclen)" \
		$base maclen 20 "${kf[@]}" || return
	rej "Invalid argument" "maclen longer than the algorithm's MAC (attribute maclen)" \
		peer 10.0.0.2 send-id 1 recv-id 2 alg 'cmac(aes128)' maclen 17 "${kf[@]}" || return
	rej "Invalid argument" "key must be 1 to 80 bytes (attribute key)" \
		$base key-file "$big" || return
	rej "Invalid argument" "key must be 1 to 80 bytes (attribute key)" \
		$base key-file "$empty" || return
	rej "No such device" "no device with this l3index (attribute l3index)" \
		$base l3index 999 "${kf[@]}" || return
	rej "Invalid argument" "l3index is not an L3 master device (VRF) (attribute l3index)" \
		$base l3index 1 "${kf[@]}" || return
	rej "Invalid argument" "send-end is not after send-start (attribute send-end)" \
		$base send-lifetime 100 50 "${kf[@]}" || return
	rej "Invalid argument" "accept-end is not after accept-start (attribute accept-end)" \
		$base accept-lifetime 100 100 "${kf[@]}" || return
	rej "Invalid argument" "time out of range (attribute send-end)" \
		$base send-lifetime 0 18446744073709551615 "${kf[@]}" || return
	rej "File exists" "a key with this peer, l3index, send-id and recv-id exists (attribute send-id)" \
		$base "${kf[@]}" || return
	# Nothing was half-applied: still just the first key.
	expect_eq "keys after rejects" "1" "$(json_get 'len(k)')" || return
	after=$(counter tcp_authopt TCPAOKeyRequestRejected "$NS")
	expect_eq "TCPAOKeyRequestRejected" "$((before + n))" "$after"
}

# wait_for FILE PATTERN: poll until PATTERN appears in FILE (up to 20 s).
wait_for() {
	local i

	for i in $(seq 200); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.1
	done
	fail "never saw '$2' in $1"
}

test_lifetimes_monitor() {
	local mon="$TMP/monitor" now out

	ns_create NS || return 1
	ta -j monitor > "$mon" &
	# The monitor is listening once it reports a key being added.
	for _ in $(seq 50); do
		ta key add peer 192.0.2.99 send-id 99 recv-id 99 alg 'hmac(sha1)' \
			key-file "$TMP/key" 2>/dev/null
		grep -q '"event":"added"' "$mon" && break
		ta key del peer 192.0.2.99 send-id 99 recv-id 99 2>/dev/null
		sleep 0.2
	done
	grep -q '"event":"added"' "$mon" || fail "monitor saw no event" || return
	# Start at the beginning of a second, so that the first boundary is
	# a whole second away.
	now=$(date +%s)
	while [ "$(date +%s)" = "$now" ]; do sleep 0.02; done
	now=$(date +%s)
	# Old key: sending ends at now+12, accepting at now+14. New key:
	# accepted from now+10, sent with from now+11: a rollover with
	# overlap. The margin lets a slow emulated guest finish the adds first.
	ta key add peer 192.0.2.1 send-id 1 recv-id 1 alg 'hmac(sha1)' \
		send-lifetime 0 $((now + 12)) accept-lifetime 0 $((now + 14)) \
		key-file "$TMP/key" || fail "add old key" || return
	ta key add peer 192.0.2.1 send-id 2 recv-id 2 alg 'hmac(sha1)' \
		send-lifetime $((now + 11)) infinite \
		accept-lifetime $((now + 10)) infinite \
		key-file "$TMP/key" || fail "add new key" || return
	[ "$(date +%s)" -lt $((now + 10)) ] ||
		log "adds took over 10 s: the states below may fail"
	# The "added" notifications carry each key's state when it was added.
	wait_for "$mon" '"event":"added","peer":"192.0.2.1","prefix_len":32,"send_id":2' || return
	out=$("$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "added" and e["peer"] == "192.0.2.1":
        print(e["send_id"], ",".join(e["state"]) or "-")' "$mon")
	expect_eq "states when added" "1 send-valid,accept-valid
2 -" "$out" || return
	wait_for "$mon" '"event":"accept-expired","peer":"192.0.2.1","prefix_len":32,"send_id":1' || return
	out=$(grep -o '"event":"[a-z-]*","peer":"192.0.2.1","prefix_len":32,"send_id":[0-9]' "$mon" |
	      sed 's/"event":"\([a-z-]*\)".*"send_id":\([0-9]\)/\2 \1/')
	log "$(echo "$out" | tr '\n' ' ')"
	# Adds are reported at once, boundaries by the lifetime timer: a
	# loaded guest may run it late and report two boundaries in one pass,
	# so only the set of boundary events is fixed, not their order.
	expect_eq "first events" "1 added
2 added" "$(echo "$out" | head -n 2)" || return
	expect_eq "boundary events" "1 accept-expired
1 send-expired
2 accept-valid
2 send-valid" "$(echo "$out" | tail -n +3 | sort)" || return
	out=$(proc_keys | awk '$1 == 1 || $1 == 2 { print $1, $NF }' | sort)
	expect_eq "states after" "1 -
2 send-valid,accept-valid" "$out" || return
	expect_eq "json state" "[] ['send-valid', 'accept-valid']" \
		"$(json_get '[x["state"] for x in k if x["peer"] == "192.0.2.1"][0], [x["state"] for x in k if x["peer"] == "192.0.2.1"][1]')" || return
	ta key del peer 192.0.2.1 send-id 1 recv-id 1 || return
	wait_for "$mon" '"event":"deleted","peer":"192.0.2.1"' || return
	no_key_bytes "monitor" "$(cat "$mon")"
}

test_netns_isolation() {
	local ns1 ns2

	ns_create ns1 || return 1
	ns_create ns2 || return 1
	NS=$ns1 ta key add peer 10.1.0.0/16 send-id 7 recv-id 7 alg 'hmac(sha1)' \
		key-file "$TMP/key" || fail "add in ns1" || return
	NS=$ns2 expect_eq "keys in ns2" "0" "$(NS=$ns2 json_get 'len(k)')" || return
	expect_eq "/proc in ns2" "" "$(NS=$ns2 proc_keys)" || return
	NS=$ns2 ta key del peer 10.1.0.0/16 send-id 7 recv-id 7 2>/dev/null &&
		fail "ns2 deleted ns1's key" && return
	NS=$ns2 ta key add peer 10.1.0.0/16 send-id 7 recv-id 7 alg 'hmac(sha1)' \
		key-file "$TMP/key" || fail "same key in ns2" || return
	expect_eq "keys in ns1" "1" "$(NS=$ns1 json_get 'len(k)')"
}

# More keys than fit in one 8 KiB dump message of the CLI.
# Many keys, added with -batch as a router's configuration would be: all
# dumped and listed; a batch stops at its first bad line and names it.
test_many_keys_dump() {
	local n=2000 i out

	ns_create NS || return 1
	for i in $(seq "$n"); do
		echo "key add peer 10.2.$((i / 256)).$((i % 256)) send-id 1 recv-id 1 alg hmac(sha1) key-file $TMP/key"
	done > "$TMP/batch"
	ta -batch "$TMP/batch" || fail "adding $n keys in a batch" || return
	expect_eq "dumped keys" "$n" "$(json_get 'len(k)')" || return
	expect_eq "/proc lines" "$n" "$(proc_keys | wc -l)" || return
	printf '# a comment\n\nkey del peer 10.2.0.1 send-id 1 recv-id 1\nkey del peer 10.2.0.1 send-id 1 recv-id 1\nkey del peer 10.2.0.2 send-id 1 recv-id 1\n' > "$TMP/batch"
	out=$(ta -batch "$TMP/batch" 2>&1)
	[ $? -ne 0 ] || fail "a batch with a failing line succeeded" || return
	expect_eq "batch error" "Error: line 4: no such key: No such file or directory" "$out" || return
	expect_eq "keys after the failed batch" "$((n - 1))" "$(json_get 'len(k)')"
}

test_unprivileged() {
	local out

	ns_create NS || return 1
	command -v setpriv > /dev/null || { log "no setpriv"; return "$KSFT_SKIP"; }
	out=$(inns setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$TOOL" key show 2>&1)
	expect_eq "unprivileged show" "Error: Operation not permitted: Operation not permitted" "$out"
}

ALL="add_get_del rejects lifetimes_monitor netns_isolation many_keys_dump unprivileged"

# Usage: netlink.sh [CASE...] (default: all)
[ -x "$TOOL" ] || { echo "no $TOOL (make tools)"; exit "$KSFT_FAIL"; }
[ $# -gt 0 ] || set -- $ALL
tap_plan $#
for t in "$@"; do
	case " $ALL " in
	*" $t "*) run_test "$t" "test_$t" ;;
	*) tap_fail "$t: no such case" ;;
	esac
done
tap_finish
