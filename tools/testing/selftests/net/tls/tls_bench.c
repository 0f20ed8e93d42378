// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS bulk throughput for make bench (bench.sh): one TCP connection, one
 * direction, AES-GCM-128 in records of 16 KiB, with the loaded tls module
 * on one end or on both:
 *
 *   -m tx    the sender writes through kTLS (TLS_TX); the receiver reads
 *            the records as raw bytes over plain TCP: the TX path alone.
 *   -m rx    the sender writes records sealed beforehand with OpenSSL over
 *            plain TCP; the receiver reads through kTLS (TLS_RX): the RX
 *            path alone.
 *   -m both  kTLS at both ends, TLS 1.3, keys derived from fixed traffic
 *            secrets. With -k N the sender sends a KeyUpdate before every
 *            N MiB after the first, as a handshake record
 *            (TLS_SET_RECORD_TYPE 22) followed by a second TLS_TX; the
 *            receiver reads it, must then see EKEYEXPIRED, and installs
 *            its next key with a second TLS_RX (ktls_rekey.h).
 *
 * The receiver sets up its end, then tells the sender to go; its clock
 * runs from the first byte it reads to the last (so the sender's own
 * setsockopt calls are not timed). Preparation (the pattern, sealing
 * with OpenSSL) and verification are outside the clock. Everything
 * received is kept and checked afterwards: in tx mode every record is
 * opened with OpenSSL (content type, 16 KiB of plaintext except the last
 * record, tag) and its plaintext compared with what was sent; in rx and
 * both modes the plaintext is compared. With -k both ends also check the
 * number of KeyUpdates and, where /proc/net/tls_stat has them, the rekey
 * counters of their own network namespace. The sender shuts its side
 * down after the last byte, and the receiver must then see the end of
 * the stream: no byte more, no byte less. The receiver sends its verdict
 * to the sender, so both exit 1 when anything failed. -x spoils one byte
 * the sender sends (plaintext, or in rx mode ciphertext) to show that
 * this is caught.
 *
 * Usage:
 *   tls_bench -l ADDR -p PORT -m tx|rx|both [-v 1.2|1.3] [-s MiB] [-k MiB]
 *             [-N NETNS] [-x]
 *   tls_bench -c ADDR -p PORT ... (the same options)
 * -l receives (prints "listening" once it listens, then
 * "elapsed S s, X MB/s" with MB = 10^6 bytes of plaintext); -c sends.
 * Both ends need the same -m, -v, -s and -k. -N runs in the named network
 * namespace (/run/netns/NETNS, as "ip netns exec" would, without its
 * start-up cost in the emulated guest). A run is cut off after 300 s.
 * Exit: 0 pass, 1 fail.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h>

#include "ktls_rekey.h"

#define MIB (1 << 20)
#define CHUNK (256 << 10)	/* bytes per send() and recv() */
#define GO 'G'
#define VERDICT_OK 'Y'
#define VERDICT_BAD 'N'

enum mode { MODE_TX, MODE_RX, MODE_BOTH };

struct opts {
	const char *addr;
	int port;
	bool server;
	enum mode mode;
	uint16_t version;
	size_t bytes;
	unsigned int ku_mib;	/* 0: no KeyUpdate */
	bool corrupt;		/* -x: spoil one byte, to see it caught */
};

/* Fixed traffic secrets of the sending end (mode both). */
static void bench_secret(struct kr_end *e, unsigned char *secret)
{
	e->s = &kr_suites[0];
	e->hlen = EVP_MD_get_size(e->s->md());
	kr_pattern(secret, e->hlen, 0x5eed);
}

/* Key blob of tx and rx modes, shared by the kernel and OpenSSL ends. */
static void bench_key(const struct opts *o, struct kr_key *k)
{
	kr_key_fill(k, o->version, TLS_CIPHER_AES_GCM_128, 7);
}

static size_t rec_overhead(const struct opts *o)
{
	return KR_REC_HDR + kr_overhead(o->version, TLS_CIPHER_AES_GCM_128);
}

static size_t nr_records(const struct opts *o)
{
	return (o->bytes + KR_REC_MAX - 1) / KR_REC_MAX;
}

