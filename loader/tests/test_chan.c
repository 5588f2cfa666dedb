// SPDX-License-Identifier: GPL-2.0
/*
 * vigil_channel_load(): a valid channel loads, and each check of
 * channels/FORMAT.md "Check order" fails on its own with the expected
 * error class and file offset; truncation at every byte; signatures with
 * a verify callback the test controls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#define ANY_OFF ((u64)-1)
#define HDR(f)	offsetof(struct vigil_chan_header, f)

static int load(const u8 *d, size_t len, const struct vigil_load_opts *o,
		int code, u64 off)
{
	struct vigil_channel *ch = (void *)1;
	struct vigil_error e;
	int ret;

	memset(&e, 0x5a, sizeof(e));
	ret = vigil_channel_load(d, len, o, &ch, &e);
	if (ret != code || (code && off != ANY_OFF && e.offset != off))
		print_message("want %s at %llu, got %s at %llu: %s\n",
			      vigil_err_name(code), (unsigned long long)off,
			      vigil_err_name(ret),
			      (unsigned long long)e.offset, e.msg);
	assert_int_equal(ret, code);
	assert_int_equal(e.code, code);
	if (code == VIGIL_E_OK) {
		assert_non_null(ch);
		vigil_channel_free(ch);
		return ret;
	}
	assert_null(ch);
	if (off != ANY_OFF)
		assert_int_equal(e.offset, off);
	assert_true(strlen(e.msg) > 0 && strlen(e.msg) < sizeof(e.msg));
	assert_null(strchr(e.msg, '\n'));
	return ret;
}

static u8 *minimal_file(size_t *flen, size_t *plen)
{
	size_t len;
	u8 *p = tu_minimal(&len), *f = tu_chan(p, len, flen);

	if (plen)
		*plen = len;
	free(p);
	return f;
}

/* a signed copy of f */
static u8 *sign_copy(const u8 *f, size_t flen, const void *blob, u32 n,
		     size_t *slen)
{
	u8 *s = malloc(flen);

	memcpy(s, f, flen);
	*slen = flen;
	return tu_sign(s, slen, blob, n);
}

static struct vigil_chan_header *hdr(u8 *f)
{
	return (void *)f;
}

static void test_valid(void **state)
{
	struct vigil_channel *ch = NULL;
	struct vigil_error e;
	size_t flen, plen;
	u8 *f = minimal_file(&flen, &plen), *u;

	assert_int_equal(vigil_channel_load(f, flen, NULL, &ch, &e), 0);
	assert_int_equal(e.code, VIGIL_E_OK);
	assert_non_null(ch);
	assert_int_equal(ch->channel_id, 291);
	assert_int_equal(ch->content_version, 7);
	assert_int_equal(ch->schema_version, VIGIL_SCHEMA_VERSION);
	assert_memory_equal(ch->digest, hdr(f)->digest, 32);
	assert_int_equal(ch->file_size, flen);
	assert_false(ch->signed_);
	assert_false(ch->sig_verified);
	assert_int_equal(ch->payload_size, plen);
	assert_int_equal(ch->nrules, 1);
	assert_non_null(ch->rules);
	assert_int_equal((uintptr_t)ch->payload & 7, 0);
	assert_true(vigil_channel_mem(ch) >= sizeof(*ch) + plen);
	vigil_channel_free(ch);
	vigil_channel_free(NULL);

	/* NULL error pointer; unaligned input */
	assert_int_equal(vigil_channel_load(f, flen, NULL, &ch, NULL), 0);
	vigil_channel_free(ch);
	u = malloc(flen + 3);
	memcpy(u + 3, f, flen);
	load(u + 3, flen, NULL, VIGIL_E_OK, 0);
	free(u);
	free(f);
}

/* Every prefix of a valid file is rejected as truncated or short. */
static void test_truncation(void **state)
{
	static const u8 sig[100] = { 0x30, 0x82 };
	size_t flen, cut, slen;
	u8 *f = minimal_file(&flen, NULL), *s;

	for (cut = 0; cut < flen; cut++)
		load(f, cut, NULL,
		     cut < VIGIL_CHAN_HEADER_SIZE ? VIGIL_E_TRUNCATED :
						    VIGIL_E_SIZE_MISMATCH,
		     cut);
	/*
	 * A signed file cut anywhere loses its marker, so what is left of
	 * the signature is junk after the frame; cut exactly before the
	 * blob it is the unsigned file.
	 */
	s = sign_copy(f, flen, sig, sizeof(sig), &slen);
	for (cut = 0; cut < slen; cut++) {
		if (cut == flen)
			continue;
		load(s, cut, NULL,
		     cut < VIGIL_CHAN_HEADER_SIZE ? VIGIL_E_TRUNCATED :
						    VIGIL_E_SIZE_MISMATCH,
		     min(cut, flen));
	}
	load(s, flen, NULL, VIGIL_E_OK, 0);
	load(s, slen, NULL, VIGIL_E_OK, 0);
	free(s);
	free(f);
}

