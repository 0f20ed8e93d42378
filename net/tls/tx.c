// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: plaintext is gathered straight into the pages of the record
 * (up to 2^14 bytes, kept open across MSG_MORE sends), sealed there in
 * place and handed to TCP by reference, as splice does, so the only copy
 * is the one out of the sender's buffer. A sealed record that TCP could
 * not take completely (non-blocking socket, signal) stays in its pages
 * and is pushed first by the next send, or by a work item once TCP
 * reports write space. Every record is sealed with the key live at that
 * moment, so records after a TLS_TX rekey use the new key.
 *
 * The pages: records are cut one after the other from one page, of 32 KiB
 * when the allocator has one at hand, else of 4 KiB; a record may span
 * the end of one page and the start of the next. A record is opened with
 * room for the largest one and gives back what it did not use when it is
 * sealed. Each piece holds a page reference until TCP has taken the
 * record; a page whose only reference left is ours (TCP has freed every
 * segment made from it) is reused from its start.
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "krtls.h"

#define KRTLS_SEND_FLAGS (MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL |	\
			  MSG_CMSG_COMPAT | MSG_SPLICE_PAGES | MSG_EOR |	\
			  MSG_SENDPAGE_NOPOLICY)

#define KRTLS_TX_PAGE_ORDER	get_order(32768)

static bool krtls_tx_pending(const struct krtls_tx *tx)
{
	return READ_ONCE(tx->sealed_len) != 0;
}

/* Drop the references the pieces of a pushed or abandoned record hold. */
static void krtls_pieces_put(struct krtls_tx *tx)
{
	while (tx->nr_pieces)
		put_page(tx->pieces[--tx->nr_pieces].bv_page);
}

/* A fresh page to cut records from; the larger size if it comes cheaply. */
static int krtls_page_refill(struct sock *sk, struct krtls_tx *tx)
{
	gfp_t gfp = sk->sk_allocation;
	struct page *pg;

	if (tx->pg && page_ref_count(tx->pg) == 1) {
		tx->pg_off = 0;
		return 0;
	}
	pg = alloc_pages((gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_COMP |
			 __GFP_NOWARN | __GFP_NORETRY, KRTLS_TX_PAGE_ORDER);
	if (pg) {
		tx->pg_size = PAGE_SIZE << KRTLS_TX_PAGE_ORDER;
	} else {
		pg = alloc_page(gfp);
		if (!pg)
			return -ENOMEM;
		tx->pg_size = PAGE_SIZE;
	}
	if (tx->pg)
		put_page(tx->pg);
	tx->pg = pg;
	tx->pg_off = 0;
	return 0;
}

/*
 * Reserve @len bytes for the record being opened in tx->pieces. The first
 * @head bytes (record header and explicit nonce, written by the CPU) stay
 * within the first piece.
 */
static int krtls_pieces_get(struct sock *sk, struct krtls_tx *tx, u32 len,
			    u32 head)
{
	int n = 0;

	while (len) {
		u32 room = tx->pg ? tx->pg_size - tx->pg_off : 0;
		u32 take;

		if (room < (n ? 1 : head + 1) && krtls_page_refill(sk, tx))
			goto fail;
		if (WARN_ON_ONCE(n == KRTLS_TX_PIECES))
			goto fail;
		take = min(len, tx->pg_size - tx->pg_off);
		get_page(tx->pg);
		bvec_set_page(&tx->pieces[n], tx->pg, take, tx->pg_off);
		tx->nr_pieces = ++n;
		tx->pg_off += take;
		len -= take;
	}
	return 0;

fail:
	krtls_pieces_put(tx);
	return -ENOMEM;
}

/*
 * Cut the unsent record's pieces down to @len bytes, giving what is cut
 * off back to the page it came from (records are cut in order, and only
 * the record being built ends in the page still being cut).
 */
static void krtls_pieces_trim(struct krtls_tx *tx, u32 len)
{
	int i;

	for (i = 0; i < tx->nr_pieces; i++) {
		struct bio_vec *bv = &tx->pieces[i];

		if (len >= bv->bv_len) {
			len -= bv->bv_len;
			continue;
		}
		if (bv->bv_page == tx->pg)
			tx->pg_off = min(tx->pg_off, bv->bv_offset + len);
		bv->bv_len = len;
		len = 0;
	}
	while (tx->nr_pieces && !tx->pieces[tx->nr_pieces - 1].bv_len)
		put_page(tx->pieces[--tx->nr_pieces].bv_page);
}

/* The record's byte at @off, and in @avail how many follow it in its piece. */
static u8 *krtls_pieces_at(struct krtls_tx *tx, u32 off, u32 *avail)
{
	int i;

	for (i = 0; i < tx->nr_pieces; i++) {
		const struct bio_vec *bv = &tx->pieces[i];

		if (off < bv->bv_len) {
			*avail = bv->bv_len - off;
			return page_address(bv->bv_page) + bv->bv_offset + off;
		}
		off -= bv->bv_len;
	}
	*avail = 0;
	return NULL;
}

/* Copy up to @len bytes of @from to the record at @off; returns the count. */
static size_t krtls_pieces_fill(struct krtls_tx *tx, u32 off,
				struct iov_iter *from, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n, got;
		u32 avail;
		u8 *p;

		p = krtls_pieces_at(tx, off + done, &avail);
		if (!p)
			break;
		n = min_t(size_t, avail, len - done);
		got = copy_from_iter(p, n, from);
		done += got;
		if (got < n)
			break;
	}
	return done;
}

