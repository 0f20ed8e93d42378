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
	ip netns exec "$B" tcpdump -i "${CAPTURE_IF:-veth-b}" -s 0 -B 65536 -U -Z root -n \
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
		grep -qE "^(listening|repaired)" "$TMP/$name.server" && break
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
	host_check "$TMP/ipv4.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$K4A" --min 1000
}

case_ipv6_cmac_capture() {
	local ka="7:9:cmac(aes128):an-80-bit-key:fd00::1/128"
	local kb="9:7:cmac(aes128):an-80-bit-key:fd00::2/128"
	local n=$((4 << 20))

	capture_start ipv6 || return 1
	xfer ipv6 "-6 -l fd00::2 -k $ka -n $n" "-6 -c fd00::2 -k $kb -n $n" ||
		{ capture_stop ipv6; return 1; }
	capture_stop ipv6 || return 1
	host_check "$TMP/ipv6.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$ka" -k "$kb" --min 100
}

case_v4mapped_capture() {
	# A v4-mapped key address takes a prefix of its IPv4 part.
	local ka="3:3:hmac(sha1):mapped:::ffff:10.0.1.1/32"
	capture_start mapped || return 1
	xfer mapped "-6 -l :: -k $ka -n $((1 << 20))" \
		"-6 -c ::ffff:10.0.1.2 -k 3:3:hmac(sha1):mapped:::ffff:10.0.1.2/32 -n $((1 << 20))" ||
		{ capture_stop mapped; return 1; }
	capture_stop mapped || return 1
	host_check "$TMP/mapped.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$ka" --min 10
}

# MACs that are not a multiple of 4 bytes (upstream allows maclen 1..16):
# TCP-AO is NOP-padded after its MAC. Both directions, both algorithms,
# every segment verified by scapy.
case_odd_maclen() {
	local ka="4:6:hmac(sha1):odd-mac:fd00::1/128+m10" kb="6:4:hmac(sha1):odd-mac:fd00::2/128+m10"
	local ca="8:8:cmac(aes128):odd-mac:10.0.1.1/32+m1" cb="8:8:cmac(aes128):odd-mac:10.0.1.2/32+m1"

	capture_start odd6 || return 1
	xfer odd6 "-6 -l fd00::2 -k $ka -n $((1 << 20))" "-6 -c fd00::2 -k $kb -n $((1 << 20))" ||
		{ capture_stop odd6; return 1; }
	capture_stop odd6 || return 1
	host_check "$TMP/odd6.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$ka" -k "$kb" --min 100 ||
		return 1
	capture_start odd4 || return 1
	xfer odd4 "-l 10.0.1.2 -k $ca -n $((1 << 20))" "-c 10.0.1.2 -k $cb -n $((1 << 20))" ||
		{ capture_stop odd4; return 1; }
	capture_stop odd4 || return 1
	host_check "$TMP/odd4.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$ca" --min 100
}

case_exclude_options() {
	local ka="5:5:hmac(sha1):exclude:10.0.1.1/32+x" kb="5:5:hmac(sha1):exclude:10.0.1.2/32+x"

	capture_start excl || return 1
	xfer excl "-l 10.0.1.2 -k $ka" "-c 10.0.1.2 -k $kb" ||
		{ capture_stop excl; return 1; }
	capture_stop excl || return 1
	host_check "$TMP/excl.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$ka" -x --min 10
}

case_no_key_untouched() {
	capture_start plain || return 1
	xfer plain "-l 10.0.1.2" "-c 10.0.1.2" || { capture_stop plain; return 1; }
	capture_stop plain || return 1
	# Here, not with host_check: the verifier's output is read, and it
	# must find nothing to verify.
	if /usr/bin/python3 "$VERIFY" "$TMP/plain.pcap" "$PORT" -k "$K4A" --min 1 |
	   grep -q "verified [1-9]"; then
		fail "segments of a connection without keys carry TCP-AO"
	fi
}

case_rollover() {
	local a1="1:1:hmac(sha1):first-key:10.0.1.1/32" a2="2:2:hmac(sha1):second-key:10.0.1.1/32"
	local b1="1:1:hmac(sha1):first-key:10.0.1.2/32" b2="2:2:hmac(sha1):second-key:10.0.1.2/32"
	local n=$((8 << 20))

	capture_start roll || return 1
	xfer roll "-l 10.0.1.2 -k $a1 -k $a2 -n $n -r 100" \
		"-c 10.0.1.2 -k $b1 -k $b2 -n $n -r 100" || { capture_stop roll; return 1; }
	capture_stop roll || return 1
	grep -q "100 rollovers" "$TMP/roll.client" || fail "client did not roll 100 times" || return
	grep -q "100 rollovers" "$TMP/roll.server" || fail "server did not roll 100 times" || return
	host_check "$TMP/roll.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$a1" -k "$a2" --min 100 \
		--expect-keyids 1,2
}

