/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS 1.3 KeyUpdate over kTLS, shared by ktls_keyupdate (the end-to-end
 * test) and tls_bench (the rekey cost): HKDF-Expand-Label (RFC 8446
 * section 7.1), kTLS key blobs from a traffic secret (section 7.3), the
 * next traffic secret (section 7.2), and both halves of a KeyUpdate
 * (section 4.6.3): the sender sends it as a handshake record
 * (TLS_SET_RECORD_TYPE 22) and installs its next TX key with a second
 * TLS_TX; the receiver reads the record, checks that decryption is paused
 * (EKEYEXPIRED) and installs its next RX key with a second TLS_RX.
 *
 * A rekey refused with EBUSY (the in-tree module before Linux 6.14) is
 * reported with the marker KR_REKEY_EBUSY and exit status 1.
 */
#ifndef KR_KTLS_REKEY_H
#define KR_KTLS_REKEY_H


#include "ossl_common.h"

struct kr_suite {
	const char *name;
	const char *ossl;
	const EVP_MD *(*md)(void);
	uint16_t cipher;
	size_t keylen;
};

static const struct kr_suite kr_suites[] = {
	{ "aes128", "TLS_AES_128_GCM_SHA256", EVP_sha256,
	  TLS_CIPHER_AES_GCM_128, 16 },
	{ "aes256", "TLS_AES_256_GCM_SHA384", EVP_sha384,
	  TLS_CIPHER_AES_GCM_256, 32 },
	{ "chacha", "TLS_CHACHA20_POLY1305_SHA256", EVP_sha256,
	  TLS_CIPHER_CHACHA20_POLY1305, 32 },
};

#define KR_NR_SUITES (sizeof(kr_suites) / sizeof(kr_suites[0]))

/* What one end did with KeyUpdates. */
struct kr_tally {
	unsigned int ku_sent;	/* KeyUpdates we built, each a TX rekey */
	unsigned int ku_rcvd;	/* KeyUpdates received, each an RX rekey */
	unsigned int ku_answered;
};

/* One end of a kTLS connection and its current traffic secrets. */
struct kr_end {
	const struct kr_suite *s;
	const char *who;
	int fd;
	bool verbose;		/* say what happens, for make demo */
	size_t hlen;
	EVP_MD *md;		/* the suite's hash, fetched once (kr_md()) */
	unsigned char tx[EVP_MAX_MD_SIZE], rx[EVP_MAX_MD_SIZE];
	struct kr_tally t;
};

/* H((K ^ @xor) || @msg) into @out, K being @k's @b bytes (RFC 2104). */
static inline void kr_hmac_half(EVP_MD_CTX *c, const EVP_MD *md,
				const unsigned char *k, size_t b,
				unsigned char xor, const unsigned char *msg,
				size_t mlen, unsigned char *out)
{
	unsigned char pad[128];
	size_t i;

	for (i = 0; i < b; i++)
		pad[i] = k[i] ^ xor;
	if (!EVP_DigestInit_ex2(c, md, NULL) ||
	    !EVP_DigestUpdate(c, pad, b) || !EVP_DigestUpdate(c, msg, mlen) ||
	    !EVP_DigestFinal_ex(c, out, NULL))
		KR_DIE("HMAC");
	OPENSSL_cleanse(pad, sizeof(pad));
}

/*
 * HMAC (RFC 2104) with @md. OpenSSL 3's one-shot HMAC() looks its
 * algorithms up again on every call, which in the emulated guests costs
 * many times what the kernel's rekey does; a TLS library keeps them.
 */
static inline void kr_hmac(const EVP_MD *md, const unsigned char *key,
			   size_t klen, const unsigned char *msg, size_t mlen,
			   unsigned char *out)
{
	size_t b = EVP_MD_get_block_size(md), h = EVP_MD_get_size(md);
	unsigned char k[128] = { 0 }, inner[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || b > sizeof(k))
		KR_DIE("HMAC");
	if (klen > b) {
		if (!EVP_Digest(key, klen, k, NULL, md, NULL))
			KR_DIE("HMAC");
	} else {
		memcpy(k, key, klen);
	}
	kr_hmac_half(c, md, k, b, 0x36, msg, mlen, inner);
	kr_hmac_half(c, md, k, b, 0x5c, inner, h, out);
	EVP_MD_CTX_free(c);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(inner, sizeof(inner));
}

/* HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context. */
static inline void kr_hkdf_expand_label(const EVP_MD *md,
					const unsigned char *secret,
					size_t slen, const char *label,
					unsigned char *out, size_t outlen)
{
	unsigned char info[2 + 1 + 255 + 1], t[EVP_MAX_MD_SIZE];
	unsigned char in[EVP_MAX_MD_SIZE + sizeof(info) + 1];
	size_t llen = strlen(label), ilen, hlen = EVP_MD_get_size(md);
	size_t done = 0, tlen = 0, n;
	unsigned char i;

	info[0] = outlen >> 8;
	info[1] = outlen & 0xff;
	info[2] = 6 + llen;
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, label, llen);
	info[9 + llen] = 0;	/* empty context */
	ilen = 10 + llen;

	/* HKDF-Expand (RFC 5869): T(i) = HMAC(PRK, T(i-1) | info | i) */
	for (i = 1; done < outlen; i++) {
		memcpy(in, t, tlen);
		memcpy(in + tlen, info, ilen);
		in[tlen + ilen] = i;
		kr_hmac(md, secret, slen, in, tlen + ilen + 1, t);
		tlen = hlen;
		n = outlen - done < hlen ? outlen - done : hlen;
		memcpy(out + done, t, n);
		done += n;
	}
}

static inline void kr_unhex(const char *hex, unsigned char *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			KR_DIE("bad hex");
}

/* The suite's hash, fetched on first use. */
static inline const EVP_MD *kr_md(struct kr_end *e)
{
	if (!e->md) {
		e->md = EVP_MD_fetch(NULL, EVP_MD_get0_name(e->s->md()), NULL);
		if (!e->md)
			KR_DIE("EVP_MD_fetch");
	}
	return e->md;
}

/* Key and IV for SECRET as a kTLS blob, the iv split as kTLS wants. */
static inline void kr_make_key(struct kr_end *e, const unsigned char *secret,
			       uint64_t seq, struct kr_key *k)
{
	unsigned char key[32], iv[12], be[8];
	int i;

	kr_hkdf_expand_label(kr_md(e), secret, e->hlen, "key", key,
			     e->s->keylen);
	kr_hkdf_expand_label(kr_md(e), secret, e->hlen, "iv", iv, 12);
	for (i = 0; i < 8; i++)
		be[i] = seq >> (56 - 8 * i);
	memset(k, 0, sizeof(*k));
	k->info.version = TLS_1_3_VERSION;
	k->info.cipher_type = e->s->cipher;
	switch (e->s->cipher) {
	case TLS_CIPHER_AES_GCM_128:
		k->len = sizeof(k->gcm128);
		memcpy(k->gcm128.key, key, 16);
		memcpy(k->gcm128.salt, iv, 4);
		memcpy(k->gcm128.iv, iv + 4, 8);
		memcpy(k->gcm128.rec_seq, be, 8);
		break;
	case TLS_CIPHER_AES_GCM_256:
		k->len = sizeof(k->gcm256);
		memcpy(k->gcm256.key, key, 32);
		memcpy(k->gcm256.salt, iv, 4);
		memcpy(k->gcm256.iv, iv + 4, 8);
		memcpy(k->gcm256.rec_seq, be, 8);
		break;
	default:
		k->len = sizeof(k->chacha);
		memcpy(k->chacha.key, key, 32);
		memcpy(k->chacha.iv, iv, 12);
		memcpy(k->chacha.rec_seq, be, 8);
		break;
	}
	OPENSSL_cleanse(key, sizeof(key));
}

