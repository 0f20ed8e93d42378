// SPDX-License-Identifier: GPL-2.0
/*
 * Passive opens. A listener's keys serve the SYN, the SYN-ACK and the
 * final ACK; the accepted socket then needs keys of its own, but nothing
 * tells a module when TCP creates it, and the listener may be closed
 * before the new socket first sends. So when the final ACK verifies, the
 * listener's keys for that peer are copied into a new info, parked here
 * under the connection's addresses and ports, and claimed by the new
 * socket the first time the datapath sees it. A verified SYN parks the
 * KeyIDs it carried, so the SYN-ACK uses the key the peer asked for
 * (RFC 5925 section 7.5.1) and the new socket starts with it.
 *
 * The other end of a connection parks here too: a socket that goes to
 * TIME_WAIT leaves its keys, ISNs and SNEs, so that the ACKs and RSTs the
 * kernel sends for it from its control socket are signed and segments
 * arriving for it are verified until TIME_WAIT ends. So does, for a moment,
 * a socket destroyed without TIME_WAIT: data reaching an orphaned socket
 * that no longer reads (FIN_WAIT2, or closed with the peer still sending)
 * resets it, and TCP sends the RST from its control socket only after the
 * socket is gone.
 *
 * Entries (handshakes in flight, TIME_WAIT connections) are found by
 * hashing the connection, are kept in arrival order and expire after their
 * lifetime; there are at most TCP_AUTHOPT_HS_MAX. Datapath lookups look at
 * their hash bucket without the lock first, so connections that park
 * nothing (plain TCP, most packets) never take it.
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "chain.h"
#include "datapath.h"
#include "handshake.h"

enum {
	/* How long an accepted socket may take to send or receive first */
	TCP_AUTHOPT_HS_LIFETIME = 600 * HZ,
	/* TIME_WAIT lasts TCP_TIMEWAIT_LEN; keep keys a little longer */
	TCP_AUTHOPT_TW_LIFETIME = TCP_TIMEWAIT_LEN + 10 * HZ,
	/* A socket destroyed outside TIME_WAIT: for the RST TCP sends next */
	TCP_AUTHOPT_CLOSED_LIFETIME = 2 * HZ,
	/* Most entries parked at once; the oldest goes first */
	TCP_AUTHOPT_HS_MAX = 4096,
	/* Hash buckets: log2 */
	TCP_AUTHOPT_HS_HASH_BITS = 10,
};

/**
 * struct tcp_authopt_tuple - a connection, seen from this host
 * @family: AF_INET (also for v4-mapped peers) or AF_INET6
 * @lport: local port
 * @rport: remote port
 * @laddr: local address
 * @raddr: remote address
 */
struct tcp_authopt_tuple {
	u16 family;
	__be16 lport;
	__be16 rport;
	struct in6_addr laddr;
	struct in6_addr raddr;
};

/**
 * struct tcp_authopt_hs - one parked handshake
 * @list: entry in tcp_authopt_hs_list, oldest first
 * @hnode: entry in its bucket of tcp_authopt_hs_table
 * @net: namespace (compared, not referenced)
 * @t: the connection
 * @keyid: KeyID of the peer's SYN
 * @rnextkeyid: RNextKeyID of the peer's SYN
 * @info: keys for the accepted socket, once the final ACK verified; or
 *	the keys of a connection in TIME_WAIT
 * @timewait: @info belongs to a TIME_WAIT connection (freed after RCU)
 * @expires: jiffies after which the entry is dropped
 */
struct tcp_authopt_hs {
	struct list_head list;
	struct hlist_node hnode;
	const struct net *net;
	struct tcp_authopt_tuple t;
	u8 keyid;
	u8 rnextkeyid;
	struct tcp_authopt_info *info;
	bool timewait;
	unsigned long expires;
};

static LIST_HEAD(tcp_authopt_hs_list);
static struct hlist_head tcp_authopt_hs_table[1 << TCP_AUTHOPT_HS_HASH_BITS];
static DEFINE_SPINLOCK(tcp_authopt_hs_lock);
static unsigned int tcp_authopt_hs_count;

