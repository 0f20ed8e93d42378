// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-authopt: configure the per-namespace TCP-AO key chains of the
 * tcp_authopt module over generic netlink (libmnl), in the manner of
 * iproute2. See tcp-authopt.8.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcp_authopt_nl.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static const char *const attr_names[] = {
	[TCP_AUTHOPT_ATTR_SEND_ID] = "send-id",
	[TCP_AUTHOPT_ATTR_RECV_ID] = "recv-id",
	[TCP_AUTHOPT_ATTR_ALG] = "alg",
	[TCP_AUTHOPT_ATTR_MACLEN] = "maclen",
	[TCP_AUTHOPT_ATTR_KEY] = "key",
	[TCP_AUTHOPT_ATTR_PEER_IPV4] = "peer-ipv4",
	[TCP_AUTHOPT_ATTR_PEER_IPV6] = "peer-ipv6",
	[TCP_AUTHOPT_ATTR_PREFIX_LEN] = "prefix-len",
	[TCP_AUTHOPT_ATTR_PEER_PORT] = "peer-port",
	[TCP_AUTHOPT_ATTR_LOCAL_PORT] = "local-port",
	[TCP_AUTHOPT_ATTR_L3INDEX] = "l3index",
	[TCP_AUTHOPT_ATTR_FLAGS] = "flags",
	[TCP_AUTHOPT_ATTR_SEND_START] = "send-start",
	[TCP_AUTHOPT_ATTR_SEND_END] = "send-end",
	[TCP_AUTHOPT_ATTR_ACCEPT_START] = "accept-start",
	[TCP_AUTHOPT_ATTR_ACCEPT_END] = "accept-end",
	[TCP_AUTHOPT_ATTR_STATE] = "state",
	[TCP_AUTHOPT_ATTR_EVENT] = "event",
};

static const char *const event_names[] = {
	[TCP_AUTHOPT_EVENT_ADDED] = "added",
	[TCP_AUTHOPT_EVENT_DELETED] = "deleted",
	[TCP_AUTHOPT_EVENT_SEND_VALID] = "send-valid",
	[TCP_AUTHOPT_EVENT_SEND_EXPIRED] = "send-expired",
	[TCP_AUTHOPT_EVENT_ACCEPT_VALID] = "accept-valid",
	[TCP_AUTHOPT_EVENT_ACCEPT_EXPIRED] = "accept-expired",
};

static const char *const flag_names[] = {
	"no-send", "no-accept", "exclude-options",
};

static bool json;
static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t monitor_grp;
static unsigned int seq;
static int json_count;
static unsigned int batch_line;

