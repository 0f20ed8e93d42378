// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_authopt_stat is per network namespace: counters bumped in
 * one namespace (by re-running the RFC 9235 self-test there through
 * debugfs) show in that namespace only, a new namespace starts at zero,
 * and every counter name is listed once in the documented order.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define STAT_FILE	"/proc/net/tcp_authopt_stat"
#define SELFTEST_KNOB	"/sys/kernel/debug/tcp_authopt/selftest"
#define VECTORS		32

static const char *const counter_names[] = {
	"TCPAOGood", "TCPAOBad", "TCPAOKeyNotFound", "TCPAORequired",
	"TCPAODroppedIcmps", "TCPAOSelfTestPass", "TCPAOSelfTestFail",
	"TCPAOKeyRequestRejected", "TCPAOSendExpired", "TCPAONoSocket",
};

/* Value of one counter in the caller's namespace, -1 if it is missing. */
static long read_counter(const char *name)
{
	char key[64];
	long value, found = -1;
	FILE *f;

	f = fopen(STAT_FILE, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &value) == 2)
		if (!strcmp(key, name))
			found = value;
	fclose(f);
	return found;
}

static int run_selftest(void)
{
	int fd, ret;

	fd = open(SELFTEST_KNOB, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, "1", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

FIXTURE(netns) {
	int init_ns;
};

FIXTURE_SETUP(netns)
{
	self->init_ns = -1;
	/* The runner loads the module: a missing file is a failure. */
	ASSERT_EQ(0, access(STAT_FILE, R_OK));
	if (access(SELFTEST_KNOB, W_OK))
		SKIP(return, "no %s (debugfs)", SELFTEST_KNOB);
	self->init_ns = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(self->init_ns, 0);
}

FIXTURE_TEARDOWN(netns)
{
	if (self->init_ns >= 0)
		close(self->init_ns);
}

TEST_F(netns, names_in_order)
{
	char key[64];
	long value;
	size_t i = 0;
	FILE *f;

	f = fopen(STAT_FILE, "r");
	ASSERT_NE(NULL, f);
	while (fscanf(f, "%63s %ld", key, &value) == 2) {
		ASSERT_LT(i, sizeof(counter_names) / sizeof(counter_names[0]));
		EXPECT_STREQ(counter_names[i], key);
		i++;
	}
	fclose(f);
	EXPECT_EQ(sizeof(counter_names) / sizeof(counter_names[0]), i);
}

TEST_F(netns, new_namespace_starts_at_zero)
{
	size_t i;
	long v;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	for (i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++) {
		v = read_counter(counter_names[i]);
		if (v)
			ksft_print_msg("%s is %ld\n", counter_names[i], v);
		EXPECT_EQ(0, v);
	}
}

TEST_F(netns, independent)
{
	long init_before, init_after;
	int ns_a;

	init_before = read_counter("TCPAOSelfTestPass");
	ASSERT_GE(init_before, 0);

	/* Namespace A: one run. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ns_a = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(ns_a, 0);
	ASSERT_EQ(0, run_selftest());
	EXPECT_EQ(VECTORS, read_counter("TCPAOSelfTestPass"));

	/* Namespace B: two runs, A unchanged. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	EXPECT_EQ(0, read_counter("TCPAOSelfTestPass"));
	ASSERT_EQ(0, run_selftest());
	ASSERT_EQ(0, run_selftest());
	EXPECT_EQ(2 * VECTORS, read_counter("TCPAOSelfTestPass"));
	EXPECT_EQ(0, read_counter("TCPAOSelfTestFail"));

	ASSERT_EQ(0, setns(ns_a, CLONE_NEWNET));
	EXPECT_EQ(VECTORS, read_counter("TCPAOSelfTestPass"));
	close(ns_a);

	/* The initial namespace saw none of it. */
	ASSERT_EQ(0, setns(self->init_ns, CLONE_NEWNET));
	init_after = read_counter("TCPAOSelfTestPass");
	EXPECT_EQ(init_before, init_after);
}

TEST_HARNESS_MAIN
