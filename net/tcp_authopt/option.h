/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding and reading the TCP-AO option in a TCP header.
 */
#ifndef _TCP_AUTHOPT_OPTION_H
#define _TCP_AUTHOPT_OPTION_H

#include <linux/tcp.h>

/**
 * struct tcp_authopt_opt - where TCP-AO sits in a header, and what it says
 * @offset: offset of the option's kind byte from the start of the TCP header
 * @len: the option's length byte (4 + MAC length)
 * @keyid: KeyID of the MAC
 * @rnextkeyid: the key the sender wants to receive with (RNextKeyID)
 */
struct tcp_authopt_opt {
	unsigned int offset;
	unsigned int len;
	u8 keyid;
	u8 rnextkeyid;
};

int tcp_authopt_parse(const u8 *th, unsigned int thlen,
		      struct tcp_authopt_opt *opt);
bool tcp_authopt_has_md5(const u8 *th, unsigned int thlen);

#endif /* _TCP_AUTHOPT_OPTION_H */