static void test_zero_files(void **state)
{
	u8 *z = calloc(1, 4096);

	load(z, 0, NULL, VIGIL_E_TRUNCATED, 0);
	load(z, 79, NULL, VIGIL_E_TRUNCATED, 79);
	load(z, 80, NULL, VIGIL_E_MAGIC, 0);
	load(z, 4096, NULL, VIGIL_E_MAGIC, 0);
	free(z);
}

static void test_file_size_cap(void **state)
{
	size_t flen;
	u8 *f = minimal_file(&flen, NULL);
	u8 *big = calloc(1, VIGIL_MAX_FILE_SIZE + 1);

	memcpy(big, f, flen);
	load(big, VIGIL_MAX_FILE_SIZE + 1, NULL, VIGIL_E_SIZE_CAP, 0);
	/* at the cap the size is fine; the zero tail is trailing junk */
	load(big, VIGIL_MAX_FILE_SIZE, NULL, VIGIL_E_SIZE_MISMATCH, flen);
	free(big);
	free(f);
}

/* Break one header field (resealed, so only that field is wrong). */
#define HDR_CASE(field, bad, code)					\
	do {								\
		struct vigil_chan_header save = *hdr(f);		\
									\
		hdr(f)->field = (bad);					\
		tu_reseal(f, flen);						\
		load(f, flen, NULL, code, HDR(field));			\
		*hdr(f) = save;						\
	} while (0)

static void test_header_fields(void **state)
{
	size_t flen, i;
	u8 *f = minimal_file(&flen, NULL);
	u32 cs;

	for (i = 0; i < VIGIL_CHAN_MAGIC_LEN; i++) {
		f[i] ^= 0x20;
		load(f, flen, NULL, VIGIL_E_MAGIC, 0);
		f[i] ^= 0x20;
	}
	HDR_CASE(format_version, 0, VIGIL_E_FORMAT_VERSION);
	HDR_CASE(format_version, cpu_to_le16(2), VIGIL_E_FORMAT_VERSION);
	HDR_CASE(header_size, cpu_to_le16(79), VIGIL_E_HEADER_SIZE);
	HDR_CASE(header_size, cpu_to_le16(81), VIGIL_E_HEADER_SIZE);
	HDR_CASE(flags, cpu_to_le32(1), VIGIL_E_FLAGS);
	HDR_CASE(flags, cpu_to_le32(0x80000000), VIGIL_E_FLAGS);
	HDR_CASE(reserved0, cpu_to_le16(1), VIGIL_E_RESERVED);
	HDR_CASE(reserved1, cpu_to_le32(0x80000000), VIGIL_E_RESERVED);
	HDR_CASE(compression, 0, VIGIL_E_COMPRESSION);
	HDR_CASE(compression, cpu_to_le16(2), VIGIL_E_COMPRESSION);
	HDR_CASE(schema_version, 0, VIGIL_E_SCHEMA_VERSION);
	HDR_CASE(schema_version, cpu_to_le32(VIGIL_SCHEMA_VERSION + 1),
		 VIGIL_E_SCHEMA_VERSION);
	HDR_CASE(channel_id, 0, VIGIL_E_CHANNEL_ID);
	HDR_CASE(compressed_size, cpu_to_le32(VIGIL_MAX_COMPRESSED_SIZE + 1),
		 VIGIL_E_SIZE_CAP);
	HDR_CASE(compressed_size, 0xffffffff, VIGIL_E_SIZE_CAP);
	HDR_CASE(uncompressed_size,
		 cpu_to_le32(VIGIL_MAX_UNCOMPRESSED_SIZE + 1), VIGIL_E_SIZE_CAP);
	HDR_CASE(uncompressed_size, cpu_to_le32(23), VIGIL_E_PAYLOAD);
	HDR_CASE(uncompressed_size, 0, VIGIL_E_PAYLOAD);

	/* at the caps: accepted by the header checks, caught later */
	cs = le32_to_cpu(hdr(f)->compressed_size);
	hdr(f)->compressed_size = cpu_to_le32(VIGIL_MAX_COMPRESSED_SIZE);
	load(f, flen, NULL, VIGIL_E_SIZE_MISMATCH, flen);
	hdr(f)->compressed_size = cpu_to_le32(cs);
	hdr(f)->uncompressed_size = cpu_to_le32(VIGIL_MAX_UNCOMPRESSED_SIZE);
	tu_reseal(f, flen);
	load(f, flen, NULL, VIGIL_E_ZSTD_SIZE, VIGIL_CHAN_HEADER_SIZE);
	hdr(f)->uncompressed_size = cpu_to_le32(24);
	tu_reseal(f, flen);
	load(f, flen, NULL, VIGIL_E_ZSTD_SIZE, VIGIL_CHAN_HEADER_SIZE);
	free(f);
}