/* The AEAD's view of the record after its first @head bytes. */
static void krtls_pieces_sg(struct krtls_tx *tx, u32 head)
{
	struct scatterlist *sg = tx->out_sg;
	int i;

	/* Entry 0 is the additional data's. */
	sg_init_table(sg, tx->nr_pieces + 1);
	for (i = 0; i < tx->nr_pieces; i++) {
		const struct bio_vec *bv = &tx->pieces[i];
		u32 skip = i ? 0 : head;

		sg_set_page(&sg[i + 1], bv->bv_page, bv->bv_len - skip,
			    bv->bv_offset + skip);
	}
}

/* Hand @len bytes of the sealed record, from @off on, to TCP. */
static int krtls_send_pieces(struct sock *sk, struct krtls_tx *tx, u32 off,
			     u32 len, int flags)
{
#ifdef KRTLS_HAVE_PROTO_SENDPAGE
	int done = 0, i;

	for (i = 0; i < tx->nr_pieces && len; i++) {
		const struct bio_vec *bv = &tx->pieces[i];
		int pflags = flags;
		u32 n;
		int ret;

		if (off >= bv->bv_len) {
			off -= bv->bv_len;
			continue;
		}
		n = min(len, bv->bv_len - off);
		if (n < len)
			pflags |= MSG_SENDPAGE_NOTLAST | MSG_MORE;
		ret = do_tcp_sendpages(sk, bv->bv_page, bv->bv_offset + off, n,
				       pflags);
		if (ret <= 0)
			return done ? done : ret;
		done += ret;
		if (ret < n)
			break;
		len -= n;
		off = 0;
	}
	return done;
#else
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, tx->pieces, tx->nr_pieces,
		      off + len);
	iov_iter_advance(&msg.msg_iter, off);
	return tcp_sendmsg_locked(sk, &msg, len);
#endif
}

/* Push what is left of the sealed record. 0 when all of it went out. */
static int krtls_push(struct sock *sk, struct krtls_tx *tx, int flags)
{
	if (!tx->sealed_len)
		return 0;
	while (tx->sent < tx->sealed_len) {
		int ret;

		ret = krtls_send_pieces(sk, tx, tx->sent,
					tx->sealed_len - tx->sent, flags);
		if (ret < 0)
			return ret;
		if (!ret)
			return -EAGAIN;
		tx->sent += ret;
	}
	krtls_pieces_put(tx);
	tx->sent = 0;
	WRITE_ONCE(tx->sealed_len, 0);
	return 0;
}

/*
 * Seal the open record and push it. @user: its plaintext is not in its
 * pages but in the sender's, described by tx->user_sg (krtls_user_pin()).
 */
