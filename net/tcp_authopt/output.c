// SPDX-License-Identifier: GPL-2.0
/*
 * Signing on output. At LOCAL_OUT a TCP segment is complete but for its
 * checksum (CHECKSUM_PARTIAL): the TCP-AO option is appended to its
 * options (SACK blocks trimmed when they would not fit), the headers are
 * moved to make room, lengths and the checksum seed fixed, and the MAC
 * written. Sockets using TCP-AO have their MSS lowered by the option's
 * length, so the segment still fits the path MTU. A GSO packet is cut
 * into segments here, in software, and each segment signed: TCP then
 * handles one packet per GSO batch, as it does without TCP-AO.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/l3mdev.h>
#include <net/tcp.h>

#include "chain.h"
#include "compat.h"
#include "datapath.h"
#include "handshake.h"
#include "option.h"
#include "stat.h"
#include "trace.h"

/* Address of a segment's source (@src) or destination; v4 as AF_INET. */
void tcp_authopt_skb_addr(const struct sk_buff *skb, bool src,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip_hdr(skb)->version == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = src ? ip_hdr(skb)->saddr : ip_hdr(skb)->daddr;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = src ? ipv6_hdr(skb)->saddr : ipv6_hdr(skb)->daddr;
	}
}

/*
 * ISNs of an established socket: tcp_sock keeps none, but the bytes
 * acknowledged and received count everything after the SYNs. A socket in
 * SYN_RECV after a simultaneous open (RFC 793 figure 8; also a socket
 * connected to itself) has its own SYN unacknowledged, still at the head
 * of its retransmit queue: that SYN's sequence number is the ISN. Only the
 * socket's owner (@owned: output, socket lock held) may look at that queue;
 * the input path learns the ISNs of such a socket from its SYN-ACK first.
 */
void tcp_authopt_sk_isns(struct sock *sk, u32 *snd_isn, u32 *rcv_isn, bool owned)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *syn;

	*snd_isn = READ_ONCE(tp->snd_una) - (u32)READ_ONCE(tp->bytes_acked) - 1;
	*rcv_isn = READ_ONCE(tp->rcv_nxt) - (u32)READ_ONCE(tp->bytes_received) - 1;
	if (!owned || sk->sk_state != TCP_SYN_RECV)
		return;
	syn = tcp_rtx_queue_head(sk);
	if (syn && (TCP_SKB_CB(syn)->tcp_flags & TCPHDR_SYN))
		*snd_isn = TCP_SKB_CB(syn)->seq;
}

int tcp_authopt_sk_l3index(const struct sock *sk)
{
	if (!sk->sk_bound_dev_if)
		return 0;
	return l3mdev_master_ifindex_by_index(sock_net(sk), sk->sk_bound_dev_if);
}

/*
 * Leave room in the MSS for the longest option of the socket's keys, once.
 * GSO stays on: TCP's packets of many segments are cut at LOCAL_OUT
 * (tcp_authopt_output_gso()), which costs less than TCP sending each
 * segment on its own. Socket lock held.
 */
void tcp_authopt_make_room(struct sock *sk, struct tcp_authopt_info *info)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_authopt_key *key;
	unsigned int room = 0;

	if (info->mss_adjusted)
		return;
	hlist_for_each_entry_rcu(key, &info->keys, node, true)
		room = max_t(unsigned int, room,
			     ALIGN(TCP_AUTHOPT_OPT_HDR_LEN + key->maclen, 4));
	if (!room)
		return;
	info->mss_adjusted = room;
	icsk->icsk_ext_hdr_len += room;
	if (icsk->icsk_pmtu_cookie)
		icsk->icsk_sync_mss(sk, icsk->icsk_pmtu_cookie);
}

/**
 * tcp_authopt_sk_info() - TCP-AO state of a full socket
 * @sk: a full TCP socket
 *
 * An accepted socket gets the keys its handshake left for it the first
 * time it is seen.
 *
 * Context: RCU read side.
 * Return: the info or NULL.
 */
struct tcp_authopt_info *tcp_authopt_sk_info(struct sock *sk)
{
	struct tcp_authopt_info *info;