/* Checks run in order: the first failing check is the one reported. */
static void test_order(void **state)
{
	size_t flen;
	u8 *f = minimal_file(&flen, NULL);

	/* bad magic and a broken frame: magic first */
	f[flen - 1] ^= 1;
	f[0] ^= 1;
	load(f, flen, NULL, VIGIL_E_MAGIC, 0);
	f[0] ^= 1;
	/* header fields before the digest */
	hdr(f)->flags = cpu_to_le32(2);
	load(f, flen, NULL, VIGIL_E_FLAGS, HDR(flags));
	hdr(f)->flags = 0;
	/* size before digest */
	load(f, flen - 1, NULL, VIGIL_E_SIZE_MISMATCH, flen - 1);
	load(f, flen, NULL, VIGIL_E_DIGEST, HDR(digest));
	free(f);
}

static void test_size_mismatch(void **state)
{
	size_t flen;
	u8 *f = minimal_file(&flen, NULL);
	struct vigil_error e;
	struct vigil_channel *ch;

	f = realloc(f, flen + 1);
	f[flen] = 0;
	load(f, flen + 1, NULL, VIGIL_E_SIZE_MISMATCH, flen);
	vigil_channel_load(f, flen + 1, NULL, &ch, &e);
	assert_non_null(strstr(e.msg, "1 trailing bytes"));
	vigil_channel_load(f, flen - 2, NULL, &ch, &e);
	assert_non_null(strstr(e.msg, "2 bytes missing"));
	free(f);
}

static void test_digest(void **state)
{
	size_t flen, i;
	u8 *f = minimal_file(&flen, NULL);
	struct vigil_channel *ch;
	struct vigil_error e;
	char want[80];

	/* every byte the digest covers: content_version and the frame */
	for (i = HDR(content_version); i < HDR(content_version) + 8; i++) {
		f[i] ^= 0x80;
		load(f, flen, NULL, VIGIL_E_DIGEST, HDR(digest));
		f[i] ^= 0x80;
	}
	for (i = VIGIL_CHAN_HEADER_SIZE; i < flen; i++) {
		f[i] ^= 0x01;
		load(f, flen, NULL, VIGIL_E_DIGEST, HDR(digest));
		f[i] ^= 0x01;
	}
	/* and the digest itself, any byte of it */
	for (i = 0; i < VIGIL_CHAN_DIGEST_LEN; i++) {
		hdr(f)->digest[i] ^= 0x10;
		load(f, flen, NULL, VIGIL_E_DIGEST, HDR(digest));
		hdr(f)->digest[i] ^= 0x10;
	}
	memset(hdr(f)->digest, 0, 32);
	vigil_channel_load(f, flen, NULL, &ch, &e);
	snprintf(want, sizeof(want), "header says %064d", 0);
	assert_non_null(strstr(e.msg, "digest mismatch: computed "));
	assert_non_null(strstr(e.msg, want));
	free(f);
}

struct verify_ctx {
	int calls;
	int result;
	const u8 *data;
	size_t len;
	const u8 *sig;
	size_t sig_len;
};

static int verify(void *c, const void *data, size_t len, const void *sig,
		  size_t sig_len)
{
	struct verify_ctx *v = c;

	v->calls++;
	assert_ptr_equal(data, v->data);
	assert_int_equal(len, v->len);
	assert_ptr_equal(sig, v->sig);
	assert_int_equal(sig_len, v->sig_len);
	return v->result;
}

