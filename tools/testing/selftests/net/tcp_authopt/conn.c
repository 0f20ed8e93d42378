// SPDX-License-Identifier: GPL-2.0
/*
 * TCP-AO connections over loopback, for behaviour that upstream's tcp_ao
 * selftests check and a transfer does not show:
 *  - a connection still in the listener's accept queue is reset, with a
 *    signed RST, when the listener closes (the client sees ECONNRESET);
 *  - a TCP-MD5 SYN to a socket with only TCP-AO keys is TCP's to refuse:
 *    counted as TcpExt TCPMD5Unexpected, not as TCPAORequired;
 *  - data for a connection the peer closed (FIN_WAIT2) is answered with a
 *    signed RST;
 *  - a socket connected to itself (a simultaneous open) signs and verifies
 *    its handshake and data;
 *  - a handshake whose MAC is 13 bytes or longer completes at the listener
 *    (Linux 6.12's TCP, built without TCP-AO, drops the last ACK of such a
 *    handshake as TcpExt TCPAOBad unless the module hides the option).
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

/*
 * The harness's setjmp() makes GCC warn about its own locals once a test
 * body calls a helper that can ASSERT; the warning is not about this code.
 */
#pragma GCC diagnostic ignored "-Wclobbered"
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

/* Add the test's key for @peer; @maclen 0 is the algorithm's default. */
static int add_ao_mac(int fd, const struct sockaddr_storage *peer, int family,
		      int maclen)
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
	k.maclen = maclen;
	return setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &k, sizeof(k));
}

static int add_ao(int fd, const struct sockaddr_storage *peer, int family)
{
	return add_ao_mac(fd, peer, family, 0);
}

