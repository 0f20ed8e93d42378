/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcp_authopt builds for. Core files use
 * only what is defined here; features are probed by Kbuild (see Kbuild),
 * not inferred from version numbers.
 */
#ifndef _TCP_AUTHOPT_COMPAT_H
#define _TCP_AUTHOPT_COMPAT_H

#include <net/sock.h>

/* skb_gso_segment() moved to <net/gso.h>; Kbuild probes for it. */
#ifdef TCP_AUTHOPT_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#endif /* _TCP_AUTHOPT_COMPAT_H */
