/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenSSL helpers for keyroll's kTLS tests: a self-signed certificate made
 * at run time, client and server contexts, and a blocking handshake over
 * an already connected TCP pair, one end per process.
 */
#ifndef KR_OSSL_COMMON_H
#define KR_OSSL_COMMON_H

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_common.h"

#define KR_DIE(...) do {						\
	fprintf(stderr, "FAIL: " __VA_ARGS__);				\
	fputc('\n', stderr);						\
	ERR_print_errors_fp(stderr);					\
	exit(1);							\
} while (0)

/* A P-256 key and a self-signed certificate for it, valid for a day. */
static inline void kr_make_cert(EVP_PKEY **pkey, X509 **cert)
{
	X509_NAME *name;

	*pkey = EVP_EC_gen("P-256");
	*cert = X509_new();
	if (!*pkey || !*cert)
		KR_DIE("cannot make a key");
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 86400);
	X509_set_pubkey(*cert, *pkey);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"keyroll-test", -1,
				   -1, 0);
	X509_set_issuer_name(*cert, name);
	if (!X509_sign(*cert, *pkey, EVP_sha256()))
		KR_DIE("cannot sign the certificate");
}

/* A context for one end; the server gets the certificate. */
static inline SSL_CTX *kr_make_ctx(bool server, EVP_PKEY *pkey, X509 *cert)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() :
				   TLS_client_method());

	if (!ctx)
		KR_DIE("SSL_CTX_new");
	if (server && (SSL_CTX_use_certificate(ctx, cert) != 1 ||
		       SSL_CTX_use_PrivateKey(ctx, pkey) != 1))
		KR_DIE("cannot use the certificate");
	/* the client trusts nothing; the test only needs encryption */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* Run the handshake of one end on FD; returns the SSL object. */
static inline SSL *kr_handshake(SSL_CTX *ctx, int fd, bool server)
{
	SSL *ssl = SSL_new(ctx);
	int ret;

	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		KR_DIE("SSL_new");
	ret = server ? SSL_accept(ssl) : SSL_connect(ssl);
	if (ret != 1)
		KR_DIE("%s handshake: error %d", server ? "server" : "client",
		       SSL_get_error(ssl, ret));
	return ssl;
}

#endif /* KR_OSSL_COMMON_H */
