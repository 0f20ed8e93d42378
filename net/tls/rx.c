// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: records are read off the TCP receive queue with
 * tcp_read_sock() into a record buffer, in process context and under the
 * socket lock (recvmsg, splice_read, poll). A complete record is opened
 * and queued on rx->ready; the reader copies plaintext from there. Only
 * one record is read ahead of what a reader asked for, so the rest stays
 * encrypted in TCP, and TCP's window is what applies backpressure.
 *
 * Direct open: a TLS 1.2 application data record (the type is in the
 * clear header) that recvmsg() without MSG_PEEK can take whole into a
 * user buffer is decrypted straight into the reader's pages. Its body
 * is read where TCP holds it, from the segments on the receive queue
 * (only its header and explicit nonce are copied out; it is consumed
 * from TCP once it opened), so its bytes are not copied at all: the
 * record waits in TCP until it is complete, unless it is too large for
 * the receive buffer to hold comfortably, or spread over too many
 * pieces, when it is copied into the record buffer and opened from
 * there. Everything else (TLS 1.3, peek, splice, kernel readers, short
 * buffers, other record types) is opened in place and copied.
 *
 * KeyUpdate (RFC 8446 4.6.3): once a TLS 1.3 handshake record starting
 * with a KeyUpdate message is opened, no further record is read until
 * userspace installs the new TLS_RX key. The KeyUpdate record itself is
 * still delivered; after it, reads fail with EKEYEXPIRED and poll shows
 * no input.
 */
#include <linux/skbuff.h>
#include <linux/splice.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "krtls.h"

static struct krtls_rec *krtls_rx_first(struct krtls_rx *rx)
{
	return list_first_entry_or_null(&rx->ready, struct krtls_rec, list);
}

/* Done with @rec (on no list): keep one buffer for the next record. */
static void krtls_rx_recycle(struct krtls_rx *rx, struct krtls_rec *rec)
{
	if (rx->spare)
		krtls_rec_free(rec);
	else
		rx->spare = rec;
}

/* Consume @n bytes of @rec; a used-up buffer is kept for the next one. */
static void krtls_rx_consume(struct krtls_rx *rx, struct krtls_rec *rec,
			     u32 n)
{
	rec->off += n;
	rec->len -= n;
	if (rec->len)
		return;
	list_del_init(&rec->list);
	krtls_rx_recycle(rx, rec);
}

/*
 * Report a parse or decrypt error through sk_err, as the in-tree module
 * does: the first read returns it (and clears it). A malformed header
 * also stops the parser for good; a record that fails to decrypt stays
 * and fails again on every read.
 */
void krtls_rx_abort(struct sock *sk, struct krtls_ctx *ctx, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

static int krtls_read_actor(read_descriptor_t *desc, struct sk_buff *skb,
			    unsigned int offset, size_t len)
{
	struct krtls_rec *rec = desc->arg.data;
	size_t n = min_t(size_t, len, desc->count);

	if (skb_copy_bits(skb, offset, rec->buf + rec->have, n)) {
		desc->error = -EFAULT;
		return 0;
	}
	rec->have += n;
	desc->count -= n;
	return n;
}

/* Move bytes from TCP into @rec until it holds @end of them. */
static int krtls_rx_pull(struct sock *sk, struct krtls_rec *rec, u32 end)
{
	read_descriptor_t desc = {
		.count = end - rec->have,
		.arg.data = rec,
	};
	int ret;

	if (!desc.count)
		return 0;
	ret = tcp_read_sock(sk, &desc, krtls_read_actor);
	if (ret < 0)
		return ret;
	return desc.error;
}

static int krtls_skip_actor(read_descriptor_t *desc, struct sk_buff *skb,
			    unsigned int offset, size_t len)
{
	size_t n = min_t(size_t, len, desc->count);

	desc->count -= n;
	return n;
}

/* Consume @len bytes from TCP that were read where TCP holds them. */
static void krtls_rx_skip(struct sock *sk, u32 len)
{
	read_descriptor_t desc = { .count = len };

	tcp_read_sock(sk, &desc, krtls_skip_actor);
}

/*
 * Describe the next @len bytes on TCP's receive queue in @sg, which has
 * room for @max entries, without consuming them. Returns the number of
 * entries, or a negative errno when they are not all there or take too
 * many entries.
 */
static int krtls_rx_map_tcp(struct sock *sk, struct scatterlist *sg,
			    int max, u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq;
	struct sk_buff *skb;
	int nsg = 0;

	if (!len || tcp_inq(sk) < len)
		return -EAGAIN;
	/* tcp_read_sock() stops at urgent data: leave that to the copy */
	if (READ_ONCE(tcp_sk(sk)->urg_data))
		return -EINVAL;
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 off = seq - TCP_SKB_CB(skb)->seq;
		u32 n;
		int ret;

		if (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN)
			return -EINVAL;
		if (off >= skb->len)
			continue;
		if (skb_has_frag_list(skb) ||
		    nsg + 1 + skb_shinfo(skb)->nr_frags > max)
			return -E2BIG;
		n = min(len, skb->len - off);
		ret = skb_to_sgvec_nomark(skb, sg + nsg, off, n);
		if (ret < 0)
			return ret;
		nsg += ret;
		seq += n;
		len -= n;
		if (!len) {
			sg_mark_end(&sg[nsg - 1]);
			return nsg;
		}
	}
	return -EAGAIN;
}

