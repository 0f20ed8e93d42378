// SPDX-License-Identifier: GPL-2.0
/*
 * TCP_AO_ADD_KEY, TCP_AO_DEL_KEY, TCP_AO_INFO, TCP_AO_GET_KEYS and
 * TCP_AO_REPAIR with upstream's (Linux >= 6.7) semantics and errno values,
 * checked in upstream's order. Every copy of key material on the stack is
 * wiped before return.
 */

#include <linux/capability.h>
#include <linux/inetdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/tcp.h>

#include "chain.h"
#include "datapath.h"
#include "sockopt.h"

/*
 * The socket's TCP-AO state; an accepted socket claims the keys parked for
 * it here if the datapath has not yet, so TCP_AO_INFO and friends work
 * right after accept().
 */
static struct tcp_authopt_info *tcp_authopt_info_locked(struct sock *sk)
{
	struct tcp_authopt_info *info;

	rcu_read_lock();
	info = tcp_authopt_sk_info(sk);
	rcu_read_unlock();
	return info;
}

static bool tcp_authopt_in_close_or_listen(const struct sock *sk)
{
	return (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN);
}

/* Keys on a listener have no current/RNext role (upstream's rule). */
static bool tcp_authopt_can_set_current(const struct sock *sk)
{
	return sk->sk_state != TCP_LISTEN;
}

/*
 * Normalise and check a key address given for a socket of @family: a
 * v4-mapped address (with a prefix) on an IPv6 socket becomes AF_INET; a
 * zero prefix needs the wildcard address, any other prefix a non-wildcard
 * address without host bits.
 */
static int tcp_authopt_check_addr(int family,
				  const struct __kernel_sockaddr_storage *in,
				  u8 prefix, struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)in;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)in;

	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		if (sin->sin_family != AF_INET || sin->sin_port)
			return -EINVAL;
		((struct sockaddr_in *)out)->sin_family = AF_INET;
		((struct sockaddr_in *)out)->sin_addr = sin->sin_addr;
	} else {
		if (sin6->sin6_family != AF_INET6 || sin6->sin6_port)
			return -EINVAL;
		if (prefix && ipv6_addr_v4mapped(&sin6->sin6_addr)) {
			((struct sockaddr_in *)out)->sin_family = AF_INET;
			((struct sockaddr_in *)out)->sin_addr.s_addr =
				sin6->sin6_addr.s6_addr32[3];
		} else {
			((struct sockaddr_in6 *)out)->sin6_family = AF_INET6;
			((struct sockaddr_in6 *)out)->sin6_addr = sin6->sin6_addr;
		}
	}

	if (out->ss_family == AF_INET) {
		__be32 a = ((struct sockaddr_in *)out)->sin_addr.s_addr;

		if (!prefix)
			return a ? -EINVAL : 0;
		if (!a || prefix > 32 || (a & ~inet_make_mask(prefix)))
			return -EINVAL;
	} else {
		const struct in6_addr *a = &((struct sockaddr_in6 *)out)->sin6_addr;
		struct in6_addr masked;

		if (!prefix)
			return ipv6_addr_any(a) ? 0 : -EINVAL;
		if (ipv6_addr_any(a) || prefix > 128)
			return -EINVAL;
		ipv6_addr_prefix(&masked, a, prefix);
		if (!ipv6_addr_equal(&masked, a))
			return -EINVAL;
	}
	return 0;
}

/* A key for a connected socket must cover its peer. */
static int tcp_authopt_check_peer(const struct sock *sk,
				  const struct sockaddr_storage *addr, u8 prefix)
{
	struct tcp_authopt_key probe = { .prefix = prefix };
	struct sockaddr_storage peer;

	memcpy(&probe.addr, addr, sizeof(probe.addr));
	if (!prefix)
		return 0;
	if ((sk->sk_family == AF_INET && !sk->sk_daddr) ||
	    (sk->sk_family == AF_INET6 && ipv6_addr_any(&sk->sk_v6_daddr)))
		return 0;
	tcp_authopt_sk_peer(sk, &peer);
	return tcp_authopt_key_match_addr(&probe, (struct sockaddr *)&peer, 0) ?
	       0 : -EINVAL;
}

/*
 * Whether a TCP-MD5 key of the socket covers this peer: for an AO key bound
 * to a VRF (@l3index >= 0), MD5 keys for that VRF or for none; otherwise
 * MD5 keys for any VRF (upstream's rule).
 */
static bool tcp_authopt_md5_covers(struct sock *sk,
				   const struct sockaddr_storage *addr,
				   int l3index)
{
	struct tcp_md5sig_info *md5 = rcu_dereference_protected(tcp_sk(sk)->md5sig_info,
								lockdep_sock_is_held(sk));
	struct tcp_md5sig_key *m;

	if (!md5)
		return false;
	hlist_for_each_entry_rcu(m, &md5->head, node, lockdep_sock_is_held(sk)) {
		struct tcp_authopt_key probe = { .prefix = m->prefixlen };

		if (l3index >= 0 && (m->flags & TCP_MD5SIG_FLAG_IFINDEX) &&
		    m->l3index != l3index)
			continue;
		if (m->family == AF_INET) {
			probe.addr.sa.sa_family = AF_INET;
			((struct sockaddr_in *)&probe.addr)->sin_addr.s_addr = m->addr.a4.s_addr;
		} else {
			probe.addr.sa.sa_family = AF_INET6;
			((struct sockaddr_in6 *)&probe.addr)->sin6_addr = m->addr.a6;
		}
		if (tcp_authopt_key_match_addr(&probe, (const struct sockaddr *)addr, 0))
			return true;
	}
	return false;
}

