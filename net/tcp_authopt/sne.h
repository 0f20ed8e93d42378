/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sequence Number Extension (RFC 5925 section 6.2): the 32-bit count of
 * sequence number wraps, tracked from the sequence numbers seen.
 */
#ifndef _TCP_AUTHOPT_SNE_H
#define _TCP_AUTHOPT_SNE_H

#include <net/tcp.h>

/**
 * struct tcp_authopt_sne - SNE of one direction
 * @sne: extension of @seq
 * @seq: highest sequence number seen so far
 */
struct tcp_authopt_sne {
	u32 sne;
	u32 seq;
};

/**
 * tcp_authopt_sne_of() - the SNE of a sequence number near the highest seen
 * @s: tracking state
 * @seq: sequence number of a segment
 *
 * A number after @s->seq that is numerically smaller has wrapped; one
 * before it that is numerically larger is from before the last wrap.
 */
static inline u32 tcp_authopt_sne_of(const struct tcp_authopt_sne *s, u32 seq)
{
	if (after(seq, s->seq) && seq < s->seq)
		return s->sne + 1;
	if (before(seq, s->seq) && seq > s->seq)
		return s->sne - 1;
	return s->sne;
}

/*
 * Record @seq, whose extension is @sne, if it is the highest so far.
 * Returns true when that moved the extension on (the 32 bits wrapped).
 */
static inline bool tcp_authopt_sne_update(struct tcp_authopt_sne *s, u32 seq,
					  u32 sne)
{
	bool wrapped = false;

	if (after(seq, s->seq)) {
		wrapped = sne != s->sne;
		s->seq = seq;
		s->sne = sne;
	}
	return wrapped;
}

#endif /* _TCP_AUTHOPT_SNE_H */