/* AEAD nonce of record SEQ (RFC 5288 section 3, RFC 8446 section 5.3). */
static void rec_nonce(const struct opts *o, const struct kr_key *k,
		      uint64_t seq, const unsigned char *explicit,
		      unsigned char *nonce)
{
	int i;

	memcpy(nonce, k->gcm128.salt, 4);
	if (o->version == TLS_1_2_VERSION) {
		memcpy(nonce + 4, explicit, 8);
		return;
	}
	memcpy(nonce + 4, k->gcm128.iv, 8);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= seq >> (56 - 8 * i);
}

/* Additional data of a record (RFC 5246 6.2.3.3, RFC 8446 5.2). */
static int rec_aad(const struct opts *o, uint64_t seq,
		   const unsigned char *hdr, size_t pt_len, unsigned char *aad)
{
	int i;

	if (o->version == TLS_1_3_VERSION) {
		memcpy(aad, hdr, KR_REC_HDR);
		return KR_REC_HDR;
	}
	for (i = 0; i < 8; i++)
		aad[i] = seq >> (56 - 8 * i);
	aad[8] = KR_REC_DATA;
	aad[9] = 3;
	aad[10] = 3;
	aad[11] = pt_len >> 8;
	aad[12] = pt_len & 0xff;
	return 13;
}

/*
 * Seal or open one record with OpenSSL. Sealing writes the whole record
 * at REC from the plaintext PT (LEN bytes); opening reads the record at
 * REC (LEN plaintext bytes expected) and writes its plaintext to PT.
 * Returns false when the tag or the layout is wrong.
 */
static bool rec_crypt(const struct opts *o, EVP_CIPHER_CTX *c,
		      const struct kr_key *k, uint64_t seq, unsigned char *rec,
		      unsigned char *pt, size_t len, bool enc)
{
	bool tls13 = o->version == TLS_1_3_VERSION;
	size_t body = len + kr_overhead(o->version, TLS_CIPHER_AES_GCM_128);
	unsigned char *payload = rec + KR_REC_HDR + (tls13 ? 0 : 8);
	unsigned char nonce[12], aad[13], inner[KR_REC_MAX + 1], *tag;
	int outl, aad_len, i;

	if (enc) {
		rec[0] = KR_REC_DATA;
		rec[1] = 3;
		rec[2] = 3;
		rec[3] = body >> 8;
		rec[4] = body & 0xff;
		for (i = 0; !tls13 && i < 8; i++)
			rec[KR_REC_HDR + i] = seq >> (56 - 8 * i);
	} else if (rec[0] != KR_REC_DATA || rec[1] != 3 || rec[2] != 3 ||
		   ((rec[3] << 8) | rec[4]) != body) {
		return false;
	}
	tag = payload + len + tls13;
	rec_nonce(o, k, seq, rec + KR_REC_HDR, nonce);
	aad_len = rec_aad(o, seq, rec, len, aad);
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, enc) != 1 ||
	    EVP_CipherUpdate(c, NULL, &outl, aad, aad_len) != 1)
		KR_DIE("EVP_CipherInit");
	if (enc) {
		memcpy(inner, pt, len);
		inner[len] = KR_REC_DATA;	/* TLS 1.3 inner type */
		if (EVP_CipherUpdate(c, payload, &outl, inner,
				     len + tls13) != 1 ||
		    EVP_CipherFinal_ex(c, payload + outl, &outl) != 1 ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
			KR_DIE("EVP seal");
		return true;
	}
	if (EVP_CipherUpdate(c, inner, &outl, payload, len + tls13) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
		KR_DIE("EVP open");
	if (EVP_CipherFinal_ex(c, inner + outl, &outl) != 1)
		return false;
	/* the kernel never pads: the inner type is the last byte */
	if (tls13 && inner[len] != KR_REC_DATA)
		return false;
	memcpy(pt, inner, len);
	return true;
}

static EVP_CIPHER_CTX *cipher_ctx(const struct kr_key *k, bool enc)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!c || EVP_CipherInit_ex(c, EVP_aes_128_gcm(), NULL,
				    k->gcm128.key, NULL, enc) != 1)
		KR_DIE("EVP_aes_128_gcm");
	return c;
}

static size_t rec_len(const struct opts *o, size_t i)
{
	size_t left = o->bytes - i * KR_REC_MAX;

	return left < KR_REC_MAX ? left : KR_REC_MAX;
}