static bool tcp_authopt_has_md5_keys(struct sock *sk)
{
	struct tcp_md5sig_info *md5 = rcu_dereference_protected(tcp_sk(sk)->md5sig_info,
								lockdep_sock_is_held(sk));

	return md5 && !hlist_empty(&md5->head);
}

/*
 * RFC 5925 section 3.1: the IDs of MKTs must not overlap where their
 * connection identifiers overlap. Overlap: same family, VRF compatible,
 * and equal under the shorter prefix (a wildcard overlaps everything).
 */
static bool tcp_authopt_overlaps(const struct tcp_authopt_key *old,
				 const struct tcp_authopt_key *new)
{
	if ((old->keyflags & TCP_AO_KEYF_IFINDEX) && old->l3index != new->l3index)
		return false;
	if (old->addr.sa.sa_family != new->addr.sa.sa_family)
		return false;
	return tcp_authopt_addr_match(&old->addr, (const struct sockaddr *)&new->addr,
				      min(old->prefix, new->prefix));
}

static int tcp_authopt_check_ids(struct tcp_authopt_info *info,
				 const struct tcp_authopt_key *new)
{
	const struct sockaddr *addr = (const struct sockaddr *)&new->addr;
	struct tcp_authopt_key *key;
	struct hlist_head *heads[2];
	int i, n;

	/* A key for a shorter prefix may overlap any key: look at all. */
	if (new->prefix != (addr->sa_family == AF_INET ? 32 : 128)) {
		hlist_for_each_entry_rcu(key, &info->keys, node,
					 lockdep_sock_is_held(info->sk)) {
			if ((key->rcvid == new->rcvid || key->sndid == new->sndid) &&
			    tcp_authopt_overlaps(key, new))
				return -EEXIST;
		}
		return 0;
	}
	n = tcp_authopt_peer_lists(info, addr, heads);
	for (i = 0; i < n; i++) {
		hlist_for_each_entry_rcu(key, heads[i], pnode,
					 lockdep_sock_is_held(info->sk)) {
			if ((key->rcvid == new->rcvid || key->sndid == new->sndid) &&
			    tcp_authopt_overlaps(key, new))
				return -EEXIST;
		}
	}
	return 0;
}

/* Account a key in the socket's option memory, like sock_kmalloc(). */
static struct tcp_authopt_key *tcp_authopt_key_alloc(struct sock *sk,
						     struct tcp_authopt_alg *alg,
						     gfp_t gfp)
{
	return sock_kmalloc(sk, tcp_authopt_key_size(alg), gfp | __GFP_ZERO);
}

static void tcp_authopt_key_unlink(struct sock *sk, struct tcp_authopt_info *info,
				   struct tcp_authopt_key *key)
{
	tcp_authopt_key_unlink_peer(info, key);
	atomic_sub(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
	tcp_authopt_key_free(key);
}

/* The algorithm of a new key; @reduce: a long AES-128-CMAC key to extract. */
static struct tcp_authopt_alg *tcp_authopt_key_alg(struct tcp_ao_add *cmd, bool *reduce)
{
	cmd->alg_name[sizeof(cmd->alg_name) - 1] = '\0';
	return tcp_authopt_alg_get(tcp_authopt_alg_alias(cmd->alg_name, cmd->keylen,
							 reduce));
}

/* Key bytes and MAC length of a new key (upstream's rules). */
static int tcp_authopt_key_crypto(const struct tcp_ao_add *cmd,
				  struct tcp_authopt_key *key, bool reduce)
{
	int err;

	key->maclen = cmd->maclen ?: TCP_AUTHOPT_DEFAULT_MACLEN;
	if (ALIGN(TCP_AUTHOPT_OPT_HDR_LEN + key->maclen, 4) > TCP_AUTHOPT_SYN_SPACE)
		return -EMSGSIZE;

	memcpy(key->key, cmd->key, cmd->keylen);
	key->keylen = cmd->keylen;
	if (reduce) {
		err = tcp_authopt_cmac_reduce(key->alg, key->key, key->keylen,
					      key->key);
		if (err)
			return err;
		key->keylen = TCP_AUTHOPT_CMAC_KEYLEN;
	}
	err = tcp_authopt_alg_check_key(key->alg, key->key, key->keylen);
	if (err)
		return err;
	if (key->maclen > key->alg->digest_size)
		return -EINVAL;
	return 0;
}

static int tcp_authopt_add_l3index(struct sock *sk, const struct tcp_ao_add *cmd,
				   int *l3index)
{
	struct net_device *dev;
	int bound = READ_ONCE(sk->sk_bound_dev_if);

	*l3index = 0;
	if (cmd->ifindex && !(cmd->keyflags & TCP_AO_KEYF_IFINDEX))
		return -EINVAL;
	if (!(cmd->keyflags & TCP_AO_KEYF_IFINDEX) || !cmd->ifindex)
		return 0;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(sk), cmd->ifindex);
	if (dev && netif_is_l3_master(dev))
		*l3index = dev->ifindex;
	rcu_read_unlock();
	if (!*l3index)
		return -EINVAL;
	if (bound != cmd->ifindex && !tcp_authopt_in_close_or_listen(sk))
		return -EINVAL;
	return 0;
}

