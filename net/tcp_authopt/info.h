/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-socket TCP-AO state: master key tuples (RFC 5925 section 3.1), the
 * current and RNext keys, ISNs, sequence number extensions and counters.
 */
#ifndef _TCP_AUTHOPT_INFO_H
#define _TCP_AUTHOPT_INFO_H

#include <linux/rhashtable-types.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/tcp_authopt.h>

#include "crypto.h"
#include "protocol.h"
#include "sne.h"

/* A key's peer address: AF_INET or AF_INET6, the port unused. */
union tcp_authopt_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/**
 * struct tcp_authopt_key - one master key tuple of a socket
 * @node: entry in &tcp_authopt_info.keys (RCU)
 * @pnode: entry in the peer index: a bucket of &tcp_authopt_info.index or
 *	&tcp_authopt_info.unhashed (RCU)
 * @rcu: for freeing after readers are gone
 * @alg: MAC algorithm
 * @addr: peer address (family, address; port unused)
 * @l3index: L3 master device, 0 for any (TCP_AO_KEYF_IFINDEX)
 * @prefix: prefix length of @addr that a peer must match
 * @sndid: KeyID of segments we send with this key
 * @rcvid: KeyID of segments the peer sends with this key
 * @maclen: MAC length on the wire
 * @keyflags: TCP_AO_KEYF_* flags
 * @keylen: length of @key
 * @key: master key
 * @ns: copied from the namespace's key chain; the lifetimes below apply
 *	(socket keys have none and are always valid)
 * @ns_seen: mark for chain.c's resynchronisation (@info->lock)
 * @send_start: send lifetime start, wall-clock seconds (@ns keys)
 * @send_end: send lifetime end, exclusive; 0 for a no-send key
 * @accept_start: accept lifetime start
 * @accept_end: accept lifetime end, exclusive; 0 for a no-accept key
 * @pkt_good: segments verified with this key
 * @pkt_bad: segments that failed verification with this key
 * @prep: NULL, or both traffic keys prepared for an HMAC, each
 *	@alg->prep_size bytes (tcp_authopt_hmac_prepare()): the key's own
 *	allocation, made when the traffic keys are first derived
 * @traffic: the traffic keys for sending, then for receiving, each
 *	@alg->digest_size bytes (tcp_authopt_tk()); valid once the socket's
 *	ISNs are known
 *
 * A key takes tcp_authopt_key_size() bytes, charged to its socket's option
 * memory like upstream's keys: about as many keys fit in optmem_max.
 */
struct tcp_authopt_key {
	struct hlist_node node;
	struct hlist_node pnode;
	struct rcu_head rcu;
	struct tcp_authopt_alg *alg;
	union tcp_authopt_addr addr;
	int l3index;
	u8 prefix;
	u8 sndid;
	u8 rcvid;
	u8 maclen;
	u8 keyflags;
	u8 keylen;
	u8 key[TCP_AUTHOPT_MAX_KEYLEN];
	bool ns;
	bool ns_seen;
	time64_t send_start;
	time64_t send_end;
	time64_t accept_start;
	time64_t accept_end;
	atomic64_t pkt_good;
	atomic64_t pkt_bad;
	u8 *prep;
	u8 traffic[];
};

static inline size_t tcp_authopt_key_size(const struct tcp_authopt_alg *alg)
{
	return sizeof(struct tcp_authopt_key) + 2 * alg->digest_size;
}

/* A key's traffic key for sending (@send) or receiving. */
static inline u8 *tcp_authopt_tk(struct tcp_authopt_key *key, bool send)
{
	return key->traffic + (send ? 0 : key->alg->digest_size);
}

enum tcp_authopt_info_counter {
	TCP_AUTHOPT_CNT_GOOD,
	TCP_AUTHOPT_CNT_BAD,
	TCP_AUTHOPT_CNT_KEY_NOT_FOUND,
	TCP_AUTHOPT_CNT_REQUIRED,
	TCP_AUTHOPT_CNT_DROPPED_ICMP,
	__TCP_AUTHOPT_CNT_MAX
};

/*
 * Keys for one host address (a /32 or /128 prefix) are found by hashing
 * the peer's address once a socket has many keys (a listener serving
 * thousands of peers); other keys, and the first few, are on a list that
 * every lookup walks.
 */
#define TCP_AUTHOPT_INDEX_MIN_KEYS	16
#define TCP_AUTHOPT_INDEX_BITS		12

struct tcp_authopt_key_index {
	struct hlist_head head[1 << TCP_AUTHOPT_INDEX_BITS];
};

/**
 * struct tcp_authopt_info - TCP-AO state of one socket
 * @node: entry in the socket table, keyed by @sk
 * @rcu: for freeing after readers are gone
 * @sk: the socket (not referenced: the info dies with it)
 * @keys: master key tuples (RCU list, written under the socket lock)
 * @unhashed: keys not in @index (RCU list by &tcp_authopt_key.pnode)
 * @index: keys by host address, made at TCP_AUTHOPT_INDEX_MIN_KEYS keys
 * @nkeys: number of @keys
 * @current_key: key used for sending
 * @rnext_key: key whose RecvID we ask the peer to use (RNextKeyID)
 * @ao_required: drop segments without TCP-AO
 * @accept_icmps: act on ICMP hard errors
 * @isns_set: @snd_isn and @rcv_isn are known and traffic keys derived
 * @lock: serialises setting the ISNs and receive SNE tracking
 * @snd_isn: our ISN
 * @rcv_isn: the peer's ISN
 * @snd_sne: SNE tracking of sent segments (socket lock)
 * @rcv_sne: SNE tracking of verified received segments (@lock)
 * @mss_adjusted: bytes of MSS given up for the option (0: not yet)
 * @ns_managed: the connection's keys come from its namespace's key chain
 *	(chain.c): kept in step with it, chosen by their lifetimes
 * @ns_gen: key chain generation the keys were last synchronised with
 * @ns_now: second the current and RNext keys were last chosen in
 * @cnt: per-socket counters (TCP_AO_INFO)
 */
