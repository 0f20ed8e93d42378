/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * TCP-AO socket API of Linux >= 6.7, for systems whose <linux/tcp.h> does
 * not have it yet (Debian 12's linux-libc-dev and 6.1 kernel headers).
 * Option numbers and struct layouts are those of upstream's
 * include/uapi/linux/tcp.h, so programs built against either header work
 * with keyroll's tcp_authopt module and with an in-tree TCP-AO kernel.
 *
 * Include <linux/tcp.h> (or <netinet/tcp.h>) first; where the system
 * header already defines the API, this header adds nothing.
 */
#ifndef _UAPI_LINUX_TCP_AUTHOPT_H
#define _UAPI_LINUX_TCP_AUTHOPT_H

#include <linux/types.h>
#include <linux/socket.h>

#ifndef TCP_AO_ADD_KEY

#define TCP_AO_ADD_KEY		38	/* add or replace a master key tuple */
#define TCP_AO_DEL_KEY		39	/* delete a master key tuple */
#define TCP_AO_INFO		40	/* per-socket TCP-AO state */
#define TCP_AO_GET_KEYS		41	/* list master key tuples */
#define TCP_AO_REPAIR		42	/* ISNs and SNEs, for TCP_REPAIR */

#define TCP_AO_MAXKEYLEN	80

#define TCP_AO_KEYF_IFINDEX	(1 << 0)	/* key bound to an L3 device */
#define TCP_AO_KEYF_EXCLUDE_OPT	(1 << 1)	/* MAC skips non-AO options */

/**
 * struct tcp_ao_add - setsockopt(TCP_AO_ADD_KEY) argument
 * @addr: peer address the key is for (AF_INET or AF_INET6)
 * @alg_name: MAC algorithm: "hmac(sha1)", "cmac(aes128)" or another
 *	keyed hash of the kernel crypto API
 * @ifindex: L3 master device (VRF) the key is bound to, with
 *	TCP_AO_KEYF_IFINDEX
 * @set_current: make this key the one used for sending at once
 * @set_rnext: ask the peer to send with this key (RNextKeyID)
 * @reserved: must be zero
 * @reserved2: must be zero
 * @prefix: length in bits of the peer address prefix matched
 * @sndid: KeyID put in segments sent with this key
 * @rcvid: KeyID that selects this key for received segments
 * @maclen: MAC length in bytes (0: the algorithm's default)
 * @keyflags: TCP_AO_KEYF_* flags
 * @keylen: number of bytes of @key used
 * @key: the master key
 */
struct tcp_ao_add {
	struct __kernel_sockaddr_storage addr;
	char	alg_name[64];
	__s32	ifindex;
	__u32	set_current	:1,
		set_rnext	:1,
		reserved	:30;
	__u16	reserved2;
	__u8	prefix;
	__u8	sndid;
	__u8	rcvid;
	__u8	maclen;
	__u8	keyflags;
	__u8	keylen;
	__u8	key[TCP_AO_MAXKEYLEN];
} __attribute__((aligned(8)));

/**
 * struct tcp_ao_del - setsockopt(TCP_AO_DEL_KEY) argument
 * @addr: peer address of the key to delete
 * @ifindex: L3 master device of the key, with TCP_AO_KEYF_IFINDEX
 * @set_current: also make @current_key the key used for sending
 * @set_rnext: also make @rnext the key asked of the peer
 * @del_async: listening sockets only: do not wait for RCU readers
 * @reserved: must be zero
 * @reserved2: must be zero
 * @prefix: prefix length of the key to delete
 * @sndid: SendID of the key to delete
 * @rcvid: RecvID of the key to delete
 * @current_key: SendID of the new current key, with @set_current
 * @rnext: RecvID of the new RNext key, with @set_rnext
 * @keyflags: TCP_AO_KEYF_* flags of the key to delete
 */
struct tcp_ao_del {
	struct __kernel_sockaddr_storage addr;
	__s32	ifindex;
	__u32	set_current	:1,
		set_rnext	:1,
		del_async	:1,
		reserved	:29;
	__u16	reserved2;
	__u8	prefix;
	__u8	sndid;
	__u8	rcvid;
	__u8	current_key;
	__u8	rnext;
	__u8	keyflags;
} __attribute__((aligned(8)));

/**
 * struct tcp_ao_info_opt - setsockopt() and getsockopt() of TCP_AO_INFO
 * @set_current: in: select @current_key; out: @current_key is valid
 * @set_rnext: in: select @rnext; out: @rnext is valid
 * @ao_required: drop segments without TCP-AO from any peer
 * @set_counters: in: overwrite the pkt_* counters with the given values
 * @accept_icmps: act on ICMP hard errors (RFC 5925 section 7.8)
 * @reserved: must be zero
 * @reserved2: must be zero
 * @current_key: SendID of the key used for sending
 * @rnext: RecvID asked of the peer in RNextKeyID
 * @pkt_good: segments whose MAC verified
 * @pkt_bad: segments dropped for a wrong MAC
 * @pkt_key_not_found: segments dropped for an unknown KeyID
 * @pkt_ao_required: segments dropped for lacking TCP-AO
 * @pkt_dropped_icmp: ICMP errors ignored
 */
struct tcp_ao_info_opt {
	__u32	set_current	:1,
		set_rnext	:1,
		ao_required	:1,
		set_counters	:1,
		accept_icmps	:1,
		reserved	:27;
	__u16	reserved2;
	__u8	current_key;
	__u8	rnext;
	__u64	pkt_good;
	__u64	pkt_bad;
	__u64	pkt_key_not_found;
	__u64	pkt_ao_required;
	__u64	pkt_dropped_icmp;
} __attribute__((aligned(8)));

/**
 * struct tcp_ao_getsockopt - getsockopt(TCP_AO_GET_KEYS), one per key
 * @addr: in: peer address to match; out: the key's peer address
 * @alg_name: out: the key's algorithm
 * @key: out: the master key
 * @nkeys: in: number of structs in the buffer; out: keys that matched
 * @is_current: in: match the current key; out: this is the current key
 * @is_rnext: in: match the RNext key; out: this is the RNext key
 * @get_all: in: match every key
 * @reserved: must be zero
 * @sndid: in/out: SendID
 * @rcvid: in/out: RecvID
 * @prefix: in/out: prefix length
 * @maclen: out: MAC length
 * @keyflags: in/out: TCP_AO_KEYF_* flags
 * @keylen: out: length of @key
 * @ifindex: in/out: L3 master device
 * @pkt_good: out: segments this key verified
 * @pkt_bad: out: segments that failed verification with this key
 */
struct tcp_ao_getsockopt {
	struct __kernel_sockaddr_storage addr;
	char	alg_name[64];
	__u8	key[TCP_AO_MAXKEYLEN];
	__u32	nkeys;
	__u16	is_current	:1,
		is_rnext	:1,
		get_all		:1,
		reserved	:13;
	__u8	sndid;
	__u8	rcvid;
	__u8	prefix;
	__u8	maclen;
	__u8	keyflags;
	__u8	keylen;
	__s32	ifindex;
	__u64	pkt_good;
	__u64	pkt_bad;
} __attribute__((aligned(8)));

/**
 * struct tcp_ao_repair - TCP_AO_REPAIR, under TCP_REPAIR only
 * @snt_isn: our initial sequence number
 * @rcv_isn: the peer's initial sequence number
 * @snd_sne: sequence number extension of sent data
 * @rcv_sne: sequence number extension of received data
 */
struct tcp_ao_repair {
	__be32	snt_isn;
	__be32	rcv_isn;
	__u32	snd_sne;
	__u32	rcv_sne;
} __attribute__((aligned(8)));

#endif /* TCP_AO_ADD_KEY */
#endif /* _UAPI_LINUX_TCP_AUTHOPT_H */
