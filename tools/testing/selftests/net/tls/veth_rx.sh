#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Records sealed by OpenSSL beforehand, sent by a plain TCP socket over a
# veth pair between two namespaces and received by kTLS (tls_bench -m rx),
# as make bench's RX cases do. TLS 1.2 data records are opened straight
# from TCP's segments when the reader has room: the receiver must not wait
# for a record's rest in TCP when TCP's window cannot take it. Over veth
# the segments of 64 KiB packets are charged whole to the receive buffer,
# so a partial record can close the window; the version of this module
# that waited then stalled on 6.12 in 2 of 4 such transfers, at most
# 1.3 MB in. Every transfer here must complete, every byte checked.
#
#   ns A (sender) veth-a 10.0.3.1/24  ---  veth-b 10.0.3.2/24 ns B (receiver)

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tls_lib.sh"

BIN=${KR_BIN:-$KR_TOP/build/selftests/net/tls}/tls_bench
TMP=$(mktemp -d)
PORT=19700
RUNS=${RUNS:-4}
MIB=${MIB:-16}

# xfer VERSION: one transfer; 0 when every byte arrived
xfer() {
	local spid rc=0

	PORT=$((PORT + 1))
	timeout 60 "$BENCH" -N "$B" -l 10.0.3.2 -p "$PORT" -s "$MIB" -m rx -v "$1" \
		> "$TMP/receiver" 2>&1 &
	spid=$!
	wait_for "$TMP/receiver" listening
	timeout 60 "$BENCH" -N "$A" -c 10.0.3.2 -p "$PORT" -s "$MIB" -m rx -v "$1" \
		> "$TMP/sender" 2>&1 || rc=1
	wait "$spid" || rc=1
	log "TLS $1: $(tail -n 1 "$TMP/receiver")"
	[ $rc = 0 ] || { sed 's/^/#   sender: /' "$TMP/sender"; return 1; }
}

test_rx() {
	local i

	for i in $(seq "$RUNS"); do
		xfer "$1" || fail "TLS $1 transfer $i of $RUNS did not complete" ||
			return
	done
}

tap_plan 2
if ! tls_is_keyroll; then
	tap_skip rx12_veth "keyroll's tls.ko is not loaded"
	tap_skip rx13_veth "keyroll's tls.ko is not loaded"
	tap_finish
fi
# Programs started from the 9p root load slowly in the guest: run a copy.
BENCH=$TMP/tls_bench
cp "$BIN" "$BENCH" || exit "$KSFT_FAIL"
ns_create A && ns_create B || exit "$KSFT_FAIL"
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" ||
	exit "$KSFT_FAIL"
ip -n "$A" addr add 10.0.3.1/24 dev veth-a
ip -n "$B" addr add 10.0.3.2/24 dev veth-b
ip -n "$A" link set veth-a up
ip -n "$B" link set veth-b up
run_test rx12_veth test_rx 1.2
run_test rx13_veth test_rx 1.3
rm -rf "$TMP"
tap_finish