# RFC 5925 section 7.5.2: the client only asks, through RNextKeyID, for
# the server's other key; the server, which never sets its current key,
# switches by itself: it ends sending with KeyID 2 and both KeyIDs are on
# the wire, every segment verified.
case_rnext_follow() {
	local a1="1:1:hmac(sha1):first-key:10.0.1.1/32" a2="2:2:hmac(sha1):second-key:10.0.1.1/32"
	local b1="1:1:hmac(sha1):first-key:10.0.1.2/32" b2="2:2:hmac(sha1):second-key:10.0.1.2/32"
	local n=$((4 << 20))

	capture_start follow || return 1
	xfer follow "-l 10.0.1.2 -k $a1 -k $a2 -n $n" \
		"-c 10.0.1.2 -k $b2 -k $b1 -n $n -r 1 -o" || { capture_stop follow; return 1; }
	capture_stop follow || return 1
	grep -q "^socket .* current=2 " "$TMP/follow.server" ||
		fail "the server did not follow the client's RNextKeyID to key 2" || return
	host_check "$TMP/follow.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$a1" -k "$a2" --min 100 \
		--expect-keyids 1,2
}

# RFC 5925 section 6.2: a connection placed by TCP_REPAIR 64 KiB (A) and
# 96 KiB (B) before the 2^32 wrap moves 1 MiB each way, so both
# directions wrap; both ends verify every segment (no bad ones), read back
# SNE 1 in both directions with TCP_AO_REPAIR, and scapy verifies the
# capture with the SNE it tracks itself.
case_sne_wrap() {
	local sa=0xfffe8000 sb=0xffff0000 n=$((1 << 20))

	capture_start sne || return 1
	xfer sne "-c 10.0.1.1 -R $sa:$sb:$PORT -k $K4A -n $n" \
		"-c 10.0.1.2 -R $sb:$sa:$PORT -k $K4B -n $n" ||
		{ capture_stop sne; return 1; }
	capture_stop sne || return 1
	grep -q "sne snd=1 rcv=1 " "$TMP/sne.server" || fail "B: SNEs are not 1" || return
	grep -q "sne snd=1 rcv=1 " "$TMP/sne.client" || fail "A: SNEs are not 1" || return
	grep -q "^socket good=[1-9][0-9]* bad=0 " "$TMP/sne.server" ||
		fail "B did not verify every segment" || return
	grep -q "^socket good=[1-9][0-9]* bad=0 " "$TMP/sne.client" ||
		fail "A did not verify every segment" || return
	host_check "$TMP/sne.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$K4A" --min 100 \
		--isn "10.0.1.1:$PORT=$((sb - 1))" --isn "10.0.1.2:$PORT=$((sa - 1))" \
		--expect-sne 1
}

# Keys bound to address prefixes other than a host: /24 on IPv4 and /64 on
# IPv6 sign and verify (every captured segment checked by scapy); a /24
# that does not hold the peer leaves the connection untouched.
case_prefix() {
	capture_start prefix4 || return 1
	xfer prefix4 "-l 10.0.1.2 -k 2:2:hmac(sha1):prefix-key:10.0.1.0/24" \
		"-c 10.0.1.2 -k 2:2:hmac(sha1):prefix-key:10.0.0.0/16" ||
		{ capture_stop prefix4; return 1; }
	capture_stop prefix4 || return 1
	host_check "$TMP/prefix4.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "2:2:hmac(sha1):prefix-key" --min 10 || return
	capture_start prefix6 || return 1
	xfer prefix6 "-6 -l fd00::2 -k 4:4:cmac(aes128):prefix6-key:fd00::/64" \
		"-6 -c fd00::2 -k 4:4:cmac(aes128):prefix6-key:fd00::/64" ||
		{ capture_stop prefix6; return 1; }
	capture_stop prefix6 || return 1
	host_check "$TMP/prefix6.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "4:4:cmac(aes128):prefix6-key" --min 10 || return
	xfer prefix_miss "-l 10.0.1.2 -k 2:2:hmac(sha1):prefix-key:10.0.9.0/24" \
		"-c 10.0.1.2" || return
	grep -q "^socket without TCP-AO" "$TMP/prefix_miss.server" ||
		fail "the accepted socket of a peer outside the prefix got TCP-AO state"
}

