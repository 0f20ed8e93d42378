// SPDX-License-Identifier: GPL-2.0
/*
 * Verification on input (RFC 5925 section 7.3), and ICMP filtering (section
 * 7.8). At LOCAL_IN, before TCP
 * sees a segment, its socket is looked up; when the socket (or, for a
 * handshake, its listener) has a key for the peer, the segment must carry
 * TCP-AO with a known KeyID and a MAC that verifies, or it is dropped and
 * counted. Segments without TCP-AO from peers without keys pass untouched.
 *
 * A segment that carries TCP-AO is verified or dropped, as upstream does:
 * one for a socket with no key for its KeyID (or no TCP-AO at all) counts
 * as TCPAOKeyNotFound; one for no socket is dropped too, so TCP does not
 * answer it with an unsigned RST: the ISNs a MAC would need are unknown
 * (RFC 5925 section 7.7). Upstream counts that drop in no TCP-AO counter
 * (a late segment of a closed connection is routine), so it is counted
 * apart, as TCPAONoSocket.
 */

#include <crypto/algapi.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "chain.h"
#include "datapath.h"
#include "handshake.h"
#include "option.h"
#include "stat.h"
#include "trace.h"

/**
 * struct tcp_authopt_rx - one received segment being verified
 * @net: its namespace
 * @skb: the packet
 * @th: its TCP header (linear)
 * @opt: its TCP-AO option, when @has_opt
 * @has_opt: the segment carries TCP-AO
 * @peer: its source address
 * @l3index: L3 master device it arrived on
 * @sk: the socket it belongs to (full, request or listening)
 * @refcounted: @sk holds a reference to drop
 */
struct tcp_authopt_rx {
	struct net *net;
	struct sk_buff *skb;
	const struct tcphdr *th;
	struct tcp_authopt_opt opt;
	bool has_opt;
	struct sockaddr_storage peer;
	int l3index;
	struct sock *sk;
	bool refcounted;
};

static void tcp_authopt_rx_lookup(struct tcp_authopt_rx *rx)
{
	struct inet_hashinfo *hinfo = rx->net->ipv4.tcp_death_row.hashinfo;
	struct sk_buff *skb = rx->skb;
	const struct tcphdr *th = rx->th;
	int doff = th->doff * 4;

	if (skb->sk) {
		rx->sk = skb->sk;
		return;
	}
	rx->refcounted = true;
	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		rx->sk = __inet_lookup_established(rx->net, hinfo, iph->saddr,
						   th->source, iph->daddr,
						   ntohs(th->dest), inet_iif(skb),
						   inet_sdif(skb));
		if (rx->sk)
			return;
		rx->refcounted = false;
		rx->sk = __inet_lookup_listener(rx->net, hinfo, skb, doff,
						iph->saddr, th->source,
						iph->daddr, ntohs(th->dest),
						inet_iif(skb), inet_sdif(skb));
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	rx->sk = __inet6_lookup_established(rx->net, hinfo,
					    &ipv6_hdr(skb)->saddr, th->source,
					    &ipv6_hdr(skb)->daddr,
					    ntohs(th->dest), inet6_iif(skb),
					    inet6_sdif(skb));
	if (rx->sk)
		return;
	rx->refcounted = false;
	rx->sk = inet6_lookup_listener(rx->net, hinfo, skb, doff,
				       &ipv6_hdr(skb)->saddr, th->source,
				       &ipv6_hdr(skb)->daddr, ntohs(th->dest),
				       inet6_iif(skb), inet6_sdif(skb));
#endif
}

static void tcp_authopt_rx_drop(struct tcp_authopt_rx *rx,
				struct tcp_authopt_info *info,
				enum tcp_authopt_mib_field mib,
				enum tcp_authopt_info_counter cnt)
{
	tcp_authopt_inc_stats(rx->net, mib);
	tcp_authopt_info_inc(info, cnt);
}

/*
 * Fire trace event @tp for the segment, with the socket upstream's TCP
 * passes: the listener for a request socket.
 */
static void tcp_authopt_rx_trace(struct tcp_authopt_rx *rx,
				 enum tcp_authopt_tp tp, u8 keyid)
{
	const struct sock *sk = rx->sk;
	unsigned int thoff = (const u8 *)rx->th - rx->skb->data;

