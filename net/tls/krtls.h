/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keyroll kTLS: per-socket state shared by the files of the module.
 *
 * main.c    ULP registration, protocol tables, close, init/exit
 * sockopt.c SOL_TLS setsockopt/getsockopt, key install and rekey
 * sw.c      AEAD setup and record seal/open (software crypto)
 * tx.c      sendmsg/sendpage/splice_eof: building and pushing records
 * rx.c      record parsing from the TCP queue, recvmsg, splice, poll
 * proc.c    per-namespace counters, /proc/net/tls_stat
 */
#ifndef _KRTLS_H
#define _KRTLS_H

#include <linux/bvec.h>
#include <linux/scatterlist.h>
#include <linux/tls.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>

#include "protocol.h"
#include "compat.h"

/* Static description of one AEAD cipher of the uAPI. */
struct krtls_cipher {
	u16 type;		/* TLS_CIPHER_* */
	u16 info_len;		/* exact optlen of its crypto_info struct */
	u8 key_len;
	u8 salt_len;
	u8 iv_len;		/* the crypto_info iv field */
	u8 iv_off;		/* field offsets in the crypto_info struct */
	u8 key_off;
	u8 salt_off;
	u8 seq_off;
	bool explicit_nonce;	/* TLS 1.2 carries 8 nonce bytes per record */
	bool ccm;
	const char *alg;
};

/* A crypto_info of any supported cipher, as userspace passed it. */
union krtls_crypto_info {
	struct tls_crypto_info info;
	struct tls12_crypto_info_aes_gcm_128 gcm128;
	struct tls12_crypto_info_aes_gcm_256 gcm256;
	struct tls12_crypto_info_aes_ccm_128 ccm128;
	struct tls12_crypto_info_chacha20_poly1305 chacha;
};

/*
 * Most user pages one record may be opened into directly: a whole
 * record's plaintext in one buffer spans at most 5 pages; the rest leaves
 * room for a few separate iovecs. Beyond it, the record is copied.
 */
#define KRTLS_RX_ZC_PAGES	16

/*
 * Most pieces of TCP segments (linear parts and page fragments) a record
 * is opened from where TCP holds it. Beyond it, the record is copied.
 */
#define KRTLS_RX_SKB_SG		48

/* Keys and sequence state of one direction. */
struct krtls_key {
	const struct krtls_cipher *cipher;
	struct crypto_aead *aead;
	struct aead_request *req;
	/*
	 * After a rekey, the transform of the key before it, keyed with
	 * zeros: the next rekey keys it and swaps it in (sw.c).
	 */
	struct crypto_aead *spare;
	struct aead_request *spare_req;
	union krtls_crypto_info info;	/* as set; iv/rec_seq refreshed on get */
	u8 nonce[KRTLS_NONCE_LEN];	/* salt || iv */
	u8 seq[KRTLS_SEQ_LEN];		/* next record, big endian */
	/* scratch for the AEAD, kept off the stack for the scatterlists */
	u8 aad[KRTLS_AAD12_LEN];
	u8 iv[KRTLS_CCM_IV_LEN];
	struct scatterlist sg[2];
};

/* Layout of a record for the configured version and cipher. */
struct krtls_layout {
	u16 version;
	u8 prepend;	/* header + explicit nonce */
	u8 tail;	/* TLS 1.3 inner content type */
	u8 overhead;	/* prepend + tail + tag */
};

/* A record: on RX decrypted plaintext waiting for the reader. */
struct krtls_rec {
	struct list_head list;
	u32 have;	/* bytes assembled (RX) */
	u32 need;	/* full record length once the header is known */
	u32 off;	/* plaintext offset into buf */
	u32 len;	/* plaintext bytes left */
	u8 type;
	bool padded;	/* TLS 1.3 record had zero padding */
	u8 buf[] __aligned(8);
};

/*
 * Most pieces of page one sealed record is cut into (tx.c): a record spans
 * at most 6 single pages, or 2 of the larger pages tried first.
 */
#define KRTLS_TX_PIECES		8

