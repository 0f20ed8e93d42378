# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Switching between the two tls modules in a guest, for the tests and the
# benchmark that compare keyroll's tls.ko with the kernel's own: only one
# module named "tls" can be loaded at a time. Source after ../lib.sh.
#
#	tls_unload        unload whichever tls module is loaded
#	tls_load_intree   load the kernel's tls.ko (modprobe) and check it
#	tls_load_keyroll  load keyroll's freshly built tls.ko and check it
#	tls_restore       leave the state the runner set up: keyroll's
#	                  module loaded if it is built for this kernel

KR_TLS_KO=$KR_MODDIR/tls/tls.ko

# Only keyroll's module counts rekeys in /proc/net/tls_stat.
tls_is_keyroll() {
	grep -q '^TlsTxRekeyOk' /proc/net/tls_stat 2>/dev/null
}

tls_unload() {
	# Sockets just closed hold the module until a grace period passes.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		module_loaded tls || return 0
		rmmod tls 2>/dev/null && return 0
		sleep 1
	done
	log "cannot unload tls: $(grep '^tls ' /proc/modules)"
	return 1
}

# Load the in-tree module, and make sure it is the one answering.
tls_load_intree() {
	local path

	tls_unload || return 1
	modprobe tls || { fail "modprobe tls"; return 1; }
	path=$(modinfo -n tls)
	case "$path" in
	/lib/modules/*) ;;
	*) fail "modprobe loaded tls from '$path'"; return 1 ;;
	esac
	log "in-tree tls.ko: $path"
	if tls_is_keyroll; then
		fail "the loaded tls module has keyroll's rekey counters"
		return 1
	fi
}

tls_load_keyroll() {
	tls_unload || return 1
	[ -f "$KR_TLS_KO" ] || { fail "no keyroll tls.ko at $KR_TLS_KO"; return 1; }
	insmod "$KR_TLS_KO" || { fail "insmod $KR_TLS_KO"; return 1; }
	tls_is_keyroll || { fail "the loaded tls module has no rekey counters"; return 1; }
}

tls_restore() {
	tls_unload
	if [ -f "$KR_TLS_KO" ]; then
		insmod "$KR_TLS_KO" || log "FAIL: cannot insert $KR_TLS_KO back"
	fi
}