	if (!tcp_authopt_info_any())
		return NULL;
	info = tcp_authopt_info_lookup(sk);
	if (info || sk->sk_state == TCP_LISTEN || sk->sk_state == TCP_SYN_SENT)
		return info;
	/*
	 * A child closed before it sent anything (its listener went away
	 * with it in the accept queue) still signs the RST it sends.
	 */
	if (sk->sk_state == TCP_CLOSE && !inet_sk(sk)->inet_dport)
		return NULL;
	return tcp_authopt_hs_claim(sk);
}

/*
 * Build the new option block: the segment's options with SACK blocks
 * dropped from the end until TCP-AO fits, NOP-padded to 32 bits, then
 * TCP-AO with a zero MAC. Return its length.
 */
static int tcp_authopt_build_options(const u8 *opts, unsigned int len,
				     const struct tcp_authopt_key *key,
				     u8 rnextkeyid, u8 *out)
{
	unsigned int aolen = TCP_AUTHOPT_OPT_HDR_LEN + key->maclen;
	unsigned int in = 0, n = 0, excess;
	u8 kind, olen;

	excess = len + aolen > MAX_TCP_OPTION_SPACE ?
		 len + aolen - MAX_TCP_OPTION_SPACE : 0;
	while (in < len) {
		kind = opts[in];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			out[n++] = opts[in++];
			continue;
		}
		if (in + 2 > len || opts[in + 1] < 2 || in + opts[in + 1] > len)
			return -EINVAL;
		olen = opts[in + 1];
		memcpy(out + n, opts + in, olen);
		if (kind == TCPOPT_SACK && excess) {
			unsigned int blocks = (olen - 2) / TCPOLEN_SACK_PERBLOCK;
			unsigned int drop = min_t(unsigned int, blocks,
						  DIV_ROUND_UP(excess, TCPOLEN_SACK_PERBLOCK));

			if (drop == blocks) {
				/* No block left: the option goes too. */
				excess -= min_t(unsigned int, excess, olen);
				olen = 0;
			} else {
				olen -= drop * TCPOLEN_SACK_PERBLOCK;
				out[n + 1] = olen;
				excess -= min_t(unsigned int, excess,
						drop * TCPOLEN_SACK_PERBLOCK);
			}
		}
		n += olen;
		in += opts[in + 1];
	}
	while (n % 4)
		out[n++] = TCPOPT_NOP;
	if (n + aolen > MAX_TCP_OPTION_SPACE)
		return -ENOSPC;
	out[n] = TCPOPT_AUTHOPT;
	out[n + 1] = aolen;
	out[n + 2] = key->sndid;
	out[n + 3] = rnextkeyid;
	memset(out + n + TCP_AUTHOPT_OPT_HDR_LEN, 0, key->maclen);
	n += aolen;
	while (n % 4)
		out[n++] = TCPOPT_NOP;
	return n > MAX_TCP_OPTION_SPACE ? -ENOSPC : n;
}

/* Make room for @delta more header bytes by moving IP and TCP headers. */
static int tcp_authopt_grow_header(struct sk_buff *skb, unsigned int delta)
{
	unsigned int hlen = skb_transport_offset(skb) + sizeof(struct tcphdr);

	if (skb_cow_head(skb, delta))
		return -ENOMEM;
	if (!delta)
		return 0;
	skb_push(skb, delta);
	memmove(skb->data, skb->data + delta, hlen);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, hlen - sizeof(struct tcphdr));
	return 0;
}

/*
 * Whether @delta more header bytes would take a segment that GSO could
 * still cut past its route's MTU.
 */
static bool tcp_authopt_outgrows_mtu(const struct sk_buff *skb, int delta)
{
	const struct dst_entry *dst = skb_dst(skb);

	return dst && !skb_is_gso(skb) && skb->ip_summed == CHECKSUM_PARTIAL &&
	       skb->len > skb_transport_offset(skb) + tcp_hdrlen(skb) &&
	       skb->len + delta > dst_mtu(dst);
}

