// SPDX-License-Identifier: GPL-2.0
/*
 * TLS 1.3 KeyUpdate end to end over kTLS.
 *
 * A real TLS 1.3 handshake with OpenSSL (client in the parent process,
 * server in a child), the application traffic secrets taken from the
 * keylog callback, keys and IVs derived here (RFC 8446 sections 7.1-7.3,
 * checked first against RFC 8448's simple 1-RTT trace) and handed to kTLS
 * in both directions. OpenSSL's own KeyUpdate is received by kTLS first,
 * which checks our "traffic upd" derivation against a real library. Then
 * the two ends move BLOCKS MiB, one 1 MiB block at a time, alternating
 * direction; before every block after the first the sender builds a
 * KeyUpdate itself (update_requested on every other one), sends it as a
 * handshake record (TLS_SET_RECORD_TYPE 22) and installs its next TX key
 * with a second TLS_TX; the receiver gets the record (type 22), checks
 * that decryption is paused (EKEYEXPIRED), derives and installs the next
 * RX key, and answers a request with a KeyUpdate of its own. Every byte is
 * checked, and the rekey counters of /proc/net/tls_stat must match the
 * number of updates.
 *
 * Usage: ktls_keyupdate [-c aes128|aes256|chacha] [-s MiB] [-V]
 *   -V  say what each end does, step by step (make demo)
 * Exit: 0 pass, 1 fail, 4 skip (no module with rekey; see tls_common.h).
 * A rekey refused with EBUSY (the in-tree module before Linux 6.14) is
 * reported with the marker KR_REKEY_EBUSY.
 */
#include <arpa/inet.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "ktls_rekey.h"

#define BLOCK (1 << 20)
#define CHUNK 65536

/* Secrets from the keylog callback, in the process that owns the SSL. */
static unsigned char client_secret0[EVP_MAX_MD_SIZE];
static unsigned char server_secret0[EVP_MAX_MD_SIZE];
static size_t client_secret_len, server_secret_len;

/*
 * RFC 8448 section 3 (Simple 1-RTT Handshake): the client and server
 * application traffic secrets and the AES-128-GCM write keys and IVs the
 * RFC derives from them.
 */
static void rfc8448_check(void)
{
	static const struct {
		const char *secret, *key, *iv;
	} v[] = {
		{ "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
		  "9f02283b6c9c07efc26bb9f2ac92e356",
		  "cf782b88dd83549aadf1e984" },
		{ "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
		  "17422dda596ed5d9acd890e3c63f5051",
		  "5b78923dee08579033e523d9" },
	};
	unsigned char secret[32], key[16], iv[12], got[16];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		kr_unhex(v[i].secret, secret, 32);
		kr_unhex(v[i].key, key, 16);
		kr_unhex(v[i].iv, iv, 12);
		kr_hkdf_expand_label(EVP_sha256(), secret, 32, "key", got, 16);
		if (memcmp(got, key, 16))
			KR_DIE("RFC 8448 %s write key mismatch",
			       i ? "client" : "server");
		kr_hkdf_expand_label(EVP_sha256(), secret, 32, "iv", got, 12);
		if (memcmp(got, iv, 12))
			KR_DIE("RFC 8448 %s write iv mismatch",
			       i ? "client" : "server");
	}
	printf("# RFC 8448 HKDF-Expand-Label key/iv check: ok\n");
}

/* Receive LEN data bytes starting at stream offset OFF, checking them. */
static void recv_data(struct kr_end *e, size_t len, uint64_t off, bool check)
{
	static unsigned char buf[CHUNK], want[CHUNK];
	size_t got = 0;
	ssize_t n;
	int type;

	while (got < len) {
		n = kr_recv_type(e->fd, &type, buf, sizeof(buf), 0);
		if (n <= 0)
			KR_DIE("%s: recv at %zu/%zu: %s", e->who, got, len,
			       n ? strerror(errno) : "end of stream");
		if (type == KR_REC_HANDSHAKE) {
			kr_got_keyupdate(e, buf, n);
			continue;
		}
		if (type != KR_REC_DATA)
			KR_DIE("%s: record type %d", e->who, type);
		if (got + n > len)
			KR_DIE("%s: %zd bytes past the block", e->who,
			       got + n - len);
		if (check) {
			kr_pattern(want, n, off + got);
			if (memcmp(buf, want, n))
				KR_DIE("%s: data corrupt near offset %llu",
				       e->who,
				       (unsigned long long)(off + got));
		}
		got += n;
	}
}

static void send_data(struct kr_end *e, size_t len, uint64_t off)
{
	static unsigned char buf[CHUNK];
	size_t done = 0, n;

	while (done < len) {
		n = len - done < CHUNK ? len - done : CHUNK;
		kr_pattern(buf, n, off + done);
		if (send(e->fd, buf, n, 0) != (ssize_t)n)
			KR_DIE("%s: send: %s", e->who, strerror(errno));
		done += n;
	}
}