/* application_traffic_secret_N+1 (RFC 8446 section 7.2) */
static inline void kr_next_secret(struct kr_end *e, unsigned char *secret)
{
	unsigned char next[EVP_MAX_MD_SIZE];

	kr_hkdf_expand_label(kr_md(e), secret, e->hlen, "traffic upd", next,
			     e->hlen);
	memcpy(secret, next, e->hlen);
	OPENSSL_cleanse(next, sizeof(next));
}

/* Install the key of SECRET as TLS_TX or TLS_RX; REKEY: not the first. */
static inline void kr_set_key(struct kr_end *e, int opt,
			      const unsigned char *secret, uint64_t seq,
			      bool rekey)
{
	struct kr_key k;
	int ret;

	kr_make_key(e, secret, seq, &k);
	ret = setsockopt(e->fd, SOL_TLS, opt, &k, k.len);
	OPENSSL_cleanse(&k, sizeof(k));
	if (!ret)
		return;
	if (rekey && errno == EBUSY) {
		printf("KR_REKEY_EBUSY: %s: %s rekey refused with EBUSY: the loaded tls module has no TLS 1.3 rekey (in-tree modules before Linux 6.14)\n",
		       e->who, opt == TLS_TX ? "TLS_TX" : "TLS_RX");
		fflush(stdout);
		exit(1);
	}
	KR_DIE("%s: %s%s: %s", e->who, rekey ? "rekey " : "",
	       opt == TLS_TX ? "TLS_TX" : "TLS_RX", strerror(errno));
}

/*
 * Send a KeyUpdate (REQUEST: update_requested) as a handshake record,
 * then install the next TX key: every record after it uses the new key.
 */
static inline void kr_send_keyupdate(struct kr_end *e, unsigned char request)
{
	const unsigned char msg[5] = { KR_HS_KEY_UPDATE, 0, 0, 1, request };

	if (kr_send_type(e->fd, KR_REC_HANDSHAKE, msg, sizeof(msg), 0) != 5)
		KR_DIE("%s: send KeyUpdate: %s", e->who, strerror(errno));
	kr_next_secret(e, e->tx);
	kr_set_key(e, TLS_TX, e->tx, 0, true);
	e->t.ku_sent++;
	if (e->verbose)
		printf("%s: sent KeyUpdate #%u as a handshake record (%s), then installed its next sending key with a second TLS_TX\n",
		       e->who, e->t.ku_sent,
		       request ? "update_requested: answer with yours" :
		       "update_not_requested");
}

/*
 * The handshake record MSG (N bytes) was just read: it must be a
 * KeyUpdate. Check that the kernel paused decryption (EKEYEXPIRED),
 * install the next RX key, and answer a request with our own KeyUpdate.
 */
static inline void kr_got_keyupdate(struct kr_end *e, const unsigned char *msg,
				    ssize_t n)
{
	bool paused;
	int err;
	char c;

	if (n != 5 || msg[0] != KR_HS_KEY_UPDATE || msg[1] || msg[2] ||
	    msg[3] != 1 || msg[4] > 1)
		KR_DIE("%s: bad KeyUpdate record (%zd bytes)", e->who, n);
	e->t.ku_rcvd++;
	/* decryption is paused until the new key is in */
	paused = recv(e->fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EKEYEXPIRED;
	err = errno;
	kr_next_secret(e, e->rx);
	if (!paused) {
		/* a module without rekey: say so (EBUSY) rather than this */
		kr_set_key(e, TLS_RX, e->rx, 0, true);
		KR_DIE("%s: after a KeyUpdate recv gave %s, not EKEYEXPIRED",
		       e->who, strerror(err));
	}
	kr_set_key(e, TLS_RX, e->rx, 0, true);
	if (e->verbose)
		printf("%s: received KeyUpdate #%u; reading paused (recv: EKEYEXPIRED) until the next receiving key went in with a second TLS_RX\n",
		       e->who, e->t.ku_rcvd);
	if (msg[4]) {
		kr_send_keyupdate(e, 0);
		e->t.ku_answered++;
	}
}

#endif /* KR_KTLS_REKEY_H */
