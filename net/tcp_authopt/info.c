// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket TCP-AO state, found from the socket pointer through one
 * global hash table: struct sock has no room for a module's data. An info
 * lives from the first TCP-AO setsockopt (or the first packet of an
 * accepted socket) to the socket's destroy hook, and holds a reference on
 * the module meanwhile, so the module cannot go while a socket uses it.
 * Accepted sockets get theirs from handshake.c.
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "handshake.h"
#include "info.h"
#include "nskey.h"

static const struct rhashtable_params tcp_authopt_info_params = {
	.key_len = sizeof(struct sock *),
	.key_offset = offsetof(struct tcp_authopt_info, sk),
	.head_offset = offsetof(struct tcp_authopt_info, node),
	.automatic_shrinking = true,
};

static struct rhashtable tcp_authopt_infos;
static atomic_t tcp_authopt_ninfos = ATOMIC_INIT(0);

int tcp_authopt_info_init(void)
{
	return rhashtable_init(&tcp_authopt_infos, &tcp_authopt_info_params);
}

void tcp_authopt_info_exit(void)
{
	/* Every info holds a module reference: none is left at exit. */
	rcu_barrier();
	rhashtable_destroy(&tcp_authopt_infos);
}

/*
 * Whether any socket has TCP-AO state, or any namespace keys that may give
 * it some: lets the datapath skip lookups.
 */
bool tcp_authopt_info_any(void)
{
	return atomic_read(&tcp_authopt_ninfos) > 0 || tcp_authopt_nskey_any();
}

/**
 * tcp_authopt_info_lookup() - the TCP-AO state of a socket
 * @sk: full socket
 *
 * Context: RCU read side.
 * Return: the info or NULL.
 */
struct tcp_authopt_info *tcp_authopt_info_lookup(const struct sock *sk)
{
	if (!tcp_authopt_info_any())
		return NULL;
	return rhashtable_lookup(&tcp_authopt_infos, &sk,
				 tcp_authopt_info_params);
}

/**
 * tcp_authopt_info_alloc() - a new, unlinked TCP-AO state
 * @sk: its socket, or NULL until it is known (a handshake in progress)
 * @gfp: allocation flags
 *
 * An info linked to a socket holds a module reference (see
 * tcp_authopt_info_insert()); one parked for a handshake does not.
 */
struct tcp_authopt_info *tcp_authopt_info_alloc(struct sock *sk, gfp_t gfp)
{
	struct tcp_authopt_info *info;

	info = kzalloc(sizeof(*info), gfp);
	if (!info)
		return NULL;
	info->sk = sk;
	INIT_HLIST_HEAD(&info->keys);
	INIT_HLIST_HEAD(&info->unhashed);
	spin_lock_init(&info->lock);
	atomic_inc(&tcp_authopt_ninfos);
	return info;
}

/**
 * tcp_authopt_info_free() - free an info nobody else can see
 * @info: never linked, or unlinked after a grace period
 */
void tcp_authopt_info_free(struct tcp_authopt_info *info)
{
	struct tcp_authopt_key *key;
	struct hlist_node *n;

	hlist_for_each_entry_safe(key, n, &info->keys, node)
		tcp_authopt_key_destroy(key);
	kfree(rcu_access_pointer(info->index));
	kfree(info);
	atomic_dec(&tcp_authopt_ninfos);
}

/**
 * tcp_authopt_info_insert() - link an info to its socket
 * @info: from tcp_authopt_info_alloc(), with @info->sk set
 *
 * While linked, the info holds a module reference: the module cannot be
 * unloaded while a socket uses TCP-AO.
 *
 * Return: @info, or the info another CPU linked first (@info is freed),
 * or NULL when the table could not grow (@info is freed).
 */
struct tcp_authopt_info *tcp_authopt_info_insert(struct tcp_authopt_info *info)
{
	struct tcp_authopt_info *old;

	__module_get(THIS_MODULE);
	old = rhashtable_lookup_get_insert_fast(&tcp_authopt_infos, &info->node,
						tcp_authopt_info_params);
	if (old) {
		module_put(THIS_MODULE);
		tcp_authopt_info_free(info);
		return IS_ERR(old) ? NULL : old;
	}
	return info;
}

/**
 * tcp_authopt_info_get_or_create() - a socket's TCP-AO state, made if needed
 * @sk: the socket, locked by the caller
 *
 * Return: the info, or NULL when out of memory.
 */
struct tcp_authopt_info *tcp_authopt_info_get_or_create(struct sock *sk)
{
	struct tcp_authopt_info *info;

