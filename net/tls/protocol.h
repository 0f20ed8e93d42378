/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS record layer constants and limits used by keyroll's kTLS module.
 * Values come from the RFCs named next to them; uAPI numbers (versions,
 * cipher types, socket options) come from <linux/tls.h>.
 */
#ifndef _KRTLS_PROTOCOL_H
#define _KRTLS_PROTOCOL_H

/* RFC 8446 5.1 and RFC 5246 6.2.1: the record header on the wire. */
enum krtls_record_header {
	KRTLS_HDR_LEN		= 5,	/* type(1) version(2) length(2) */
	KRTLS_HDR_LEGACY_MAJOR	= 3,	/* legacy_record_version 0x0303 */
	KRTLS_HDR_LEGACY_MINOR	= 3,
};

/* RFC 8446 5 / RFC 5246 6.2.1: ContentType. */
enum krtls_content_type {
	KRTLS_CT_INVALID	= 0,	/* RFC 8446 5.4: all-padding record */
	KRTLS_CT_CHANGE_CIPHER	= 20,
	KRTLS_CT_ALERT		= 21,
	KRTLS_CT_HANDSHAKE	= 22,
	KRTLS_CT_APP_DATA	= 23,
};

/* RFC 8446 4 and B.3: HandshakeType of a KeyUpdate message. */
enum krtls_handshake_type {
	KRTLS_HS_KEY_UPDATE	= 24,	/* RFC 8446 4.6.3 */
};

/* Record sizes (RFC 8446 5.2, RFC 5246 6.2.3). */
enum krtls_limits {
	KRTLS_MAX_PLAINTEXT	= 1 << 14,	/* TLSPlaintext.length */
	KRTLS_TAG_LEN		= 16,		/* all supported AEADs */
	KRTLS_EXPLICIT_NONCE	= 8,		/* RFC 5288 3, RFC 6655 3 */
	KRTLS_NONCE_LEN		= 12,		/* RFC 8446 5.3, RFC 7905 2 */
	KRTLS_SEQ_LEN		= 8,		/* 64-bit record sequence */
	KRTLS_AAD12_LEN		= 13,		/* RFC 5246 6.2.3.3 */
	KRTLS_AAD13_LEN		= KRTLS_HDR_LEN, /* RFC 8446 5.2 */
	KRTLS_INNER_TYPE_LEN	= 1,		/* TLSInnerPlaintext.type */
	/* RFC 3610 2.3: CCM counter block flags for a 3-byte length field */
	KRTLS_CCM_B0_FLAGS	= 2,
	KRTLS_CCM_IV_LEN	= 16,
	/* Largest record accepted: what the in-tree parser accepts. */
	KRTLS_MAX_RECORD	= KRTLS_HDR_LEN + KRTLS_MAX_PLAINTEXT +
				  KRTLS_EXPLICIT_NONCE + KRTLS_TAG_LEN +
				  KRTLS_INNER_TYPE_LEN,
};

#endif /* _KRTLS_PROTOCOL_H */
