// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux >= 6.7 TCP-AO socket options on unconnected and listening
 * sockets: every bad input gets upstream's errno and changes nothing,
 * good input reads back through TCP_AO_GET_KEYS and TCP_AO_INFO.
 * Run for IPv4 and IPv6 sockets (FIXTURE_VARIANT).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp_authopt.h>

#include "kselftest_harness.h"

FIXTURE(ao) {
	int fd;
	struct tcp_ao_add key;
};

FIXTURE_VARIANT(ao) {
	int family;
	const char *peer;
	int prefix;
};

FIXTURE_VARIANT_ADD(ao, ipv4) {
	.family = AF_INET,
	.peer = "10.0.1.2",
	.prefix = 32,
};

FIXTURE_VARIANT_ADD(ao, ipv6) {
	.family = AF_INET6,
	.peer = "fd00::2",
	.prefix = 128,
};

static void set_addr(int family, const char *a, void *ss, int port)
{
	memset(ss, 0, sizeof(struct sockaddr_storage));
	if (family == AF_INET) {
		struct sockaddr_in *sin = ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, a, &sin->sin_addr);
	} else {
		struct sockaddr_in6 *sin6 = ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, a, &sin6->sin6_addr);
	}
}

static int add(int fd, struct tcp_ao_add *k)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_AO_ADD_KEY, k, sizeof(*k)) ? -errno : 0;
}

static int del(int fd, struct tcp_ao_del *d)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_AO_DEL_KEY, d, sizeof(*d)) ? -errno : 0;
}

static int set_info(int fd, struct tcp_ao_info_opt *i)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_AO_INFO, i, sizeof(*i)) ? -errno : 0;
}

static int get_info(int fd, struct tcp_ao_info_opt *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	return getsockopt(fd, IPPROTO_TCP, TCP_AO_INFO, i, &len) ? -errno : 0;
}

/* Number of keys on the socket (TCP_AO_GET_KEYS, get_all). */
static int nkeys(int fd)
{
	struct tcp_ao_getsockopt g = { .get_all = 1, .nkeys = 1 };
	socklen_t len = sizeof(g);

	if (getsockopt(fd, IPPROTO_TCP, TCP_AO_GET_KEYS, &g, &len))
		return -errno;
	return g.nkeys;
}

static void del_of(const struct tcp_ao_add *k, struct tcp_ao_del *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(&d->addr, &k->addr, sizeof(d->addr));
	d->prefix = k->prefix;
	d->sndid = k->sndid;
	d->rcvid = k->rcvid;
}

FIXTURE_SETUP(ao)
{
	self->fd = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(self->fd, 0);
	memset(&self->key, 0, sizeof(self->key));
	set_addr(variant->family, variant->peer, &self->key.addr, 0);
	self->key.prefix = variant->prefix;
	strcpy(self->key.alg_name, "cmac(aes128)");
	self->key.sndid = 100;
	self->key.rcvid = 100;
	self->key.keylen = 20;
	memcpy(self->key.key, "a test key, 20 bytes", 20);
}

FIXTURE_TEARDOWN(ao)
{
	close(self->fd);
}

TEST_F(ao, short_and_long_buffers)
{
	char big[1104] = {};

	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &self->key,
				 offsetof(struct tcp_ao_add, key)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_AO_ADD_KEY, NULL,
				 sizeof(self->key)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, nkeys(self->fd) == -ENOENT ? 0 : -1);
	memcpy(big, &self->key, sizeof(self->key));
	EXPECT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_AO_ADD_KEY, big, sizeof(big)));
	EXPECT_EQ(1, nkeys(self->fd));
}

TEST_F(ao, add_bad_fields)
{
	struct tcp_ao_add k;

#define BAD(field_change, err) do {					\
		k = self->key;						\
		field_change;						\
		EXPECT_EQ(-(err), add(self->fd, &k));			\
	} while (0)
	BAD(k.keylen = 81, EINVAL);
	BAD(k.reserved = 1, EINVAL);
	BAD(k.reserved2 = 1, EINVAL);
	BAD(k.addr.ss_family = AF_UNSPEC, EINVAL);
	BAD(((struct sockaddr_in *)&k.addr)->sin_port = htons(1234), EINVAL);
	BAD(k.prefix = 0, EINVAL);
	BAD(k.prefix = 129, EINVAL);
	BAD(k.keyflags = 0xff, EINVAL);
	BAD(k.ifindex = 42, EINVAL);
	BAD((k.keyflags = TCP_AO_KEYF_IFINDEX, k.ifindex = 42), EINVAL);
	BAD(k.maclen = 100, EMSGSIZE);
	BAD(strcpy(k.alg_name, "imaginary hash algo"), ENOENT);
	BAD(strcpy(k.alg_name, "sha1"), ENOSYS);
	BAD((strcpy(k.alg_name, "cmac(aes)"), k.keylen = 10), EINVAL);
