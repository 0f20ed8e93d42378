// SPDX-License-Identifier: GPL-2.0
/*
 * The tcp_authopt generic netlink family: add, delete, get and dump the
 * keys of the caller's namespace, and notify the "monitor" group of keys
 * added, deleted, and of lifetimes that begin or end.
 *
 * Policies and the ops table are generated from the YAML spec
 * (netlink-gen.c); this file holds the handlers and the family. Every
 * rejected request carries an extack message pointing at the attribute
 * and changes nothing.
 */

#include <linux/netdevice.h>
#include <linux/rwsem.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "netlink-gen.h"
#include "netlink.h"
#include "nskey.h"
#include "stat.h"

static struct genl_family tcp_authopt_nl_family __ro_after_init = {
	.name = TCP_AUTHOPT_GENL_NAME,
	.version = TCP_AUTHOPT_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = tcp_authopt_nl_ops,
	.n_ops = ARRAY_SIZE(tcp_authopt_nl_ops),
	.resv_start_op = TCP_AUTHOPT_CMD_KEY_NTF + 1,
	.mcgrps = tcp_authopt_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcp_authopt_nl_mcgrps),
};

/* Whether the family is registered; notifications are sent only then. */
static DECLARE_RWSEM(tcp_authopt_nl_sem);
static bool tcp_authopt_nl_up;

/* A missing attribute: point at it and say which. */
#define TCP_AUTHOPT_NL_REQUIRE(info, attr, name) ({			\
	struct genl_info *__info = (info);				\
	int __attr = (attr);						\
	bool __missing = !__info->attrs[__attr];			\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__info->extack, NULL, __attr);	\
		NL_SET_ERR_MSG(__info->extack, name " is required");	\
	}								\
	__missing;							\
})

static int tcp_authopt_nl_put_time(struct sk_buff *skb, int attr, time64_t t,
				   time64_t unbounded)
{
	if (t == unbounded)
		return 0;
	return nla_put_u64_64bit(skb, attr, t, TCP_AUTHOPT_ATTR_PAD);
}

static int tcp_authopt_nl_put_key(struct sk_buff *skb,
				  const struct tcp_authopt_nskey *key)
{
	const struct tcp_authopt_nskey_id *id = &key->id;

	if (nla_put_u8(skb, TCP_AUTHOPT_ATTR_SEND_ID, key->sndid) ||
	    nla_put_u8(skb, TCP_AUTHOPT_ATTR_RECV_ID, key->rcvid) ||
	    nla_put_string(skb, TCP_AUTHOPT_ATTR_ALG, key->alg->name) ||
	    nla_put_u8(skb, TCP_AUTHOPT_ATTR_MACLEN, key->maclen) ||
	    nla_put_u8(skb, TCP_AUTHOPT_ATTR_PREFIX_LEN, id->prefix) ||
	    nla_put_u32(skb, TCP_AUTHOPT_ATTR_FLAGS, key->flags))
		return -EMSGSIZE;
	if (id->family == AF_INET) {
		if (nla_put_in_addr(skb, TCP_AUTHOPT_ATTR_PEER_IPV4, id->addr[0]))
			return -EMSGSIZE;
	} else if (nla_put(skb, TCP_AUTHOPT_ATTR_PEER_IPV6, sizeof(id->addr),
			   id->addr)) {
		return -EMSGSIZE;
	}
	if ((key->peer_port &&
	     nla_put_be16(skb, TCP_AUTHOPT_ATTR_PEER_PORT, key->peer_port)) ||
	    (key->local_port &&
	     nla_put_be16(skb, TCP_AUTHOPT_ATTR_LOCAL_PORT, key->local_port)) ||
	    (key->l3index &&
	     nla_put_u32(skb, TCP_AUTHOPT_ATTR_L3INDEX, key->l3index)))
		return -EMSGSIZE;
	if (tcp_authopt_nl_put_time(skb, TCP_AUTHOPT_ATTR_SEND_START,
				    key->send_start, 0) ||
	    tcp_authopt_nl_put_time(skb, TCP_AUTHOPT_ATTR_SEND_END,
				    key->send_end, TIME64_MAX) ||
	    tcp_authopt_nl_put_time(skb, TCP_AUTHOPT_ATTR_ACCEPT_START,
				    key->accept_start, 0) ||
	    tcp_authopt_nl_put_time(skb, TCP_AUTHOPT_ATTR_ACCEPT_END,
				    key->accept_end, TIME64_MAX))
		return -EMSGSIZE;
	return 0;
}

