// SPDX-License-Identifier: GPL-2.0
/*
 * ao_connrate: TCP-AO connection setup rate, for make bench. The server's
 * listening socket holds the client's key plus COUNT keys for other
 * peers (10.200.0.0/16 and up, one /32 each), as a router serving many
 * BGP neighbours would; the client opens connections one after another,
 * each signed from its SYN to a one-byte reply from the server, and
 * reports the rate.
 *
 *   ao_connrate -l ADDR -p PORT [-k KEYSPEC [-K COUNT]] [-n CONNS]
 *   ao_connrate -c ADDR -p PORT [-k KEYSPEC] [-n CONNS]
 *
 * KEYSPEC is SNDID:RCVID:ALG:KEY:PEER/PREFIX as for ao_xfer. Without -k
 * the sockets have no keys of their own: the namespaces' key chains (the
 * tcp-authopt CLI) protect the connections. Exit status is non-zero if
 * any connection fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcp_authopt.h>

#include "keyspec.h"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void add_key(int fd, const struct tcp_ao_add *k)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, k, sizeof(*k)))
		die("TCP_AO_ADD_KEY");
}

/* COUNT keys for peers that never connect: 10.200.0.0 + i. */
static void add_other_keys(int fd, const struct tcp_ao_add *model, int count)
{
	struct tcp_ao_add k = *model;
	struct sockaddr_in *sin = (void *)&k.addr;
	int i;

	k.prefix = 32;
	k.set_current = 0;
	k.set_rnext = 0;
	for (i = 0; i < count; i++) {
		sin->sin_addr.s_addr = htonl((10u << 24 | 200u << 16) + i);
		add_key(fd, &k);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int serve(struct sockaddr_in *sa, struct tcp_ao_add *k, int others, int conns)
{
	int lfd, fd, one = 1, i;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (k) {
		add_other_keys(lfd, k, others);
		add_key(lfd, k);
	}
	if (bind(lfd, (void *)sa, sizeof(*sa)) || listen(lfd, 128))
		die("listen");
	printf("listening with %d keys\n", others + 1);
	fflush(stdout);
	for (i = 0; i < conns; i++) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		if (write(fd, "x", 1) != 1)
			die("write");
		close(fd);
	}
	close(lfd);
	return 0;
}

static int connect_all(struct sockaddr_in *sa, struct tcp_ao_add *k, int conns)
{
	double start = now(), secs;
	int fd, i;
	char c;

	for (i = 0; i < conns; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (k)
			add_key(fd, k);
		if (connect(fd, (void *)sa, sizeof(*sa)))
			die("connect");
		if (read(fd, &c, 1) != 1) {
			fprintf(stderr, "connection %d: no reply\n", i);
			return 1;
		}
		close(fd);
	}
	secs = now() - start;
	printf("connections %d, elapsed %.3f s, %.1f conn/s\n", conns, secs, conns / secs);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, others = 0, conns = 200, port = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *laddr = NULL, *caddr = NULL;
	struct tcp_ao_add key;
	char *spec = NULL;

	while ((opt = getopt(argc, argv, "l:c:p:k:K:n:")) != -1) {
		switch (opt) {
		case 'l': laddr = optarg; break;
		case 'c': caddr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'k': spec = optarg; break;
		case 'K': others = atoi(optarg); break;
		case 'n': conns = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!laddr == !caddr || !port)
		return 2;
	if (spec)
		keyspec_parse(AF_INET, spec, &key);
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, laddr ?: caddr, &sa.sin_addr) != 1)
		return 2;
	alarm(600);
	return laddr ? serve(&sa, spec ? &key : NULL, others, conns) :
		       connect_all(&sa, spec ? &key : NULL, conns);
}