#undef BAD
	/* Nothing was half-applied. */
	EXPECT_EQ(-ENOENT, nkeys(self->fd));
}

TEST_F(ao, add_prefix_rules)
{
	struct tcp_ao_add k = self->key;

	/* Wildcard address with prefix 0 is the catch-all key. */
	set_addr(variant->family, variant->family == AF_INET ? "0.0.0.0" : "::",
		 &k.addr, 0);
	k.prefix = 0;
	EXPECT_EQ(0, add(self->fd, &k));
	/* Wildcard with a prefix, or host bits below the prefix: EINVAL. */
	k.prefix = variant->prefix;
	k.sndid = k.rcvid = 1;
	EXPECT_EQ(-EINVAL, add(self->fd, &k));
	k = self->key;
	k.prefix = 2;
	EXPECT_EQ(-EINVAL, add(self->fd, &k));
}

TEST_F(ao, add_duplicates)
{
	struct tcp_ao_add k = self->key;

	ASSERT_EQ(0, add(self->fd, &k));
	EXPECT_EQ(-EEXIST, add(self->fd, &k));
	k.rcvid = 7;		/* sndid still clashes */
	EXPECT_EQ(-EEXIST, add(self->fd, &k));
	k = self->key;
	k.sndid = 7;		/* rcvid still clashes */
	EXPECT_EQ(-EEXIST, add(self->fd, &k));
	k.sndid = 7;
	k.rcvid = 8;
	EXPECT_EQ(0, add(self->fd, &k));
	EXPECT_EQ(2, nkeys(self->fd));
}

TEST_F(ao, cmac_key_reported_reduced)
{
	struct tcp_ao_getsockopt g = { .get_all = 1, .nkeys = 1 };
	socklen_t len = sizeof(g);

	ASSERT_EQ(0, add(self->fd, &self->key));
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TCP, TCP_AO_GET_KEYS, &g, &len));
	EXPECT_EQ(sizeof(g), len);
	EXPECT_EQ(1, g.nkeys);
	EXPECT_STREQ("cmac(aes)", g.alg_name);
	EXPECT_EQ(16, g.keylen);
	EXPECT_EQ(12, g.maclen);
	EXPECT_EQ(100, g.sndid);
	EXPECT_EQ(variant->prefix, g.prefix);
	/* The 20-byte key was reduced with AES-CMAC under a zero key. */
	EXPECT_NE(0, memcmp(g.key, self->key.key, 16));
}

TEST_F(ao, listen_cannot_set_current)
{
	struct sockaddr_storage ss;
	struct tcp_ao_add k = self->key;
	struct tcp_ao_info_opt i = {};

	set_addr(variant->family, variant->family == AF_INET ? "127.0.0.1" : "::1", &ss, 0);
	ASSERT_EQ(0, bind(self->fd, (void *)&ss, sizeof(ss)));
	ASSERT_EQ(0, listen(self->fd, 1));
	k.set_current = 1;
	EXPECT_EQ(-EINVAL, add(self->fd, &k));
	k.set_current = 0;
	k.set_rnext = 1;
	EXPECT_EQ(-EINVAL, add(self->fd, &k));
	k.set_rnext = 0;
	EXPECT_EQ(0, add(self->fd, &k));
	i.set_current = 1;
	i.current_key = 100;
	EXPECT_EQ(-EINVAL, set_info(self->fd, &i));
}