/* Lengths and checksums after the TCP header changed. */
static void tcp_authopt_fix_headers(struct sk_buff *skb)
{
	unsigned int thoff = skb_transport_offset(skb);
	unsigned int tcplen = skb->len - thoff;
	struct tcphdr *th = tcp_hdr(skb);

	if (ip_hdr(skb)->version == 4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
						       tcplen, IPPROTO_TCP, 0);
		} else {
			th->check = 0;
			th->check = csum_tcpudp_magic(iph->saddr, iph->daddr,
						      tcplen, IPPROTO_TCP,
						      skb_checksum(skb, thoff,
								   tcplen, 0));
		}
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			th->check = ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
						     tcplen, IPPROTO_TCP, 0);
		} else {
			th->check = 0;
			th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
						    tcplen, IPPROTO_TCP,
						    skb_checksum(skb, thoff,
								 tcplen, 0));
		}
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->csum_start = skb_transport_header(skb) - skb->head;
}

/**
 * struct tcp_authopt_sign - what signing one segment needs
 * @key: the master key tuple
 * @traffic_key: traffic key for this segment
 * @prep: @traffic_key prepared, or NULL
 * @sne: its sequence number extension
 * @rnextkeyid: RNextKeyID to advertise
 */
struct tcp_authopt_sign {
	struct tcp_authopt_key *key;
	const u8 *traffic_key;
	const u8 *prep;
	u32 sne;
	u8 rnextkeyid;
};

static int tcp_authopt_sign_skb(struct sk_buff *skb,
				const struct tcp_authopt_sign *s)
{
	u8 opts[MAX_TCP_OPTION_SPACE], newopts[MAX_TCP_OPTION_SPACE];
	struct tcp_authopt_mac_params p = {
		.alg = s->key->alg,
		.traffic_key = s->traffic_key,
		.prep = s->prep,
		.sne = s->sne,
		.exclude_opts = s->key->keyflags & TCP_AO_KEYF_EXCLUDE_OPT,
		.maclen = s->key->maclen,
	};
	unsigned int thlen = tcp_hdr(skb)->doff * 4, optlen;
	int newlen, delta, err;
	u8 *mac;

	optlen = thlen - sizeof(struct tcphdr);
	if (thlen < sizeof(struct tcphdr) ||
	    skb_copy_bits(skb, skb_transport_offset(skb) + sizeof(struct tcphdr),
			  opts, optlen))
		return -EINVAL;
	newlen = tcp_authopt_build_options(opts, optlen, s->key, s->rnextkeyid,
					   newopts);
	if (newlen < 0)
		return newlen;
	delta = newlen - optlen;
	if (delta > 0 && tcp_authopt_outgrows_mtu(skb, delta))
		return -EMSGSIZE;
	if (delta < 0 || tcp_authopt_grow_header(skb, delta))
		return -ENOMEM;
	memcpy((u8 *)tcp_hdr(skb) + sizeof(struct tcphdr), newopts, newlen);
	tcp_hdr(skb)->doff = (sizeof(struct tcphdr) + newlen) / 4;
	tcp_authopt_fix_headers(skb);

	/*
	 * TCP-AO starts on a 32-bit boundary and ends the block, NOP-padded
	 * when the MAC is not a multiple of 4 bytes (maclen 1..16 are valid).
	 */
	mac = (u8 *)tcp_hdr(skb) + sizeof(struct tcphdr) + newlen -
	      ALIGN(TCP_AUTHOPT_OPT_HDR_LEN + s->key->maclen, 4) + TCP_AUTHOPT_OPT_HDR_LEN;
	err = tcp_authopt_mac_skb(&p, skb, mac);
	/*
	 * A checksum computed here (the control socket's ACKs and RSTs come
	 * CHECKSUM_NONE) must cover the MAC: compute it again.
	 */
	if (!err && skb->ip_summed != CHECKSUM_PARTIAL)
		tcp_authopt_fix_headers(skb);
	return err;
}

/* KDF on the fly, for handshake segments sent before the ISNs are known. */
static int tcp_authopt_handshake_key(struct sk_buff *skb,
				     struct tcp_authopt_key *key,
				     u32 sisn, u32 disn, u8 *out)
{
	u8 ctx[TCP_AUTHOPT_MAX_CONTEXT_LEN];
	unsigned int len;

	len = tcp_authopt_kdf_context(ctx, skb, sisn, disn);
	return tcp_authopt_kdf(key->alg, key->key, key->keylen, ctx, len, out);
}

