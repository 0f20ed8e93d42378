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
#include <net/tls.h>
#include <crypto/aead.h>
#include <crypto/scatterwalk.h>
#include <net/ip6_checksum.h>
#ifdef KRTLS_HAVE_SKBUFF_REF_H
#include <linux/skbuff_ref.h>
#endif
#include <asm/byteorder.h>
#include <linux/types.h>
#include <linux/skmsg.h>
#ifdef KRTLS_HAVE_TLS_PROT_H
#include <net/tls_prot.h>
#endif
#include <linux/module.h>

struct sk_buff *tls_validate_xmit_skb(struct sock *sk, struct net_device *dev,
				      struct sk_buff *skb)
{
	return skb;
}
EXPORT_SYMBOL_GPL(tls_validate_xmit_skb);

struct sk_buff *tls_encrypt_skb(struct sk_buff *skb)
{
	/* Never send what should have been encrypted. */
	kfree_skb(skb);
	return NULL;
}
EXPORT_SYMBOL_GPL(tls_encrypt_skb);
