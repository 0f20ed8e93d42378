// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace key chains on connections. A connection whose peer no socket
 * key matches, but some key of its namespace's chain (nskey.c) does, gets
 * copies of every matching chain key in its own TCP-AO state, which is
 * then marked ns_managed:
 *  - an active open at its first SYN (tcp_authopt_chain_attach());
 *  - a passive open from a short-lived state made for each handshake
 *    segment of the listener (tcp_authopt_chain_listener()), copied into
 *    the accepted socket's parked keys when the final ACK verifies, as a
 *    listener's own keys are (handshake.c).
 * From then on the datapath treats the copies as socket keys with
 * lifetimes. The send key is the one the peer asks for with RNextKeyID
 * while that key is send-valid, else the newest send-valid key (longest
 * prefix first); RNextKeyID asks for the newest send-valid key when it is
 * accept-valid too, so both ends move to a new key as soon as both have
 * it, and a key whose send lifetime ends is left without a lost segment
 * as long as the chains' accept lifetimes overlap. A received KeyID must
 * name an accept-valid key. With no send-valid key left the connection's
 * segments are dropped and the socket gets EKEYEXPIRED: nothing goes out
 * unsigned.
 *
 * When the chain changes (its generation moves: a key added or deleted, a
 * lifetime boundary passed) the copies are brought in step the next time
 * the connection sends or receives, under the info's lock: keys added take
 * effect for established connections, keys deleted stop being used. The
 * socket options that change keys refuse such a connection (EBUSY): its
 * keys belong to the namespace.
 */

#include <net/inet_sock.h>
#include <net/tcp.h>

#include "chain.h"
#include "datapath.h"
#include "nskey.h"

/* A socket with TCP-MD5 keys is left to TCP-MD5: no peer gets both. */
static bool tcp_authopt_chain_md5(struct sock *sk)
{
#ifdef CONFIG_TCP_MD5SIG
	struct tcp_md5sig_info *md5 = rcu_dereference_check(tcp_sk(sk)->md5sig_info, true);

	return md5 && !hlist_empty(&md5->head);
#else
	return false;
#endif
}

/* A chain key's peer prefix as a socket key's address. */
static void tcp_authopt_chain_addr(const struct tcp_authopt_nskey *nk,
				   union tcp_authopt_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = nk->id.family;
	if (nk->id.family == AF_INET)
		a->sin.sin_addr.s_addr = nk->id.addr[0];
	else
		memcpy(&a->sin6.sin6_addr, nk->id.addr, sizeof(struct in6_addr));
}

static void tcp_authopt_chain_lifetimes(struct tcp_authopt_key *key,
					const struct tcp_authopt_nskey *nk)
{
	WRITE_ONCE(key->send_start, nk->send_start);
	WRITE_ONCE(key->send_end, nk->flags & TCP_AUTHOPT_KEY_FLAGS_NO_SEND ?
				  0 : nk->send_end);
	WRITE_ONCE(key->accept_start, nk->accept_start);
	WRITE_ONCE(key->accept_end, nk->flags & TCP_AUTHOPT_KEY_FLAGS_NO_ACCEPT ?
				    0 : nk->accept_end);
}

static u8 tcp_authopt_chain_keyflags(const struct tcp_authopt_nskey *nk)
{
	return (nk->l3index ? TCP_AO_KEYF_IFINDEX : 0) |
	       (nk->flags & TCP_AUTHOPT_KEY_FLAGS_EXCLUDE_OPTIONS ?
		TCP_AO_KEYF_EXCLUDE_OPT : 0);
}

/* Whether @key is a copy of @nk, lifetimes aside. */
static bool tcp_authopt_chain_same(const struct tcp_authopt_key *key,
				   const struct tcp_authopt_nskey *nk)
{
	union tcp_authopt_addr ss;

	tcp_authopt_chain_addr(nk, &ss);
	return key->ns && key->alg == nk->alg && key->prefix == nk->id.prefix &&
	       key->l3index == nk->l3index && key->sndid == nk->sndid &&
	       key->rcvid == nk->rcvid && key->maclen == nk->maclen &&
	       key->keyflags == tcp_authopt_chain_keyflags(nk) &&
	       key->keylen == nk->keylen && !memcmp(key->key, nk->key, nk->keylen) &&
	       !memcmp(&key->addr, &ss, sizeof(ss));
}

