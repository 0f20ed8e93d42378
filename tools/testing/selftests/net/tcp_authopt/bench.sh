#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: TCP-AO against TCP-MD5 and plain TCP on one veth
# pair, side by side in one boot, and TCP-AO connection setup with 1 key
# against 10,001 keys: on the listening socket, and in the namespaces' key
# chains (no socket keys at all).
#
#   ns A (client) veth-a 10.0.1.1/24  ---  veth-b 10.0.1.2/24 ns B (server)
#
# Each round runs every variant, TCP-MD5 and TCP-AO in turns first, so
# that drift in the emulated machine's speed hits all of them.
# Throughputs and rates are medians of ROUNDS; the TCP-AO/TCP-MD5 ratio is
# the median of each round's own ratio (its two transfers ran one after
# the other), with the range. Prints "bench: NAME VALUE" lines and the
# ratios against the targets.

. "$(dirname "$0")/../lib.sh"

XFER="$KR_BIN/ao_xfer"
RATE="$KR_BIN/ao_connrate"
TOOL=${KR_TOOL:-$KR_TOP/build/tools/tcp-authopt}
ROUNDS=${ROUNDS:-5}
BYTES=${BYTES:-$((32 << 20))}
CONNS=${CONNS:-200}
OTHERS=${OTHERS:-10000}
PORT=18900
TMP=$(mktemp -d)

ns_create A && ns_create B || exit 1
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || exit 1
ip -n "$A" addr add 10.0.1.1/24 dev veth-a
ip -n "$B" addr add 10.0.1.2/24 dev veth-b
ip -n "$A" link set veth-a up
ip -n "$B" link set veth-b up
# 10,001 keys on one socket need more option memory than the default
# (upstream charges TCP-AO keys to the same limit). 6.12 has it per
# namespace, 6.1 only in the initial one.
sysctl -qw net.core.optmem_max=$((64 << 20))
ip netns exec "$B" sysctl -qw net.core.optmem_max=$((64 << 20)) 2>/dev/null

# bulk MODE: one transfer A -> B; prints the receiver's MB/s.
bulk() {
	local sargs cargs spid

	case $1 in
	plain) sargs="" cargs="" ;;
	md5) sargs="-M bench-md5-key:10.0.1.1" cargs="-M bench-md5-key:10.0.1.2" ;;
	ao) sargs="-k 1:1:hmac(sha1):bench-ao-key:10.0.1.1/32"
	    cargs="-k 1:1:hmac(sha1):bench-ao-key:10.0.1.2/32" ;;
	esac
	PORT=$((PORT + 1))
	# shellcheck disable=SC2086
	ip netns exec "$B" "$XFER" -l 10.0.1.2 -p "$PORT" -n 0 -N "$BYTES" $sargs \
		> "$TMP/server" 2>&1 &
	spid=$!
	for _ in $(seq 100); do
		grep -q listening "$TMP/server" && break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	ip netns exec "$A" "$XFER" -c 10.0.1.2 -p "$PORT" -n "$BYTES" -N 0 $cargs \
		> "$TMP/client" 2>&1 || { cat "$TMP/client" >&2; return 1; }
	wait "$spid" || { cat "$TMP/server" >&2; return 1; }
	sed -n 's/^elapsed .*, \([0-9.]*\) MB\/s$/\1/p' "$TMP/server"
}

# setup KEYS: connection rate with KEYS other peers' keys on the listener.
setup() {
	local key="1:1:hmac(sha1):bench-ao-key" spid

	PORT=$((PORT + 1))
	ip netns exec "$B" "$RATE" -l 10.0.1.2 -p "$PORT" -k "$key:10.0.1.1/32" \
		-K "$1" -n "$CONNS" > "$TMP/server" 2>&1 &
	spid=$!
	for _ in $(seq 600); do
		grep -q listening "$TMP/server" && break
		sleep 0.1
	done
	ip netns exec "$A" "$RATE" -c 10.0.1.2 -p "$PORT" -k "$key:10.0.1.2/32" \
		-n "$CONNS" > "$TMP/client" 2>&1 || { cat "$TMP/client" >&2; return 1; }
	wait "$spid" || { cat "$TMP/server" >&2; return 1; }
	sed -n 's/.* \([0-9.]*\) conn\/s$/\1/p' "$TMP/client"
}

