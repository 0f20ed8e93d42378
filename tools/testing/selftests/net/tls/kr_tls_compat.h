/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into upstream's tls.c by scripts/upstream-tests.sh. The copy in
 * Debian's linux-source-6.12 has the Linux 6.14 rekey tests, which pass a
 * fourth argument (a key generation) to tls_crypto_info_init(), while its
 * definition still takes three. This macro renames the function and drops
 * the fourth argument wherever there is one: rekeyed keys then repeat the
 * old key bytes, which the rekey tests do not depend on.
 */
#define tls_crypto_info_init(version, cipher, info, ...) \
	kr_tls_crypto_info_init(version, cipher, info)