/* Record header checks, with the errors of the in-tree parser. */
static int krtls_rx_header(struct krtls_ctx *ctx, struct krtls_rec *rec)
{
	const struct krtls_layout *lay = &ctx->layout;
	u32 overhead = lay->prepend - KRTLS_HDR_LEN + KRTLS_TAG_LEN;
	u32 len = (rec->buf[3] << 8) | rec->buf[4];

	if (len > KRTLS_MAX_PLAINTEXT + overhead + lay->tail)
		return -EMSGSIZE;
	if (len < overhead)
		return -EBADMSG;
	if (rec->buf[1] != KRTLS_HDR_LEGACY_MAJOR ||
	    rec->buf[2] != KRTLS_HDR_LEGACY_MINOR)
		return -EINVAL;
	rec->need = KRTLS_HDR_LEN + len;
	return 0;
}

/*
 * Can @rec, whose header is in, be opened straight into a reader's buffer
 * of @room bytes, from where TCP holds its body? Only TLS 1.2 data
 * records, whose type the clear header gives (and the additional data
 * authenticates), and that TCP's receive buffer holds comfortably.
 */
static bool krtls_rx_direct_ok(struct sock *sk, const struct krtls_ctx *ctx,
			       const struct krtls_rec *rec, size_t room)
{
	const struct krtls_layout *lay = &ctx->layout;
	u32 plain = rec->need - lay->overhead;

	return lay->version != TLS_1_3_VERSION &&
	       rec->buf[0] == KRTLS_CT_APP_DATA && plain && plain <= room &&
	       rec->need * 2 <= READ_ONCE(sk->sk_rcvbuf);
}

enum {
	KRTLS_FILL_MORE,	/* more bytes needed */
	KRTLS_FILL_DONE,	/* the record is in its buffer */
	KRTLS_FILL_IN_TCP,	/* header and nonce in the buffer, body in TCP */
};

/*
 * Read the next record from TCP. @room: a reader's buffer it may be
 * opened into directly (0: none); such a record's body is left in TCP.
 * Returns KRTLS_FILL_*, -ENOMEM, or the (sticky) error of a malformed
 * record.
 */
static int krtls_rx_fill(struct sock *sk, struct krtls_ctx *ctx, size_t room)
{
	u32 prepend = ctx->layout.prepend;
	struct krtls_rx *rx = ctx->rx;
	struct krtls_rec *rec = rx->asm_rec;
	int err;

	if (!rec) {
		rec = rx->spare;
		rx->spare = NULL;
		if (rec)
			rec->have = 0;
		else
			rec = krtls_rec_alloc(sk->sk_allocation);
		if (!rec)
			return -ENOMEM;
		rx->asm_rec = rec;
	}
	if (rec->have < KRTLS_HDR_LEN) {
		err = krtls_rx_pull(sk, rec, KRTLS_HDR_LEN);
		if (err)
			return err;
		if (rec->have < KRTLS_HDR_LEN)
			return 0;
		err = krtls_rx_header(ctx, rec);
		if (err) {
			rx->stopped = true;
			krtls_rx_abort(sk, ctx, -err);
			return err;
		}
	}
	if (room && rec->have <= prepend &&
	    krtls_rx_direct_ok(sk, ctx, rec, room)) {
		u32 body = rec->need - prepend, queued;

		err = krtls_rx_pull(sk, rec, prepend);
		if (err)
			return err;
		if (rec->have < prepend)
			return KRTLS_FILL_MORE;
		queued = tcp_inq(sk);
		if (queued >= body)
			return KRTLS_FILL_IN_TCP;
		/*
		 * Wait for the rest in TCP only if the window TCP advertised
		 * lets the peer send all of it: a closed window would stay
		 * closed, with nobody reading. Else copy what is there.
		 */
		if (body - queued <= tcp_receive_window(tcp_sk(sk)))
			return KRTLS_FILL_MORE;
	}
	err = krtls_rx_pull(sk, rec, rec->need);
	if (err)
		return err;
	return rec->have == rec->need ? KRTLS_FILL_DONE : KRTLS_FILL_MORE;
}

