// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace TCP-AO key chains: the key table, lifetime evaluation and
 * the timer that reports lifetime boundaries, and /proc/net/tcp_authopt.
 *
 * Writers (netlink requests, the lifetime timer, namespace exit) hold the
 * namespace's mutex; readers (the datapath) walk the table and the key list
 * under RCU. Keys are freed after a grace period, their bytes wiped.
 */

#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "netlink.h"
#include "nskey.h"

/* Keys per namespace: bounds the memory one namespace's admin can pin. */
#define TCP_AUTHOPT_NSKEY_MAX		65536
/* Re-evaluate lifetimes at least this often, in case the clock was set. */
#define TCP_AUTHOPT_NSKEY_MAX_SLEEP	3600

/**
 * struct tcp_authopt_nskey_net - a namespace's key chain
 * @lock: serialises writers
 * @table: keys by (family, prefix length, masked address)
 * @keys: every key, in the order added (RCU list)
 * @nkeys: number of keys
 * @generation: bumped on every change of the key chain
 * @plen_count: keys per prefix length, IPv4 then IPv6 (@lock)
 * @plens4: IPv4 prefix lengths in use (read under RCU)
 * @plens6: IPv6 prefix lengths in use (read under RCU)
 * @work: runs at the next lifetime boundary of any key
 * @net: the namespace
 */
struct tcp_authopt_nskey_net {
	struct mutex lock; /* writers of everything below */
	struct rhltable table;
	struct list_head keys;
	unsigned int nkeys;
	atomic_t generation;
	unsigned int plen_count[2][129];
	DECLARE_BITMAP(plens4, 33);
	DECLARE_BITMAP(plens6, 129);
	struct delayed_work work;
	struct net *net;
};

static unsigned int tcp_authopt_nskey_net_id __read_mostly;
/* Keys in all namespaces: lets the datapath skip namespaces' tables. */
static atomic_t tcp_authopt_nskey_total = ATOMIC_INIT(0);

static const struct rhashtable_params tcp_authopt_nskey_params = {
	.key_len = sizeof(struct tcp_authopt_nskey_id),
	.key_offset = offsetof(struct tcp_authopt_nskey, id),
	.head_offset = offsetof(struct tcp_authopt_nskey, hnode),
	.automatic_shrinking = true,
};

static struct tcp_authopt_nskey_net *tcp_authopt_nskey_pernet(const struct net *net)
{
	return net_generic(net, tcp_authopt_nskey_net_id);
}

u8 tcp_authopt_nskey_state(const struct tcp_authopt_nskey *key, time64_t now)
{
	u8 state = 0;

	if (tcp_authopt_nskey_send_valid(key, now))
		state |= TCP_AUTHOPT_KEY_STATE_SEND_VALID;
	if (tcp_authopt_nskey_accept_valid(key, now))
		state |= TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID;
	return state;
}

/**
 * tcp_authopt_nskey_id_prefix() - cut an address down to a prefix
 * @id: family and address; @id->prefix is set to @prefix
 * @prefix: prefix length, at most the address length
 *
 * Return: true if bits beyond @prefix were set (and are now cleared).
 */
bool tcp_authopt_nskey_id_prefix(struct tcp_authopt_nskey_id *id,
				 unsigned int prefix)
{
	unsigned int words = id->family == AF_INET ? 1 : 4;
	bool host_bits = false;
	unsigned int i, bits;
	__be32 mask;

	id->prefix = prefix;
	for (i = 0; i < words; i++) {
		bits = min(prefix, 32U);
		prefix -= bits;
		mask = bits ? htonl(~0U << (32 - bits)) : 0;
		if (id->addr[i] & ~mask)
			host_bits = true;
		id->addr[i] &= mask;
	}
	return host_bits;
}

/* The key table's id of a peer address, full length; false if unusable. */
static bool tcp_authopt_nskey_id_peer(struct tcp_authopt_nskey_id *id,
				      const struct sockaddr *peer)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)peer;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)peer;

	memset(id, 0, sizeof(*id));
	if (peer->sa_family == AF_INET) {
		id->family = AF_INET;
		id->addr[0] = sin->sin_addr.s_addr;
		return true;
	}
	if (peer->sa_family != AF_INET6)
		return false;
	if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
		id->family = AF_INET;
		id->addr[0] = sin6->sin6_addr.s6_addr32[3];
		return true;
	}
	id->family = AF_INET6;
	memcpy(id->addr, &sin6->sin6_addr, sizeof(id->addr));
	return true;
}

