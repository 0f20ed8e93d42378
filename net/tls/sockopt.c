// SPDX-License-Identifier: GPL-2.0
/*
 * SOL_TLS socket options: TLS_TX and TLS_RX (first key and, for TLS 1.3,
 * rekey as in Linux 6.14), TLS_TX_ZEROCOPY_RO and TLS_RX_EXPECT_NO_PAD,
 * and their getsockopt counterparts. Called with the socket lock held
 * where noted; everything else is passed to the socket's TCP proto.
 *
 * A rekey is transactional: the new key is set in a second AEAD transform
 * (allocated by the first rekey, then reused) and only then swapped into
 * the live direction, so a failed rekey leaves the old key working. The
 * old key is wiped.
 */
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>

#include "krtls.h"

static struct krtls_key *krtls_dir_key(struct krtls_ctx *ctx, bool tx)
{
	if (tx)
		return ctx->tx ? &ctx->tx->key : NULL;
	return ctx->rx ? &ctx->rx->key : NULL;
}

/* Checks of a crypto_info header; @cur is the live key on a rekey. */
static int krtls_check_info(const struct tls_crypto_info *info,
			    const struct krtls_key *cur,
			    const struct krtls_key *alt)
{
	const struct tls_crypto_info *ref = NULL;

	if (cur) {
		/* Only TLS 1.3 has KeyUpdate (RFC 8446 4.6.3). */
		if (cur->info.info.version != TLS_1_3_VERSION)
			return -EBUSY;
		ref = &cur->info.info;
	} else {
		if (info->version != TLS_1_2_VERSION &&
		    info->version != TLS_1_3_VERSION)
			return -EINVAL;
		if (alt)
			ref = &alt->info.info;
	}
	/* Version and cipher are the same in both directions, for good. */
	if (ref && (ref->version != info->version ||
		    ref->cipher_type != info->cipher_type))
		return -EINVAL;
	return 0;
}

static int krtls_install(struct sock *sk, struct krtls_ctx *ctx, bool tx,
			 const union krtls_crypto_info *ci,
			 const struct krtls_cipher *cipher)
{
	int err;

	krtls_layout_init(&ctx->layout, cipher, ci->info.version);
	WRITE_ONCE(ctx->cipher_type, cipher->type);
	if (tx) {
		ctx->tx = kzalloc(sizeof(*ctx->tx), GFP_KERNEL);
		if (!ctx->tx)
			return -ENOMEM;
		err = krtls_key_init(&ctx->tx->key, ci, cipher);
		if (!err)
			err = krtls_tx_init(sk, ctx);
		if (err) {
			krtls_key_free(&ctx->tx->key);
			kfree(ctx->tx);
			ctx->tx = NULL;
			return err;
		}
		WRITE_ONCE(ctx->tx_conf, TLS_CONF_SW);
		krtls_stat_inc(sk, KRTLS_MIB_TX_SW);
		krtls_stat_inc(sk, KRTLS_MIB_CURR_TX_SW);
		return 0;
	}

	ctx->rx = kzalloc(sizeof(*ctx->rx), GFP_KERNEL);
	if (!ctx->rx)
		return -ENOMEM;
	err = krtls_key_init(&ctx->rx->key, ci, cipher);
	if (!err)
		err = krtls_rx_init(sk, ctx);
	if (err) {
		krtls_key_free(&ctx->rx->key);
		kfree(ctx->rx);
		ctx->rx = NULL;
		return err;
	}
	WRITE_ONCE(ctx->rx_conf, TLS_CONF_SW);
	krtls_stat_inc(sk, KRTLS_MIB_RX_SW);
	krtls_stat_inc(sk, KRTLS_MIB_CURR_RX_SW);
	/* Records may already be queued: let pollers look again. */
	if (!skb_queue_empty(&sk->sk_receive_queue))
		sk->sk_data_ready(sk);
	return 0;
}

static int krtls_rekey(struct sock *sk, struct krtls_ctx *ctx, bool tx,
		       const union krtls_crypto_info *ci)
{
	struct krtls_key *live = krtls_dir_key(ctx, tx);
	int err;

	err = krtls_key_rekey(live, ci);
	if (err)
		return err;

	if (!tx) {
		WRITE_ONCE(ctx->rx->key_update_pending, false);
		sk->sk_data_ready(sk);
	}
	return 0;
}

static int krtls_set_crypto(struct sock *sk, struct krtls_ctx *ctx,
			    sockptr_t optval, unsigned int optlen, bool tx)
{
	struct krtls_key *cur = krtls_dir_key(ctx, tx);
	const struct krtls_cipher *cipher;
	union krtls_crypto_info ci;
	int err;

	memset(&ci, 0, sizeof(ci));
	if (sockptr_is_null(optval) || optlen < sizeof(ci.info)) {
		err = -EINVAL;
		goto out;
	}
	if (copy_from_sockptr(&ci.info, optval, sizeof(ci.info))) {
		err = -EFAULT;
		goto out;
	}
	err = krtls_check_info(&ci.info, cur, krtls_dir_key(ctx, !tx));
	if (err)
		goto out;
	cipher = krtls_cipher_find(ci.info.cipher_type);
	if (!cipher || optlen != cipher->info_len) {
		err = -EINVAL;
		goto out;
	}
	if (copy_from_sockptr_offset((u8 *)&ci + sizeof(ci.info), optval,
				     sizeof(ci.info),
				     optlen - sizeof(ci.info))) {
		err = -EFAULT;
		goto out;
	}
	if (cur)
		err = krtls_rekey(sk, ctx, tx, &ci);
	else
		err = krtls_install(sk, ctx, tx, &ci, cipher);
out:
	memzero_explicit(&ci, sizeof(ci));
	if (cur) {
		enum krtls_mib mib;

		if (tx)
			mib = err ? KRTLS_MIB_TX_REKEY_ERROR : KRTLS_MIB_TX_REKEY_OK;
		else
			mib = err ? KRTLS_MIB_RX_REKEY_ERROR : KRTLS_MIB_RX_REKEY_OK;
		krtls_stat_inc(sk, mib);
	}
	return err;
}