static void keylog(const SSL *ssl, const char *line)
{
	char label[64], random[130], hex[2 * EVP_MAX_MD_SIZE + 2];
	unsigned char *dst = NULL;
	size_t *len = NULL;

	if (sscanf(line, "%63s %129s %129s", label, random, hex) != 3)
		return;
	if (!strcmp(label, "CLIENT_TRAFFIC_SECRET_0")) {
		dst = client_secret0;
		len = &client_secret_len;
	} else if (!strcmp(label, "SERVER_TRAFFIC_SECRET_0")) {
		dst = server_secret0;
		len = &server_secret_len;
	}
	if (!dst)
		return;
	*len = strlen(hex) / 2;
	kr_unhex(hex, dst, *len);
}

/*
 * Handshake with OpenSSL, have OpenSSL send a record, a KeyUpdate and a
 * record under the updated key, then move both directions into kTLS.
 */
static void start(struct kr_end *e, SSL_CTX *ctx, bool server)
{
	static const char first[32] = "first record, written by OpenSSL";
	static const char second[32] = "after OpenSSL's own KeyUpdate...";
	char buf[32];
	SSL *ssl;
	int type;

	SSL_CTX_set_keylog_callback(ctx, keylog);
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	if (SSL_CTX_set_ciphersuites(ctx, e->s->ossl) != 1)
		KR_DIE("cipher suite %s", e->s->ossl);
	/* no tickets: nothing but our records after the handshake */
	if (server)
		SSL_CTX_set_num_tickets(ctx, 0);
	ssl = kr_handshake(ctx, e->fd, server);
	if (strcmp(SSL_get_cipher_name(ssl), e->s->ossl))
		KR_DIE("negotiated %s", SSL_get_cipher_name(ssl));
	if (e->verbose)
		printf("%s: TLS 1.3 handshake done by OpenSSL, cipher suite %s\n",
		       e->who, SSL_get_cipher_name(ssl));
	e->hlen = EVP_MD_get_size(e->s->md());
	if (client_secret_len != e->hlen || server_secret_len != e->hlen)
		KR_DIE("%s: no traffic secrets from the keylog callback",
		       e->who);
	memcpy(e->tx, server ? server_secret0 : client_secret0, e->hlen);
	memcpy(e->rx, server ? client_secret0 : server_secret0, e->hlen);

	if (SSL_write(ssl, first, sizeof(first)) != sizeof(first) ||
	    SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED) != 1 ||
	    SSL_write(ssl, second, sizeof(second)) != sizeof(second))
		KR_DIE("%s: SSL_write", e->who);
	/* OpenSSL wrote one record under the updated secret: seq 1 next */
	kr_next_secret(e, e->tx);

	if (kr_ulp(e->fd))
		KR_DIE("%s: TCP_ULP tls: %s", e->who, strerror(errno));
	kr_set_key(e, TLS_TX, e->tx, 1, false);
	kr_set_key(e, TLS_RX, e->rx, 0, false);
	if (e->verbose)
		printf("%s: OpenSSL wrote a record, a KeyUpdate and another record; keys derived from its traffic secrets handed to the kernel (TCP_ULP \"tls\", TLS_TX, TLS_RX)\n",
		       e->who);

	/* what the peer's OpenSSL wrote, read by kTLS with our keys */
	if (recv(e->fd, buf, sizeof(buf), MSG_WAITALL) != sizeof(buf) ||
	    memcmp(buf, first, sizeof(buf)))
		KR_DIE("%s: OpenSSL's first record did not decrypt with the derived key: %s",
		       e->who, strerror(errno));
	if (kr_recv_type(e->fd, &type, buf, sizeof(buf), 0) != 5 ||
	    type != KR_REC_HANDSHAKE)
		KR_DIE("%s: no KeyUpdate from OpenSSL", e->who);
	kr_got_keyupdate(e, (unsigned char *)buf, 5);
	if (recv(e->fd, buf, sizeof(buf), MSG_WAITALL) != sizeof(buf) ||
	    memcmp(buf, second, sizeof(buf)))
		KR_DIE("%s: OpenSSL's record after its KeyUpdate did not decrypt with our next key",
		       e->who);
	if (e->verbose)
		printf("%s: the kernel decrypted the peer's OpenSSL records before and after OpenSSL's own KeyUpdate\n",
		       e->who);
	/* the socket now belongs to kTLS; free without a close_notify */
	SSL_set_quiet_shutdown(ssl, 1);
	SSL_free(ssl);
}