static bool tcp_authopt_nskey_match(const struct tcp_authopt_nskey *key,
				    int l3index, __be16 sport, __be16 dport)
{
	return (!key->l3index || key->l3index == l3index) &&
	       (!key->local_port || key->local_port == sport) &&
	       (!key->peer_port || key->peer_port == dport);
}

/*
 * Call @fn for the keys of each prefix length in use, longest first, with
 * @fn's non-zero return ending the walk. RCU read side.
 */
static int tcp_authopt_nskey_walk(struct net *net, const struct sockaddr *peer,
				  int (*fn)(struct tcp_authopt_nskey *key,
					    void *arg, bool last_of_len),
				  void *arg)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	struct tcp_authopt_nskey_id full, id;
	struct tcp_authopt_nskey *key;
	struct rhlist_head *list, *pos;
	unsigned long *plens;
	int plen, ret;

	if (!tcp_authopt_nskey_id_peer(&full, peer))
		return 0;
	plens = full.family == AF_INET ? tn->plens4 : tn->plens6;
	for (plen = full.family == AF_INET ? 32 : 128; plen >= 0; plen--) {
		if (!test_bit(plen, plens))
			continue;
		id = full;
		tcp_authopt_nskey_id_prefix(&id, plen);
		list = rhltable_lookup(&tn->table, &id, tcp_authopt_nskey_params);
		rhl_for_each_entry_rcu(key, pos, list, hnode) {
			ret = fn(key, arg, false);
			if (ret)
				return ret;
		}
		ret = fn(NULL, arg, true);
		if (ret)
			return ret;
	}
	return 0;
}

struct tcp_authopt_nskey_best {
	struct tcp_authopt_nskey *best;
	time64_t now;
	int l3index;
	__be16 sport;
	__be16 dport;
	int keyid;
	bool for_send;
};

static int tcp_authopt_nskey_best_fn(struct tcp_authopt_nskey *key, void *arg,
				     bool last_of_len)
{
	struct tcp_authopt_nskey_best *b = arg;

	/* A longer prefix with a valid key beats every shorter one. */
	if (last_of_len)
		return !!b->best;
	if (!tcp_authopt_nskey_match(key, b->l3index, b->sport, b->dport))
		return 0;
	if (b->for_send) {
		if (!tcp_authopt_nskey_send_valid(key, b->now) ||
		    (b->keyid >= 0 && key->sndid != b->keyid))
			return 0;
		if (!b->best || key->send_start > b->best->send_start)
			b->best = key;
	} else {
		if (!tcp_authopt_nskey_accept_valid(key, b->now) ||
		    (b->keyid >= 0 && key->rcvid != b->keyid))
			return 0;
		if (!b->best || key->accept_start > b->best->accept_start)
			b->best = key;
	}
	return 0;
}

struct tcp_authopt_nskey *tcp_authopt_nskey_lookup(struct net *net,
						   const struct sockaddr *peer,
						   int l3index, __be16 sport,
						   __be16 dport, int keyid,
						   bool for_send)
{
	struct tcp_authopt_nskey_best b = {
		.now = ktime_get_real_seconds(),
		.l3index = l3index,
		.sport = sport,
		.dport = dport,
		.keyid = keyid,
		.for_send = for_send,
	};

	tcp_authopt_nskey_walk(net, peer, tcp_authopt_nskey_best_fn, &b);
	return b.best;
}

struct tcp_authopt_nskey_visit {
	int (*fn)(struct tcp_authopt_nskey *key, void *arg);
	void *arg;
	int l3index;
	__be16 sport;
	__be16 dport;
};

static int tcp_authopt_nskey_visit_fn(struct tcp_authopt_nskey *key, void *arg,
				      bool last_of_len)
{
	struct tcp_authopt_nskey_visit *v = arg;

	if (last_of_len ||
	    !tcp_authopt_nskey_match(key, v->l3index, v->sport, v->dport))
		return 0;
	return v->fn(key, v->arg);
}

int tcp_authopt_nskey_visit_peer(struct net *net, const struct sockaddr *peer,
				 int l3index, __be16 sport, __be16 dport,
				 int (*fn)(struct tcp_authopt_nskey *key,
					   void *arg),
				 void *arg)
{
	struct tcp_authopt_nskey_visit v = {
		.fn = fn,
		.arg = arg,
		.l3index = l3index,
		.sport = sport,
		.dport = dport,
	};

	return tcp_authopt_nskey_walk(net, peer, tcp_authopt_nskey_visit_fn, &v);
}

bool tcp_authopt_nskey_any(void)
{
	return atomic_read(&tcp_authopt_nskey_total) > 0;
}

