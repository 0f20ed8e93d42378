/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace TCP-AO key chains (RFC 8177 key chains applied to
 * RFC 5925 master key tuples), configured over generic netlink.
 *
 * A key chain key protects every connection of its namespace whose peer
 * matches the key's prefix (and ports and L3 domain, when given) without
 * help from the application. Each key has a send lifetime and an accept
 * lifetime in wall-clock seconds, evaluated by the kernel against
 * ktime_get_real_seconds(): a key is send-valid while
 * send_start <= now < send_end and it lacks the no-send flag, and
 * accept-valid while accept_start <= now < accept_end and it lacks the
 * no-accept flag. Unbounded starts are 0, unbounded ends TIME64_MAX.
 *
 * Keys are found by peer address in an rhltable keyed by (family, prefix
 * length, masked address): a lookup probes one bucket per prefix length
 * in use in the namespace, longest first, so its cost does not grow with
 * the number of keys.
 */
#ifndef _TCP_AUTHOPT_NSKEY_H
#define _TCP_AUTHOPT_NSKEY_H

#include <linux/in6.h>
#include <linux/rhashtable-types.h>
#include <linux/socket.h>
#include <linux/time64.h>
#include <net/net_namespace.h>
#include <uapi/linux/tcp_authopt_nl.h>

#include "crypto.h"
#include "protocol.h"

/**
 * struct tcp_authopt_nskey_id - what a key is hashed and identified by
 * @family: AF_INET or AF_INET6
 * @prefix: prefix length of @addr
 * @pad: zero
 * @addr: peer address, host bits zero (IPv4 in the first word)
 */
struct tcp_authopt_nskey_id {
	u8 family;
	u8 prefix;
	u8 pad[2];
	__be32 addr[4];
};

/**
 * struct tcp_authopt_nskey - one key of a namespace's key chain
 * @hnode: entry in the namespace's table, keyed by @id
 * @list: entry in the namespace's list of all keys (RCU)
 * @rcu: for freeing after readers are gone
 * @refcnt: references; the table holds one while the key is configured
 * @id: peer prefix
 * @alg: MAC algorithm (from crypto.c's table, lives until module exit)
 * @l3index: ifindex of the L3 master device, 0 for any
 * @peer_port: peer TCP port, 0 for any
 * @local_port: local TCP port, 0 for any
 * @sndid: KeyID of segments sent with this key
 * @rcvid: KeyID of segments the peer signs with this key
 * @maclen: MAC length on the wire
 * @flags: TCP_AUTHOPT_KEY_FLAGS_*
 * @state: TCP_AUTHOPT_KEY_STATE_* last notified (writer mutex)
 * @keylen: length of @key
 * @send_start: send lifetime start, seconds since the epoch (0: unbounded)
 * @send_end: send lifetime end, exclusive (TIME64_MAX: unbounded)
 * @accept_start: accept lifetime start
 * @accept_end: accept lifetime end, exclusive
 * @key: master key (cmac(aes) keys already reduced to 16 bytes)
 */
struct tcp_authopt_nskey {
	struct rhlist_head hnode;
	struct list_head list;
	struct rcu_head rcu;
	refcount_t refcnt;
	struct tcp_authopt_nskey_id id;
	struct tcp_authopt_alg *alg;
	int l3index;
	__be16 peer_port;
	__be16 local_port;
	u8 sndid;
	u8 rcvid;
	u8 maclen;
	u8 flags;
	u8 state;
	u8 keylen;
	time64_t send_start;
	time64_t send_end;
	time64_t accept_start;
	time64_t accept_end;
	u8 key[TCP_AUTHOPT_MAX_KEYLEN];
};

/**
 * tcp_authopt_nskey_send_valid() - whether a key may be sent with at @now
 * @key: the key
 * @now: wall-clock seconds (ktime_get_real_seconds())
 *
 * Return: true inside the send lifetime of a key without the no-send flag.
 */
static inline bool tcp_authopt_nskey_send_valid(const struct tcp_authopt_nskey *key,
						time64_t now)
{
	return !(key->flags & TCP_AUTHOPT_KEY_FLAGS_NO_SEND) &&
	       key->send_start <= now && now < key->send_end;
}

/**
 * tcp_authopt_nskey_accept_valid() - whether a key may be accepted at @now
 * @key: the key
 * @now: wall-clock seconds (ktime_get_real_seconds())
 *
 * Return: true inside the accept lifetime of a key without the no-accept
 * flag.
 */
static inline bool tcp_authopt_nskey_accept_valid(const struct tcp_authopt_nskey *key,
						  time64_t now)
{
	return !(key->flags & TCP_AUTHOPT_KEY_FLAGS_NO_ACCEPT) &&
	       key->accept_start <= now && now < key->accept_end;
}