	rcu_read_lock();
	info = tcp_authopt_hs_claim(sk);
	rcu_read_unlock();
	if (info)
		return info;
	info = tcp_authopt_info_alloc(sk, GFP_KERNEL);
	if (!info)
		return NULL;
	return tcp_authopt_info_insert(info);
}

/* Free a key nobody can see any more, and what it owns. */
void tcp_authopt_key_destroy(struct tcp_authopt_key *key)
{
	kfree_sensitive(key->prep);
	kfree_sensitive(key);
}

static void tcp_authopt_key_free_rcu(struct rcu_head *head)
{
	tcp_authopt_key_destroy(container_of(head, struct tcp_authopt_key, rcu));
}

/* Free a key that readers may still see, after they are gone. */
void tcp_authopt_key_free(struct tcp_authopt_key *key)
{
	call_rcu(&key->rcu, tcp_authopt_key_free_rcu);
}

static void tcp_authopt_info_free_rcu(struct rcu_head *head)
{
	tcp_authopt_info_free(container_of(head, struct tcp_authopt_info, rcu));
	module_put(THIS_MODULE);
}

/**
 * tcp_authopt_info_destroy() - drop a socket's TCP-AO state
 * @sk: the socket being destroyed
 *
 * Context: any; the socket is no longer used by anyone else.
 */
void tcp_authopt_info_destroy(struct sock *sk)
{
	struct tcp_authopt_key *key;
	struct hlist_node *n;
	struct tcp_authopt_info *info;

	rcu_read_lock();
	info = tcp_authopt_info_lookup(sk);
	rcu_read_unlock();
	if (!info)
		return;
	if (rhashtable_remove_fast(&tcp_authopt_infos, &info->node,
				   tcp_authopt_info_params))
		return;
	hlist_for_each_entry(key, &info->keys, node)
		atomic_sub(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
	/* Keys stay for TIME_WAIT, or for the RST TCP may send next. */
	if (tcp_authopt_isns_known(info) && tcp_authopt_hs_park_timewait(sk, info)) {
		module_put(THIS_MODULE);
		return;
	}
	hlist_for_each_entry_safe(key, n, &info->keys, node) {
		hlist_del_rcu(&key->node);
		tcp_authopt_key_free(key);
	}
	call_rcu(&info->rcu, tcp_authopt_info_free_rcu);
}

static void tcp_authopt_info_free_unlinked_rcu(struct rcu_head *head)
{
	tcp_authopt_info_free(container_of(head, struct tcp_authopt_info, rcu));
}

/* Free an info that was parked (no module reference) after readers. */
void tcp_authopt_info_free_deferred(struct tcp_authopt_info *info)
{
	call_rcu(&info->rcu, tcp_authopt_info_free_unlinked_rcu);
}

/* Peer address of a socket; v4-mapped IPv6 peers are given as AF_INET. */
void tcp_authopt_sk_peer(const struct sock *sk, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = sk->sk_v6_daddr;
		return;
	}
#endif
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = sk->sk_daddr;
}

static bool tcp_authopt_prefix_match(const void *a, const void *b,
				     unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;
	const u8 *x = a, *y = b;

	if (memcmp(x, y, bytes))
		return false;
	if (!rest)
		return true;
	return !((x[bytes] ^ y[bytes]) & (0xff << (8 - rest)));
}

/**
 * tcp_authopt_key_match_addr() - whether a key applies to a peer
 * @key: the key
 * @addr: peer address, AF_INET (also for v4-mapped peers) or AF_INET6
 * @l3index: L3 master device the connection is on, 0 for none
 */
bool tcp_authopt_key_match_addr(const struct tcp_authopt_key *key,
				const struct sockaddr *addr, int l3index)
{
	if ((key->keyflags & TCP_AO_KEYF_IFINDEX) && key->l3index != l3index)
		return false;
	return tcp_authopt_addr_match(&key->addr, addr, key->prefix);
}

/**
 * tcp_authopt_addr_match() - whether two addresses share a prefix
 * @a: one address
 * @b: the other
 * @prefix: length of the prefix in bits
 */
bool tcp_authopt_addr_match(const union tcp_authopt_addr *a,
			    const struct sockaddr *b, u8 prefix)
{
	if (a->sa.sa_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET)
		return tcp_authopt_prefix_match(&((const struct sockaddr_in *)a)->sin_addr,
						&((const struct sockaddr_in *)b)->sin_addr,
						prefix);
	return tcp_authopt_prefix_match(&((const struct sockaddr_in6 *)a)->sin6_addr,
					&((const struct sockaddr_in6 *)b)->sin6_addr,
					prefix);
}