struct tcp_authopt_info {
	struct rhash_head node;
	struct rcu_head rcu;
	struct sock *sk;
	struct hlist_head keys;
	struct hlist_head unhashed;
	struct tcp_authopt_key_index __rcu *index;
	unsigned int nkeys;
	struct tcp_authopt_key __rcu *current_key;
	struct tcp_authopt_key __rcu *rnext_key;
	bool ao_required;
	bool accept_icmps;
	bool isns_set;
	u8 mss_adjusted;
	bool ns_managed;
	u32 ns_gen;
	time64_t ns_now;
	spinlock_t lock; /* ISNs, traffic keys, @rcv_sne, namespace keys */
	u32 snd_isn;
	u32 rcv_isn;
	struct tcp_authopt_sne snd_sne;
	struct tcp_authopt_sne rcv_sne;
	atomic64_t cnt[__TCP_AUTHOPT_CNT_MAX];
};

int tcp_authopt_info_init(void);
void tcp_authopt_info_exit(void);

struct tcp_authopt_info *tcp_authopt_info_lookup(const struct sock *sk);
struct tcp_authopt_info *tcp_authopt_info_get_or_create(struct sock *sk);
struct tcp_authopt_info *tcp_authopt_info_alloc(struct sock *sk, gfp_t gfp);
void tcp_authopt_info_free(struct tcp_authopt_info *info);
void tcp_authopt_info_free_deferred(struct tcp_authopt_info *info);
struct tcp_authopt_info *tcp_authopt_info_insert(struct tcp_authopt_info *info);
void tcp_authopt_info_destroy(struct sock *sk);
bool tcp_authopt_info_any(void);

void tcp_authopt_key_free(struct tcp_authopt_key *key);
void tcp_authopt_key_destroy(struct tcp_authopt_key *key);

/* A key's prepared send or receive traffic key, or NULL. */
static inline const u8 *tcp_authopt_key_prep(const struct tcp_authopt_key *key,
					     bool send)
{
	const u8 *prep = READ_ONCE(key->prep);

	return prep && !send ? prep + key->alg->prep_size : prep;
}

void tcp_authopt_key_link(struct tcp_authopt_info *info,
			  struct tcp_authopt_key *key, gfp_t gfp);
void tcp_authopt_key_unlink_peer(struct tcp_authopt_info *info,
				 struct tcp_authopt_key *key);
int tcp_authopt_peer_lists(struct tcp_authopt_info *info,
			   const struct sockaddr *peer,
			   struct hlist_head **heads);
bool tcp_authopt_key_match_addr(const struct tcp_authopt_key *key,
				const struct sockaddr *addr, int l3index);
bool tcp_authopt_addr_match(const union tcp_authopt_addr *a,
			    const struct sockaddr *b, u8 prefix);
struct tcp_authopt_key *tcp_authopt_key_find_peer(struct tcp_authopt_info *info,
						  const struct sockaddr *peer,
						  int l3index, int rcvid);
bool tcp_authopt_peer_has_keys(struct tcp_authopt_info *info,
			       const struct sockaddr *peer, int l3index);
int tcp_authopt_key_derive(struct tcp_authopt_info *info,
			   struct tcp_authopt_key *key);
void tcp_authopt_info_set_isns(struct tcp_authopt_info *info, u32 snd_isn,
			       u32 rcv_isn, bool force);
void tcp_authopt_sk_peer(const struct sock *sk, struct sockaddr_storage *ss);

/*
 * Whether the ISNs are known and every key's traffic keys derived. Pairs
 * with the release in tcp_authopt_info_set_isns(): a reader that sees true
 * also sees the traffic keys.
 */
static inline bool tcp_authopt_isns_known(struct tcp_authopt_info *info)
{
	/* Pairs with smp_store_release() in tcp_authopt_info_set_isns(). */
	return smp_load_acquire(&info->isns_set);
}

/* Whether @key may sign segments at @now (wall-clock seconds). */
static inline bool tcp_authopt_key_send_ok(const struct tcp_authopt_key *key,
					   time64_t now)
{
	return !key->ns || (key->send_start <= now && now < key->send_end);
}

/* Whether segments signed with @key are accepted at @now. */
static inline bool tcp_authopt_key_accept_ok(const struct tcp_authopt_key *key,
					     time64_t now)
{
	return !key->ns || (key->accept_start <= now && now < key->accept_end);
}

static inline void tcp_authopt_info_inc(struct tcp_authopt_info *info,
					enum tcp_authopt_info_counter c)
{
	atomic64_inc(&info->cnt[c]);
}

#endif /* _TCP_AUTHOPT_INFO_H */
