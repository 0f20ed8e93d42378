// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace counters, shown in /proc/net/tls_stat with the names and
 * format of the in-tree module (the twelve of Linux 6.1, then the five
 * rekey counters of Linux 6.14).
 */
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "krtls.h"

static const char * const krtls_mib_names[KRTLS_MIB_MAX] = {
	[KRTLS_MIB_CURR_TX_SW]		= "TlsCurrTxSw",
	[KRTLS_MIB_CURR_RX_SW]		= "TlsCurrRxSw",
	[KRTLS_MIB_CURR_TX_DEVICE]	= "TlsCurrTxDevice",
	[KRTLS_MIB_CURR_RX_DEVICE]	= "TlsCurrRxDevice",
	[KRTLS_MIB_TX_SW]		= "TlsTxSw",
	[KRTLS_MIB_RX_SW]		= "TlsRxSw",
	[KRTLS_MIB_TX_DEVICE]		= "TlsTxDevice",
	[KRTLS_MIB_RX_DEVICE]		= "TlsRxDevice",
	[KRTLS_MIB_DECRYPT_ERROR]	= "TlsDecryptError",
	[KRTLS_MIB_RX_DEVICE_RESYNC]	= "TlsRxDeviceResync",
	[KRTLS_MIB_DECRYPT_RETRY]	= "TlsDecryptRetry",
	[KRTLS_MIB_RX_NO_PAD_VIOL]	= "TlsRxNoPadViolation",
	[KRTLS_MIB_TX_REKEY_OK]		= "TlsTxRekeyOk",
	[KRTLS_MIB_RX_REKEY_OK]		= "TlsRxRekeyOk",
	[KRTLS_MIB_TX_REKEY_ERROR]	= "TlsTxRekeyError",
	[KRTLS_MIB_RX_REKEY_ERROR]	= "TlsRxRekeyError",
	[KRTLS_MIB_RX_REKEY_RECEIVED]	= "TlsRxRekeyReceived",
};

struct krtls_mibs {
	long v[KRTLS_MIB_MAX];
};

struct krtls_net {
	struct krtls_mibs __percpu *mibs;
};

static unsigned int krtls_net_id __read_mostly;

void krtls_stat_add(const struct sock *sk, enum krtls_mib mib, long delta)
{
	struct krtls_net *kn = net_generic(sock_net(sk), krtls_net_id);

	this_cpu_add(kn->mibs->v[mib], delta);
}

static int krtls_stat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	struct krtls_net *kn = net_generic(net, krtls_net_id);
	long sum[KRTLS_MIB_MAX] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct krtls_mibs *m = per_cpu_ptr(kn->mibs, cpu);

		for (i = 0; i < KRTLS_MIB_MAX; i++)
			sum[i] += READ_ONCE(m->v[i]);
	}
	for (i = 0; i < KRTLS_MIB_MAX; i++)
		seq_printf(seq, "%-32s\t%lu\n", krtls_mib_names[i], sum[i]);
	return 0;
}

static int __net_init krtls_net_init(struct net *net)
{
	struct krtls_net *kn = net_generic(net, krtls_net_id);

	kn->mibs = alloc_percpu(struct krtls_mibs);
	if (!kn->mibs)
		return -ENOMEM;
	if (!proc_create_net_single("tls_stat", 0444, net->proc_net,
				    krtls_stat_show, NULL)) {
		free_percpu(kn->mibs);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit krtls_net_exit(struct net *net)
{
	struct krtls_net *kn = net_generic(net, krtls_net_id);

	remove_proc_entry("tls_stat", net->proc_net);
	free_percpu(kn->mibs);
}

static struct pernet_operations krtls_net_ops = {
	.init = krtls_net_init,
	.exit = krtls_net_exit,
	.id = &krtls_net_id,
	.size = sizeof(struct krtls_net),
};

int krtls_proc_init(void)
{
	return register_pernet_subsys(&krtls_net_ops);
}

void krtls_proc_exit(void)
{
	unregister_pernet_subsys(&krtls_net_ops);
}