static int tcp_authopt_add_key(struct sock *sk, struct tcp_authopt_info *info,
			       struct tcp_ao_add *cmd)
{
	struct tcp_authopt_key *key, probe = {};
	struct sockaddr_storage addr;
	bool created = false, reduce;
	int l3index, err;

	if (cmd->keylen > TCP_AO_MAXKEYLEN)
		return -EINVAL;
	if (cmd->reserved || cmd->reserved2)
		return -EINVAL;
	err = tcp_authopt_check_addr(sk->sk_family, &cmd->addr, cmd->prefix,
				     &addr) ?:
	      tcp_authopt_check_peer(sk, &addr, cmd->prefix);
	if (err)
		return err;
	if (cmd->keyflags & ~(TCP_AO_KEYF_IFINDEX | TCP_AO_KEYF_EXCLUDE_OPT))
		return -EINVAL;
	if ((cmd->set_current || cmd->set_rnext) && !tcp_authopt_can_set_current(sk))
		return -EINVAL;
	err = tcp_authopt_add_l3index(sk, cmd, &l3index);
	if (err)
		return err;
	if (tcp_authopt_md5_covers(sk, &addr, (cmd->keyflags & TCP_AO_KEYF_IFINDEX) ?
						  l3index : -1))
		return -EKEYREJECTED;

	memcpy(&probe.addr, &addr, sizeof(probe.addr));
	probe.prefix = cmd->prefix;
	probe.sndid = cmd->sndid;
	probe.rcvid = cmd->rcvid;
	probe.keyflags = cmd->keyflags;
	probe.l3index = l3index;
	if (info) {
		err = tcp_authopt_check_ids(info, &probe);
		if (err)
			return err;
	}
	probe.alg = tcp_authopt_key_alg(cmd, &reduce);
	if (IS_ERR(probe.alg))
		return PTR_ERR(probe.alg);
	key = tcp_authopt_key_alloc(sk, probe.alg, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	memcpy(key, &probe, sizeof(probe));
	err = tcp_authopt_key_crypto(cmd, key, reduce);
	if (err)
		goto err_free;

	if (!info) {
		info = tcp_authopt_info_get_or_create(sk);
		if (!info) {
			err = -ENOMEM;
			goto err_free;
		}
		created = true;
	}
	if (!tcp_authopt_in_close_or_listen(sk)) {
		if (tcp_authopt_isns_known(info))
			tcp_authopt_key_derive(info, key);
		if (created) {
			rcu_assign_pointer(info->current_key, key);
			rcu_assign_pointer(info->rnext_key, key);
		}
	}
	tcp_authopt_key_link(info, key, GFP_KERNEL);
	if (cmd->set_current)
		rcu_assign_pointer(info->current_key, key);
	if (cmd->set_rnext)
		rcu_assign_pointer(info->rnext_key, key);
	return 0;

err_free:
	memzero_explicit(key, tcp_authopt_key_size(probe.alg));
	sock_kfree_s(sk, key, tcp_authopt_key_size(probe.alg));
	return err;
}

/* A key by SendID (@sndid >= 0) or RecvID (@rcvid >= 0), any peer. */
static struct tcp_authopt_key *tcp_authopt_key_by_id(struct tcp_authopt_info *info,
						     int sndid, int rcvid)
{
	struct tcp_authopt_key *key;

	hlist_for_each_entry_rcu(key, &info->keys, node,
				 lockdep_sock_is_held(info->sk)) {
		if ((sndid >= 0 && key->sndid != sndid) ||
		    (rcvid >= 0 && key->rcvid != rcvid))
			continue;
		return key;
	}
	return NULL;
}

/* Exact match of a delete request against a key. */
static bool tcp_authopt_del_match(const struct sock *sk,
				  const struct tcp_ao_del *cmd,
				  const struct tcp_authopt_key *key)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&cmd->addr;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&cmd->addr;
	int l3index = (cmd->keyflags & TCP_AO_KEYF_IFINDEX) ? cmd->ifindex : 0;

	if (key->sndid != cmd->sndid || key->rcvid != cmd->rcvid ||
	    key->prefix != cmd->prefix || key->l3index != l3index ||
	    (key->keyflags & TCP_AO_KEYF_IFINDEX) !=
	    (cmd->keyflags & TCP_AO_KEYF_IFINDEX))
		return false;
	if (sk->sk_family == AF_INET || ipv6_addr_v4mapped(&sin6->sin6_addr)) {
		__be32 a = sk->sk_family == AF_INET ? sin->sin_addr.s_addr :
			   sin6->sin6_addr.s6_addr32[3];

		return key->addr.sa.sa_family == AF_INET &&
		       key->addr.sin.sin_addr.s_addr == a;
	}
	return key->addr.sa.sa_family == AF_INET6 &&
	       ipv6_addr_equal(&key->addr.sin6.sin6_addr,
			       &sin6->sin6_addr);
}