static void usage(void)
{
	fprintf(stderr,
		"Usage: tcp-authopt [ -j ] key add peer PREFIX [ port PORT ] [ lport PORT ]\n"
		"                     [ vrf NAME | l3index INDEX ] send-id ID recv-id ID\n"
		"                     alg ALG [ maclen LEN ] [ no-send ] [ no-accept ]\n"
		"                     [ exclude-options ] [ send-lifetime START END ]\n"
		"                     [ accept-lifetime START END ] key-file { PATH | - }\n"
		"       tcp-authopt key del peer PREFIX [ vrf NAME | l3index INDEX ]\n"
		"                     send-id ID recv-id ID\n"
		"       tcp-authopt [ -j ] key show\n"
		"       tcp-authopt [ -j ] monitor\n"
		"       tcp-authopt -b[atch] FILE   (one \"key add|del|show ...\" per line)\n"
		"PREFIX := ADDRESS[/LEN]   START := TIME   END := TIME | infinite\n"
		"TIME := SECONDS-SINCE-EPOCH | YYYY-MM-DDTHH:MM:SSZ\n");
	exit(1);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("Error: ", stderr);
	if (batch_line)
		fprintf(stderr, "line %u: ", batch_line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- Output ---- */

static void print_time(const char *name, const struct nlattr *a, bool end)
{
	if (json) {
		if (a)
			printf(",\"%s\":%" PRIu64, name, mnl_attr_get_u64(a));
		else
			printf(",\"%s\":null", name);
		return;
	}
	if (a)
		printf(" %" PRIu64, mnl_attr_get_u64(a));
	else
		printf(" %s", end ? "infinite" : "0");
}

static void print_bits(const char *name, uint32_t bits,
		       const char *const *names, unsigned int n)
{
	const char *sep = "";
	unsigned int i;

	if (json) {
		printf(",\"%s\":[", name);
		for (i = 0; i < n; i++)
			if (bits & (1U << i)) {
				printf("%s\"%s\"", sep, names[i]);
				sep = ",";
			}
		printf("]");
		return;
	}
	for (i = 0; i < n; i++)
		if (bits & (1U << i))
			printf(" %s", names[i]);
}

static int parse_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, TCP_AUTHOPT_ATTR_MAX) > 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void print_key(const struct nlmsghdr *nlh)
{
	static const char *const state_names[] = { "send-valid", "accept-valid" };
	const struct nlattr *tb[TCP_AUTHOPT_ATTR_MAX + 1] = {};
	char addr[INET6_ADDRSTRLEN] = "?";
	uint32_t v;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_attr_cb, tb);
	if (tb[TCP_AUTHOPT_ATTR_PEER_IPV4])
		inet_ntop(AF_INET, mnl_attr_get_payload(tb[TCP_AUTHOPT_ATTR_PEER_IPV4]),
			  addr, sizeof(addr));
	else if (tb[TCP_AUTHOPT_ATTR_PEER_IPV6])
		inet_ntop(AF_INET6, mnl_attr_get_payload(tb[TCP_AUTHOPT_ATTR_PEER_IPV6]),
			  addr, sizeof(addr));

	if (json) {
		printf("%s{", json_count++ && !monitor_grp ? "," : "");
		if (tb[TCP_AUTHOPT_ATTR_EVENT]) {
			v = mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_EVENT]);
			printf("\"event\":\"%s\",",
			       v < sizeof(event_names) / sizeof(event_names[0]) ?
			       event_names[v] : "unknown");
		}
		printf("\"peer\":\"%s\",\"prefix_len\":%u", addr,
		       tb[TCP_AUTHOPT_ATTR_PREFIX_LEN] ?
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_PREFIX_LEN]) : 0);
		printf(",\"send_id\":%u,\"recv_id\":%u",
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_SEND_ID]),
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_RECV_ID]));
		printf(",\"alg\":\"%s\",\"maclen\":%u",
		       mnl_attr_get_str(tb[TCP_AUTHOPT_ATTR_ALG]),
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_MACLEN]));
		printf(",\"peer_port\":%u,\"local_port\":%u,\"l3index\":%u",
		       tb[TCP_AUTHOPT_ATTR_PEER_PORT] ?
		       ntohs(mnl_attr_get_u16(tb[TCP_AUTHOPT_ATTR_PEER_PORT])) : 0,
		       tb[TCP_AUTHOPT_ATTR_LOCAL_PORT] ?
		       ntohs(mnl_attr_get_u16(tb[TCP_AUTHOPT_ATTR_LOCAL_PORT])) : 0,
		       tb[TCP_AUTHOPT_ATTR_L3INDEX] ?
		       mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_L3INDEX]) : 0);
	} else {
		if (tb[TCP_AUTHOPT_ATTR_EVENT]) {
			v = mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_EVENT]);
			printf("[%s] ", v < sizeof(event_names) / sizeof(event_names[0]) ?
			       event_names[v] : "unknown");
		}
		printf("peer %s/%u", addr,
		       tb[TCP_AUTHOPT_ATTR_PREFIX_LEN] ?
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_PREFIX_LEN]) : 0);
		if (tb[TCP_AUTHOPT_ATTR_PEER_PORT])
			printf(" port %u",
			       ntohs(mnl_attr_get_u16(tb[TCP_AUTHOPT_ATTR_PEER_PORT])));
		if (tb[TCP_AUTHOPT_ATTR_LOCAL_PORT])
			printf(" lport %u",
			       ntohs(mnl_attr_get_u16(tb[TCP_AUTHOPT_ATTR_LOCAL_PORT])));
		if (tb[TCP_AUTHOPT_ATTR_L3INDEX])
			printf(" l3index %u", mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_L3INDEX]));
		printf(" send-id %u recv-id %u alg %s maclen %u",
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_SEND_ID]),
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_RECV_ID]),
		       mnl_attr_get_str(tb[TCP_AUTHOPT_ATTR_ALG]),
		       mnl_attr_get_u8(tb[TCP_AUTHOPT_ATTR_MACLEN]));
	}
	v = tb[TCP_AUTHOPT_ATTR_FLAGS] ? mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_FLAGS]) : 0;
	print_bits("flags", v, flag_names, 3);
	if (!json)
		printf(" send-lifetime");
	print_time("send_start", tb[TCP_AUTHOPT_ATTR_SEND_START], false);
	print_time("send_end", tb[TCP_AUTHOPT_ATTR_SEND_END], true);
	if (!json)
		printf(" accept-lifetime");
	print_time("accept_start", tb[TCP_AUTHOPT_ATTR_ACCEPT_START], false);
	print_time("accept_end", tb[TCP_AUTHOPT_ATTR_ACCEPT_END], true);
	v = tb[TCP_AUTHOPT_ATTR_STATE] ? mnl_attr_get_u32(tb[TCP_AUTHOPT_ATTR_STATE]) : 0;
	if (!json)
		printf(" state%s", v ? "" : " none");
	print_bits("state", v, state_names, 2);
	printf(json ? "}" : "\n");
	if (json && monitor_grp)
		printf("\n");
	fflush(stdout);
}

