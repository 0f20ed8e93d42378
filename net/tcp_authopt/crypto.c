// SPDX-License-Identifier: GPL-2.0
/*
 * TCP-AO cryptography (RFC 5926).
 *
 * Algorithms are looked up by crypto API name and shared: each has one
 * shash transform per CPU, keyed for every use with bottom halves disabled,
 * so process context and softirq never race on a transform. An HMAC also
 * gets its bare hash: a connection's traffic keys are then prepared once
 * (RFC 2104's inner and outer key blocks hashed ahead), and a segment's
 * MAC needs no keying and two blocks less hashing. An algorithm,
 * once allocated, stays until the module goes: keys can then be freed from
 * any context without taking a reference count down to a sleeping free.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "crypto.h"
#include "option.h"
#include "protocol.h"

static LIST_HEAD(tcp_authopt_algs);
static DEFINE_MUTEX(tcp_authopt_algs_lock);

static void tcp_authopt_tfms_free(struct crypto_shash * __percpu *tfms)
{
	int cpu;

	if (!tfms)
		return;
	for_each_possible_cpu(cpu) {
		struct crypto_shash *tfm = *per_cpu_ptr(tfms, cpu);

		if (!IS_ERR_OR_NULL(tfm))
			crypto_free_shash(tfm);
	}
	free_percpu(tfms);
}

/* One transform of @name per CPU into *@out; 0 or a negative errno. */
static int tcp_authopt_tfms_alloc(const char *name,
				  struct crypto_shash * __percpu **out)
{
	struct crypto_shash * __percpu *tfms;
	struct crypto_shash *tfm;
	int cpu;

	tfms = alloc_percpu(struct crypto_shash *);
	if (!tfms)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		tfm = crypto_alloc_shash(name, 0, 0);
		if (IS_ERR(tfm)) {
			tcp_authopt_tfms_free(tfms);
			return PTR_ERR(tfm);
		}
		*per_cpu_ptr(tfms, cpu) = tfm;
	}
	*out = tfms;
	return 0;
}

static void tcp_authopt_alg_free(struct tcp_authopt_alg *alg)
{
	tcp_authopt_tfms_free(alg->tfm);
	tcp_authopt_tfms_free(alg->hash);
	kfree(alg);
}

/*
 * The bare hash of "hmac(NAME)", for prepared traffic keys. Without it
 * (another algorithm, or a hash whose key would not fit one block) every
 * MAC keys the HMAC transform instead.
 */
static void tcp_authopt_alg_hmac_hash(struct tcp_authopt_alg *alg)
{
	char inner[CRYPTO_MAX_ALG_NAME];
	struct crypto_shash * __percpu *hash;
	struct crypto_shash *tfm;
	size_t len = strlen(alg->name);

	if (strncmp(alg->name, "hmac(", 5) || alg->name[len - 1] != ')')
		return;
	strscpy(inner, alg->name + 5, min(len - 5, sizeof(inner)));
	if (tcp_authopt_tfms_alloc(inner, &hash))
		return;
	tfm = *this_cpu_ptr(hash);
	if (crypto_shash_digestsize(tfm) != alg->digest_size ||
	    crypto_shash_blocksize(tfm) < alg->digest_size ||
	    crypto_shash_blocksize(tfm) > TCP_AUTHOPT_HMAC_MAX_BLOCK) {
		tcp_authopt_tfms_free(hash);
		return;
	}
	alg->hash = hash;
	alg->prep_size = 2 * crypto_shash_statesize(tfm);
}

static struct tcp_authopt_alg *tcp_authopt_alg_new(const char *name)
{
	struct tcp_authopt_alg *alg;
	int err;

	alg = kzalloc(sizeof(*alg), GFP_KERNEL);
	if (!alg)
		return ERR_PTR(-ENOMEM);
	if (strscpy(alg->name, name, sizeof(alg->name)) < 0) {
		err = -ENOENT;
		goto err_free;
	}
	err = tcp_authopt_tfms_alloc(name, &alg->tfm);
	if (err)
		goto err_free;
	alg->digest_size = crypto_shash_digestsize(*this_cpu_ptr(alg->tfm));
	alg->cmac = !strncmp(name, "cmac(", 5);
	tcp_authopt_alg_hmac_hash(alg);
	return alg;

err_free:
	kfree(alg);
	return ERR_PTR(err);
}

