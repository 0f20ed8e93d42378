/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bump in the stack: netfilter hooks that sign segments on output
 * (output.c) and verify them on input (input.c).
 */
#ifndef _TCP_AUTHOPT_DATAPATH_H
#define _TCP_AUTHOPT_DATAPATH_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "info.h"

int tcp_authopt_hooks_register(struct net *net);
void tcp_authopt_hooks_unregister(struct net *net);

unsigned int tcp_authopt_output(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);
unsigned int tcp_authopt_input(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state);

/* Shared by both directions: where a segment comes from and goes to. */
void tcp_authopt_skb_addr(const struct sk_buff *skb, bool src,
			  struct sockaddr_storage *ss);
void tcp_authopt_sk_isns(struct sock *sk, u32 *snd_isn, u32 *rcv_isn, bool owned);
struct tcp_authopt_info *tcp_authopt_sk_info(struct sock *sk);
int tcp_authopt_sk_l3index(const struct sock *sk);
void tcp_authopt_make_room(struct sock *sk, struct tcp_authopt_info *info);

#endif /* _TCP_AUTHOPT_DATAPATH_H */