static int krtls_seal_push(struct sock *sk, struct krtls_ctx *ctx, int flags,
			   bool user)
{
	const struct krtls_layout *lay = &ctx->layout;
	struct krtls_tx *tx = ctx->tx;
	u32 avail;
	u8 *hdr;
	int len;

	krtls_pieces_trim(tx, tx->pt_len + lay->overhead);
	if (lay->tail && !user)
		*krtls_pieces_at(tx, lay->prepend + tx->pt_len, &avail) =
			tx->open_type;
	krtls_pieces_sg(tx, lay->prepend);
	hdr = krtls_pieces_at(tx, 0, &avail);
	if (user)
		len = krtls_seal(ctx, hdr, tx->pt_len, tx->open_type,
				 tx->user_sg, tx->out_sg);
	else
		len = krtls_seal(ctx, hdr, tx->pt_len, tx->open_type,
				 tx->out_sg, NULL);
	tx->open = false;
	tx->pt_len = 0;
	if (len < 0) {
		krtls_pieces_put(tx);
		/* The peer can no longer follow the sequence. */
		WRITE_ONCE(sk->sk_err, EBADMSG);
		sk_error_report(sk);
		return len;
	}
	tx->sent = 0;
	WRITE_ONCE(tx->sealed_len, len);
	return krtls_push(sk, tx, flags);
}

/* Seal and push a record left open by MSG_MORE. */
static int krtls_close_open(struct sock *sk, struct krtls_ctx *ctx, int flags)
{
	int pflags = flags & (MSG_DONTWAIT | MSG_NOSIGNAL);
	int ret;

	if (!ctx->tx->open)
		return 0;
	ret = krtls_push(sk, ctx->tx, pflags);
	if (!ret)
		ret = krtls_seal_push(sk, ctx, pflags, false);
	return ret;
}

/*
 * Whether the @want bytes next in @from, which make a whole record that is
 * sealed at once, are worth sealing straight from the sender's pages: the
 * AEAD then reads them where they are and writes the ciphertext to the
 * record's pages, and the copy is saved. Not for AES-CCM, which reads the
 * plaintext twice (for the MAC, then to encrypt): another thread writing
 * to the buffer meanwhile would make the record fail to open, where a copy
 * is consistent. GCM and ChaCha20-Poly1305 authenticate the ciphertext
 * they write.
 */
static bool krtls_user_ok(const struct krtls_ctx *ctx,
			  const struct iov_iter *from, size_t want, bool eor)
{
	if (!user_backed_iter(from) || ctx->tx->key.cipher->ccm ||
	    want < PAGE_SIZE)
		return false;
	return want == KRTLS_MAX_PLAINTEXT ||
	       (eor && want == iov_iter_count(from));
}

static void krtls_user_unpin(struct krtls_tx *tx, int n)
{
	while (n--)
		put_page(tx->user_pages[n]);
}

/*
 * Take references on the pages of the next @len bytes of @from and
 * describe them in tx->user_sg from entry 1 on, followed for TLS 1.3 by
 * the inner content type. Returns how many pages, or 0 with @from as it
 * was (too many pieces, or a fault: the copy then handles it).
 */
static int krtls_user_pin(struct krtls_ctx *ctx, struct iov_iter *from,
			  u32 len)
{
	struct krtls_tx *tx = ctx->tx;
	struct scatterlist *sg = tx->user_sg;
	size_t got = 0;
	int n = 0;

	sg_init_table(sg, KRTLS_TX_USER_PAGES + 2);
	while (got < len) {
		size_t start;
		ssize_t r;

		if (n == KRTLS_TX_USER_PAGES)
			goto undo;
		r = iov_iter_get_pages2(from, tx->user_pages + n, len - got,
					KRTLS_TX_USER_PAGES - n, &start);
		if (r <= 0)
			goto undo;
		got += r;
		while (r > 0) {
			size_t take = min_t(size_t, r, PAGE_SIZE - start);

			sg_set_page(&sg[n + 1], tx->user_pages[n], take, start);
			r -= take;
			start = 0;
			n++;
		}
	}
	if (ctx->layout.tail) {
		tx->user_type = tx->open_type;
		sg_set_buf(&sg[n + 1], &tx->user_type, 1);
		sg_mark_end(&sg[n + 1]);
	} else {
		sg_mark_end(&sg[n]);
	}
	return n;

undo:
	iov_iter_revert(from, got);
	krtls_user_unpin(tx, n);
	return 0;
}