# setup_chain KEYS: the same, with no socket keys: the namespaces' key
# chains (tcp-authopt -batch) protect the connections, and B's chain holds
# KEYS other peers' keys.
setup_chain() {
	local i spid

	printf '%s' bench-ao-key > "$TMP/key"
	{
		echo "key add peer 10.0.1.1 send-id 1 recv-id 1 alg hmac(sha1) key-file $TMP/key"
		for i in $(seq 0 $(($1 - 1))); do
			echo "key add peer 10.200.$((i >> 8)).$((i & 255)) send-id 1 recv-id 1 alg hmac(sha1) key-file $TMP/key"
		done
	} > "$TMP/chain.add"
	sed 's/^key add \(peer [^ ]*\).*/key del \1 send-id 1 recv-id 1/' "$TMP/chain.add" > "$TMP/chain.del"
	ip netns exec "$B" "$TOOL" -batch "$TMP/chain.add" || return 1
	ip netns exec "$A" "$TOOL" key add peer 10.0.1.2 send-id 1 recv-id 1 \
		alg 'hmac(sha1)' key-file "$TMP/key" || return 1
	PORT=$((PORT + 1))
	ip netns exec "$B" "$RATE" -l 10.0.1.2 -p "$PORT" -n "$CONNS" > "$TMP/server" 2>&1 &
	spid=$!
	for _ in $(seq 600); do
		grep -q listening "$TMP/server" && break
		sleep 0.1
	done
	ip netns exec "$A" "$RATE" -c 10.0.1.2 -p "$PORT" -n "$CONNS" > "$TMP/client" 2>&1 ||
		{ cat "$TMP/client" >&2; return 1; }
	wait "$spid" || { cat "$TMP/server" >&2; return 1; }
	ip netns exec "$B" "$TOOL" -batch "$TMP/chain.del" || return 1
	ip netns exec "$A" "$TOOL" key del peer 10.0.1.2 send-id 1 recv-id 1 || return 1
	# Every connection was signed: B verified at least 3 segments of each.
	sed -n 's/.* \([0-9.]*\) conn\/s$/\1/p' "$TMP/client"
}

# run_setup NAME FUNC ARGS...: run a setup measurement and print its
# rate; a "#" line tells how many SYNs the client had to send again (each
# costs a second, which is what makes a rate an outlier).
run_setup() {
	local name=$1 syn v

	shift
	syn=$(tcpext "$A" TCPSynRetrans)
	v=$("$@") || return 1
	syn=$(($(tcpext "$A" TCPSynRetrans) - syn))
	echo "# $name: $v conn/s, $syn SYNs retransmitted" >&2
	echo "$v"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

status=0
for r in $(seq "$ROUNDS"); do
	modes="plain md5 ao"
	[ $((r % 2)) = 0 ] && modes="plain ao md5"
	for mode in $modes; do
		v=$(bulk $mode) || status=1
		echo "$r $v" >> "$TMP/bulk.$mode"
		echo "# round $r: $mode $v MB/s"
	done
	for keys in 0 "$OTHERS"; do
		v=$(run_setup "socket keys $keys" setup "$keys") || status=1
		echo "$v" >> "$TMP/setup.$keys"
		echo "# round $r: setup with $((keys + 1)) keys $v conn/s"
	done
	for keys in 0 "$OTHERS"; do
		good=$(counter tcp_authopt TCPAOGood "$B")
		v=$(run_setup "chain keys $keys" setup_chain "$keys") || status=1
		good=$(($(counter tcp_authopt TCPAOGood "$B") - good))
		[ "$good" -ge $((3 * CONNS)) ] ||
			{ echo "# chain setup: only $good segments verified"; status=1; }
		echo "$v" >> "$TMP/chain.$keys"
		echo "# round $r: setup with $((keys + 1)) namespace keys $v conn/s"
	done
done
plain=$(awk '{ print $2 }' "$TMP/bulk.plain" | median)
md5=$(awk '{ print $2 }' "$TMP/bulk.md5" | median)
ao=$(awk '{ print $2 }' "$TMP/bulk.ao" | median)
read -r -a pr <<< "$(paired "$TMP/bulk.ao" "$TMP/bulk.md5")"
one=$(median < "$TMP/setup.0")
many=$(median < "$TMP/setup.$OTHERS")
chain_one=$(median < "$TMP/chain.0")
chain_many=$(median < "$TMP/chain.$OTHERS")
echo "bench: tcp_authopt bulk MB/s (median of $ROUNDS x $((BYTES >> 20)) MiB): plain $plain, TCP-MD5 $md5, TCP-AO $ao"
echo "bench: tcp_authopt TCP-AO/TCP-MD5 ${pr[0]} (median of ${pr[3]} paired rounds, range ${pr[1]}-${pr[2]}; target >= 0.9: $(verdict "${pr[0]}" 0.9)), TCP-AO/plain $(ratio "$ao" "$plain")"
echo "bench: tcp_authopt setup conn/s (median of $ROUNDS x $CONNS): 1 key $one, $((OTHERS + 1)) keys $many"
echo "bench: tcp_authopt setup $((OTHERS + 1)) keys/1 key $(ratio "$many" "$one") (target >= 0.9)"
echo "bench: tcp_authopt namespace-key setup conn/s (median of $ROUNDS x $CONNS): 1 key $chain_one, $((OTHERS + 1)) keys $chain_many"
echo "bench: tcp_authopt namespace-key setup $((OTHERS + 1)) keys/1 key $(ratio "$chain_many" "$chain_one") (target >= 0.9)"
rm -rf "$TMP"
exit $status
