#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run upstream Linux's own selftests for TCP-AO (tools/testing/selftests/
# net/tcp_ao) and kTLS (net/tls.c) against keyroll's modules, in a guest of
# each target kernel: an independent check of uAPI and behaviour. Their
# sources come from Debian's linux-source-6.12 (whose tls.c already has the
# Linux 6.14 rekey tests), unpacked into the cache at build time, never
# into the repository. Not part of make check (it takes ~10 minutes a
# kernel); see README's status table for the last results.
#
# Usage: [KVER=<kver>] scripts/upstream-tests.sh [tcp_ao|tls]... (default: both,
# on every target kernel)
#
# What differs from a run on a kernel with TCP-AO built in, and how:
#  - counters: upstream reads TcpExt TCPAO* from /proc/net/netstat, which a
#    module cannot extend; upstream_shim.so (LD_PRELOAD) appends the
#    module's /proc/net/tcp_authopt_stat, which has the same names;
#  - tls.c as shipped in linux-source-6.12 does not compile (its rekey
#    tests call tls_crypto_info_init() with a key-generation argument its
#    definition lacks); kr_tls_compat.h drops that argument by a macro;
#  - SM4 and ARIA variants are left out: Debian's kernels have neither
#    cipher, so the in-tree module cannot run them either.

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
KR_CACHE=${KR_CACHE:-/var/cache/keyroll}
SRC=$KR_CACHE/upstream
OUT=$TOP/build/upstream
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(tcp_ao tls)

unpack() {
	local tarball tmp
	[ -f "$SRC/.complete" ] && return 0
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || { echo "no linux-source-6.12 (scripts/deps.sh)" >&2; exit 1; }
	tmp=$(mktemp -d "$KR_CACHE/.upstream.XXXXXX")
	tar -C "$tmp" -xf "$tarball" \
		linux-source-6.12/tools/testing/selftests/net/tcp_ao \
		linux-source-6.12/tools/testing/selftests/net/tls.c \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/include \
		linux-source-6.12/include/uapi/linux/tcp.h \
		linux-source-6.12/include/uapi/linux/tls.h
	rm -rf "$SRC"
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
	touch "$SRC/.complete"
}