/* Rx mode: the whole stream, sealed by OpenSSL, into *LEN bytes. */
static unsigned char *seal_stream(const struct opts *o, size_t *len)
{
	static unsigned char pt[KR_REC_MAX];
	size_t n = nr_records(o), i, off = 0;
	unsigned char *out;
	EVP_CIPHER_CTX *c;
	struct kr_key k;

	*len = o->bytes + n * rec_overhead(o);
	out = malloc(*len);
	if (!out)
		KR_DIE("malloc %zu", *len);
	bench_key(o, &k);
	c = cipher_ctx(&k, true);
	for (i = 0; i < n; i++) {
		size_t l = rec_len(o, i);

		kr_pattern(pt, l, i * KR_REC_MAX);
		rec_crypt(o, c, &k, i, out + off, pt, l, true);
		off += l + rec_overhead(o);
	}
	EVP_CIPHER_CTX_free(c);
	return out;
}

/* Tx mode: open every record the kernel sealed and check its plaintext. */
static bool open_stream(const struct opts *o, unsigned char *raw)
{
	static unsigned char pt[KR_REC_MAX], want[KR_REC_MAX];
	size_t n = nr_records(o), i, off = 0;
	EVP_CIPHER_CTX *c;
	struct kr_key k;
	bool ok = true;

	bench_key(o, &k);
	c = cipher_ctx(&k, false);
	for (i = 0; i < n && ok; i++) {
		size_t l = rec_len(o, i);

		if (!rec_crypt(o, c, &k, i, raw + off, pt, l, false)) {
			fprintf(stderr, "FAIL: record %zu (at byte %zu) does not open as %zu bytes of data\n",
				i, off, l);
			ok = false;
			break;
		}
		kr_pattern(want, l, i * KR_REC_MAX);
		if (memcmp(pt, want, l)) {
			fprintf(stderr, "FAIL: record %zu: plaintext differs from what was sent\n",
				i);
			ok = false;
		}
		off += l + rec_overhead(o);
	}
	EVP_CIPHER_CTX_free(c);
	return ok;
}

/* Rx and both modes: compare the plaintext received with the pattern. */
static bool check_plain(const struct opts *o, const unsigned char *got)
{
	static unsigned char want[CHUNK];
	size_t off, n;

	for (off = 0; off < o->bytes; off += n) {
		n = o->bytes - off < CHUNK ? o->bytes - off : CHUNK;
		kr_pattern(want, n, off);
		if (memcmp(got + off, want, n)) {
			fprintf(stderr, "FAIL: data corrupt between bytes %zu and %zu\n",
				off, off + n);
			return false;
		}
	}
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int expected_kus(const struct opts *o)
{
	if (!o->ku_mib)
		return 0;
	return (o->bytes - 1) / ((size_t)o->ku_mib * MIB);
}

/* A rekey counter of this namespace moved by exactly WANT since BASE. */
static bool check_counter(const char *name, long long base, long long want)
{
	long long d;

	if (base < 0)
		return true;	/* not keyroll's module: no rekey counters */
	d = kr_stat(name) - base;
	if (d == want)
		return true;
	fprintf(stderr, "FAIL: %s moved by %lld, expected %lld\n", name, d,
		want);
	return false;
}

static int do_connect(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd;

	sa.sin_port = htons(o->port);
	if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1)
		KR_DIE("bad address %s", o->addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&sa, sizeof(sa)))
		KR_DIE("connect %s:%d: %s", o->addr, o->port, strerror(errno));
	return fd;
}

static int do_listen(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int l, one = 1;

	sa.sin_port = htons(o->port);
	if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1)
		KR_DIE("bad address %s", o->addr);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (void *)&sa, sizeof(sa)) || listen(l, 1))
		KR_DIE("listen %s:%d: %s", o->addr, o->port, strerror(errno));
	printf("listening on %s:%d\n", o->addr, o->port);
	fflush(stdout);
	return l;
}

static int do_accept(int l)
{
	int fd = accept(l, NULL, NULL);

	if (fd < 0)
		KR_DIE("accept: %s", strerror(errno));
	close(l);
	return fd;
}

