/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux >= 6.7 TCP-AO socket options (TCP_AO_ADD_KEY .. TCP_AO_REPAIR)
 * and the tcp_prot wrappers that deliver them.
 */
#ifndef _TCP_AUTHOPT_SOCKOPT_H
#define _TCP_AUTHOPT_SOCKOPT_H

#include <linux/sockptr.h>
#include <net/sock.h>

int tcp_authopt_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			   unsigned int optlen);
int tcp_authopt_getsockopt(struct sock *sk, int optname, char __user *optval,
			   int __user *optlen);
bool tcp_authopt_md5_conflict(struct sock *sk, sockptr_t optval,
			      unsigned int optlen);
int tcp_authopt_connect_check(struct sock *sk, struct sockaddr *uaddr,
			      int addr_len);

void tcp_authopt_proto_install(void);
void tcp_authopt_proto_uninstall(void);

#endif /* _TCP_AUTHOPT_SOCKOPT_H */