static void tcp_authopt_tuple_skb(const struct sk_buff *skb,
				  struct tcp_authopt_tuple *t)
{
	const struct tcphdr *th = tcp_hdr(skb);

	memset(t, 0, sizeof(*t));
	t->lport = th->dest;
	t->rport = th->source;
	if (ip_hdr(skb)->version == 4) {
		t->family = AF_INET;
		t->laddr.s6_addr32[0] = ip_hdr(skb)->daddr;
		t->raddr.s6_addr32[0] = ip_hdr(skb)->saddr;
	} else {
		t->family = AF_INET6;
		t->laddr = ipv6_hdr(skb)->daddr;
		t->raddr = ipv6_hdr(skb)->saddr;
	}
}

static void tcp_authopt_tuple_req(const struct request_sock *req,
				  struct tcp_authopt_tuple *t)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	memset(t, 0, sizeof(*t));
	t->lport = htons(ireq->ir_num);
	t->rport = ireq->ir_rmt_port;
#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6) {
		t->family = AF_INET6;
		t->laddr = ireq->ir_v6_loc_addr;
		t->raddr = ireq->ir_v6_rmt_addr;
		return;
	}
#endif
	t->family = AF_INET;
	t->laddr.s6_addr32[0] = ireq->ir_loc_addr;
	t->raddr.s6_addr32[0] = ireq->ir_rmt_addr;
}

static void tcp_authopt_tuple_sk(const struct sock *sk,
				 struct tcp_authopt_tuple *t)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(t, 0, sizeof(*t));
	t->lport = inet->inet_sport;
	t->rport = inet->inet_dport;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		t->family = AF_INET6;
		t->laddr = sk->sk_v6_rcv_saddr;
		t->raddr = sk->sk_v6_daddr;
		return;
	}
#endif
	t->family = AF_INET;
	t->laddr.s6_addr32[0] = inet->inet_rcv_saddr;
	t->raddr.s6_addr32[0] = inet->inet_daddr;
}

static struct hlist_head *
tcp_authopt_hs_bucket(const struct net *net, const struct tcp_authopt_tuple *t)
{
	u32 h = jhash2((const u32 *)t, sizeof(*t) / sizeof(u32),
		       (u32)(unsigned long)net);

	return &tcp_authopt_hs_table[hash_32(h, TCP_AUTHOPT_HS_HASH_BITS)];
}

/* Whether nothing can be parked for @t: a hint, read without the lock. */
static bool tcp_authopt_hs_none(const struct net *net,
				const struct tcp_authopt_tuple *t)
{
	return hlist_empty(tcp_authopt_hs_bucket(net, t));
}

static void tcp_authopt_hs_free(struct tcp_authopt_hs *hs)
{
	list_del(&hs->list);
	hlist_del(&hs->hnode);
	tcp_authopt_hs_count--;
	if (hs->info && hs->timewait)
		tcp_authopt_info_free_deferred(hs->info);
	else if (hs->info)
		tcp_authopt_info_free(hs->info);
	kfree(hs);
}

/* Drop expired entries and, when full, the oldest. Lock held. */
static void tcp_authopt_hs_gc(void)
{
	struct tcp_authopt_hs *hs, *n;

	list_for_each_entry_safe(hs, n, &tcp_authopt_hs_list, list) {
		if (time_before(jiffies, hs->expires) &&
		    tcp_authopt_hs_count < TCP_AUTHOPT_HS_MAX)
			break;
		tcp_authopt_hs_free(hs);
	}
}

static struct tcp_authopt_hs *tcp_authopt_hs_find(const struct net *net,
						  const struct tcp_authopt_tuple *t)
{
	struct tcp_authopt_hs *hs;

	hlist_for_each_entry(hs, tcp_authopt_hs_bucket(net, t), hnode)
		if (hs->net == net && !memcmp(&hs->t, t, sizeof(*t)))
			return hs;
	return NULL;
}

