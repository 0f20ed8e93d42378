// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: plaintext is gathered into one record buffer (up to 2^14
 * bytes, kept open across MSG_MORE sends), sealed in place and pushed to
 * TCP with tcp_sendmsg_locked(). A sealed record that TCP could not take
 * completely (non-blocking socket, signal) stays in the buffer and is
 * pushed first by the next send, or by a work item once TCP reports
 * write space. Every record is sealed with the key live at that moment,
 * so records after a TLS_TX rekey use the new key.
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "krtls.h"

#define KRTLS_SEND_FLAGS (MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL |	\
			  MSG_CMSG_COMPAT | MSG_SPLICE_PAGES | MSG_EOR |	\
			  MSG_SENDPAGE_NOPOLICY)

static bool krtls_tx_pending(const struct krtls_tx *tx)
{
	return READ_ONCE(tx->sealed_len) != 0;
}

/* Push what is left of the sealed record. 0 when all of it went out. */
static int krtls_push(struct sock *sk, struct krtls_tx *tx, int flags)
{
	while (tx->sent < tx->sealed_len) {
		struct msghdr msg = { .msg_flags = flags };
		struct kvec iov;
		int ret;

		iov.iov_base = tx->rec->buf + tx->sent;
		iov.iov_len = tx->sealed_len - tx->sent;
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, iov.iov_len);
		ret = tcp_sendmsg_locked(sk, &msg, iov.iov_len);
		if (ret < 0)
			return ret;
		if (!ret)
			return -EAGAIN;
		tx->sent += ret;
	}
	tx->sent = 0;
	WRITE_ONCE(tx->sealed_len, 0);
	return 0;
}

/* Seal the open record and push it. */
static int krtls_seal_push(struct sock *sk, struct krtls_ctx *ctx, int flags)
{
	struct krtls_tx *tx = ctx->tx;
	int len;

	len = krtls_seal(ctx, tx->rec->buf, tx->pt_len, tx->open_type);
	if (len < 0) {
		/* The peer can no longer follow the sequence. */
		WRITE_ONCE(sk->sk_err, EBADMSG);
		sk_error_report(sk);
		return len;
	}
	tx->open = false;
	tx->pt_len = 0;
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
		ret = krtls_seal_push(sk, ctx, pflags);
	return ret;
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
		u8 *dst;

		if (sk->sk_err) {
			ret = -sk->sk_err;
			break;
		}
		ret = krtls_push(sk, tx, pflags | MSG_MORE);
		if (ret)
			break;
		if (!tx->open) {
			tx->open = true;
			tx->open_type = type;
			tx->pt_len = 0;
		}
		want = min_t(size_t, KRTLS_MAX_PLAINTEXT - tx->pt_len,
			     iov_iter_count(from));
		dst = tx->rec->buf + ctx->layout.prepend + tx->pt_len;
		got = copy_from_iter(dst, want, from);
		tx->pt_len += got;
		copied += got;
		if (got < want) {
			if (!tx->pt_len)
				tx->open = false;
			ret = -EFAULT;
			break;
		}
		if (tx->pt_len == KRTLS_MAX_PLAINTEXT ||
		    (eor && !iov_iter_count(from))) {
			int more = iov_iter_count(from) ? MSG_MORE : 0;

			ret = krtls_seal_push(sk, ctx, pflags | more);
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

	tx->rec = krtls_rec_alloc(GFP_KERNEL);
	if (!tx->rec)
		return -ENOMEM;
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
	krtls_rec_free(tx->rec);
	krtls_key_free(&tx->key);
	kfree(tx);
	ctx->tx = NULL;
}
