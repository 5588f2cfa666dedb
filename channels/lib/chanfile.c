// SPDX-License-Identifier: GPL-2.0
/*
 * Writing channel files: header, zstd frame, digest and the appended
 * PKCS#7 signature.  The layout is loader/format.h's; the loader is the
 * reader and the judge of everything written here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "chanfile.h"
#include "limits.h"

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, v & 0xffffffffu);
	put_le32(p + 4, v >> 32);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int chan_digest(const uint8_t *file, size_t len, uint8_t *digest)
{
	EVP_MD_CTX *c;
	size_t csize;
	int ok;

	if (len < VIGIL_CHAN_HEADER_SIZE)
		return -1;
	csize = get_le32(file + offsetof(struct vigil_chan_header,
					 compressed_size));
	if (csize > len - VIGIL_CHAN_HEADER_SIZE)
		return -1;
	c = EVP_MD_CTX_new();
	ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(c, file, VIGIL_CHAN_DIGEST_OFFSET) &&
	     EVP_DigestUpdate(c, file + VIGIL_CHAN_HEADER_SIZE, csize) &&
	     EVP_DigestFinal_ex(c, digest, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int chan_wrap(const struct chan_meta *m, const void *payload, size_t len,
	      int level, uint8_t **out, size_t *out_len)
{
	static_assert(offsetof(struct vigil_chan_header, digest) ==
		      VIGIL_CHAN_DIGEST_OFFSET, "digest offset");
	ZSTD_CCtx *cc;
	uint8_t *buf;
	size_t bound, csize;

	*out = NULL;
	*out_len = 0;
	if (!m->channel_id || len > VIGIL_MAX_UNCOMPRESSED_SIZE) {
		errno = EINVAL;
		return -1;
	}
	bound = ZSTD_compressBound(len);
	buf = calloc(1, VIGIL_CHAN_HEADER_SIZE + bound);
	cc = ZSTD_createCCtx();
	if (!buf || !cc)
		goto nomem;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel,
						level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag,
						1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_dictIDFlag, 0)))
		goto inval;
	/* compress2 knows the source size, so the frame header records it */
	csize = ZSTD_compress2(cc, buf + VIGIL_CHAN_HEADER_SIZE, bound,
			       payload, len);
	if (ZSTD_isError(csize))
		goto inval;
	if (csize > VIGIL_MAX_COMPRESSED_SIZE)
		goto inval;
	ZSTD_freeCCtx(cc);

	memcpy(buf, VIGIL_CHAN_MAGIC, VIGIL_CHAN_MAGIC_LEN);
#define AT(f) (buf + offsetof(struct vigil_chan_header, f))
	put_le16(AT(format_version), VIGIL_CHAN_FORMAT_VERSION);
	put_le16(AT(header_size), VIGIL_CHAN_HEADER_SIZE);
	put_le32(AT(flags), 0);
	put_le32(AT(channel_id), m->channel_id);
	put_le32(AT(schema_version), m->schema_version);
	put_le64(AT(content_version), m->content_version);
	put_le16(AT(compression), VIGIL_COMPRESSION_ZSTD);
	put_le16(AT(reserved0), 0);
	put_le32(AT(compressed_size), (uint32_t)csize);
	put_le32(AT(uncompressed_size), (uint32_t)len);
	put_le32(AT(reserved1), 0);
#undef AT
	if (chan_digest(buf, VIGIL_CHAN_HEADER_SIZE + csize,
			buf + VIGIL_CHAN_DIGEST_OFFSET))
		goto nomem_nocc;
	*out = buf;
	*out_len = VIGIL_CHAN_HEADER_SIZE + csize;
	return 0;
nomem:
	ZSTD_freeCCtx(cc);
nomem_nocc:
	free(buf);
	errno = ENOMEM;
	return -1;
inval:
	ZSTD_freeCCtx(cc);
	free(buf);
	errno = EINVAL;
	return -1;
}