/**
 * tcp_authopt_alg_alias() - the crypto API name of a key's algorithm
 * @name: the name the user gave
 * @keylen: the length of the user's key
 * @reduce: set to whether the key must be reduced to 16 bytes first
 *
 * RFC 5926 section 3.1.1.2: "cmac(aes128)" (upstream's name) is AES-128-CMAC,
 * "cmac(aes)" to the crypto API, with a key of another length than 16
 * reduced by AES-CMAC under a zero key.
 *
 * Return: the name to look up.
 */
const char *tcp_authopt_alg_alias(const char *name, unsigned int keylen,
				  bool *reduce)
{
	*reduce = false;
	if (strcmp(name, "cmac(aes128)"))
		return name;
	*reduce = keylen != TCP_AUTHOPT_CMAC_KEYLEN;
	return "cmac(aes)";
}

/**
 * tcp_authopt_alg_get() - find or allocate a MAC algorithm
 * @name: crypto API name of a keyed hash, e.g. "hmac(sha1)"
 *
 * Context: process context, may sleep.
 * Return: the algorithm, or an ERR_PTR (-ENOENT for an unknown algorithm).
 */
struct tcp_authopt_alg *tcp_authopt_alg_get(const char *name)
{
	struct tcp_authopt_alg *alg;

	mutex_lock(&tcp_authopt_algs_lock);
	list_for_each_entry(alg, &tcp_authopt_algs, list) {
		if (!strcmp(alg->name, name))
			goto out;
	}
	alg = tcp_authopt_alg_new(name);
	if (!IS_ERR(alg))
		list_add(&alg->list, &tcp_authopt_algs);
out:
	mutex_unlock(&tcp_authopt_algs_lock);
	return alg;
}

/* Free every algorithm; no key may use one any more. */
void tcp_authopt_algs_exit(void)
{
	struct tcp_authopt_alg *alg, *n;

	list_for_each_entry_safe(alg, n, &tcp_authopt_algs, list) {
		list_del(&alg->list);
		tcp_authopt_alg_free(alg);
	}
}

/**
 * tcp_authopt_kdf_context() - build the KDF context of a segment's sender
 * @ctx: output, at least TCP_AUTHOPT_MAX_CONTEXT_LEN bytes
 * @skb: a segment with network and transport headers set
 * @sisn: the ISN of the segment's sender
 * @disn: the ISN of its receiver (zero when deriving SYN keys)
 *
 * RFC 5925 section 5.2: addresses, ports and ISNs, all in network order.
 *
 * Return: the context length.
 */
unsigned int tcp_authopt_kdf_context(u8 *ctx, const struct sk_buff *skb,
				     u32 sisn, u32 disn)
{
	const struct tcphdr *th = tcp_hdr(skb);
	__be32 isn[2] = { htonl(sisn), htonl(disn) };
	unsigned int len;

	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		memcpy(ctx, &iph->saddr, 4);
		memcpy(ctx + 4, &iph->daddr, 4);
		len = 8;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		memcpy(ctx, &ip6h->saddr, 16);
		memcpy(ctx + 16, &ip6h->daddr, 16);
		len = 32;
	}
	memcpy(ctx + len, &th->source, 2);
	memcpy(ctx + len + 2, &th->dest, 2);
	memcpy(ctx + len + 4, isn, sizeof(isn));
	return len + 4 + sizeof(isn);
}

static int tcp_authopt_kdf_setkey(struct tcp_authopt_alg *alg,
				  struct crypto_shash *tfm, const u8 *key,
				  unsigned int keylen)
{
	static const u8 zero_key[TCP_AUTHOPT_CMAC_KEYLEN];
	u8 block_key[TCP_AUTHOPT_CMAC_KEYLEN];
	int err;

	if (!alg->cmac || keylen == TCP_AUTHOPT_CMAC_KEYLEN)
		return crypto_shash_setkey(tfm, key, keylen);

	/* RFC 5926 section 3.1.1.2: K = AES-CMAC(0^128, master key) */
	err = crypto_shash_setkey(tfm, zero_key, sizeof(zero_key)) ?:
	      crypto_shash_tfm_digest(tfm, key, keylen, block_key) ?:
	      crypto_shash_setkey(tfm, block_key, sizeof(block_key));
	memzero_explicit(block_key, sizeof(block_key));
	return err;
}

/**
 * tcp_authopt_kdf() - derive a traffic key (RFC 5926 section 3.1)
 * @alg: the key's algorithm
 * @key: master key
 * @keylen: master key length
 * @ctx: context from tcp_authopt_kdf_context()
 * @ctxlen: its length
 * @traffic_key: output, @alg->digest_size bytes
 *
 * Return: 0 or a negative errno from the crypto API.
 */