static int tcp_authopt_del_key(struct sock *sk, struct tcp_authopt_info *info,
			       const struct tcp_ao_del *cmd)
{
	struct tcp_authopt_key *key, *new_current = NULL, *new_rnext = NULL;
	__be16 port;

	if (cmd->reserved || cmd->reserved2)
		return -EINVAL;
	if ((cmd->set_current || cmd->set_rnext) && !tcp_authopt_can_set_current(sk))
		return -EINVAL;
	if (cmd->keyflags & ~TCP_AO_KEYF_IFINDEX)
		return -EINVAL;
	if (cmd->ifindex && !(cmd->keyflags & TCP_AO_KEYF_IFINDEX))
		return -EINVAL;
	if (!info)
		return -ENOENT;
	if (cmd->set_current) {
		new_current = tcp_authopt_key_by_id(info, cmd->current_key, -1);
		if (!new_current)
			return -ENOENT;
	}
	if (cmd->set_rnext) {
		new_rnext = tcp_authopt_key_by_id(info, -1, cmd->rnext);
		if (!new_rnext)
			return -ENOENT;
	}
	if (cmd->del_async && sk->sk_state != TCP_LISTEN)
		return -EINVAL;
	port = sk->sk_family == AF_INET ?
	       ((const struct sockaddr_in *)&cmd->addr)->sin_port :
	       ((const struct sockaddr_in6 *)&cmd->addr)->sin6_port;
	if (port)
		return -EINVAL;

	hlist_for_each_entry_rcu(key, &info->keys, node, lockdep_sock_is_held(sk)) {
		if (!tcp_authopt_del_match(sk, cmd, key) ||
		    key == new_current || key == new_rnext)
			continue;
		if (new_current)
			rcu_assign_pointer(info->current_key, new_current);
		if (new_rnext)
			rcu_assign_pointer(info->rnext_key, new_rnext);
		if (key == rcu_access_pointer(info->current_key) ||
		    key == rcu_access_pointer(info->rnext_key)) {
			if (!cmd->del_async)
				return -EBUSY;
			/* An async delete on a listener clears the role. */
			if (key == rcu_access_pointer(info->current_key))
				RCU_INIT_POINTER(info->current_key, NULL);
			if (key == rcu_access_pointer(info->rnext_key))
				RCU_INIT_POINTER(info->rnext_key, NULL);
		}
		tcp_authopt_key_unlink(sk, info, key);
		return 0;
	}
	return -ENOENT;
}

static int tcp_authopt_set_info(struct sock *sk, struct tcp_authopt_info *info,
				const struct tcp_ao_info_opt *cmd)
{
	struct tcp_authopt_key *new_current = NULL, *new_rnext = NULL;
	bool created = false;
	int i;

	if ((cmd->set_current || cmd->set_rnext) && !tcp_authopt_can_set_current(sk))
		return -EINVAL;
	if (cmd->reserved || cmd->reserved2)
		return -EINVAL;
	if (!info && !tcp_authopt_in_close_or_listen(sk))
		return -EINVAL;
	if (cmd->ao_required && tcp_authopt_has_md5_keys(sk))
		return -EKEYREJECTED;
	if (info && cmd->set_current) {
		new_current = tcp_authopt_key_by_id(info, cmd->current_key, -1);
		if (!new_current)
			return -ENOENT;
	}
	if (info && cmd->set_rnext) {
		new_rnext = tcp_authopt_key_by_id(info, -1, cmd->rnext);
		if (!new_rnext)
			return -ENOENT;
	}
	if (!info) {
		/* A new info has no keys for set_current/set_rnext to name. */
		if (cmd->set_current || cmd->set_rnext)
			return -ENOENT;
		info = tcp_authopt_info_get_or_create(sk);
		if (!info)
			return -ENOMEM;
		created = true;
	}
	if (cmd->set_counters) {
		const u64 v[__TCP_AUTHOPT_CNT_MAX] = {
			cmd->pkt_good, cmd->pkt_bad, cmd->pkt_key_not_found,
			cmd->pkt_ao_required, cmd->pkt_dropped_icmp,
		};

		for (i = 0; i < __TCP_AUTHOPT_CNT_MAX; i++)
			atomic64_set(&info->cnt[i], v[i]);
	}
	WRITE_ONCE(info->ao_required, cmd->ao_required);
	WRITE_ONCE(info->accept_icmps, cmd->accept_icmps);
	if (new_current)
		rcu_assign_pointer(info->current_key, new_current);
	if (new_rnext)
		rcu_assign_pointer(info->rnext_key, new_rnext);
	return 0;
}

