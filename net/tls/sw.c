// SPDX-License-Identifier: GPL-2.0
/*
 * Software record protection: the AEAD of each direction, nonce and
 * additional data construction, and sealing/opening of whole records held
 * in one linear buffer.
 *
 * Nonces (RFC 5288 3, RFC 6655 3, RFC 7905 2, RFC 8446 5.3):
 *  - TLS 1.2 AES-GCM/CCM: salt(4) || explicit(8); the explicit part is
 *    sent in the record, a counter started at the crypto_info iv.
 *  - TLS 1.2 ChaCha20-Poly1305 and all of TLS 1.3: (salt || iv) XOR the
 *    64-bit sequence number, right aligned; nothing is sent.
 * Additional data: TLS 1.2 seq || type || version || plaintext length
 * (RFC 5246 6.2.3.3); TLS 1.3 the record header (RFC 8446 5.2).
 */
#include <crypto/aead.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "krtls.h"

/*
 * Every crypto_info struct of the uAPI is the tls_crypto_info header then
 * iv, key, salt and rec_seq, unpadded; offsets follow from the sizes.
 */
#define KRTLS_CIPHER(_type, _iv, _key, _salt, _alg, _expl, _ccm)	\
	{								\
		.type = _type, .iv_len = _iv, .key_len = _key,		\
		.salt_len = _salt, .alg = _alg,				\
		.explicit_nonce = _expl, .ccm = _ccm,			\
	}

static struct krtls_cipher krtls_ciphers[] __ro_after_init = {
	KRTLS_CIPHER(TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_128_IV_SIZE,
		     TLS_CIPHER_AES_GCM_128_KEY_SIZE,
		     TLS_CIPHER_AES_GCM_128_SALT_SIZE, "gcm(aes)", true, false),
	KRTLS_CIPHER(TLS_CIPHER_AES_GCM_256, TLS_CIPHER_AES_GCM_256_IV_SIZE,
		     TLS_CIPHER_AES_GCM_256_KEY_SIZE,
		     TLS_CIPHER_AES_GCM_256_SALT_SIZE, "gcm(aes)", true, false),
	KRTLS_CIPHER(TLS_CIPHER_AES_CCM_128, TLS_CIPHER_AES_CCM_128_IV_SIZE,
		     TLS_CIPHER_AES_CCM_128_KEY_SIZE,
		     TLS_CIPHER_AES_CCM_128_SALT_SIZE, "ccm(aes)", true, true),
	KRTLS_CIPHER(TLS_CIPHER_CHACHA20_POLY1305,
		     TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE,
		     TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE,
		     TLS_CIPHER_CHACHA20_POLY1305_SALT_SIZE,
		     "rfc7539(chacha20,poly1305)", false, false),
};

/* Fill in the offsets; checked against the uAPI structs at build time. */
void __init krtls_ciphers_init(void)
{
	int i;

	BUILD_BUG_ON(sizeof(struct tls12_crypto_info_aes_gcm_128) !=
		     sizeof(struct tls_crypto_info) + 8 + 16 + 4 + 8);
	BUILD_BUG_ON(sizeof(struct tls12_crypto_info_aes_gcm_256) !=
		     sizeof(struct tls_crypto_info) + 8 + 32 + 4 + 8);
	BUILD_BUG_ON(sizeof(struct tls12_crypto_info_aes_ccm_128) !=
		     sizeof(struct tls_crypto_info) + 8 + 16 + 4 + 8);
	BUILD_BUG_ON(sizeof(struct tls12_crypto_info_chacha20_poly1305) !=
		     sizeof(struct tls_crypto_info) + 12 + 32 + 0 + 8);
	BUILD_BUG_ON(offsetof(struct tls12_crypto_info_aes_gcm_256, rec_seq) !=
		     sizeof(struct tls_crypto_info) + 8 + 32 + 4);

	for (i = 0; i < ARRAY_SIZE(krtls_ciphers); i++) {
		struct krtls_cipher *c = &krtls_ciphers[i];

		c->iv_off = sizeof(struct tls_crypto_info);
		c->key_off = c->iv_off + c->iv_len;
		c->salt_off = c->key_off + c->key_len;
		c->seq_off = c->salt_off + c->salt_len;
		c->info_len = c->seq_off + KRTLS_SEQ_LEN;
	}
}

const struct krtls_cipher *krtls_cipher_find(u16 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(krtls_ciphers); i++)
		if (krtls_ciphers[i].type == type)
			return &krtls_ciphers[i];
	return NULL;
}

