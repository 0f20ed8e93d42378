// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 9235 test vectors, run against the crypto core at load time (module
 * parameter selftest=1) and on demand in the writer's network namespace by
 * writing to /sys/kernel/debug/tcp_authopt/selftest.
 *
 * Each vector is a whole IP packet as published: addresses, ports and ISNs
 * come from the packet (a SYN has no peer ISN, a SYN-ACK acknowledges its
 * peer's), the traffic key is derived, the MAC computed and both compared
 * with the values the RFC publishes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/debugfs.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/nsproxy.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "crypto.h"
#include "option.h"
#include "protocol.h"
#include "selftest.h"
#include "stat.h"

/**
 * struct tcp_authopt_vector - one packet of RFC 9235
 * @name: section of the RFC and what the packet is
 * @alg: crypto API name of the algorithm
 * @exclude_opts: the scenario excludes TCP options from the MAC
 * @sisn: ISN of the packet's sender (used for segments without SYN)
 * @disn: ISN of the packet's receiver (used for segments without SYN)
 * @traffic_key: published traffic key
 * @mac: published MAC
 * @packet: the whole IP packet
 * @len: its length
 */
struct tcp_authopt_vector {
	const char *name;
	const char *alg;
	bool exclude_opts;
	u32 sisn;
	u32 disn;
	const u8 *traffic_key;
	const u8 *mac;
	const u8 *packet;
	unsigned int len;
};

#include "selftest_vectors.h"

static const u8 tcp_authopt_vector_master_key[] = "testvector";

static struct sk_buff *tcp_authopt_vector_skb(const struct tcp_authopt_vector *v)
{
	struct sk_buff *skb;
	unsigned int thoff;

	skb = alloc_skb(v->len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_put_data(skb, v->packet, v->len);
	skb_reset_network_header(skb);
	if (ip_hdr(skb)->version == 4)
		thoff = ip_hdr(skb)->ihl * 4;
	else
		thoff = sizeof(struct ipv6hdr);
	skb_set_transport_header(skb, thoff);
	return skb;
}

static int tcp_authopt_vector_mac(const struct tcp_authopt_vector *v,
				  const struct tcp_authopt_mac_params *p,
				  struct sk_buff *skb, const char *how)
{
	u8 mac[TCP_AUTHOPT_MAX_MACLEN];
	int err;

	err = tcp_authopt_mac_skb(p, skb, mac);
	if (err) {
		pr_err("RFC 9235 %s: MAC computation failed%s: %d\n", v->name, how, err);
		return err;
	}
	if (crypto_memneq(mac, v->mac, p->maclen)) {
		pr_err("RFC 9235 %s: wrong MAC%s\n", v->name, how);
		return -EBADMSG;
	}
	return 0;
}

static int tcp_authopt_vector_run(const struct tcp_authopt_vector *v,
				  struct sk_buff *skb,
				  struct tcp_authopt_alg *alg)
{
	struct tcp_authopt_mac_params p = {
		.alg = alg,
		.exclude_opts = v->exclude_opts,
		.maclen = TCP_AUTHOPT_DEFAULT_MACLEN,
	};
	u8 traffic_key[HASH_MAX_DIGESTSIZE], *prep;
	u8 ctx[TCP_AUTHOPT_MAX_CONTEXT_LEN];
	const struct tcphdr *th = tcp_hdr(skb);
	u32 sisn = v->sisn, disn = v->disn;
	unsigned int ctxlen;
	int err;

	if (th->syn) {
		sisn = ntohl(th->seq);
		disn = th->ack ? ntohl(th->ack_seq) - 1 : 0;
	}
	ctxlen = tcp_authopt_kdf_context(ctx, skb, sisn, disn);
	err = tcp_authopt_kdf(alg, tcp_authopt_vector_master_key,
			      sizeof(tcp_authopt_vector_master_key) - 1,
			      ctx, ctxlen, traffic_key);
	if (err) {
		pr_err("RFC 9235 %s: key derivation failed: %d\n", v->name, err);
		return err;
	}
	if (crypto_memneq(traffic_key, v->traffic_key, alg->digest_size)) {
		pr_err("RFC 9235 %s: wrong traffic key\n", v->name);
		err = -EBADMSG;
		goto out;
	}

	p.traffic_key = traffic_key;
	err = tcp_authopt_vector_mac(v, &p, skb, "");
	/* The same MAC from the traffic key prepared as connections use it */
	if (!err && alg->prep_size) {
		prep = kzalloc(alg->prep_size, GFP_KERNEL);
		err = prep ? tcp_authopt_hmac_prepare(alg, traffic_key, prep) : -ENOMEM;
		p.prep = prep;
		if (!err)
			err = tcp_authopt_vector_mac(v, &p, skb, " (prepared key)");
		kfree_sensitive(prep);
	}
out:
	memzero_explicit(traffic_key, sizeof(traffic_key));
	return err;
}

static int tcp_authopt_vector_check(const struct tcp_authopt_vector *v)
{
	struct tcp_authopt_alg *alg;
	struct sk_buff *skb;
	int err;

	alg = tcp_authopt_alg_get(v->alg);
	if (IS_ERR(alg)) {
		pr_err("RFC 9235 %s: no %s: %ld\n", v->name, v->alg, PTR_ERR(alg));
		return PTR_ERR(alg);
	}
	skb = tcp_authopt_vector_skb(v);
	if (skb) {
		err = tcp_authopt_vector_run(v, skb, alg);
		kfree_skb(skb);
	} else {
		err = -ENOMEM;
	}
	return err;
}

/**
 * tcp_authopt_selftest() - run every RFC 9235 vector
 * @net: namespace whose TCPAOSelfTestPass/Fail counters are incremented
 *
 * Context: process context, may sleep.
 * Return: 0 when every vector passed, else the first error.
 */
int tcp_authopt_selftest(struct net *net)
{
	unsigned int i, passed = 0, n = ARRAY_SIZE(tcp_authopt_vectors);
	int err, ret = 0;

	for (i = 0; i < n; i++) {
		err = tcp_authopt_vector_check(&tcp_authopt_vectors[i]);
		if (err) {
			tcp_authopt_inc_stats(net, TCP_AUTHOPT_MIB_SELFTEST_FAIL);
			ret = ret ?: err;
			continue;
		}
		tcp_authopt_inc_stats(net, TCP_AUTHOPT_MIB_SELFTEST_PASS);
		passed++;
	}
	if (ret) {
		pr_err("RFC 9235 self-tests: %u of %u vectors FAIL\n",
		       n - passed, n);
		return ret;
	}
	pr_info("RFC 9235 self-tests: %u vectors pass\n", passed);
	return 0;
}

static struct dentry *tcp_authopt_debugfs;

static ssize_t tcp_authopt_selftest_write(struct file *file,
					  const char __user *buf,
					  size_t count, loff_t *ppos)
{
	int err;

	err = tcp_authopt_selftest(current->nsproxy->net_ns);
	return err ? err : count;
}

static const struct file_operations tcp_authopt_selftest_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = tcp_authopt_selftest_write,
	.llseek = noop_llseek,
};

void tcp_authopt_selftest_debugfs_init(void)
{
	tcp_authopt_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("selftest", 0200, tcp_authopt_debugfs, NULL,
			    &tcp_authopt_selftest_fops);
}

void tcp_authopt_selftest_debugfs_exit(void)
{
	debugfs_remove_recursive(tcp_authopt_debugfs);
}