/*
 * TLS_RX_EXPECT_NO_PAD counters: the in-tree module decrypts a TLS 1.3
 * record straight into the reader's buffer when the option is set and the
 * buffer can take it (@zc_room), and decrypts again when the record turns
 * out not to be data (TlsDecryptRetry) or padded (TlsRxNoPadViolation).
 * Records are always decrypted in a module buffer here; the counters tell
 * what the in-tree module would have done.
 */
static void krtls_rx_no_pad_stats(struct sock *sk, struct krtls_ctx *ctx,
				  const struct krtls_rec *rec, size_t zc_room)
{
	const struct krtls_layout *lay = &ctx->layout;

	if (!zc_room || !ctx->rx->no_pad || lay->version != TLS_1_3_VERSION ||
	    rec->need - lay->overhead > zc_room)
		return;
	if (rec->type == KRTLS_CT_APP_DATA && !rec->padded)
		return;
	if (rec->padded)
		krtls_stat_inc(sk, KRTLS_MIB_RX_NO_PAD_VIOL);
	krtls_stat_inc(sk, KRTLS_MIB_DECRYPT_RETRY);
}

static void krtls_rx_unpin(struct krtls_rx *rx, int npages)
{
	while (npages--)
		put_page(rx->zc_pages[npages]);
}

/*
 * Pin the user pages that are to take the next @len bytes of @to and
 * describe them in rx->zc_sg from entry 1 on; @to moves past them.
 * Returns the number of pages pinned, or a negative errno with nothing
 * pinned and @to as it was (more than KRTLS_RX_ZC_PAGES pages needed,
 * or a bad address: the caller copies instead).
 */
static int krtls_rx_pin(struct krtls_rx *rx, struct iov_iter *to, u32 len)
{
	struct scatterlist *sg = rx->zc_sg + 1;
	int npages = 0, err = -EFAULT;
	u32 pinned = 0;

	sg_init_table(rx->zc_sg, ARRAY_SIZE(rx->zc_sg));
	while (pinned < len) {
		size_t off;
		ssize_t got;
		int i, n;

		if (npages == KRTLS_RX_ZC_PAGES) {
			err = -E2BIG;
			goto unpin;
		}
		got = iov_iter_get_pages2(to, rx->zc_pages + npages,
					  len - pinned,
					  KRTLS_RX_ZC_PAGES - npages, &off);
		if (got <= 0) {
			if (got < 0)
				err = got;
			goto unpin;
		}
		n = DIV_ROUND_UP(off + got, PAGE_SIZE);
		for (i = 0; i < n; i++) {
			u32 seg = min_t(size_t, got, PAGE_SIZE - off);

			sg_set_page(sg++, rx->zc_pages[npages + i], seg, off);
			got -= seg;
			pinned += seg;
			off = 0;
		}
		npages += n;
	}
	sg_mark_end(sg - 1);
	return npages;

unpin:
	iov_iter_revert(to, pinned);
	krtls_rx_unpin(rx, npages);
	return err;
}

/*
 * Open @rec straight into the reader's pages at @to: from its body where
 * TCP holds it, or else from the record buffer. Returns the plaintext
 * bytes delivered, -EBADMSG when the record does not open (@to rewound,
 * the record kept as it was: it fails again on the next read), or 0 when
 * the pages could not be pinned or TCP's segments not described (nothing
 * done: copy instead).
 */
