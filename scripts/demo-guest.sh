#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of make demo. Each section says what it shows, shows it, and
# says whether it worked.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
MODDIR="$TOP/build/$(uname -r)/net"
ok=1

say() {
	echo
	echo "--- $*"
}

say "tcp_authopt: TCP-AO (RFC 5925) for a kernel built without it"
echo "This kernel has no TCP-AO of its own:"
grep -q '^CONFIG_TCP_AO=y' "/boot/config-$(uname -r)" &&
	echo "  (unexpected: CONFIG_TCP_AO=y)" || echo "  CONFIG_TCP_AO is not set"
echo "Loading the module with selftest=1: before it agrees to load, it checks"
echo "its key derivation and MAC code against the 32 packets published in"
echo "RFC 9235 (IPv4 and IPv6, HMAC-SHA-1-96 and AES-128-CMAC-96, with TCP"
echo "options covered by the MAC and excluded from it)."
mark="keyroll-demo-$$"
echo "$mark" > /dev/kmsg
if insmod "$MODDIR/tcp_authopt/tcp_authopt.ko" selftest=1; then
	dmesg | sed -n "/$mark/,\$p" | grep 'RFC 9235' | sed 's/^\[[ 0-9.]*\] /  kernel says: /'
else
	echo "  the module refused to load: a test vector failed"
	ok=0
fi

