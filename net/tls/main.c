// SPDX-License-Identifier: GPL-2.0
/*
 * keyroll kTLS: registers the TCP ULP "tls" so that setsockopt(TCP_ULP,
 * "tls") gets this implementation, installs per-family copies of the TCP
 * proto and proto_ops with the TLS entry points, and tears a socket's TLS
 * state down on close. The datapath lives in tx.c, rx.c and sw.c.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "krtls.h"

/* Protocol tables per address family, built from the first TCP socket. */
struct krtls_family {
	struct proto *base;
	const struct proto_ops *base_ops;
	struct proto prot;
	struct proto_ops ops;	/* built at run time, see lint-exceptions */
	bool built;
};

static struct krtls_family krtls_families[2];
static DEFINE_MUTEX(krtls_family_lock);

static void krtls_close(struct sock *sk, long timeout);

static int krtls_disconnect(struct sock *sk, int flags)
{
	return -EOPNOTSUPP;
}

static void krtls_family_build(struct krtls_family *f, struct proto *base,
			       const struct proto_ops *base_ops)
{
	f->base = base;
	f->base_ops = base_ops;

	f->prot = *base;
	f->prot.close = krtls_close;
	f->prot.disconnect = krtls_disconnect;
	f->prot.setsockopt = krtls_setsockopt;
	f->prot.getsockopt = krtls_getsockopt;
	f->prot.sendmsg = krtls_sendmsg;
	f->prot.recvmsg = krtls_recvmsg;
	f->prot.splice_eof = krtls_splice_eof;
#ifdef KRTLS_HAVE_PROTO_SENDPAGE
	f->prot.sendpage = krtls_sendpage;
#endif

	f->ops = *base_ops;
	f->ops.poll = krtls_poll;
	f->ops.splice_read = krtls_splice_read;
}

static struct krtls_family *krtls_family_get(struct sock *sk)
{
	const struct proto_ops *base_ops = READ_ONCE(sk->sk_socket->ops);
	struct proto *base = READ_ONCE(sk->sk_prot);
	struct krtls_family *f;

	f = &krtls_families[sk->sk_family == AF_INET6];
	mutex_lock(&krtls_family_lock);
	if (!f->built) {
		krtls_family_build(f, base, base_ops);
		f->built = true;
	} else if (f->base != base || f->base_ops != base_ops) {
		f = NULL;
	}
	mutex_unlock(&krtls_family_lock);
	return f;
}

static int krtls_ulp_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct krtls_family *f;
	struct krtls_ctx *ctx;

	/* As in-tree: only established connections; no listeners. */
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (!sk->sk_socket)
		return -EINVAL;
	f = krtls_family_get(sk);
	if (!f)
		return -EOPNOTSUPP;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->base_prot = f->base;
	ctx->base_ops = f->base_ops;
	ctx->sk = sk;
	ctx->tx_conf = TLS_CONF_BASE;
	ctx->rx_conf = TLS_CONF_BASE;
	mutex_init(&ctx->tx_lock);

	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_pointer(icsk->icsk_ulp_data, ctx);
	WRITE_ONCE(sk->sk_prot, &f->prot);
	WRITE_ONCE(sk->sk_socket->ops, &f->ops);
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

static void krtls_close(struct sock *sk, long timeout)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct proto *base = ctx->base_prot;

	lock_sock(sk);
	krtls_tx_stop(sk, ctx);
	release_sock(sk);
	krtls_tx_cancel(ctx);

	lock_sock(sk);
	krtls_tx_release(sk, ctx);
	krtls_rx_release(sk, ctx);
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_pointer(icsk->icsk_ulp_data, NULL);
	WRITE_ONCE(sk->sk_prot, base);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	mutex_destroy(&ctx->tx_lock);
	kfree_rcu(ctx, rcu);
	base->close(sk, timeout);
}

static struct tcp_ulp_ops krtls_ulp_ops __read_mostly = {
	.name		= "tls",
	.owner		= THIS_MODULE,
	.init		= krtls_ulp_init,
	.get_info	= krtls_get_info,
	.get_info_size	= krtls_get_info_size,
};

static int __init krtls_init(void)
{
	int err;

	krtls_ciphers_init();
	err = krtls_proc_init();
	if (err)
		return err;
	/* EEXIST while the in-tree tls.ko holds the name. */
	err = tcp_register_ulp(&krtls_ulp_ops);
	if (err) {
		krtls_proc_exit();
		return err;
	}
	return 0;
}

static void __exit krtls_exit(void)
{
	tcp_unregister_ulp(&krtls_ulp_ops);
	krtls_proc_exit();
}

module_init(krtls_init);
module_exit(krtls_exit);

MODULE_DESCRIPTION("keyroll kernel TLS with TLS 1.3 rekey (drop-in for tls.ko)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_TCP_ULP("tls");