/* ---- Netlink plumbing ---- */

static const char *attr_name(unsigned int type)
{
	if (type < sizeof(attr_names) / sizeof(attr_names[0]) && attr_names[type])
		return attr_names[type];
	return "unknown";
}

static int parse_err_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) > 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* Report an error with its extack message and the attribute it names. */
static int report_error(const struct nlmsghdr *nlh, const void *req)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	const char *msg = NULL;
	unsigned int off;
	int type = -1;

	if (err->error == 0)
		return MNL_CB_STOP;
	if (!family_id && err->error == -ENOENT)
		die("no generic netlink family %s (is tcp_authopt loaded?)",
		    TCP_AUTHOPT_GENL_NAME);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_parse(nlh, off, parse_err_cb, tb);
	}
	if (tb[NLMSGERR_ATTR_MSG])
		msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS] && req) {
		off = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		if (off + sizeof(struct nlattr) <= ((const struct nlmsghdr *)req)->nlmsg_len)
			type = mnl_attr_get_type((const struct nlattr *)((const char *)req + off));
	}
	if (type < 0 && tb[NLMSGERR_ATTR_MISS_TYPE])
		type = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	fputs("Error: ", stderr);
	if (batch_line)
		fprintf(stderr, "line %u: ", batch_line);
	fprintf(stderr, "%s", msg ? msg : strerror(-err->error));
	if (type >= 0)
		fprintf(stderr, " (attribute %s)", attr_name(type));
	fprintf(stderr, ": %s\n", strerror(-err->error));
	errno = -err->error;
	return MNL_CB_ERROR;
}

static const void *cur_req;

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	return report_error(nlh, cur_req);
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* Send @nlh and run @cb on every reply until the ack or dump end. */
static void talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[8192];
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	cur_req = nlh;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto: %s", strerror(errno));
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			die("recvfrom: %s", strerror(errno));
		ret = mnl_cb_run2(buf, ret, nlh->nlmsg_seq, portid, cb, data,
				  ctl_cbs, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR)
			exit(2);
		if (ret == MNL_CB_STOP)
			return;
	}
}

static struct nlmsghdr *genl_req(char *buf, uint16_t type, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : TCP_AUTHOPT_GENL_VERSION;
	return nlh;
}

