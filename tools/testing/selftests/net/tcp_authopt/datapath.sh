#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP-AO on the wire between two namespaces:
#
#   ns A (client)                        ns B (server)
#   veth-a 10.0.1.1/24, fd00::1/64  ---  veth-b 10.0.1.2/24, fd00::2/64
#
# Each case moves a checked byte stream with ao_xfer and, where it says
# so, captures the connection in ns B and has Debian's scapy
# (scapy.contrib.tcpao) verify the MAC of every captured segment.
#
# usage: datapath.sh [CASE...]   (default: all cases)

. "$(dirname "$0")/../lib.sh"

XFER="$KR_BIN/ao_xfer"
VERIFY="$(dirname "$0")/verify_capture.py"
PORT=17900
TMP=$(mktemp -d)
MTU=${MTU:-9000}

setup() {
	ns_create A && ns_create B || return 1
	ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || return 1
	ip -n "$A" link set veth-a mtu "$MTU" up
	ip -n "$B" link set veth-b mtu "$MTU" up
	ip -n "$A" addr add 10.0.1.1/24 dev veth-a
	ip -n "$B" addr add 10.0.1.2/24 dev veth-b
	ip -n "$A" addr add fd00::1/64 dev veth-a nodad
	ip -n "$B" addr add fd00::2/64 dev veth-b nodad
}

# capture_start NAME: take a new test port and capture it in ns B into
# $TMP/NAME.pcap
capture_start() {
	PORT=$((PORT + 1))
	ip netns exec "$B" tcpdump -i veth-b -s 0 -B 65536 -U -Z root -n \
		-w "$TMP/$1.pcap" "tcp port $PORT${CAPTURE_EXTRA:+ or $CAPTURE_EXTRA}" \
		2> "$TMP/$1.tcpdump" &
	CAPTURE_PID=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$TMP/$1.tcpdump" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "tcpdump did not start"
}

capture_stop() {
	sleep 0.5
	kill -INT "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	grep -E 'captured|dropped' "$TMP/$1.tcpdump" | sed 's/^/# tcpdump: /'
	if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$TMP/$1.tcpdump"; then
		fail "tcpdump dropped packets"
	fi
}

# xfer NAME "SERVER ARGS" "CLIENT ARGS": run a server in B and a client
# in A; both must succeed. Outputs in $TMP/NAME.{server,client}.
xfer() {
	local name=$1 sargs=$2 cargs=$3 spid rc=0

	# shellcheck disable=SC2086
	ip netns exec "$B" "$XFER" -p "$PORT" $sargs > "$TMP/$name.server" 2>&1 &
	spid=$!
	for _ in $(seq 100); do
		grep -q listening "$TMP/$name.server" && break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	ip netns exec "$A" "$XFER" -p "$PORT" $cargs > "$TMP/$name.client" 2>&1 || rc=1
	wait "$spid" || rc=1
	sed 's/^/# server: /' "$TMP/$name.server"
	sed 's/^/# client: /' "$TMP/$name.client"
	# No ICMP error should reach either socket; one that does is most
	# likely this host's own "fragmentation needed" for a signed segment
	# that outgrew the MTU.
	if grep -q "dropped_icmp=[1-9]" "$TMP/$name.server" "$TMP/$name.client"; then
		fail "ICMP errors reached a TCP-AO socket (a segment over the MTU?)"
		rc=1
	fi
	return $rc
}

K4A="1:1:hmac(sha1):tcp-ao-test-key:10.0.1.1/32"
K4B="1:1:hmac(sha1):tcp-ao-test-key:10.0.1.2/32"

case_ipv4_capture() {
	local n=$((64 << 20))

	capture_start ipv4 || return 1
	xfer ipv4 "-l 10.0.1.2 -k $K4A -n 0 -N $n" "-c 10.0.1.2 -k $K4B -n $n -N 0" ||
		{ capture_stop ipv4; return 1; }
	capture_stop ipv4 || return 1
	/usr/bin/python3 "$VERIFY" "$TMP/ipv4.pcap" "$PORT" -k "$K4A" --min 1000
}

case_ipv6_cmac_capture() {
	local ka="7:9:cmac(aes128):an-80-bit-key:fd00::1/128"
	local kb="9:7:cmac(aes128):an-80-bit-key:fd00::2/128"
	local n=$((8 << 20))

	capture_start ipv6 || return 1
	xfer ipv6 "-6 -l fd00::2 -k $ka -n $n" "-6 -c fd00::2 -k $kb -n $n" ||
		{ capture_stop ipv6; return 1; }
	capture_stop ipv6 || return 1
	/usr/bin/python3 "$VERIFY" "$TMP/ipv6.pcap" "$PORT" -k "$ka" -k "$kb" --min 100
}