static struct tcp_authopt_key *tcp_authopt_chain_copy(const struct tcp_authopt_nskey *nk)
{
	struct tcp_authopt_key *key = kzalloc(tcp_authopt_key_size(nk->alg), GFP_ATOMIC);

	if (!key)
		return NULL;
	key->alg = nk->alg;
	tcp_authopt_chain_addr(nk, &key->addr);
	key->prefix = nk->id.prefix;
	key->l3index = nk->l3index;
	key->keyflags = tcp_authopt_chain_keyflags(nk);
	key->sndid = nk->sndid;
	key->rcvid = nk->rcvid;
	key->maclen = nk->maclen;
	key->keylen = nk->keylen;
	memcpy(key->key, nk->key, nk->keylen);
	key->ns = true;
	tcp_authopt_chain_lifetimes(key, nk);
	return key;
}

/**
 * struct tcp_authopt_chain_sync - a walk of the chain for one connection
 * @info: the connection's state (made on the first key when NULL)
 * @sk: its socket, or NULL for a handshake's short-lived state
 */
struct tcp_authopt_chain_sync {
	struct tcp_authopt_info *info;
	struct sock *sk;
};

/*
 * Make sure the connection has a copy of @nk: refresh the lifetimes of
 * the copy it has, or add one (its traffic keys derived first when the
 * ISNs are known). The info's lock is held or the info is private.
 */
static int tcp_authopt_chain_sync_fn(struct tcp_authopt_nskey *nk, void *arg)
{
	struct tcp_authopt_chain_sync *c = arg;
	struct tcp_authopt_key *key;

	if (!c->info) {
		c->info = tcp_authopt_info_alloc(NULL, GFP_ATOMIC);
		if (!c->info)
			return -ENOMEM;
		c->info->ns_managed = true;
	}
	hlist_for_each_entry_rcu(key, &c->info->keys, node, true) {
		if (tcp_authopt_chain_same(key, nk)) {
			tcp_authopt_chain_lifetimes(key, nk);
			key->ns_seen = true;
			return 0;
		}
	}
	key = tcp_authopt_chain_copy(nk);
	if (!key)
		return -ENOMEM;
	key->ns_seen = true;
	if (c->info->isns_set && tcp_authopt_key_derive(c->info, key)) {
		tcp_authopt_key_destroy(key);
		return -ENOMEM;
	}
	tcp_authopt_key_link(c->info, key, GFP_ATOMIC);
	if (c->sk)
		atomic_add(tcp_authopt_key_size(key->alg), &c->sk->sk_omem_alloc);
	return 0;
}

/**
 * tcp_authopt_chain_select() - choose the send and RNext keys at @now
 * @info: a connection's state with chain keys; its lock held, or private
 * @now: wall-clock seconds
 *
 * The current key stays while it is send-valid (it may be the one the
 * peer asked for); else the newest send-valid key takes over, or none.
 */
void tcp_authopt_chain_select(struct tcp_authopt_info *info, time64_t now)
{
	struct tcp_authopt_key *key, *best = NULL, *cur;

	hlist_for_each_entry_rcu(key, &info->keys, node, true) {
		if (!key->ns || !tcp_authopt_key_send_ok(key, now))
			continue;
		if (!best || key->prefix > best->prefix ||
		    (key->prefix == best->prefix && key->send_start > best->send_start))
			best = key;
	}
	cur = rcu_dereference_protected(info->current_key, true);
	if (!cur || !tcp_authopt_key_send_ok(cur, now))
		rcu_assign_pointer(info->current_key, best);
	if (best && tcp_authopt_key_accept_ok(best, now))
		rcu_assign_pointer(info->rnext_key, best);
	else
		rcu_assign_pointer(info->rnext_key, NULL);
	WRITE_ONCE(info->ns_now, now);
}

/**
 * tcp_authopt_chain_info() - a state holding the chain keys for a peer
 * @net: namespace
 * @peer: the peer's address
 * @l3index: L3 master device of the connection
 * @sport: local port
 * @dport: the peer's port
 *
 * Context: RCU read side.
 * Return: a new, unlinked info (tcp_authopt_info_free() it), or NULL when
 * no chain key matches or memory is short.
 */