static int grp_cb(const struct nlattr *grp, void *data)
{
	const struct nlattr *name = NULL, *id = NULL, *a;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = a;
	}
	if (name && id && !strcmp(mnl_attr_get_str(name), TCP_AUTHOPT_MCGRP_MONITOR))
		*(uint32_t *)data = mnl_attr_get_u32(id);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS && data)
			mnl_attr_for_each_nested(g, a)
				grp_cb(g, data);
	}
	return MNL_CB_OK;
}

static void open_family(uint32_t *grp)
{
	char buf[8192];
	struct nlmsghdr *nlh;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket: %s", strerror(errno));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	seq = time(NULL);
	nlh = genl_req(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCP_AUTHOPT_GENL_NAME);
	talk(nlh, family_cb, grp);
	if (!family_id)
		die("no generic netlink family %s (is tcp_authopt loaded?)",
		    TCP_AUTHOPT_GENL_NAME);
}

/* ---- Argument parsing ---- */

static unsigned long parse_num(const char *what, const char *s,
			       unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > max || *s == '-')
		die("invalid %s \"%s\"", what, s);
	return v;
}

/* Seconds since the epoch, or YYYY-MM-DDTHH:MM:SSZ (UTC). */
static uint64_t parse_time(const char *what, const char *s)
{
	struct tm tm = {};
	const char *end;
	uint64_t v;
	time_t t;

	if (strchr(s, '-') || strchr(s, 'T')) {
		end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!end || *end)
			die("invalid %s \"%s\" (use YYYY-MM-DDTHH:MM:SSZ)", what, s);
		t = timegm(&tm);
		if (t < 0)
			die("invalid %s \"%s\"", what, s);
		return t;
	}
	v = strtoull(s, (char **)&end, 10);
	if (!*s || *end)
		die("invalid %s \"%s\"", what, s);
	return v;
}

static void put_lifetime(struct nlmsghdr *nlh, int start_attr, int end_attr,
			 const char *start, const char *end)
{
	mnl_attr_put_u64(nlh, start_attr, parse_time("lifetime start", start));
	if (strcmp(end, "infinite"))
		mnl_attr_put_u64(nlh, end_attr, parse_time("lifetime end", end));
}

static void put_peer(struct nlmsghdr *nlh, const char *arg)
{
	char addr[INET6_ADDRSTRLEN + 4];
	unsigned char a[16];
	char *slash;

	if (strlen(arg) >= sizeof(addr))
		die("invalid peer \"%s\"", arg);
	strcpy(addr, arg);
	slash = strchr(addr, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, addr, a) == 1)
		mnl_attr_put(nlh, TCP_AUTHOPT_ATTR_PEER_IPV4, 4, a);
	else if (inet_pton(AF_INET6, addr, a) == 1)
		mnl_attr_put(nlh, TCP_AUTHOPT_ATTR_PEER_IPV6, 16, a);
	else
		die("invalid peer address \"%s\"", addr);
	if (slash)
		mnl_attr_put_u8(nlh, TCP_AUTHOPT_ATTR_PREFIX_LEN,
				parse_num("prefix length", slash, 255));
}

/* Key bytes, exactly as the file holds them (no newline is stripped). */
static void put_key_file(struct nlmsghdr *nlh, const char *path)
{
	unsigned char key[4096];
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	if (fd < 0)
		die("cannot open key file %s: %s", path, strerror(errno));
	while (len < sizeof(key) &&
	       (n = read(fd, key + len, sizeof(key) - len)) > 0)
		len += n;
	if (fd)
		close(fd);
	mnl_attr_put(nlh, TCP_AUTHOPT_ATTR_KEY, len, key);
	explicit_bzero(key, sizeof(key));
}

#define NEXT_ARG() do { if (!*++argv) usage(); } while (0)

