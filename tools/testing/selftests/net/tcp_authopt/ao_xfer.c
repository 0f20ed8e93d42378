// SPDX-License-Identifier: GPL-2.0
/*
 * ao_xfer: move a checked byte stream over a TCP-AO connection, for the
 * shell selftests. Both ends send and receive BYTES of a pseudo-random
 * pattern at once and verify every byte; keys are set with the Linux >= 6.7
 * socket API; optional key rollovers switch current and RNext keys during
 * the transfer. Prints the per-socket and per-key counters at the end.
 *
 *   ao_xfer -l ADDR -p PORT [options]     listen, serve one connection
 *   ao_xfer -c ADDR -p PORT [options]     connect
 *
 *   -k SNDID:RCVID:ALG:KEY:PEER/PREFIX[+x][+mLEN][@DEV]  add a key (+x:
 *                  exclude options; +mLEN: a MAC of LEN bytes; @DEV: bound
 *                  to VRF DEV, TCP_AO_KEYF_IFINDEX)
 *   -L             add the keys after the first to the connection once it
 *                  is up (connect() or accept() returned), not before
 *   -D DEV         bind the socket to device DEV (a VRF)
 *   -M KEY:PEER    a TCP-MD5 key for PEER instead of TCP-AO (for benchmarks)
 *
 * The transfer's duration and rate are printed (for make bench only: tests
 * never judge timing).
 *   -n BYTES       bytes to send and to expect (default 1 MiB)
 *   -N BYTES       bytes to expect, when not the same as sent
 *   -r COUNT       key rollovers spread over the transfer (two keys needed)
 *   -o             rollovers set only RNext: the peer is asked to switch
 *   -6             IPv6 socket (ADDR may be v4-mapped)
 *   -e ERRNO       expect connect() to fail with this errno, then exit 0
 *   -w SECONDS     stop with an error after this long (default 120)
 *   -t USEC        pause after each write (keeps a transfer going)
 *   -s LPORT       (with -c) bind the socket to local port LPORT first
 *   -X             after the transfer, try to add and delete a key for the
 *                  peer on the connection and print both errnos (a
 *                  connection keyed by its namespace's chain refuses)
 *   -W PATH        after the transfer, hold the connection open until PATH
 *                  exists, then report (for tests that act on a live one)
 *   -R SND:RCV:LPORT  repair mode (with -c): no handshake; the socket is
 *                  bound to LPORT and placed at send sequence SND and
 *                  receive sequence RCV (hex or decimal) with TCP_REPAIR,
 *                  TCP-AO ISNs are SND - 1 and RCV - 1 with SNEs 0 set by
 *                  TCP_AO_REPAIR; the two ends run it with mirrored values.
 *                  The report adds both SNEs as TCP_AO_REPAIR reads them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>

#include <linux/tcp_authopt.h>

#include "keyspec.h"

#define MAX_KEYS 8

static struct tcp_ao_add keys[MAX_KEYS];
static int nkeys;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void parse_key(int family, char *spec)
{
	if (nkeys == MAX_KEYS)
		exit(2);
	keyspec_parse(family, spec, &keys[nkeys++]);
}

static void add_keys(int fd, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		if (setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &keys[i], sizeof(keys[i])))
			die("TCP_AO_ADD_KEY");
}

/* A pattern each side can check without sharing state: xorshift on offset. */
static uint8_t pattern(uint64_t off)
{
	uint64_t x = (off / 8 + 1) * 0x9E3779B97F4A7C15ull;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 32;
	return x >> (8 * (off % 8));
}

static int throttle_us;
static int rnext_only;
static int key_change;
static int src_port;

static void set_keys(int fd, int idx)
{
	struct tcp_ao_info_opt info = {};

	info.set_current = !rnext_only;
	info.current_key = keys[idx].sndid;
	info.set_rnext = 1;
	info.rnext = keys[idx].rcvid;
	if (setsockopt(fd, IPPROTO_TCP, TCP_AO_INFO, &info, sizeof(info)))
		die("TCP_AO_INFO set");
}

struct repair {
	uint32_t snd, rcv;
	int lport;
};

static void repair_mode(int fd, int on)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)))
		die("TCP_REPAIR");
}

static void repair_queue_seq(int fd, int queue, uint32_t seq)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &queue, sizeof(queue)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, sizeof(seq)))
		die("TCP_QUEUE_SEQ");
}