static int krtls_rx_open_direct(struct sock *sk, struct krtls_ctx *ctx,
				struct krtls_rec *rec, struct iov_iter *to,
				bool in_tcp)
{
	u32 plain = rec->need - ctx->layout.overhead;
	u32 body = rec->need - ctx->layout.prepend;
	struct krtls_rx *rx = ctx->rx;
	struct scatterlist *src = NULL;
	int npages, err;

	if (in_tcp) {
		src = rx->skb_sg;
		sg_init_table(src, ARRAY_SIZE(rx->skb_sg));
		if (krtls_rx_map_tcp(sk, src + 1, KRTLS_RX_SKB_SG, body) < 0)
			return 0;
	}
	npages = krtls_rx_pin(rx, to, plain);
	if (npages < 0)
		return 0;
	err = krtls_open(sk, ctx, rec, src, rx->zc_sg);
	krtls_rx_unpin(rx, npages);
	if (err) {
		iov_iter_revert(to, plain);
		return -EBADMSG;
	}
	if (in_tcp)
		krtls_rx_skip(sk, body);
	return plain;
}

/*
 * Open the assembled record: straight into @to when it qualifies (the
 * bytes delivered go to *@direct), else in place, queued for the reader.
 */
static int krtls_rx_decrypt(struct sock *sk, struct krtls_ctx *ctx,
			    size_t zc_room, struct iov_iter *to, u32 *direct,
			    bool in_tcp)
{
	struct krtls_rx *rx = ctx->rx;
	struct krtls_rec *rec = rx->asm_rec;
	int err = 0;

	if (in_tcp || (to && krtls_rx_direct_ok(sk, ctx, rec, zc_room))) {
		err = krtls_rx_open_direct(sk, ctx, rec, to, in_tcp);
		if (!err && in_tcp)
			return 0;	/* read the body off TCP and retry */
		if (err > 0) {
			rx->asm_rec = NULL;
			krtls_rx_recycle(rx, rec);
			*direct = err;
			return 1;
		}
	}
	if (!err)
		err = krtls_open(sk, ctx, rec, NULL, NULL);
	if (err) {
		krtls_rx_abort(sk, ctx, EBADMSG);
		return -EBADMSG;
	}
	rx->asm_rec = NULL;
	list_add_tail(&rec->list, &rx->ready);
	krtls_rx_no_pad_stats(sk, ctx, rec, zc_room);

	if (ctx->layout.version == TLS_1_3_VERSION &&
	    rec->type == KRTLS_CT_HANDSHAKE && rec->len &&
	    rec->buf[rec->off] == KRTLS_HS_KEY_UPDATE) {
		WRITE_ONCE(rx->key_update_pending, true);
		krtls_stat_inc(sk, KRTLS_MIB_RX_REKEY_RECEIVED);
	}
	return 1;
}

/*
 * Get one more record onto rx->ready, waiting up to *@timeo. Returns 1,
 * 0 at end of stream, or a negative errno. @zc_room: room the in-tree
 * module would decrypt into directly (0 for peek, splice, kernel readers).
 * @to: a user buffer with @zc_room bytes of room, or NULL; a record opened
 * straight into it is not queued, and *@direct says how many bytes it
 * delivered (0 when the record was queued).
 */
static int krtls_rx_next(struct sock *sk, struct krtls_ctx *ctx, long *timeo,
			 bool copied, size_t zc_room, struct iov_iter *to,
			 u32 *direct)
{
	size_t room = to ? zc_room : 0;
	struct krtls_rx *rx = ctx->rx;
	int ret;

	for (;;) {
		if (rx->key_update_pending)
			return -EKEYEXPIRED;
		ret = rx->stopped ? 0 : krtls_rx_fill(sk, ctx, room);
		if (ret < 0) {
			/* a malformed header is reported once, via sk_err */
			if (rx->stopped && sk->sk_err && !copied)
				return sock_error(sk);
			return ret;
		}
		if (ret == KRTLS_FILL_IN_TCP) {
			ret = krtls_rx_decrypt(sk, ctx, zc_room, to, direct,
					       true);
			if (ret)
				return ret;
			room = 0;	/* not from TCP: copy the body out */
			continue;
		}
		if (ret == KRTLS_FILL_DONE)
			return krtls_rx_decrypt(sk, ctx, zc_room, to, direct,
						false);
		if (sk->sk_err)
			return copied ? -READ_ONCE(sk->sk_err) : sock_error(sk);
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			return 0;
		if (sock_flag(sk, SOCK_DONE))
			return 0;
		if (!*timeo)
			return -EAGAIN;
		sk_wait_data(sk, timeo, skb_peek_tail(&sk->sk_receive_queue));
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
	}
}

