// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the tcp_authopt generic netlink family and the TCP-AO socket
 * options (TCP_AO_ADD_KEY .. TCP_AO_REPAIR = 38..42) with random and
 * mutated input, in a namespace of its own. Afterwards no key may remain
 * and the kmalloc caches may not have grown by more than a tolerance far
 * below what leaking the keys added on the way would cost. The guest
 * runner fails the test on any WARN, BUG or oops.
 *
 * FUZZ_SEED (environment) replays a run; the seed is printed.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcp_authopt.h>
#include <linux/tcp_authopt_nl.h>

#include "kselftest_harness.h"

#define NL_MSGS		11000	/* messages to the family */
#define SOCKOPT_CALLS	6000	/* socket option calls */
#define SLAB_TOLERANCE	1000	/* kmalloc objects of noise allowed */
#define BUF_SIZE	4096

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545F4914F6CDD1DULL) >> 32;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static void rnd_bytes(void *p, size_t n)
{
	unsigned char *c = p;

	while (n--)
		*c++ = rnd();
}

struct nl {
	int fd;
	uint16_t family;
	uint32_t seq;
	unsigned long sent, acked_ok;
};

static void put_attr(char *buf, size_t *len, uint16_t type, const void *data,
		     uint16_t dlen)
{
	struct nlattr *a = (struct nlattr *)(buf + *len);

	if (*len + NLA_HDRLEN + NLA_ALIGN(dlen) > BUF_SIZE)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	memcpy(buf + *len + NLA_HDRLEN, data, dlen);
	memset(buf + *len + NLA_HDRLEN + dlen, 0, NLA_ALIGN(dlen) - dlen);
	*len += NLA_HDRLEN + NLA_ALIGN(dlen);
}

/* Start a message; returns its length so far. */
static size_t msg_start(struct nl *nl, char *buf, uint16_t type, uint8_t cmd,
			uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++nl->seq;
	g->cmd = cmd;
	g->version = 1;
	return NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Read everything queued; returns the last error code seen (0 or -errno). */
static int drain(struct nl *nl, void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	static char rbuf[1 << 16];
	struct nlmsghdr *nlh;
	int last = 0;
	ssize_t n;

	for (;;) {
		n = recv(nl->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (n <= 0)
			return last;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				last = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				if (!last)
					nl->acked_ok++;
			} else if (nlh->nlmsg_type == nl->family && fn) {
				fn(nlh, arg);
			}
		}
	}
}

static int send_msg(struct nl *nl, char *buf, size_t len)
{
	((struct nlmsghdr *)buf)->nlmsg_len = len;
	nl->sent++;
	if (send(nl->fd, buf, len, 0) < 0)
		return -errno;
	return drain(nl, NULL, NULL);
}

static void family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)arg = *(uint16_t *)((char *)a + NLA_HDRLEN);
}

static int nl_open(struct nl *nl)
{
	char buf[BUF_SIZE];
	size_t len;
	uint16_t id = 0;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* The controller is our own family for this one request. */
	nl->family = GENL_ID_CTRL;
	len = msg_start(nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
			NLM_F_REQUEST | NLM_F_ACK);
	put_attr(buf, &len, CTRL_ATTR_FAMILY_NAME, TCP_AUTHOPT_GENL_NAME,
		 sizeof(TCP_AUTHOPT_GENL_NAME));
	((struct nlmsghdr *)buf)->nlmsg_len = len;
	if (send(nl->fd, buf, len, 0) < 0)
		return -errno;
	drain(nl, family_cb, &id);
	nl->family = id;
	return id ? 0 : -ENOENT;
}

static const char *const algs[] = {
	"hmac(sha1)", "cmac(aes)", "cmac(aes128)", "hmac(sha256)", "sha1",
	"cmac(aes)",
};