static int tcp_authopt_set_repair(struct sock *sk, sockptr_t optval,
				  unsigned int optlen)
{
	struct tcp_authopt_info *info;
	struct tcp_ao_repair cmd;
	int err = 0;

	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN) ||
	    sk->sk_state == TCP_LISTEN)
		return -EPERM;
	if (optlen < sizeof(cmd))
		return -EINVAL;
	if (copy_from_sockptr(&cmd, optval, sizeof(cmd)))
		return -EFAULT;
	lock_sock(sk);
	info = tcp_authopt_info_locked(sk);
	if (!tcp_sk(sk)->repair) {
		err = -EPERM;
	} else if (!info) {
		err = -ENOENT;
	} else {
		tcp_authopt_info_set_isns(info, ntohl(cmd.snt_isn),
					  ntohl(cmd.rcv_isn), true);
		spin_lock_bh(&info->lock);
		info->snd_sne.sne = cmd.snd_sne;
		info->snd_sne.seq = tcp_sk(sk)->snd_nxt;
		info->rcv_sne.sne = cmd.rcv_sne;
		info->rcv_sne.seq = tcp_sk(sk)->rcv_nxt;
		spin_unlock_bh(&info->lock);
	}
	release_sock(sk);
	return err;
}

/* Copy a fixed-size command; a longer buffer's tail is ignored. */
static int tcp_authopt_copy_cmd(void *cmd, size_t size, sockptr_t optval,
				unsigned int optlen)
{
	if (optlen < size)
		return -EINVAL;
	return copy_from_sockptr(cmd, optval, size) ? -EFAULT : 0;
}

/**
 * tcp_authopt_setsockopt() - TCP_AO_ADD_KEY, _DEL_KEY, _INFO and _REPAIR
 * @sk: a TCP socket
 * @optname: the option
 * @optval: user buffer
 * @optlen: its length
 *
 * Return: 0 or upstream's errno for the failure.
 */
int tcp_authopt_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			   unsigned int optlen)
{
	union {
		struct tcp_ao_add add;
		struct tcp_ao_del del;
		struct tcp_ao_info_opt info;
	} cmd;
	struct tcp_authopt_info *info;
	int val, err;

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (optname == TCP_AO_REPAIR)
		return tcp_authopt_set_repair(sk, optval, optlen);

	lock_sock(sk);
	info = tcp_authopt_info_locked(sk);
	if (!tcp_authopt_in_close_or_listen(sk) && !info && !tcp_sk(sk)->repair) {
		err = -EISCONN;
		goto out;
	}
	/* A connection keyed by its namespace's chain: the keys are not ours. */
	if (info && READ_ONCE(info->ns_managed)) {
		err = -EBUSY;
		goto out;
	}
	switch (optname) {
	case TCP_AO_ADD_KEY:
		err = tcp_authopt_copy_cmd(&cmd.add, sizeof(cmd.add), optval, optlen) ?:
		      tcp_authopt_add_key(sk, info, &cmd.add);
		break;
	case TCP_AO_DEL_KEY:
		err = tcp_authopt_copy_cmd(&cmd.del, sizeof(cmd.del), optval, optlen) ?:
		      tcp_authopt_del_key(sk, info, &cmd.del);
		break;
	case TCP_AO_INFO:
		err = tcp_authopt_copy_cmd(&cmd.info, sizeof(cmd.info), optval, optlen) ?:
		      tcp_authopt_set_info(sk, info, &cmd.info);
		break;
	default:
		err = -ENOPROTOOPT;
	}
out:
	release_sock(sk);
	memzero_explicit(&cmd, sizeof(cmd));
	return err;
}

static int tcp_authopt_get_info(struct sock *sk, char __user *optval, int len)
{
	struct tcp_authopt_info *info;
	struct tcp_authopt_key *key;
	struct tcp_ao_info_opt out = {};
	int i;

	if (len <= 0)
		return -EINVAL;
	if (copy_from_user(&out, optval, min_t(int, len, sizeof(out))))
		return -EFAULT;
	if (out.reserved || out.reserved2)
		return -EINVAL;
	info = tcp_authopt_info_locked(sk);
	if (!info)
		return -ENOENT;

	memset(&out, 0, sizeof(out));
	out.ao_required = READ_ONCE(info->ao_required);
	out.accept_icmps = READ_ONCE(info->accept_icmps);
	for (i = 0; i < __TCP_AUTHOPT_CNT_MAX; i++) {
		u64 v = atomic64_read(&info->cnt[i]);

		switch (i) {
		case TCP_AUTHOPT_CNT_GOOD:
			out.pkt_good = v;
			break;
		case TCP_AUTHOPT_CNT_BAD:
			out.pkt_bad = v;
			break;
		case TCP_AUTHOPT_CNT_KEY_NOT_FOUND:
			out.pkt_key_not_found = v;
			break;
		case TCP_AUTHOPT_CNT_REQUIRED:
			out.pkt_ao_required = v;
			break;
		case TCP_AUTHOPT_CNT_DROPPED_ICMP:
			out.pkt_dropped_icmp = v;
			break;
		}
	}
	rcu_read_lock();
	key = rcu_dereference(info->current_key);
	if (key) {
		out.set_current = 1;
		out.current_key = key->sndid;
	}
	key = rcu_dereference(info->rnext_key);
	if (key) {
		out.set_rnext = 1;
		out.rnext = key->rcvid;
	}
	rcu_read_unlock();
	return copy_to_user(optval, &out, min_t(int, len, sizeof(out))) ? -EFAULT : 0;
}