/*
 * The key to send with: the current key when it applies to this peer,
 * else the best key for the peer.
 */
static struct tcp_authopt_key *tcp_authopt_send_key(struct tcp_authopt_info *info,
						    const struct sockaddr *peer,
						    int l3index)
{
	struct tcp_authopt_key *key = rcu_dereference(info->current_key);

	if (key && tcp_authopt_key_match_addr(key, peer, l3index))
		return key;
	/* Chain keys: tcp_authopt_chain_select() chose, maybe none. */
	if (READ_ONCE(info->ns_managed))
		return NULL;
	return tcp_authopt_key_find_peer(info, peer, l3index, -1);
}

static u8 tcp_authopt_rnextkeyid(struct tcp_authopt_info *info,
				 struct tcp_authopt_key *key)
{
	struct tcp_authopt_key *rnext = rcu_dereference(info->rnext_key);

	return rnext ? rnext->rcvid : key->rcvid;
}

/*
 * RFC 5925 section 7.5.1: answer a SYN with the key its RNextKeyID asks
 * for, and ask for the key it was sent with. A signed SYN that asks for a
 * key we do not have gets no SYN-ACK (-ENOKEY), as upstream does; an
 * unsigned SYN from a peer we have a key for never got this far.
 */
static struct tcp_authopt_key *tcp_authopt_synack_key(struct tcp_authopt_info *info,
						      bool known, u8 keyid, u8 rnext,
						      const struct sockaddr *peer,
						      int l3index, u8 *rnextkeyid)
{
	time64_t now = ktime_get_real_seconds();
	struct tcp_authopt_key *key;
	struct hlist_head *heads[2];
	int i, n;

	if (!known && info->ns_managed) {
		/* Chain keys: the newest send-valid one, as chosen. */
		key = rcu_dereference(info->current_key);
		if (key)
			*rnextkeyid = tcp_authopt_rnextkeyid(info, key);
		return key;
	}
	if (!known) {
		key = tcp_authopt_key_find_peer(info, peer, l3index, -1);
		if (key)
			*rnextkeyid = key->rcvid;
		return key;
	}
	n = tcp_authopt_peer_lists(info, peer, heads);
	for (i = 0; i < n; i++) {
		hlist_for_each_entry_rcu(key, heads[i], pnode) {
			if (key->sndid == rnext && tcp_authopt_key_send_ok(key, now) &&
			    tcp_authopt_key_match_addr(key, peer, l3index)) {
				*rnextkeyid = keyid;
				return key;
			}
		}
	}
	return ERR_PTR(-ENOKEY);
}

/*
 * Sign a SYN-ACK of @listener: one from a request socket (@req), or one
 * sent for a SYN cookie, which has no socket at all. @known says whether
 * the KeyIDs of the SYN it answers are known.
 */
static int tcp_authopt_output_synack(struct sk_buff *skb, struct sock *listener,
				     struct tcp_authopt_info *info, bool known,
				     u8 keyid, u8 rnext)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_authopt_sign s = {};
	struct sockaddr_storage peer;
	u8 tkey[HASH_MAX_DIGESTSIZE];
	int err;

	if (tcp_authopt_has_md5((const u8 *)th, th->doff * 4))
		return 0;
	tcp_authopt_skb_addr(skb, false, &peer);
	s.key = tcp_authopt_synack_key(info, known, keyid, rnext,
				       (struct sockaddr *)&peer,
				       tcp_authopt_sk_l3index(listener), &s.rnextkeyid);
	if (PTR_ERR(s.key) == -ENOKEY)
		tcp_authopt_trace_synack_no_key(listener, rnext, keyid);
	if (IS_ERR_OR_NULL(s.key))
		return PTR_ERR_OR_ZERO(s.key);
	/* The SYN-ACK's own sequence number is this side's ISN. */
	err = tcp_authopt_handshake_key(skb, s.key, ntohl(th->seq),
					ntohl(th->ack_seq) - 1, tkey);
	s.traffic_key = tkey;
	if (!err)
		err = tcp_authopt_sign_skb(skb, &s);
	memzero_explicit(tkey, sizeof(tkey));
	return err;
}

/*
 * Sign a SYN-ACK with the listener's keys for the peer, or the namespace
 * chain's when the listener has none for it.
 */