/* A well-formed key add with random but mostly sensible fields. */
static size_t valid_add(struct nl *nl, char *buf)
{
	uint8_t u8v, key[80];
	uint32_t v4;
	uint64_t t;
	size_t len;
	const char *alg;

	len = msg_start(nl, buf, nl->family, TCP_AUTHOPT_CMD_KEY_ADD,
			NLM_F_REQUEST | NLM_F_ACK);
	u8v = rnd_below(4);
	put_attr(buf, &len, TCP_AUTHOPT_ATTR_SEND_ID, &u8v, 1);
	u8v = rnd_below(4);
	put_attr(buf, &len, TCP_AUTHOPT_ATTR_RECV_ID, &u8v, 1);
	alg = algs[rnd_below(8) < 6 ? rnd_below(3) : rnd_below(6)];
	put_attr(buf, &len, TCP_AUTHOPT_ATTR_ALG, alg, strlen(alg) + 1);
	if (rnd_below(3) == 0) {
		u8v = 1 + rnd_below(24);
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_MACLEN, &u8v, 1);
	}
	rnd_bytes(key, sizeof(key));
	put_attr(buf, &len, TCP_AUTHOPT_ATTR_KEY, key,
		 strcmp(alg, "cmac(aes)") ? 1 + rnd_below(80) : 16);
	if (rnd_below(4)) {
		v4 = htonl(0x0a000000 | rnd_below(1 << 16));
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_PEER_IPV4, &v4, 4);
		u8v = rnd_below(4) ? 32 : 16;
		if (u8v == 16)
			v4 &= htonl(0xffff0000);
		memcpy(buf + len - 4, &v4, 4);
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_PREFIX_LEN, &u8v, 1);
	} else {
		unsigned char a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

		rnd_bytes(a6 + 14, 2);
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_PEER_IPV6, a6, 16);
	}
	if (rnd_below(2)) {
		t = time(NULL) + rnd_below(4) - 2;
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_SEND_START, &t, 8);
		t += 1 + rnd_below(3);
		put_attr(buf, &len, TCP_AUTHOPT_ATTR_ACCEPT_END, &t, 8);
	}
	memset(key, 0, sizeof(key));
	return len;
}

/* Random attributes, some of the right type and size, some not. */
static size_t random_msg(struct nl *nl, char *buf)
{
	unsigned int i, n = rnd_below(12);
	unsigned char data[128];
	uint16_t type, dlen;
	size_t len;

	/* Our family, or one that does not exist: never other families. */
	len = msg_start(nl, buf, rnd_below(50) ? nl->family : 0x7fff,
			rnd_below(TCP_AUTHOPT_CMD_MAX + 3),
			NLM_F_REQUEST | NLM_F_ACK |
			(rnd_below(8) ? 0 : NLM_F_DUMP));
	for (i = 0; i < n; i++) {
		type = rnd_below(4) ? rnd_below(TCP_AUTHOPT_ATTR_MAX + 3) : rnd();
		dlen = rnd_below(4) ? (uint16_t[]){ 0, 1, 2, 4, 8, 16 }[rnd_below(6)] :
				      rnd_below(sizeof(data));
		rnd_bytes(data, dlen);
		put_attr(buf, &len, type, data, dlen);
	}
	return len;
}

/* A valid message with a few bytes flipped, a length cut or an attr cloned. */
static size_t mutate(char *buf, size_t len)
{
	unsigned int i, n = 1 + rnd_below(4);
	size_t at;

	for (i = 0; i < n; i++) {
		switch (rnd_below(4)) {
		case 0: /* flip a byte past the netlink header */
			at = NLMSG_HDRLEN + rnd_below(len - NLMSG_HDRLEN);
			buf[at] ^= 1 << rnd_below(8);
			break;
		case 1: /* cut */
			len = NLMSG_HDRLEN + rnd_below(len - NLMSG_HDRLEN + 1);
			break;
		case 2: /* append a copy of the attributes */
			if (len >= NLMSG_HDRLEN + GENL_HDRLEN &&
			    2 * len - NLMSG_HDRLEN - GENL_HDRLEN <= BUF_SIZE) {
				memcpy(buf + len, buf + NLMSG_HDRLEN + GENL_HDRLEN,
				       len - NLMSG_HDRLEN - GENL_HDRLEN);
				len += len - NLMSG_HDRLEN - GENL_HDRLEN;
			}
			break;
		default: /* a random 16-bit value somewhere */
			at = NLMSG_HDRLEN + rnd_below(len - NLMSG_HDRLEN);
			if (at + 2 <= len)
				memcpy(buf + at, &(uint16_t){ rnd() }, 2);
			break;
		}
	}
	return len;
}

struct key_list {
	char msgs[8192][160];
	size_t lens[8192];
	unsigned int n;
};