/* Attributes shared by add and del; true if @argv was consumed. */
static bool parse_id_arg(struct nlmsghdr *nlh, char ***argvp)
{
	char **argv = *argvp;
	unsigned int idx;

	if (!strcmp(*argv, "peer")) {
		NEXT_ARG();
		put_peer(nlh, *argv);
	} else if (!strcmp(*argv, "vrf")) {
		NEXT_ARG();
		idx = if_nametoindex(*argv);
		if (!idx)
			die("no device \"%s\"", *argv);
		mnl_attr_put_u32(nlh, TCP_AUTHOPT_ATTR_L3INDEX, idx);
	} else if (!strcmp(*argv, "l3index")) {
		NEXT_ARG();
		mnl_attr_put_u32(nlh, TCP_AUTHOPT_ATTR_L3INDEX,
				 parse_num("l3index", *argv, UINT32_MAX));
	} else if (!strcmp(*argv, "send-id")) {
		NEXT_ARG();
		mnl_attr_put_u8(nlh, TCP_AUTHOPT_ATTR_SEND_ID,
				parse_num("send-id", *argv, 255));
	} else if (!strcmp(*argv, "recv-id")) {
		NEXT_ARG();
		mnl_attr_put_u8(nlh, TCP_AUTHOPT_ATTR_RECV_ID,
				parse_num("recv-id", *argv, 255));
	} else {
		return false;
	}
	*argvp = argv;
	return true;
}

static int key_add(char **argv)
{
	static char buf[8192];
	struct nlmsghdr *nlh;
	uint32_t flags = 0;
	bool have_flags = false;

	nlh = genl_req(buf, family_id, TCP_AUTHOPT_CMD_KEY_ADD, NLM_F_ACK);
	for (; *argv; argv++) {
		if (parse_id_arg(nlh, &argv))
			continue;
		if (!strcmp(*argv, "port")) {
			NEXT_ARG();
			mnl_attr_put_u16(nlh, TCP_AUTHOPT_ATTR_PEER_PORT,
					 htons(parse_num("port", *argv, 65535)));
		} else if (!strcmp(*argv, "lport")) {
			NEXT_ARG();
			mnl_attr_put_u16(nlh, TCP_AUTHOPT_ATTR_LOCAL_PORT,
					 htons(parse_num("lport", *argv, 65535)));
		} else if (!strcmp(*argv, "alg")) {
			NEXT_ARG();
			mnl_attr_put_strz(nlh, TCP_AUTHOPT_ATTR_ALG, *argv);
		} else if (!strcmp(*argv, "maclen")) {
			NEXT_ARG();
			mnl_attr_put_u8(nlh, TCP_AUTHOPT_ATTR_MACLEN,
					parse_num("maclen", *argv, 255));
		} else if (!strcmp(*argv, "no-send")) {
			flags |= TCP_AUTHOPT_KEY_FLAGS_NO_SEND;
			have_flags = true;
		} else if (!strcmp(*argv, "no-accept")) {
			flags |= TCP_AUTHOPT_KEY_FLAGS_NO_ACCEPT;
			have_flags = true;
		} else if (!strcmp(*argv, "exclude-options")) {
			flags |= TCP_AUTHOPT_KEY_FLAGS_EXCLUDE_OPTIONS;
			have_flags = true;
		} else if (!strcmp(*argv, "send-lifetime") ||
			   !strcmp(*argv, "accept-lifetime")) {
			bool send = !strcmp(*argv, "send-lifetime");

			if (!argv[1] || !argv[2])
				usage();
			put_lifetime(nlh,
				     send ? TCP_AUTHOPT_ATTR_SEND_START :
					    TCP_AUTHOPT_ATTR_ACCEPT_START,
				     send ? TCP_AUTHOPT_ATTR_SEND_END :
					    TCP_AUTHOPT_ATTR_ACCEPT_END,
				     argv[1], argv[2]);
			argv += 2;
		} else if (!strcmp(*argv, "key-file")) {
			NEXT_ARG();
			put_key_file(nlh, *argv);
		} else {
			die("unknown argument \"%s\"", *argv);
		}
	}
	if (have_flags)
		mnl_attr_put_u32(nlh, TCP_AUTHOPT_ATTR_FLAGS, flags);
	talk(nlh, NULL, NULL);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static int key_del(char **argv)
{
	char buf[8192];
	struct nlmsghdr *nlh;

	nlh = genl_req(buf, family_id, TCP_AUTHOPT_CMD_KEY_DEL, NLM_F_ACK);
	for (; *argv; argv++)
		if (!parse_id_arg(nlh, &argv))
			die("unknown argument \"%s\"", *argv);
	talk(nlh, NULL, NULL);
	return 0;
}

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	print_key(nlh);
	return MNL_CB_OK;
}

