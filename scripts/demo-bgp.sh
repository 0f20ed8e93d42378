#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo, guest side: a BGP session between two bird2 daemons that know
# nothing of TCP-AO, protected by namespace key chains, rolling from key 1
# to key 2 by the keys' lifetimes while the session stays up. Called by
# demo-guest.sh with the tcp_authopt module loaded; exits non-zero if
# anything did not work.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
TOOL=$TOP/build/tools/tcp-authopt
VERIFY=$TOP/tools/testing/selftests/net/tcp_authopt/verify_capture.py
TMP=$(mktemp -d /tmp/demo-bgp.XXXXXX)
SWITCH=25
ok=1

if ! command -v bird > /dev/null; then
	echo "  bird2 is not installed (make deps installs it)"
	exit 1
fi
echo "Routers 'bgp-a' (10.0.1.1, AS 65001) and 'bgp-b' (10.0.1.2, AS 65002)"
echo "run Debian's bird2 2.0.12, which knows only TCP-MD5: its configuration"
echo "below has no password and no TCP-AO. The operator gives each router a"
echo "key chain with the tcp-authopt tool instead: key 1 is sent until"
echo "T+$SWITCH s and still accepted 10 s longer; key 2 is accepted from"
echo "T+$((SWITCH - 10)) s and sent from T+$SWITCH s (RFC 8177 lifetimes)."
ip netns add bgp-a
ip netns add bgp-b
ip link add veth-a netns bgp-a type veth peer name veth-b netns bgp-b
ip -n bgp-a addr add 10.0.1.1/24 dev veth-a
ip -n bgp-b addr add 10.0.1.2/24 dev veth-b
ip -n bgp-a link set veth-a up
ip -n bgp-b link set veth-b up
t=$(date +%s)
printf '%s' 'bgp-key-one-2026' > "$TMP/key1"
printf '%s' 'bgp-key-two-2026' > "$TMP/key2"
for ns in bgp-a bgp-b; do
	peer=10.0.1.2
	[ $ns = bgp-b ] && peer=10.0.1.1
	ip netns exec $ns "$TOOL" key add peer $peer send-id 1 recv-id 1 alg 'hmac(sha1)' \
		send-lifetime 0 $((t + SWITCH)) accept-lifetime 0 $((t + SWITCH + 10)) \
		key-file "$TMP/key1" &&
	ip netns exec $ns "$TOOL" key add peer $peer send-id 2 recv-id 2 alg 'hmac(sha1)' \
		send-lifetime $((t + SWITCH)) infinite \
		accept-lifetime $((t + SWITCH - 10)) infinite key-file "$TMP/key2" || ok=0
done
echo "bgp-a's key chain (tcp-authopt key show; key bytes are never shown):"
ip netns exec bgp-a "$TOOL" key show | sed 's/^/  /'
ip netns exec bgp-a "$TOOL" -j monitor > "$TMP/monitor" &
mon=$!
ip netns exec bgp-b tcpdump -i veth-b -s 0 -B 65536 -U -Z root -n \
	-w "$TMP/bgp.pcap" tcp port 179 2> "$TMP/tcpdump" &
dump=$!
# bgp-b first, listening before bgp-a connects: a SYN with TCP-AO to a port
# nobody listens on gets no answer (no RST can be signed for it).
for name in b a; do
	if [ $name = a ]; then set -- 10.0.1.1 65001 10.0.1.2 65002; else set -- 10.0.1.2 65002 10.0.1.1 65001; fi
	cat > "$TMP/$name.conf" <<EOF
router id $1;
protocol device { }
protocol bgp peer {
	local $1 as $2;
	neighbor $3 as $4;
	hold time 9;
	connect retry time 2;
	ipv4 { import all; export none; };
}
EOF
	ip netns exec bgp-$name bird -c "$TMP/$name.conf" -s "$TMP/$name.ctl" -P "$TMP/$name.pid" || ok=0
	for _ in $(seq 100); do
		ip netns exec bgp-$name ss -ltnH "( sport = :179 )" | grep -q . && break
		sleep 0.1
	done
done
echo "bgp-a's bird.conf:"
sed 's/^/  /' "$TMP/a.conf"

# bird's "since" to the second: it recomputes the milliseconds every call.
state() {
	birdc -s "$TMP/a.ctl" show protocols peer 2>/dev/null |
		awk '$1 == "peer" { sub(/\.[0-9]+$/, "", $5); print }'
}
for _ in $(seq 60); do
	state | grep -q Established && break
	sleep 0.5
done
echo "After $(($(date +%s) - t)) s (birdc show protocols, on bgp-a):"
first=$(state)
echo "  $first"
echo "$first" | grep -q Established || ok=0
echo "Waiting past T+$((SWITCH + 10)) s, when key 1 is no longer even accepted..."
while [ "$(date +%s)" -lt $((t + SWITCH + 12)) ]; do
	sleep 1
done
last=$(state)
echo "After $(($(date +%s) - t)) s, the same session, same 'since' time (no flap):"
echo "  $last"
[ "$first" = "$last" ] || { echo "  the session FLAPPED"; ok=0; }
echo "What the kernel told 'tcp-authopt monitor' on bgp-a as the keys' lifetimes"
echo "began and ended:"
sed -n 's/.*"event":"\([a-z-]*\)".*"send_id":\([0-9]*\).*/  key \2: \1/p' "$TMP/monitor"
kill $mon
kill -INT $dump
wait $dump 2> /dev/null
for name in a b; do
	kill "$(cat "$TMP/$name.pid")"
done
echo "Every BGP segment on the wire, checked by scapy.contrib.tcpao (both keys):"
/usr/bin/python3 "$VERIFY" "$TMP/bgp.pcap" 179 -k "1:1:hmac(sha1):bgp-key-one-2026" \
	-k "2:2:hmac(sha1):bgp-key-two-2026" --min 10 --expect-keyids 1,2 | sed 's/^/  /'
[ "${PIPESTATUS[0]}" = 0 ] || ok=0
ip netns del bgp-a
ip netns del bgp-b
rm -rf "$TMP"
[ $ok = 1 ]
