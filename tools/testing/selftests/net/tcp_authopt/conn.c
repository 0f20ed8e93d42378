// SPDX-License-Identifier: GPL-2.0
/*
 * TCP-AO connections over loopback, for behaviour that upstream's tcp_ao
 * selftests check and a transfer does not show:
 *  - a connection still in the listener's accept queue is reset, with a
 *    signed RST, when the listener closes (the client sees ECONNRESET);
 *  - a TCP-MD5 SYN to a socket with only TCP-AO keys is TCP's to refuse:
 *    counted as TcpExt TCPMD5Unexpected, not as TCPAORequired.
 * Run in a namespace of its own (unshare), for IPv4 and IPv6.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp_authopt.h>

#include "kselftest_harness.h"

FIXTURE(conn) {
	struct sockaddr_storage lo;
	socklen_t len;
	int lsk;
};

FIXTURE_VARIANT(conn) {
	int family;
	const char *addr;
};

FIXTURE_VARIANT_ADD(conn, ipv4) {
	.family = AF_INET,
	.addr = "127.0.0.1",
};

FIXTURE_VARIANT_ADD(conn, ipv6) {
	.family = AF_INET6,
	.addr = "::1",
};

static void lo_addr(int family, const char *a, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, a, &sin->sin_addr);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, a, &sin6->sin6_addr);
		*len = sizeof(*sin6);
	}
}

static int add_ao(int fd, const struct sockaddr_storage *peer, int family)
{
	struct tcp_ao_add k = {};

	memcpy(&k.addr, peer, sizeof(k.addr));
	/* The key is for the address: no port. */
	if (family == AF_INET)
		((struct sockaddr_in *)&k.addr)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&k.addr)->sin6_port = 0;
	k.prefix = family == AF_INET ? 32 : 128;
	strcpy(k.alg_name, "hmac(sha1)");
	k.sndid = 100;
	k.rcvid = 100;
	k.keylen = 12;
	memcpy(k.key, "loopback key", 12);
	return setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &k, sizeof(k));
}

/* A counter of /proc/net/netstat ("TcpExt") or /proc/net/tcp_authopt_stat. */
static long counter(const char *name)
{
	char names[8192], vals[8192], *n, *v, *sn, *sv;
	char line[256], key[128];
	long val = -1, x;
	FILE *f;

	f = fopen("/proc/net/tcp_authopt_stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", key, &x) == 2 && !strcmp(key, name))
			val = x;
	if (f)
		fclose(f);
	if (val >= 0)
		return val;
	f = fopen("/proc/net/netstat", "r");
	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(vals, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, name))
				val = atol(v);
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return val;
}

FIXTURE_SETUP(conn)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up"));
	lo_addr(variant->family, variant->addr, &self->lo, &self->len);
	self->lsk = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(self->lsk, 0);
	ASSERT_EQ(0, bind(self->lsk, (struct sockaddr *)&self->lo, self->len));
	ASSERT_EQ(0, getsockname(self->lsk, (struct sockaddr *)&self->lo, &self->len));
}

FIXTURE_TEARDOWN(conn)
{
	if (self->lsk >= 0)
		close(self->lsk);
}

/*
 * The listener closes with an established connection it never accepted:
 * the child resets it. Its RST must carry TCP-AO, or the client, which
 * requires TCP-AO from this peer, drops it and never learns.
 */
TEST_F(conn, accept_queue_reset_signed)
{
	struct timeval tv = { .tv_sec = 5 };
	long unsigned_before;
	char c;
	int sk;

	ASSERT_EQ(0, add_ao(self->lsk, &self->lo, variant->family));
	ASSERT_EQ(0, listen(self->lsk, 4));
	sk = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(sk, 0);
	ASSERT_EQ(0, add_ao(sk, &self->lo, variant->family));
	ASSERT_EQ(0, connect(sk, (struct sockaddr *)&self->lo, self->len));
	ASSERT_EQ(0, setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	unsigned_before = counter("TCPAORequired");
	/* Let the handshake's last ACK reach the listener. */
	usleep(200000);
	close(self->lsk);
	self->lsk = -1;
	EXPECT_EQ(-1, recv(sk, &c, 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(unsigned_before, counter("TCPAORequired"));
	close(sk);
}

/*
 * A TCP-MD5 SYN for a listener that has a TCP-AO key for the peer and no
 * MD5 key: dropped by TCP's MD5 check, as upstream counts it.
 */
TEST_F(conn, md5_syn_to_ao_listener)
{
	long md5_before, req_before;
	struct tcp_md5sig md5 = {};
	struct pollfd pfd;
	int sk;

	ASSERT_EQ(0, add_ao(self->lsk, &self->lo, variant->family));
	ASSERT_EQ(0, listen(self->lsk, 4));
	sk = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(sk, 0);
	memcpy(&md5.tcpm_addr, &self->lo, sizeof(md5.tcpm_addr));
	((struct sockaddr_in *)&md5.tcpm_addr)->sin_port = 0;
	md5.tcpm_keylen = 6;
	memcpy(md5.tcpm_key, "secret", 6);
	ASSERT_EQ(0, setsockopt(sk, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)));
	ASSERT_EQ(0, fcntl(sk, F_SETFL, O_NONBLOCK));
	md5_before = counter("TCPMD5Unexpected");
	req_before = counter("TCPAORequired");
	ASSERT_GE(md5_before, 0);
	ASSERT_GE(req_before, 0);
	EXPECT_EQ(-1, connect(sk, (struct sockaddr *)&self->lo, self->len));
	EXPECT_EQ(EINPROGRESS, errno);
	pfd.fd = sk;
	pfd.events = POLLOUT;
	/* No answer: the first SYN is dropped, the connect stays pending. */
	EXPECT_EQ(0, poll(&pfd, 1, 1500));
	EXPECT_LT(md5_before, counter("TCPMD5Unexpected"));
	EXPECT_EQ(req_before, counter("TCPAORequired"));
	close(sk);
}

TEST_HARNESS_MAIN
