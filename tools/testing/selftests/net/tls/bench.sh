#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: keyroll's tls.ko against the kernel's own
# (in-tree) tls.ko, and the cost of TLS 1.3 KeyUpdates, in one boot over
# one veth pair. Data always flows from A to B:
#
#   ns A (sender) veth-a 10.0.2.1/24  ---  veth-b 10.0.2.2/24 ns B (receiver)
#
# Cases (tls_bench, AES-GCM-128, 16 KiB records, MIB MiB each):
#   tx13, tx12   kTLS sender, plain TCP receiver that checks every record
#                with OpenSSL afterwards: the TX path of the module
#   rx13, rx12   records sealed by OpenSSL beforehand, kTLS receiver: the
#                RX path of the module
#   both13       kTLS at both ends
#   rekey13      kTLS at both ends and a KeyUpdate every KU_MIB MiB (keyroll
#                only: the in-tree module refuses a second key with EBUSY)
# Only one module called tls can be loaded (tls_lib.sh swaps them). The
# emulated machine's speed drifts by tens of percent within a minute, so
# the two transfers compared run back to back: in each round every case
# runs with one module and then with the other, and the module that goes
# first alternates from case to case and from round to round (the one
# loaded last stays for the next case). The KeyUpdate cost is measured
# in keyroll's both13 slot as four transfers, none-KU-KU-none or
# KU-none-none-KU by turns, and each adjacent pair gives a ratio: the
# pairs' opposite orders cancel a steady drift. Throughputs are medians
# of all transfers of a case; ratios are the median of the pairs' own
# ratios, with their range.
#
# Prints "bench: NAME VALUE" lines and the ratios against the targets
# (keyroll/in-tree >= 1.0 for TX and RX, KeyUpdate every MiB >= 0.95 of
# no KeyUpdate). A missed target is reported, not failed; a transfer
# that fails or delivers wrong data makes the exit status 1.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tls_lib.sh"

BIN=${KR_BIN:-$KR_TOP/build/selftests/net/tls}/tls_bench
ROUNDS=${ROUNDS:-5}
MIB=${MIB:-32}
KU_MIB=${KU_MIB:-1}
CASES=${CASES:-"tx13 rx13 tx12 rx12 both13"}
PORT=19400
TMP=$(mktemp -d)

[ -x "$BIN" ] || { log "FAIL: no $BIN (make selftests)"; exit 1; }
[ -f "$KR_TLS_KO" ] || { log "FAIL: no keyroll tls.ko for $(uname -r)"; exit 1; }
# Programs started from the 9p root load slowly in the guest: run a copy
# (statically linked) from tmpfs, and let it enter the namespaces itself.
BENCH=$TMP/tls_bench
cp "$BIN" "$BENCH" || exit 1

ns_create A && ns_create B || exit 1
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || exit 1
ip -n "$A" addr add 10.0.2.1/24 dev veth-a
ip -n "$B" addr add 10.0.2.2/24 dev veth-b
ip -n "$A" link set veth-a up
ip -n "$B" link set veth-b up

# xfer CASE PORT MIB [OPTION]: one transfer A -> B; prints the receiver's
# MB/s. The receiver's summary line stays in $TMP/receiver.
xfer() {
	local args spid port=$2 mib=$3 extra=${4:-}

	case $1 in
	tx13) args="-m tx -v 1.3" ;;
	tx12) args="-m tx -v 1.2" ;;
	rx13) args="-m rx -v 1.3" ;;
	rx12) args="-m rx -v 1.2" ;;
	both13) args="-m both -v 1.3" ;;
	rekey13) args="-m both -v 1.3 -k $KU_MIB" ;;
	*) log "unknown case $1" >&2; return 1 ;;
	esac
	args="$args $extra"
	# shellcheck disable=SC2086
	"$BENCH" -N "$B" -l 10.0.2.2 -p "$port" -s "$mib" $args \
		> "$TMP/receiver" 2>&1 &
	spid=$!
	wait_for "$TMP/receiver" listening
	# shellcheck disable=SC2086
	if ! "$BENCH" -N "$A" -c 10.0.2.2 -p "$port" -s "$mib" $args \
		> "$TMP/sender" 2>&1; then
		wait "$spid"
		log "FAIL: $1: sender:" >&2; sed 's/^/#   /' "$TMP/sender" >&2
		log "receiver:" >&2; sed 's/^/#   /' "$TMP/receiver" >&2
		return 1
	fi
	if ! wait "$spid"; then
		log "FAIL: $1: receiver:" >&2; sed 's/^/#   /' "$TMP/receiver" >&2
		return 1
	fi
	sed -n 's/.*elapsed .*, \([0-9.]*\) MB\/s$/\1/p' "$TMP/receiver"
}

