// SPDX-License-Identifier: GPL-2.0
/*
 * The channel writer: header fields, zstd frame, digest, determinism, and
 * signatures checked by openssl and by the loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "chanfile.h"
#include "chantest.h"
#include "loader.h"

static uint8_t *payload;
static size_t payload_len;
static char key[256], cert[256], key2[256], cert2[256];

static int setup(void **state)
{
	static const char yaml[] =
		"channel: {id: 291, version: 3}\nrules:\n"
		"  - id: 291001\n    title: fifo in tmp\n    event: fifo\n"
		"    severity: high\n    detection:\n"
		"      s:\n        path|startswith: [/tmp/, /dev/shm/]\n";
	struct vc_compiler *c = ct_compile(yaml, &payload, &payload_len);

	if (vc_ndiags(c))
		ct_show(c);
	vc_free(c);
	ct_keys("a", key, cert, sizeof(key));
	ct_keys("b", key2, cert2, sizeof(key2));
	return payload ? 0 : -1;
}

static int teardown(void **state)
{
	free(payload);
	return 0;
}

static uint8_t *wrap(size_t *len)
{
	struct chan_meta m = {
		.channel_id = 291, .content_version = 0x1122334455ULL,
		.schema_version = VIGIL_SCHEMA_VERSION,
	};
	uint8_t *file;

	assert_int_equal(chan_wrap(&m, payload, payload_len, 19, &file, len),
			 0);
	return file;
}

static void header_fields(void **state)
{
	const struct vigil_chan_header *h;
	uint8_t dig[32];
	unsigned long long fsize;
	size_t len;
	uint8_t *file = wrap(&len);

	h = (const void *)file;
	assert_memory_equal(h->magic, VIGIL_CHAN_MAGIC, VIGIL_CHAN_MAGIC_LEN);
	assert_int_equal(le16_to_cpu(h->format_version),
			 VIGIL_CHAN_FORMAT_VERSION);
	assert_int_equal(le16_to_cpu(h->header_size), VIGIL_CHAN_HEADER_SIZE);
	assert_int_equal(le32_to_cpu(h->flags), 0);
	assert_int_equal(le32_to_cpu(h->channel_id), 291);
	assert_int_equal(le32_to_cpu(h->schema_version), VIGIL_SCHEMA_VERSION);
	assert_true(le64_to_cpu(h->content_version) == 0x1122334455ULL);
	assert_int_equal(le16_to_cpu(h->compression), VIGIL_COMPRESSION_ZSTD);
	assert_int_equal(h->reserved0, 0);
	assert_int_equal(h->reserved1, 0);
	assert_int_equal(le32_to_cpu(h->uncompressed_size), payload_len);
	assert_int_equal(VIGIL_CHAN_HEADER_SIZE +
			 le32_to_cpu(h->compressed_size), len);

	/* the frame records its content size and holds the payload */
	fsize = ZSTD_getFrameContentSize(file + VIGIL_CHAN_HEADER_SIZE,
					 len - VIGIL_CHAN_HEADER_SIZE);
	assert_true(fsize == payload_len);
	assert_int_equal(ZSTD_findFrameCompressedSize(file +
						      VIGIL_CHAN_HEADER_SIZE,
						      len -
						      VIGIL_CHAN_HEADER_SIZE),
			 len - VIGIL_CHAN_HEADER_SIZE);

	/* digest: SHA-256 of header[0, 48) then the frame, computed apart */
	{
		EVP_MD_CTX *c = EVP_MD_CTX_new();

		EVP_DigestInit_ex(c, EVP_sha256(), NULL);
		EVP_DigestUpdate(c, file, 48);
		EVP_DigestUpdate(c, file + 80, len - 80);
		EVP_DigestFinal_ex(c, dig, NULL);
		EVP_MD_CTX_free(c);
	}
	assert_memory_equal(h->digest, dig, 32);
	assert_int_equal(chan_digest(file, len, dig), 0);
	assert_memory_equal(h->digest, dig, 32);
	assert_int_equal(chan_digest(file, len - 1, dig), -1);
	assert_int_equal(chan_digest(file, 79, dig), -1);
	free(file);
}

