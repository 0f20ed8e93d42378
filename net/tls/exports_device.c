// SPDX-License-Identifier: GPL-2.0
/*
 * The five symbols the in-tree tls.ko exports for TLS device offload.
 * Once this module is installed under updates/ it shadows the in-tree
 * module, and drivers built against it (bonding, cxgb4, chcr, nfp, ...)
 * resolve these symbols here, so they must exist with the same
 * prototypes (and therefore the same symbol CRCs) for those drivers to
 * load. This module never sets up device offload: no socket of ours
 * carries tls_validate_xmit_skb as sk_validate_xmit_skb, which is what the
 * drivers test before calling any of them, so they are never reached.
 * They fail safe if they are.
 *
 * The CRC of an exported symbol (CONFIG_MODVERSIONS) depends on every type
 * definition visible where it is defined, so this file includes the same
 * public headers as the in-tree file that defines these symbols.
 */
#include <crypto/aead.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/dst.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include <net/tls.h>
#ifdef KRTLS_HAVE_SKBUFF_REF_H
#include <linux/skbuff_ref.h>
#endif
#include <asm/byteorder.h>
#include <linux/types.h>
#include <linux/skmsg.h>
#ifdef KRTLS_HAVE_TLS_PROT_H
#include <net/tls_prot.h>
#endif
#include <linux/tracepoint.h>

struct tls_record_info *tls_get_record(struct tls_offload_context_tx *context,
				       u32 seq, u64 *p_record_sn)
{
	return NULL;
}
EXPORT_SYMBOL(tls_get_record);

void tls_device_sk_destruct(struct sock *sk)
{
}
EXPORT_SYMBOL_GPL(tls_device_sk_destruct);

void tls_offload_tx_resync_request(struct sock *sk, u32 got_seq, u32 exp_seq)
{
}
EXPORT_SYMBOL_GPL(tls_offload_tx_resync_request);