static int key_show(char **argv)
{
	char buf[8192];
	struct nlmsghdr *nlh;

	if (*argv)
		die("unknown argument \"%s\"", *argv);
	nlh = genl_req(buf, family_id, TCP_AUTHOPT_CMD_KEY_GET, NLM_F_DUMP);
	if (json)
		printf("[");
	talk(nlh, show_cb, NULL);
	if (json)
		printf("]\n");
	return 0;
}

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == family_id && g->cmd == TCP_AUTHOPT_CMD_KEY_NTF)
		print_key(nlh);
	return MNL_CB_OK;
}

static int monitor(char **argv)
{
	static char buf[1 << 16];
	int ret;

	if (*argv)
		die("unknown argument \"%s\"", *argv);
	if (!monitor_grp)
		die("no multicast group %s", TCP_AUTHOPT_MCGRP_MONITOR);
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &monitor_grp,
				  sizeof(monitor_grp)) < 0)
		die("joining group %s: %s", TCP_AUTHOPT_MCGRP_MONITOR,
		    strerror(errno));
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			die("recvfrom: %s", strerror(errno));
		if (mnl_cb_run(buf, ret, 0, 0, monitor_cb, NULL) < 0)
			die("bad notification: %s", strerror(errno));
	}
}

static int key_cmd(char **argv)
{
	int ret;

	if (!strcmp(*argv, "key") && argv[1]) {
		argv++;
		if (argv[1] && !strcmp(argv[1], "-j")) {
			char **p;

			json = true;
			for (p = argv + 1; *p; p++)
				p[0] = p[1];
		}
		if (!strcmp(*argv, "add"))
			ret = key_add(argv + 1);
		else if (!strcmp(*argv, "del") || !strcmp(*argv, "delete"))
			ret = key_del(argv + 1);
		else if (!strcmp(*argv, "show") || !strcmp(*argv, "list"))
			ret = key_show(argv + 1);
		else
			usage();
	} else {
		usage();
	}
	return ret;
}

/*
 * -batch FILE: run one key command per line over one netlink socket, as
 * "ip -batch" does; blank lines and lines starting with # are skipped. The
 * first failing line ends the run, and its error names the line.
 */
static int batch(const char *path)
{
	char line[4096], *args[64], *p;
	FILE *f;
	int n;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		batch_line++;
		n = 0;
		for (p = strtok(line, " \t\n"); p && n < 63; p = strtok(NULL, " \t\n"))
			args[n++] = p;
		args[n] = NULL;
		if (!n || args[0][0] == '#')
			continue;
		if (key_cmd(args))
			return 1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *batch_file = NULL;
	uint32_t grp = 0;
	int ret;

	for (argv++; *argv && **argv == '-'; argv++) {
		if (!strcmp(*argv, "-j") || !strcmp(*argv, "-json")) {
			json = true;
		} else if ((!strcmp(*argv, "-b") || !strcmp(*argv, "-batch")) && argv[1]) {
			batch_file = *++argv;
		} else {
			usage();
		}
	}
	if (!*argv && !batch_file)
		usage();
	open_family(&grp);
	if (batch_file) {
		ret = batch(batch_file);
	} else if (!strcmp(*argv, "monitor")) {
		monitor_grp = grp;
		ret = monitor(argv + 1);
	} else {
		ret = key_cmd(argv);
	}
	mnl_socket_close(nl);
	return ret;
}