/* The entry for @t, moved to the tail with a new lifetime; lock held. */
static struct tcp_authopt_hs *tcp_authopt_hs_get(const struct net *net,
						 const struct tcp_authopt_tuple *t)
{
	struct tcp_authopt_hs *hs;

	tcp_authopt_hs_gc();
	hs = tcp_authopt_hs_find(net, t);
	if (hs && hs->timewait) {
		/* The tuple is reused: the TIME_WAIT entry goes. */
		tcp_authopt_hs_free(hs);
		hs = NULL;
	}
	if (!hs) {
		hs = kzalloc(sizeof(*hs), GFP_ATOMIC);
		if (!hs)
			return NULL;
		hs->net = net;
		hs->t = *t;
		hlist_add_head(&hs->hnode, tcp_authopt_hs_bucket(net, t));
		tcp_authopt_hs_count++;
	} else {
		list_del(&hs->list);
	}
	list_add_tail(&hs->list, &tcp_authopt_hs_list);
	hs->expires = jiffies + TCP_AUTHOPT_HS_LIFETIME;
	return hs;
}

/**
 * tcp_authopt_hs_note_syn() - remember the KeyIDs of a verified SYN
 * @net: namespace
 * @skb: the SYN
 * @keyid: its KeyID
 * @rnextkeyid: its RNextKeyID
 */
void tcp_authopt_hs_note_syn(struct net *net, const struct sk_buff *skb,
			     u8 keyid, u8 rnextkeyid)
{
	struct tcp_authopt_tuple t;
	struct tcp_authopt_hs *hs;

	tcp_authopt_tuple_skb(skb, &t);
	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_get(net, &t);
	if (hs) {
		hs->keyid = keyid;
		hs->rnextkeyid = rnextkeyid;
	}
	spin_unlock_bh(&tcp_authopt_hs_lock);
}

static bool tcp_authopt_hs_keyids(const struct net *net,
				  const struct tcp_authopt_tuple *t,
				  u8 *keyid, u8 *rnextkeyid)
{
	struct tcp_authopt_hs *hs;
	bool found = false;

	if (tcp_authopt_hs_none(net, t))
		return false;
	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_find(net, t);
	if (hs) {
		*keyid = hs->keyid;
		*rnextkeyid = hs->rnextkeyid;
		found = true;
	}
	spin_unlock_bh(&tcp_authopt_hs_lock);
	return found;
}

/**
 * tcp_authopt_hs_syn_keyids() - the KeyIDs the peer's SYN carried
 * @req: the request socket answering it
 * @keyid: set to the SYN's KeyID
 * @rnextkeyid: set to the SYN's RNextKeyID
 *
 * Return: whether they are known.
 */
bool tcp_authopt_hs_syn_keyids(const struct request_sock *req, u8 *keyid,
			       u8 *rnextkeyid)
{
	struct tcp_authopt_tuple t;

	tcp_authopt_tuple_req(req, &t);
	return tcp_authopt_hs_keyids(read_pnet(&req->rsk_listener->sk_net), &t,
				     keyid, rnextkeyid);
}

/**
 * tcp_authopt_hs_synack_keyids() - the KeyIDs of the SYN a SYN-ACK answers
 * @net: namespace
 * @synack: a SYN-ACK sent without a request socket (a SYN cookie)
 * @keyid: set to the SYN's KeyID
 * @rnextkeyid: set to the SYN's RNextKeyID
 *
 * Return: whether they are known.
 */
bool tcp_authopt_hs_synack_keyids(const struct net *net,
				  const struct sk_buff *synack, u8 *keyid,
				  u8 *rnextkeyid)
{
	struct tcp_authopt_tuple t;

	tcp_authopt_tuple_skb(synack, &t);
	swap(t.laddr, t.raddr);
	swap(t.lport, t.rport);
	return tcp_authopt_hs_keyids(net, &t, keyid, rnextkeyid);
}

static struct tcp_authopt_key *tcp_authopt_hs_copy_key(const struct tcp_authopt_key *src)
{
	struct tcp_authopt_key *key = kmemdup(src, tcp_authopt_key_size(src->alg), GFP_ATOMIC);

	if (!key)
		return NULL;
	key->prep = NULL;	/* a listener's key: never derived */
	atomic64_set(&key->pkt_good, 0);
	atomic64_set(&key->pkt_bad, 0);
	return key;
}

/*
 * The accepted socket's keys: every listener key for the peer, in reverse
 * order; current is the one whose SendID the peer asked for, RNext the one
 * the peer used, else the first.
 */