case_v4mapped_capture() {
	# A v4-mapped key address takes a prefix of its IPv4 part.
	local ka="3:3:hmac(sha1):mapped:::ffff:10.0.1.1/32"
	capture_start mapped || return 1
	xfer mapped "-6 -l :: -k $ka -n $((1 << 20))" \
		"-6 -c ::ffff:10.0.1.2 -k 3:3:hmac(sha1):mapped:::ffff:10.0.1.2/32 -n $((1 << 20))" ||
		{ capture_stop mapped; return 1; }
	capture_stop mapped || return 1
	/usr/bin/python3 "$VERIFY" "$TMP/mapped.pcap" "$PORT" -k "$ka" --min 10
}

case_exclude_options() {
	local ka="5:5:hmac(sha1):exclude:10.0.1.1/32+x" kb="5:5:hmac(sha1):exclude:10.0.1.2/32+x"

	capture_start excl || return 1
	xfer excl "-l 10.0.1.2 -k $ka" "-c 10.0.1.2 -k $kb" ||
		{ capture_stop excl; return 1; }
	capture_stop excl || return 1
	/usr/bin/python3 "$VERIFY" "$TMP/excl.pcap" "$PORT" -k "$ka" -x --min 10
}

case_no_key_untouched() {
	capture_start plain || return 1
	xfer plain "-l 10.0.1.2" "-c 10.0.1.2" || { capture_stop plain; return 1; }
	capture_stop plain || return 1
	if /usr/bin/python3 "$VERIFY" "$TMP/plain.pcap" "$PORT" -k "$K4A" --min 1 |
	   grep -q "verified [1-9]"; then
		fail "segments of a connection without keys carry TCP-AO"
	fi
}

case_rollover() {
	local a1="1:1:hmac(sha1):first-key:10.0.1.1/32" a2="2:2:hmac(sha1):second-key:10.0.1.1/32"
	local b1="1:1:hmac(sha1):first-key:10.0.1.2/32" b2="2:2:hmac(sha1):second-key:10.0.1.2/32"
	local n=$((16 << 20))

	capture_start roll || return 1
	xfer roll "-l 10.0.1.2 -k $a1 -k $a2 -n $n -r 100" \
		"-c 10.0.1.2 -k $b1 -k $b2 -n $n -r 100" || { capture_stop roll; return 1; }
	capture_stop roll || return 1
	grep -q "100 rollovers" "$TMP/roll.client" || fail "client did not roll 100 times" || return
	grep -q "100 rollovers" "$TMP/roll.server" || fail "server did not roll 100 times" || return
	/usr/bin/python3 "$VERIFY" "$TMP/roll.pcap" "$PORT" -k "$a1" -k "$a2" --min 100 \
		--expect-keyids 1,2
}

