// SPDX-License-Identifier: GPL-2.0
/*
 * Firing the kernel's own TCP-AO trace events (see trace.h). A tracepoint
 * is a struct with a static key that is on while someone listens and an
 * iterator that calls every registered probe with the event's arguments;
 * the module calls that iterator as the kernel's inline trace_*() would,
 * with preemption off, and only while the key is on. The event's probe
 * takes the TCP header from skb->data: segments are traced with their
 * data pointer moved to the TCP header for the call, as TCP has it.
 */
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "trace.h"

static const char *const tcp_authopt_tp_names[__TCP_AUTHOPT_TP_MAX] = {
	[TCP_AUTHOPT_TP_AO_REQUIRED] = "tcp_hash_ao_required",
	[TCP_AUTHOPT_TP_WRONG_MACLEN] = "tcp_ao_wrong_maclen",
	[TCP_AUTHOPT_TP_MISMATCH] = "tcp_ao_mismatch",
	[TCP_AUTHOPT_TP_KEY_NOT_FOUND] = "tcp_ao_key_not_found",
	[TCP_AUTHOPT_TP_RNEXT_REQUEST] = "tcp_ao_rnext_request",
	[TCP_AUTHOPT_TP_SYNACK_NO_KEY] = "tcp_ao_synack_no_key",
	[TCP_AUTHOPT_TP_SND_SNE] = "tcp_ao_snd_sne_update",
	[TCP_AUTHOPT_TP_RCV_SNE] = "tcp_ao_rcv_sne_update",
};

static struct tracepoint *tcp_authopt_tps[__TCP_AUTHOPT_TP_MAX] __read_mostly;

static void tcp_authopt_tp_match(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < __TCP_AUTHOPT_TP_MAX; i++)
		if (!strcmp(tp->name, tcp_authopt_tp_names[i]))
			tcp_authopt_tps[i] = tp;
}

void tcp_authopt_trace_init(void)
{
	for_each_kernel_tracepoint(tcp_authopt_tp_match, NULL);
}

/* The iterator of tracepoint @id when someone listens to it, else NULL. */
static void *tcp_authopt_tp_on(enum tcp_authopt_tp id)
{
	struct tracepoint *tp = tcp_authopt_tps[id];

	if (!tp || !static_key_enabled(&tp->key))
		return NULL;
	return tp->iterator;
}

typedef int (*tcp_authopt_hash_fn)(void *data, const struct sock *sk,
				   const struct sk_buff *skb);
typedef int (*tcp_authopt_seg_fn)(void *data, const struct sock *sk,
				  const struct sk_buff *skb, const u8 keyid,
				  const u8 rnext, const u8 maclen);
typedef int (*tcp_authopt_sk_fn)(void *data, const struct sock *sk,
				 const u8 keyid, const u8 rnext);
typedef int (*tcp_authopt_sne_fn)(void *data, const struct sock *sk,
				  u32 new_sne);

void tcp_authopt_trace_ao_required(const struct sock *sk, struct sk_buff *skb,
				   unsigned int thoff)
{
	tcp_authopt_hash_fn fn = tcp_authopt_tp_on(TCP_AUTHOPT_TP_AO_REQUIRED);

	if (!fn)
		return;
	__skb_pull(skb, thoff);
	preempt_disable_notrace();
	fn(NULL, sk, skb);
	preempt_enable_notrace();
	__skb_push(skb, thoff);
}

void tcp_authopt_trace_seg(enum tcp_authopt_tp id, const struct sock *sk,
			   struct sk_buff *skb, unsigned int thoff, u8 keyid,
			   u8 rnext, u8 maclen)
{
	tcp_authopt_seg_fn fn = tcp_authopt_tp_on(id);

	if (!fn)
		return;
	__skb_pull(skb, thoff);
	preempt_disable_notrace();
	fn(NULL, sk, skb, keyid, rnext, maclen);
	preempt_enable_notrace();
	__skb_push(skb, thoff);
}

void tcp_authopt_trace_synack_no_key(const struct sock *listener, u8 keyid,
				     u8 rnext)
{
	tcp_authopt_sk_fn fn = tcp_authopt_tp_on(TCP_AUTHOPT_TP_SYNACK_NO_KEY);

	if (!fn)
		return;
	preempt_disable_notrace();
	fn(NULL, listener, keyid, rnext);
	preempt_enable_notrace();
}

void tcp_authopt_trace_sne(enum tcp_authopt_tp id, const struct sock *sk,
			   u32 sne)
{
	tcp_authopt_sne_fn fn = tcp_authopt_tp_on(id);

	if (!fn)
		return;
	preempt_disable_notrace();
	fn(NULL, sk, sne);
	preempt_enable_notrace();
}
