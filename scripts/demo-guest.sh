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

say "Unloading"
rmmod tcp_authopt && echo "  tcp_authopt unloaded cleanly" || ok=0

echo
if [ $ok = 1 ]; then
	echo "Demo on $(uname -r): everything above worked."
else
	echo "Demo on $(uname -r): something above FAILED."
	exit 1
fi