struct tcp_authopt_info *tcp_authopt_chain_info(struct net *net,
						const struct sockaddr *peer,
						int l3index, __be16 sport,
						__be16 dport)
{
	struct tcp_authopt_chain_sync c = {};
	u32 gen;

	if (!tcp_authopt_nskey_in(net))
		return NULL;
	gen = tcp_authopt_nskey_generation(net);
	if (tcp_authopt_nskey_visit_peer(net, peer, l3index, sport, dport,
					 tcp_authopt_chain_sync_fn, &c)) {
		if (c.info)
			tcp_authopt_info_free(c.info);
		return NULL;
	}
	if (!c.info)
		return NULL;
	c.info->ns_gen = gen;
	tcp_authopt_chain_select(c.info, ktime_get_real_seconds());
	return c.info;
}

/**
 * tcp_authopt_chain_listener() - the keys of a listener's handshake
 * @listener: the listening socket
 * @info: its own TCP-AO state, or NULL
 * @skb: a segment of the handshake
 * @output: @skb is sent by this host (else received)
 * @l3index: L3 master device of the connection
 * @chain: set to the short-lived info made from the chain, or NULL
 *
 * The listener's keys serve the handshake when one matches the peer; else
 * the namespace chain's keys do. The caller frees *@chain when done.
 *
 * Context: RCU read side.
 * Return: the info to use, or NULL for none.
 */
struct tcp_authopt_info *tcp_authopt_chain_listener(struct sock *listener,
						    struct tcp_authopt_info *info,
						    const struct sk_buff *skb,
						    bool output, int l3index,
						    struct tcp_authopt_info **chain)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct sockaddr_storage peer;

	*chain = NULL;
	if (!tcp_authopt_nskey_in(sock_net(listener)) || tcp_authopt_chain_md5(listener))
		return info;
	tcp_authopt_skb_addr(skb, !output, &peer);
	if (info && tcp_authopt_peer_has_keys(info, (struct sockaddr *)&peer, l3index))
		return info;
	*chain = tcp_authopt_chain_info(sock_net(listener), (struct sockaddr *)&peer,
					l3index, output ? th->source : th->dest,
					output ? th->dest : th->source);
	return *chain ?: info;
}

/*
 * Bring a connection's chain keys in step with the chain. Info lock held.
 * When memory is short, the keys stay as they are and the next segment
 * tries again.
 */