/*
 * A read that spans many records keeps the socket lock for all of them,
 * and segments that arrive meanwhile wait in the socket backlog, neither
 * queued nor acknowledged, so the sender runs out of window. Before
 * reading another record off TCP, let TCP process its backlog when
 * KRTLS_RX_FLUSH_BYTES of plaintext went to the reader since the last
 * time, or when less than a whole record is queued (the rest is likely
 * in the backlog).
 */
#define KRTLS_RX_FLUSH_BYTES	(128 * 1024)

static void krtls_rx_flush_backlog(struct sock *sk, size_t copied,
				   size_t *flushed)
{
	if (copied - *flushed < KRTLS_RX_FLUSH_BYTES &&
	    tcp_inq(sk) >= KRTLS_MAX_RECORD)
		return;
	*flushed = copied;
	sk_flush_backlog(sk);
}

/*
 * One reader at a time in the receive path: a reader sleeps with the
 * socket lock released, and another must neither consume records under
 * its MSG_PEEK cursor nor sleep on TCP while records it left are ready.
 */
static int krtls_reader_lock(struct sock *sk, struct krtls_rx *rx, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	while (rx->reader) {
		if (!*timeo)
			return -EAGAIN;
		add_wait_queue(&rx->readers, &wait);
		sk_wait_event(sk, timeo, !READ_ONCE(rx->reader), &wait);
		remove_wait_queue(&rx->readers, &wait);
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
	}
	WRITE_ONCE(rx->reader, true);
	return 0;
}

static void krtls_reader_unlock(struct krtls_rx *rx)
{
	WRITE_ONCE(rx->reader, false);
	if (wq_has_sleeper(&rx->readers))
		wake_up(&rx->readers);
}

/* One content type per call; non-data records need a cmsg buffer. */
static int krtls_rx_type(struct msghdr *msg, u8 *control, u8 type)
{
	int err;

	if (*control)
		return *control == type ? 1 : 0;
	if (type == KRTLS_CT_INVALID)
		return -EBADMSG;
	*control = type;
	err = put_cmsg(msg, SOL_TLS, TLS_GET_RECORD_TYPE, sizeof(type), &type);
	if (type != KRTLS_CT_APP_DATA &&
	    (err || (msg->msg_flags & MSG_CTRUNC)))
		return -EIO;
	return 1;
}

int krtls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		  int flags, int *addr_len)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct krtls_rec *rec, *cursor = NULL;
	bool peek = flags & MSG_PEEK;
	size_t copied = 0, flushed = 0, target;
	struct iov_iter *to = NULL;
	bool zc;
	long timeo, nowait = 0;
	struct krtls_rx *rx;
	u8 control = 0;
	int err = 0;

	if (!ctx->rx)
		return ctx->base_prot->recvmsg(sk, msg, len, flags, addr_len);
	if (unlikely(flags & MSG_ERRQUEUE))
		return sock_recv_errqueue(sk, msg, len, SOL_IP, IP_RECVERR);

	lock_sock(sk);
	rx = ctx->rx;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	zc = !peek && !iov_iter_is_kvec(&msg->msg_iter);
	if (!peek && user_backed_iter(&msg->msg_iter))
		to = &msg->msg_iter;
	err = krtls_reader_lock(sk, rx, &timeo);
	if (err) {
		release_sock(sk);
		return err;
	}
	while (copied < len) {
		u32 n;

		if (!peek)
			rec = krtls_rx_first(rx);
		else if (!cursor)
			rec = krtls_rx_first(rx);
		else if (list_is_last(&cursor->list, &rx->ready))
			rec = NULL;
		else
			rec = list_next_entry(cursor, list);
		if (!rec) {
			u32 direct = 0;

			if (copied)
				krtls_rx_flush_backlog(sk, copied, &flushed);
			err = krtls_rx_next(sk, ctx,
					    copied >= target ? &nowait : &timeo,
					    copied, zc ? len - copied : 0,
					    to, &direct);
			if (err <= 0)
				break;
			if (direct) {
				/* data: the type cmsg is best effort */
				krtls_rx_type(msg, &control, KRTLS_CT_APP_DATA);
				copied += direct;
				msg->msg_flags |= MSG_EOR;
			}
			continue;
		}

		err = krtls_rx_type(msg, &control, rec->type);
		if (err <= 0)
			break;
		n = min_t(size_t, rec->len, len - copied);
		if (n && copy_to_iter(rec->buf + rec->off, n,
				      &msg->msg_iter) != n) {
			err = -EFAULT;
			break;
		}
		copied += n;
		if (peek) {
			cursor = rec;
		} else if (n == rec->len) {
			krtls_rx_consume(rx, rec, n);
			msg->msg_flags |= MSG_EOR;
		} else {
			krtls_rx_consume(rx, rec, n);
		}
		if (control != KRTLS_CT_APP_DATA)
			break;
	}
	krtls_reader_unlock(rx);
	release_sock(sk);
	return copied ? copied : err;
}

