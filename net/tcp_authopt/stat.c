// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state of tcp_authopt: counters and the netfilter hooks.
 *
 * /proc/net/netstat cannot be extended from a module, so each namespace
 * gets its own per-CPU counter block, summed when /proc/net/tcp_authopt_stat
 * is read.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "datapath.h"
#include "stat.h"

unsigned int tcp_authopt_net_id __read_mostly;

static const char *const tcp_authopt_mib_names[__TCP_AUTHOPT_MIB_MAX] = {
	[TCP_AUTHOPT_MIB_GOOD]		= "TCPAOGood",
	[TCP_AUTHOPT_MIB_BAD]		= "TCPAOBad",
	[TCP_AUTHOPT_MIB_KEY_NOT_FOUND]	= "TCPAOKeyNotFound",
	[TCP_AUTHOPT_MIB_REQUIRED]	= "TCPAORequired",
	[TCP_AUTHOPT_MIB_DROPPED_ICMPS]	= "TCPAODroppedIcmps",
	[TCP_AUTHOPT_MIB_SELFTEST_PASS]	= "TCPAOSelfTestPass",
	[TCP_AUTHOPT_MIB_SELFTEST_FAIL]	= "TCPAOSelfTestFail",
	[TCP_AUTHOPT_MIB_KEY_REQ_REJECTED] = "TCPAOKeyRequestRejected",
	[TCP_AUTHOPT_MIB_SEND_EXPIRED]	= "TCPAOSendExpired",
	[TCP_AUTHOPT_MIB_NO_SOCKET]	= "TCPAONoSocket",
};

static unsigned long tcp_authopt_mib_sum(struct tcp_authopt_mib __percpu *mib,
					 int field)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(mib, cpu)->mibs[field]);
	return sum;
}

static int tcp_authopt_stat_show(struct seq_file *seq, void *v)
{
	struct tcp_authopt_net *tn = tcp_authopt_pernet(seq_file_single_net(seq));
	int i;

	for (i = 0; i < __TCP_AUTHOPT_MIB_MAX; i++)
		seq_printf(seq, "%-32s\t%lu\n", tcp_authopt_mib_names[i],
			   tcp_authopt_mib_sum(tn->mib, i));
	return 0;
}

static const struct nf_hook_ops tcp_authopt_nf_ops[] = {
	{
		.hook = tcp_authopt_output,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = tcp_authopt_input,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST - 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = tcp_authopt_output,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST - 1,
	},
	{
		.hook = tcp_authopt_input,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST - 1,
	},
#endif
};

int tcp_authopt_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, tcp_authopt_nf_ops,
				     ARRAY_SIZE(tcp_authopt_nf_ops));
}

void tcp_authopt_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, tcp_authopt_nf_ops,
				ARRAY_SIZE(tcp_authopt_nf_ops));
}

static int __net_init tcp_authopt_net_init(struct net *net)
{
	struct tcp_authopt_net *tn = tcp_authopt_pernet(net);

	tn->mib = alloc_percpu(struct tcp_authopt_mib);
	if (!tn->mib)
		return -ENOMEM;

	if (!proc_create_net_single("tcp_authopt_stat", 0444, net->proc_net,
				    tcp_authopt_stat_show, NULL))
		goto err_mib;
	if (tcp_authopt_hooks_register(net))
		goto err_proc;
	return 0;

err_proc:
	remove_proc_entry("tcp_authopt_stat", net->proc_net);
err_mib:
	free_percpu(tn->mib);
	return -ENOMEM;
}

static void __net_exit tcp_authopt_net_exit(struct net *net)
{
	struct tcp_authopt_net *tn = tcp_authopt_pernet(net);

	tcp_authopt_hooks_unregister(net);
	remove_proc_entry("tcp_authopt_stat", net->proc_net);
	free_percpu(tn->mib);
}

static struct pernet_operations tcp_authopt_net_ops = {
	.init = tcp_authopt_net_init,
	.exit = tcp_authopt_net_exit,
	.id = &tcp_authopt_net_id,
	.size = sizeof(struct tcp_authopt_net),
};

int tcp_authopt_stat_init(void)
{
	return register_pernet_subsys(&tcp_authopt_net_ops);
}

void tcp_authopt_stat_exit(void)
{
	unregister_pernet_subsys(&tcp_authopt_net_ops);
}