# VRF (l3index): a second link whose B end is in VRF vrf-b. A listener
# bound to vrf-b with a key bound to vrf-b (TCP_AO_KEYF_IFINDEX) runs
# TCP-AO with a client outside any VRF; with its key bound to another VRF
# instead, the key does not apply there: the signed SYN is dropped as
# TCPAOKeyNotFound and the connection is not made. Every captured segment
# of the first connection is verified by scapy (each packet of a VRF
# passes LOCAL_OUT twice: it must be signed once, and cut to the real
# link's MTU).
case_vrf() {
	local before after rc=0 n=$((1 << 20))

	ip link add veth-c netns "$A" type veth peer name veth-d netns "$B" || return 1
	ip -n "$B" link add vrf-b type vrf table 10 || return 1
	ip -n "$B" link add vrf-x type vrf table 20 || return 1
	ip -n "$B" link set veth-d master vrf-b
	ip -n "$A" addr add 10.0.2.1/24 dev veth-c
	ip -n "$B" addr add 10.0.2.2/24 dev veth-d
	for l in "$A veth-c" "$B veth-d" "$B vrf-b" "$B vrf-x"; do
		# shellcheck disable=SC2086 # namespace and device
		set -- $l
		ip -n "$1" link set "$2" up
	done
	CAPTURE_IF=veth-d capture_start vrf || rc=1
	[ $rc -eq 0 ] && { xfer vrf "-l 10.0.2.2 -D vrf-b -k 1:1:hmac(sha1):vrf-key:10.0.2.1/32@vrf-b -n $n" \
		"-c 10.0.2.2 -k 1:1:hmac(sha1):vrf-key:10.0.2.2/32 -n $n" || rc=1; }
	capture_stop vrf || rc=1
	[ $rc -eq 0 ] && { host_check "$TMP/vrf.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "1:1:hmac(sha1):vrf-key" --min 100 || rc=1; }
	for end in server client; do
		grep -q "^socket good=[1-9][0-9]* bad=0 " "$TMP/vrf.$end" ||
			{ fail "the $end did not verify segments in the VRF"; rc=1; }
	done
	before=$(counter tcp_authopt TCPAOKeyNotFound "$B")
	PORT=$((PORT + 1))
	if [ $rc -eq 0 ] &&
	   xfer vrf_other "-l 10.0.2.2 -D vrf-b -w 12 -k 1:1:hmac(sha1):vrf-key:10.0.2.1/32@vrf-x" \
		"-c 10.0.2.2 -w 6 -k 1:1:hmac(sha1):vrf-key:10.0.2.2/32"; then
		fail "a key bound to another VRF let the connection through"
		rc=1
	fi
	after=$(counter tcp_authopt TCPAOKeyNotFound "$B")
	ip -n "$A" link del veth-c
	ip -n "$B" link del vrf-b
	ip -n "$B" link del vrf-x
	[ $rc -eq 0 ] || return 1
	[ $((after - before)) -ge 1 ] || fail "no SYN was dropped as TCPAOKeyNotFound"
}

# SYN cookies on the server (net.ipv4.tcp_syncookies=2: always): the
# cookie SYN-ACK and the connection it makes are signed, every segment
# verified by scapy.
case_syncookies() {
	local old rc=0 cookies

	old=$(ip netns exec "$B" sysctl -n net.ipv4.tcp_syncookies)
	ip netns exec "$B" sysctl -qw net.ipv4.tcp_syncookies=2
	capture_start cookie || rc=1
	[ $rc -eq 0 ] && { xfer cookie "-l 10.0.1.2 -k $K4A -n $((1 << 20))" \
		"-c 10.0.1.2 -k $K4B -n $((1 << 20))" || rc=1; }
	capture_stop cookie || rc=1
	ip netns exec "$B" sysctl -qw net.ipv4.tcp_syncookies="$old"
	[ $rc -eq 0 ] || return 1
	cookies=$(ip netns exec "$B" nstat -az TcpExtSyncookiesSent |
		awk '/SyncookiesSent/ { print $2 }')
	log "SYN cookies sent: $cookies"
	[ "${cookies:-0}" -ge 1 ] || fail "the server sent no SYN cookie" || return
	host_check "$TMP/cookie.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$K4A" --min 10
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
	local after name spid cpid ipid rc=0 n=$((1 << 20))
	local -A want=([TCPAOBad]=2 [TCPAORequired]=2 [TCPAOKeyNotFound]=1)
	local -A before_v

	PORT=$((PORT + 1))
	for name in "${!want[@]}"; do
		before_v[$name]=$(counter tcp_authopt "$name" "$B")
	done
	# The forger listens before the connection starts (it learns the
	# sequence numbers from its SYN-ACK), and both ends hold the
	# connection open until it is done, so every forged segment meets it.
	ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/inject.py" veth-a "$PORT" 1 3 \
		> "$TMP/forged.inject" 2>&1 &
	ipid=$!
	for _ in $(seq 600); do
		grep -q sniffing "$TMP/forged.inject" && break
		sleep 0.2
	done
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -k "$K4A" -n 0 -N "$n" \
		-W "$TMP/forged.sent" > "$TMP/forged.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -k "$K4B" -n "$n" -N 0 \
		-W "$TMP/forged.sent" > "$TMP/forged.client" 2>&1 &
	cpid=$!
	wait "$ipid" || rc=1
	touch "$TMP/forged.sent"
	wait "$cpid" || rc=1
	wait "$spid" || rc=1
	sed 's/^/# inject: /' "$TMP/forged.inject"
	sed 's/^/# server: /' "$TMP/forged.server"
	sed 's/^/# client: /' "$TMP/forged.client"
	[ $rc -eq 0 ] || fail "transfer did not survive the forged segments" || return
	for name in "${!want[@]}"; do
		after=$(counter tcp_authopt "$name" "$B")
		log "$name: $((after - before_v[$name])) dropped"
		# At least: a retransmission of the peer's own that crossed a
		# forged segment may be counted too.
		[ $((after - before_v[$name])) -ge $((want[$name] * 3)) ] ||
			fail "$name grew by $((after - before_v[$name])), expected >= $((want[$name] * 3))" ||
			return
	done
}

# ICMP port unreachable for a TCP-AO connection is ignored and counted
# (RFC 5925 section 7.8), in TCPAODroppedIcmps and, as received ICMP, in
# Icmp InDestUnreachs; the transfer completes.
case_icmp_ignored() {
	local before after spid cpid rc=0 n=$((1 << 20)) ends unreach

	PORT=$((PORT + 1))
	before=$(counter tcp_authopt TCPAODroppedIcmps "$B")
	unreach=$(snmp "$B" snmp Icmp InDestUnreachs)
	# Both ends hold the connection open after the transfer until the
	# ICMP errors have been sent, so every one meets a live socket.
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -k "$K4A" -n 0 -N "$n" \
		-W "$TMP/icmp.sent" > "$TMP/icmp.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -k "$K4B" -n "$n" -N 0 \
		-W "$TMP/icmp.sent" > "$TMP/icmp.client" 2>&1 &
	cpid=$!
	for _ in $(seq 100); do
		grep -q holding "$TMP/icmp.client" && break
		sleep 0.2
	done
	ends=$(ip netns exec "$A" ss -tnH state established "( dport = :$PORT )" |
	       awk '{ print $3, $4; exit }')
	log "connection: $ends"
	if [ -n "$ends" ]; then
		# shellcheck disable=SC2086 # two words: local and peer end
		ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/inject.py" \
			icmp $ends 3 | sed 's/^/# inject: /'
	fi
	touch "$TMP/icmp.sent"
	wait "$cpid" || rc=1
	wait "$spid" || rc=1
	sed 's/^/# server: /' "$TMP/icmp.server"
	[ -n "$ends" ] || fail "the connection was not found" || return
	[ $rc -eq 0 ] || fail "transfer did not survive the ICMP errors" || return
	after=$(counter tcp_authopt TCPAODroppedIcmps "$B")
	log "TCPAODroppedIcmps grew by $((after - before)) for 3 ICMP errors sent"
	expect_eq "ICMP errors dropped" 3 $((after - before)) || return
	grep -q "dropped_icmp=3 " "$TMP/icmp.server" ||
		fail "the socket's dropped_icmp is not 3" || return
	# Ignored by TCP, still received: counted as upstream's icmp_rcv() does.
	expect_eq "Icmp InDestUnreachs growth" 3 \
		$(($(snmp "$B" snmp Icmp InDestUnreachs) - unreach))
}

# mtu_xfer NAME "SERVER ARGS" "CLIENT ARGS": a transfer at MTU 1500,
# captured; then no segment on the wire may be larger than the MTU, and no
# host may have refused one of its own segments as too big (IpFragFails,
# ICMP "fragmentation needed" to itself). Sets MTU_MAX to the largest IP
# packet captured.
mtu_xfer() {
	local name=$1 rc=0 fails unreach

	ip -n "$A" link set veth-a mtu 1500
	ip -n "$B" link set veth-b mtu 1500
	capture_start "$name" || rc=1
	[ $rc -eq 0 ] && { xfer "$name" "$2" "$3" || rc=1; }
	capture_stop "$name" || rc=1
	fails=$(for ns in "$A" "$B"; do ip netns exec "$ns" nstat -az IpFragFails; done |
		awk '/IpFragFails/ { n += $2 } END { print n + 0 }')
	unreach=$(for ns in "$A" "$B"; do ip netns exec "$ns" nstat -az IcmpOutDestUnreachs; done |
		  awk '/IcmpOutDestUnreachs/ { n += $2 } END { print n + 0 }')
	ip -n "$A" link set veth-a mtu "$MTU"
	ip -n "$B" link set veth-b mtu "$MTU"
	[ $rc -eq 0 ] || return 1
	MTU_MAX=$(tcpdump -r "$TMP/$name.pcap" -nn -v 2>/dev/null |
		  sed -n 's/.*, length \([0-9]*\)).*/\1/p' | sort -n | tail -n 1)
	log "largest IP packet: $MTU_MAX bytes; IpFragFails: $fails; ICMP unreachables: $unreach"
	[ -n "$MTU_MAX" ] && [ "$MTU_MAX" -le 1500 ] || fail "a segment exceeded the MTU" || return
	expect_eq "IpFragFails" 0 "$fails" || return
	expect_eq "ICMP unreachables sent" 0 "$unreach" || return
	grep -q "dropped_icmp=0" "$TMP/$name.server" || fail "the server saw ICMP errors"
}

# At MTU 1500 the MSS leaves room for the option: no segment is larger
# than the MTU, and full-sized segments fill it exactly, so none is cut in
# two on its way out. Both directions carry data, so the accepted socket's
# first (GSO) segments are checked too.
case_mtu_room() {
	local n=$((1 << 20))

	mtu_xfer mtu "-l 10.0.1.2 -k $K4A -n $n" "-c 10.0.1.2 -k $K4B -n $n" || return 1
	expect_eq "largest IP packet (a full segment fills the MTU)" 1500 "$MTU_MAX" ||
		return
	host_check "$TMP/mtu.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$K4A" --min 500
}

# The MSS leaves room for the longest MAC of the keys a connection starts
# with. Both ends then add a key with a 16-byte MAC (4 more bytes of
# option) and the client switches to it, the server following RNextKeyID:
# segments that would now outgrow the MTU are cut in two before signing,
# and nothing is lost.
case_mtu_longer_mac() {
	local a1="1:1:hmac(sha1):first-key:10.0.1.1/32" a2="2:2:hmac(sha1):second-key:10.0.1.1/32+m16"
	local b1="1:1:hmac(sha1):first-key:10.0.1.2/32" b2="2:2:hmac(sha1):second-key:10.0.1.2/32+m16"
	local n=$((2 << 20))

	mtu_xfer mac16 "-l 10.0.1.2 -k $a1 -k $a2 -L -n $n" \
		"-c 10.0.1.2 -k $b1 -k $b2 -L -r 1 -n $n" || return 1
	grep -q "^socket .* current=2 " "$TMP/mac16.server" ||
		fail "the server did not follow the client to key 2" || return
	host_check "$TMP/mac16.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" -k "$a1" -k "$a2" \
		--min 500 --expect-keyids 1,2
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

# A segment carrying TCP-AO that no key can verify is dropped and counted,
# with no answer: not for a closed port (no RST: its MAC would need ISNs
# nobody knows, RFC 5925 section 7.7; TCPAONoSocket, since upstream counts
# it in no TCP-AO counter), and not from a listener without keys (no
# SYN-ACK; TCPAOKeyNotFound, as upstream). The same segments without
# TCP-AO are answered, which shows the capture would have seen answers.
# count_from NAME SPORT FLAGS: segments from ns B to source port SPORT
count_from() {
	tcpdump -r "$TMP/$1.pcap" -nn "src host 10.0.1.2 and dst port $2 and $3" \
		2>/dev/null | wc -l
}

case_unverifiable_unanswered() {
	local before after nosock closed spid rst synack

	closed=$((PORT + 50))
	CAPTURE_EXTRA="port $closed" capture_start probe || return 1
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -w 300 \
		> "$TMP/probe.server" 2>&1 &
	spid=$!
	sleep 1
	before=$(counter tcp_authopt TCPAOKeyNotFound "$B")
	nosock=$(counter tcp_authopt TCPAONoSocket "$B")
	ip netns exec "$A" /usr/bin/python3 "$(dirname "$0")/inject.py" \
		probe 10.0.1.2 41000 "$closed" "$PORT" | sed 's/^/# /'
	after=$(counter tcp_authopt TCPAOKeyNotFound "$B")
	nosock=$(($(counter tcp_authopt TCPAONoSocket "$B") - nosock))
	capture_stop probe
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	rst=$(count_from probe 41000 'tcp[tcpflags] & tcp-rst != 0')
	expect_eq "RSTs for an ACK with TCP-AO to a closed port" 0 "$rst" || return
	rst=$(count_from probe 41001 'tcp[tcpflags] & tcp-rst != 0')
	expect_eq "RSTs for a SYN with TCP-AO to a closed port" 0 "$rst" || return
	rst=$(count_from probe 41003 'tcp[tcpflags] & tcp-rst != 0')
	expect_eq "RSTs for a plain ACK to a closed port" 1 "$rst" || return
	synack=$(count_from probe 41005 'tcp[tcpflags] & tcp-syn != 0')
	expect_eq "SYN-ACKs for a SYN with TCP-AO to a listener without keys" 0 "$synack" || return
	synack=$(count_from probe 41006 'tcp[tcpflags] & tcp-syn != 0')
	[ "$synack" -ge 1 ] || fail "a plain SYN to a plain listener got no SYN-ACK" || return
	# ack_with_ao and syn_with_ao, to each port.
	expect_eq "TCPAONoSocket growth (closed port)" 2 "$nosock" || return
	expect_eq "TCPAOKeyNotFound growth (listener without keys)" 2 $((after - before))
}

# A new connection from the same port while the server still holds the
# last one in TIME_WAIT: the SYN goes through the TIME_WAIT socket to the
# listener, and its SYN-ACK must be signed with the key it asks for, or the
# client waits a second to send its SYN again.
case_timewait_reuse() {
	local syn i

	syn=$(tcpext "$A" TCPSynRetrans)
	for i in 1 2; do
		# The server sends and closes first: it is the one in TIME_WAIT.
		xfer "reuse$i" "-l 10.0.1.2 -k $K4A -n 65536 -N 0" \
			"-c 10.0.1.2 -k $K4B -n 0 -N 65536 -s 40123" || return 1
		ip netns exec "$B" ss -tanH state time-wait "( sport = :$PORT )" | sed 's/^/# /'
	done
	syn=$(($(tcpext "$A" TCPSynRetrans) - syn))
	expect_eq "SYNs sent again" 0 "$syn"
}

# Namespace key chains (tcp-authopt CLI) on the datapath: ao_xfer sets no
# keys of its own unless a case says so.
TOOL=${KR_TOOL:-$KR_TOP/build/tools/tcp-authopt}

# chain_key NS PEER ID TEXT [ARGS...]: a chain key with SendID = RecvID = ID.
chain_key() {
	local ns=$1 peer=$2 id=$3 text=$4

	shift 4
	printf '%s' "$text" | ip netns exec "$ns" "$TOOL" key add peer "$peer" \
		send-id "$id" recv-id "$id" alg 'hmac(sha1)' "$@" key-file - ||
		fail "key $id in $ns"
}

# chain_keys ID TEXT [ARGS...]: the same key in A (for B) and B (for A).
chain_keys() {
	local id=$1 text=$2

	shift 2
	chain_key "$A" 10.0.1.2 "$id" "$text" "$@" &&
	chain_key "$B" 10.0.1.1 "$id" "$text" "$@"
}

chain_del() {
	ip netns exec "$A" "$TOOL" key del peer 10.0.1.2 send-id "$1" recv-id "$1" &&
	ip netns exec "$B" "$TOOL" key del peer 10.0.1.1 send-id "$1" recv-id "$1"
}

chain_flush() {
	local ns id

	for ns in "$A" "$B"; do
		for id in $(ip netns exec "$ns" "$TOOL" -j key show |
			    /usr/bin/python3 -c 'import json, sys
for k in json.load(sys.stdin): print(k["send_id"])'); do
			ip netns exec "$ns" "$TOOL" key del peer \
				"$([ "$ns" = "$A" ] && echo 10.0.1.2 || echo 10.0.1.1)" \
				send-id "$id" recv-id "$id"
		done
	done
}

# Applications without a single TCP-AO call: both ends' chains sign and
# verify every segment (scapy checks the capture with KeyID 1), and the
# sockets report the chain's key as current; the socket options cannot
# change a chain's connection (EBUSY).
case_chain_capture() {
	local n=$((4 << 20)) before after

	chain_keys 1 chain-key-one || return 1
	before=$(counter tcp_authopt TCPAOGood "$B")
	capture_start chain || return 1
	xfer chain "-l 10.0.1.2 -n $n -X" "-c 10.0.1.2 -n $n" ||
		{ capture_stop chain; chain_flush; return 1; }
	capture_stop chain
	chain_flush
	after=$(counter tcp_authopt TCPAOGood "$B")
	[ $((after - before)) -ge 100 ] || fail "TCPAOGood grew by $((after - before))" || return
	grep -q "^socket good=[1-9].* current=1 " "$TMP/chain.server" ||
		fail "the accepted socket does not report chain key 1" || return
	grep -q "^socket good=[1-9].* current=1 " "$TMP/chain.client" ||
		fail "the connecting socket does not report chain key 1" || return
	grep -q "^key change: add errno=$(errno_of EBUSY) del errno=$(errno_of EBUSY)$" \
		"$TMP/chain.server" || fail "key change on a chain connection not EBUSY" || return
	host_check "$TMP/chain.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "1:1:hmac(sha1):chain-key-one" --min 100 --expect-keyids 1
}

# Where socket keys and chain keys both match, socket keys win: the
# capture carries only the sockets' KeyID 5.
case_chain_socket_wins() {
	local ka="5:5:hmac(sha1):socket-key:10.0.1.1/32" kb="5:5:hmac(sha1):socket-key:10.0.1.2/32"

	chain_keys 1 chain-key-one || return 1
	capture_start sockwin || return 1
	xfer sockwin "-l 10.0.1.2 -k $ka" "-c 10.0.1.2 -k $kb" ||
		{ capture_stop sockwin; chain_flush; return 1; }
	capture_stop sockwin
	chain_flush
	host_check "$TMP/sockwin.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "$ka" --min 10 --expect-keyids 5
}

# RFC 8177 rollover by lifetime in the middle of a transfer: key 1 is sent
# until T+13 and accepted until T+20, key 2 accepted from the start and
# sent from T+12 (the setup takes a few seconds in an emulated guest). The
# transfer runs across the switch with nothing lost, both KeyIDs are on
# the wire, and every segment verifies.
case_chain_lifetime_rollover() {
	local t n=$((4 << 20))

	t=$(date +%s)
	chain_keys 1 chain-key-one send-lifetime 0 $((t + 13)) accept-lifetime 0 $((t + 20)) &&
	chain_keys 2 chain-key-two send-lifetime $((t + 12)) infinite || { chain_flush; return 1; }
	capture_start life || return 1
	# About 16 s: 4 MiB in 64 KiB writes, 250 ms apart.
	xfer life "-l 10.0.1.2 -n 0 -N $n" "-c 10.0.1.2 -n $n -N 0 -t 250000" ||
		{ capture_stop life; chain_flush; return 1; }
	capture_stop life
	chain_flush
	[ "$(date +%s)" -ge $((t + 14)) ] || fail "transfer ended before the switch" || return
	grep -q "^socket .* current=2 " "$TMP/life.client" ||
		fail "the client did not move to key 2" || return
	host_check "$TMP/life.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "1:1:hmac(sha1):chain-key-one" -k "2:2:hmac(sha1):chain-key-two" \
		--min 100 --expect-keyids 1,2
}

# Keys added while a connection is established take effect for it: key 2
# (newer) is added, then key 1 deleted, in the middle of a transfer.
case_chain_added_established() {
	local n=$((2 << 20)) spid cpid rc=0

	chain_keys 1 chain-key-one || return 1
	capture_start added || return 1
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -n 0 -N "$n" > "$TMP/added.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -n "$n" -N 0 -t 250000 \
		> "$TMP/added.client" 2>&1 &
	cpid=$!
	sleep 2
	chain_keys 2 chain-key-two send-lifetime "$(date +%s)" infinite || rc=1
	sleep 2
	chain_del 1 || { fail "deleting key 1"; rc=1; }
	wait "$cpid" || rc=1
	wait "$spid" || rc=1
	capture_stop added
	chain_flush
	sed 's/^/# server: /' "$TMP/added.server"
	sed 's/^/# client: /' "$TMP/added.client"
	[ $rc -eq 0 ] || fail "transfer across the key change failed" || return
	grep -q "^socket .* current=2 " "$TMP/added.client" ||
		fail "the client did not move to the added key" || return
	host_check "$TMP/added.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "1:1:hmac(sha1):chain-key-one" -k "2:2:hmac(sha1):chain-key-two" \
		--min 100 --expect-keyids 1,2
}

# When every chain key for the peer has expired for sending, nothing goes
# out unsigned: connect() fails with EKEYEXPIRED, and a connection whose
# keys all expire mid-transfer gets EKEYEXPIRED (counted) while the capture
# holds only signed segments. The expiry is placed relative to the running
# transfer (key 2, sent for 8 s from when it is added, replaces key 1), not
# to a clock the guest's speed would make unreliable.
case_chain_expired() {
	local n=$((4 << 20)) before after spid cpid now

	chain_keys 1 chain-key-one send-lifetime 100 200 || return 1
	PORT=$((PORT + 1))
	ip netns exec "$A" "$XFER" -c 10.0.1.2 -p "$PORT" -e "$(errno_of EKEYEXPIRED)" |
		sed 's/^/# /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || { chain_flush; fail "connect with expired keys"; return; }
	chain_flush
	chain_keys 1 chain-key-one || return 1
	before=$(counter tcp_authopt TCPAOSendExpired "$A")
	capture_start expired || return 1
	ip netns exec "$B" "$XFER" -p "$PORT" -l 10.0.1.2 -n 0 -N "$n" -w 60 \
		> "$TMP/expired.server" 2>&1 &
	spid=$!
	sleep 1
	ip netns exec "$A" "$XFER" -p "$PORT" -c 10.0.1.2 -n "$n" -N 0 -t 250000 -w 60 \
		> "$TMP/expired.client" 2>&1 &
	cpid=$!
	for _ in $(seq 100); do
		ip netns exec "$A" ss -tnH state established "( dport = :$PORT )" | grep -q . && break
		sleep 0.1
	done
	sleep 1
	now=$(date +%s)
	chain_keys 2 chain-key-two send-lifetime "$now" $((now + 8)) && chain_del 1 ||
		fail "replacing key 1"
	wait "$cpid" && fail "the client outlived its keys"
	kill "$spid" 2>/dev/null
	wait "$spid"
	capture_stop expired
	chain_flush
	sed 's/^/# client: /' "$TMP/expired.client"
	after=$(counter tcp_authopt TCPAOSendExpired "$A")
	grep -q "Key has expired" "$TMP/expired.client" ||
		fail "the client did not see EKEYEXPIRED" || return
	[ $((after - before)) -ge 1 ] || fail "TCPAOSendExpired did not grow" || return
	host_check "$TMP/expired.pcap" /usr/bin/python3 "$VERIFY" {} "$PORT" \
		-k "1:1:hmac(sha1):chain-key-one" -k "2:2:hmac(sha1):chain-key-two" \
		--min 10 --expect-keyids 1,2
}

errno_of() {
	/usr/bin/python3 -c "import errno; print(errno.$1)"
}

CASES="ipv4_capture ipv6_cmac_capture v4mapped_capture exclude_options odd_maclen
no_key_untouched rollover rnext_follow sne_wrap prefix vrf syncookies connect_no_key forged icmp_ignored mtu_room mtu_longer_mac synack_needs_rnext_key
unverifiable_unanswered timewait_reuse"
# Run by their own entry in `tests`.
CHAIN_CASES="chain_capture chain_socket_wins chain_lifetime_rollover
chain_added_established chain_expired"
[ $# -gt 0 ] && CASES="$*"
[ "$CASES" = chain ] && CASES=$CHAIN_CASES

setup || { echo "# setup failed"; exit $KSFT_FAIL; }
tap_plan "$(echo $CASES | wc -w)"
for c in $CASES; do
	run_test "$c" "case_$c"
done
rm -rf "$TMP"
tap_finish
