// SPDX-License-Identifier: GPL-2.0
/*
 * TCP option walking for TCP-AO (RFC 5925 section 2.2).
 */

#include <linux/errno.h>
#include <net/tcp.h>

#include "option.h"
#include "protocol.h"

/**
 * tcp_authopt_parse() - find the TCP-AO option in a TCP header
 * @th: the TCP header, @thlen bytes including options
 * @thlen: header length from the data offset field
 * @opt: filled in when the option is found
 *
 * Return: 0 when exactly one well-formed TCP-AO option is present,
 * -ENOENT when there is none, -EINVAL when the options are malformed or
 * TCP-AO appears more than once.
 */
int tcp_authopt_parse(const u8 *th, unsigned int thlen,
		      struct tcp_authopt_opt *opt)
{
	unsigned int off = sizeof(struct tcphdr);
	bool found = false;

	while (off < thlen) {
		u8 kind = th[off], len;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 2 > thlen)
			return -EINVAL;
		len = th[off + 1];
		if (len < 2 || off + len > thlen)
			return -EINVAL;
		if (kind == TCPOPT_AUTHOPT) {
			if (found || len <= TCP_AUTHOPT_OPT_HDR_LEN)
				return -EINVAL;
			opt->offset = off;
			opt->len = len;
			opt->keyid = th[off + 2];
			opt->rnextkeyid = th[off + 3];
			found = true;
		}
		off += len;
	}
	return found ? 0 : -ENOENT;
}