/* The host address a key is for, or NULL for a shorter prefix. */
static const void *tcp_authopt_key_host(const union tcp_authopt_addr *a,
					u8 prefix, unsigned int *len)
{
	if (a->sa.sa_family == AF_INET && prefix == 32) {
		*len = sizeof(struct in_addr);
		return &a->sin.sin_addr;
	}
	if (a->sa.sa_family == AF_INET6 && prefix == 128) {
		*len = sizeof(struct in6_addr);
		return &a->sin6.sin6_addr;
	}
	return NULL;
}

static struct hlist_head *tcp_authopt_index_head(struct tcp_authopt_key_index *index,
						 const void *addr, unsigned int len)
{
	return &index->head[hash_32(jhash(addr, len, 0), TCP_AUTHOPT_INDEX_BITS)];
}

/*
 * The first time a socket reaches TCP_AUTHOPT_INDEX_MIN_KEYS keys it gets
 * an index; keys already on the unhashed list stay there, so no reader can
 * be led from one list into another.
 */
static struct tcp_authopt_key_index *tcp_authopt_index_get(struct tcp_authopt_info *info,
							   gfp_t gfp)
{
	struct tcp_authopt_key_index *index;

	index = rcu_dereference_protected(info->index, true);
	if (index || info->nkeys < TCP_AUTHOPT_INDEX_MIN_KEYS || !gfpflags_allow_blocking(gfp))
		return index;
	index = kzalloc(sizeof(*index), gfp | __GFP_NOWARN);
	if (index)
		rcu_assign_pointer(info->index, index);
	return index;
}

/**
 * tcp_authopt_key_link() - add a key to a socket's keys
 * @info: the socket's state, written by the caller alone (socket lock)
 * @key: the new key
 * @gfp: allocation flags for the peer index (none made if atomic)
 */
void tcp_authopt_key_link(struct tcp_authopt_info *info,
			  struct tcp_authopt_key *key, gfp_t gfp)
{
	struct tcp_authopt_key_index *index;
	const void *host;
	unsigned int len;

	index = tcp_authopt_index_get(info, gfp);
	host = tcp_authopt_key_host(&key->addr, key->prefix, &len);
	if (index && host)
		hlist_add_head_rcu(&key->pnode, tcp_authopt_index_head(index, host, len));
	else
		hlist_add_head_rcu(&key->pnode, &info->unhashed);
	hlist_add_head_rcu(&key->node, &info->keys);
	info->nkeys++;
}

/**
 * tcp_authopt_key_unlink_peer() - remove a key from a socket's keys
 * @info: the socket's state, written by the caller alone (socket lock)
 * @key: the key; the caller frees it after a grace period
 */
void tcp_authopt_key_unlink_peer(struct tcp_authopt_info *info,
				 struct tcp_authopt_key *key)
{
	hlist_del_rcu(&key->pnode);
	hlist_del_rcu(&key->node);
	info->nkeys--;
}

/**
 * tcp_authopt_peer_lists() - the lists that hold every key for a peer
 * @info: the socket's state
 * @peer: peer address, as tcp_authopt_key_match_addr() takes it
 * @heads: filled with up to two list heads (by &tcp_authopt_key.pnode)
 *
 * Context: RCU read side or socket lock.
 * Return: the number of heads; keys on them still need matching.
 */
int tcp_authopt_peer_lists(struct tcp_authopt_info *info,
			   const struct sockaddr *peer,
			   struct hlist_head **heads)
{
	struct tcp_authopt_key_index *index = rcu_dereference_check(info->index, true);
	const void *host;
	unsigned int len;

	heads[0] = &info->unhashed;
	if (!index)
		return 1;
	host = tcp_authopt_key_host((const union tcp_authopt_addr *)peer,
				    peer->sa_family == AF_INET ? 32 : 128, &len);
	if (!host)
		return 1;
	heads[1] = tcp_authopt_index_head(index, host, len);
	return 2;
}

/**
 * tcp_authopt_key_find_peer() - a key of a socket for a peer
 * @info: the socket's state
 * @peer: peer address
 * @l3index: L3 master device of the connection
 * @rcvid: RecvID the key must have, or -1 for any
 *
 * Context: RCU read side or socket lock.
 * Return: the first matching key with the longest prefix, or NULL.
 */
struct tcp_authopt_key *tcp_authopt_key_find_peer(struct tcp_authopt_info *info,
						  const struct sockaddr *peer,
						  int l3index, int rcvid)
{
	struct tcp_authopt_key *key, *best = NULL;
	struct hlist_head *heads[2];
	int i, n;

	n = tcp_authopt_peer_lists(info, peer, heads);
	for (i = 0; i < n; i++) {
		hlist_for_each_entry_rcu(key, heads[i], pnode, true) {
			if (rcvid >= 0 && key->rcvid != rcvid)
				continue;
			if (!tcp_authopt_key_match_addr(key, peer, l3index))
				continue;
			if (!best || key->prefix > best->prefix)
				best = key;
		}
	}
	return best;
}