# build_tcp_ao_in DIR TCP_H: the tcp_ao binaries and the shim into DIR,
# compiled against the uAPI tcp.h TCP_H.
build_tcp_ao_in() {
	local d=$SRC/tools/testing/selftests/net/tcp_ao o=$1 f t ex
	local cflags=(-O2 -g -Wall -D_GNU_SOURCE -fno-strict-aliasing
		      -I"$o/uapi" -I"$SRC/tools/include" -iquote "$d/lib")

	mkdir -p "$o/lib" "$o/uapi/linux"
	cp "$2" "$o/uapi/linux/tcp.h"
	for f in "$d"/lib/*.c; do
		gcc "${cflags[@]}" -c "$f" -o "$o/lib/$(basename "$f" .c).o" || return 1
	done
	ar rcs "$o/libaotst.a" "$o"/lib/*.o
	for f in "$d"/*.c; do
		t=$(basename "$f" .c)
		ex=()
		[ "$t" = icmps-accept ] && ex=(-DTEST_ICMPS_ACCEPT)
		gcc "${cflags[@]}" "${ex[@]}" "$f" "$o/libaotst.a" -pthread -lm \
			-o "$o/${t}_ipv4" || return 1
		gcc "${cflags[@]}" "${ex[@]}" -DIPV6_TEST "$f" "$o/libaotst.a" \
			-pthread -lm -o "$o/${t}_ipv6" || return 1
	done
	gcc -O2 -Wall -shared -fPIC \
		"$TOP/tools/testing/selftests/net/tcp_authopt/upstream_shim.c" \
		-o "$o/upstream_shim.so" -ldl
}

# Two builds. The repair helpers insist that TCP_INFO returns exactly
# sizeof(struct tcp_info), which 6.1's shorter struct never does for a
# binary built with 6.12's tcp.h; the tcp_ao-6.1 build takes 6.12's tcp.h
# (TCP-AO's uAPI) with struct tcp_info as 6.1's headers define it.
build_tcp_ao() {
	local k61 h61 tcp61=$OUT/tcp.h-6.1

	build_tcp_ao_in "$OUT/tcp_ao" "$SRC/include/uapi/linux/tcp.h" || return 1
	k61=$("$TOP/scripts/kernels.sh" | grep '^6\.1\.' | tail -n 1)
	[ -n "$k61" ] || return 0
	h61=/usr/src/linux-headers-${k61%-amd64}-common/include/uapi/linux/tcp.h
	[ -f "$h61" ] || { echo "upstream: no $h61" >&2; return 1; }
	awk -v h61="$h61" '
	BEGIN {
		while ((getline l < h61) > 0) {
			if (l ~ /^struct tcp_info \{/) on = 1
			if (on) info = info l "\n"
			if (on && l ~ /^};/) on = 0
		}
	}
	/^struct tcp_info \{/ { skip = 1; printf "%s", info; next }
	skip { if ($0 ~ /^};/) skip = 0; next }
	{ print }
	' "$SRC/include/uapi/linux/tcp.h" > "$tcp61"
	grep -q 'tcpi_total_rto_time' "$tcp61" && { echo "upstream: tcp_info not replaced" >&2; return 1; }
	build_tcp_ao_in "$OUT/tcp_ao-6.1" "$tcp61"
}

build_tls() {
	local d=$SRC/tools/testing/selftests/net o=$OUT/tls

	mkdir -p "$o"
	gcc -O2 -include "$TOP/tools/testing/selftests/net/tls/kr_tls_compat.h" \
		-I"$SRC/tools/testing/selftests" -I"$TOP/include/uapi" \
		"$d/tls.c" -o "$o/tls" -lpthread
}

unpack
for s in "${SUITES[@]}"; do
	"build_$s" || { echo "upstream: building $s failed" >&2; exit 1; }
done

# The guest's part: load the module, run every binary, summarise.
guest=$OUT/guest.sh
cat > "$guest" <<EOF
#!/bin/bash
cd "$TOP/tools/testing/selftests/net" && . ./lib.sh
for s in ${SUITES[*]}; do
	case \$s in
	tcp_ao)
		module_reload tcp_authopt || { echo "not ok tcp_ao: module"; continue; }
		bin=$OUT/tcp_ao
		case \$(uname -r) in 6.1.*) bin=$OUT/tcp_ao-6.1 ;; esac
		for t in \$bin/*_ipv[46]; do
			LD_PRELOAD=\$bin/upstream_shim.so timeout 150 "\$t" \\
				> /tmp/up.out 2>&1
			echo "# \$(basename "\$t"): \$(grep '^# Totals' /tmp/up.out)"
			grep '^not ok' /tmp/up.out | sed "s|^|#   |"
		done
		rmmod tcp_authopt ;;
	tls)
		( cd tls && . ./tls_lib.sh && tls_load_keyroll ) ||
			{ echo "not ok tls: module"; continue; }
		$OUT/tls/tls -V 13_sm4_gcm -V 13_sm4_ccm -V 12_aria_gcm \\
			-V 12_aria_gcm_256 > /tmp/up.out 2>&1
		echo "# tls.c: \$(grep '^# Totals' /tmp/up.out)"
		grep '^not ok' /tmp/up.out | sed "s|^|#   |" ;;
	esac
done
EOF
chmod +x "$guest"

for kver in ${KVER:-$("$TOP/scripts/kernels.sh")}; do
	echo "# upstream selftests on $kver"
	"$TOP/scripts/vm.sh" -k "$kver" -t 2400 -- "$guest" 2>&1 | grep '^#'
done