/* Put the reason and openssl's first queued error into @errbuf. */
static void ssl_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	unsigned long e = ERR_get_error();
	size_t n;
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	n = strlen(errbuf);
	if (e && n + 2 < errlen) {
		snprintf(errbuf + n, errlen - n, ": ");
		ERR_error_string_n(e, errbuf + n + 2, errlen - n - 2);
	}
	ERR_clear_error();
}

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (!b)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static EVP_PKEY *read_key(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k;

	if (!b)
		return NULL;
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

/*
 * Sign like the kernel's module signer expects: a detached CMS SignedData
 * over the raw bytes, SHA-256, no signed attributes, no certificates in the
 * message (the kernel finds the key in its keyring by issuer and serial).
 */
static int make_sig(const uint8_t *data, size_t len, EVP_PKEY *key,
		    X509 *cert, uint8_t **der, int *der_len,
		    char *errbuf, size_t errlen)
{
	const unsigned int fl = CMS_NOCERTS | CMS_BINARY | CMS_DETACHED;
	CMS_ContentInfo *cms;
	BIO *in = NULL;
	int ret = -1;

	*der = NULL;
	cms = CMS_sign(NULL, NULL, NULL, NULL, fl | CMS_PARTIAL);
	if (!cms) {
		ssl_err(errbuf, errlen, "CMS_sign");
		return -1;
	}
	if (!CMS_add1_signer(cms, cert, key, EVP_sha256(),
			     fl | CMS_NOSMIMECAP | CMS_NOATTR)) {
		ssl_err(errbuf, errlen, "CMS_add1_signer");
		goto out;
	}
	in = BIO_new_mem_buf(data, (int)len);
	if (!in || CMS_final(cms, in, NULL, fl) != 1) {
		ssl_err(errbuf, errlen, "CMS_final");
		goto out;
	}
	*der_len = i2d_CMS_ContentInfo(cms, der);
	if (*der_len <= 0) {
		ssl_err(errbuf, errlen, "i2d_CMS_ContentInfo");
		*der = NULL;
		goto out;
	}
	ret = 0;
out:
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return ret;
}

int chan_sign(uint8_t **file, size_t *len, const char *key_pem,
	      const char *cert_pem, char *errbuf, size_t errlen)
{
	struct vigil_sig_trailer tr;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	uint8_t *der = NULL, *nf;
	int der_len = 0, ret = -1;
	size_t nlen;

	if (*len > VIGIL_MAX_FILE_SIZE) {
		snprintf(errbuf, errlen, "file too large to sign");
		return -1;
	}
	key = read_key(key_pem);
	if (!key) {
		ssl_err(errbuf, errlen, "%s: cannot read private key",
			key_pem);
		goto out;
	}
	cert = read_cert(cert_pem);
	if (!cert) {
		ssl_err(errbuf, errlen, "%s: cannot read certificate",
			cert_pem);
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		ssl_err(errbuf, errlen, "%s does not belong to %s", key_pem,
			cert_pem);
		goto out;
	}
	if (make_sig(*file, *len, key, cert, &der, &der_len, errbuf, errlen))
		goto out;
	if ((size_t)der_len > VIGIL_MAX_SIG_SIZE) {
		snprintf(errbuf, errlen, "signature of %d bytes is over the cap %u",
			 der_len, VIGIL_MAX_SIG_SIZE);
		goto out;
	}
	nlen = *len + der_len + sizeof(tr) + VIGIL_SIG_MARKER_LEN;
	nf = realloc(*file, nlen);
	if (!nf) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	memcpy(nf + *len, der, der_len);
	memset(&tr, 0, sizeof(tr));
	put_le32((uint8_t *)&tr.sig_len, (uint32_t)der_len);
	memcpy(nf + *len + der_len, &tr, sizeof(tr));
	memcpy(nf + *len + der_len + sizeof(tr), VIGIL_SIG_MARKER,
	       VIGIL_SIG_MARKER_LEN);
	*file = nf;
	*len = nlen;
	ret = 0;
out:
	OPENSSL_free(der);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

int chan_verify_openssl(void *ctx, const void *data, size_t len,
			const void *sig, size_t sig_len)
{
	const unsigned char *p = sig;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	X509 *cert = NULL;
	BIO *in = NULL;
	int ret = 1;

	if (!ctx || sig_len > VIGIL_MAX_SIG_SIZE || len > VIGIL_MAX_FILE_SIZE)
		return 1;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig_len);
	if (!cms || p != (const unsigned char *)sig + sig_len)
		goto out;
	cert = read_cert(ctx);
	certs = sk_X509_new_null();
	if (!cert || !certs || !sk_X509_push(certs, cert))
		goto out;
	in = BIO_new_mem_buf(data, (int)len);
	if (!in)
		goto out;
	/*
	 * The given certificate is the trust anchor itself: only it may be
	 * the signer (NOINTERN ignores certificates inside the message) and
	 * it is not chain-verified against a store.
	 */
	if (CMS_verify(cms, certs, NULL, in, NULL,
		       CMS_BINARY | CMS_NOINTERN |
		       CMS_NO_SIGNER_CERT_VERIFY) == 1)
		ret = 0;
out:
	ERR_clear_error();
	BIO_free(in);
	sk_X509_free(certs);
	X509_free(cert);
	CMS_ContentInfo_free(cms);
	return ret;
}
