// SPDX-License-Identifier: GPL-2.0
/*
 * A real library over the tls module: Debian's OpenSSL 3.0 with kTLS
 * switched on by an OpenSSL configuration file ("Options = KTLS" in the
 * system_default section, as a user would do it), a self-signed
 * certificate made at run time, and a transfer of MIB MiB from client to
 * server, every byte checked, answered by the server with the count it
 * verified. OpenSSL must report kTLS in use (BIO_get_ktls_send and, for
 * TLS 1.2, BIO_get_ktls_recv on both ends) and /proc/net/tls_stat must
 * count the software sessions it opened: TLS 1.2 uses kTLS for TX and RX
 * on both ends, TLS 1.3 (OpenSSL 3.0) for TX only.
 *
 * Usage: ossl_ktls -v 1.2|1.3 [-s MiB] [-c OpenSSL cipher or suite]
 * Exit: 0 pass, 1 fail.
 */
#include <sys/wait.h>
#include <time.h>

#include "ossl_common.h"

#define CHUNK 65536

struct status {
	int ktls_send;
	int ktls_recv;
	unsigned long long bytes;
};

/* Point OpenSSL at a configuration that turns kTLS on, and load it. */
static void ktls_config(void)
{
	static const char conf[] =
		"openssl_conf = openssl_init\n"
		"[openssl_init]\n"
		"ssl_conf = ssl_sect\n"
		"[ssl_sect]\n"
		"system_default = system_default_sect\n"
		"[system_default_sect]\n"
		"Options = KTLS\n";
	char path[] = "/tmp/kr-ossl-ktls-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, conf, sizeof(conf) - 1) != sizeof(conf) - 1)
		KR_DIE("cannot write %s", path);
	close(fd);
	setenv("OPENSSL_CONF", path, 1);
	if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL))
		KR_DIE("OPENSSL_init_ssl");
	unlink(path);
}

static SSL_CTX *ctx_for(bool server, int version, const char *cipher,
			EVP_PKEY *pkey, X509 *cert)
{
	SSL_CTX *ctx = kr_make_ctx(server, pkey, cert);

	if (!(SSL_CTX_get_options(ctx) & SSL_OP_ENABLE_KTLS))
		KR_DIE("the configuration did not enable kTLS");
	SSL_CTX_set_min_proto_version(ctx, version);
	SSL_CTX_set_max_proto_version(ctx, version);
	if (version == TLS1_2_VERSION ?
	    SSL_CTX_set_cipher_list(ctx, cipher) != 1 :
	    SSL_CTX_set_ciphersuites(ctx, cipher) != 1)
		KR_DIE("cipher %s", cipher);
	if (server)
		SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
}

static void ktls_status(SSL *ssl, struct status *st)
{
	st->ktls_send = BIO_get_ktls_send(SSL_get_wbio(ssl));
	st->ktls_recv = BIO_get_ktls_recv(SSL_get_rbio(ssl));
}

static void server(SSL_CTX *ctx, int fd, unsigned long long total, int out)
{
	static unsigned char buf[CHUNK], want[CHUNK];
	SSL *ssl = kr_handshake(ctx, fd, true);
	struct status st = {};
	int n;

	ktls_status(ssl, &st);
	while (st.bytes < total) {
		n = SSL_read(ssl, buf, sizeof(buf));
		if (n <= 0)
			KR_DIE("server: SSL_read at %llu: error %d", st.bytes,
			       SSL_get_error(ssl, n));
		kr_pattern(want, n, st.bytes);
		if (memcmp(buf, want, n))
			KR_DIE("server: data corrupt near offset %llu",
			       st.bytes);
		st.bytes += n;
	}
	if (SSL_write(ssl, &st.bytes, sizeof(st.bytes)) != sizeof(st.bytes))
		KR_DIE("server: SSL_write reply");
	if (write(out, &st, sizeof(st)) != sizeof(st))
		KR_DIE("server: pipe");
	SSL_shutdown(ssl);
	SSL_free(ssl);
}

static void client(SSL_CTX *ctx, int fd, unsigned long long total,
		   struct status *st)
{
	static unsigned char buf[CHUNK];
	SSL *ssl = kr_handshake(ctx, fd, false);
	unsigned long long off = 0, reply = 0;
	size_t n;