# ku_times: "KEYUPDATES SENDER-MS RECEIVER-MS ELAPSED-S" of the last run.
ku_times() {
	local re='.*received [0-9]* MiB intact, \([0-9]*\) KeyUpdates (handled in \([0-9.]*\) ms), elapsed \([0-9.]*\) s.*'

	echo "$(sed -n "s/$re/\1/p" "$TMP/receiver")" \
		"$(sed -n 's/.*(handled in \([0-9.]*\) ms).*/\1/p' "$TMP/sender")" \
		"$(sed -n "s/$re/\2 \3/p" "$TMP/receiver")"
}

# use VARIANT: have that module loaded (keyroll or intree). The first
# connection after a load pays for setting things up: a short one first.
loaded=
shown_load=
use() {
	[ "$loaded" = "$1" ] && return 0
	loaded=
	if [ "$1" = keyroll ]; then
		tls_load_keyroll || return 1
	else
		tls_load_intree > "$TMP/load" || { cat "$TMP/load"; return 1; }
		[ -n "$shown_load" ] || cat "$TMP/load"
		shown_load=1
	fi
	loaded=$1
	PORT=$((PORT + 1))
	xfer both13 "$PORT" 1 > /dev/null
}

# run_case VARIANT CASE KEY: one measured transfer, recorded under KEY
# (the round, or the round and pair for the KeyUpdate pairs).
run_case() {
	local v

	PORT=$((PORT + 1))
	v=$(xfer "$2" "$PORT" "$MIB") || { status=1; return; }
	echo "$3 $v" >> "$TMP/$1.$2"
	echo "# round $3: $1 $2: $(sed -n 's/^received //p' "$TMP/receiver")"
	if [ "$2" = rekey13 ]; then
		ku_times >> "$TMP/ku"
	fi
}

# The AES-NI and PCLMULQDQ code of the crypto API, as udev loads it on a
# machine whose CPU has them (the guest has no udev); both modules use the
# same gcm(aes) either way.
grep -qw aes /proc/cpuinfo && modprobe aesni_intel
log "$(uname -r), keyroll tls.ko md5 $(md5sum < "$KR_TLS_KO" | cut -c1-12)," \
	"$ROUNDS rounds of $MIB MiB per case"
status=0
# The checks must be able to fail: one spoilt byte fails a transfer.
tls_load_keyroll || exit 1
for c in tx13 rx13; do
	PORT=$((PORT + 1))
	if xfer "$c" "$PORT" 1 -x > /dev/null 2>&1; then
		log "FAIL: $c with a spoilt byte passed its checks"
		status=1
	else
		log "self-check: $c with a spoilt byte fails, as it must" \
			"($(grep -h -m1 -o 'FAIL: .*' "$TMP/receiver" "$TMP/sender" | head -n 1))"
	fi
