/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing channel files (userspace only): wrap a payload in the header and
 * zstd frame, and append a PKCS#7 signature.  The reading side is the
 * loader's, in loader/.
 */
#ifndef VIGIL_CHANFILE_H
#define VIGIL_CHANFILE_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

/**
 * struct chan_meta - header fields of a channel to write
 * @channel_id: non-zero channel id
 * @content_version: content sequence number
 * @schema_version: schema the payload targets (normally VIGIL_SCHEMA_VERSION)
 */
struct chan_meta {
	uint32_t channel_id;
	uint64_t content_version;
	uint32_t schema_version;
};

/**
 * chan_wrap() - compress a payload and put a valid header in front of it
 * @m: header fields
 * @payload: the uncompressed payload
 * @len: its length
 * @level: zstd level (e.g. 19 for shipped content)
 * @out: newly allocated file bytes (free())
 * @out_len: their length
 *
 * The frame records its content size and the digest covers the header and
 * the frame, as channels/FORMAT.md requires.
 *
 * Return: 0, or -1 with errno set.
 */
int chan_wrap(const struct chan_meta *m, const void *payload, size_t len,
	      int level, uint8_t **out, size_t *out_len);

/**
 * chan_digest() - compute the digest of a channel file's header and frame
 * @file: the file bytes; header and compressed_size bytes of frame
 * @len: length available
 * @digest: out, VIGIL_CHAN_DIGEST_LEN bytes
 *
 * Used by the corpus generator to re-seal files it corrupts on purpose.
 *
 * Return: 0, or -1 if @file is too short for its header's sizes.
 */
int chan_digest(const uint8_t *file, size_t len, uint8_t *digest);

/**
 * chan_sign() - append a detached PKCS#7 signature and the trailer
 * @file: channel bytes (unsigned); reallocated
 * @len: in: its length; out: the signed length
 * @key_pem: private key file (PEM)
 * @cert_pem: certificate file (PEM)
 * @errbuf: out, a reason on failure
 * @errlen: size of @errbuf
 *
 * The signature is made with openssl over every byte of the unsigned
 * file, SHA-256, DER, no attributes needed by the kernel's
 * verify_pkcs7_signature().
 *
 * Return: 0, or -1 with @errbuf filled.
 */
int chan_sign(uint8_t **file, size_t *len, const char *key_pem,
	      const char *cert_pem, char *errbuf, size_t errlen);

/**
 * chan_verify_openssl() - a vigil_verify_fn for userspace
 * @ctx: path of a PEM certificate (const char *) that must have signed
 * @data: signed bytes
 * @len: their length
 * @sig: DER PKCS#7
 * @sig_len: its length
 *
 * Return: 0 if @sig is a valid signature of @data by the certificate.
 */
int chan_verify_openssl(void *ctx, const void *data, size_t len,
			const void *sig, size_t sig_len);

#endif /* VIGIL_CHANFILE_H */