ssize_t krtls_splice_read(struct socket *sock, loff_t *ppos,
			  struct pipe_inode_info *pipe, size_t len,
			  unsigned int flags)
{
	struct sock *sk = sock->sk;
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct krtls_rec *rec;
	struct sk_buff *skb;
	struct krtls_rx *rx;
	bool nonblock;
	long timeo;
	u32 chunk;
	int err;

	if (!ctx->rx)
		return ctx->base_ops->splice_read(sock, ppos, pipe, len, flags);

	lock_sock(sk);
	rx = ctx->rx;
	nonblock = (sock->file->f_flags & O_NONBLOCK) ||
		   (flags & SPLICE_F_NONBLOCK);
	timeo = sock_rcvtimeo(sk, nonblock);
	err = krtls_reader_lock(sk, rx, &timeo);
	if (err)
		goto out_unlocked;
	for (;;) {
		rec = krtls_rx_first(rx);
		if (rec && !rec->len && rec->type == KRTLS_CT_APP_DATA) {
			krtls_rx_consume(rx, rec, 0);
			continue;
		}
		if (rec)
			break;
		err = krtls_rx_next(sk, ctx, &timeo, false, 0, NULL, NULL);
		if (err <= 0)
			goto out;
	}
	/* Only application data can be spliced; KeyUpdate included. */
	if (rec->type != KRTLS_CT_APP_DATA) {
		err = -EINVAL;
		goto out;
	}
	chunk = min_t(size_t, len, rec->len);
	skb = alloc_skb(chunk, sk->sk_allocation);
	if (!skb) {
		err = -ENOMEM;
		goto out;
	}
	skb_put_data(skb, rec->buf + rec->off, chunk);
	err = skb_splice_bits(skb, sk, 0, pipe, chunk, flags);
	consume_skb(skb);
	if (err > 0)
		krtls_rx_consume(rx, rec, err);
out:
	krtls_reader_unlock(rx);
out_unlocked:
	release_sock(sk);
	return err;
}

/* Something a reader would get without waiting (data or an error). */
static bool krtls_rx_readable(struct sock *sk, struct krtls_ctx *ctx)
{
	struct krtls_rx *rx = ctx->rx;
	bool ret;

	lock_sock(sk);
	ret = !list_empty(&rx->ready);
	if (!ret && !rx->key_update_pending && !rx->stopped)
		ret = krtls_rx_fill(sk, ctx, SIZE_MAX) != KRTLS_FILL_MORE;
	release_sock(sk);
	return ret;
}

__poll_t krtls_poll(struct file *file, struct socket *sock,
		    struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	__poll_t mask;

	mask = ctx->base_ops->poll(file, sock, wait);
	if (!READ_ONCE(ctx->rx))
		return mask;
	if ((mask & EPOLLERR) || (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		return mask;
	mask &= ~(EPOLLIN | EPOLLRDNORM);
	if (krtls_rx_readable(sk, ctx))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

int krtls_rx_init(struct sock *sk, struct krtls_ctx *ctx)
{
	INIT_LIST_HEAD(&ctx->rx->ready);
	init_waitqueue_head(&ctx->rx->readers);
	return 0;
}

void krtls_rx_release(struct sock *sk, struct krtls_ctx *ctx)
{
	struct krtls_rx *rx = ctx->rx;
	struct krtls_rec *rec, *tmp;

	if (!rx)
		return;
	list_for_each_entry_safe(rec, tmp, &rx->ready, list) {
		list_del(&rec->list);
		krtls_rec_free(rec);
	}
	if (rx->asm_rec)
		krtls_rec_free(rx->asm_rec);
	if (rx->spare)
		krtls_rec_free(rx->spare);
	krtls_stat_add(sk, KRTLS_MIB_CURR_RX_SW, -1);
	krtls_key_free(&rx->key);
	kfree(rx);
	ctx->rx = NULL;
}
