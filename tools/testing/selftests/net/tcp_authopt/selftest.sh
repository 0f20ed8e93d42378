#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RFC 9235 self-test of the crypto core: loading with selftest=1 runs
# all 32 published packets (IPv4/IPv6 x HMAC-SHA-1-96/AES-128-CMAC-96 x
# options included/excluded), prints one pass line with the count and
# counts each vector; a load without it runs nothing.

. "$(dirname "$0")/../lib.sh"

VECTORS=32

test_load_selftest() {
	local mark out pass fail rc

	mark=$(kmsg_mark)
	module_reload tcp_authopt selftest=1
	rc=$?
	out=$(kmsg_since "$mark" | grep 'tcp_authopt: RFC 9235')
	log "$out"
	[ $rc -eq 0 ] || fail "load with selftest=1 failed" || return
	echo "$out" | grep -q "tcp_authopt: RFC 9235 self-tests: $VECTORS vectors pass$" ||
		fail "no pass line for $VECTORS vectors" || return
	pass=$(counter tcp_authopt TCPAOSelfTestPass)
	fail=$(counter tcp_authopt TCPAOSelfTestFail)
	expect_eq TCPAOSelfTestPass "$VECTORS" "$pass" &&
	expect_eq TCPAOSelfTestFail 0 "$fail"
}

test_load_without_selftest() {
	local mark

	mark=$(kmsg_mark)
	module_reload tcp_authopt || fail "plain load failed" || return
	kmsg_since "$mark" | grep -q 'self-tests' && fail "self-test ran without selftest=1"
	expect_eq TCPAOSelfTestPass 0 "$(counter tcp_authopt TCPAOSelfTestPass)"
}

test_debugfs_rerun() {
	local knob=/sys/kernel/debug/tcp_authopt/selftest

	[ -w "$knob" ] || { log "no $knob"; return "$KSFT_SKIP"; }
	module_reload tcp_authopt || return 1
	echo 1 > "$knob" || fail "write to $knob failed" || return
	echo 1 > "$knob" || fail "write to $knob failed" || return
	expect_eq TCPAOSelfTestPass $((2 * VECTORS)) "$(counter tcp_authopt TCPAOSelfTestPass)"
}

# A socket with a TCP-AO key holds the module: rmmod is refused until the
# socket is closed, then succeeds.
test_unload_refused_while_in_use() {
	local rc

	module_reload tcp_authopt || return 1
	rm -f /tmp/ao-socket-ready /tmp/ao-socket-release
	# The socket lives until the test says so (python starts slowly in a
	# busy emulated guest: nothing here depends on timing).
	/usr/bin/python3 - <<'PY' &
import os, socket, struct, time
s = socket.socket()
k = bytearray(288)
struct.pack_into("=H", k, 0, socket.AF_INET)
k[4:8] = socket.inet_aton("10.9.9.9")
k[128:128 + 10] = b"hmac(sha1)"
k[202], k[203], k[204], k[207] = 32, 1, 1, 6
k[208:214] = b"secret"
s.setsockopt(socket.IPPROTO_TCP, 38, bytes(k))
open("/tmp/ao-socket-ready", "w").close()
while not os.path.exists("/tmp/ao-socket-release"):
    time.sleep(0.1)
s.close()
PY
	for _ in $(seq 600); do
		[ -e /tmp/ao-socket-ready ] && break
		sleep 0.2
	done
	if [ ! -e /tmp/ao-socket-ready ]; then
		touch /tmp/ao-socket-release
		wait
		fail "the socket with a key was not made"
		return
	fi
	rmmod tcp_authopt 2>/dev/null
	rc=$?
	touch /tmp/ao-socket-release
	wait
	rm -f /tmp/ao-socket-ready /tmp/ao-socket-release
	[ $rc -ne 0 ] || fail "rmmod succeeded while a socket had a TCP-AO key" || return
	for _ in $(seq 10); do
		rmmod tcp_authopt 2>/dev/null && break
		sleep 0.5
	done
	! module_loaded tcp_authopt || fail "rmmod still refused after the socket closed" || return
	module_reload tcp_authopt
}

tap_plan 4
run_test load_selftest test_load_selftest
run_test load_without_selftest test_load_without_selftest
run_test debugfs_rerun test_debugfs_rerun
run_test unload_refused_while_in_use test_unload_refused_while_in_use
tap_finish
