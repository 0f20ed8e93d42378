/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tcp_authopt generic netlink family: key chain configuration and
 * lifetime notifications (Documentation/netlink/specs/tcp_authopt.yaml).
 */
#ifndef _TCP_AUTHOPT_NETLINK_H
#define _TCP_AUTHOPT_NETLINK_H

#include <net/net_namespace.h>

struct tcp_authopt_nskey;

int tcp_authopt_nl_init(void);
void tcp_authopt_nl_exit(void);
void tcp_authopt_nl_notify(struct net *net, const struct tcp_authopt_nskey *key,
			   u32 event);

#endif /* _TCP_AUTHOPT_NETLINK_H */
