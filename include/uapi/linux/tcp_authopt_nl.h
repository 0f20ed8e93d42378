/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcp_authopt.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TCP_AUTHOPT_NL_H
#define _UAPI_LINUX_TCP_AUTHOPT_NL_H

#define TCP_AUTHOPT_GENL_NAME		"tcp_authopt"
#define TCP_AUTHOPT_GENL_VERSION	1

#define TCP_AUTHOPT_ALG_NAME_MAX	64
#define TCP_AUTHOPT_KEY_MAX		80
#define TCP_AUTHOPT_MACLEN_MAX		36

/**
 * enum tcp_authopt_key_flags - Key flags.
 * @TCP_AUTHOPT_KEY_FLAGS_NO_SEND: Never send with this key.
 * @TCP_AUTHOPT_KEY_FLAGS_NO_ACCEPT: Never accept segments signed with this
 *   key.
 * @TCP_AUTHOPT_KEY_FLAGS_EXCLUDE_OPTIONS: MAC only the TCP-AO option of the
 *   options (RFC 5925 section 5.1).
 */
enum tcp_authopt_key_flags {
	TCP_AUTHOPT_KEY_FLAGS_NO_SEND = 1,
	TCP_AUTHOPT_KEY_FLAGS_NO_ACCEPT = 2,
	TCP_AUTHOPT_KEY_FLAGS_EXCLUDE_OPTIONS = 4,
};

/**
 * enum tcp_authopt_key_state - Current state of a key, as evaluated by the
 *   kernel.
 * @TCP_AUTHOPT_KEY_STATE_SEND_VALID: The send lifetime holds now and the key
 *   may be sent with.
 * @TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID: The accept lifetime holds now and the
 *   key may be accepted.
 */
enum tcp_authopt_key_state {
	TCP_AUTHOPT_KEY_STATE_SEND_VALID = 1,
	TCP_AUTHOPT_KEY_STATE_ACCEPT_VALID = 2,
};

/**
 * enum tcp_authopt_event - What a notification reports.
 * @TCP_AUTHOPT_EVENT_ADDED: The key was added.
 * @TCP_AUTHOPT_EVENT_DELETED: The key was deleted (or its namespace went
 *   away).
 * @TCP_AUTHOPT_EVENT_SEND_VALID: The send lifetime began.
 * @TCP_AUTHOPT_EVENT_SEND_EXPIRED: The send lifetime ended.
 * @TCP_AUTHOPT_EVENT_ACCEPT_VALID: The accept lifetime began.
 * @TCP_AUTHOPT_EVENT_ACCEPT_EXPIRED: The accept lifetime ended.
 */
enum tcp_authopt_event {
	TCP_AUTHOPT_EVENT_ADDED,
	TCP_AUTHOPT_EVENT_DELETED,
	TCP_AUTHOPT_EVENT_SEND_VALID,
	TCP_AUTHOPT_EVENT_SEND_EXPIRED,
	TCP_AUTHOPT_EVENT_ACCEPT_VALID,
	TCP_AUTHOPT_EVENT_ACCEPT_EXPIRED,
};

enum tcp_authopt_attr {
	TCP_AUTHOPT_ATTR_UNSPEC,
	TCP_AUTHOPT_ATTR_PAD,
	TCP_AUTHOPT_ATTR_SEND_ID,
	TCP_AUTHOPT_ATTR_RECV_ID,
	TCP_AUTHOPT_ATTR_ALG,
	TCP_AUTHOPT_ATTR_MACLEN,
	TCP_AUTHOPT_ATTR_KEY,
	TCP_AUTHOPT_ATTR_PEER_IPV4,
	TCP_AUTHOPT_ATTR_PEER_IPV6,
	TCP_AUTHOPT_ATTR_PREFIX_LEN,
	TCP_AUTHOPT_ATTR_PEER_PORT,
	TCP_AUTHOPT_ATTR_LOCAL_PORT,
	TCP_AUTHOPT_ATTR_L3INDEX,
	TCP_AUTHOPT_ATTR_FLAGS,
	TCP_AUTHOPT_ATTR_SEND_START,
	TCP_AUTHOPT_ATTR_SEND_END,
	TCP_AUTHOPT_ATTR_ACCEPT_START,
	TCP_AUTHOPT_ATTR_ACCEPT_END,
	TCP_AUTHOPT_ATTR_STATE,
	TCP_AUTHOPT_ATTR_EVENT,

	__TCP_AUTHOPT_ATTR_MAX,
	TCP_AUTHOPT_ATTR_MAX = (__TCP_AUTHOPT_ATTR_MAX - 1)
};

enum tcp_authopt_cmd {
	TCP_AUTHOPT_CMD_UNSPEC,
	TCP_AUTHOPT_CMD_KEY_ADD,
	TCP_AUTHOPT_CMD_KEY_DEL,
	TCP_AUTHOPT_CMD_KEY_GET,
	TCP_AUTHOPT_CMD_KEY_NTF,

	__TCP_AUTHOPT_CMD_MAX,
	TCP_AUTHOPT_CMD_MAX = (__TCP_AUTHOPT_CMD_MAX - 1)
};

#define TCP_AUTHOPT_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_TCP_AUTHOPT_NL_H */