/* One message describing @key; @event < 0 for none, @cb for dumps. */
static int tcp_authopt_nl_fill(struct sk_buff *skb,
			       const struct tcp_authopt_nskey *key, u32 portid,
			       u32 seq, int flags, u8 cmd, int event, u8 state,
			       struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &tcp_authopt_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (tcp_authopt_nl_put_key(skb, key) ||
	    nla_put_u32(skb, TCP_AUTHOPT_ATTR_STATE, state) ||
	    (event >= 0 && nla_put_u32(skb, TCP_AUTHOPT_ATTR_EVENT, event))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * tcp_authopt_nl_notify() - tell the monitor group about a key
 * @net: the key's namespace
 * @key: the key; its state field is reported
 * @event: TCP_AUTHOPT_EVENT_*
 *
 * Context: process context.
 */
void tcp_authopt_nl_notify(struct net *net, const struct tcp_authopt_nskey *key,
			   u32 event)
{
	struct sk_buff *skb;

	down_read(&tcp_authopt_nl_sem);
	if (!tcp_authopt_nl_up ||
	    !genl_has_listeners(&tcp_authopt_nl_family, net,
				TCP_AUTHOPT_NLGRP_MONITOR))
		goto out;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		goto out;
	if (tcp_authopt_nl_fill(skb, key, 0, 0, 0, TCP_AUTHOPT_CMD_KEY_NTF,
				event, key->state, NULL)) {
		nlmsg_free(skb);
		goto out;
	}
	genlmsg_multicast_netns(&tcp_authopt_nl_family, net, skb, 0,
				TCP_AUTHOPT_NLGRP_MONITOR, GFP_KERNEL);
out:
	up_read(&tcp_authopt_nl_sem);
}

/* Peer address and prefix length: exactly one of the two addresses. */
static int tcp_authopt_nl_parse_peer(struct genl_info *info,
				     struct tcp_authopt_nskey_id *id)
{
	struct nlattr *v4 = info->attrs[TCP_AUTHOPT_ATTR_PEER_IPV4];
	struct nlattr *v6 = info->attrs[TCP_AUTHOPT_ATTR_PEER_IPV6];
	struct nlattr *plen = info->attrs[TCP_AUTHOPT_ATTR_PREFIX_LEN];
	unsigned int max;

	memset(id, 0, sizeof(*id));
	if (!v4 && !v6) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, TCP_AUTHOPT_ATTR_PEER_IPV4);
		NL_SET_ERR_MSG(info->extack, "peer-ipv4 or peer-ipv6 is required");
		return -EINVAL;
	}
	if (v4 && v6) {
		NL_SET_ERR_MSG_ATTR(info->extack, v6,
				    "peer-ipv4 and peer-ipv6 are exclusive");
		return -EINVAL;
	}
	if (v4) {
		id->family = AF_INET;
		id->addr[0] = nla_get_in_addr(v4);
		max = 32;
	} else {
		id->family = AF_INET6;
		nla_memcpy(id->addr, v6, sizeof(id->addr));
		max = 128;
	}
	if (!plen) {
		id->prefix = max;
		return 0;
	}
	if (nla_get_u8(plen) > max) {
		NL_SET_ERR_MSG_ATTR(info->extack, plen,
				    "prefix-len longer than the peer address");
		return -EINVAL;
	}
	if (tcp_authopt_nskey_id_prefix(id, nla_get_u8(plen))) {
		NL_SET_ERR_MSG_ATTR(info->extack, plen,
				    "peer address has bits set beyond prefix-len");
		return -EINVAL;
	}
	return 0;
}

