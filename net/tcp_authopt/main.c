// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_authopt: TCP Authentication Option (RFC 5925, RFC 5926) as a module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "crypto.h"
#include "handshake.h"
#include "info.h"
#include "netlink.h"
#include "nskey.h"
#include "selftest.h"
#include "sockopt.h"
#include "stat.h"
#include "trace.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Run the RFC 9235 test vectors at load; refuse to load if one fails");

static int __init tcp_authopt_init(void)
{
	int err;

	err = tcp_authopt_info_init();
	if (err)
		return err;
	err = tcp_authopt_stat_init();
	if (err)
		goto err_info;
	err = tcp_authopt_nskey_init();
	if (err)
		goto err_stat;
	err = tcp_authopt_nl_init();
	if (err)
		goto err_nskey;
	if (selftest) {
		err = tcp_authopt_selftest(&init_net);
		if (err)
			goto err_nl;
	}
	tcp_authopt_selftest_debugfs_init();
	tcp_authopt_trace_init();
	tcp_authopt_proto_install();
	return 0;

err_nl:
	tcp_authopt_nl_exit();
err_nskey:
	tcp_authopt_nskey_exit();
err_stat:
	tcp_authopt_stat_exit();
err_info:
	tcp_authopt_info_exit();
	tcp_authopt_algs_exit();
	return err;
}

static void __exit tcp_authopt_exit(void)
{
	tcp_authopt_proto_uninstall();
	tcp_authopt_selftest_debugfs_exit();
	tcp_authopt_nl_exit();
	tcp_authopt_nskey_exit();
	tcp_authopt_stat_exit();
	tcp_authopt_hs_exit();
	tcp_authopt_info_exit();
	tcp_authopt_algs_exit();
}

module_init(tcp_authopt_init);
module_exit(tcp_authopt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP Authentication Option (RFC 5925)");
MODULE_AUTHOR("keyroll developers");