	if (sk->sk_state == TCP_NEW_SYN_RECV)
		sk = inet_reqsk((struct sock *)sk)->rsk_listener;
	if (tp == TCP_AUTHOPT_TP_AO_REQUIRED) {
		tcp_authopt_trace_ao_required(sk, rx->skb, thoff);
		return;
	}
	tcp_authopt_trace_seg(tp, sk, rx->skb, thoff, keyid,
			      rx->opt.rnextkeyid,
			      rx->opt.len - TCP_AUTHOPT_OPT_HDR_LEN);
}

/* Traffic key for a segment of the handshake, from the ISNs it implies. */
static int tcp_authopt_rx_handshake_key(struct tcp_authopt_rx *rx,
					struct tcp_authopt_key *key,
					struct request_sock *req, u8 *out)
{
	const struct tcphdr *th = rx->th;
	u8 ctx[TCP_AUTHOPT_MAX_CONTEXT_LEN];
	u32 sisn, disn;
	unsigned int len;

	if (req && !th->syn) {
		sisn = tcp_rsk(req)->rcv_isn;
		disn = tcp_rsk(req)->snt_isn;
	} else if (th->syn) {
		sisn = ntohl(th->seq);
		disn = th->ack ? ntohl(th->ack_seq) - 1 : 0;
	} else {
		/* An ACK to a listener: SYN cookies; both ISNs precede it. */
		sisn = ntohl(th->seq) - 1;
		disn = ntohl(th->ack_seq) - 1;
	}
	len = tcp_authopt_kdf_context(ctx, rx->skb, sisn, disn);
	return tcp_authopt_kdf(key->alg, key->key, key->keylen, ctx, len, out);
}

/* The peer asks for another key with RNextKeyID: send with it from now. */
static void tcp_authopt_rx_rnext(struct tcp_authopt_rx *rx,
				 struct tcp_authopt_info *info)
{
	struct tcp_authopt_key *cur = rcu_dereference(info->current_key);
	struct tcp_authopt_key *key;

	if (cur && cur->sndid == rx->opt.rnextkeyid)
		return;
	if (cur)
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_RNEXT_REQUEST, cur->sndid);
	if (READ_ONCE(info->ns_managed)) {
		tcp_authopt_chain_follow(info, rx->opt.rnextkeyid,
					 (struct sockaddr *)&rx->peer, rx->l3index);
		return;
	}
	hlist_for_each_entry_rcu(key, &info->keys, node) {
		if (key->sndid == rx->opt.rnextkeyid &&
		    tcp_authopt_key_match_addr(key, (struct sockaddr *)&rx->peer,
					       rx->l3index)) {
			rcu_assign_pointer(info->current_key, key);
			return;
		}
	}
}

/* Verify against @key; return true when the MAC is right. */
static bool tcp_authopt_rx_verify(struct tcp_authopt_rx *rx,
				  struct tcp_authopt_info *info,
				  struct tcp_authopt_key *key,
				  struct request_sock *req, bool full)
{
	struct tcp_authopt_mac_params p = {
		.alg = key->alg,
		.exclude_opts = key->keyflags & TCP_AO_KEYF_EXCLUDE_OPT,
		.maclen = key->maclen,
	};
	u8 tkey[HASH_MAX_DIGESTSIZE], mac[TCP_AUTHOPT_MAX_MACLEN];
	const u8 *wire = (const u8 *)rx->th + rx->opt.offset +
			 TCP_AUTHOPT_OPT_HDR_LEN;
	u32 seq = ntohl(rx->th->seq), snd_isn, rcv_isn;
	bool ok = false;