static void tcp_authopt_chain_resync(struct sock *sk, struct tcp_authopt_info *info,
				     u32 gen)
{
	struct tcp_authopt_chain_sync c = { .info = info, .sk = sk };
	struct inet_sock *inet = inet_sk(sk);
	struct sockaddr_storage peer;
	struct tcp_authopt_key *key;
	struct hlist_node *n;

	hlist_for_each_entry(key, &info->keys, node)
		key->ns_seen = false;
	tcp_authopt_sk_peer(sk, &peer);
	if (tcp_authopt_nskey_visit_peer(sock_net(sk), (struct sockaddr *)&peer,
					 tcp_authopt_sk_l3index(sk), inet->inet_sport,
					 inet->inet_dport, tcp_authopt_chain_sync_fn, &c))
		return;
	hlist_for_each_entry_safe(key, n, &info->keys, node) {
		if (!key->ns || key->ns_seen)
			continue;
		if (key == rcu_access_pointer(info->current_key))
			RCU_INIT_POINTER(info->current_key, NULL);
		if (key == rcu_access_pointer(info->rnext_key))
			RCU_INIT_POINTER(info->rnext_key, NULL);
		tcp_authopt_key_unlink_peer(info, key);
		atomic_sub(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
		tcp_authopt_key_free(key);
	}
	info->ns_gen = gen;
}

/**
 * tcp_authopt_chain_refresh() - keep a connection's chain keys current
 * @sk: a full socket
 * @info: its TCP-AO state
 *
 * Cheap unless the chain changed or a new second began: then the keys are
 * brought in step and the send and RNext keys chosen again.
 *
 * Context: RCU read side.
 */
void tcp_authopt_chain_refresh(struct sock *sk, struct tcp_authopt_info *info)
{
	time64_t now;
	u32 gen;

	if (!READ_ONCE(info->ns_managed))
		return;
	now = ktime_get_real_seconds();
	gen = tcp_authopt_nskey_generation(sock_net(sk));
	if (gen == READ_ONCE(info->ns_gen) && now == READ_ONCE(info->ns_now))
		return;
	spin_lock_bh(&info->lock);
	if (gen != info->ns_gen)
		tcp_authopt_chain_resync(sk, info, gen);
	tcp_authopt_chain_select(info, now);
	spin_unlock_bh(&info->lock);
}

/**
 * tcp_authopt_chain_follow() - send with the key the peer asks for
 * @info: a connection's state with chain keys
 * @rnextkeyid: the RNextKeyID of a verified segment
 * @peer: the peer's address
 * @l3index: L3 master device of the connection
 *
 * Only a send-valid key is followed; the lock keeps the key from going
 * while it becomes the current one.
 *
 * Context: RCU read side.
 */
void tcp_authopt_chain_follow(struct tcp_authopt_info *info, u8 rnextkeyid,
			      const struct sockaddr *peer, int l3index)
{
	time64_t now = ktime_get_real_seconds();
	struct tcp_authopt_key *key;

	spin_lock_bh(&info->lock);
	hlist_for_each_entry(key, &info->keys, node) {
		if (key->sndid == rnextkeyid && tcp_authopt_key_send_ok(key, now) &&
		    tcp_authopt_key_match_addr(key, peer, l3index)) {
			rcu_assign_pointer(info->current_key, key);
			break;
		}
	}
	spin_unlock_bh(&info->lock);
}

/**
 * tcp_authopt_chain_attach() - give a connecting socket the chain's keys
 * @sk: a socket sending its SYN, locked (connect() or its SYN timer)
 * @info: its TCP-AO state, or NULL
 *
 * A socket with keys of its own keeps them (socket keys win). Else the
 * chain keys for its peer become its keys.
 *
 * Context: RCU read side.
 * Return: the socket's TCP-AO state after the call, or NULL.
 */
struct tcp_authopt_info *tcp_authopt_chain_attach(struct sock *sk,
						  struct tcp_authopt_info *info)
{
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_authopt_info *chain;
	struct sockaddr_storage peer;
	struct tcp_authopt_key *key;
	struct hlist_node *n;

	if ((info && (info->ns_managed || info->nkeys)) ||
	    !tcp_authopt_nskey_in(sock_net(sk)) || tcp_authopt_chain_md5(sk))
		return info;
	tcp_authopt_sk_peer(sk, &peer);
	chain = tcp_authopt_chain_info(sock_net(sk), (struct sockaddr *)&peer,
				       tcp_authopt_sk_l3index(sk), inet->inet_sport,
				       inet->inet_dport);
	if (!chain)
		return info;
	if (!info) {
		chain->sk = sk;
		hlist_for_each_entry(key, &chain->keys, node)
			atomic_add(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
		return tcp_authopt_info_insert(chain);
	}
	/* The socket's keys were all for other peers and are gone. */
	spin_lock_bh(&info->lock);
	hlist_for_each_entry_safe(key, n, &chain->keys, node) {
		tcp_authopt_key_unlink_peer(chain, key);
		tcp_authopt_key_link(info, key, GFP_ATOMIC);
		atomic_add(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
	}
	info->ns_gen = chain->ns_gen;
	tcp_authopt_chain_select(info, ktime_get_real_seconds());
	WRITE_ONCE(info->ns_managed, true);
	spin_unlock_bh(&info->lock);
	tcp_authopt_info_free(chain);
	return info;
}

struct tcp_authopt_chain_probe {
	time64_t now;
	bool found;
};

static int tcp_authopt_chain_probe_fn(struct tcp_authopt_nskey *nk, void *arg)
{
	struct tcp_authopt_chain_probe *p = arg;

	p->found = true;
	return tcp_authopt_nskey_send_valid(nk, p->now);
}

/**
 * tcp_authopt_chain_connect_check() - whether a connect() may use the chain
 * @sk: the connecting socket, locked
 * @peer: the destination
 * @l3index: L3 master device of the socket
 * @dport: the destination port
 *
 * Return: 1 when a send-valid chain key matches, -EKEYEXPIRED when chain
 * keys match but none may send now, 0 when none matches.
 */
int tcp_authopt_chain_connect_check(struct sock *sk, const struct sockaddr *peer,
				    int l3index, __be16 dport)
{
	struct tcp_authopt_chain_probe p = { .now = ktime_get_real_seconds() };
	int ret;

	if (!tcp_authopt_nskey_in(sock_net(sk)) || tcp_authopt_chain_md5(sk))
		return 0;
	rcu_read_lock();
	ret = tcp_authopt_nskey_visit_peer(sock_net(sk), peer, l3index,
					   inet_sk(sk)->inet_sport, dport,
					   tcp_authopt_chain_probe_fn, &p);
	rcu_read_unlock();
	if (ret)
		return 1;
	return p.found ? -EKEYEXPIRED : 0;
}