/**
 * struct tcp_authopt_keys_query - what TCP_AO_GET_KEYS asked for
 * @in: the first element of the user's array, as given
 * @get_all: every key
 * @is_current: the current key
 * @is_rnext: the RNext key
 * @addr: normalised address filter (filter mode)
 */
struct tcp_authopt_keys_query {
	struct tcp_ao_getsockopt in;
	bool get_all;
	bool is_current;
	bool is_rnext;
	struct sockaddr_storage addr;
};

static int tcp_authopt_keys_query_addr(struct tcp_authopt_keys_query *q)
{
	int err;

	if (q->in.addr.ss_family == AF_INET || q->in.addr.ss_family == AF_INET6) {
		/* Checked as a key address would be, port aside. */
		struct __kernel_sockaddr_storage a = q->in.addr;

		if (a.ss_family == AF_INET)
			((struct sockaddr_in *)&a)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&a)->sin6_port = 0;
		err = tcp_authopt_check_addr(a.ss_family, &a, q->in.prefix,
					     &q->addr);
		if (err)
			return err;
		if (q->get_all || q->is_current || q->is_rnext)
			return -EINVAL;
		return 0;
	}
	if (q->in.addr.ss_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	if (!q->get_all && !q->is_current && !q->is_rnext)
		return -EAFNOSUPPORT;
	return 0;
}

static int tcp_authopt_keys_query(struct tcp_authopt_keys_query *q,
				  char __user *optval, int len)
{
	if (copy_from_user(&q->in, optval, min_t(int, len, sizeof(q->in))))
		return -EFAULT;
	if (q->in.pkt_good || q->in.pkt_bad)
		return -EINVAL;
	if (q->in.keyflags & ~TCP_AO_KEYF_IFINDEX)
		return -EINVAL;
	if (q->in.ifindex && !(q->in.keyflags & TCP_AO_KEYF_IFINDEX))
		return -EINVAL;
	if (q->in.reserved)
		return -EINVAL;
	if (q->in.get_all && (q->in.is_current || q->in.is_rnext))
		return -EINVAL;
	q->get_all = q->in.get_all;
	q->is_current = q->in.is_current;
	q->is_rnext = q->in.is_rnext;
	if ((q->get_all || q->is_current || q->is_rnext) &&
	    (q->in.prefix || q->in.sndid || q->in.rcvid))
		return -EINVAL;
	return tcp_authopt_keys_query_addr(q);
}

static bool tcp_authopt_keys_match(const struct tcp_authopt_keys_query *q,
				   const struct tcp_authopt_key *key,
				   const struct tcp_authopt_key *cur,
				   const struct tcp_authopt_key *rnext)
{
	struct tcp_authopt_key probe = {};

	if (q->get_all)
		return true;
	if (q->is_current || q->is_rnext)
		return (q->is_current && key == cur) || (q->is_rnext && key == rnext);
	if (key->sndid != q->in.sndid || key->rcvid != q->in.rcvid)
		return false;
	if ((q->in.keyflags & TCP_AO_KEYF_IFINDEX) &&
	    (key->keyflags & TCP_AO_KEYF_IFINDEX) && key->l3index != q->in.ifindex)
		return false;
	if (key->addr.sa.sa_family != q->addr.ss_family)
		return false;
	if (!key->prefix || !q->in.prefix)
		return true;
	memcpy(&probe.addr, &q->addr, sizeof(probe.addr));
	probe.prefix = q->in.prefix;
	return tcp_authopt_key_match_addr(&probe, (const struct sockaddr *)&key->addr, 0);
}

static void tcp_authopt_key_report(const struct tcp_authopt_key *key,
				   bool is_current, bool is_rnext,
				   struct tcp_ao_getsockopt *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(&out->addr, &key->addr, sizeof(key->addr));
	strscpy(out->alg_name, key->alg->name, sizeof(out->alg_name));
	memcpy(out->key, key->key, key->keylen);
	out->keylen = key->keylen;
	out->is_current = is_current;
	out->is_rnext = is_rnext;
	out->sndid = key->sndid;
	out->rcvid = key->rcvid;
	out->prefix = key->prefix;
	out->maclen = key->maclen;
	out->keyflags = key->keyflags;
	out->ifindex = key->l3index;
	out->pkt_good = atomic64_read(&key->pkt_good);
	out->pkt_bad = atomic64_read(&key->pkt_bad);
}