case_connect_no_key() {
	local pid rc

	PORT=$((PORT + 1))
	ip netns exec "$A" "$XFER" -c 10.0.1.2 -p "$PORT" \
		-k "1:1:hmac(sha1):k:10.0.9.9/32" -e "$(errno_of EKEYREJECTED)" |
		sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

# Forged segments into a live connection are dropped and counted; the
# transfer still completes intact.
case_forged() {
	local after name spid rc=0 n=$((8 << 20))
	local -A want=([TCPAOBad]=2 [TCPAORequired]=2 [TCPAOKeyNotFound]=1)
	local -A before_v

	PORT=$((PORT + 1))
	for name in "${!want[@]}"; do
		before_v[$name]=$(counter tcp_authopt "$name" "$B")
	done
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -k "$K4A" -n 0 -N "$n" \
		> "$TMP/forged.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -k "$K4B" -n "$n" -N 0 \
		-t 300000 > "$TMP/forged.client" 2>&1 &
	ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/inject.py" veth-a "$PORT" 1 3 |
		sed 's/^/# inject: /'
	wait %2 || rc=1
	wait "$spid" || rc=1
	sed 's/^/# server: /' "$TMP/forged.server"
	sed 's/^/# client: /' "$TMP/forged.client"
	[ $rc -eq 0 ] || fail "transfer did not survive the forged segments" || return
	for name in "${!want[@]}"; do
		after=$(counter tcp_authopt "$name" "$B")
		log "$name: $((after - before_v[$name])) dropped"
		[ $((after - before_v[$name])) -ge $((want[$name] * 3)) ] ||
			fail "$name grew by $((after - before_v[$name])), expected >= $((want[$name] * 3))" ||
			return
	done
}

# ICMP port unreachable for a TCP-AO connection is ignored and counted
# (RFC 5925 section 7.8); the transfer completes.
case_icmp_ignored() {
	local before after spid rc=0 n=$((4 << 20))

	PORT=$((PORT + 1))
	before=$(counter tcp_authopt TCPAODroppedIcmps "$B")
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -k "$K4A" -n 0 -N "$n" \
		> "$TMP/icmp.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -k "$K4B" -n "$n" -N 0 \
		-t 300000 > "$TMP/icmp.client" 2>&1 &
	for _ in 1 2; do
		ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/inject.py" \
			veth-a "$PORT" 1 3 icmp | sed 's/^/# inject: /'
		# Under emulation an injection was once seen to miss the
		# connection entirely; try a second round if nothing arrived.
		[ "$(counter tcp_authopt TCPAODroppedIcmps "$B")" != "$before" ] && break
	done
	wait %2 || rc=1
	wait "$spid" || rc=1
	sed 's/^/# server: /' "$TMP/icmp.server"
	[ $rc -eq 0 ] || fail "transfer did not survive the ICMP errors" || return
	after=$(counter tcp_authopt TCPAODroppedIcmps "$B")
	log "TCPAODroppedIcmps grew by $((after - before)) for 3 ICMP errors sent"
	# Every ICMP that reached the socket is counted in both places (one
	# was seen to go missing under emulation: at least one must arrive).
	[ $((after - before)) -ge 1 ] || fail "no ICMP error was dropped" || return
	grep -q "dropped_icmp=$((after - before)) " "$TMP/icmp.server" ||
		fail "the socket's dropped_icmp differs from TCPAODroppedIcmps"
}

# At MTU 1500 the MSS leaves room for the option: no segment on the wire
# is larger than the MTU, and no host refused one of its own segments as
# too big (IpFragFails, ICMP "fragmentation needed" to itself). Both
# directions carry data, so the accepted socket's first (GSO) segments
# are checked too.
case_mtu_room() {
	local rc=0 n=$((1 << 20)) max fails unreach

	ip -n "$A" link set veth-a mtu 1500
	ip -n "$B" link set veth-b mtu 1500
	capture_start mtu || rc=1
	[ $rc -eq 0 ] && { xfer mtu "-l 10.0.1.2 -k $K4A -n $n" "-c 10.0.1.2 -k $K4B -n $n" || rc=1; }
	capture_stop mtu || rc=1
	fails=$(for ns in "$A" "$B"; do ip netns exec "$ns" nstat -az IpFragFails; done |
		awk '/IpFragFails/ { n += $2 } END { print n + 0 }')
	unreach=$(for ns in "$A" "$B"; do ip netns exec "$ns" nstat -az IcmpOutDestUnreachs; done |
		  awk '/IcmpOutDestUnreachs/ { n += $2 } END { print n + 0 }')
	ip -n "$A" link set veth-a mtu "$MTU"
	ip -n "$B" link set veth-b mtu "$MTU"
	[ $rc -eq 0 ] || return 1
	max=$(tcpdump -r "$TMP/mtu.pcap" -nn -v 2>/dev/null |
	      sed -n 's/.*, length \([0-9]*\)).*/\1/p' | sort -n | tail -n 1)
	log "largest IP packet: $max bytes; IpFragFails: $fails; ICMP unreachables: $unreach"
	[ -n "$max" ] && [ "$max" -le 1500 ] || fail "a segment exceeded the MTU" || return
	expect_eq "IpFragFails" 0 "$fails" || return
	expect_eq "ICMP unreachables sent" 0 "$unreach" || return
	grep -q "dropped_icmp=0" "$TMP/mtu.server" || fail "the server saw ICMP errors" || return
	/usr/bin/python3 "$VERIFY" "$TMP/mtu.pcap" "$PORT" -k "$K4A" --min 500
}

# A signed SYN whose RNextKeyID names no key of ours gets no SYN-ACK
# (RFC 5925 section 7.5.1, as upstream): the server can verify the SYN
# (RecvID 1) but has no key with SendID 1.
case_synack_needs_rnext_key() {
	local synacks syns spid

	capture_start nokey || return 1
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -w 8 \
		-k "2:1:hmac(sha1):asym:10.0.1.1/32" > "$TMP/nokey.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -w 5 \
		-k "1:1:hmac(sha1):asym:10.0.1.2/32" > "$TMP/nokey.client" 2>&1
	wait "$spid"
	capture_stop nokey
	syns=$(tcpdump -r "$TMP/nokey.pcap" -nn 'tcp[tcpflags] == tcp-syn' 2>/dev/null | wc -l)
	synacks=$(tcpdump -r "$TMP/nokey.pcap" -nn \
		'tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)' 2>/dev/null | wc -l)
	log "SYNs: $syns, SYN-ACKs: $synacks"
	[ "$syns" -ge 1 ] || fail "no SYN captured" || return
	expect_eq "SYN-ACKs" 0 "$synacks"
}

errno_of() {
	/usr/bin/python3 -c "import errno; print(errno.$1)"
}

CASES="ipv4_capture ipv6_cmac_capture v4mapped_capture exclude_options
no_key_untouched rollover connect_no_key forged icmp_ignored mtu_room synack_needs_rnext_key"
[ $# -gt 0 ] && CASES="$*"

setup || { echo "# setup failed"; exit $KSFT_FAIL; }
tap_plan "$(echo $CASES | wc -w)"
for c in $CASES; do
	run_test "$c" "case_$c"
done
rm -rf "$TMP"
tap_finish