static void set_blob(int fd, int opt, const struct kr_key *k)
{
	if (setsockopt(fd, SOL_TLS, opt, k, k->len))
		KR_DIE("%s: %s", opt == TLS_TX ? "TLS_TX" : "TLS_RX",
		       strerror(errno));
}

static int sender(const struct opts *o)
{
	long long base = kr_stat("TlsTxRekeyOk");
	size_t len, off, n, ku_every = (size_t)o->ku_mib * MIB;
	struct kr_end e = { .who = "sender" };
	unsigned char *buf;
	struct kr_key k;
	char verdict;
	bool ok;

	if (o->mode == MODE_RX) {
		buf = seal_stream(o, &len);
	} else {
		len = o->bytes;
		buf = malloc(len);
		if (!buf)
			KR_DIE("malloc");
		kr_pattern(buf, len, 0);
	}
	e.fd = do_connect(o);
	if (recv(e.fd, &verdict, 1, MSG_WAITALL) != 1 || verdict != GO)
		KR_DIE("the receiver did not say go");
	if (o->mode != MODE_RX && kr_ulp(e.fd))
		KR_DIE("TCP_ULP tls: %s", strerror(errno));
	if (o->mode == MODE_TX) {
		bench_key(o, &k);
		set_blob(e.fd, TLS_TX, &k);
	} else if (o->mode == MODE_BOTH) {
		bench_secret(&e, e.tx);
		kr_set_key(&e, TLS_TX, e.tx, 0, false);
	}
	if (o->corrupt)
		buf[len / 2] ^= 0x20;
	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		if (ku_every) {
			if (off && off % ku_every == 0)
				kr_send_keyupdate(&e, 0);
			if (n > ku_every - off % ku_every)
				n = ku_every - off % ku_every;
		}
		if (send(e.fd, buf + off, n, 0) != (ssize_t)n)
			KR_DIE("send at %zu/%zu: %s", off, len,
			       strerror(errno));
	}
	free(buf);
	if (shutdown(e.fd, SHUT_WR))
		KR_DIE("shutdown: %s", strerror(errno));
	ok = e.t.ku_sent == expected_kus(o);
	if (!ok)
		fprintf(stderr, "FAIL: sent %u KeyUpdates, expected %u\n",
			e.t.ku_sent, expected_kus(o));
	if (!check_counter("TlsTxRekeyOk", base, e.t.ku_sent))
		ok = false;
	if (recv(e.fd, &verdict, 1, MSG_WAITALL) != 1)
		KR_DIE("no verdict from the receiver: %s", strerror(errno));
	if (verdict != VERDICT_OK) {
		fprintf(stderr, "FAIL: the receiver found the data wrong\n");
		ok = false;
	}
	close(e.fd);
	printf("sent %zu MiB%s, %u KeyUpdates\n", o->bytes >> 20,
	       ok ? "" : " (FAILED)", e.t.ku_sent);
	return ok ? 0 : 1;
}

/*
 * Receive WANT bytes: plaintext through kTLS, or raw records in tx mode.
 * Returns the time the first bytes arrived.
 */
static double receive(const struct opts *o, struct kr_end *e,
		      unsigned char *buf, size_t want)
{
	double t0 = 0;
	size_t got = 0, n;
	ssize_t r;
	int type;

	while (got < want) {
		n = want - got < CHUNK ? want - got : CHUNK;
		if (o->mode == MODE_TX) {
			r = recv(e->fd, buf + got, n, 0);
			type = KR_REC_DATA;
		} else {
			r = kr_recv_type(e->fd, &type, buf + got, n, 0);
		}
		if (r <= 0)
			KR_DIE("recv at %zu/%zu: %s", got, want,
			       r ? strerror(errno) : "end of stream");
		if (type == KR_REC_HANDSHAKE) {
			kr_got_keyupdate(e, buf + got, r);
			continue;
		}
		if (type != KR_REC_DATA)
			KR_DIE("record type %d at %zu", type, got);
		if (!got)
			t0 = now();
		got += r;
	}
	return t0;
}