static int tcp_authopt_get_keys(struct sock *sk, char __user *optval,
				int __user *optlen, int len)
{
	struct tcp_authopt_key *key, *cur, *rnext;
	struct tcp_authopt_keys_query q = {};
	struct tcp_ao_getsockopt *out;
	struct tcp_authopt_info *info;
	u32 matched = 0, n, i;
	int err = 0;

	info = tcp_authopt_info_locked(sk);
	if (!info)
		return -ENOENT;
	if (len <= 0)
		return -EINVAL;
	err = tcp_authopt_keys_query(&q, optval, len);
	if (err)
		return err;

	/*
	 * Reports are made under the info's lock, which keeps a chain
	 * connection's keys from changing (chain.c), and copied out after.
	 */
again:
	n = min_t(u32, q.in.nkeys, READ_ONCE(info->nkeys));
	out = kvcalloc(max_t(u32, n, 1), sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	spin_lock_bh(&info->lock);
	if (n < q.in.nkeys && n < info->nkeys) {
		/* Keys came in meanwhile. */
		spin_unlock_bh(&info->lock);
		kvfree(out);
		goto again;
	}
	cur = rcu_dereference_protected(info->current_key, true);
	rnext = rcu_dereference_protected(info->rnext_key, true);
	hlist_for_each_entry_rcu(key, &info->keys, node, true) {
		if (!tcp_authopt_keys_match(&q, key, cur, rnext))
			continue;
		if (matched < n)
			tcp_authopt_key_report(key, key == cur, key == rnext, &out[matched]);
		matched++;
	}
	spin_unlock_bh(&info->lock);
	for (i = 0; i < min(matched, n) && !err; i++)
		err = copy_to_user(optval + (size_t)i * len, &out[i],
				   min_t(int, len, sizeof(*out))) ? -EFAULT : 0;
	memzero_explicit(out, max_t(u32, n, 1) * sizeof(*out));
	kvfree(out);
	if (err)
		return err;
	if (put_user(sizeof(*out), optlen) ||
	    copy_to_user(optval + offsetof(struct tcp_ao_getsockopt, nkeys),
			 &matched, sizeof(matched)))
		return -EFAULT;
	return 0;
}

static int tcp_authopt_get_repair(struct sock *sk, char __user *optval, int len)
{
	struct tcp_authopt_info *info;
	struct tcp_ao_repair out = {};

	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN) ||
	    sk->sk_state == TCP_LISTEN)
		return -EPERM;
	if (len <= 0)
		return -EINVAL;
	if (!tcp_sk(sk)->repair)
		return -EPERM;
	info = tcp_authopt_info_locked(sk);
	if (!info)
		return -ENOENT;
	spin_lock_bh(&info->lock);
	out.snt_isn = htonl(info->snd_isn);
	out.rcv_isn = htonl(info->rcv_isn);
	out.snd_sne = tcp_authopt_sne_of(&info->snd_sne, tcp_sk(sk)->snd_nxt);
	out.rcv_sne = tcp_authopt_sne_of(&info->rcv_sne, tcp_sk(sk)->rcv_nxt);
	spin_unlock_bh(&info->lock);
	return copy_to_user(optval, &out, min_t(int, len, sizeof(out))) ? -EFAULT : 0;
}

/**
 * tcp_authopt_getsockopt() - TCP_AO_INFO, TCP_AO_GET_KEYS and TCP_AO_REPAIR
 * @sk: a TCP socket
 * @optname: the option
 * @optval: user buffer
 * @optlen: user pointer to its length
 *
 * Return: 0 or upstream's errno for the failure.
 */
int tcp_authopt_getsockopt(struct sock *sk, int optname, char __user *optval,
			   int __user *optlen)
{
	int len, err;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname == TCP_AO_REPAIR) {
		lock_sock(sk);
		err = tcp_authopt_get_repair(sk, optval, len);
		release_sock(sk);
		return err;
	}
	lock_sock(sk);
	switch (optname) {
	case TCP_AO_INFO:
		err = tcp_authopt_get_info(sk, optval, len);
		break;
	case TCP_AO_GET_KEYS:
		err = tcp_authopt_get_keys(sk, optval, optlen, len);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

static void tcp_authopt_connect_peer(struct sock *sk, const struct sockaddr *uaddr,
				     struct sockaddr_storage *peer)
{
	memset(peer, 0, sizeof(*peer));
	if (uaddr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)uaddr;

		if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
			peer->ss_family = AF_INET;
			((struct sockaddr_in *)peer)->sin_addr.s_addr =
				sin6->sin6_addr.s6_addr32[3];
		} else {
			peer->ss_family = AF_INET6;
			((struct sockaddr_in6 *)peer)->sin6_addr = sin6->sin6_addr;
		}
	} else {
		peer->ss_family = AF_INET;
		((struct sockaddr_in *)peer)->sin_addr =
			((const struct sockaddr_in *)uaddr)->sin_addr;
	}
}

/**
 * tcp_authopt_connect_check() - TCP-AO side of connect()
 * @sk: the socket
 * @uaddr: destination
 * @addr_len: its length
 *
 * With TCP-AO state, a destination no key matches is refused, unless the
 * namespace's key chain has keys for it; keys for other peers are dropped,
 * and the current and RNext keys default to the newest key for the peer.
 * A destination only chain keys match, none of them valid for sending now,
 * is refused with EKEYEXPIRED.
 *
 * Context: called from struct proto's connect, with the socket locked.
 * Return: 0, -EKEYREJECTED or -EKEYEXPIRED.
 */
