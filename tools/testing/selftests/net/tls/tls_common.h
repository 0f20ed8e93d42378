/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by keyroll's kTLS selftests: key blobs for every cipher,
 * loopback socket pairs with the "tls" ULP, record-type control messages
 * and /proc/net/tls_stat counters.
 */
#ifndef KR_TLS_COMMON_H
#define KR_TLS_COMMON_H

#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/tls.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#ifndef TLS_RX_EXPECT_NO_PAD
#define TLS_RX_EXPECT_NO_PAD 4
#endif
#ifndef EKEYEXPIRED
#define EKEYEXPIRED 127
#endif

/* TLS record content types (RFC 8446 section 5.1). */
enum {
	KR_REC_ALERT = 21,
	KR_REC_HANDSHAKE = 22,
	KR_REC_DATA = 23,
};

/* Handshake message type of a KeyUpdate (RFC 8446 section 4.6.3). */
#define KR_HS_KEY_UPDATE 24
/* Largest plaintext of one record (RFC 8446 section 5.1). */
#define KR_REC_MAX 16384
/* Size of a record header. */
#define KR_REC_HDR 5

struct kr_key {
	union {
		struct tls_crypto_info info;
		struct tls12_crypto_info_aes_gcm_128 gcm128;
		struct tls12_crypto_info_aes_gcm_256 gcm256;
		struct tls12_crypto_info_aes_ccm_128 ccm128;
		struct tls12_crypto_info_chacha20_poly1305 chacha;
	};
	socklen_t len;
};

/*
 * kr_key_fill - a key blob for VERSION and CIPHER whose key, salt and iv
 * bytes all derive from GEN, so that two generations never share a key.
 * Returns false for a cipher this file does not know.
 */
static inline bool kr_key_fill(struct kr_key *k, uint16_t version,
			       uint16_t cipher, unsigned char gen)
{
	unsigned char *key, *iv, *salt;
	size_t klen, ivlen, slen, i;

	memset(k, 0, sizeof(*k));
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128:
		k->len = sizeof(k->gcm128);
		key = k->gcm128.key;
		klen = sizeof(k->gcm128.key);
		iv = k->gcm128.iv;
		ivlen = sizeof(k->gcm128.iv);
		salt = k->gcm128.salt;
		slen = sizeof(k->gcm128.salt);
		break;
	case TLS_CIPHER_AES_GCM_256:
		k->len = sizeof(k->gcm256);
		key = k->gcm256.key;
		klen = sizeof(k->gcm256.key);
		iv = k->gcm256.iv;
		ivlen = sizeof(k->gcm256.iv);
		salt = k->gcm256.salt;
		slen = sizeof(k->gcm256.salt);
		break;
	case TLS_CIPHER_AES_CCM_128:
		k->len = sizeof(k->ccm128);
		key = k->ccm128.key;
		klen = sizeof(k->ccm128.key);
		iv = k->ccm128.iv;
		ivlen = sizeof(k->ccm128.iv);
		salt = k->ccm128.salt;
		slen = sizeof(k->ccm128.salt);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		k->len = sizeof(k->chacha);
		key = k->chacha.key;
		klen = sizeof(k->chacha.key);
		iv = k->chacha.iv;
		ivlen = sizeof(k->chacha.iv);
		salt = NULL;
		slen = 0;
		break;
	default:
		return false;
	}
	k->info.version = version;
	k->info.cipher_type = cipher;
	for (i = 0; i < klen; i++)
		key[i] = gen * 37 + i;
	for (i = 0; i < ivlen; i++)
		iv[i] = gen * 11 + 0x80 + i;
	for (i = 0; i < slen; i++)
		salt[i] = gen * 5 + 0x40 + i;
	return true;
}

/* Bytes a cipher adds to one record after the header (tag, explicit iv). */
static inline size_t kr_overhead(uint16_t version, uint16_t cipher)
{
	if (version == TLS_1_3_VERSION)
		return 16 + 1;	/* tag, inner content type */
	if (cipher == TLS_CIPHER_CHACHA20_POLY1305)
		return 16;
	return 16 + 8;		/* tag, explicit nonce */
}