bool tcp_authopt_nskey_in(struct net *net)
{
	return tcp_authopt_nskey_any() &&
	       READ_ONCE(tcp_authopt_nskey_pernet(net)->nkeys);
}

u32 tcp_authopt_nskey_generation(struct net *net)
{
	return atomic_read(&tcp_authopt_nskey_pernet(net)->generation);
}

struct tcp_authopt_nskey *tcp_authopt_nskey_alloc(void)
{
	struct tcp_authopt_nskey *key;

	/* Charged to the memory cgroup of whoever configures the key. */
	key = kzalloc(sizeof(*key), GFP_KERNEL_ACCOUNT);
	if (!key)
		return NULL;
	refcount_set(&key->refcnt, 1);
	INIT_LIST_HEAD(&key->list);
	key->send_end = TIME64_MAX;
	key->accept_end = TIME64_MAX;
	return key;
}

/* Free a key nobody else has seen. */
void tcp_authopt_nskey_free_new(struct tcp_authopt_nskey *key)
{
	memzero_explicit(key->key, sizeof(key->key));
	kfree(key);
}

static void tcp_authopt_nskey_free_rcu(struct rcu_head *head)
{
	tcp_authopt_nskey_free_new(container_of(head, struct tcp_authopt_nskey,
						rcu));
}

void tcp_authopt_nskey_put(struct tcp_authopt_nskey *key)
{
	if (refcount_dec_and_test(&key->refcnt))
		call_rcu(&key->rcu, tcp_authopt_nskey_free_rcu);
}

void tcp_authopt_nskey_lock(struct net *net)
{
	mutex_lock(&tcp_authopt_nskey_pernet(net)->lock);
}

void tcp_authopt_nskey_unlock(struct net *net)
{
	mutex_unlock(&tcp_authopt_nskey_pernet(net)->lock);
}

struct list_head *tcp_authopt_nskey_list(struct net *net)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);

	lockdep_assert_held(&tn->lock);
	return &tn->keys;
}

/* Caller holds the namespace's lock. */
struct tcp_authopt_nskey *tcp_authopt_nskey_find(struct net *net,
						 const struct tcp_authopt_nskey_id *id,
						 int l3index, u8 sndid, u8 rcvid)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	struct tcp_authopt_nskey *key;
	struct rhlist_head *list, *pos;

	lockdep_assert_held(&tn->lock);
	rcu_read_lock();
	list = rhltable_lookup(&tn->table, id, tcp_authopt_nskey_params);
	rhl_for_each_entry_rcu(key, pos, list, hnode) {
		if (key->l3index == l3index && key->sndid == sndid &&
		    key->rcvid == rcvid)
			break;
	}
	rcu_read_unlock();
	return pos ? key : NULL;
}

static void tcp_authopt_nskey_plen(struct tcp_authopt_nskey_net *tn,
				   const struct tcp_authopt_nskey_id *id, int delta)
{
	bool v4 = id->family == AF_INET;
	unsigned int *count = &tn->plen_count[v4 ? 0 : 1][id->prefix];

	*count += delta;
	if (*count)
		set_bit(id->prefix, v4 ? tn->plens4 : tn->plens6);
	else
		clear_bit(id->prefix, v4 ? tn->plens4 : tn->plens6);
}

/* Evaluate lifetimes now rather than at the next planned boundary. */
static void tcp_authopt_nskey_kick(struct tcp_authopt_nskey_net *tn)
{
	mod_delayed_work(system_wq, &tn->work, 0);
}

/**
 * tcp_authopt_nskey_insert() - add a fully set up key to a namespace
 * @net: the namespace
 * @key: from tcp_authopt_nskey_alloc(); owned by the table on success
 *
 * Context: process context; takes the namespace's lock.
 * Return: 0, -EEXIST for a key with the same prefix, l3index and KeyIDs,
 * -ENOSPC when the namespace holds TCP_AUTHOPT_NSKEY_MAX keys, -ENOMEM.
 */
int tcp_authopt_nskey_insert(struct net *net, struct tcp_authopt_nskey *key)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	int err;

	mutex_lock(&tn->lock);
	err = -EEXIST;
	if (tcp_authopt_nskey_find(net, &key->id, key->l3index, key->sndid,
				   key->rcvid))
		goto out;
	err = -ENOSPC;
	if (tn->nkeys >= TCP_AUTHOPT_NSKEY_MAX)
		goto out;
	err = rhltable_insert(&tn->table, &key->hnode, tcp_authopt_nskey_params);
	if (err)
		goto out;
	key->state = tcp_authopt_nskey_state(key, ktime_get_real_seconds());
	list_add_tail_rcu(&key->list, &tn->keys);
	WRITE_ONCE(tn->nkeys, tn->nkeys + 1);
	atomic_inc(&tcp_authopt_nskey_total);
	tcp_authopt_nskey_plen(tn, &key->id, 1);
	atomic_inc(&tn->generation);
	tcp_authopt_nl_notify(net, key, TCP_AUTHOPT_EVENT_ADDED);
	tcp_authopt_nskey_kick(tn);