static int tcp_authopt_output_listener(struct sk_buff *skb, struct sock *listener,
				       bool known, u8 keyid, u8 rnext)
{
	struct tcp_authopt_info *info, *chain;
	int err;

	info = tcp_authopt_chain_listener(listener, tcp_authopt_info_lookup(listener),
					  skb, true, tcp_authopt_sk_l3index(listener),
					  &chain);
	if (!info)
		return 0;
	err = tcp_authopt_output_synack(skb, listener, info, known, keyid, rnext);
	if (chain)
		tcp_authopt_info_free(chain);
	return err;
}

/*
 * A SYN-ACK for a SYN cookie leaves with no socket: find the listener it
 * speaks for from its addresses and ports.
 */
static int tcp_authopt_output_cookie(struct sk_buff *skb, struct net *net)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	struct dst_entry *dst = skb_dst(skb);
	int dif = dst ? l3mdev_master_ifindex(dst->dev) : 0;
	const struct tcphdr *th;
	struct sock *sk = NULL;
	u8 keyid, rnext;
	bool known;

	if (!skb_transport_header_was_set(skb) ||
	    skb_transport_offset(skb) + sizeof(*th) > skb_headlen(skb))
		return 0;
	th = tcp_hdr(skb);
	if (!th->syn || !th->ack || th->rst)
		return 0;
	if (ip_hdr(skb)->version == 4)
		sk = __inet_lookup_listener(net, hinfo, skb, th->doff * 4,
					    ip_hdr(skb)->daddr, th->dest,
					    ip_hdr(skb)->saddr, ntohs(th->source),
					    dif, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = inet6_lookup_listener(net, hinfo, skb, th->doff * 4,
					   &ipv6_hdr(skb)->daddr, th->dest,
					   &ipv6_hdr(skb)->saddr, ntohs(th->source),
					   dif, 0);
#endif
	if (!sk)
		return 0;
	known = tcp_authopt_hs_synack_keyids(net, skb, &keyid, &rnext);
	return tcp_authopt_output_listener(skb, sk, known, keyid, rnext);
}

/* An ACK or RST for a connection in TIME_WAIT (or just destroyed). */
static int tcp_authopt_output_timewait(struct sk_buff *skb, struct net *net)
{
	struct tcp_authopt_info *info;
	struct tcp_authopt_sign s = {};
	struct sockaddr_storage peer;
	struct tcp_authopt_opt opt;
	const struct tcphdr *th;

	if (!skb_transport_header_was_set(skb) ||
	    skb_transport_offset(skb) + sizeof(*th) > skb_headlen(skb))
		return 0;
	th = tcp_hdr(skb);
	if (th->syn || skb_transport_offset(skb) + th->doff * 4 > skb_headlen(skb) ||
	    tcp_authopt_parse((const u8 *)th, th->doff * 4, &opt) != -ENOENT)
		return 0;
	info = tcp_authopt_hs_timewait(net, skb, true);
	if (!info)
		return 0;
	tcp_authopt_skb_addr(skb, false, &peer);
	s.key = rcu_dereference(info->current_key);
	if (!s.key || !tcp_authopt_key_match_addr(s.key, (struct sockaddr *)&peer,
						  s.key->l3index))
		s.key = tcp_authopt_key_find_peer(info, (struct sockaddr *)&peer, -1, -1);
	if (!s.key)
		return 0;
	s.rnextkeyid = tcp_authopt_rnextkeyid(info, s.key);
	s.traffic_key = tcp_authopt_tk(s.key, true);
	s.prep = tcp_authopt_key_prep(s.key, true);
	s.sne = tcp_authopt_sne_of(&info->snd_sne, ntohl(tcp_hdr(skb)->seq));
	return tcp_authopt_sign_skb(skb, &s);
}

/*
 * Sign one segment of a full socket or request socket. Return 0 when the
 * segment is signed or needs no signature, else an error: drop it.
 */