say "Per-namespace counters in /proc/net/tcp_authopt_stat"
echo "Every network namespace counts on its own. In the initial namespace the"
echo "load-time self-test counted its 32 vectors:"
grep SelfTest /proc/net/tcp_authopt_stat | sed 's/^/  /'
ip netns add demo-blue
echo "A new namespace 'demo-blue' starts from zero, and re-running the self-test"
echo "there (a debug knob in debugfs) counts only there:"
blue=$(nsenter --net=/run/netns/demo-blue sh -c \
	'echo 1 > /sys/kernel/debug/tcp_authopt/selftest &&
	 awk "\$1 == \"TCPAOSelfTestPass\" { print \$2 }" /proc/net/tcp_authopt_stat')
init=$(awk '$1 == "TCPAOSelfTestPass" { print $2 }' /proc/net/tcp_authopt_stat)
echo "  demo-blue: TCPAOSelfTestPass $blue"
echo "  initial:   TCPAOSelfTestPass $init"
[ "$blue" = 32 ] && [ "$init" = 32 ] || ok=0
ip netns del demo-blue

say "A TCP-AO session between two hosts, rolling its keys as it goes"
B=$TOP/build/selftests/net/tcp_authopt
T=$TOP/tools/testing/selftests/net/tcp_authopt
echo "Hosts 'router-a' (10.0.0.1) and 'router-b' (10.0.0.2) are two network"
echo "namespaces joined by a virtual cable. Both use the Linux >= 6.7 TCP-AO"
echo "socket API (TCP_AO_ADD_KEY) with two shared keys, KeyIDs 1 and 2, as a"
echo "BGP speaker would. While 4 MiB cross each way, each side switches its"
echo "current key 20 times (RFC 5925 section 7.5); a packet capture is then"
echo "checked by an independent TCP-AO implementation (Debian's scapy)."
ip netns add router-a
ip netns add router-b
ip link add veth-a netns router-a type veth peer name veth-b netns router-b
ip -n router-a addr add 10.0.0.1/24 dev veth-a
ip -n router-b addr add 10.0.0.2/24 dev veth-b
for n in router-a router-b; do
	ip -n $n link set lo up
	ip -n $n link set veth-${n#router-} up
done
ka="-k 1:1:hmac(sha1):first-secret:10.0.0.1/32 -k 2:2:hmac(sha1):second-secret:10.0.0.1/32"
kb="-k 1:1:hmac(sha1):first-secret:10.0.0.2/32 -k 2:2:hmac(sha1):second-secret:10.0.0.2/32"
ip netns exec router-b tcpdump -i veth-b -s 0 -B 65536 -U -Z root -n -w /tmp/demo.pcap \
	tcp port 179 2> /tmp/demo.tcpdump &
dump=$!
sleep 2
# shellcheck disable=SC2086
ip netns exec router-b "$B/ao_xfer" -l 10.0.0.2 -p 179 $ka -n 4194304 -r 20 > /tmp/demo.b &
srv=$!
sleep 1
# shellcheck disable=SC2086
if ip netns exec router-a "$B/ao_xfer" -c 10.0.0.2 -p 179 $kb -n 4194304 -r 20 > /tmp/demo.a &&
   wait $srv; then
	sed 's/^/  router-a: /' /tmp/demo.a
	sed 's/^/  router-b: /' /tmp/demo.b
else
	echo "  the session FAILED:"; cat /tmp/demo.a /tmp/demo.b; ok=0
fi
sleep 1
kill -INT $dump; wait $dump
echo "Every captured segment, checked by scapy.contrib.tcpao:"
/usr/bin/python3 "$T/verify_capture.py" /tmp/demo.pcap 179 \
	-k "1:1:hmac(sha1):first-secret" -k "2:2:hmac(sha1):second-secret" \
	--min 100 --expect-keyids 1,2 | sed 's/^/  /' || ok=0
echo "Counters of router-b (/proc/net/tcp_authopt_stat):"
ip netns exec router-b grep -E 'TCPAO(Good|Bad|Required|KeyNotFound) ' /proc/net/tcp_authopt_stat |
	sed 's/^/  /'
ip netns del router-a
ip netns del router-b

say "A BGP daemon that knows nothing of TCP-AO, protected by a key chain"
bash "$TOP/scripts/demo-bgp.sh" || ok=0

say "Unloading"
for _ in 1 2 3 4 5; do
	rmmod tcp_authopt 2>/dev/null && break
	sleep 1	# sockets just closed release the module after a grace period
done
if grep -q '^tcp_authopt ' /proc/modules; then
	echo "  tcp_authopt could not be unloaded"; ok=0
else
	echo "  tcp_authopt unloaded cleanly"
fi

say "tls: kernel TLS with TLS 1.3 KeyUpdate, which this kernel's own tls.ko lacks"
# shellcheck disable=SC1091 # shared test helpers: module loading
. "$TOP/tools/testing/selftests/net/lib.sh"
# shellcheck disable=SC1091
. "$TOP/tools/testing/selftests/net/tls/tls_lib.sh"
trap - EXIT	# lib.sh's namespace clean-up: the demo cleans up itself
KB=$TOP/build/selftests/net/tls
echo "With kernel TLS (kTLS) a TLS library does the handshake and then hands"
echo "the keys to the kernel, which encrypts and decrypts the records itself."
echo "A TLS 1.3 connection changes its keys as it goes (a KeyUpdate message,"
echo "RFC 8446 section 4.6.3; AES-GCM keys must change before about 2^24.5"
echo "records), and kTLS accepts new keys on a live socket only since Linux 6.14."
echo "keyroll's tls.ko is a drop-in for the kernel's module that can. Loading it:"
if tls_load_keyroll; then
	echo "  loaded $(modinfo -F filename "$KR_TLS_KO")"
else
	ok=0
fi
echo "Now a client and a server on this machine: OpenSSL does a real TLS 1.3"
echo "handshake, then each side takes the keys out of OpenSSL and gives them"
echo "to the kernel. 4 MiB cross in 1 MiB blocks, alternating direction, and"
echo "before each block the sender changes its keys with a KeyUpdate; the"
echo "receiver's kernel stops decrypting at the KeyUpdate (EKEYEXPIRED) until"
echo "the receiver has installed its matching new key. Each side counts the"
echo "KeyUpdates it receives from 1, starting with the one OpenSSL sent before"
echo "the kernel took over."
if "$KB/ktls_keyupdate" -s 4 -V > /tmp/demo.tls 2>&1; then
	sed 's/^# /  /; s/^/  /' /tmp/demo.tls
else
	echo "  the transfer FAILED:"; sed 's/^/  /' /tmp/demo.tls; ok=0
fi
echo "Counters of the module (/proc/net/tls_stat), after the run above:"
grep -E '^Tls(Tx|Rx)(Sw|Rekey)' /proc/net/tls_stat | sed 's/^/  /'

echo "The kernel's own tls.ko, asked for the same, refuses the first new key:"
if tls_load_intree > /tmp/demo.tls.load; then
	KR_TLS_REKEY=expect "$KB/ktls_keyupdate" -s 2 > /tmp/demo.tls 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q KR_REKEY_EBUSY /tmp/demo.tls; then
		grep KR_REKEY_EBUSY /tmp/demo.tls | head -n 1 |
			sed 's/^KR_REKEY_EBUSY: /  /; s/: the loaded.*//'
		echo "  (setsockopt failed with EBUSY: that module takes one key per direction)"
	else
		echo "  unexpected: the in-tree module did not refuse with EBUSY"
		sed 's/^/  /' /tmp/demo.tls; ok=0
	fi
else
	sed 's/^/  /' /tmp/demo.tls.load; ok=0
fi
if tls_unload; then
	echo "  tls unloaded cleanly"
else
	ok=0
fi

echo
if [ $ok = 1 ]; then
	echo "Demo on $(uname -r): everything above worked."
else
	echo "Demo on $(uname -r): something above FAILED."
	exit 1
fi
