/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Passive opens: what a listener's handshake leaves for the accepted socket.
 */
#ifndef _TCP_AUTHOPT_HANDSHAKE_H
#define _TCP_AUTHOPT_HANDSHAKE_H

#include <linux/skbuff.h>
#include <net/request_sock.h>

#include "info.h"

void tcp_authopt_hs_note_syn(struct net *net, const struct sk_buff *skb,
			     u8 keyid, u8 rnextkeyid);
bool tcp_authopt_hs_syn_keyids(const struct request_sock *req, u8 *keyid,
			       u8 *rnextkeyid);
bool tcp_authopt_hs_synack_keyids(const struct net *net,
				  const struct sk_buff *synack, u8 *keyid,
				  u8 *rnextkeyid);
void tcp_authopt_hs_complete(struct net *net, const struct sk_buff *skb,
			     struct tcp_authopt_info *linfo, int l3index,
			     u32 snd_isn, u32 rcv_isn, u8 keyid, u8 rnextkeyid);
struct tcp_authopt_info *tcp_authopt_hs_claim(struct sock *sk);
bool tcp_authopt_hs_park_timewait(struct sock *sk, struct tcp_authopt_info *info);
struct tcp_authopt_info *tcp_authopt_hs_timewait(struct net *net,
						 const struct sk_buff *skb,
						 bool output);
void tcp_authopt_hs_exit(void);

#endif /* _TCP_AUTHOPT_HANDSHAKE_H */