static int krtls_set_tx_zc(struct krtls_ctx *ctx, sockptr_t optval,
			   unsigned int optlen)
{
	unsigned int val;

	if (sockptr_is_null(optval) || optlen != sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	/* Accepted for compatibility; records are always copied. */
	ctx->zc_ro_tx = val;
	return 0;
}

static int krtls_set_no_pad(struct sock *sk, struct krtls_ctx *ctx,
			    sockptr_t optval, unsigned int optlen)
{
	u32 val;
	int err;

	if (ctx->layout.version != TLS_1_3_VERSION ||
	    sockptr_is_null(optval) || optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	err = check_zeroed_sockptr(optval, sizeof(val), optlen - sizeof(val));
	if (err < 1)
		return err ? err : -EINVAL;

	lock_sock(sk);
	err = -EINVAL;
	if (ctx->rx) {
		ctx->rx->no_pad = val;
		WRITE_ONCE(ctx->rx_no_pad, val);
		err = 0;
	}
	release_sock(sk);
	return err;
}

int krtls_setsockopt(struct sock *sk, int level, int optname,
		     sockptr_t optval, unsigned int optlen)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	int err;

	if (level != SOL_TLS)
		return ctx->base_prot->setsockopt(sk, level, optname, optval,
						  optlen);
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		lock_sock(sk);
		err = krtls_set_crypto(sk, ctx, optval, optlen,
				       optname == TLS_TX);
		release_sock(sk);
		return err;
	case TLS_TX_ZEROCOPY_RO:
		lock_sock(sk);
		err = krtls_set_tx_zc(ctx, optval, optlen);
		release_sock(sk);
		return err;
	case TLS_RX_EXPECT_NO_PAD:
		return krtls_set_no_pad(sk, ctx, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

static int krtls_get_crypto(struct krtls_ctx *ctx, char __user *optval,
			    int __user *optlen, bool tx)
{
	const struct krtls_key *key = krtls_dir_key(ctx, tx);
	const struct krtls_cipher *c;
	union krtls_crypto_info ci;
	u8 *raw = (u8 *)&ci;
	int len, err = 0;

	if (get_user(len, optlen))
		return -EFAULT;
	if (!optval || len < (int)sizeof(ci.info))
		return -EINVAL;
	if (!key)
		return -EBUSY;
	if (len == sizeof(ci.info))
		return copy_to_user(optval, &key->info.info,
				    sizeof(ci.info)) ? -EFAULT : 0;
	c = key->cipher;
	if (len != c->info_len)
		return -EINVAL;

	memcpy(&ci, &key->info, c->info_len);
	memcpy(raw + c->iv_off, key->nonce + c->salt_len, c->iv_len);
	memcpy(raw + c->seq_off, key->seq, KRTLS_SEQ_LEN);
	if (copy_to_user(optval, &ci, c->info_len))
		err = -EFAULT;
	memzero_explicit(&ci, sizeof(ci));
	return err;
}

static int krtls_get_tx_zc(struct krtls_ctx *ctx, char __user *optval,
			   int __user *optlen)
{
	unsigned int val = ctx->zc_ro_tx;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len != sizeof(val))
		return -EINVAL;
	return copy_to_user(optval, &val, sizeof(val)) ? -EFAULT : 0;
}

static int krtls_get_no_pad(struct krtls_ctx *ctx, char __user *optval,
			    int __user *optlen)
{
	int val, len;

	if (ctx->layout.version != TLS_1_3_VERSION)
		return -EINVAL;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(val))
		return -EINVAL;
	if (!ctx->rx)
		return -EINVAL;
	val = ctx->rx->no_pad;
	if (put_user(sizeof(val), optlen))
		return -EFAULT;
	return copy_to_user(optval, &val, sizeof(val)) ? -EFAULT : 0;
}

int krtls_getsockopt(struct sock *sk, int level, int optname,
		     char __user *optval, int __user *optlen)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	int err;

	if (level != SOL_TLS)
		return ctx->base_prot->getsockopt(sk, level, optname, optval,
						  optlen);
	lock_sock(sk);
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		err = krtls_get_crypto(ctx, optval, optlen, optname == TLS_TX);
		break;
	case TLS_TX_ZEROCOPY_RO:
		err = krtls_get_tx_zc(ctx, optval, optlen);
		break;
	case TLS_RX_EXPECT_NO_PAD:
		err = krtls_get_no_pad(ctx, optval, optlen);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}