	if (rx->opt.len != TCP_AUTHOPT_OPT_HDR_LEN + key->maclen) {
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_WRONG_MACLEN,
				     rx->opt.keyid);
		return false;
	}
	if (!full || rx->th->syn) {
		if (tcp_authopt_rx_handshake_key(rx, key, req, tkey))
			goto out;
		p.traffic_key = tkey;
	} else {
		if (!tcp_authopt_isns_known(info)) {
			tcp_authopt_sk_isns(rx->sk, &snd_isn, &rcv_isn, false);
			tcp_authopt_info_set_isns(info, snd_isn, rcv_isn, false);
		}
		spin_lock_bh(&info->lock);
		p.sne = tcp_authopt_sne_of(&info->rcv_sne, seq);
		spin_unlock_bh(&info->lock);
		p.traffic_key = tcp_authopt_tk(key, false);
		p.prep = tcp_authopt_key_prep(key, false);
	}
	if (tcp_authopt_mac_skb(&p, rx->skb, mac))
		goto out;
	ok = !crypto_memneq(mac, wire, key->maclen);
	if (!ok)
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_MISMATCH, rx->opt.keyid);
	if (ok && full && !rx->th->syn) {
		bool wrapped;

		spin_lock_bh(&info->lock);
		wrapped = tcp_authopt_sne_update(&info->rcv_sne, seq, p.sne);
		spin_unlock_bh(&info->lock);
		if (wrapped && sk_fullsock(rx->sk))
			tcp_authopt_trace_sne(TCP_AUTHOPT_TP_RCV_SNE, rx->sk,
					      p.sne);
	}
out:
	memzero_explicit(tkey, sizeof(tkey));
	return ok;
}

/* A listener's handshake went one step further: note what it needs. */
static void tcp_authopt_rx_handshake_done(struct tcp_authopt_rx *rx,
					  struct tcp_authopt_info *linfo,
					  struct request_sock *req)
{
	const struct tcphdr *th = rx->th;

	if (th->syn && !th->ack) {
		tcp_authopt_hs_note_syn(rx->net, rx->skb, rx->opt.keyid,
					rx->opt.rnextkeyid);
	} else if (req && th->ack) {
		tcp_authopt_hs_complete(rx->net, rx->skb, linfo, rx->l3index,
					tcp_rsk(req)->snt_isn,
					tcp_rsk(req)->rcv_isn, rx->opt.keyid,
					rx->opt.rnextkeyid);
	} else if (th->ack && !th->syn && !th->rst) {
		/* SYN cookie: the ACK acknowledges ISN + 1 of each side. */
		tcp_authopt_hs_complete(rx->net, rx->skb, linfo, rx->l3index,
					ntohl(th->ack_seq) - 1, ntohl(th->seq) - 1,
					rx->opt.keyid, rx->opt.rnextkeyid);
	}
}