/* A TcpExt counter of /proc/net/netstat, or -1 when the kernel has none. */
static long tcpext(const char *name)
{
	char names[8192], vals[8192], *n, *v, *sn, *sv;
	long val = -1;
	FILE *f;

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

/* A counter of /proc/net/tcp_authopt_stat, else of TcpExt. */
static long counter(const char *name)
{
	char line[256], key[128];
	long val = -1, x;
	FILE *f;

	f = fopen("/proc/net/tcp_authopt_stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", key, &x) == 2 && !strcmp(key, name))
			val = x;
	if (f)
		fclose(f);
	return val >= 0 ? val : tcpext(name);
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

/*
 * Data for a connection its peer closed: the peer, in FIN_WAIT2, answers
 * with a RST that must be signed with the connection's keys, or the writer
 * would retransmit until it times out. With tcp_fin_timeout at most 60 s
 * the peer is a timewait socket; above, it stays an orphaned full socket,
 * which TCP destroys before it sends the RST.
 */
static void rst_from_fin_wait2(struct __test_metadata *_metadata,
			       FIXTURE_DATA(conn) *self,
			       const FIXTURE_VARIANT(conn) *variant,
			       const char *fin_timeout)
{
	struct timeval tv = { .tv_sec = 5 };
	struct pollfd pfd = { .events = 0 };
	socklen_t elen = sizeof(int);
	int sk, srv, err = 0;
	FILE *f;
	char c;

	f = fopen("/proc/sys/net/ipv4/tcp_fin_timeout", "w");
	ASSERT_NE(NULL, f);
	fputs(fin_timeout, f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, add_ao(self->lsk, &self->lo, variant->family));
	ASSERT_EQ(0, listen(self->lsk, 4));
	sk = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(sk, 0);
	ASSERT_EQ(0, add_ao(sk, &self->lo, variant->family));
	ASSERT_EQ(0, connect(sk, (struct sockaddr *)&self->lo, self->len));
	srv = accept(self->lsk, NULL, NULL);
	ASSERT_GE(srv, 0);
	ASSERT_EQ(0, setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	close(srv);
	EXPECT_EQ(0, recv(sk, &c, 1, 0));
	/* Let the ACK of the FIN reach the server's timewait socket. */
	usleep(200000);
	EXPECT_EQ(1, send(sk, "x", 1, MSG_NOSIGNAL));
	/* Reset in CLOSE_WAIT: POLLERR, and SO_ERROR is EPIPE. */
	pfd.fd = sk;
	EXPECT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLERR);
	EXPECT_EQ(0, getsockopt(sk, SOL_SOCKET, SO_ERROR, &err, &elen));
	EXPECT_EQ(EPIPE, err);
	/* Nothing unsigned, nothing mis-signed (the RST's checksum too). */
	EXPECT_EQ(0, counter("TCPAOKeyNotFound"));
	EXPECT_EQ(0, counter("TCPAORequired"));
	EXPECT_EQ(0, counter("TCPAOBad"));
	close(sk);
}

TEST_F(conn, rst_from_fin_wait2_timewait)
{
	rst_from_fin_wait2(_metadata, self, variant, "60");
}

TEST_F(conn, rst_from_fin_wait2_orphan)
{
	rst_from_fin_wait2(_metadata, self, variant, "120");
}

/*
 * A socket connected to itself goes through a simultaneous open (RFC 793
 * figure 8): its SYN-ACK is signed in SYN_RECV, with its own SYN still
 * unacknowledged, and must verify; then bytes go round intact.
 */
TEST_F(conn, self_connect)
{
	struct pollfd pfd = { .events = POLLOUT };
	socklen_t elen = sizeof(int);
	char out[] = "self", in[sizeof(out)] = "";
	int err = -1;

	/* The fixture's socket, bound, connects to its own address. */
	ASSERT_EQ(0, add_ao(self->lsk, &self->lo, variant->family));
	ASSERT_EQ(0, fcntl(self->lsk, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, connect(self->lsk, (struct sockaddr *)&self->lo, self->len));
	EXPECT_EQ(EINPROGRESS, errno);
	pfd.fd = self->lsk;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(0, getsockopt(self->lsk, SOL_SOCKET, SO_ERROR, &err, &elen));
	ASSERT_EQ(0, err);
	EXPECT_EQ(sizeof(out), send(self->lsk, out, sizeof(out), 0));
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_EQ(sizeof(in), recv(self->lsk, in, sizeof(in), 0));
	EXPECT_STREQ(out, in);
	EXPECT_EQ(0, counter("TCPAOBad"));
}

/*
 * A handshake with a long MAC: the listener must accept the connection,
 * and bytes go both ways. TCP's own check of a segment for a request
 * socket (Linux 6.7 and later) sees a TCP-AO option of 18 bytes or more
 * with its padding, and, built without TCP-AO, drops it (TcpExt
 * TCPAOBad): the client is connected, the server never is.
 */
static void long_mac_handshake(struct __test_metadata *_metadata,
			       FIXTURE_DATA(conn) *self,
			       const FIXTURE_VARIANT(conn) *variant, int maclen)
{
	struct pollfd pfd = { .fd = self->lsk, .events = POLLIN };
	long kernel_bad = tcpext("TCPAOBad");
	char c = 0;
	int sk, srv;

	ASSERT_EQ(0, add_ao_mac(self->lsk, &self->lo, variant->family, maclen));
	ASSERT_EQ(0, listen(self->lsk, 4));
	sk = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(sk, 0);
	ASSERT_EQ(0, add_ao_mac(sk, &self->lo, variant->family, maclen));
	ASSERT_EQ(0, connect(sk, (struct sockaddr *)&self->lo, self->len));
	/* The handshake's last ACK is retransmitted only with data. */
	EXPECT_EQ(1, send(sk, "a", 1, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 3000)) TH_LOG("no connection to accept");
	srv = accept(self->lsk, NULL, NULL);
	ASSERT_GE(srv, 0);
	EXPECT_EQ(1, recv(srv, &c, 1, 0));
	EXPECT_EQ('a', c);
	EXPECT_EQ(1, send(srv, "b", 1, 0));
	EXPECT_EQ(1, recv(sk, &c, 1, 0));
	EXPECT_EQ('b', c);
	EXPECT_EQ(kernel_bad, tcpext("TCPAOBad"));
	EXPECT_EQ(0, counter("TCPAOBad"));
	EXPECT_LT(0, counter("TCPAOGood"));
	close(srv);
	close(sk);
}

TEST_F(conn, handshake_mac13)
{
	long_mac_handshake(_metadata, self, variant, 13);
}

TEST_F(conn, handshake_mac16)
{
	long_mac_handshake(_metadata, self, variant, 16);
}

TEST_HARNESS_MAIN
