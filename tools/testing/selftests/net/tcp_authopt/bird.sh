#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real BGP daemon that knows nothing of TCP-AO (Debian's bird2 2.0.12)
# protected by namespace key chains, across a key rollover while the
# session is Established:
#
#   ns A: bird AS 65001              ns B: bird AS 65002
#   veth-a 10.0.1.1/24  -----------  veth-b 10.0.1.2/24
#
# Both namespaces get two keys from the tcp-authopt CLI with overlapping
# RFC 8177 lifetimes: key 1 sent until T+SWITCH and accepted until
# T+SWITCH+10, key 2 accepted from T+SWITCH-10 and sent from T+SWITCH.
# The session must stay Established with the same "since" time across the
# switch, and every captured segment must verify with scapy's independent
# TCP-AO (verify_capture.py), showing both KeyIDs.

. "$(dirname "$0")/../lib.sh"

TOOL=${KR_TOOL:-$KR_TOP/build/tools/tcp-authopt}
VERIFY="$(dirname "$0")/verify_capture.py"
TMP=$(mktemp -d /tmp/kr-bird.XXXXXX)
SWITCH=${BIRD_SWITCH:-45}	# seconds from setup to the send-key switch
KEY1='bgp-key-one-2026'
KEY2='bgp-key-two-2026'

# bird runs as a daemon: wait for each to be gone before the namespaces
# go, or its BGP socket outlives the link to its peer and waits out its FIN
# retransmissions (a minute and more) holding tcp_authopt in use.
cleanup() {
	local p pid

	for p in "$TMP"/*.pid; do
		[ -f "$p" ] || continue
		pid=$(cat "$p")
		kill "$pid" 2>/dev/null || continue
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
	cleanup_all
}
trap cleanup EXIT

setup_ns() {
	ns_create A || return 1
	ns_create B || return 1
	ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || return 1
	ip -n "$A" link set veth-a up
	ip -n "$B" link set veth-b up
	ip -n "$A" addr add 10.0.1.1/24 dev veth-a
	ip -n "$B" addr add 10.0.1.2/24 dev veth-b
}

# bird_conf NAME LOCAL-ADDR LOCAL-AS PEER-ADDR PEER-AS
bird_conf() {
	cat > "$TMP/$1.conf" <<EOF
router id $2;
protocol device { }
protocol bgp peer {
	local $2 as $3;
	neighbor $4 as $5;
	hold time 9;
	connect retry time 2;
	ipv4 { import all; export none; };
}
EOF
}

# bird_start NAME NS
bird_start() {
	ip netns exec "$2" bird -c "$TMP/$1.conf" -s "$TMP/$1.ctl" -P "$TMP/$1.pid" ||
		fail "bird $1 did not start"
}

# bird_state NAME: "<state> <since>" of protocol "peer", since to the
# second (bird prints milliseconds that it recomputes on every call).
bird_state() {
	birdc -s "$TMP/$1.ctl" show protocols peer 2>/dev/null |
		awk '$1 == "peer" { sub(/\.[0-9]+$/, "", $5); print $6, $4, $5 }'
}

# listening NS: whether something listens on TCP port 179 in NS.
listening() {
	ip netns exec "$1" ss -ltnH "( sport = :179 )" | grep -q .
}

# keys NS PEER T: the two overlapping keys for PEER in NS.
keys() {
	local ns=$1 peer=$2 t=$3

	printf '%s' "$KEY1" | ip netns exec "$ns" "$TOOL" key add peer "$peer" \
		send-id 1 recv-id 1 alg 'hmac(sha1)' \
		send-lifetime 0 $((t + SWITCH)) \
		accept-lifetime 0 $((t + SWITCH + 10)) key-file - || return 1
	printf '%s' "$KEY2" | ip netns exec "$ns" "$TOOL" key add peer "$peer" \
		send-id 2 recv-id 2 alg 'hmac(sha1)' \
		send-lifetime $((t + SWITCH)) infinite \
		accept-lifetime $((t + SWITCH - 10)) infinite key-file -
}

test_rollover_established() {
	local t since state i now cap

	command -v bird > /dev/null || { log "no bird2"; return "$KSFT_SKIP"; }
	setup_ns || return 1
	t=$(date +%s)
	keys "$A" 10.0.1.2 "$t" || fail "keys in A" || return
	keys "$B" 10.0.1.1 "$t" || fail "keys in B" || return
	ip netns exec "$B" "$TOOL" -j monitor > "$TMP/monitor" &
	ip netns exec "$B" tcpdump -i veth-b -s 0 -B 65536 -U -Z root -n \
		-w "$TMP/bgp.pcap" "tcp port 179" 2> "$TMP/tcpdump" &
	cap=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$TMP/tcpdump" && break
		sleep 0.1
	done
	bird_conf a 10.0.1.1 65001 10.0.1.2 65002
	bird_conf b 10.0.1.2 65002 10.0.1.1 65001
	# B listens before A connects: a SYN with TCP-AO to a port nobody
	# listens on gets no answer (no RST can be signed for it), and A's
	# connect() would wait out SYN retransmissions.
	bird_start b "$B" || return
	for i in $(seq 100); do
		listening "$B" && break
		sleep 0.1
	done
	bird_start a "$A" || return

	for i in $(seq 120); do
		state=$(bird_state a)
		[ "${state%% *}" = Established ] && break
		sleep 0.5
	done
	[ "${state%% *}" = Established ] || fail "no session: $state" || return
	since=${state#* }
	log "Established since $since"
	now=$(date +%s)
	[ "$now" -lt $((t + SWITCH - 10)) ] ||
		fail "session came up after the rollover began; raise BIRD_SWITCH" || return

	# Past the end of key 1's accept lifetime, plus a few keepalives.
	while [ "$(date +%s)" -lt $((t + SWITCH + 15)) ]; do
		sleep 1
	done
	state=$(bird_state a)
	log "after rollover: $state"
	expect_eq "state after rollover" "Established $since" "$state" || return
	expect_eq "B's side" Established "$(bird_state b | cut -d' ' -f1)" || return
	grep -q '"event":"send-valid","peer":"10.0.1.1","prefix_len":32,"send_id":2' "$TMP/monitor" ||
		fail "monitor did not report key 2 becoming send-valid" || return

	kill -INT "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	sleep 0.5
	/usr/bin/python3 "$VERIFY" "$TMP/bgp.pcap" 179 \
		-k "1:1:hmac(sha1):$KEY1" -k "2:2:hmac(sha1):$KEY2" \
		--min 10 --expect-keyids 1,2 | sed 's/^/# /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "capture did not verify"
}

[ -x "$TOOL" ] || { echo "no $TOOL (make tools)"; exit "$KSFT_FAIL"; }
tap_plan 1
run_test rollover_established test_rollover_established
tap_finish