/* Make @fd an established connection to @peer without a handshake. */
static void repair_connect(int fd, const struct repair *r,
			   struct sockaddr_storage *peer)
{
	struct tcp_repair_opt opts[] = {
		{ TCPOPT_MAXSEG, 1400 },
		{ TCPOPT_WINDOW, 7 << 16 | 7 },
	};
	struct tcp_repair_window win = {
		.snd_wl1 = r->rcv, .snd_wnd = 1 << 20, .max_window = 1 << 20,
		.rcv_wnd = 1 << 20, .rcv_wup = r->rcv,
	};
	struct sockaddr_storage local = { .ss_family = peer->ss_family };
	struct tcp_ao_repair ao = {};

	repair_mode(fd, 1);
	repair_queue_seq(fd, TCP_SEND_QUEUE, r->snd);
	repair_queue_seq(fd, TCP_RECV_QUEUE, r->rcv);
	if (local.ss_family == AF_INET)
		((struct sockaddr_in *)&local)->sin_port = htons(r->lport);
	else
		((struct sockaddr_in6 *)&local)->sin6_port = htons(r->lport);
	if (bind(fd, (void *)&local, sizeof(local)))
		die("bind");
	if (connect(fd, (void *)peer, sizeof(*peer)))
		die("connect (repair)");
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_OPTIONS, opts, sizeof(opts)))
		die("TCP_REPAIR_OPTIONS");
	/* Open windows, as a restored connection has them: without this the
	 * window edge (snd_wl1 0) lies after sequence numbers near 2^32 and
	 * the peer's first window update would be ignored.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &win, sizeof(win)))
		die("TCP_REPAIR_WINDOW");
	ao.snt_isn = htonl(r->snd - 1);
	ao.rcv_isn = htonl(r->rcv - 1);
	if (setsockopt(fd, IPPROTO_TCP, TCP_AO_REPAIR, &ao, sizeof(ao)))
		die("TCP_AO_REPAIR set");
	repair_mode(fd, TCP_REPAIR_OFF);
	printf("repaired at snd=%#x rcv=%#x\n", r->snd, r->rcv);
}

static void report_sne(int fd)
{
	struct tcp_ao_repair ao = {};
	socklen_t len = sizeof(ao);

	repair_mode(fd, 1);
	if (getsockopt(fd, IPPROTO_TCP, TCP_AO_REPAIR, &ao, &len))
		die("TCP_AO_REPAIR get");
	repair_mode(fd, TCP_REPAIR_OFF_NO_WP);
	printf("sne snd=%u rcv=%u isn snt=%#x rcv=%#x\n", ao.snd_sne, ao.rcv_sne,
	       ntohl(ao.snt_isn), ntohl(ao.rcv_isn));
}

/* -X: whether the socket options may change this connection's keys. */
static void try_key_change(int fd)
{
	struct tcp_ao_add add = { .sndid = 99, .rcvid = 99, .keylen = 4 };
	struct tcp_ao_del del = { .sndid = 99, .rcvid = 99 };
	socklen_t len = sizeof(add.addr);
	int add_err = 0, del_err = 0;

	if (getpeername(fd, (void *)&add.addr, &len))
		die("getpeername");
	add.prefix = add.addr.ss_family == AF_INET ? 32 : 128;
	strcpy(add.alg_name, "hmac(sha1)");
	memcpy(add.key, "spam", 4);
	memcpy(&del.addr, &add.addr, sizeof(del.addr));
	del.prefix = add.prefix;
	if (setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &add, sizeof(add)))
		add_err = errno;
	if (setsockopt(fd, IPPROTO_TCP, TCP_AO_DEL_KEY, &del, sizeof(del)))
		del_err = errno;
	printf("key change: add errno=%d del errno=%d\n", add_err, del_err);
}

