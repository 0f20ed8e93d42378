/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCP_AUTHOPT_SELFTEST_H
#define _TCP_AUTHOPT_SELFTEST_H

#include <net/net_namespace.h>

int tcp_authopt_selftest(struct net *net);
void tcp_authopt_selftest_debugfs_init(void);
void tcp_authopt_selftest_debugfs_exit(void);

#endif /* _TCP_AUTHOPT_SELFTEST_H */