int tcp_authopt_kdf(struct tcp_authopt_alg *alg, const u8 *key,
		    unsigned int keylen, const u8 *ctx, unsigned int ctxlen,
		    u8 *traffic_key)
{
	__be16 bits = htons(alg->digest_size * 8);
	const u8 counter = TCP_AUTHOPT_KDF_COUNTER;
	struct crypto_shash *tfm;
	int err;

	local_bh_disable();
	tfm = *this_cpu_ptr(alg->tfm);
	err = tcp_authopt_kdf_setkey(alg, tfm, key, keylen);
	if (!err) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, &counter, 1) ?:
		      crypto_shash_update(desc, TCP_AUTHOPT_KDF_LABEL,
					  strlen(TCP_AUTHOPT_KDF_LABEL)) ?:
		      crypto_shash_update(desc, ctx, ctxlen) ?:
		      crypto_shash_update(desc, (u8 *)&bits, sizeof(bits)) ?:
		      crypto_shash_final(desc, traffic_key);
		shash_desc_zero(desc);
	}
	local_bh_enable();
	return err;
}

/**
 * tcp_authopt_hmac_prepare() - hash an HMAC traffic key's pad blocks ahead
 * @alg: an algorithm with @alg->prep_size set
 * @traffic_key: the traffic key, @alg->digest_size bytes
 * @out: @alg->prep_size bytes: the bare hash's exported state after the
 *	key XOR ipad block, then after the key XOR opad block (RFC 2104)
 *
 * Return: 0 or a crypto API error.
 */
int tcp_authopt_hmac_prepare(struct tcp_authopt_alg *alg, const u8 *traffic_key,
			     u8 *out)
{
	u8 pad[TCP_AUTHOPT_HMAC_MAX_BLOCK];
	static const u8 fill[2] = { 0x36, 0x5c };
	unsigned int bs, i, half = alg->prep_size / 2;
	struct crypto_shash *tfm;
	int err = 0, k;

	local_bh_disable();
	tfm = *this_cpu_ptr(alg->hash);
	bs = crypto_shash_blocksize(tfm);
	for (k = 0; k < 2 && !err; k++) {
		SHASH_DESC_ON_STACK(desc, tfm);

		memset(pad, fill[k], bs);
		for (i = 0; i < alg->digest_size; i++)
			pad[i] ^= traffic_key[i];
		desc->tfm = tfm;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, pad, bs) ?:
		      crypto_shash_export(desc, out + k * half);
		shash_desc_zero(desc);
	}
	local_bh_enable();
	memzero_explicit(pad, sizeof(pad));
	return err;
}

static int tcp_authopt_hash_pseudoheader(struct shash_desc *desc,
					 const struct sk_buff *skb)
{
	unsigned int tcplen = skb->len - skb_transport_offset(skb);
	struct tcp6_pseudohdr ph6;

	if (ip_hdr(skb)->version == 4) {
		struct tcp4_pseudohdr ph = {
			.saddr = ip_hdr(skb)->saddr,
			.daddr = ip_hdr(skb)->daddr,
			.protocol = IPPROTO_TCP,
			.len = htons(tcplen),
		};

		return crypto_shash_update(desc, (u8 *)&ph, sizeof(ph));
	}

	ph6 = (struct tcp6_pseudohdr) {
		.saddr = ipv6_hdr(skb)->saddr,
		.daddr = ipv6_hdr(skb)->daddr,
		.len = htonl(tcplen),
		.protocol = htonl(IPPROTO_TCP),
	};
	return crypto_shash_update(desc, (u8 *)&ph6, sizeof(ph6));
}

/* RFC 5925 section 5.1: checksum and MAC zeroed, options maybe excluded */
static int tcp_authopt_hash_header(struct shash_desc *desc,
				   const struct sk_buff *skb, bool exclude_opts,
				   unsigned int *thlen)
{
	struct tcp_authopt_opt opt;
	u8 hdr[MAX_TCP_OPTION_SPACE + sizeof(struct tcphdr)];
	unsigned int len = tcp_hdr(skb)->doff * 4;
	int err;

	if (len < sizeof(struct tcphdr) ||
	    skb_copy_bits(skb, skb_transport_offset(skb), hdr, len))
		return -EINVAL;
	err = tcp_authopt_parse(hdr, len, &opt);
	if (err)
		return err;

	((struct tcphdr *)hdr)->check = 0;
	memset(hdr + opt.offset + TCP_AUTHOPT_OPT_HDR_LEN, 0,
	       opt.len - TCP_AUTHOPT_OPT_HDR_LEN);
	*thlen = len;
	if (!exclude_opts)
		return crypto_shash_update(desc, hdr, len);
	return crypto_shash_update(desc, hdr, sizeof(struct tcphdr)) ?:
	       crypto_shash_update(desc, hdr + opt.offset, opt.len);
}