/* Byte of the test stream at offset OFF: see kr_pattern(). */
static inline unsigned char kr_pattern_byte(uint64_t off)
{
	return (off / 8 * 0x9e3779b97f4a7c15ULL) >> (8 * (off % 8));
}

/*
 * kr_pattern - the test stream's LEN bytes from stream offset OFF: each
 * 8-byte word is its index times an odd constant, little endian, so data
 * that is lost, repeated or out of place never matches.
 */
static inline void kr_pattern(unsigned char *buf, size_t len, uint64_t off)
{
	size_t i = 0;
	uint64_t w;

	for (; i < len && (off + i) % 8; i++)
		buf[i] = kr_pattern_byte(off + i);
	for (; i + 8 <= len; i += 8) {
		w = htole64((off + i) / 8 * 0x9e3779b97f4a7c15ULL);
		memcpy(buf + i, &w, 8);
	}
	for (; i < len; i++)
		buf[i] = kr_pattern_byte(off + i);
}

/* A connected loopback TCP pair; *a is the connecting end. */
/*
 * A connected loopback pair; @rcvbuf, if not 0, is the accepted end's
 * SO_RCVBUF, set before the connection so that TCP's window follows it.
 */
static inline int kr_tcp_pair_rcvbuf(int *a, int *b, int rcvbuf)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int l, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	if (rcvbuf && setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)))
		goto err;
	if (bind(l, (void *)&sa, sizeof(sa)) || listen(l, 1) ||
	    getsockname(l, (void *)&sa, &len))
		goto err;
	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (void *)&sa, sizeof(sa)))
		goto err;
	*b = accept(l, NULL, NULL);
	if (*b < 0)
		goto err;
	setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(l);
	return 0;
err:
	close(l);
	return -1;
}

static inline int kr_tcp_pair(int *a, int *b)
{
	return kr_tcp_pair_rcvbuf(a, b, 0);
}

/*
 * Bound every blocking send/recv on FD: a test that would hang fails with
 * EAGAIN at the call that hung, instead of dying by the harness timeout.
 */
static inline void kr_hang_guard(int fd)
{
	struct timeval tv = { .tv_sec = 10 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static inline int kr_ulp(int fd)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
}

/* sendmsg one record of content TYPE. */
static inline ssize_t kr_send_type(int fd, unsigned char type,
				   const void *buf, size_t len, int flags)
{
	char cbuf[CMSG_SPACE(1)] = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = type;
	msg.msg_controllen = c->cmsg_len;
	return sendmsg(fd, &msg, flags);
}

/*
 * recvmsg with room for the record-type control message; *type gets the
 * type it reports, or -1 when there was none.
 */
static inline ssize_t kr_recv_type(int fd, int *type, void *buf, size_t len,
				   int flags)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*type = -1;
	n = recvmsg(fd, &msg, flags);
	if (n < 0)
		return n;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_TLS &&
	    c->cmsg_type == TLS_GET_RECORD_TYPE)
		*type = *CMSG_DATA(c);
	return n;
}

/*
 * kr_stat - value of counter NAME in /proc/net/tls_stat, or -1 when the
 * file or the line does not exist.
 */
static inline long long kr_stat(const char *name)
{
	char line[128], key[64];
	long long val, ret = -1;
	FILE *f;

	f = fopen("/proc/net/tls_stat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld", key, &val) == 2 &&
		    !strcmp(key, name)) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * kr_keyroll_tls - whether the loaded tls module must support TLS 1.3
 * rekey. 1: yes (keyroll's tls.ko is built for this kernel, so the runner
 * loaded it; or its rekey counters are present; or KR_TLS_REKEY=expect
 * asks to run the rekey cases anyway, as intree.sh does to prove they
 * fail on the in-tree module). 0: no, the rekey cases skip.
 */
static inline int kr_keyroll_tls(void)
{
	const char *env = getenv("KR_TLS_REKEY");
	const char *dir = getenv("KR_MODDIR");
	char path[4096];

	if (env && !strcmp(env, "expect"))
		return 1;
	if (env && !strcmp(env, "skip"))
		return 0;
	if (dir) {
		snprintf(path, sizeof(path), "%s/tls/tls.ko", dir);
		if (!access(path, R_OK))
			return 1;
	}
	return kr_stat("TlsTxRekeyOk") >= 0;
}

#endif /* KR_TLS_COMMON_H */