int tcp_authopt_connect_check(struct sock *sk, struct sockaddr *uaddr,
			      int addr_len)
{
	struct tcp_authopt_key *key, *first = NULL;
	struct sockaddr_storage peer;
	struct tcp_authopt_info *info;
	struct hlist_node *n;
	int l3index, err;
	__be16 dport;

	if (addr_len < sizeof(uaddr->sa_family) ||
	    (uaddr->sa_family != AF_INET && uaddr->sa_family != AF_INET6) ||
	    (uaddr->sa_family == AF_INET && addr_len < sizeof(struct sockaddr_in)) ||
	    (uaddr->sa_family == AF_INET6 && addr_len < SIN6_LEN_RFC2133))
		return 0;
	if (sk->sk_state != TCP_CLOSE)
		return 0;
	tcp_authopt_connect_peer(sk, uaddr, &peer);
	l3index = tcp_authopt_sk_l3index(sk);
	dport = uaddr->sa_family == AF_INET ?
		((const struct sockaddr_in *)uaddr)->sin_port :
		((const struct sockaddr_in6 *)uaddr)->sin6_port;
	info = tcp_authopt_info_locked(sk);
	if (!info)
		return min(tcp_authopt_chain_connect_check(sk, (struct sockaddr *)&peer,
							   l3index, dport), 0);
	if (tcp_authopt_md5_covers(sk, &peer, sk->sk_family == AF_INET ? 32 : 128) &&
	    (info->ao_required ||
	     tcp_authopt_peer_has_keys(info, (struct sockaddr *)&peer, l3index)))
		return -EKEYREJECTED;
	hlist_for_each_entry_safe(key, n, &info->keys, node) {
		if (tcp_authopt_key_match_addr(key, (struct sockaddr *)&peer, l3index)) {
			if (!first)
				first = key;
			continue;
		}
	}
	if (!first) {
		err = tcp_authopt_chain_connect_check(sk, (struct sockaddr *)&peer,
						      l3index, dport);
		if (err <= 0)
			return err ?: -EKEYREJECTED;
	}
	hlist_for_each_entry_safe(key, n, &info->keys, node) {
		if (tcp_authopt_key_match_addr(key, (struct sockaddr *)&peer, l3index))
			continue;
		if (key == rcu_access_pointer(info->current_key))
			RCU_INIT_POINTER(info->current_key, NULL);
		if (key == rcu_access_pointer(info->rnext_key))
			RCU_INIT_POINTER(info->rnext_key, NULL);
		tcp_authopt_key_unlink(sk, info, key);
	}
	if (!rcu_access_pointer(info->current_key))
		rcu_assign_pointer(info->current_key, first);
	if (!rcu_access_pointer(info->rnext_key))
		rcu_assign_pointer(info->rnext_key, first);
	return 0;
}

/**
 * tcp_authopt_md5_conflict() - whether a TCP-MD5 key may not be added
 * @sk: the socket
 * @optval: the TCP_MD5SIG or TCP_MD5SIG_EXT argument
 * @optlen: its length
 *
 * A peer is never protected by both: adding an MD5 key is refused when
 * TCP-AO is required on the socket or an AO key covers the MD5 key's
 * address. As upstream, an MD5 key bound to a VRF (TCP_MD5SIG_FLAG_IFINDEX)
 * is checked against AO keys for any VRF or for that one, an unbound MD5 key
 * against all AO keys. Deleting MD5 keys (keylen 0) and
 * malformed requests are left to TCP.
 *
 * Return: true to refuse with EKEYREJECTED.
 */
bool tcp_authopt_md5_conflict(struct sock *sk, sockptr_t optval,
			      unsigned int optlen)
{
	struct tcp_authopt_info *info;
	struct sockaddr_storage addr;
	struct tcp_md5sig cmd;
	bool conflict = false;
	int l3index = -1;

	if (!tcp_authopt_info_any() || optlen < sizeof(cmd) ||
	    copy_from_sockptr(&cmd, optval, sizeof(cmd)))
		return false;
	memzero_explicit(cmd.tcpm_key, sizeof(cmd.tcpm_key));
	if (!cmd.tcpm_keylen)
		return false;
	memset(&addr, 0, sizeof(addr));
	memcpy(&addr, &cmd.tcpm_addr, min(sizeof(addr), sizeof(cmd.tcpm_addr)));
	if (addr.ss_family == AF_INET6 &&
	    ipv6_addr_v4mapped(&((struct sockaddr_in6 *)&addr)->sin6_addr)) {
		__be32 a = ((struct sockaddr_in6 *)&addr)->sin6_addr.s6_addr32[3];

		memset(&addr, 0, sizeof(addr));
		addr.ss_family = AF_INET;
		((struct sockaddr_in *)&addr)->sin_addr.s_addr = a;
	}
	if (cmd.tcpm_flags & TCP_MD5SIG_FLAG_IFINDEX)
		l3index = cmd.tcpm_ifindex;

	rcu_read_lock();
	info = tcp_authopt_info_lookup(sk);
	if (info) {
		struct tcp_authopt_key *key;

		conflict = READ_ONCE(info->ao_required);
		hlist_for_each_entry_rcu(key, &info->keys, node)
			if (tcp_authopt_key_match_addr(key, (struct sockaddr *)&addr,
						       l3index < 0 ? key->l3index : l3index))
				conflict = true;
	}
	rcu_read_unlock();
	return conflict;
}