static void report(int fd)
{
	struct tcp_ao_getsockopt out[MAX_KEYS] = {};
	struct tcp_ao_info_opt info = {};
	socklen_t len = sizeof(info);
	unsigned int i;

	if (getsockopt(fd, IPPROTO_TCP, TCP_AO_INFO, &info, &len)) {
		if (errno != ENOENT)
			die("TCP_AO_INFO get");
		printf("socket without TCP-AO\n");
		return;
	}
	printf("socket good=%llu bad=%llu key_not_found=%llu ao_required=%llu dropped_icmp=%llu current=%d rnext=%d\n",
	       (unsigned long long)info.pkt_good, (unsigned long long)info.pkt_bad,
	       (unsigned long long)info.pkt_key_not_found,
	       (unsigned long long)info.pkt_ao_required,
	       (unsigned long long)info.pkt_dropped_icmp,
	       info.set_current ? info.current_key : -1,
	       info.set_rnext ? info.rnext : -1);
	out[0].get_all = 1;
	out[0].nkeys = MAX_KEYS;
	len = sizeof(out[0]);
	if (getsockopt(fd, IPPROTO_TCP, TCP_AO_GET_KEYS, out, &len))
		die("TCP_AO_GET_KEYS");
	for (i = 0; i < out[0].nkeys && i < MAX_KEYS; i++)
		printf("key %u:%u good=%llu bad=%llu%s%s\n", out[i].sndid, out[i].rcvid,
		       (unsigned long long)out[i].pkt_good,
		       (unsigned long long)out[i].pkt_bad,
		       out[i].is_current ? " current" : "",
		       out[i].is_rnext ? " rnext" : "");
}

