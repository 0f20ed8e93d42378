// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for running upstream's tcp_ao selftests against this
 * module (scripts/upstream-tcp-ao.sh). Upstream counts TCP-AO in
 * /proc/net/netstat (TcpExt: TCPAOGood, ...); a module cannot add to that
 * file, so it keeps the same counters, by the same names, in
 * /proc/net/tcp_authopt_stat. Opening a namespace's netstat file through
 * this shim gives its real contents followed by one more section, made of
 * tcp_authopt_stat:
 *
 *	TcpAO: TCPAOGood TCPAOBad ...
 *	TcpAO: 12 0 ...
 *
 * The tests look counters up by name in any section, so they read the
 * module's. Nothing else is changed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef FILE *(*fopen_fn)(const char *, const char *);

static fopen_fn real_fopen(void)
{
	static fopen_fn fn;

	if (!fn)
		fn = (fopen_fn)dlsym(RTLD_NEXT, "fopen");
	return fn;
}

/* The netstat file of @path's namespace, plus a TcpAO section. */
static FILE *netstat_with_ao(const char *path)
{
	char stat_path[256], name[64], *buf = NULL, *names = NULL, *vals = NULL;
	size_t blen = 0, nlen = 0, vlen = 0;
	FILE *out, *f, *n, *v;
	unsigned long val;
	int c;

	snprintf(stat_path, sizeof(stat_path), "%.*stcp_authopt_stat",
		 (int)(strrchr(path, '/') + 1 - path), path);
	out = open_memstream(&buf, &blen);
	n = open_memstream(&names, &nlen);
	v = open_memstream(&vals, &vlen);
	if (!out || !n || !v)
		return NULL;
	f = real_fopen()(path, "r");
	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF)
		fputc(c, out);
	fclose(f);
	f = real_fopen()(stat_path, "r");
	if (f) {
		fputs("TcpAO:", n);
		fputs("TcpAO:", v);
		while (fscanf(f, "%63s %lu", name, &val) == 2) {
			fprintf(n, " %s", name);
			fprintf(v, " %lu", val);
		}
		fclose(f);
		fclose(n);
		fclose(v);
		fprintf(out, "%s\n%s\n", names, vals);
	} else {
		fclose(n);
		fclose(v);
	}
	fclose(out);
	free(names);
	free(vals);
	/* The memstream buffer lives as long as the test: a few KiB a read. */
	return fmemopen(buf, blen, "r");
}

FILE *fopen(const char *path, const char *mode)
{
	size_t len = strlen(path);

	if (len >= 12 && !strcmp(path + len - 12, "/net/netstat") && mode[0] == 'r')
		return netstat_with_ao(path);
	return real_fopen()(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}
