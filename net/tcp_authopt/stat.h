/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-namespace, per-CPU counters shown in /proc/net/tcp_authopt_stat.
 */
#ifndef _TCP_AUTHOPT_STAT_H
#define _TCP_AUTHOPT_STAT_H

#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

enum tcp_authopt_mib_field {
	TCP_AUTHOPT_MIB_GOOD,		/* TCPAOGood: segments whose MAC verified */
	TCP_AUTHOPT_MIB_BAD,		/* TCPAOBad: segments dropped for a wrong MAC */
	TCP_AUTHOPT_MIB_KEY_NOT_FOUND,	/* TCPAOKeyNotFound: dropped, unknown KeyID */
	TCP_AUTHOPT_MIB_REQUIRED,	/* TCPAORequired: dropped, TCP-AO missing */
	TCP_AUTHOPT_MIB_DROPPED_ICMPS,	/* TCPAODroppedIcmps: ICMP errors ignored */
	TCP_AUTHOPT_MIB_SELFTEST_PASS,	/* TCPAOSelfTestPass: RFC 9235 vectors passed */
	TCP_AUTHOPT_MIB_SELFTEST_FAIL,	/* TCPAOSelfTestFail: RFC 9235 vectors failed */
	TCP_AUTHOPT_MIB_KEY_REQ_REJECTED, /* TCPAOKeyRequestRejected: netlink key request refused */
	TCP_AUTHOPT_MIB_SEND_EXPIRED,	/* TCPAOSendExpired: not sent, no chain key valid */
	TCP_AUTHOPT_MIB_NO_SOCKET,	/* TCPAONoSocket: dropped, TCP-AO for no socket */
	__TCP_AUTHOPT_MIB_MAX
};

struct tcp_authopt_mib {
	unsigned long mibs[__TCP_AUTHOPT_MIB_MAX];
};

/**
 * struct tcp_authopt_net - the module's state in one network namespace
 * @mib: per-CPU counters
 */
struct tcp_authopt_net {
	struct tcp_authopt_mib __percpu *mib;
};

extern unsigned int tcp_authopt_net_id;

static inline struct tcp_authopt_net *tcp_authopt_pernet(const struct net *net)
{
	return net_generic(net, tcp_authopt_net_id);
}

static inline void tcp_authopt_inc_stats(const struct net *net,
					 enum tcp_authopt_mib_field field)
{
	this_cpu_inc(tcp_authopt_pernet(net)->mib->mibs[field]);
}

int tcp_authopt_stat_init(void);
void tcp_authopt_stat_exit(void);

#endif /* _TCP_AUTHOPT_STAT_H */
