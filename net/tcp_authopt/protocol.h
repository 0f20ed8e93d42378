/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP-AO protocol constants and limits, with the RFC section that sets each.
 */
#ifndef _TCP_AUTHOPT_PROTOCOL_H
#define _TCP_AUTHOPT_PROTOCOL_H

#include <net/tcp.h>

enum tcp_authopt_limits {
	/* RFC 5925 section 2.2: TCP option kind of TCP-AO */
	TCPOPT_AUTHOPT = 29,
	/*
	 * RFC 4727 section 7: experimental option kind; a verified TCP-AO
	 * option is handed to TCP under it when TCP must not see TCP-AO
	 */
	TCP_AUTHOPT_HIDDEN_KIND = 253,
	/* RFC 5925 section 2.2: Kind, Length, KeyID, RNextKeyID */
	TCP_AUTHOPT_OPT_HDR_LEN = 4,
	/* RFC 5926 section 3.2: both mandatory MACs are truncated to 96 bits */
	TCP_AUTHOPT_DEFAULT_MACLEN = 12,
	/* RFC 5925 section 2.2: the option with a 96-bit MAC */
	TCP_AUTHOPT_OPT_LEN = TCP_AUTHOPT_OPT_HDR_LEN + TCP_AUTHOPT_DEFAULT_MACLEN,
	/* RFC 5925 section 2.2: the option must fit in TCP's 40 option bytes */
	TCP_AUTHOPT_MAX_MACLEN = 40 - TCP_AUTHOPT_OPT_HDR_LEN,
	/* RFC 5925 section 3.1 and upstream TCP_AO_MAXKEYLEN */
	TCP_AUTHOPT_MAX_KEYLEN = 80,
	/* RFC 5926 section 3.1.1.2: AES-128-CMAC takes exactly 16 key bytes */
	TCP_AUTHOPT_CMAC_KEYLEN = 16,
	/* RFC 5926 section 3.1.1: KDF counter i, always 1 for one block */
	TCP_AUTHOPT_KDF_COUNTER = 1,
	/* RFC 5925 section 5.2: IPv6 context: two addresses, ports, ISNs */
	TCP_AUTHOPT_MAX_CONTEXT_LEN = 16 + 16 + 2 + 2 + 4 + 4,
	/* largest hash block an HMAC traffic key is prepared for (SHA-512) */
	TCP_AUTHOPT_HMAC_MAX_BLOCK = 128,
};

/*
 * The free option space of a SYN that also carries MSS, timestamps and
 * window scale: a key's option, 32-bit aligned, must fit in it (upstream
 * refuses a longer MAC with EMSGSIZE).
 */
#define TCP_AUTHOPT_SYN_SPACE (MAX_TCP_OPTION_SPACE - TCPOLEN_MSS_ALIGNED - \
			       TCPOLEN_TSTAMP_ALIGNED - TCPOLEN_WSCALE_ALIGNED)

/* RFC 5926 section 3.1.1: the KDF label */
#define TCP_AUTHOPT_KDF_LABEL "TCP-AO"

#endif /* _TCP_AUTHOPT_PROTOCOL_H */
