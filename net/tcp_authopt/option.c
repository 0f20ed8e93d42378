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
 * -ENOENT when there is none, -EBADMSG when TCP-AO appears more than once
 * or is too short to hold a MAC, -EINVAL when other options are malformed.
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
				return -EBADMSG;
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

/**
 * tcp_authopt_has_md5() - whether a TCP header carries TCP-MD5
 * @th: the TCP header, @thlen bytes including options
 * @thlen: header length from the data offset field
 *
 * RFC 5925 section 7.3: a segment must never carry both TCP-MD5 and
 * TCP-AO; a peer protected by one is never given the other.
 */
bool tcp_authopt_has_md5(const u8 *th, unsigned int thlen)
{
	unsigned int off = sizeof(struct tcphdr);

	while (off < thlen && th[off] != TCPOPT_EOL) {
		if (th[off] == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (th[off] == TCPOPT_MD5SIG)
			return true;
		if (off + 1 >= thlen || th[off + 1] < 2)
			return false;
		off += th[off + 1];
	}
	return false;
}