static int tcp_authopt_hash_payload(struct shash_desc *desc,
				    struct sk_buff *skb, unsigned int from)
{
	struct skb_seq_state st;
	unsigned int consumed = 0, n;
	const u8 *data;
	int err;

	skb_prepare_seq_read(skb, from, skb->len, &st);
	while ((n = skb_seq_read(consumed, &data, &st)) != 0) {
		err = crypto_shash_update(desc, data, n);
		if (err) {
			skb_abort_seq_read(&st);
			return err;
		}
		consumed += n;
	}
	return 0;
}

/**
 * tcp_authopt_mac_skb() - compute the MAC of one segment
 * @p: key, algorithm, SNE and options rule
 * @skb: the IPv4 or IPv6 packet, network and transport headers set, ending
 *	where the TCP segment ends; it must carry a TCP-AO option
 * @mac: output, @p->maclen bytes
 *
 * Return: 0, -EINVAL for a malformed segment, or a crypto API error.
 */
int tcp_authopt_mac_skb(const struct tcp_authopt_mac_params *p,
			struct sk_buff *skb, u8 *mac)
{
	struct tcp_authopt_alg *alg = p->alg;
	bool prep = p->prep && alg->hash;
	u8 digest[HASH_MAX_DIGESTSIZE];
	__be32 sne = htonl(p->sne);
	struct crypto_shash *tfm;
	unsigned int thlen = 0;
	int err;

	if (p->maclen > alg->digest_size)
		return -EINVAL;

	local_bh_disable();
	tfm = *this_cpu_ptr(prep ? alg->hash : alg->tfm);
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		if (prep)
			err = crypto_shash_import(desc, p->prep);
		else
			err = crypto_shash_setkey(tfm, p->traffic_key,
						  alg->digest_size) ?:
			      crypto_shash_init(desc);
		err = err ?:
		      crypto_shash_update(desc, (u8 *)&sne, sizeof(sne)) ?:
		      tcp_authopt_hash_pseudoheader(desc, skb) ?:
		      tcp_authopt_hash_header(desc, skb, p->exclude_opts,
					      &thlen) ?:
		      tcp_authopt_hash_payload(desc, skb,
					       skb_transport_offset(skb) +
					       thlen) ?:
		      crypto_shash_final(desc, digest);
		/* HMAC's outer hash, from the prepared opad block */
		if (!err && prep)
			err = crypto_shash_import(desc, p->prep + alg->prep_size / 2) ?:
			      crypto_shash_finup(desc, digest, alg->digest_size,
						 digest);
		shash_desc_zero(desc);
	}
	local_bh_enable();
	if (!err)
		memcpy(mac, digest, p->maclen);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/**
 * tcp_authopt_cmac_reduce() - RFC 5926 section 3.1.1.2 key extraction
 * @alg: a cmac(aes) algorithm
 * @key: master key of any length
 * @keylen: its length
 * @out: 16 bytes: AES-CMAC of @key under an all-zero key (may be @key)
 *
 * Return: 0 or a crypto API error.
 */
int tcp_authopt_cmac_reduce(struct tcp_authopt_alg *alg, const u8 *key,
			    unsigned int keylen, u8 *out)
{
	static const u8 zero_key[TCP_AUTHOPT_CMAC_KEYLEN];
	u8 block_key[TCP_AUTHOPT_CMAC_KEYLEN];
	struct crypto_shash *tfm;
	int err;

	local_bh_disable();
	tfm = *this_cpu_ptr(alg->tfm);
	err = crypto_shash_setkey(tfm, zero_key, sizeof(zero_key)) ?:
	      crypto_shash_tfm_digest(tfm, key, keylen, block_key);
	local_bh_enable();
	if (!err)
		memcpy(out, block_key, sizeof(block_key));
	memzero_explicit(block_key, sizeof(block_key));
	return err;
}

/**
 * tcp_authopt_alg_check_key() - whether the algorithm takes this key
 * @alg: the algorithm
 * @key: a master key
 * @keylen: its length
 *
 * Return: 0, or the crypto API's error (-ENOSYS for an unkeyed hash,
 * -EINVAL for a length the cipher refuses).
 */
int tcp_authopt_alg_check_key(struct tcp_authopt_alg *alg, const u8 *key,
			      unsigned int keylen)
{
	int err;

	local_bh_disable();
	err = crypto_shash_setkey(*this_cpu_ptr(alg->tfm), key, keylen);
	local_bh_enable();
	return err;
}