static int tcp_authopt_nl_parse_l3index(struct genl_info *info, int *l3index)
{
	struct nlattr *attr = info->attrs[TCP_AUTHOPT_ATTR_L3INDEX];
	struct net_device *dev;
	int err = 0;
	u32 index;

	*l3index = 0;
	if (!attr)
		return 0;
	index = nla_get_u32(attr);
	if (!index)
		return 0;
	if (index > INT_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "l3index out of range");
		return -EINVAL;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(genl_info_net(info), index);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no device with this l3index");
		err = -ENODEV;
	} else if (!netif_is_l3_master(dev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "l3index is not an L3 master device (VRF)");
		err = -EINVAL;
	}
	rcu_read_unlock();
	*l3index = index;
	return err;
}

/* The fields that identify a key: prefix, l3index, send-id, recv-id. */
static int tcp_authopt_nl_parse_id(struct genl_info *info,
				   struct tcp_authopt_nskey_id *id, int *l3index,
				   u8 *sndid, u8 *rcvid)
{
	int err;

	if (TCP_AUTHOPT_NL_REQUIRE(info, TCP_AUTHOPT_ATTR_SEND_ID, "send-id") ||
	    TCP_AUTHOPT_NL_REQUIRE(info, TCP_AUTHOPT_ATTR_RECV_ID, "recv-id"))
		return -EINVAL;
	*sndid = nla_get_u8(info->attrs[TCP_AUTHOPT_ATTR_SEND_ID]);
	*rcvid = nla_get_u8(info->attrs[TCP_AUTHOPT_ATTR_RECV_ID]);
	err = tcp_authopt_nl_parse_peer(info, id);
	if (err)
		return err;
	return tcp_authopt_nl_parse_l3index(info, l3index);
}

static int tcp_authopt_nl_parse_time(struct genl_info *info, int attr,
				     time64_t *t)
{
	struct nlattr *a = info->attrs[attr];

	if (!a)
		return 0;
	if (nla_get_u64(a) > TIME64_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "time out of range");
		return -EINVAL;
	}
	*t = nla_get_u64(a);
	return 0;
}

static int tcp_authopt_nl_parse_lifetimes(struct genl_info *info,
					  struct tcp_authopt_nskey *key)
{
	int err;

	err = tcp_authopt_nl_parse_time(info, TCP_AUTHOPT_ATTR_SEND_START,
					&key->send_start) ?:
	      tcp_authopt_nl_parse_time(info, TCP_AUTHOPT_ATTR_SEND_END,
					&key->send_end) ?:
	      tcp_authopt_nl_parse_time(info, TCP_AUTHOPT_ATTR_ACCEPT_START,
					&key->accept_start) ?:
	      tcp_authopt_nl_parse_time(info, TCP_AUTHOPT_ATTR_ACCEPT_END,
					&key->accept_end);
	if (err)
		return err;
	if (key->send_end <= key->send_start) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[TCP_AUTHOPT_ATTR_SEND_END],
				    "send-end is not after send-start");
		return -EINVAL;
	}
	if (key->accept_end <= key->accept_start) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[TCP_AUTHOPT_ATTR_ACCEPT_END],
				    "accept-end is not after accept-start");
		return -EINVAL;
	}
	return 0;
}

static bool tcp_authopt_nl_alg_standard(const char *name)
{
	return !strcmp(name, "hmac(sha1)") || !strcmp(name, "cmac(aes)");
}

/* Algorithm, MAC length and key bytes, by the rules of TCP_AO_ADD_KEY. */
static int tcp_authopt_nl_parse_crypto(struct genl_info *info,
				       struct tcp_authopt_nskey *key)
{
	struct nlattr *alg = info->attrs[TCP_AUTHOPT_ATTR_ALG];
	struct nlattr *mac = info->attrs[TCP_AUTHOPT_ATTR_MACLEN];
	struct nlattr *k = info->attrs[TCP_AUTHOPT_ATTR_KEY];
	struct netlink_ext_ack *extack = info->extack;
	char name[TCP_AUTHOPT_ALG_NAME_MAX];
	bool reduce = false;
	int err;