static int receiver(const struct opts *o)
{
	long long base = kr_stat("TlsRxRekeyOk");
	struct kr_end e = { .who = "receiver" };
	const char go = GO;
	unsigned char *buf;
	double t0, t;
	struct kr_key k;
	char verdict;
	size_t want;
	bool ok;
	int l;

	/* the sender prepares its data while this one faults its buffer in */
	l = do_listen(o);
	want = o->bytes;
	if (o->mode == MODE_TX)
		want += nr_records(o) * rec_overhead(o);
	buf = malloc(want);
	if (!buf)
		KR_DIE("malloc");
	memset(buf, 0, want);	/* fault the pages in outside the clock */
	e.fd = do_accept(l);
	if (o->mode != MODE_TX && kr_ulp(e.fd))
		KR_DIE("TCP_ULP tls: %s", strerror(errno));
	if (o->mode == MODE_RX) {
		bench_key(o, &k);
		set_blob(e.fd, TLS_RX, &k);
	} else if (o->mode == MODE_BOTH) {
		bench_secret(&e, e.rx);
		kr_set_key(&e, TLS_RX, e.rx, 0, false);
	}
	if (send(e.fd, &go, 1, 0) != 1)
		KR_DIE("send go: %s", strerror(errno));
	t0 = receive(o, &e, buf, want);
	t = now() - t0;
	/* then the end of the stream, and nothing before it */
	if (recv(e.fd, buf, 1, 0) != 0)
		KR_DIE("more than %zu bytes, or no end of stream: %s", want,
		       strerror(errno));

	if (o->mode == MODE_TX)
		ok = open_stream(o, buf);
	else
		ok = check_plain(o, buf);
	if (e.t.ku_rcvd != expected_kus(o)) {
		fprintf(stderr, "FAIL: received %u KeyUpdates, expected %u\n",
			e.t.ku_rcvd, expected_kus(o));
		ok = false;
	}
	if (!check_counter("TlsRxRekeyOk", base, e.t.ku_rcvd))
		ok = false;
	verdict = ok ? VERDICT_OK : VERDICT_BAD;
	if (send(e.fd, &verdict, 1, 0) != 1)
		KR_DIE("send verdict: %s", strerror(errno));
	close(e.fd);
	free(buf);
	printf("received %zu MiB%s, %u KeyUpdates, elapsed %.3f s, %.2f MB/s\n",
	       o->bytes >> 20, ok ? " intact" : " (FAILED)", e.t.ku_rcvd, t,
	       o->bytes / t / 1e6);
	return ok ? 0 : 1;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -l|-c ADDR -p PORT -m tx|rx|both [-v 1.2|1.3] [-s MiB] [-k MiB]\n",
		prog);
	exit(1);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.version = TLS_1_3_VERSION, .bytes = 32 * MIB, .mode = MODE_BOTH,
	};
	char path[256];
	int opt, fd;

	while ((opt = getopt(argc, argv, "l:c:p:m:v:s:k:N:x")) != -1) {
		switch (opt) {
		case 'x':
			o.corrupt = true;
			break;
		case 'N':
			snprintf(path, sizeof(path), "/run/netns/%s", optarg);
			fd = open(path, O_RDONLY);
			if (fd < 0 || setns(fd, CLONE_NEWNET))
				KR_DIE("network namespace %s: %s", optarg,
				       strerror(errno));
			close(fd);
			break;
		case 'l':
		case 'c':
			o.addr = optarg;
			o.server = opt == 'l';
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 'm':
			if (!strcmp(optarg, "tx"))
				o.mode = MODE_TX;
			else if (!strcmp(optarg, "rx"))
				o.mode = MODE_RX;
			else if (!strcmp(optarg, "both"))
				o.mode = MODE_BOTH;
			else
				usage(argv[0]);
			break;
		case 'v':
			if (!strcmp(optarg, "1.2"))
				o.version = TLS_1_2_VERSION;
			else if (!strcmp(optarg, "1.3"))
				o.version = TLS_1_3_VERSION;
			else
				usage(argv[0]);
			break;
		case 's':
			o.bytes = (size_t)atoi(optarg) * MIB;
			break;
		case 'k':
			o.ku_mib = atoi(optarg);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!o.addr || !o.port || !o.bytes)
		usage(argv[0]);
	if (o.mode == MODE_BOTH && o.version != TLS_1_3_VERSION)
		KR_DIE("-m both is TLS 1.3 only");
	if (o.ku_mib && o.mode != MODE_BOTH)
		KR_DIE("-k needs -m both");
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(300);
	return o.server ? receiver(&o) : sender(&o);
}