static void test_signature(void **state)
{
	static const u8 blob[] = { 0x30, 0x82, 1, 2, 3, 4, 5 };
	struct verify_ctx v = { 0 };
	struct vigil_load_opts o = { .verify = verify, .verify_ctx = &v };
	struct vigil_channel *ch;
	struct vigil_error e;
	size_t flen, slen;
	u8 *f = minimal_file(&flen, NULL), *s;

	/* unsigned: fine unless required */
	load(f, flen, &o, VIGIL_E_OK, 0);
	assert_int_equal(v.calls, 0);
	o.require_signature = true;
	load(f, flen, &o, VIGIL_E_SIG_MISSING, flen);

	s = sign_copy(f, flen, blob, sizeof(blob), &slen);
	v.data = s;
	v.len = flen;
	v.sig = s + flen;
	v.sig_len = sizeof(blob);
	assert_int_equal(vigil_channel_load(s, slen, &o, &ch, &e), 0);
	assert_int_equal(v.calls, 1);
	assert_true(ch->signed_);
	assert_true(ch->sig_verified);
	assert_int_equal(ch->file_size, slen);
	vigil_channel_free(ch);

	v.result = -1;
	load(s, slen, &o, VIGIL_E_SIG_BAD, flen);
	assert_int_equal(v.calls, 2);

	/* no callback: checked for form only, not verified */
	o.verify = NULL;
	assert_int_equal(vigil_channel_load(s, slen, &o, &ch, &e), 0);
	assert_true(ch->signed_);
	assert_false(ch->sig_verified);
	vigil_channel_free(ch);
	assert_int_equal(v.calls, 2);

	/* the digest is checked before the signature */
	o.verify = verify;
	s[flen - 1] ^= 1;
	load(s, slen, &o, VIGIL_E_DIGEST, HDR(digest));
	assert_int_equal(v.calls, 2);
	free(s);
	free(f);
}

/* the trailer need not be aligned in the file */
static void set_trailer(u8 *at, u32 sig_len, u32 reserved)
{
	struct vigil_sig_trailer t = {
		.sig_len = cpu_to_le32(sig_len),
		.reserved = cpu_to_le32(reserved),
	};

	memcpy(at, &t, sizeof(t));
}

static void test_sig_trailer(void **state)
{
	static u8 blob[VIGIL_MAX_SIG_SIZE + 1];
	size_t flen, slen, toff;
	u8 *f = minimal_file(&flen, NULL), *s;

	/* a blob of the maximum size is fine */
	s = sign_copy(f, flen, blob, VIGIL_MAX_SIG_SIZE, &slen);
	load(s, slen, NULL, VIGIL_E_OK, 0);
	free(s);

	s = sign_copy(f, flen, blob, 10, &slen);
	toff = slen - VIGIL_SIG_MARKER_LEN - sizeof(struct vigil_sig_trailer);
	set_trailer(s + toff, 10, 1);
	load(s, slen, NULL, VIGIL_E_SIG_FORMAT, toff + 4);
	set_trailer(s + toff, 0, 0);
	load(s, slen, NULL, VIGIL_E_SIG_FORMAT, toff);
	set_trailer(s + toff, VIGIL_MAX_SIG_SIZE + 1, 0);
	load(s, slen, NULL, VIGIL_E_SIG_FORMAT, toff);
	set_trailer(s + toff, 0xffffffff, 0);
	load(s, slen, NULL, VIGIL_E_SIG_FORMAT, toff);
	/* the blob may reach back to the header but not into it */
	set_trailer(s + toff, toff - VIGIL_CHAN_HEADER_SIZE + 1, 0);
	load(s, slen, NULL, VIGIL_E_SIG_FORMAT, toff);
	set_trailer(s + toff, toff - VIGIL_CHAN_HEADER_SIZE, 0);
	load(s, slen, NULL, VIGIL_E_SIZE_MISMATCH, VIGIL_CHAN_HEADER_SIZE);
	/* blob one byte longer than it says: a stray byte after the frame */
	set_trailer(s + toff, 9, 0);
	load(s, slen, NULL, VIGIL_E_SIZE_MISMATCH, flen);
	set_trailer(s + toff, 11, 0);
	load(s, slen, NULL, VIGIL_E_SIZE_MISMATCH, flen - 1);
	set_trailer(s + toff, 10, 0);
	load(s, slen, NULL, VIGIL_E_OK, 0);
	free(s);

	/* a marker with no room for a trailer after the header */
	s = malloc(VIGIL_CHAN_HEADER_SIZE + 7 + VIGIL_SIG_MARKER_LEN);
	memcpy(s, f, VIGIL_CHAN_HEADER_SIZE + 7);
	memcpy(s + VIGIL_CHAN_HEADER_SIZE + 7, VIGIL_SIG_MARKER,
	       VIGIL_SIG_MARKER_LEN);
	load(s, VIGIL_CHAN_HEADER_SIZE + 7 + VIGIL_SIG_MARKER_LEN, NULL,
	     VIGIL_E_SIG_FORMAT, VIGIL_CHAN_HEADER_SIZE + 7);
	free(s);
	free(f);
}

