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

tap_plan 3
run_test load_selftest test_load_selftest
run_test load_without_selftest test_load_without_selftest
run_test debugfs_rerun test_debugfs_rerun
tap_finish