/* TCP_AUTHOPT_KEY_STATE_* of a key at @now. */
u8 tcp_authopt_nskey_state(const struct tcp_authopt_nskey *key, time64_t now);

/**
 * tcp_authopt_nskey_lookup() - the best valid key for a connection
 * @net: the connection's namespace
 * @peer: the peer's address (AF_INET, AF_INET6; v4-mapped IPv6 is IPv4)
 * @l3index: the connection's L3 master ifindex (0 for none)
 * @sport: the local port (network order)
 * @dport: the peer's port (network order)
 * @keyid: -1 for any, else a KeyID the key must have: its send ID when
 *	@for_send (e.g. the peer's RNextKeyID), its receive ID otherwise
 *	(the KeyID of a received segment)
 * @for_send: look for a send-valid key, else for an accept-valid one
 *
 * A key matches when @peer is inside its prefix, its l3index is 0 or
 * @l3index, and its ports are 0 or equal to @sport and @dport. Among
 * matching valid keys the longest prefix wins; within one prefix the key
 * whose lifetime (send or accept, by @for_send) started last wins.
 *
 * Context: rcu_read_lock() held; any context.
 * Return: the key, valid until rcu_read_unlock() (tcp_authopt_nskey_hold()
 * it to keep it longer), or NULL.
 */
struct tcp_authopt_nskey *tcp_authopt_nskey_lookup(struct net *net,
						   const struct sockaddr *peer,
						   int l3index, __be16 sport,
						   __be16 dport, int keyid,
						   bool for_send);

/**
 * tcp_authopt_nskey_visit_peer() - visit every key matching a connection
 * @net: the connection's namespace
 * @peer: the peer's address
 * @l3index: the connection's L3 master ifindex (0 for none)
 * @sport: the local port (network order)
 * @dport: the peer's port (network order)
 * @fn: called for each key matching as in tcp_authopt_nskey_lookup(),
 *	whatever its lifetimes, longest prefix first; a non-zero return
 *	stops the walk
 * @arg: passed to @fn
 *
 * For building a connection's key set: read tcp_authopt_nskey_generation()
 * first, and walk again when it changed.
 *
 * Context: rcu_read_lock() held; @fn must not sleep.
 * Return: the first non-zero value @fn returned, or 0.
 */
int tcp_authopt_nskey_visit_peer(struct net *net, const struct sockaddr *peer,
				 int l3index, __be16 sport, __be16 dport,
				 int (*fn)(struct tcp_authopt_nskey *key,
					   void *arg),
				 void *arg);

/* Whether any namespace has keys: one atomic read. */
bool tcp_authopt_nskey_any(void);

/* Whether @net has keys. */
bool tcp_authopt_nskey_in(struct net *net);

/**
 * tcp_authopt_nskey_generation() - changes whenever the key chain changes
 * @net: the namespace
 *
 * Bumped on every key added or deleted and every lifetime boundary the
 * namespace's timer handled.
 *
 * Return: the namespace's generation counter.
 */
u32 tcp_authopt_nskey_generation(struct net *net);

/**
 * tcp_authopt_nskey_hold() - take a reference on a key found under RCU
 * @key: the key
 *
 * Return: false if the key is being freed (drop it then).
 */
static inline bool tcp_authopt_nskey_hold(struct tcp_authopt_nskey *key)
{
	return refcount_inc_not_zero(&key->refcnt);
}

void tcp_authopt_nskey_put(struct tcp_authopt_nskey *key);

/* For netlink.c and the proc file: the writer side. */
struct tcp_authopt_nskey *tcp_authopt_nskey_alloc(void);
void tcp_authopt_nskey_free_new(struct tcp_authopt_nskey *key);
int tcp_authopt_nskey_insert(struct net *net, struct tcp_authopt_nskey *key);
int tcp_authopt_nskey_delete(struct net *net,
			     const struct tcp_authopt_nskey_id *id,
			     int l3index, u8 sndid, u8 rcvid);
struct tcp_authopt_nskey *tcp_authopt_nskey_find(struct net *net,
						 const struct tcp_authopt_nskey_id *id,
						 int l3index, u8 sndid, u8 rcvid);
void tcp_authopt_nskey_lock(struct net *net);
void tcp_authopt_nskey_unlock(struct net *net);
struct list_head *tcp_authopt_nskey_list(struct net *net);
bool tcp_authopt_nskey_id_prefix(struct tcp_authopt_nskey_id *id,
				 unsigned int prefix);

int tcp_authopt_nskey_init(void);
void tcp_authopt_nskey_exit(void);

#endif /* _TCP_AUTHOPT_NSKEY_H */