void krtls_layout_init(struct krtls_layout *lay,
		       const struct krtls_cipher *cipher, u16 version)
{
	bool tls13 = version == TLS_1_3_VERSION;

	lay->version = version;
	lay->prepend = KRTLS_HDR_LEN;
	if (!tls13 && cipher->explicit_nonce)
		lay->prepend += KRTLS_EXPLICIT_NONCE;
	lay->tail = tls13 ? KRTLS_INNER_TYPE_LEN : 0;
	lay->overhead = lay->prepend + lay->tail + KRTLS_TAG_LEN;
}

struct krtls_rec *krtls_rec_alloc(gfp_t gfp)
{
	struct krtls_rec *rec;

	rec = kmalloc(sizeof(*rec) + KRTLS_MAX_RECORD, gfp);
	if (rec) {
		INIT_LIST_HEAD(&rec->list);
		rec->have = 0;
		rec->need = 0;
		rec->off = 0;
		rec->len = 0;
		rec->type = 0;
	}
	return rec;
}

/* Record buffers hold ciphertext and plaintext, never keys. */
void krtls_rec_free(struct krtls_rec *rec)
{
	kfree(rec);
}

/* A transform of @cipher keyed with @raw, and a request for it. */
static int krtls_aead_new(const struct krtls_cipher *cipher, const u8 *raw,
			  struct crypto_aead **aeadp, struct aead_request **reqp)
{
	struct aead_request *req;
	struct crypto_aead *aead;
	int err;

	aead = crypto_alloc_aead(cipher->alg, 0, 0);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	err = crypto_aead_setkey(aead, raw, cipher->key_len);
	if (err)
		goto free_aead;
	err = crypto_aead_setauthsize(aead, KRTLS_TAG_LEN);
	if (err)
		goto free_aead;
	req = aead_request_alloc(aead, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto free_aead;
	}
	*aeadp = aead;
	*reqp = req;
	return 0;

free_aead:
	crypto_free_aead(aead);
	return err;
}

/* Take @ci's nonce material and record sequence number. */
static void krtls_key_take_info(struct krtls_key *key,
				const union krtls_crypto_info *ci)
{
	const struct krtls_cipher *cipher = key->cipher;
	const u8 *raw = (const u8 *)ci;

	memcpy(&key->info, ci, cipher->info_len);
	memcpy(key->nonce, raw + cipher->salt_off, cipher->salt_len);
	memcpy(key->nonce + cipher->salt_len, raw + cipher->iv_off,
	       cipher->iv_len);
	memcpy(key->seq, raw + cipher->seq_off, KRTLS_SEQ_LEN);
}

/* Allocate and key an AEAD for @ci; @key is untouched on failure. */
int krtls_key_init(struct krtls_key *key, const union krtls_crypto_info *ci,
		   const struct krtls_cipher *cipher)
{
	int err;

	err = krtls_aead_new(cipher, (const u8 *)ci + cipher->key_off,
			     &key->aead, &key->req);
	if (err)
		return err;
	key->cipher = cipher;
	krtls_key_take_info(key, ci);
	sg_init_table(key->sg, 2);
	return 0;
}

static void krtls_spare_free(struct krtls_key *key)
{
	if (key->spare_req)
		aead_request_free(key->spare_req);
	if (key->spare)
		crypto_free_aead(key->spare);
	key->spare_req = NULL;
	key->spare = NULL;
}

/*
 * Rekey (same cipher, checked by the caller): the new key goes into a
 * second transform, which then replaces the live one, so a key the AEAD
 * refuses leaves the live key as it was. The replaced transform is kept,
 * keyed with zeros so that the old key is gone (RFC 8446 section 7.2),
 * for the next rekey: a connection that rekeys often allocates a
 * transform once. Called under the socket lock, which every use of the
 * AEAD holds (sealing and opening; a push that waits for TCP to take a
 * sealed record no longer needs it).
 */
int krtls_key_rekey(struct krtls_key *key, const union krtls_crypto_info *ci)
{
	static const u8 zeros[TLS_CIPHER_AES_GCM_256_KEY_SIZE];
	const struct krtls_cipher *cipher = key->cipher;
	const u8 *raw = (const u8 *)ci + cipher->key_off;
	int err;

	BUILD_BUG_ON(sizeof(zeros) < TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE);
	if (key->spare) {
		err = crypto_aead_setkey(key->spare, raw, cipher->key_len);
		if (err)
			return err;
	} else {
		err = krtls_aead_new(cipher, raw, &key->spare, &key->spare_req);
		if (err)
			return err;
	}
	swap(key->aead, key->spare);
	swap(key->req, key->spare_req);
	krtls_key_take_info(key, ci);
	if (crypto_aead_setkey(key->spare, zeros, cipher->key_len))
		krtls_spare_free(key);
	return 0;
}

