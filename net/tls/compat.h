/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the tls module builds for. Kbuild probes
 * the headers (see Kbuild); core files only test the KRTLS_HAVE_* macros.
 */
#ifndef _KRTLS_COMPAT_H
#define _KRTLS_COMPAT_H

#include <linux/socket.h>

/*
 * KRTLS_HAVE_PROTO_SENDPAGE: struct proto still has ->sendpage (6.1), so
 * sendfile() and splice() into the socket arrive there. Newer kernels
 * pass spliced pages to ->sendmsg with MSG_SPLICE_PAGES instead.
 */
#ifndef MSG_SPLICE_PAGES
#define MSG_SPLICE_PAGES 0
#endif

/* sendpage() hint that more pages follow; gone with ->sendpage. */
#ifndef MSG_SENDPAGE_NOTLAST
#define MSG_SENDPAGE_NOTLAST 0
#endif

#ifndef MSG_SENDPAGE_NOPOLICY
#define MSG_SENDPAGE_NOPOLICY 0
#endif

#endif /* _KRTLS_COMPAT_H */