/*
 * Most pages of a user buffer a record is sealed from directly (tx.c):
 * a full record's plaintext from a buffer that does not start on a page
 * boundary, and one more for a buffer in two parts.
 */
#define KRTLS_TX_USER_PAGES	(KRTLS_MAX_PLAINTEXT / PAGE_SIZE + 2)

struct krtls_tx {
	struct krtls_key key;
	u32 pt_len;		/* plaintext in an open record */
	u32 sealed_len;		/* bytes of a sealed record, 0 if open */
	u32 sent;		/* bytes of the sealed record pushed */
	/*
	 * Records are built and sealed in pages that TCP takes by
	 * reference (tx.c): the page records are cut from, and the pieces
	 * of the open or sealed record (each holding a page reference until
	 * the record is pushed), with the AEAD's view of them (entry 0:
	 * additional data).
	 */
	struct page *pg;
	u32 pg_off;
	u32 pg_size;
	u8 nr_pieces;
	struct bio_vec pieces[KRTLS_TX_PIECES];
	struct scatterlist out_sg[KRTLS_TX_PIECES + 1];
	/*
	 * A record sealed straight from the sender's pages: those pages,
	 * pinned for the AEAD, and its view of them (entry 0: additional
	 * data; last: TLS 1.3's inner content type, @user_type).
	 */
	struct page *user_pages[KRTLS_TX_USER_PAGES];
	struct scatterlist user_sg[KRTLS_TX_USER_PAGES + 2];
	u8 user_type;
	u8 open_type;		/* content type of the open record */
	bool open;
	bool closing;
	struct sock *sk;
	struct work_struct work;
	void (*saved_write_space)(struct sock *sk);
};

struct krtls_rx {
	struct krtls_key key;
	struct list_head ready;		/* decrypted records */
	struct krtls_rec *asm_rec;	/* record being read off TCP */
	struct krtls_rec *spare;	/* a free buffer, to avoid churn */
	wait_queue_head_t readers;	/* waiting for the reader lock */
	bool reader;			/* a reader is in the receive path */
	bool stopped;			/* malformed header seen */
	bool key_update_pending;	/* RFC 8446 4.6.3 pause */
	bool no_pad;
	/*
	 * Direct open (rx.c): the reader's pages pinned for one record,
	 * and the AEAD's destination (entry 0: additional data).
	 */
	struct page *zc_pages[KRTLS_RX_ZC_PAGES];
	struct scatterlist zc_sg[KRTLS_RX_ZC_PAGES + 1];
	/* the AEAD's source when it reads TCP's segments (entry 0: AAD) */
	struct scatterlist skb_sg[KRTLS_RX_SKB_SG + 1];
};

struct krtls_ctx {
	struct proto *base_prot;
	const struct proto_ops *base_ops;
	struct sock *sk;
	struct mutex tx_lock;	/* serialises senders (pushes drop the sk lock) */
	struct krtls_layout layout;
	struct krtls_tx *tx;	/* NULL until TLS_TX */
	struct krtls_rx *rx;	/* NULL until TLS_RX */
	/* mirrors for inet_diag, which reads without the socket lock */
	u16 cipher_type;
	u16 tx_conf;		/* TLS_CONF_BASE or TLS_CONF_SW */
	u16 rx_conf;
	bool rx_no_pad;
	bool zc_ro_tx;
	struct rcu_head rcu;
};

static inline struct krtls_ctx *krtls_get_ctx(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	return (__force struct krtls_ctx *)icsk->icsk_ulp_data;
}