/* Blocks alternate: client sends the even ones, server the odd ones. */
static void transfer(struct kr_end *e, bool server, unsigned int blocks)
{
	static const char done[8] = "all-done";
	unsigned int i;
	char buf[8];

	for (i = 0; i < blocks; i++) {
		bool sender = (i % 2 == 1) == server;

		if (sender) {
			if (i)
				kr_send_keyupdate(e, (i / 2) % 2);
			send_data(e, BLOCK, (uint64_t)i * BLOCK);
		} else {
			recv_data(e, BLOCK, (uint64_t)i * BLOCK, true);
			if (e->verbose)
				printf("%s: 1 MiB block %u received and checked, every byte as sent\n",
				       e->who, i + 1);
		}
	}
	/* the last receiver acknowledges; any answer to a request before */
	if ((blocks % 2 == 1) == server) {
		if (send(e->fd, done, sizeof(done), 0) != sizeof(done))
			KR_DIE("%s: send ack", e->who);
	} else {
		recv_data(e, sizeof(buf), 0, false);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char * const names[5] = {
		"TlsTxRekeyOk", "TlsRxRekeyOk", "TlsTxRekeyError",
		"TlsRxRekeyError", "TlsRxRekeyReceived",
	};
	const struct kr_suite *s = &kr_suites[0];
	unsigned int mib = 64, i;
	long long base[5], d[5], want[5];
	struct kr_tally ct, st;
	struct kr_end e = {};
	int fd, cfd, p[2], opt, status;
	EVP_PKEY *pkey;
	SSL_CTX *ctx;
	double t0;
	X509 *cert;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:s:V")) != -1) {
		if (opt == 's') {
			mib = atoi(optarg);
			continue;
		}
		if (opt == 'V') {
			e.verbose = true;
			continue;
		}
		for (i = 0; opt == 'c' && i < KR_NR_SUITES; i++)
			if (!strcmp(optarg, kr_suites[i].name))
				s = &kr_suites[i];
		if (opt != 'c' || strcmp(optarg, s->name)) {
			fprintf(stderr, "usage: %s [-c aes128|aes256|chacha] [-s MiB] [-V]\n",
				argv[0]);
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rfc8448_check();

	/* load the module and read the counters before anything rekeys */
	if (kr_tcp_pair(&fd, &cfd) || kr_ulp(fd))
		KR_DIE("TCP_ULP tls: %s", strerror(errno));
	close(fd);
	close(cfd);
	if (!kr_keyroll_tls()) {
		printf("# SKIP: no keyroll tls.ko for this kernel; the in-tree module has no TLS 1.3 rekey (intree.sh checks its EBUSY)\n");
		return 4;
	}
	for (i = 0; i < 5; i++)
		base[i] = kr_stat(names[i]);

	kr_make_cert(&pkey, &cert);
	if (kr_tcp_pair(&fd, &cfd) || pipe(p))
		KR_DIE("socket pair");
	e.s = s;
	t0 = now();
	pid = fork();
	if (pid < 0)
		KR_DIE("fork");
	if (!pid) {
		close(fd);
		close(p[0]);
		e.who = "server";
		e.fd = cfd;
		ctx = kr_make_ctx(true, pkey, cert);
		start(&e, ctx, true);
		transfer(&e, true, mib);
		if (write(p[1], &e.t, sizeof(e.t)) != sizeof(e.t))
			KR_DIE("pipe");
		_exit(0);
	}
	close(cfd);
	close(p[1]);
	e.who = "client";
	e.fd = fd;
	ctx = kr_make_ctx(false, pkey, cert);
	start(&e, ctx, false);
	transfer(&e, false, mib);
	ct = e.t;
	if (read(p[0], &st, sizeof(st)) != sizeof(st))
		KR_DIE("the server did not finish");
	if (waitpid(pid, &status, 0) != pid || status)
		KR_DIE("server exit status %d", status);

	printf("# %s: %u MiB in %.1f s; KeyUpdates sent client %u server %u (answers %u+%u), received client %u server %u\n",
	       s->ossl, mib, now() - t0, ct.ku_sent, st.ku_sent,
	       ct.ku_answered, st.ku_answered, ct.ku_rcvd, st.ku_rcvd);
	if (ct.ku_sent + st.ku_sent < mib - 1)
		KR_DIE("too few KeyUpdates");

	want[0] = ct.ku_sent + st.ku_sent;
	want[1] = ct.ku_rcvd + st.ku_rcvd;
	want[2] = 0;
	want[3] = 0;
	want[4] = want[1];
	if (want[1] != want[0] + 2)
		KR_DIE("KeyUpdates received %lld != sent %lld + 2 from OpenSSL",
		       want[1], want[0]);
	for (i = 0; i < 5; i++) {
		if (base[i] < 0) {
			printf("# no %s in /proc/net/tls_stat: counters not checked\n",
			       names[i]);
			continue;
		}
		d[i] = kr_stat(names[i]) - base[i];
		printf("# %s +%lld (expected +%lld)\n", names[i], d[i], want[i]);
		if (d[i] != want[i])
			KR_DIE("%s moved by %lld, expected %lld", names[i],
			       d[i], want[i]);
	}
	printf("ok: %u MiB intact across %lld KeyUpdates\n", mib, want[1]);
	return 0;
}