static struct tcp_authopt_info *tcp_authopt_hs_build(struct tcp_authopt_info *linfo,
						     const struct sockaddr *peer,
						     int l3index, u8 keyid,
						     u8 rnextkeyid)
{
	struct tcp_authopt_key *key, *copy, *cur = NULL, *rnext = NULL, *first = NULL;
	struct tcp_authopt_info *info;
	struct hlist_head *heads[2];
	int i, n;

	info = tcp_authopt_info_alloc(NULL, GFP_ATOMIC);
	if (!info)
		return NULL;
	info->ao_required = READ_ONCE(linfo->ao_required);
	info->accept_icmps = READ_ONCE(linfo->accept_icmps);
	info->ns_managed = linfo->ns_managed;
	info->ns_gen = linfo->ns_gen;
	n = tcp_authopt_peer_lists(linfo, peer, heads);
	for (i = 0; i < n; i++) {
		hlist_for_each_entry_rcu(key, heads[i], pnode) {
			if (!tcp_authopt_key_match_addr(key, peer, l3index))
				continue;
			copy = tcp_authopt_hs_copy_key(key);
			if (!copy)
				continue;
			tcp_authopt_key_link(info, copy, GFP_ATOMIC);
			first = copy;
			if (copy->sndid == rnextkeyid && !cur)
				cur = copy;
			if (copy->rcvid == keyid && !rnext)
				rnext = copy;
		}
	}
	if (!first) {
		tcp_authopt_info_free(info);
		return NULL;
	}
	RCU_INIT_POINTER(info->current_key, cur ?: first);
	RCU_INIT_POINTER(info->rnext_key, rnext ?: first);
	if (info->ns_managed)
		tcp_authopt_chain_select(info, ktime_get_real_seconds());
	return info;
}

/**
 * tcp_authopt_hs_complete() - park keys for the socket a final ACK creates
 * @net: namespace
 * @skb: the verified final ACK (or SYN cookie ACK)
 * @linfo: the listener's state
 * @l3index: L3 master device of the connection
 * @snd_isn: our ISN
 * @rcv_isn: the peer's ISN
 * @keyid: KeyID of the peer's segments
 * @rnextkeyid: RNextKeyID of the peer's segments
 *
 * Context: RCU read side (softirq).
 */
void tcp_authopt_hs_complete(struct net *net, const struct sk_buff *skb,
			     struct tcp_authopt_info *linfo, int l3index,
			     u32 snd_isn, u32 rcv_isn, u8 keyid, u8 rnextkeyid)
{
	struct sockaddr_storage peer;
	struct tcp_authopt_info *info;
	struct tcp_authopt_tuple t;
	struct tcp_authopt_hs *hs;

	tcp_authopt_skb_addr(skb, true, &peer);
	info = tcp_authopt_hs_build(linfo, (struct sockaddr *)&peer, l3index,
				    keyid, rnextkeyid);
	if (!info)
		return;
	info->snd_isn = snd_isn;
	info->rcv_isn = rcv_isn;

	tcp_authopt_tuple_skb(skb, &t);
	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_get(net, &t);
	if (hs) {
		swap(hs->info, info);
		hs->keyid = keyid;
		hs->rnextkeyid = rnextkeyid;
	}
	spin_unlock_bh(&tcp_authopt_hs_lock);
	if (info)
		tcp_authopt_info_free(info);
}

/**
 * tcp_authopt_hs_claim() - give an accepted socket its parked keys
 * @sk: a full socket without TCP-AO state
 *
 * Context: RCU read side; the socket is locked or in softirq.
 * Return: the socket's new info, or NULL.
 */
struct tcp_authopt_info *tcp_authopt_hs_claim(struct sock *sk)
{
	struct tcp_authopt_info *info = NULL;
	struct tcp_authopt_key *key;
	struct tcp_authopt_tuple t;
	struct tcp_authopt_hs *hs;