static int tcp_authopt_output_one(struct sk_buff *skb, struct sock *sk)
{
	u8 tkey[HASH_MAX_DIGESTSIZE];
	struct sockaddr_storage peer;
	struct tcp_authopt_info *info;
	struct tcp_authopt_sign s = {};
	struct tcphdr *th = tcp_hdr(skb);
	struct tcp_authopt_opt opt;
	u32 snd_isn, rcv_isn;
	int l3index, err;

	/* Signed already (another pass through LOCAL_OUT): leave it. */
	err = tcp_authopt_parse((const u8 *)th, th->doff * 4, &opt);
	if (err != -ENOENT && err != -EINVAL)
		return 0;
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		struct request_sock *req = inet_reqsk(sk);
		u8 keyid, rnext;
		bool known;

		known = tcp_authopt_hs_syn_keyids(req, &keyid, &rnext);
		return tcp_authopt_output_listener(skb, req->rsk_listener, known,
						   keyid, rnext);
	}
	info = tcp_authopt_sk_info(sk);
	if (sk->sk_state == TCP_SYN_SENT)
		info = tcp_authopt_chain_attach(sk, info);
	if (!info)
		return 0;

	tcp_authopt_chain_refresh(sk, info);
	tcp_authopt_skb_addr(skb, false, &peer);
	l3index = tcp_authopt_sk_l3index(sk);
	s.key = tcp_authopt_send_key(info, (struct sockaddr *)&peer, l3index);
	if (tcp_authopt_has_md5((const u8 *)th, th->doff * 4))
		return 0;
	if (!s.key && READ_ONCE(info->ns_managed)) {
		/* Every chain key expired for sending: nothing goes unsigned. */
		tcp_authopt_inc_stats(sock_net(sk), TCP_AUTHOPT_MIB_SEND_EXPIRED);
		WRITE_ONCE(sk->sk_err, EKEYEXPIRED);
		sk_error_report(sk);
		return -EKEYEXPIRED;
	}
	if (!s.key)
		return 0;
	s.rnextkeyid = tcp_authopt_rnextkeyid(info, s.key);

	if (th->syn && !th->ack) {
		tcp_authopt_make_room(sk, info);
		err = tcp_authopt_handshake_key(skb, s.key, ntohl(th->seq), 0, tkey);
		s.traffic_key = tkey;
	} else {
		if (!tcp_authopt_isns_known(info)) {
			tcp_authopt_sk_isns(sk, &snd_isn, &rcv_isn, true);
			tcp_authopt_info_set_isns(info, snd_isn, rcv_isn, false);
		}
		tcp_authopt_make_room(sk, info);
		s.sne = tcp_authopt_sne_of(&info->snd_sne, ntohl(th->seq));
		if (tcp_authopt_sne_update(&info->snd_sne, ntohl(th->seq), s.sne))
			tcp_authopt_trace_sne(TCP_AUTHOPT_TP_SND_SNE, sk, s.sne);
		s.traffic_key = tcp_authopt_tk(s.key, true);
		s.prep = tcp_authopt_key_prep(s.key, true);
		err = 0;
	}
	if (!err)
		err = tcp_authopt_sign_skb(skb, &s);
	memzero_explicit(tkey, sizeof(tkey));
	return err;
}

/*
 * Segments sized before their socket made room for TCP-AO (an accepted
 * socket's first data, perhaps as one GSO packet), or by a socket that
 * gained a key with a longer MAC since, would outgrow the MTU once signed:
 * give them a GSO size that leaves room for the option block and let GSO
 * cut them. @room is what signing adds to the TCP header, at most (0:
 * unknown, assume every option byte in use). Return true to segment @skb.
 */
static bool tcp_authopt_fit_gso(struct sk_buff *skb, unsigned int room)
{
	unsigned int thlen = tcp_hdrlen(skb), maxhdr, payload, mtu, size;
	struct dst_entry *dst = skb_dst(skb);

	if (!room)
		room = MAX_TCP_OPTION_SPACE;
	maxhdr = skb_transport_offset(skb) +
		 min_t(unsigned int, thlen + room,
		       sizeof(struct tcphdr) + MAX_TCP_OPTION_SPACE);
	payload = skb->len - skb_transport_offset(skb) - thlen;
	if (!dst || !payload || skb->ip_summed != CHECKSUM_PARTIAL)
		return skb_is_gso(skb);
	mtu = dst_mtu(dst);
	if (maxhdr >= mtu)
		return skb_is_gso(skb);
	size = mtu - maxhdr;
	if (skb_is_gso(skb)) {
		if (skb_shinfo(skb)->gso_size > size) {
			skb_shinfo(skb)->gso_size = size;
			skb_shinfo(skb)->gso_segs = 0;
		}
		return true;
	}
	if (maxhdr + payload <= mtu)
		return false;
	skb_shinfo(skb)->gso_size = size;
	skb_shinfo(skb)->gso_type = ip_hdr(skb)->version == 4 ? SKB_GSO_TCPV4 :
								SKB_GSO_TCPV6;
	skb_shinfo(skb)->gso_segs = 0;
	return true;
}

