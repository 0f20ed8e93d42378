/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Namespace key chains applied to connections: see chain.c.
 */
#ifndef _TCP_AUTHOPT_CHAIN_H
#define _TCP_AUTHOPT_CHAIN_H

#include <net/sock.h>

#include "info.h"

struct tcp_authopt_info *tcp_authopt_chain_info(struct net *net,
						const struct sockaddr *peer,
						int l3index, __be16 sport,
						__be16 dport);
struct tcp_authopt_info *tcp_authopt_chain_listener(struct sock *listener,
						    struct tcp_authopt_info *info,
						    const struct sk_buff *skb,
						    bool output, int l3index,
						    struct tcp_authopt_info **chain);
struct tcp_authopt_info *tcp_authopt_chain_attach(struct sock *sk,
						  struct tcp_authopt_info *info);
void tcp_authopt_chain_refresh(struct sock *sk, struct tcp_authopt_info *info);
void tcp_authopt_chain_select(struct tcp_authopt_info *info, time64_t now);
void tcp_authopt_chain_follow(struct tcp_authopt_info *info, u8 rnextkeyid,
			      const struct sockaddr *peer, int l3index);
int tcp_authopt_chain_connect_check(struct sock *sk, const struct sockaddr *peer,
				    int l3index, __be16 dport);

#endif /* _TCP_AUTHOPT_CHAIN_H */