out:
	mutex_unlock(&tn->lock);
	return err;
}

static void tcp_authopt_nskey_unlink(struct tcp_authopt_nskey_net *tn,
				     struct tcp_authopt_nskey *key)
{
	rhltable_remove(&tn->table, &key->hnode, tcp_authopt_nskey_params);
	list_del_rcu(&key->list);
	WRITE_ONCE(tn->nkeys, tn->nkeys - 1);
	atomic_dec(&tcp_authopt_nskey_total);
	tcp_authopt_nskey_plen(tn, &key->id, -1);
	atomic_inc(&tn->generation);
	tcp_authopt_nskey_put(key);
}

/**
 * tcp_authopt_nskey_delete() - delete a key of a namespace
 * @net: the namespace
 * @id: its peer prefix
 * @l3index: its l3index
 * @sndid: its send KeyID
 * @rcvid: its receive KeyID
 *
 * Context: process context; takes the namespace's lock.
 * Return: 0 or -ENOENT.
 */
int tcp_authopt_nskey_delete(struct net *net,
			     const struct tcp_authopt_nskey_id *id,
			     int l3index, u8 sndid, u8 rcvid)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	struct tcp_authopt_nskey *key;

	mutex_lock(&tn->lock);
	key = tcp_authopt_nskey_find(net, id, l3index, sndid, rcvid);
	if (key) {
		tcp_authopt_nl_notify(net, key, TCP_AUTHOPT_EVENT_DELETED);
		tcp_authopt_nskey_unlink(tn, key);
	}
	mutex_unlock(&tn->lock);
	return key ? 0 : -ENOENT;
}

/* The next of a key's lifetime boundaries after @now, or TIME64_MAX. */
static time64_t tcp_authopt_nskey_next(const struct tcp_authopt_nskey *key,
				       time64_t now)
{
	const time64_t t[] = {
		key->send_start, key->send_end, key->accept_start, key->accept_end,
	};
	time64_t next = TIME64_MAX;
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i] > now && t[i] < next)
			next = t[i];
	return next;
}

static void tcp_authopt_nskey_report(struct net *net,
				     struct tcp_authopt_nskey *key, u8 changed,
				     u8 state)
{
	if (changed & TCP_AUTHOPT_KEY_STATE_SEND_VALID)
		tcp_authopt_nl_notify(net, key,
				      state & TCP_AUTHOPT_KEY_STATE_SEND_VALID ?
				      TCP_AUTHOPT_EVENT_SEND_VALID :
				      TCP_AUTHOPT_EVENT_SEND_EXPIRED);
	if (changed & TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID)
		tcp_authopt_nl_notify(net, key,
				      state & TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID ?
				      TCP_AUTHOPT_EVENT_ACCEPT_VALID :
				      TCP_AUTHOPT_EVENT_ACCEPT_EXPIRED);
}

/* Report the keys whose state changed and sleep until the next boundary. */
static void tcp_authopt_nskey_work(struct work_struct *work)
{
	struct tcp_authopt_nskey_net *tn =
		container_of(to_delayed_work(work), struct tcp_authopt_nskey_net,
			     work);
	time64_t now, next = TIME64_MAX;
	struct tcp_authopt_nskey *key;
	bool changed = false;
	u8 state;

	mutex_lock(&tn->lock);
	now = ktime_get_real_seconds();
	list_for_each_entry(key, &tn->keys, list) {
		state = tcp_authopt_nskey_state(key, now);
		if (state != key->state) {
			/* Set first: the notification reports the new state. */
			swap(state, key->state);
			tcp_authopt_nskey_report(tn->net, key, state ^ key->state,
						 key->state);
			changed = true;
		}
		next = min(next, tcp_authopt_nskey_next(key, now));
	}
	if (changed)
		atomic_inc(&tn->generation);
	if (next != TIME64_MAX) {
		next = min_t(time64_t, next - now, TCP_AUTHOPT_NSKEY_MAX_SLEEP);
		/* Boundaries are whole seconds: wake just after one. */
		mod_delayed_work(system_wq, &tn->work, next * HZ + 1);
	}
	mutex_unlock(&tn->lock);
}