/* Turn a dumped key into a delete request for it. */
static void collect_cb(struct nlmsghdr *nlh, void *arg)
{
	struct key_list *kl = arg;
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	char *buf;
	size_t blen = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int t;

	if (kl->n >= 8192)
		return;
	buf = kl->msgs[kl->n];
	memset(buf, 0, blen);
	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		t = a->nla_type & NLA_TYPE_MASK;
		if (t == TCP_AUTHOPT_ATTR_SEND_ID || t == TCP_AUTHOPT_ATTR_RECV_ID ||
		    t == TCP_AUTHOPT_ATTR_PEER_IPV4 || t == TCP_AUTHOPT_ATTR_PEER_IPV6 ||
		    t == TCP_AUTHOPT_ATTR_PREFIX_LEN || t == TCP_AUTHOPT_ATTR_L3INDEX)
			put_attr(buf, &blen, t, (char *)a + NLA_HDRLEN,
				 a->nla_len - NLA_HDRLEN);
	}
	kl->lens[kl->n++] = blen;
}

static struct key_list kl;

/* Dump the keys; delete them all when @del. Returns the number found. */
static int dump_keys(struct nl *nl, bool del)
{
	char buf[BUF_SIZE];
	size_t len;
	unsigned int i, found;

	kl.n = 0;
	len = msg_start(nl, buf, nl->family, TCP_AUTHOPT_CMD_KEY_GET,
			NLM_F_REQUEST | NLM_F_DUMP);
	((struct nlmsghdr *)buf)->nlmsg_len = len;
	nl->sent++;
	if (send(nl->fd, buf, len, 0) < 0)
		return -errno;
	drain(nl, collect_cb, &kl);
	found = kl.n;
	for (i = 0; del && i < found; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)kl.msgs[i];
		struct genlmsghdr *g = (struct genlmsghdr *)(kl.msgs[i] + NLMSG_HDRLEN);

		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = ++nl->seq;
		g->cmd = TCP_AUTHOPT_CMD_KEY_DEL;
		g->version = 1;
		send_msg(nl, kl.msgs[i], kl.lens[i]);
	}
	return found;
}

/* Active objects of the kmalloc caches, from /proc/slabinfo. */
static long kmalloc_objects(void)
{
	char line[512], name[128];
	long active, total = 0;
	FILE *f;

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", name, &active) == 2 &&
		    !strncmp(name, "kmalloc-", 8))
			total += active;
	fclose(f);
	return total;
}

static unsigned long adds_ok;

static void fuzz_netlink(struct __test_metadata *_metadata, struct nl *nl)
{
	char buf[BUF_SIZE];
	unsigned int i;
	size_t len;
	int err;

	for (i = 0; i < NL_MSGS; i++) {
		switch (rnd_below(10)) {
		case 0 ... 3:
			len = valid_add(nl, buf);
			err = send_msg(nl, buf, len);
			if (!err)
				adds_ok++;
			break;
		case 4 ... 6:
			len = mutate(buf, valid_add(nl, buf));
			err = send_msg(nl, buf, len);
			break;
		case 7 ... 8:
			len = random_msg(nl, buf);
			err = send_msg(nl, buf, len);
			break;
		default:
			dump_keys(nl, rnd_below(4) == 0);
			break;
		}
	}
	dump_keys(nl, true);
	ASSERT_EQ(0, dump_keys(nl, false));
}

static struct tcp_ao_add random_ao_add(int family)
{
	struct tcp_ao_add a;

	memset(&a, 0, sizeof(a));
	a.addr.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&a.addr)->sin_addr.s_addr =
			htonl(0x7f000001 + rnd_below(4));
	else
		((struct sockaddr_in6 *)&a.addr)->sin6_addr.s6_addr[15] = 1;
	strcpy(a.alg_name, algs[rnd_below(3)]);
	a.prefix = family == AF_INET ? 32 : 128;
	a.sndid = rnd_below(4);
	a.rcvid = rnd_below(4);
	a.keylen = strcmp(a.alg_name, "cmac(aes)") ? 1 + rnd_below(80) : 16;
	rnd_bytes(a.key, a.keylen);
	a.set_current = rnd_below(2);
	a.set_rnext = rnd_below(2);
	return a;
}