	if (TCP_AUTHOPT_NL_REQUIRE(info, TCP_AUTHOPT_ATTR_ALG, "alg") ||
	    TCP_AUTHOPT_NL_REQUIRE(info, TCP_AUTHOPT_ATTR_KEY, "key"))
		return -EINVAL;
	if (!nla_len(k) || nla_len(k) > TCP_AUTHOPT_MAX_KEYLEN) {
		NL_SET_ERR_MSG_ATTR(extack, k, "key must be 1 to 80 bytes");
		return -EINVAL;
	}
	nla_strscpy(name, alg, sizeof(name));
	strscpy(name, tcp_authopt_alg_alias(name, nla_len(k), &reduce), sizeof(name));
	if (!mac && !tcp_authopt_nl_alg_standard(name)) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, TCP_AUTHOPT_ATTR_MACLEN);
		NL_SET_ERR_MSG(extack, "maclen is required for this algorithm");
		return -EINVAL;
	}
	key->alg = tcp_authopt_alg_get(name);
	if (IS_ERR(key->alg)) {
		err = PTR_ERR(key->alg);
		key->alg = NULL;
		NL_SET_ERR_MSG_ATTR(extack, alg, "unknown algorithm");
		return err;
	}
	key->maclen = mac ? nla_get_u8(mac) : TCP_AUTHOPT_DEFAULT_MACLEN;
	if (key->maclen > key->alg->digest_size) {
		NL_SET_ERR_MSG_ATTR(extack, mac, "maclen longer than the algorithm's MAC");
		return -EINVAL;
	}
	if (ALIGN(TCP_AUTHOPT_OPT_HDR_LEN + key->maclen, 4) >
	    TCP_AUTHOPT_SYN_SPACE) {
		NL_SET_ERR_MSG_ATTR(extack, mac, "maclen does not fit in a SYN");
		return -EMSGSIZE;
	}
	key->keylen = nla_len(k);
	memcpy(key->key, nla_data(k), key->keylen);
	if (reduce) {
		err = tcp_authopt_cmac_reduce(key->alg, key->key, key->keylen,
					      key->key);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, k, "key reduction failed");
			return err;
		}
		key->keylen = TCP_AUTHOPT_CMAC_KEYLEN;
	}
	err = tcp_authopt_alg_check_key(key->alg, key->key, key->keylen);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, k, "key refused by the algorithm");
		return err;
	}
	return 0;
}

static int tcp_authopt_nl_parse_key(struct genl_info *info,
				    struct tcp_authopt_nskey *key)
{
	struct nlattr **attrs = info->attrs;
	int err;

	err = tcp_authopt_nl_parse_id(info, &key->id, &key->l3index,
				      &key->sndid, &key->rcvid);
	if (err)
		return err;
	if (attrs[TCP_AUTHOPT_ATTR_PEER_PORT])
		key->peer_port = nla_get_be16(attrs[TCP_AUTHOPT_ATTR_PEER_PORT]);
	if (attrs[TCP_AUTHOPT_ATTR_LOCAL_PORT])
		key->local_port = nla_get_be16(attrs[TCP_AUTHOPT_ATTR_LOCAL_PORT]);
	if (attrs[TCP_AUTHOPT_ATTR_FLAGS])
		key->flags = nla_get_u32(attrs[TCP_AUTHOPT_ATTR_FLAGS]);
	return tcp_authopt_nl_parse_lifetimes(info, key) ?:
	       tcp_authopt_nl_parse_crypto(info, key);
}

/* Count a refused request; pass its error on. */
static int tcp_authopt_nl_reject(struct genl_info *info, int err)
{
	if (err)
		tcp_authopt_inc_stats(genl_info_net(info),
				      TCP_AUTHOPT_MIB_KEY_REQ_REJECTED);
	return err;
}