static unsigned int tcp_authopt_rx_check_info(struct tcp_authopt_rx *rx,
					      struct tcp_authopt_info *info,
					      struct request_sock *req,
					      bool full, bool timewait)
{
	struct tcp_authopt_key *key;
	struct sock *sk = rx->sk;

	if (!info) {
		if (!rx->has_opt)
			return NF_ACCEPT;
		tcp_authopt_inc_stats(rx->net, TCP_AUTHOPT_MIB_KEY_NOT_FOUND);
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_KEY_NOT_FOUND,
				     rx->opt.keyid);
		return NF_DROP;
	}

	/*
	 * A TCP-MD5 segment without TCP-AO goes to TCP's own MD5 check, as
	 * upstream does: verified with an MD5 key for the peer, otherwise
	 * dropped and counted as TCPMD5Unexpected.
	 */
	if (!rx->has_opt && tcp_authopt_has_md5((const u8 *)rx->th, rx->th->doff * 4))
		return NF_ACCEPT;
	if (!rx->has_opt &&
	    !tcp_authopt_peer_has_keys(info, (struct sockaddr *)&rx->peer,
				       rx->l3index)) {
		if (!info->ao_required)
			return NF_ACCEPT;
		tcp_authopt_rx_drop(rx, info, TCP_AUTHOPT_MIB_REQUIRED,
				    TCP_AUTHOPT_CNT_REQUIRED);
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_AO_REQUIRED, 0);
		return NF_DROP;
	}
	if (!rx->has_opt) {
		tcp_authopt_rx_drop(rx, info, TCP_AUTHOPT_MIB_REQUIRED,
				    TCP_AUTHOPT_CNT_REQUIRED);
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_AO_REQUIRED, 0);
		return NF_DROP;
	}
	key = tcp_authopt_key_find_peer(info, (struct sockaddr *)&rx->peer,
					rx->l3index, rx->opt.keyid);
	if (!key || !tcp_authopt_key_accept_ok(key, ktime_get_real_seconds())) {
		tcp_authopt_rx_drop(rx, info, TCP_AUTHOPT_MIB_KEY_NOT_FOUND,
				    TCP_AUTHOPT_CNT_KEY_NOT_FOUND);
		tcp_authopt_rx_trace(rx, TCP_AUTHOPT_TP_KEY_NOT_FOUND,
				     rx->opt.keyid);
		return NF_DROP;
	}
	if (!tcp_authopt_rx_verify(rx, info, key, req, full || timewait)) {
		atomic64_inc(&key->pkt_bad);
		tcp_authopt_rx_drop(rx, info, TCP_AUTHOPT_MIB_BAD,
				    TCP_AUTHOPT_CNT_BAD);
		return NF_DROP;
	}
	atomic64_inc(&key->pkt_good);
	tcp_authopt_inc_stats(rx->net, TCP_AUTHOPT_MIB_GOOD);
	tcp_authopt_info_inc(info, TCP_AUTHOPT_CNT_GOOD);
	if (!full && !timewait)
		tcp_authopt_rx_handshake_done(rx, info, req);
	/*
	 * A SYN reusing the tuple of a connection in TIME_WAIT goes on to
	 * the listener: its SYN-ACK needs this SYN's KeyIDs (the TIME_WAIT
	 * entry gives way to the new handshake's).
	 */
	if (timewait && rx->th->syn && !rx->th->ack)
		tcp_authopt_hs_note_syn(rx->net, rx->skb, rx->opt.keyid,
					rx->opt.rnextkeyid);
	if (full && rx->th->syn && rx->th->ack && sk->sk_state == TCP_SYN_SENT)
		tcp_authopt_info_set_isns(info, ntohl(rx->th->ack_seq) - 1,
					  ntohl(rx->th->seq), false);
	if (full)
		tcp_authopt_rx_rnext(rx, info);
	return NF_ACCEPT;
}

static unsigned int tcp_authopt_rx_check(struct tcp_authopt_rx *rx)
{
	struct tcp_authopt_info *info, *chain = NULL;
	struct request_sock *req = NULL;
	struct sock *sk = rx->sk;
	unsigned int ret;

	if (sk->sk_state == TCP_TIME_WAIT) {
		info = tcp_authopt_hs_timewait(rx->net, rx->skb, false);
		return tcp_authopt_rx_check_info(rx, info, NULL, false, true);
	}
	if (sk->sk_state != TCP_NEW_SYN_RECV && sk->sk_state != TCP_LISTEN) {
		info = tcp_authopt_sk_info(sk);
		if (info)
			tcp_authopt_chain_refresh(sk, info);
		return tcp_authopt_rx_check_info(rx, info, NULL, true, false);
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		req = inet_reqsk(sk);
		sk = req->rsk_listener;
	}
	info = tcp_authopt_chain_listener(sk, tcp_authopt_info_lookup(sk), rx->skb,
					  false, rx->l3index, &chain);
	ret = tcp_authopt_rx_check_info(rx, info, req, false, false);
	if (chain)
		tcp_authopt_info_free(chain);
	return ret;
}

/*
 * Linux 6.7 and later check a segment for a request socket in TCP itself
 * (tcp_inbound_hash()), and, built without TCP-AO as Debian's 6.12 is,
 * drop one whose TCP-AO option they see, as a failed handshake (TcpExt
 * TCPAOBad). Their option parser stops when fewer than 18 bytes of
 * options are left, so it sees the option when the MAC is 13 bytes or
 * longer (the padding counts), or when other options follow. The segment
 * is verified by now: TCP gets it with the option's kind changed to 253,
 * an experimental kind (RFC 4727) that it skips, and the checksum fixed
 * to match. Only segments for request sockets are changed.
 */
