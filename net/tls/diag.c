// SPDX-License-Identifier: GPL-2.0
/*
 * inet_diag ULP attributes (INET_ULP_INFO_TLS), as the in-tree module
 * reports them: version, cipher, TX/RX configuration and option flags.
 * Called under RCU without the socket lock, so only fields of the
 * context itself are read (the context is freed after a grace period).
 */
#include <linux/inet_diag.h>
#include <net/netlink.h>

#include "krtls.h"

int krtls_get_info(struct sock *sk, struct sk_buff *skb)
{
	struct krtls_ctx *ctx;
	struct nlattr *nest;
	u16 version, cipher;
	int err = 0;

	nest = nla_nest_start_noflag(skb, INET_ULP_INFO_TLS);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	ctx = rcu_dereference(inet_csk(sk)->icsk_ulp_data);
	if (!ctx)
		goto cancel;
	version = READ_ONCE(ctx->layout.version);
	cipher = READ_ONCE(ctx->cipher_type);
	if (version && nla_put_u16(skb, TLS_INFO_VERSION, version))
		goto emsgsize;
	if (cipher && nla_put_u16(skb, TLS_INFO_CIPHER, cipher))
		goto emsgsize;
	if (nla_put_u16(skb, TLS_INFO_TXCONF, READ_ONCE(ctx->tx_conf)) ||
	    nla_put_u16(skb, TLS_INFO_RXCONF, READ_ONCE(ctx->rx_conf)))
		goto emsgsize;
	if (READ_ONCE(ctx->rx_no_pad) && nla_put_flag(skb, TLS_INFO_RX_NO_PAD))
		goto emsgsize;
	rcu_read_unlock();
	nla_nest_end(skb, nest);
	return 0;

emsgsize:
	err = -EMSGSIZE;
cancel:
	rcu_read_unlock();
	nla_nest_cancel(skb, nest);
	return err;
}

size_t krtls_get_info_size(const struct sock *sk)
{
	return nla_total_size(0) +		/* INET_ULP_INFO_TLS */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_VERSION */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_CIPHER */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_TXCONF */
	       nla_total_size(sizeof(u16)) +	/* TLS_INFO_RXCONF */
	       nla_total_size(0) +		/* TLS_INFO_ZC_RO_TX */
	       nla_total_size(0);		/* TLS_INFO_RX_NO_PAD */
}