static void loads_and_is_deterministic(void **state)
{
	struct vigil_channel *ch = NULL;
	struct vigil_error e;
	size_t a_len, b_len;
	uint8_t *a = wrap(&a_len), *b = wrap(&b_len);

	assert_int_equal(a_len, b_len);
	assert_memory_equal(a, b, a_len);
	assert_int_equal(vigil_channel_load(a, a_len, NULL, &ch, &e), 0);
	assert_int_equal(ch->channel_id, 291);
	assert_int_equal(ch->nrules, 1);
	assert_int_equal(ch->payload_size, payload_len);
	assert_memory_equal(ch->payload, payload, payload_len);
	assert_false(ch->signed_);
	vigil_channel_free(ch);

	/* a flipped frame byte breaks the digest */
	a[a_len - 2] ^= 1;
	assert_int_equal(vigil_channel_load(a, a_len, NULL, &ch, &e),
			 VIGIL_E_DIGEST);
	free(a);
	free(b);
}

static void bad_wrap_arguments(void **state)
{
	struct chan_meta m = { .channel_id = 0 };
	uint8_t *file = (void *)1;
	size_t len = 1;

	assert_int_equal(chan_wrap(&m, payload, payload_len, 3, &file, &len),
			 -1);
	assert_null(file);
	assert_int_equal(len, 0);
}

static void sign_and_verify(void **state)
{
	struct vigil_load_opts lo = { .require_signature = true,
				      .verify = chan_verify_openssl,
				      .verify_ctx = cert };
	struct vigil_channel *ch = NULL;
	struct vigil_error e;
	char err[256];
	size_t len, ulen, sig_len;
	uint8_t *file = wrap(&len);
	const uint8_t *trailer;

	ulen = len;
	assert_int_equal(chan_sign(&file, &len, key, cert, err, sizeof(err)),
			 0);
	assert_true(len > ulen + 8 + VIGIL_SIG_MARKER_LEN);
	assert_memory_equal(file + len - VIGIL_SIG_MARKER_LEN,
			    VIGIL_SIG_MARKER, VIGIL_SIG_MARKER_LEN);
	trailer = file + len - VIGIL_SIG_MARKER_LEN - 8;
	sig_len = get_unaligned_le32(trailer);
	assert_int_equal(get_unaligned_le32(trailer + 4), 0);
	assert_int_equal(ulen + sig_len + 8 + VIGIL_SIG_MARKER_LEN, len);

	/* the detached signature covers exactly the unsigned file */
	assert_int_equal(chan_verify_openssl(cert, file, ulen, file + ulen,
					     sig_len), 0);
	assert_int_not_equal(chan_verify_openssl(cert2, file, ulen,
						 file + ulen, sig_len), 0);
	assert_int_not_equal(chan_verify_openssl(cert, file, ulen - 1,
						 file + ulen, sig_len), 0);
	assert_int_not_equal(chan_verify_openssl(cert, file, ulen,
						 file + ulen, sig_len - 1), 0);
	assert_int_not_equal(chan_verify_openssl("/nonexistent", file, ulen,
						 file + ulen, sig_len), 0);

	assert_int_equal(vigil_channel_load(file, len, &lo, &ch, &e), 0);
	assert_true(ch->signed_);
	assert_true(ch->sig_verified);
	vigil_channel_free(ch);

	/* another certificate: rejected */
	lo.verify_ctx = cert2;
	assert_int_equal(vigil_channel_load(file, len, &lo, &ch, &e),
			 VIGIL_E_SIG_BAD);
	assert_null(ch);

	/* a byte of the signature itself changed: rejected */
	lo.verify_ctx = cert;
	file[ulen + sig_len - 5] ^= 0x40;
	assert_int_equal(vigil_channel_load(file, len, &lo, &ch, &e),
			 VIGIL_E_SIG_BAD);
	free(file);
}

static void sign_errors(void **state)
{
	char err[256];
	size_t len, ulen;
	uint8_t *file = wrap(&len);

	ulen = len;
	/* key and certificate of different pairs */
	assert_int_equal(chan_sign(&file, &len, key, cert2, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "does not belong"));
	assert_int_equal(chan_sign(&file, &len, "/nonexistent", cert, err,
				   sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read private key"));
	assert_int_equal(chan_sign(&file, &len, key, "/nonexistent", err,
				   sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read certificate"));
	assert_int_equal(len, ulen);
	free(file);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_fields),
		cmocka_unit_test(loads_and_is_deterministic),
		cmocka_unit_test(bad_wrap_arguments),
		cmocka_unit_test(sign_and_verify),
		cmocka_unit_test(sign_errors),
	};

	ct_chdir_root(argv[0]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
