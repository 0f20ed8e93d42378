/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP-AO cryptography (RFC 5926): traffic-key derivation and MACs.
 */
#ifndef _TCP_AUTHOPT_CRYPTO_H
#define _TCP_AUTHOPT_CRYPTO_H

#include <crypto/hash.h>
#include <linux/list.h>
#include <linux/skbuff.h>

/**
 * struct tcp_authopt_alg - a MAC algorithm and its per-CPU transforms
 * @list: entry in the list of algorithms allocated so far
 * @name: crypto API name, e.g. "hmac(sha1)" or "cmac(aes)"
 * @cmac: KDF_AES_128_CMAC key rule: master keys that are not one AES
 *	block long are first reduced with CMAC under an all-zero key
 * @digest_size: untruncated MAC length, also the traffic key length
 * @tfm: one transform per CPU; keyed and used with bottom halves off
 * @hash: for an HMAC, the bare hash (one transform per CPU), else NULL
 * @prep_size: for an HMAC, the bytes of a prepared traffic key (the
 *	hash's state after the inner and after the outer key block), else 0
 */
struct tcp_authopt_alg {
	struct list_head list;
	char name[CRYPTO_MAX_ALG_NAME];
	bool cmac;
	unsigned int digest_size;
	struct crypto_shash * __percpu *tfm;
	struct crypto_shash * __percpu *hash;
	unsigned int prep_size;
};

/**
 * struct tcp_authopt_mac_params - what a MAC of one segment depends on
 * @alg: MAC algorithm
 * @traffic_key: traffic key of this direction, @alg->digest_size bytes
 * @sne: sequence number extension of the segment (RFC 5925 section 6.2)
 * @exclude_opts: hash only the TCP-AO option of the header's options
 *	(RFC 5925 section 5.1)
 * @maclen: MAC length on the wire
 * @prep: @traffic_key as tcp_authopt_hmac_prepare() left it, or NULL
 */
struct tcp_authopt_mac_params {
	struct tcp_authopt_alg *alg;
	const u8 *traffic_key;
	const u8 *prep;
	u32 sne;
	bool exclude_opts;
	unsigned int maclen;
};

struct tcp_authopt_alg *tcp_authopt_alg_get(const char *name);
const char *tcp_authopt_alg_alias(const char *name, unsigned int keylen,
				  bool *reduce);
void tcp_authopt_algs_exit(void);
int tcp_authopt_cmac_reduce(struct tcp_authopt_alg *alg, const u8 *key,
			    unsigned int keylen, u8 *out);
int tcp_authopt_alg_check_key(struct tcp_authopt_alg *alg, const u8 *key,
			      unsigned int keylen);

unsigned int tcp_authopt_kdf_context(u8 *ctx, const struct sk_buff *skb,
				     u32 sisn, u32 disn);
int tcp_authopt_kdf(struct tcp_authopt_alg *alg, const u8 *key,
		    unsigned int keylen, const u8 *ctx, unsigned int ctxlen,
		    u8 *traffic_key);
int tcp_authopt_hmac_prepare(struct tcp_authopt_alg *alg, const u8 *traffic_key,
			     u8 *out);
int tcp_authopt_mac_skb(const struct tcp_authopt_mac_params *p,
			struct sk_buff *skb, u8 *mac);

#endif /* _TCP_AUTHOPT_CRYPTO_H */