	ktls_status(ssl, st);
	while (off < total) {
		n = total - off < CHUNK ? total - off : CHUNK;
		kr_pattern(buf, n, off);
		if (SSL_write(ssl, buf, n) != (int)n)
			KR_DIE("client: SSL_write at %llu", off);
		off += n;
	}
	if (SSL_read(ssl, &reply, sizeof(reply)) != sizeof(reply))
		KR_DIE("client: no reply");
	st->bytes = reply;
	SSL_shutdown(ssl);
	SSL_free(ssl);
}

int main(int argc, char **argv)
{
	long long tx0, rx0, dtx, drx, want_rx;
	const char *cipher = NULL, *vname = "1.2";
	struct status cs = {}, ss = {};
	unsigned long long total;
	int fd, cfd, p[2], opt, st, version = TLS1_2_VERSION;
	unsigned int mib = 64;
	struct timespec t0, t1;
	EVP_PKEY *pkey;
	X509 *cert;
	pid_t pid;

	while ((opt = getopt(argc, argv, "v:s:c:")) != -1) {
		switch (opt) {
		case 'v':
			vname = optarg;
			if (!strcmp(optarg, "1.3"))
				version = TLS1_3_VERSION;
			else if (strcmp(optarg, "1.2"))
				KR_DIE("version %s", optarg);
			break;
		case 's':
			mib = atoi(optarg);
			break;
		case 'c':
			cipher = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s -v 1.2|1.3 [-s MiB] [-c cipher]\n",
				argv[0]);
			return 1;
		}
	}
	if (!cipher)
		cipher = version == TLS1_2_VERSION ?
			 "ECDHE-ECDSA-AES128-GCM-SHA256" :
			 "TLS_AES_128_GCM_SHA256";
	total = (unsigned long long)mib << 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktls_config();

	/* load the module, then take the counters */
	if (kr_tcp_pair(&fd, &cfd) || kr_ulp(fd))
		KR_DIE("TCP_ULP tls: %s", strerror(errno));
	close(fd);
	close(cfd);
	tx0 = kr_stat("TlsTxSw");
	rx0 = kr_stat("TlsRxSw");
	if (tx0 < 0 || rx0 < 0)
		KR_DIE("no TlsTxSw/TlsRxSw in /proc/net/tls_stat");

	kr_make_cert(&pkey, &cert);
	if (kr_tcp_pair(&fd, &cfd) || pipe(p))
		KR_DIE("socket pair");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		KR_DIE("fork");
	if (!pid) {
		close(fd);
		close(p[0]);
		server(ctx_for(true, version, cipher, pkey, cert), cfd, total,
		       p[1]);
		_exit(0);
	}
	close(cfd);
	close(p[1]);
	client(ctx_for(false, version, cipher, pkey, cert), fd, total, &cs);
	if (read(p[0], &ss, sizeof(ss)) != sizeof(ss))
		KR_DIE("the server did not finish");
	if (waitpid(pid, &st, 0) != pid || st)
		KR_DIE("server exit status %d", st);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	dtx = kr_stat("TlsTxSw") - tx0;
	drx = kr_stat("TlsRxSw") - rx0;
	printf("# TLS %s %s: %u MiB in %.1f s\n", vname, cipher, mib,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("# kTLS send/recv: client %d/%d server %d/%d; TlsTxSw +%lld TlsRxSw +%lld\n",
	       cs.ktls_send, cs.ktls_recv, ss.ktls_send, ss.ktls_recv, dtx,
	       drx);
	if (cs.bytes != total || ss.bytes != total)
		KR_DIE("server verified %llu of %llu bytes", ss.bytes, total);
	if (!cs.ktls_send || !ss.ktls_send)
		KR_DIE("OpenSSL did not use kTLS for sending");
	want_rx = version == TLS1_2_VERSION ? 2 : 0;
	if (version == TLS1_2_VERSION && (!cs.ktls_recv || !ss.ktls_recv))
		KR_DIE("OpenSSL did not use kTLS for receiving TLS 1.2");
	if (dtx != 2 || drx != want_rx)
		KR_DIE("counters: TlsTxSw +%lld (want +2), TlsRxSw +%lld (want +%lld)",
		       dtx, drx, want_rx);
	printf("ok: TLS %s over kTLS, %u MiB intact\n", vname, mib);
	return 0;
}