void krtls_key_free(struct krtls_key *key)
{
	if (key->req)
		aead_request_free(key->req);
	if (key->aead)
		crypto_free_aead(key->aead);
	krtls_spare_free(key);
	memzero_explicit(key, sizeof(*key));
}

/* Big-endian increment; returns true when the counter wrapped to zero. */
static bool krtls_be_inc(u8 *ctr, int len)
{
	while (len--) {
		if (++ctr[len])
			return false;
	}
	return true;
}

/* Advance the sequence (and the TLS 1.2 explicit counter); -EBADMSG on wrap. */
static int krtls_key_advance(struct krtls_key *key,
			     const struct krtls_layout *lay)
{
	const struct krtls_cipher *c = key->cipher;

	if (lay->version != TLS_1_3_VERSION && c->explicit_nonce)
		krtls_be_inc(key->nonce + c->salt_len, c->iv_len);
	return krtls_be_inc(key->seq, KRTLS_SEQ_LEN) ? -EBADMSG : 0;
}

/*
 * Build the AEAD IV for a record whose explicit nonce (TLS 1.2 GCM/CCM)
 * is at @expl.
 */
static void krtls_make_iv(struct krtls_key *key, const struct krtls_layout *lay,
			  const u8 *expl)
{
	const struct krtls_cipher *c = key->cipher;
	u8 *n = key->iv;
	int i;

	if (c->ccm) {
		*n++ = KRTLS_CCM_B0_FLAGS;
		memset(n + KRTLS_NONCE_LEN, 0,
		       KRTLS_CCM_IV_LEN - 1 - KRTLS_NONCE_LEN);
	}
	if (lay->version != TLS_1_3_VERSION && c->explicit_nonce) {
		memcpy(n, key->nonce, c->salt_len);
		memcpy(n + c->salt_len, expl, KRTLS_EXPLICIT_NONCE);
		return;
	}
	memcpy(n, key->nonce, KRTLS_NONCE_LEN);
	for (i = 0; i < KRTLS_SEQ_LEN; i++)
		n[KRTLS_NONCE_LEN - KRTLS_SEQ_LEN + i] ^= key->seq[i];
}

/* Additional data; returns its length. @len: TLS 1.2 plaintext length. */
static unsigned int krtls_make_aad(struct krtls_key *key,
				   const struct krtls_layout *lay,
				   const u8 *hdr, u8 type, u32 len)
{
	if (lay->version == TLS_1_3_VERSION) {
		memcpy(key->aad, hdr, KRTLS_AAD13_LEN);
		return KRTLS_AAD13_LEN;
	}
	memcpy(key->aad, key->seq, KRTLS_SEQ_LEN);
	key->aad[8] = type;
	key->aad[9] = KRTLS_HDR_LEGACY_MAJOR;
	key->aad[10] = KRTLS_HDR_LEGACY_MINOR;
	key->aad[11] = len >> 8;
	key->aad[12] = len & 0xff;
	return KRTLS_AAD12_LEN;
}

/*
 * Run the AEAD over @crypt_len bytes described by @src from entry 1 on,
 * after the additional data, which entry 0 of @src (and of @dst) is set
 * to here. @dst NULL: in place. Otherwise the output goes to @dst's
 * entries 1 on, and the input is left as it was.
 */
static int krtls_crypt_sg(struct krtls_key *key, unsigned int aad_len,
			  struct scatterlist *src, u32 crypt_len, bool enc,
			  struct scatterlist *dst)
{
	struct aead_request *req = key->req;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	sg_set_buf(&src[0], key->aad, aad_len);
	if (dst)
		sg_set_buf(&dst[0], key->aad, aad_len);
	else
		dst = src;
	aead_request_set_tfm(req, key->aead);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				  CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, src, dst, crypt_len, key->iv);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	return crypto_wait_req(err, &wait);
}

/* As krtls_crypt_sg(), with the input the @data_len bytes at @data. */
static int krtls_crypt(struct krtls_key *key, unsigned int aad_len,
		       u8 *data, u32 data_len, u32 crypt_len, bool enc,
		       struct scatterlist *dst)
{
	sg_init_table(key->sg, 2);
	sg_set_buf(&key->sg[1], data, data_len);
	return krtls_crypt_sg(key, aad_len, key->sg, crypt_len, enc, dst);
}

