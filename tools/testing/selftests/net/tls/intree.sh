#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run keyroll's kTLS tests against the kernel's own (in-tree) tls.ko, to
# prove that they discriminate: every case outside the rekey fixture must
# pass there, and every rekey case must fail because the in-tree module
# refuses the second key with EBUSY (the tests print KR_REKEY_EBUSY then).
# The KeyUpdate program must stop at its first rekey with EBUSY too.
#
# keyroll's tls.ko, if the runner loaded it, is unloaded first and put
# back at the end, so that the runner finds the state it left.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tls_lib.sh"

BIN=${KR_BIN:-$KR_TOP/build/selftests/net/tls}
OUT=$(mktemp -d /tmp/kr-intree.XXXXXX)

# Every case outside tls_rekey passes (or skips, with its reason).
test_non_rekey_pass() {
	KR_TLS_REKEY=skip "$BIN/tls" -F tls_rekey > "$OUT/plain" 2>&1
	local rc=$?
	sed -n '/^# \(FAILED\|PASSED\|Totals\)/p; /FAIL /p' "$OUT/plain" |
		while read -r l; do log "$l"; done
	[ $rc -eq 0 ] || fail "non-rekey cases failed on the in-tree module (rc $rc)"
}

# Every rekey case fails, and each one with the EBUSY marker.
test_rekey_ebusy() {
	local total bad
	KR_TLS_REKEY=expect "$BIN/tls" -f tls_rekey > "$OUT/rekey" 2>&1
	# one line per case: "<name> <ok|fail> <marker seen 0/1>"
	awk '
	/^#  RUN / { name = $3; mark = 0; next }
	/KR_REKEY_EBUSY/ { mark = 1 }
	/^ok [0-9]/ { print name, "ok", mark }
	/^not ok [0-9]/ { print name, "fail", mark }
	' "$OUT/rekey" > "$OUT/cases"
	total=$(wc -l < "$OUT/cases")
	bad=$(awk '$2 != "fail" || $3 != 1' "$OUT/cases")
	log "rekey cases: $total, failing with EBUSY: $(awk '$2 == "fail" && $3 == 1' "$OUT/cases" | wc -l)"
	[ "$total" -ge 40 ] || { fail "expected at least 40 rekey cases, saw $total"; return 1; }
	if [ -n "$bad" ]; then
		echo "$bad" | while read -r l; do log "not an EBUSY failure: $l"; done
		fail "some rekey cases did not fail with EBUSY on the in-tree module"
		return 1
	fi
}

# The KeyUpdate program reaches its first rekey and reports EBUSY.
test_keyupdate_ebusy() {
	[ -x "$BIN/ktls_keyupdate" ] || { log "no ktls_keyupdate binary"; return "$KSFT_SKIP"; }
	KR_TLS_REKEY=expect "$BIN/ktls_keyupdate" -s 4 > "$OUT/ku" 2>&1
	local rc=$?
	tail -n 3 "$OUT/ku" | while read -r l; do log "$l"; done
	[ $rc -ne 0 ] || { fail "ktls_keyupdate passed on the in-tree module"; return 1; }
	grep -q KR_REKEY_EBUSY "$OUT/ku" ||
		fail "ktls_keyupdate failed, but not with a rekey refused by EBUSY"
}

tap_plan 3
if tls_load_intree; then
	run_test intree_non_rekey_cases_pass test_non_rekey_pass
	run_test intree_rekey_cases_fail_ebusy test_rekey_ebusy
	run_test intree_keyupdate_fails_ebusy test_keyupdate_ebusy
else
	tap_fail intree_non_rekey_cases_pass
	tap_fail intree_rekey_cases_fail_ebusy
	tap_fail intree_keyupdate_fails_ebusy
fi
tls_restore
rm -rf "$OUT"
tap_finish