TEST_F(ao, del_rules)
{
	struct tcp_ao_add k2 = self->key;
	struct tcp_ao_del d;

	k2.sndid = k2.rcvid = 0;
	self->key.set_current = 1;
	self->key.set_rnext = 1;
	ASSERT_EQ(0, add(self->fd, &self->key));
	ASSERT_EQ(0, add(self->fd, &k2));

	del_of(&self->key, &d);
	d.reserved = 1;
	EXPECT_EQ(-EINVAL, del(self->fd, &d));
	del_of(&self->key, &d);
	d.keyflags = 0xff;
	EXPECT_EQ(-EINVAL, del(self->fd, &d));
	del_of(&self->key, &d);
	d.ifindex = 42;
	EXPECT_EQ(-EINVAL, del(self->fd, &d));
	del_of(&self->key, &d);
	d.del_async = 1;
	EXPECT_EQ(-EINVAL, del(self->fd, &d));
	del_of(&self->key, &d);
	d.set_current = 1;
	d.current_key = 55;
	EXPECT_EQ(-ENOENT, del(self->fd, &d));
	del_of(&self->key, &d);
	d.sndid = 101;
	EXPECT_EQ(-ENOENT, del(self->fd, &d));
	/* The current and RNext key cannot go... */
	del_of(&self->key, &d);
	EXPECT_EQ(-EBUSY, del(self->fd, &d));
	EXPECT_EQ(2, nkeys(self->fd));
	/* ...unless the same call moves both roles to another key. */
	d.set_current = 1;
	d.current_key = 0;
	d.set_rnext = 1;
	d.rnext = 0;
	EXPECT_EQ(0, del(self->fd, &d));
	EXPECT_EQ(1, nkeys(self->fd));
	del_of(&k2, &d);
	EXPECT_EQ(-EBUSY, del(self->fd, &d));
}

TEST_F(ao, info_roundtrip)
{
	struct tcp_ao_info_opt i = {}, o;

	EXPECT_EQ(-ENOENT, get_info(self->fd, &o));
	ASSERT_EQ(0, add(self->fd, &self->key));
	i.reserved = 1;
	EXPECT_EQ(-EINVAL, set_info(self->fd, &i));
	memset(&i, 0, sizeof(i));
	i.set_current = 1;
	i.current_key = 1;
	EXPECT_EQ(-ENOENT, set_info(self->fd, &i));
	memset(&i, 0, sizeof(i));
	i.set_current = i.set_rnext = 1;
	i.current_key = i.rnext = 100;
	i.accept_icmps = 1;
	i.set_counters = 1;
	i.pkt_good = 321;
	i.pkt_bad = 888;
	i.pkt_key_not_found = 654;
	i.pkt_ao_required = 987654;
	i.pkt_dropped_icmp = 10000;
	ASSERT_EQ(0, set_info(self->fd, &i));
	ASSERT_EQ(0, get_info(self->fd, &o));
	EXPECT_EQ(1, (int)o.set_current);
	EXPECT_EQ(100, o.current_key);
	EXPECT_EQ(1, (int)o.set_rnext);
	EXPECT_EQ(100, o.rnext);
	EXPECT_EQ(1, (int)o.accept_icmps);
	EXPECT_EQ(0, (int)o.ao_required);
	EXPECT_EQ(321, o.pkt_good);
	EXPECT_EQ(888, o.pkt_bad);
	EXPECT_EQ(654, o.pkt_key_not_found);
	EXPECT_EQ(987654, o.pkt_ao_required);
	EXPECT_EQ(10000, o.pkt_dropped_icmp);
}

TEST_F(ao, repair_needs_repair_mode)
{
	struct tcp_ao_repair r = {};
	socklen_t len = sizeof(r);

	ASSERT_EQ(0, add(self->fd, &self->key));
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_AO_REPAIR, &r, sizeof(r)));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, getsockopt(self->fd, IPPROTO_TCP, TCP_AO_REPAIR, &r, &len));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(ao, other_options_untouched)
{
	int v = 1234;
	socklen_t len = sizeof(v);

	EXPECT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)));
	EXPECT_EQ(0, getsockopt(self->fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len));
	EXPECT_EQ(1234, v);
	/* getsockopt of a set-only option is not an option. */
	EXPECT_EQ(-1, getsockopt(self->fd, IPPROTO_TCP, TCP_AO_ADD_KEY, &v, &len));
	EXPECT_EQ(ENOPROTOOPT, errno);
}