static void tcp_authopt_rx_hide(struct tcp_authopt_rx *rx, unsigned int thoff)
{
	unsigned int word = thoff + (rx->opt.offset & ~1U);
	struct sk_buff *skb = rx->skb;
	__be16 before, after;
	struct tcphdr *th;
	u8 *p;

	if (skb_ensure_writable(skb, word + sizeof(before)))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	p = skb->data + word;
	memcpy(&before, p, sizeof(before));
	p[rx->opt.offset & 1] = TCP_AUTHOPT_HIDDEN_KIND;
	memcpy(&after, p, sizeof(after));
	inet_proto_csum_replace2(&th->check, skb, before, after, false);
}

/*
 * RFC 5925 section 7.8: ICMP hard errors (IPv4 protocol, port unreachable
 * and fragmentation needed; IPv6 administratively prohibited and port
 * unreachable) for a TCP-AO connection are ignored, and counted, unless
 * its owner set accept_icmps. @inner is the offset of the quoted IP header.
 */
static unsigned int tcp_authopt_icmp(struct net *net, struct sk_buff *skb,
				     unsigned int inner)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	struct tcp_authopt_info *info;
	unsigned int ret = NF_ACCEPT, thoff;
	const struct tcphdr *th;
	struct sock *sk = NULL;

	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, inner + sizeof(*iph)))
			return NF_ACCEPT;
		iph = (const struct iphdr *)(skb->data + inner);
		thoff = inner + iph->ihl * 4;
		if (iph->protocol != IPPROTO_TCP || !pskb_may_pull(skb, thoff + 8))
			return NF_ACCEPT;
		iph = (const struct iphdr *)(skb->data + inner);
		th = (const struct tcphdr *)(skb->data + thoff);
		sk = __inet_lookup_established(net, hinfo, iph->daddr, th->dest,
					       iph->saddr, ntohs(th->source),
					       inet_iif(skb), inet_sdif(skb));
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		const struct ipv6hdr *ip6h;

		thoff = inner + sizeof(*ip6h);
		if (!pskb_may_pull(skb, thoff + 8))
			return NF_ACCEPT;
		ip6h = (const struct ipv6hdr *)(skb->data + inner);
		if (ip6h->nexthdr != IPPROTO_TCP)
			return NF_ACCEPT;
		th = (const struct tcphdr *)(skb->data + thoff);
		sk = __inet6_lookup_established(net, hinfo, &ip6h->daddr, th->dest,
						&ip6h->saddr, ntohs(th->source),
						inet6_iif(skb), inet6_sdif(skb));
#endif
	}
	if (!sk)
		return NF_ACCEPT;
	if (sk_fullsock(sk) &&
	    !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_LISTEN))) {
		info = tcp_authopt_info_lookup(sk);
		if (info && !READ_ONCE(info->accept_icmps)) {
			tcp_authopt_inc_stats(net, TCP_AUTHOPT_MIB_DROPPED_ICMPS);
			tcp_authopt_info_inc(info, TCP_AUTHOPT_CNT_DROPPED_ICMP);
			ret = NF_DROP;
		}
	}
	sock_gen_put(sk);
	return ret;
}

/*
 * An ICMP error that TCP-AO ignores was still received: count it where
 * icmp_rcv() or icmpv6_rcv() would have, before TCP saw it.
 */
static void tcp_authopt_icmp_count(struct net *net, struct sk_buff *skb, u8 type)
{
	if (ip_hdr(skb)->version == 4) {
		__ICMP_INC_STATS(net, ICMP_MIB_INMSGS);
		ICMPMSGIN_INC_STATS(net, type);
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct inet6_dev *idev = __in6_dev_get(skb->dev);

		__ICMP6_INC_STATS(net, idev, ICMP6_MIB_INMSGS);
		ICMP6MSGIN_INC_STATS(net, idev, type);
	}
#endif
}