/*
 * Seal one record. @sg describes, from entry 1 on, its plaintext (@pt_len
 * bytes) and for TLS 1.3 the inner content type after it. @dst NULL: the
 * record is sealed in place, and @sg has room for the tag after them.
 * Else the ciphertext and tag go to @dst's entries 1 on, and @sg is only
 * read. The header and explicit nonce are written to @hdr. Returns the
 * record length on the wire.
 */
int krtls_seal(struct krtls_ctx *ctx, u8 *hdr, u32 pt_len, u8 type,
	       struct scatterlist *sg, struct scatterlist *dst)
{
	const struct krtls_layout *lay = &ctx->layout;
	struct krtls_key *key = &ctx->tx->key;
	u32 inner = pt_len + lay->tail;
	u32 body = lay->prepend - KRTLS_HDR_LEN + inner + KRTLS_TAG_LEN;
	unsigned int aad_len;
	int err;

	hdr[0] = lay->version == TLS_1_3_VERSION ? KRTLS_CT_APP_DATA : type;
	hdr[1] = KRTLS_HDR_LEGACY_MAJOR;
	hdr[2] = KRTLS_HDR_LEGACY_MINOR;
	hdr[3] = body >> 8;
	hdr[4] = body & 0xff;
	if (lay->prepend > KRTLS_HDR_LEN)
		memcpy(hdr + KRTLS_HDR_LEN,
		       key->nonce + key->cipher->salt_len, KRTLS_EXPLICIT_NONCE);

	krtls_make_iv(key, lay, hdr + KRTLS_HDR_LEN);
	aad_len = krtls_make_aad(key, lay, hdr, type, pt_len);
	err = krtls_crypt_sg(key, aad_len, sg, inner, true, dst);
	if (err)
		return err;
	err = krtls_key_advance(key, lay);
	if (err)
		return err;
	return KRTLS_HDR_LEN + body;
}

/* TLS 1.3: strip zero padding, find the inner content type. */
static int krtls_unpad(struct sock *sk, struct krtls_ctx *ctx,
		       struct krtls_rec *rec)
{
	const u8 *p = rec->buf + rec->off;
	u32 n = rec->len;

	while (n && !p[n - 1])
		n--;
	if (!n)
		return -EBADMSG;
	rec->padded = n != rec->len;
	rec->type = p[n - 1];
	rec->len = n - 1;
	return 0;
}

/*
 * Open the complete record in @rec (rec->need bytes in rec->buf), leaving
 * its plaintext length in rec->len and its content type in rec->type.
 * @dst NULL: the plaintext replaces the ciphertext, at rec->off. Else
 * (TLS 1.2 only, where the type is in the clear) it goes to @dst, whose
 * entry 0 is left for the additional data and whose other entries hold
 * exactly rec->need - overhead bytes; rec->buf keeps the ciphertext, so
 * a record that fails to open fails again. @src NULL: the ciphertext is
 * in rec->buf after the header. Else (@dst set too) rec->buf holds only
 * the header and explicit nonce, and @src describes the rest from entry
 * 1 on (entry 0 is left for the additional data); it is only read.
 */
int krtls_open(struct sock *sk, struct krtls_ctx *ctx, struct krtls_rec *rec,
	       struct scatterlist *src, struct scatterlist *dst)
{
	const struct krtls_layout *lay = &ctx->layout;
	struct krtls_key *key = &ctx->rx->key;
	u32 body = rec->need - lay->prepend;
	unsigned int aad_len;
	int err;

	if ((dst && lay->version == TLS_1_3_VERSION) || (src && !dst))
		return -EINVAL;
	krtls_make_iv(key, lay, rec->buf + KRTLS_HDR_LEN);
	aad_len = krtls_make_aad(key, lay, rec->buf, rec->buf[0],
				 body - KRTLS_TAG_LEN);
	if (src)
		err = krtls_crypt_sg(key, aad_len, src, body, false, dst);
	else
		err = krtls_crypt(key, aad_len, rec->buf + lay->prepend, body,
				  body, false, dst);
	if (err) {
		if (err == -EBADMSG)
			krtls_stat_inc(sk, KRTLS_MIB_DECRYPT_ERROR);
		return err;
	}
	err = krtls_key_advance(key, lay);
	if (err)
		return err;

	rec->off = lay->prepend;
	rec->len = body - KRTLS_TAG_LEN;
	rec->padded = false;
	if (lay->version != TLS_1_3_VERSION) {
		rec->type = rec->buf[0];
		return 0;
	}
	return krtls_unpad(sk, ctx, rec);
}
