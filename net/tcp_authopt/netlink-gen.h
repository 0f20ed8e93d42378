/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcp_authopt.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TCP_AUTHOPT_GEN_H
#define _LINUX_TCP_AUTHOPT_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/tcp_authopt_nl.h>

extern const struct nla_policy tcp_authopt_key_add_nl_policy[TCP_AUTHOPT_ATTR_ACCEPT_END + 1];

extern const struct nla_policy tcp_authopt_key_del_nl_policy[TCP_AUTHOPT_ATTR_L3INDEX + 1];

extern const struct nla_policy tcp_authopt_key_get_nl_policy[TCP_AUTHOPT_ATTR_L3INDEX + 1];

/* Ops table for tcp_authopt */
extern const struct genl_ops tcp_authopt_nl_ops[3];

int tcp_authopt_nl_key_add_doit(struct sk_buff *skb, struct genl_info *info);
int tcp_authopt_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info);
int tcp_authopt_nl_key_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcp_authopt_nl_key_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);

enum {
	TCP_AUTHOPT_NLGRP_MONITOR,
};

extern const struct genl_multicast_group tcp_authopt_nl_mcgrps[TCP_AUTHOPT_NLGRP_MONITOR + 1];

#endif /* _LINUX_TCP_AUTHOPT_GEN_H */