	/* The claim is linked before its entry goes, under the lock: a CPU
	 * that finds neither looks the table up again.
	 */
	tcp_authopt_tuple_sk(sk, &t);
	if (tcp_authopt_hs_none(sock_net(sk), &t))
		return tcp_authopt_info_lookup(sk);
	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_find(sock_net(sk), &t);
	if (!hs || !hs->info || hs->timewait) {
		info = tcp_authopt_info_lookup(sk);
		goto out;
	}
	swap(info, hs->info);
	info->sk = sk;
	hlist_for_each_entry(key, &info->keys, node)
		atomic_add(tcp_authopt_key_size(key->alg), &sk->sk_omem_alloc);
	tcp_authopt_info_set_isns(info, info->snd_isn, info->rcv_isn, true);
	info = tcp_authopt_info_insert(info);
	tcp_authopt_hs_free(hs);
out:
	spin_unlock_bh(&tcp_authopt_hs_lock);
	return info;
}

/**
 * tcp_authopt_hs_park_timewait() - keep a closing socket's keys for TIME_WAIT
 * @sk: a socket being destroyed
 * @info: its TCP-AO state, already unlinked from it
 *
 * A connection going on in TIME_WAIT keeps them until TIME_WAIT ends; any
 * other for TCP_AUTHOPT_CLOSED_LIFETIME, for the RST that may follow.
 *
 * Return: true if @info was parked.
 */
bool tcp_authopt_hs_park_timewait(struct sock *sk, struct tcp_authopt_info *info)
{
	struct inet_hashinfo *hinfo = sock_net(sk)->ipv4.tcp_death_row.hashinfo;
	struct tcp_authopt_tuple t;
	struct tcp_authopt_hs *hs;
	struct sock *tw = NULL;

	tcp_authopt_tuple_sk(sk, &t);
	rcu_read_lock();
	if (t.family == AF_INET)
		tw = __inet_lookup_established(sock_net(sk), hinfo,
					       t.raddr.s6_addr32[0], t.rport,
					       t.laddr.s6_addr32[0],
					       ntohs(t.lport), 0, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		tw = __inet6_lookup_established(sock_net(sk), hinfo, &t.raddr,
						t.rport, &t.laddr,
						ntohs(t.lport), 0, 0);
#endif
	rcu_read_unlock();
	if (tw) {
		if (tw->sk_state != TCP_TIME_WAIT) {
			sock_gen_put(tw);
			return false;
		}
		sock_gen_put(tw);
	}

	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_get(sock_net(sk), &t);
	if (hs) {
		if (hs->info)
			tcp_authopt_info_free(hs->info);
		info->sk = NULL;
		hs->info = info;
		hs->timewait = true;
		hs->expires = jiffies + (tw ? TCP_AUTHOPT_TW_LIFETIME :
					      TCP_AUTHOPT_CLOSED_LIFETIME);
	}
	spin_unlock_bh(&tcp_authopt_hs_lock);
	return hs;
}

/**
 * tcp_authopt_hs_timewait() - keys of a TIME_WAIT connection
 * @net: namespace
 * @skb: a segment of it
 * @output: @skb is sent by this host (else received)
 *
 * Context: RCU read side; the info stays valid until it ends.
 * Return: the parked info, or NULL.
 */
struct tcp_authopt_info *tcp_authopt_hs_timewait(struct net *net,
						 const struct sk_buff *skb,
						 bool output)
{
	struct tcp_authopt_info *info = NULL;
	struct tcp_authopt_tuple t;
	struct tcp_authopt_hs *hs;

	tcp_authopt_tuple_skb(skb, &t);
	if (output) {
		swap(t.laddr, t.raddr);
		swap(t.lport, t.rport);
	}
	if (tcp_authopt_hs_none(net, &t))
		return NULL;
	spin_lock_bh(&tcp_authopt_hs_lock);
	hs = tcp_authopt_hs_find(net, &t);
	if (hs && hs->timewait)
		info = hs->info;
	spin_unlock_bh(&tcp_authopt_hs_lock);
	return info;
}

void tcp_authopt_hs_exit(void)
{
	struct tcp_authopt_hs *hs, *n;

	spin_lock_bh(&tcp_authopt_hs_lock);
	list_for_each_entry_safe(hs, n, &tcp_authopt_hs_list, list)
		tcp_authopt_hs_free(hs);
	spin_unlock_bh(&tcp_authopt_hs_lock);
}