/*
 * Append @from to records of content type @type. @eor closes the last
 * record. Returns bytes accepted or a negative errno if none were.
 */
static int krtls_tx_core(struct sock *sk, struct krtls_ctx *ctx,
			 struct iov_iter *from, int flags, u8 type, bool eor)
{
	int pflags = flags & (MSG_DONTWAIT | MSG_NOSIGNAL);
	struct krtls_tx *tx = ctx->tx;
	bool empty = !iov_iter_count(from);
	size_t copied = 0;
	int ret = 0;

	if (tx->open && tx->open_type != type) {
		ret = krtls_close_open(sk, ctx, flags);
		if (ret)
			goto out;
	}

	while (iov_iter_count(from)) {
		size_t want, got;

		if (sk->sk_err) {
			ret = -sk->sk_err;
			break;
		}
		ret = krtls_push(sk, tx, pflags | MSG_MORE);
		if (ret)
			break;
		if (!tx->open) {
			ret = krtls_pieces_get(sk, tx, KRTLS_MAX_PLAINTEXT +
					       ctx->layout.overhead,
					       ctx->layout.prepend);
			if (ret)
				break;
			tx->open = true;
			tx->open_type = type;
			tx->pt_len = 0;
		}
		want = min_t(size_t, KRTLS_MAX_PLAINTEXT - tx->pt_len,
			     iov_iter_count(from));
		if (!tx->pt_len && krtls_user_ok(ctx, from, want, eor)) {
			int pinned = krtls_user_pin(ctx, from, want);

			if (pinned) {
				int more = iov_iter_count(from) ? MSG_MORE : 0;

				tx->pt_len = want;
				copied += want;
				ret = krtls_seal_push(sk, ctx, pflags | more, true);
				krtls_user_unpin(tx, pinned);
				if (ret)
					break;
				continue;
			}
		}
		got = krtls_pieces_fill(tx, ctx->layout.prepend + tx->pt_len,
					from, want);
		tx->pt_len += got;
		copied += got;
		if (got < want) {
			if (!tx->pt_len) {
				tx->open = false;
				krtls_pieces_trim(tx, 0);
			}
			ret = -EFAULT;
			break;
		}
		if (tx->pt_len == KRTLS_MAX_PLAINTEXT ||
		    (eor && !iov_iter_count(from))) {
			int more = iov_iter_count(from) ? MSG_MORE : 0;

			ret = krtls_seal_push(sk, ctx, pflags | more, false);
			if (ret)
				break;
		}
	}

	/* An empty send without MSG_MORE closes a record left open. */
	if (!ret && empty && eor)
		ret = krtls_close_open(sk, ctx, flags);
out:
	if (copied)
		return copied;
	return ret;
}

/*
 * TLS_SET_RECORD_TYPE control message (Documentation/networking/tls.rst).
 * As in-tree, control messages that carry no SOL_TLS one are EINVAL, and
 * a record type closes whatever record a MSG_MORE send left open.
 */
static int krtls_cmsg_type(struct msghdr *msg, u8 *type)
{
	struct cmsghdr *cmsg;
	int err = -EINVAL;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_TLS)
			continue;
		if (cmsg->cmsg_type != TLS_SET_RECORD_TYPE)
			return -EINVAL;
		if (cmsg->cmsg_len < CMSG_LEN(sizeof(*type)))
			return -EINVAL;
		if (msg->msg_flags & MSG_MORE)
			return -EINVAL;
		*type = *(u8 *)CMSG_DATA(cmsg);
		err = 0;
	}
	return err;
}

int krtls_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	u8 type = KRTLS_CT_APP_DATA;
	bool eor;
	int ret;

	if (!ctx->tx)
		return ctx->base_prot->sendmsg(sk, msg, size);
	if (msg->msg_flags & ~KRTLS_SEND_FLAGS)
		return -EOPNOTSUPP;
	eor = !(msg->msg_flags & MSG_MORE);
	if (!eor && (msg->msg_flags & MSG_EOR))
		return -EINVAL;

	ret = mutex_lock_interruptible(&ctx->tx_lock);
	if (ret)
		return ret;
	lock_sock(sk);
	if (msg->msg_controllen) {
		ret = krtls_cmsg_type(msg, &type);
		if (!ret)
			ret = krtls_close_open(sk, ctx, msg->msg_flags);
		if (ret)
			goto out;
	}
	ret = krtls_tx_core(sk, ctx, &msg->msg_iter, msg->msg_flags, type,
			    eor);
