/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tcp:tcp_ao_* and tcp:tcp_hash_ao_required trace events, which tools
 * and upstream's selftests watch. Linux 6.10 and later define them in
 * TCP itself, also when built without TCP-AO (Debian's 6.12), but export
 * none: the module finds them among the kernel's tracepoints at load and
 * fires them where upstream's TCP-AO would. On kernels without them
 * (6.1) these calls do nothing.
 */
#ifndef _TCP_AUTHOPT_TRACE_H
#define _TCP_AUTHOPT_TRACE_H

#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/sock.h>

enum tcp_authopt_tp {
	/* (sk, skb): a segment without TCP-AO from a peer that needs it */
	TCP_AUTHOPT_TP_AO_REQUIRED,
	/* (sk, skb, keyid, rnext, maclen) */
	TCP_AUTHOPT_TP_WRONG_MACLEN,
	TCP_AUTHOPT_TP_MISMATCH,
	TCP_AUTHOPT_TP_KEY_NOT_FOUND,
	TCP_AUTHOPT_TP_RNEXT_REQUEST,
	/* (listener, keyid, rnext): no key for the SYN's RNextKeyID */
	TCP_AUTHOPT_TP_SYNACK_NO_KEY,
	/* (sk, new SNE) */
	TCP_AUTHOPT_TP_SND_SNE,
	TCP_AUTHOPT_TP_RCV_SNE,
	__TCP_AUTHOPT_TP_MAX
};

void tcp_authopt_trace_init(void);
void tcp_authopt_trace_ao_required(const struct sock *sk, struct sk_buff *skb,
				   unsigned int thoff);
void tcp_authopt_trace_seg(enum tcp_authopt_tp tp, const struct sock *sk,
			   struct sk_buff *skb, unsigned int thoff, u8 keyid,
			   u8 rnext, u8 maclen);
void tcp_authopt_trace_synack_no_key(const struct sock *listener, u8 keyid,
				     u8 rnext);
void tcp_authopt_trace_sne(enum tcp_authopt_tp tp, const struct sock *sk,
			   u32 sne);

#endif /* _TCP_AUTHOPT_TRACE_H */