/* Whether some key of the socket applies to this peer. */
bool tcp_authopt_peer_has_keys(struct tcp_authopt_info *info,
			       const struct sockaddr *peer, int l3index)
{
	return tcp_authopt_key_find_peer(info, peer, l3index, -1);
}

static int tcp_authopt_derive_one(struct tcp_authopt_info *info,
				  struct tcp_authopt_key *key, bool send,
				  u8 *out)
{
	struct inet_sock *inet = inet_sk(info->sk);
	struct sock *sk = info->sk;
	u8 ctx[TCP_AUTHOPT_MAX_CONTEXT_LEN];
	__be32 isn[2];
	unsigned int len;

	if (key->addr.sa.sa_family == AF_INET) {
		__be32 a[2] = { inet->inet_saddr, inet->inet_daddr };

		if (!send)
			swap(a[0], a[1]);
		memcpy(ctx, a, sizeof(a));
		len = sizeof(a);
	} else {
		const struct in6_addr *a = &sk->sk_v6_rcv_saddr;
		const struct in6_addr *b = &sk->sk_v6_daddr;

		if (!send)
			swap(a, b);
		memcpy(ctx, a, 16);
		memcpy(ctx + 16, b, 16);
		len = 32;
	}
	if (send) {
		memcpy(ctx + len, &inet->inet_sport, 2);
		memcpy(ctx + len + 2, &inet->inet_dport, 2);
		isn[0] = htonl(info->snd_isn);
		isn[1] = htonl(info->rcv_isn);
	} else {
		memcpy(ctx + len, &inet->inet_dport, 2);
		memcpy(ctx + len + 2, &inet->inet_sport, 2);
		isn[0] = htonl(info->rcv_isn);
		isn[1] = htonl(info->snd_isn);
	}
	memcpy(ctx + len + 4, isn, sizeof(isn));
	return tcp_authopt_kdf(key->alg, key->key, key->keylen, ctx,
			       len + 4 + sizeof(isn), out);
}

/**
 * tcp_authopt_key_derive() - derive a key's traffic keys for the connection
 * @info: the socket's state, with ISNs set
 * @key: the key
 *
 * An HMAC key's traffic keys are also prepared (@key->prep), when memory
 * allows; without, MACs key the HMAC transform each time.
 *
 * Context: any; readers see the result once the key or the ISNs are
 * published.
 * Return: 0 or a crypto API error.
 */
int tcp_authopt_key_derive(struct tcp_authopt_info *info,
			   struct tcp_authopt_key *key)
{
	unsigned int size = key->alg->prep_size;
	int err;

	err = tcp_authopt_derive_one(info, key, true, tcp_authopt_tk(key, true)) ?:
	      tcp_authopt_derive_one(info, key, false, tcp_authopt_tk(key, false));
	if (err || !size)
		return err;
	if (!key->prep)
		key->prep = kzalloc(2 * size, GFP_ATOMIC | __GFP_NOWARN);
	if (!key->prep)
		return 0;
	return tcp_authopt_hmac_prepare(key->alg, tcp_authopt_tk(key, true), key->prep) ?:
	       tcp_authopt_hmac_prepare(key->alg, tcp_authopt_tk(key, false),
					key->prep + size);
}

/**
 * tcp_authopt_info_set_isns() - learn the ISNs and derive traffic keys
 * @info: the socket's state
 * @snd_isn: our ISN
 * @rcv_isn: the peer's ISN
 * @force: replace ISNs already set (TCP_AO_REPAIR)
 *
 * Without @force the first caller wins and later calls change nothing.
 */
void tcp_authopt_info_set_isns(struct tcp_authopt_info *info, u32 snd_isn,
			       u32 rcv_isn, bool force)
{
	struct tcp_authopt_key *key;

	spin_lock_bh(&info->lock);
	if (info->isns_set && !force)
		goto out;
	info->snd_isn = snd_isn;
	info->rcv_isn = rcv_isn;
	if (!info->isns_set) {
		info->snd_sne.seq = snd_isn;
		info->rcv_sne.seq = rcv_isn;
	}
	hlist_for_each_entry_rcu(key, &info->keys, node, true)
		tcp_authopt_key_derive(info, key);
	/* Publish the traffic keys; see tcp_authopt_isns_known(). */
	smp_store_release(&info->isns_set, true);
out:
	spin_unlock_bh(&info->lock);
}