out:
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return ret;
}

#ifdef KRTLS_HAVE_PROTO_SENDPAGE
int krtls_sendpage(struct sock *sk, struct page *page, int offset,
		   size_t size, int flags)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct iov_iter iter;
	struct bio_vec bv;
	int ret;

	if (!ctx->tx)
		return ctx->base_prot->sendpage(sk, page, offset, size, flags);
	if (flags & ~(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL |
		      MSG_SENDPAGE_NOTLAST | MSG_SENDPAGE_NOPOLICY))
		return -EOPNOTSUPP;
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags |= MSG_MORE;

	bvec_set_page(&bv, page, size, offset);
	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, size);
	ret = mutex_lock_interruptible(&ctx->tx_lock);
	if (ret)
		return ret;
	lock_sock(sk);
	ret = krtls_tx_core(sk, ctx, &iter, flags, KRTLS_CT_APP_DATA,
			    !(flags & MSG_MORE));
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return ret;
}
#endif

/* End of a splice into the socket: close the record it left open. */
void krtls_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct krtls_tx *tx = ctx->tx;

	if (!tx) {
		if (ctx->base_prot->splice_eof)
			ctx->base_prot->splice_eof(sock);
		return;
	}
	if (!READ_ONCE(tx->open))
		return;
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	krtls_close_open(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

static void krtls_tx_work(struct work_struct *work)
{
	struct krtls_tx *tx = container_of(work, struct krtls_tx, work);
	struct sock *sk = tx->sk;
	struct krtls_ctx *ctx = krtls_get_ctx(sk);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (krtls_tx_pending(tx))
		krtls_push(sk, tx, MSG_DONTWAIT | MSG_NOSIGNAL);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	sock_put(sk);
}

/* TCP has room again: finish a record a non-blocking send left behind. */
static void krtls_write_space(struct sock *sk)
{
	struct krtls_ctx *ctx = krtls_get_ctx(sk);
	struct krtls_tx *tx = ctx->tx;

	if (krtls_tx_pending(tx) && !READ_ONCE(tx->closing)) {
		sock_hold(sk);
		if (!schedule_work(&tx->work))
			sock_put(sk);
	}
	tx->saved_write_space(sk);
}

int krtls_tx_init(struct sock *sk, struct krtls_ctx *ctx)
{
	struct krtls_tx *tx = ctx->tx;

	tx->sk = sk;
	INIT_WORK(&tx->work, krtls_tx_work);
	write_lock_bh(&sk->sk_callback_lock);
	tx->saved_write_space = sk->sk_write_space;
	sk->sk_write_space = krtls_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

/*
 * Close, step 1 (socket lock held): a last best-effort push, and no more
 * work scheduled from write space.
 */
void krtls_tx_stop(struct sock *sk, struct krtls_ctx *ctx)
{
	struct krtls_tx *tx = ctx->tx;

	if (!tx)
		return;
	WRITE_ONCE(tx->closing, true);
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_write_space = tx->saved_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
	if (krtls_tx_pending(tx))
		krtls_push(sk, tx, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Close, step 2 (no socket lock: the work takes it): wait for the work. */
void krtls_tx_cancel(struct krtls_ctx *ctx)
{
	struct krtls_tx *tx = ctx->tx;

	if (tx && cancel_work_sync(&tx->work))
		sock_put(tx->sk);
}

/* Close, step 3 (socket lock held): free everything. */
void krtls_tx_release(struct sock *sk, struct krtls_ctx *ctx)
{
	struct krtls_tx *tx = ctx->tx;

	if (!tx)
		return;
	krtls_stat_add(sk, KRTLS_MIB_CURR_TX_SW, -1);
	krtls_pieces_put(tx);
	if (tx->pg)
		put_page(tx->pg);
	krtls_key_free(&tx->key);
	kfree(tx);
	ctx->tx = NULL;
}