done
for r in $(seq "$ROUNDS"); do
	i=0
	for c in $CASES; do
		order="keyroll intree"
		[ $(((r + i) % 2)) = 1 ] && order="intree keyroll"
		i=$((i + 1))
		for variant in $order; do
			use "$variant" || { status=1; break 3; }
			if [ "$variant.$c" != keyroll.both13 ]; then
				run_case "$variant" "$c" "$r"
				continue
			fi
			# the first none pairs with in-tree's both13
			if [ $((r % 2)) = 1 ]; then
				run_case keyroll both13 "$r"
				run_case ku rekey13 "$r.1"
				run_case ku rekey13 "$r.2"
				run_case ku both13 "$r.2"
				sed -n "\$s/^$r /$r.1 /p" "$TMP/keyroll.both13" \
					>> "$TMP/ku.both13"
			else
				run_case ku rekey13 "$r.1"
				run_case keyroll both13 "$r"
				sed -n "\$s/^$r /$r.1 /p" "$TMP/keyroll.both13" \
					>> "$TMP/ku.both13"
				run_case ku both13 "$r.2"
				run_case ku rekey13 "$r.2"
			fi
		done
	done
done
log "gcm(aes) implementation: $(awk '/^name/ { n = $3 } /^driver/ && n == "gcm(aes)" { print $3 }' /proc/crypto | sort -u | tr '\n' ' ')"
tls_restore

m() {
	if [ -s "$TMP/$1.$2" ]; then
		awk '{ print $2 }' "$TMP/$1.$2" | median
	else
		echo 0
	fi
}

# report WHAT RATIO-FILES TARGET: the paired ratio line.
report() {
	local what=$1 target=$4 r

	read -r -a r <<< "$(paired "$2" "$3")"
	echo -n "bench: tls $what ${r[0]} (median of ${r[3]} pairs," \
		"range ${r[1]}-${r[2]}"
	if [ -n "$target" ]; then
		echo "; target >= $target: $(verdict "${r[0]}" "$target"))"
	else
		echo ")"
	fi
}

for c in $CASES; do
	case $c in
	tx13) what="TLS 1.3 TX" ;;
	rx13) what="TLS 1.3 RX" ;;
	tx12) what="TLS 1.2 TX" ;;
	rx12) what="TLS 1.2 RX" ;;
	both13) what="TLS 1.3 kTLS both ends" ;;
	esac
	echo "bench: tls $what MB/s (median of $ROUNDS x $MIB MiB):" \
		"keyroll $(m keyroll "$c"), in-tree $(m intree "$c")"
	target=1.0
	[ "$c" = both13 ] && target=""
	report "$what keyroll/in-tree" "$TMP/keyroll.$c" "$TMP/intree.$c" "$target"
done
# The KeyUpdate pairs run in keyroll's both13 slot: none without both13.
if [ -s "$TMP/ku.rekey13" ]; then
	echo "bench: tls TLS 1.3 keyroll MB/s (median of $((2 * ROUNDS)) x $MIB MiB):" \
		"KeyUpdate every $KU_MIB MiB $(m ku rekey13), none $(m ku both13)"
	report "TLS 1.3 KeyUpdate every $KU_MIB MiB/none" "$TMP/ku.rekey13" \
		"$TMP/ku.both13" 0.95
fi
# What the KeyUpdates themselves took, timed by each end around its
# KeyUpdate code (record, key derivation, setsockopt; the receiver's
# EKEYEXPIRED check): a measure of the cost that the drift between
# transfers does not blur.
if [ -s "$TMP/ku" ]; then
	awk '$1 > 0 && $4 > 0 {
		print $2 * 1000 / $1, $3 * 1000 / $1, $2 / 10 / $4, $3 / 10 / $4
	}' "$TMP/ku" > "$TMP/ku.per"
	col() {
		awk -v c="$1" -v f="%.$2f\n" '{ printf f, $c }' "$TMP/ku.per" | median
	}
	echo "bench: tls TLS 1.3 KeyUpdate handling per update (median of" \
		"$(wc -l < "$TMP/ku.per") runs): sender $(col 1 0) us, receiver" \
		"$(col 2 0) us; $(col 3 2)% and $(col 4 2)% of the transfer time"
fi
rm -rf "$TMP"
exit $status