static void add_md5_key(int fd, int family, char *spec)
{
	struct tcp_md5sig md5 = {};
	char *peer = strchr(spec, ':');

	if (!peer || strlen(spec) - strlen(peer) > TCP_MD5SIG_MAXKEYLEN)
		exit(2);
	*peer++ = '\0';
	if (keyspec_addr(family, peer, (struct sockaddr_storage *)&md5.tcpm_addr))
		exit(2);
	md5.tcpm_keylen = strlen(spec);
	memcpy(md5.tcpm_key, spec, md5.tcpm_keylen);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)))
		die("TCP_MD5SIG");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int transfer(int fd, uint64_t bytes, uint64_t expect, int rollovers)
{
	double start = now(), secs;
	uint64_t total = bytes > expect ? bytes : expect;
	uint64_t sent = 0, rcvd = 0, step = rollovers ? total / (rollovers + 1) : 0;
	int done_roll = 0, cur = 0;
	char buf[65536];
	struct pollfd p = { .fd = fd };
	ssize_t n;
	uint64_t i;

	if (rollovers) {
		/* Start from the key in use: connect() picks the newest. */
		struct tcp_ao_info_opt info = {};
		socklen_t len = sizeof(info);

		if (getsockopt(fd, IPPROTO_TCP, TCP_AO_INFO, &info, &len))
			die("TCP_AO_INFO get");
		cur = keys[1].sndid == info.current_key;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (rcvd < expect || sent < bytes) {
		p.events = (rcvd < expect ? POLLIN : 0) | (sent < bytes ? POLLOUT : 0);
		if (poll(&p, 1, -1) < 0)
			die("poll");
		if (p.revents & POLLIN) {
			n = read(fd, buf, sizeof(buf));
			if (n == 0) {
				fprintf(stderr, "EOF after %llu of %llu bytes\n",
					(unsigned long long)rcvd, (unsigned long long)expect);
				return 1;
			}
			if (n < 0 && errno != EAGAIN)
				die("read");
			for (i = 0; n > 0 && i < (uint64_t)n; i++) {
				if ((uint8_t)buf[i] != pattern(rcvd + i)) {
					fprintf(stderr, "corrupt byte at offset %llu\n",
						(unsigned long long)(rcvd + i));
					return 1;
				}
			}
			if (n > 0)
				rcvd += n;
		}
		if (p.revents & POLLOUT && sent < bytes) {
			size_t len = sizeof(buf);

			if (len > bytes - sent)
				len = bytes - sent;
			for (i = 0; i < len; i++)
				buf[i] = pattern(sent + i);
			n = write(fd, buf, len);
			if (n < 0 && errno != EAGAIN)
				die("write");
			if (n > 0)
				sent += n;
			if (throttle_us)
				usleep(throttle_us);
		}
		if (p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLIN)) {
			int err = 0;
			socklen_t elen = sizeof(err);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
			fprintf(stderr, "connection error after %llu bytes: %s\n",
				(unsigned long long)rcvd, strerror(err));
			return 1;
		}
		while (step && done_roll < rollovers &&
		       (sent > rcvd ? sent : rcvd) >= step * (done_roll + 1)) {
			cur = !cur;
			set_keys(fd, cur);
			done_roll++;
		}
	}
	secs = now() - start;
	printf("sent %llu, received %llu bytes intact, %d rollovers\n",
	       (unsigned long long)sent, (unsigned long long)rcvd, done_roll);
	printf("elapsed %.3f s, %.1f MB/s\n", secs,
	       (sent > rcvd ? sent : rcvd) / secs / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	const char *laddr = NULL, *caddr = NULL;
	int family = AF_INET, port = 0, rollovers = 0, expect_errno = 0;
	int opt, fd, one = 1, timeout = 120, rc;
	uint64_t bytes = 1 << 20, expect = UINT64_MAX;
	struct sockaddr_storage ss;
	struct repair repair = {};
	const char *hold = NULL, *bind_dev = NULL;
	char *md5 = NULL;
	char *specs[MAX_KEYS];
	int nspecs = 0, i, late = 0;

	while ((opt = getopt(argc, argv, "l:c:p:k:n:N:r:oX6e:w:t:W:R:D:M:s:L")) != -1) {
		switch (opt) {
		case 'l': laddr = optarg; break;
		case 'c': caddr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'k': if (nspecs < MAX_KEYS) specs[nspecs++] = optarg; break;
		case 'n': bytes = strtoull(optarg, NULL, 0); break;
		case 'N': expect = strtoull(optarg, NULL, 0); break;
		case 'r': rollovers = atoi(optarg); break;
		case '6': family = AF_INET6; break;
		case 'e': expect_errno = atoi(optarg); break;
		case 'w': timeout = atoi(optarg); break;
		case 't': throttle_us = atoi(optarg); break;
		case 'W': hold = optarg; break;
		case 'D': bind_dev = optarg; break;
		case 'M': md5 = optarg; break;
		case 'o': rnext_only = 1; break;
		case 'X': key_change = 1; break;
		case 's': src_port = atoi(optarg); break;
		case 'L': late = 1; break;
		case 'R': {
			char *end;

			repair.snd = strtoul(optarg, &end, 0);
			repair.rcv = strtoul(*end == ':' ? end + 1 : end, &end, 0);
			repair.lport = *end == ':' ? atoi(end + 1) : 0;
			if (!repair.lport)
				return 2;
			break;
		}
		default: return 2;
		}
	}
	/* Line by line: a test that kills this on a timeout still sees why. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nspecs; i++)
		parse_key(family, specs[i]);
	if ((!laddr == !caddr) || !port) {
		fprintf(stderr, "need -l or -c, and -p\n");
		return 2;
	}
	if (rollovers && nkeys < 2) {
		fprintf(stderr, "-r needs two keys\n");
		return 2;
	}
	alarm(timeout);
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bind_dev,
				   strlen(bind_dev) + 1))
		die("SO_BINDTODEVICE");
	add_keys(fd, 0, late && nkeys ? 1 : nkeys);
	if (md5)
		add_md5_key(fd, family, md5);
	if (keyspec_addr(family, laddr ?: caddr, &ss))
		die("address");
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);

	if (laddr) {
		int lfd = fd;

		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (void *)&ss, sizeof(ss)) || listen(lfd, 1))
			die("listen");
		printf("listening\n");
		fflush(stdout);
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		close(lfd);
	} else if (repair.lport) {
		repair_connect(fd, &repair, &ss);
	} else {
		if (src_port) {
			struct sockaddr_storage src = { .ss_family = family };

			/* Port at the same offset in sockaddr_in and _in6. */
			((struct sockaddr_in *)&src)->sin_port = htons(src_port);
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, (void *)&src, family == AF_INET ?
				 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
				die("bind");
		}
		if (connect(fd, (void *)&ss, sizeof(ss))) {
			if (expect_errno && errno == expect_errno) {
				printf("connect failed as expected: %s\n", strerror(errno));
				return 0;
			}
			die("connect");
		}
		if (expect_errno) {
			fprintf(stderr, "connect succeeded, expected errno %d\n", expect_errno);
			return 1;
		}
	}
	if (late)
		add_keys(fd, 1, nkeys);
	rc = transfer(fd, bytes, expect == UINT64_MAX ? bytes : expect, rollovers);
	if (hold) {
		printf("holding until %s exists\n", hold);
		fflush(stdout);
		while (access(hold, F_OK))
			usleep(100000);
	}
	if (key_change)
		try_key_change(fd);
	report(fd);
	if (repair.lport)
		report_sne(fd);
	shutdown(fd, SHUT_WR);
	/* Drain until the peer closes, so both reports run on a live socket. */
	{
		char c[4096];

		fcntl(fd, F_SETFL, 0);
		while (read(fd, c, sizeof(c)) > 0)
			;
	}
	close(fd);
	return rc;
}
