/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key specifications on the command line of the C test helpers (ao_xfer,
 * ao_connrate): SNDID:RCVID:ALG:KEY:PEER/PREFIX[+x][+mLEN][@DEV] as a
 * struct tcp_ao_add for the Linux >= 6.7 socket API. "+x" sets
 * exclude-options, "+mLEN" a MAC length of LEN bytes, "@DEV" binds the key
 * to VRF DEV (TCP_AO_KEYF_IFINDEX).
 */
#ifndef _KEYSPEC_H
#define _KEYSPEC_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/tcp_authopt.h>

static inline int keyspec_addr(int family, const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (void *)ss;
	struct sockaddr_in *sin = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		return inet_pton(AF_INET, s, &sin->sin_addr) == 1 ? 0 : -1;
	}
	sin6->sin6_family = AF_INET6;
	return inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1 ? 0 : -1;
}

/* Parse @spec (modified) into @k for a socket of @family; exit 2 if bad. */
static inline void keyspec_parse(int family, char *spec, struct tcp_ao_add *k)
{
	char *f[4], *p = spec, *peer, *slash, *flags, *dev;
	int i;

	for (i = 0; i < 4; i++)
		f[i] = strsep(&p, ":");
	peer = p;	/* the rest: an IPv6 address has colons */
	if (!peer || !(slash = strchr(peer, '/'))) {
		fprintf(stderr, "bad key %s: need PEER/PREFIX\n", spec);
		exit(2);
	}
	memset(k, 0, sizeof(*k));
	k->sndid = atoi(f[0]);
	k->rcvid = atoi(f[1]);
	snprintf(k->alg_name, sizeof(k->alg_name), "%s", f[2]);
	k->keylen = strlen(f[3]);
	memcpy(k->key, f[3], k->keylen);
	*slash = '\0';
	dev = strchr(slash + 1, '@');
	if (dev) {
		*dev++ = '\0';
		k->keyflags |= TCP_AO_KEYF_IFINDEX;
		k->ifindex = if_nametoindex(dev);
		if (!k->ifindex) {
			fprintf(stderr, "no device %s\n", dev);
			exit(2);
		}
	}
	flags = strchr(slash + 1, '+');
	if (flags && strchr(flags, 'x'))
		k->keyflags |= TCP_AO_KEYF_EXCLUDE_OPT;
	if (flags && strchr(flags, 'm'))
		k->maclen = atoi(strchr(flags, 'm') + 1);
	k->prefix = atoi(slash + 1);
	if (keyspec_addr(family, peer, (void *)&k->addr)) {
		fprintf(stderr, "bad key address %s\n", peer);
		exit(2);
	}
}

#endif /* _KEYSPEC_H */