static void tcp_authopt_nskey_seq_lifetime(struct seq_file *seq,
					   time64_t start, time64_t end)
{
	seq_printf(seq, " %lld-", (long long)start);
	if (end == TIME64_MAX)
		seq_puts(seq, "inf");
	else
		seq_printf(seq, "%lld", (long long)end);
}

static void tcp_authopt_nskey_seq_key(struct seq_file *seq,
				      const struct tcp_authopt_nskey *key,
				      time64_t now)
{
	static const char *const flag_names[] = {
		"no-send", "no-accept", "exclude-options",
	};
	const char *sep = " ";
	u8 state;
	int i;

	seq_printf(seq, "%u %u %s %u ", key->sndid, key->rcvid, key->alg->name,
		   key->maclen);
	if (key->id.family == AF_INET)
		seq_printf(seq, "%pI4", key->id.addr);
	else
		seq_printf(seq, "%pI6c", key->id.addr);
	seq_printf(seq, "/%u %u %u %d", key->id.prefix, ntohs(key->peer_port),
		   ntohs(key->local_port), key->l3index);
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (key->flags & BIT(i)) {
			seq_printf(seq, "%s%s", sep, flag_names[i]);
			sep = ",";
		}
	}
	if (!key->flags)
		seq_puts(seq, " -");
	tcp_authopt_nskey_seq_lifetime(seq, key->send_start, key->send_end);
	tcp_authopt_nskey_seq_lifetime(seq, key->accept_start, key->accept_end);
	state = tcp_authopt_nskey_state(key, now);
	seq_printf(seq, " %s%s%s\n",
		   state & TCP_AUTHOPT_KEY_STATE_SEND_VALID ? "send-valid" : "",
		   state == (TCP_AUTHOPT_KEY_STATE_SEND_VALID |
			     TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID) ? "," : "",
		   state & TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID ? "accept-valid" :
		   state ? "" : "-");
}

/* /proc/net/tcp_authopt: one line per key, never the key bytes. */
static int tcp_authopt_nskey_seq_show(struct seq_file *seq, void *v)
{
	struct tcp_authopt_nskey_net *tn =
		tcp_authopt_nskey_pernet(seq_file_single_net(seq));
	time64_t now = ktime_get_real_seconds();
	struct tcp_authopt_nskey *key;

	seq_puts(seq, "SendID RecvID Alg MacLen Peer PeerPort LocalPort L3Index Flags SendLifetime AcceptLifetime State\n");
	mutex_lock(&tn->lock);
	list_for_each_entry(key, &tn->keys, list)
		tcp_authopt_nskey_seq_key(seq, key, now);
	mutex_unlock(&tn->lock);
	return 0;
}

static int __net_init tcp_authopt_nskey_net_init(struct net *net)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	int err;

	mutex_init(&tn->lock);
	INIT_LIST_HEAD(&tn->keys);
	INIT_DELAYED_WORK(&tn->work, tcp_authopt_nskey_work);
	tn->net = net;
	err = rhltable_init(&tn->table, &tcp_authopt_nskey_params);
	if (err)
		return err;
	if (!proc_create_net_single("tcp_authopt", 0444, net->proc_net,
				    tcp_authopt_nskey_seq_show, NULL)) {
		rhltable_destroy(&tn->table);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit tcp_authopt_nskey_net_exit(struct net *net)
{
	struct tcp_authopt_nskey_net *tn = tcp_authopt_nskey_pernet(net);
	struct tcp_authopt_nskey *key, *n;

	remove_proc_entry("tcp_authopt", net->proc_net);
	cancel_delayed_work_sync(&tn->work);
	mutex_lock(&tn->lock);
	list_for_each_entry_safe(key, n, &tn->keys, list)
		tcp_authopt_nskey_unlink(tn, key);
	mutex_unlock(&tn->lock);
	/* The table's buckets go now: let readers of the namespace finish. */
	synchronize_rcu();
	rhltable_destroy(&tn->table);
	mutex_destroy(&tn->lock);
}

static struct pernet_operations tcp_authopt_nskey_net_ops = {
	.init = tcp_authopt_nskey_net_init,
	.exit = tcp_authopt_nskey_net_exit,
	.id = &tcp_authopt_nskey_net_id,
	.size = sizeof(struct tcp_authopt_nskey_net),
};

int tcp_authopt_nskey_init(void)
{
	return register_pernet_subsys(&tcp_authopt_nskey_net_ops);
}

void tcp_authopt_nskey_exit(void)
{
	unregister_pernet_subsys(&tcp_authopt_nskey_net_ops);
	/* Keys are freed by RCU callbacks in this module. */
	rcu_barrier();
}