int tcp_authopt_nl_key_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *k = info->attrs[TCP_AUTHOPT_ATTR_KEY];
	struct tcp_authopt_nskey *key;
	int err;

	key = tcp_authopt_nskey_alloc();
	if (!key) {
		err = -ENOMEM;
		goto out;
	}
	err = tcp_authopt_nl_parse_key(info, key);
	if (!err) {
		err = tcp_authopt_nskey_insert(genl_info_net(info), key);
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[TCP_AUTHOPT_ATTR_SEND_ID],
					    "a key with this peer, l3index, send-id and recv-id exists");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "too many keys in this namespace");
	}
	if (err)
		tcp_authopt_nskey_free_new(key);
out:
	/* The request's copy of the key bytes goes too. */
	if (k)
		memzero_explicit(nla_data(k), nla_len(k));
	return tcp_authopt_nl_reject(info, err);
}

int tcp_authopt_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcp_authopt_nskey_id id;
	u8 sndid, rcvid;
	int l3index;
	int err;

	err = tcp_authopt_nl_parse_id(info, &id, &l3index, &sndid, &rcvid);
	if (!err) {
		err = tcp_authopt_nskey_delete(genl_info_net(info), &id, l3index,
					       sndid, rcvid);
		if (err)
			NL_SET_ERR_MSG(info->extack, "no such key");
	}
	return tcp_authopt_nl_reject(info, err);
}

int tcp_authopt_nl_key_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcp_authopt_nskey *key;
	struct tcp_authopt_nskey_id id;
	struct sk_buff *msg;
	u8 sndid, rcvid;
	int l3index;
	int err;

	err = tcp_authopt_nl_parse_id(info, &id, &l3index, &sndid, &rcvid);
	if (err)
		return tcp_authopt_nl_reject(info, err);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	tcp_authopt_nskey_lock(net);
	key = tcp_authopt_nskey_find(net, &id, l3index, sndid, rcvid);
	if (key)
		err = tcp_authopt_nl_fill(msg, key, info->snd_portid,
					  info->snd_seq, 0,
					  TCP_AUTHOPT_CMD_KEY_GET, -1,
					  tcp_authopt_nskey_state(key,
								  ktime_get_real_seconds()),
					  NULL);
	tcp_authopt_nskey_unlock(net);
	if (!key) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "no such key");
		return tcp_authopt_nl_reject(info, -ENOENT);
	}
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: keys already dumped. */
int tcp_authopt_nl_key_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	time64_t now = ktime_get_real_seconds();
	struct tcp_authopt_nskey *key;
	long idx = 0;
	int err = 0;

	tcp_authopt_nskey_lock(net);
	cb->seq = tcp_authopt_nskey_generation(net);
	list_for_each_entry(key, tcp_authopt_nskey_list(net), list) {
		if (idx++ < cb->args[0])
			continue;
		err = tcp_authopt_nl_fill(skb, key, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  TCP_AUTHOPT_CMD_KEY_GET, -1,
					  tcp_authopt_nskey_state(key, now), cb);
		if (err)
			break;
		cb->args[0]++;
	}
	tcp_authopt_nskey_unlock(net);
	/* A full skb ends this round; the next one continues. */
	return err == -EMSGSIZE && skb->len ? skb->len : err ?: skb->len;
}

int __init tcp_authopt_nl_init(void)
{
	int err;

	err = genl_register_family(&tcp_authopt_nl_family);
	if (err)
		return err;
	down_write(&tcp_authopt_nl_sem);
	tcp_authopt_nl_up = true;
	up_write(&tcp_authopt_nl_sem);
	return 0;
}

void tcp_authopt_nl_exit(void)
{
	down_write(&tcp_authopt_nl_sem);
	tcp_authopt_nl_up = false;
	up_write(&tcp_authopt_nl_sem);
	genl_unregister_family(&tcp_authopt_nl_family);
}
