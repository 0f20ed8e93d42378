// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API without kernel support: tcp_prot and tcpv6_prot are
 * writable, so their setsockopt and getsockopt are wrapped to serve
 * TCP_AO_* (every other option goes to TCP unchanged), connect to refuse a
 * peer without a key (EKEYREJECTED), and destroy to drop a socket's TCP-AO
 * state. Accepted sockets get their listener's keys when the datapath
 * first sees them. Unload restores the originals and waits for calls still
 * inside a wrapper (a blocking connect() can hold it up to TCP's SYN
 * timeout); it is refused while any socket has TCP-AO state, as each such
 * socket holds a module reference.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <net/tcp.h>
#include <net/transp_v6.h>

#include "datapath.h"
#include "sockopt.h"

/**
 * struct tcp_authopt_proto_ops - the original operations of one proto
 * @prot: tcp_prot or tcpv6_prot
 * @setsockopt: its setsockopt
 * @getsockopt: its getsockopt
 * @connect: its connect
 * @destroy: its destroy
 */
struct tcp_authopt_proto_ops {
	struct proto *prot;
	int (*setsockopt)(struct sock *sk, int level, int optname,
			  sockptr_t optval, unsigned int optlen);
	int (*getsockopt)(struct sock *sk, int level, int optname,
			  char __user *optval, int __user *optlen);
	int (*connect)(struct sock *sk, struct sockaddr *uaddr, int addr_len);
	void (*destroy)(struct sock *sk);
};

/* Calls running in our wrappers, waited for at unload. */
static atomic_t tcp_authopt_inflight = ATOMIC_INIT(0);

static struct tcp_authopt_proto_ops tcp_authopt_v4_ops = { .prot = &tcp_prot };
#if IS_ENABLED(CONFIG_IPV6)
static struct tcp_authopt_proto_ops tcp_authopt_v6_ops = { .prot = &tcpv6_prot };
#endif

static const struct tcp_authopt_proto_ops *tcp_authopt_ops(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_prot == &tcpv6_prot)
		return &tcp_authopt_v6_ops;
#endif
	return &tcp_authopt_v4_ops;
}

static bool tcp_authopt_optname(int level, int optname)
{
	return level == SOL_TCP && optname >= TCP_AO_ADD_KEY &&
	       optname <= TCP_AO_REPAIR;
}

static int tcp_authopt_proto_setsockopt(struct sock *sk, int level,
					int optname, sockptr_t optval,
					unsigned int optlen)
{
	int err;

	atomic_inc(&tcp_authopt_inflight);
	if (tcp_authopt_optname(level, optname))
		err = tcp_authopt_setsockopt(sk, optname, optval, optlen);
	else if (level == SOL_TCP &&
		 (optname == TCP_MD5SIG || optname == TCP_MD5SIG_EXT) &&
		 tcp_authopt_md5_conflict(sk, optval, optlen))
		err = -EKEYREJECTED;
	else
		err = tcp_authopt_ops(sk)->setsockopt(sk, level, optname,
						      optval, optlen);
	atomic_dec(&tcp_authopt_inflight);
	return err;
}

static int tcp_authopt_proto_getsockopt(struct sock *sk, int level,
					int optname, char __user *optval,
					int __user *optlen)
{
	int err;

	atomic_inc(&tcp_authopt_inflight);
	if (tcp_authopt_optname(level, optname))
		err = tcp_authopt_getsockopt(sk, optname, optval, optlen);
	else
		err = tcp_authopt_ops(sk)->getsockopt(sk, level, optname,
						      optval, optlen);
	atomic_dec(&tcp_authopt_inflight);
	return err;
}

static int tcp_authopt_proto_connect(struct sock *sk, struct sockaddr *uaddr,
				     int addr_len)
{
	struct tcp_authopt_info *info;
	int err;

	atomic_inc(&tcp_authopt_inflight);
	err = tcp_authopt_connect_check(sk, uaddr, addr_len) ?:
	      tcp_authopt_ops(sk)->connect(sk, uaddr, addr_len);
	if (!err) {
		rcu_read_lock();
		info = tcp_authopt_info_lookup(sk);
		if (info)
			tcp_authopt_make_room(sk, info);
		rcu_read_unlock();
	}
	atomic_dec(&tcp_authopt_inflight);
	return err;
}

static void tcp_authopt_proto_destroy(struct sock *sk)
{
	atomic_inc(&tcp_authopt_inflight);
	tcp_authopt_info_destroy(sk);
	tcp_authopt_ops(sk)->destroy(sk);
	atomic_dec(&tcp_authopt_inflight);
}

static void tcp_authopt_proto_swap(struct tcp_authopt_proto_ops *ops,
				   bool install)
{
	struct proto *prot = ops->prot;

	if (install) {
		ops->setsockopt = prot->setsockopt;
		ops->getsockopt = prot->getsockopt;
		ops->connect = prot->connect;
		ops->destroy = prot->destroy;
		WRITE_ONCE(prot->setsockopt, tcp_authopt_proto_setsockopt);
		WRITE_ONCE(prot->getsockopt, tcp_authopt_proto_getsockopt);
		WRITE_ONCE(prot->connect, tcp_authopt_proto_connect);
		WRITE_ONCE(prot->destroy, tcp_authopt_proto_destroy);
	} else {
		WRITE_ONCE(prot->setsockopt, ops->setsockopt);
		WRITE_ONCE(prot->getsockopt, ops->getsockopt);
		WRITE_ONCE(prot->connect, ops->connect);
		WRITE_ONCE(prot->destroy, ops->destroy);
	}
}

void tcp_authopt_proto_install(void)
{
	tcp_authopt_proto_swap(&tcp_authopt_v4_ops, true);
#if IS_ENABLED(CONFIG_IPV6)
	tcp_authopt_proto_swap(&tcp_authopt_v6_ops, true);
#endif
}

/*
 * Put the originals back. A call that read one of our pointers just before
 * may still be entering it: wait for such callers, which hold no lock we
 * could wait on, with a grace period and a generous pause.
 */
void tcp_authopt_proto_uninstall(void)
{
	tcp_authopt_proto_swap(&tcp_authopt_v4_ops, false);
#if IS_ENABLED(CONFIG_IPV6)
	tcp_authopt_proto_swap(&tcp_authopt_v6_ops, false);
#endif
	synchronize_rcu();
	while (atomic_read(&tcp_authopt_inflight))
		msleep(20);
}