static void fuzz_sockopts(void)
{
	static unsigned char buf[1024] __attribute__((aligned(8)));
	int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	unsigned int i, slot;
	socklen_t olen;
	int opt, family;

	for (i = 0; i < SOCKOPT_CALLS; i++) {
		slot = rnd_below(8);
		family = slot & 1 ? AF_INET6 : AF_INET;
		if (fds[slot] < 0 || rnd_below(200) == 0) {
			if (fds[slot] >= 0)
				close(fds[slot]);
			fds[slot] = socket(family, SOCK_STREAM, 0);
			if (fds[slot] >= 0 && rnd_below(4) == 0) {
				struct sockaddr_storage ss = { .ss_family = family };

				bind(fds[slot], (struct sockaddr *)&ss,
				     family == AF_INET ? sizeof(struct sockaddr_in) :
							 sizeof(struct sockaddr_in6));
				listen(fds[slot], 1);
			}
			if (fds[slot] < 0)
				continue;
		}
		opt = TCP_AO_ADD_KEY + rnd_below(5);
		if (rnd_below(2)) {
			olen = rnd_below(4) ? sizeof(struct tcp_ao_add) : rnd_below(sizeof(buf));
			if (opt == TCP_AO_ADD_KEY && rnd_below(2)) {
				struct tcp_ao_add a = random_ao_add(family);

				memcpy(buf, &a, sizeof(a));
				if (rnd_below(2))
					buf[rnd_below(sizeof(a))] ^= 1 << rnd_below(8);
			} else {
				rnd_bytes(buf, olen);
			}
			setsockopt(fds[slot], IPPROTO_TCP, opt, buf, olen);
		} else {
			olen = rnd_below(sizeof(buf));
			rnd_bytes(buf, olen);
			if (opt == TCP_AO_GET_KEYS && olen >= sizeof(struct tcp_ao_getsockopt)) {
				/*
				 * As upstream, the kernel fills up to nkeys
				 * structs: never claim more than the buffer
				 * holds.
				 */
				((struct tcp_ao_getsockopt *)buf)->nkeys %=
					sizeof(buf) / sizeof(struct tcp_ao_getsockopt) + 1;
			}
			getsockopt(fds[slot], IPPROTO_TCP, opt, buf, &olen);
		}
	}
	for (i = 0; i < 8; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define MODPROBE "/proc/sys/kernel/modprobe"

/*
 * Mutated algorithm names make the crypto API ask for a module; running
 * modprobe for each costs a large share of the run in an emulated guest.
 * Point the kernel at a helper that does not exist for the duration.
 */
FIXTURE(fuzz) {
	char modprobe[256];
};

FIXTURE_SETUP(fuzz)
{
	FILE *f = fopen(MODPROBE, "r+");

	self->modprobe[0] = '\0';
	if (!f)
		return;
	if (!fgets(self->modprobe, sizeof(self->modprobe), f))
		self->modprobe[0] = '\0';
	rewind(f);
	fputs("/nonexistent/keyroll-fuzz-modprobe\n", f);
	fclose(f);
}

FIXTURE_TEARDOWN(fuzz)
{
	FILE *f;

	if (!self->modprobe[0])
		return;
	f = fopen(MODPROBE, "w");
	if (f) {
		fputs(self->modprobe, f);
		fclose(f);
	}
}

/* About two minutes in an emulated guest with slub_debug: allow more. */
TEST_F_TIMEOUT(fuzz, family_and_sockopts, 230)
{
	long before, after = 0;
	double t0 = now_s();
	struct nl nl;
	const char *s;
	int tries;

	s = getenv("FUZZ_SEED");
	rng_state = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) * 2654435761ULL;
	if (!rng_state)
		rng_state = 1;
	TH_LOG("seed %llu", (unsigned long long)rng_state);

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	before = kmalloc_objects();
	ASSERT_LE(0, before);
	ASSERT_EQ(0, nl_open(&nl));

	fuzz_netlink(_metadata, &nl);
	TH_LOG("%lu netlink messages in %.1f s, %lu acked without error, %lu keys added",
	       nl.sent, now_s() - t0, nl.acked_ok, adds_ok);
	t0 = now_s();
	fuzz_sockopts();
	TH_LOG("%d socket option calls in %.1f s", SOCKOPT_CALLS, now_s() - t0);
	ASSERT_LE(10000, nl.sent);
	/* Enough keys came and went that leaking them would show. */
	ASSERT_LE(2 * SLAB_TOLERANCE, adds_ok);
	close(nl.fd);

	/* Freed memory comes back after RCU grace periods: poll a while. */
	for (tries = 0; tries < 40; tries++) {
		after = kmalloc_objects();
		if (after - before < SLAB_TOLERANCE)
			break;
		usleep(250000);
	}
	TH_LOG("kmalloc objects before %ld, after %ld", before, after);
	ASSERT_GT(SLAB_TOLERANCE, after - before);
}

TEST_HARNESS_MAIN