TEST_F(ao, md5_conflicts)
{
	struct tcp_md5sig md5 = {};
	struct tcp_ao_add k = self->key;
	struct tcp_ao_info_opt i = {};

	/* An AO key for the peer: an MD5 key for it is refused. */
	ASSERT_EQ(0, add(self->fd, &self->key));
	memcpy(&md5.tcpm_addr, &self->key.addr, sizeof(md5.tcpm_addr));
	md5.tcpm_keylen = 6;
	memcpy(md5.tcpm_key, "secret", 6);
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)));
	EXPECT_EQ(EKEYREJECTED, errno);
	/* Another peer may use MD5 on the same (listening-to-be) socket... */
	set_addr(variant->family, variant->family == AF_INET ? "10.0.9.9" : "fd00::99",
		 &md5.tcpm_addr, 0);
	ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)));
	/* ...but then no AO key for it, and no ao_required. */
	set_addr(variant->family, variant->family == AF_INET ? "10.0.9.9" : "fd00::99",
		 &k.addr, 0);
	k.sndid = k.rcvid = 9;
	EXPECT_EQ(-EKEYREJECTED, add(self->fd, &k));
	i.ao_required = 1;
	EXPECT_EQ(-EKEYREJECTED, set_info(self->fd, &i));
}

/*
 * Keys are charged to the socket's option memory, at about upstream's size
 * per key: its selftests expect at least optmem_max / 300 keys to fit, and
 * BGP route servers put a key per peer on one listener.
 */
TEST_F(ao, keys_fit_optmem)
{
	struct tcp_ao_add k = self->key;
	long optmem = 0;
	int i, err = 0;
	FILE *f;

	f = fopen("/proc/sys/net/core/optmem_max", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &optmem));
	fclose(f);
	for (i = 0; i < 100000; i++) {
		char a[64];

		if (variant->family == AF_INET)
			snprintf(a, sizeof(a), "10.%d.%d.%d", 100 + i / 65536,
				 (i / 256) % 256, i % 256);
		else
			snprintf(a, sizeof(a), "fd00:1::%x:%x", i / 65536, i % 65536);
		set_addr(variant->family, a, &k.addr, 0);
		err = add(self->fd, &k);
		if (err)
			break;
	}
	TH_LOG("%d keys fit in optmem_max %ld", i, optmem);
	EXPECT_EQ(-ENOMEM, err);
	EXPECT_GE(i, optmem / 300);
	/* ...and they are charged at all. */
	EXPECT_LE(i, optmem / 100);
}

/* glibc names the kernel's tcpm_ifindex __tcpm_pad. */
#ifndef TCP_MD5SIG_FLAG_IFINDEX
#define TCP_MD5SIG_FLAG_IFINDEX 0x2
#endif

/*
 * Upstream's VRF rules between the two: an MD5 key bound to a VRF does not
 * meet an AO key bound to no VRF (l3index 0), either way round; an MD5 key
 * bound to no VRF meets every AO key for its address.
 */
TEST_F(ao, md5_vrf_rules)
{
	struct tcp_md5sig md5 = {};
	struct tcp_ao_add k = self->key;
	int vrf, fd2;

	if (system("ip link add krsockvrf type vrf table 4242 2>/dev/null"))
		SKIP(return, "no VRF support");
	vrf = if_nametoindex("krsockvrf");
	ASSERT_GT(vrf, 0);
	k.keyflags = TCP_AO_KEYF_IFINDEX;
	k.ifindex = 0;
	memcpy(&md5.tcpm_addr, &self->key.addr, sizeof(md5.tcpm_addr));
	md5.tcpm_keylen = 6;
	memcpy(md5.tcpm_key, "secret", 6);

	/* AO key (l3index 0) first, then MD5 keys. */
	EXPECT_EQ(0, add(self->fd, &k));
	md5.tcpm_flags = TCP_MD5SIG_FLAG_IFINDEX;
	md5.__tcpm_pad = vrf;
	EXPECT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &md5, sizeof(md5)));
	md5.tcpm_flags = 0;
	md5.__tcpm_pad = 0;
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &md5, sizeof(md5)));
	EXPECT_EQ(EKEYREJECTED, errno);

	/* MD5 key in the VRF first, then the AO key (l3index 0). */
	fd2 = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(fd2, 0);
	md5.tcpm_flags = TCP_MD5SIG_FLAG_IFINDEX;
	md5.__tcpm_pad = vrf;
	EXPECT_EQ(0, setsockopt(fd2, IPPROTO_TCP, TCP_MD5SIG_EXT, &md5, sizeof(md5)));
	EXPECT_EQ(0, add(fd2, &k));
	/* An AO key for any VRF meets it. */
	k.keyflags = 0;
	k.sndid = k.rcvid = 7;
	EXPECT_EQ(-EKEYREJECTED, add(fd2, &k));
	close(fd2);
	system("ip link del krsockvrf");
}

TEST_HARNESS_MAIN