static unsigned int tcp_authopt_output_gso(struct sk_buff *skb, struct sock *sk,
					   const struct nf_hook_state *state)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs))
		return NF_DROP;
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (tcp_authopt_output_one(seg, sk)) {
			kfree_skb(seg);
			continue;
		}
		state->okfn(state->net, state->sk, seg);
	}
	return NF_STOLEN;
}

/**
 * tcp_authopt_output() - LOCAL_OUT hook for IPv4 and IPv6
 * @priv: unused
 * @skb: a locally generated packet
 * @state: hook state
 *
 * Return: NF_ACCEPT, NF_DROP or NF_STOLEN (GSO packet sent as segments).
 */
unsigned int tcp_authopt_output(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct tcp_authopt_info *info;
	unsigned int ret = NF_ACCEPT, room = 0;
	struct sock *sk = skb->sk;
	int err;

	if (!tcp_authopt_info_any())
		return NF_ACCEPT;
	/*
	 * A socket in a VRF sends each packet through LOCAL_OUT twice: first
	 * on the VRF device, then on the device its route leaves by. Sign on
	 * the second pass, where the route's MTU sizes any GSO packet.
	 */
	if (state->out && netif_is_l3_master(state->out))
		return NF_ACCEPT;
	if (ip_hdr(skb)->version == 4) {
		if (ip_hdr(skb)->protocol != IPPROTO_TCP ||
		    ip_is_fragment(ip_hdr(skb)))
			return NF_ACCEPT;
	} else if (ipv6_hdr(skb)->nexthdr != IPPROTO_TCP) {
		return NF_ACCEPT;
	}
	/*
	 * Segments TCP sends with no socket of the connection: a SYN-ACK for
	 * a SYN cookie, and the ACKs and RSTs answering for a connection in
	 * TIME_WAIT or just destroyed. IPv4 sends these from its control
	 * socket (a kernel raw socket), IPv6 with no socket at all. Raw
	 * sockets of programs are left alone: nothing is signed for them.
	 */
	if (!sk || (sk->sk_type == SOCK_RAW && sk->sk_kern_sock)) {
		rcu_read_lock();
		if (tcp_authopt_output_cookie(skb, state->net) ||
		    tcp_authopt_output_timewait(skb, state->net))
			ret = NF_DROP;
		rcu_read_unlock();
		return ret;
	}
	/* Request sockets have no sk_protocol: test the state first. */
	if (sk->sk_state != TCP_NEW_SYN_RECV &&
	    (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP))
		return NF_ACCEPT;

	rcu_read_lock();
	/*
	 * Sockets without TCP-AO state go untouched, GSO and all; a SYN may
	 * get some from the namespace's key chain.
	 */
	if (sk_fullsock(sk) && sk->sk_state != TCP_CLOSE &&
	    sk->sk_state != TCP_SYN_SENT) {
		info = tcp_authopt_sk_info(sk);
		if (!info)
			goto out;
		room = READ_ONCE(info->mss_adjusted);
	}
	if (tcp_authopt_fit_gso(skb, room)) {
		ret = tcp_authopt_output_gso(skb, sk, state);
		goto out;
	}
	err = tcp_authopt_output_one(skb, sk);
	/* Its key's MAC outgrew the room the MSS left: cut it after all. */
	if (err == -EMSGSIZE && tcp_authopt_fit_gso(skb, 0))
		ret = tcp_authopt_output_gso(skb, sk, state);
	else if (err)
		ret = NF_DROP;
out:
	rcu_read_unlock();
	return ret;
}