static unsigned int tcp_authopt_input_icmp(struct net *net, struct sk_buff *skb,
					   unsigned int off)
{
	unsigned int ret = NF_ACCEPT;
	u8 type, code;

	if (!tcp_authopt_info_any() || !pskb_may_pull(skb, off + 8))
		return NF_ACCEPT;
	type = skb->data[off];
	code = skb->data[off + 1];
	rcu_read_lock();
	if (ip_hdr(skb)->version == 4 && type == ICMP_DEST_UNREACH &&
	    (code == ICMP_PROT_UNREACH || code == ICMP_PORT_UNREACH ||
	     code == ICMP_FRAG_NEEDED))
		ret = tcp_authopt_icmp(net, skb, off + 8);
	else if (ip_hdr(skb)->version == 6 && type == ICMPV6_DEST_UNREACH &&
		 (code == ICMPV6_ADM_PROHIBITED || code == ICMPV6_PORT_UNREACH))
		ret = tcp_authopt_icmp(net, skb, off + 8);
	if (ret == NF_DROP)
		tcp_authopt_icmp_count(net, skb, type);
	rcu_read_unlock();
	return ret;
}

/**
 * tcp_authopt_input() - LOCAL_IN hook for IPv4 and IPv6
 * @priv: unused
 * @skb: a packet for this host
 * @state: hook state
 *
 * Return: NF_ACCEPT or NF_DROP.
 */
unsigned int tcp_authopt_input(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct tcp_authopt_rx rx = { .net = state->net, .skb = skb };
	unsigned int thoff, old_th, ret;
	int err;
	u8 nexthdr;
	__be16 frag;

	if (ip_hdr(skb)->version == 4) {
		if (ip_is_fragment(ip_hdr(skb)))
			return NF_ACCEPT;
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
			return tcp_authopt_input_icmp(state->net, skb, ip_hdrlen(skb));
		if (ip_hdr(skb)->protocol != IPPROTO_TCP)
			return NF_ACCEPT;
		thoff = ip_hdrlen(skb);
	} else {
		nexthdr = ipv6_hdr(skb)->nexthdr;
		err = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr, &frag);
		if (err < 0 || frag)
			return NF_ACCEPT;
		if (nexthdr == IPPROTO_ICMPV6)
			return tcp_authopt_input_icmp(state->net, skb, err);
		if (nexthdr != IPPROTO_TCP)
			return NF_ACCEPT;
		thoff = err;
	}
	if (!pskb_may_pull(skb, thoff + sizeof(struct tcphdr)) ||
	    !pskb_may_pull(skb, thoff + tcp_hdrlen(skb)))
		return NF_ACCEPT;

	old_th = skb->transport_header;
	skb_set_transport_header(skb, thoff);
	rx.th = tcp_hdr(skb);
	if (rx.th->doff < sizeof(struct tcphdr) / 4) {
		ret = NF_ACCEPT;
		goto out;
	}
	err = tcp_authopt_parse((const u8 *)rx.th, rx.th->doff * 4, &rx.opt);
	rx.has_opt = !err;
	ret = NF_ACCEPT;
	if (!rx.has_opt && err != -EBADMSG && !tcp_authopt_info_any())
		goto out;
	/*
	 * A malformed or repeated TCP-AO option, or TCP-AO together with
	 * TCP-MD5 (RFC 5925 section 7.3), is never valid.
	 */
	if (err == -EBADMSG ||
	    (rx.has_opt && tcp_authopt_has_md5((const u8 *)rx.th, rx.th->doff * 4))) {
		tcp_authopt_inc_stats(rx.net, TCP_AUTHOPT_MIB_BAD);
		ret = NF_DROP;
		goto out;
	}
	tcp_authopt_skb_addr(skb, true, &rx.peer);

	rcu_read_lock();
	rx.l3index = skb->dev ? l3mdev_master_ifindex_rcu(skb->dev) : 0;
	tcp_authopt_rx_lookup(&rx);
	if (rx.sk) {
		ret = tcp_authopt_rx_check(&rx);
		if (ret == NF_ACCEPT && rx.has_opt &&
		    rx.sk->sk_state == TCP_NEW_SYN_RECV)
			tcp_authopt_rx_hide(&rx, thoff);
		if (rx.refcounted)
			sock_gen_put(rx.sk);
	} else if (rx.has_opt) {
		tcp_authopt_inc_stats(rx.net, TCP_AUTHOPT_MIB_NO_SOCKET);
		ret = NF_DROP;
	}
	rcu_read_unlock();
out:
	skb->transport_header = old_th;
	return ret;
}