/* Wrap frame bytes in a valid, sealed header and expect code at off. */
static void load_frame(const void *frame, size_t len, u32 usize, int code,
		       u64 off)
{
	size_t flen;
	u8 *f = tu_wrap_frame(frame, len, usize, &flen);

	load(f, flen, NULL, code, off);
	free(f);
}

static void test_zstd(void **state)
{
	const u64 off = VIGIL_CHAN_HEADER_SIZE;
	size_t plen, zlen, z2len;
	u8 *p = tu_minimal(&plen), *z, *z2, *two;
	u8 skip[12] = { 0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4 };
	u8 junk[16];

	z = tu_zstd(p, plen, true, &zlen);
	load_frame(z, zlen, plen, VIGIL_E_OK, 0);
	/* content size not recorded */
	z2 = tu_zstd(p, plen, false, &z2len);
	load_frame(z2, z2len, plen, VIGIL_E_ZSTD_FRAME, off);
	free(z2);
	/* not zstd at all; too short for a frame header */
	memset(junk, 0xa5, sizeof(junk));
	load_frame(junk, sizeof(junk), plen, VIGIL_E_ZSTD_FRAME, off);
	load_frame(z, 0, plen, VIGIL_E_ZSTD_FRAME, off);
	load_frame(z, 5, plen, VIGIL_E_ZSTD_FRAME, off);
	/* a skippable frame */
	load_frame(skip, sizeof(skip), plen, VIGIL_E_ZSTD_FRAME, off);
	/* the frame cut short */
	load_frame(z, zlen - 1, plen, VIGIL_E_ZSTD_FRAME, off);
	/* two frames, or a frame and a skippable frame */
	two = malloc(2 * zlen + sizeof(skip));
	memcpy(two, z, zlen);
	memcpy(two + zlen, z, zlen);
	load_frame(two, 2 * zlen, plen, VIGIL_E_ZSTD_FRAME, off + zlen);
	memcpy(two + zlen, skip, sizeof(skip));
	load_frame(two, zlen + sizeof(skip), plen, VIGIL_E_ZSTD_FRAME,
		   off + zlen);
	load_frame(two, zlen + 1, plen, VIGIL_E_ZSTD_FRAME, off + zlen);
	free(two);
	/* content size disagrees with uncompressed_size */
	load_frame(z, zlen, plen + 1, VIGIL_E_ZSTD_SIZE, off);
	load_frame(z, zlen, plen - 1, VIGIL_E_ZSTD_SIZE, off);
	/* corrupt checksum: the data does not decompress cleanly */
	z[zlen - 1] ^= 1;
	load_frame(z, zlen, plen, VIGIL_E_ZSTD_DATA, off);
	free(z);
	free(p);
}

/* Payload errors come through with payload offsets. */
static void test_payload_errors(void **state)
{
	size_t plen, flen;
	u8 *p = tu_minimal(&plen), *f;
	struct vigil_channel *ch;
	struct vigil_error e;

	tu_pnode(p, 0)->field = cpu_to_le16(VIGIL_EXEC__COUNT + 11);
	f = tu_chan(p, plen, &flen);
	assert_int_equal(vigil_channel_load(f, flen, NULL, &ch, &e),
			 VIGIL_E_FIELD);
	assert_null(ch);
	assert_true(e.in_payload);
	assert_int_equal(e.offset, tu_node_off(p, 0) + 4);
	assert_string_equal(e.msg,
			    "rule 0 (id 1) node 0 reads field 22 of exec, which has 11 fields");
	free(f);
	/* an empty payload header (nrules 0) */
	memset(p + 4, 0, 20);
	f = tu_chan(p, 24, &flen);
	load(f, flen, NULL, VIGIL_E_COUNT_CAP, 4);
	free(f);
	free(p);
}

static void test_err_names(void **state)
{
	int c;

	for (c = 0; c <= VIGIL_E_INTR; c++) {
		assert_string_not_equal(vigil_err_name(c), "UNKNOWN");
		assert_string_not_equal(vigil_err_text(c), "unknown error");
	}
	assert_string_equal(vigil_err_name(VIGIL_E_DIGEST), "DIGEST");
	assert_string_equal(vigil_err_text(VIGIL_E_FIELD),
			    "field not supplied for this event type");
	assert_string_equal(vigil_err_name(-1), "UNKNOWN");
	assert_string_equal(vigil_err_name(VIGIL_E_INTR + 1), "UNKNOWN");
	assert_string_equal(vigil_err_text(1000), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_zero_files),
		cmocka_unit_test(test_file_size_cap),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_size_mismatch),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_sig_trailer),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_payload_errors),
		cmocka_unit_test(test_err_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