/* proc.c */
enum krtls_mib {
	KRTLS_MIB_CURR_TX_SW,		/* TlsCurrTxSw */
	KRTLS_MIB_CURR_RX_SW,		/* TlsCurrRxSw */
	KRTLS_MIB_CURR_TX_DEVICE,	/* TlsCurrTxDevice */
	KRTLS_MIB_CURR_RX_DEVICE,	/* TlsCurrRxDevice */
	KRTLS_MIB_TX_SW,		/* TlsTxSw */
	KRTLS_MIB_RX_SW,		/* TlsRxSw */
	KRTLS_MIB_TX_DEVICE,		/* TlsTxDevice */
	KRTLS_MIB_RX_DEVICE,		/* TlsRxDevice */
	KRTLS_MIB_DECRYPT_ERROR,	/* TlsDecryptError */
	KRTLS_MIB_RX_DEVICE_RESYNC,	/* TlsRxDeviceResync */
	KRTLS_MIB_DECRYPT_RETRY,	/* TlsDecryptRetry */
	KRTLS_MIB_RX_NO_PAD_VIOL,	/* TlsRxNoPadViolation */
	KRTLS_MIB_TX_REKEY_OK,		/* TlsTxRekeyOk */
	KRTLS_MIB_RX_REKEY_OK,		/* TlsRxRekeyOk */
	KRTLS_MIB_TX_REKEY_ERROR,	/* TlsTxRekeyError */
	KRTLS_MIB_RX_REKEY_ERROR,	/* TlsRxRekeyError */
	KRTLS_MIB_RX_REKEY_RECEIVED,	/* TlsRxRekeyReceived */
	KRTLS_MIB_MAX
};

void krtls_stat_add(const struct sock *sk, enum krtls_mib mib, long delta);
static inline void krtls_stat_inc(const struct sock *sk, enum krtls_mib mib)
{
	krtls_stat_add(sk, mib, 1);
}

int krtls_proc_init(void);
void krtls_proc_exit(void);

/* sockopt.c */
int krtls_setsockopt(struct sock *sk, int level, int optname,
		     sockptr_t optval, unsigned int optlen);
int krtls_getsockopt(struct sock *sk, int level, int optname,
		     char __user *optval, int __user *optlen);
void krtls_key_free(struct krtls_key *key);

/* sw.c */
void krtls_ciphers_init(void);
const struct krtls_cipher *krtls_cipher_find(u16 type);
int krtls_key_rekey(struct krtls_key *key, const union krtls_crypto_info *ci);
int krtls_key_init(struct krtls_key *key, const union krtls_crypto_info *ci,
		   const struct krtls_cipher *cipher);
void krtls_layout_init(struct krtls_layout *lay,
		       const struct krtls_cipher *cipher, u16 version);
int krtls_seal(struct krtls_ctx *ctx, u8 *hdr, u32 pt_len, u8 type,
	       struct scatterlist *sg, struct scatterlist *dst);
int krtls_open(struct sock *sk, struct krtls_ctx *ctx, struct krtls_rec *rec,
	       struct scatterlist *src, struct scatterlist *dst);
struct krtls_rec *krtls_rec_alloc(gfp_t gfp);
void krtls_rec_free(struct krtls_rec *rec);

/* tx.c */
int krtls_tx_init(struct sock *sk, struct krtls_ctx *ctx);
void krtls_tx_release(struct sock *sk, struct krtls_ctx *ctx);
void krtls_tx_stop(struct sock *sk, struct krtls_ctx *ctx);
void krtls_tx_cancel(struct krtls_ctx *ctx);
int krtls_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
void krtls_splice_eof(struct socket *sock);
#ifdef KRTLS_HAVE_PROTO_SENDPAGE
int krtls_sendpage(struct sock *sk, struct page *page, int offset,
		   size_t size, int flags);
#endif

/* diag.c */
int krtls_get_info(struct sock *sk, struct sk_buff *skb);
size_t krtls_get_info_size(const struct sock *sk);

/* rx.c */
int krtls_rx_init(struct sock *sk, struct krtls_ctx *ctx);
void krtls_rx_release(struct sock *sk, struct krtls_ctx *ctx);
int krtls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		  int flags, int *addr_len);
ssize_t krtls_splice_read(struct socket *sock, loff_t *ppos,
			  struct pipe_inode_info *pipe, size_t len,
			  unsigned int flags);
__poll_t krtls_poll(struct file *file, struct socket *sock,
		    struct poll_table_struct *wait);
void krtls_rx_abort(struct sock *sk, struct krtls_ctx *ctx, int err);

#endif /* _KRTLS_H */
