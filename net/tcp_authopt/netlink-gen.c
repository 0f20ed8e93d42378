// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcp_authopt.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/tcp_authopt_nl.h>

/* TCP_AUTHOPT_CMD_KEY_ADD - do */
const struct nla_policy tcp_authopt_key_add_nl_policy[TCP_AUTHOPT_ATTR_ACCEPT_END + 1] = {
	[TCP_AUTHOPT_ATTR_SEND_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_RECV_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_ALG] = { .type = NLA_NUL_STRING, .len = TCP_AUTHOPT_ALG_NAME_MAX, },
	[TCP_AUTHOPT_ATTR_MACLEN] = NLA_POLICY_RANGE(NLA_U8, 1, TCP_AUTHOPT_MACLEN_MAX),
	[TCP_AUTHOPT_ATTR_KEY] = { .type = NLA_BINARY, },
	[TCP_AUTHOPT_ATTR_PEER_IPV4] = { .type = NLA_U32, },
	[TCP_AUTHOPT_ATTR_PEER_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[TCP_AUTHOPT_ATTR_PREFIX_LEN] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_PEER_PORT] = { .type = NLA_U16, },
	[TCP_AUTHOPT_ATTR_LOCAL_PORT] = { .type = NLA_U16, },
	[TCP_AUTHOPT_ATTR_L3INDEX] = { .type = NLA_U32, },
	[TCP_AUTHOPT_ATTR_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[TCP_AUTHOPT_ATTR_SEND_START] = { .type = NLA_U64, },
	[TCP_AUTHOPT_ATTR_SEND_END] = { .type = NLA_U64, },
	[TCP_AUTHOPT_ATTR_ACCEPT_START] = { .type = NLA_U64, },
	[TCP_AUTHOPT_ATTR_ACCEPT_END] = { .type = NLA_U64, },
};

/* TCP_AUTHOPT_CMD_KEY_DEL - do */
const struct nla_policy tcp_authopt_key_del_nl_policy[TCP_AUTHOPT_ATTR_L3INDEX + 1] = {
	[TCP_AUTHOPT_ATTR_SEND_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_RECV_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_PEER_IPV4] = { .type = NLA_U32, },
	[TCP_AUTHOPT_ATTR_PEER_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[TCP_AUTHOPT_ATTR_PREFIX_LEN] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_L3INDEX] = { .type = NLA_U32, },
};

/* TCP_AUTHOPT_CMD_KEY_GET - do */
const struct nla_policy tcp_authopt_key_get_nl_policy[TCP_AUTHOPT_ATTR_L3INDEX + 1] = {
	[TCP_AUTHOPT_ATTR_SEND_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_RECV_ID] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_PEER_IPV4] = { .type = NLA_U32, },
	[TCP_AUTHOPT_ATTR_PEER_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[TCP_AUTHOPT_ATTR_PREFIX_LEN] = { .type = NLA_U8, },
	[TCP_AUTHOPT_ATTR_L3INDEX] = { .type = NLA_U32, },
};

/* Ops table for tcp_authopt */
const struct genl_ops tcp_authopt_nl_ops[3] = {
	{
		.cmd		= TCP_AUTHOPT_CMD_KEY_ADD,
		.doit		= tcp_authopt_nl_key_add_doit,
		.policy		= tcp_authopt_key_add_nl_policy,
		.maxattr	= TCP_AUTHOPT_ATTR_ACCEPT_END,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= TCP_AUTHOPT_CMD_KEY_DEL,
		.doit		= tcp_authopt_nl_key_del_doit,
		.policy		= tcp_authopt_key_del_nl_policy,
		.maxattr	= TCP_AUTHOPT_ATTR_L3INDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= TCP_AUTHOPT_CMD_KEY_GET,
		.doit		= tcp_authopt_nl_key_get_doit,
		.dumpit		= tcp_authopt_nl_key_get_dumpit,
		.policy		= tcp_authopt_key_get_nl_policy,
		.maxattr	= TCP_AUTHOPT_ATTR_L3INDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

const struct genl_multicast_group tcp_authopt_nl_mcgrps[] = {
	[TCP_AUTHOPT_NLGRP_MONITOR] = { "monitor", },
};
