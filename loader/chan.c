// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a channel file: header, size caps, signature trailer, digest,
 * signature, zstd frame, then the payload's own validation and the
 * compiled rule set.  All or nothing: on any failure everything built so
 * far is released and the caller gets only the reason.
 *
 * The checks run in the order channels/FORMAT.md ("Check order") gives;
 * nothing past the header is allocated or decompressed before the digest
 * (and, when asked for, the signature) has been verified.
 */
#include "errmsg.h"
#include "ruleset.h"

#define HDR_OFF(member)	offsetof(struct vigil_chan_header, member)

static void chan_hex(char *out, const u8 *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Every header field on its own; no offset past the header is used. */
static int chan_check_header(const struct vigil_chan_header *h,
			     struct vigil_error *err)
{
	u32 cs = le32_to_cpu(h->compressed_size);
	u32 us = le32_to_cpu(h->uncompressed_size);

	if (memcmp(h->magic, VIGIL_CHAN_MAGIC, VIGIL_CHAN_MAGIC_LEN))
		return vigil_errf(err, VIGIL_E_MAGIC, 0, false,
				  "bad magic, not a vigil channel file");
	if (le16_to_cpu(h->format_version) != VIGIL_CHAN_FORMAT_VERSION)
		return vigil_errf(err, VIGIL_E_FORMAT_VERSION,
				  HDR_OFF(format_version), false,
				  "format_version %u, supported: %u",
				  le16_to_cpu(h->format_version),
				  VIGIL_CHAN_FORMAT_VERSION);
	if (le16_to_cpu(h->header_size) != VIGIL_CHAN_HEADER_SIZE)
		return vigil_errf(err, VIGIL_E_HEADER_SIZE,
				  HDR_OFF(header_size), false,
				  "header_size %u, must be %u",
				  le16_to_cpu(h->header_size),
				  VIGIL_CHAN_HEADER_SIZE);
	if (le32_to_cpu(h->flags) & ~VIGIL_CHAN_FLAGS_KNOWN)
		return vigil_errf(err, VIGIL_E_FLAGS, HDR_OFF(flags), false,
				  "unknown flags 0x%x",
				  le32_to_cpu(h->flags) & ~VIGIL_CHAN_FLAGS_KNOWN);
	if (h->reserved0)
		return vigil_errf(err, VIGIL_E_RESERVED, HDR_OFF(reserved0),
				  false, "reserved0 is 0x%x, must be 0",
				  le16_to_cpu(h->reserved0));
	if (h->reserved1)
		return vigil_errf(err, VIGIL_E_RESERVED, HDR_OFF(reserved1),
				  false, "reserved1 is 0x%x, must be 0",
				  le32_to_cpu(h->reserved1));
	if (le16_to_cpu(h->compression) != VIGIL_COMPRESSION_ZSTD)
		return vigil_errf(err, VIGIL_E_COMPRESSION,
				  HDR_OFF(compression), false,
				  "compression %u, supported: %u (zstd)",
				  le16_to_cpu(h->compression),
				  VIGIL_COMPRESSION_ZSTD);
	if (le32_to_cpu(h->schema_version) != VIGIL_SCHEMA_VERSION)
		return vigil_errf(err, VIGIL_E_SCHEMA_VERSION,
				  HDR_OFF(schema_version), false,
				  "schema_version %u, this sensor supplies %u",
				  le32_to_cpu(h->schema_version),
				  VIGIL_SCHEMA_VERSION);
	if (!h->channel_id)
		return vigil_errf(err, VIGIL_E_CHANNEL_ID, HDR_OFF(channel_id),
				  false, "channel_id is 0");
	if (cs > VIGIL_MAX_COMPRESSED_SIZE)
		return vigil_errf(err, VIGIL_E_SIZE_CAP,
				  HDR_OFF(compressed_size), false,
				  "compressed_size %u over cap %u", cs,
				  VIGIL_MAX_COMPRESSED_SIZE);
	if (us > VIGIL_MAX_UNCOMPRESSED_SIZE)
		return vigil_errf(err, VIGIL_E_SIZE_CAP,
				  HDR_OFF(uncompressed_size), false,
				  "uncompressed_size %u over cap %u", us,
				  VIGIL_MAX_UNCOMPRESSED_SIZE);
	if (us < sizeof(struct vigil_payload_header))
		return vigil_errf(err, VIGIL_E_PAYLOAD,
				  HDR_OFF(uncompressed_size), false,
				  "uncompressed_size %u smaller than the %u-byte payload header",
				  us, (unsigned int)sizeof(struct vigil_payload_header));
	return VIGIL_E_OK;
}

/*
 * If the file ends with the signature marker, find the PKCS#7 blob.  On
 * return *content_len is the length of the signed (or unsigned) content:
 * the header and the frame.
 */
static int chan_find_sig(const u8 *d, size_t len, size_t *content_len,
			 size_t *sig_off, u32 *sig_len, struct vigil_error *err)
{
	const size_t tsz = sizeof(struct vigil_sig_trailer);
	struct vigil_sig_trailer t;
	size_t moff, toff;
	u32 sl;

	*content_len = len;
	*sig_len = 0;
	if (len < VIGIL_SIG_MARKER_LEN ||
	    memcmp(d + len - VIGIL_SIG_MARKER_LEN, VIGIL_SIG_MARKER,
		   VIGIL_SIG_MARKER_LEN))
		return VIGIL_E_OK;

	moff = len - VIGIL_SIG_MARKER_LEN;
	if (moff < VIGIL_CHAN_HEADER_SIZE + tsz)
		return vigil_errf(err, VIGIL_E_SIG_FORMAT, moff, false,
				  "signature marker at %llu leaves no room for header and trailer",
				  (unsigned long long)moff);
	toff = moff - tsz;
	memcpy(&t, d + toff, tsz);
	sl = le32_to_cpu(t.sig_len);
	if (t.reserved)
		return vigil_errf(err, VIGIL_E_SIG_FORMAT, toff + 4, false,
				  "signature trailer reserved field 0x%x, must be 0",
				  le32_to_cpu(t.reserved));
	if (sl < 1 || sl > VIGIL_MAX_SIG_SIZE)
		return vigil_errf(err, VIGIL_E_SIG_FORMAT, toff, false,
				  "sig_len %u not in 1..%u", sl,
				  VIGIL_MAX_SIG_SIZE);
	if (sl > toff - VIGIL_CHAN_HEADER_SIZE)
		return vigil_errf(err, VIGIL_E_SIG_FORMAT, toff, false,
				  "sig_len %u does not fit: %llu bytes between header and trailer",
				  sl, (unsigned long long)(toff -
							   VIGIL_CHAN_HEADER_SIZE));
	*sig_off = toff - sl;
	*sig_len = sl;
	*content_len = *sig_off;
	return VIGIL_E_OK;
}

static int chan_check_digest(const u8 *d, const struct vigil_chan_header *h,
			     struct vigil_error *err)
{
	u8 md[VIGIL_CHAN_DIGEST_LEN];
	char have[2 * VIGIL_CHAN_DIGEST_LEN + 1];
	char want[2 * VIGIL_CHAN_DIGEST_LEN + 1];

	if (vigil_sha256_2(d, VIGIL_CHAN_DIGEST_OFFSET,
			   d + VIGIL_CHAN_HEADER_SIZE,
			   le32_to_cpu(h->compressed_size), md))
		return vigil_errf(err, VIGIL_E_NOMEM, HDR_OFF(digest), false,
				  "no memory to compute the digest");
	if (!memcmp(md, h->digest, sizeof(md)))
		return VIGIL_E_OK;
	chan_hex(have, md, sizeof(md));
	chan_hex(want, h->digest, sizeof(md));
	return vigil_errf(err, VIGIL_E_DIGEST, HDR_OFF(digest), false,
			  "digest mismatch: computed %s header says %s",
			  have, want);
}

/* The frame: one zstd frame, content size recorded and as declared. */
static int chan_check_frame(const u8 *f, u32 cs, u32 us,
			    struct vigil_error *err)
{
	const size_t off = VIGIL_CHAN_HEADER_SIZE;
	zstd_frame_header fh;
	size_t ret;

	ret = zstd_get_frame_header(&fh, f, cs);
	if (zstd_is_error(ret))
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off, false,
				  "bad zstd frame header: %s",
				  zstd_get_error_name(ret));
	if (ret)
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off, false,
				  "zstd frame header truncated: %u bytes of frame",
				  cs);
	if (fh.frameType != ZSTD_frame)
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off, false,
				  "skippable zstd frame, expected a data frame");
	if (fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN)
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off, false,
				  "zstd frame does not record its content size");
	ret = zstd_find_frame_compressed_size(f, cs);
	if (zstd_is_error(ret))
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off, false,
				  "bad zstd frame: %s",
				  zstd_get_error_name(ret));
	if (ret != cs)
		return vigil_errf(err, VIGIL_E_ZSTD_FRAME, off + ret, false,
				  "zstd frame is %llu bytes, compressed_size %u: data after the frame",
				  (unsigned long long)ret, cs);
	if (fh.frameContentSize != us)
		return vigil_errf(err, VIGIL_E_ZSTD_SIZE, off, false,
				  "zstd frame content size %llu, uncompressed_size %u",
				  (unsigned long long)fh.frameContentSize, us);
	return VIGIL_E_OK;
}

static int chan_decompress(const u8 *f, u32 cs, u32 us, u8 **out,
			   struct vigil_error *err)
{
	const size_t off = VIGIL_CHAN_HEADER_SIZE;
	u8 *buf;
	size_t ret;

	/*
	 * At least 8-byte aligned, as the payload needs.  Not zeroed: the
	 * buffer is freed unless decompression filled every byte of it.
	 */
	buf = vigil_alloc_uninit(us);
	if (!buf)
		return vigil_errf(err, VIGIL_E_NOMEM, off, false,
				  "no memory for a %u-byte payload", us);
	ret = vigil_zstd_decompress(buf, us, f, cs);
	if (ret == (size_t)-ZSTD_error_memory_allocation) {
		vigil_free(buf);
		return vigil_errf(err, VIGIL_E_NOMEM, off, false,
				  "no memory to decompress");
	}
	if (zstd_is_error(ret) || ret != us) {
		vigil_free(buf);
		if (zstd_is_error(ret))
			return vigil_errf(err, VIGIL_E_ZSTD_DATA, off, false,
					  "zstd data corrupt: %s",
					  zstd_get_error_name(ret));
		return vigil_errf(err, VIGIL_E_ZSTD_DATA, off, false,
				  "zstd frame decompressed to %llu bytes, expected %u",
				  (unsigned long long)ret, us);
	}
	*out = buf;
	return VIGIL_E_OK;
}

int vigil_channel_load(const void *data, size_t len,
		       const struct vigil_load_opts *opts,
		       struct vigil_channel **out, struct vigil_error *err)
{
	static const struct vigil_load_opts defaults;
	const u8 *d = data;
	struct vigil_chan_header h;
	struct vigil_error dummy;
	struct vigil_channel *ch;
	size_t content_len, sig_off = 0, expect;
	u32 sig_len, cs, us;
	size_t limit;
	bool verified = false;
	u8 *payload = NULL;
	int ret;

	*out = NULL;
	if (!err)
		err = &dummy;
	if (!opts)
		opts = &defaults;
	memset(err, 0, sizeof(*err));

	if (len < VIGIL_CHAN_HEADER_SIZE)
		return vigil_errf(err, VIGIL_E_TRUNCATED, len, false,
				  "file of %llu bytes, a channel header needs %u",
				  (unsigned long long)len,
				  VIGIL_CHAN_HEADER_SIZE);
	if (len > VIGIL_MAX_FILE_SIZE)
		return vigil_errf(err, VIGIL_E_SIZE_CAP, 0, false,
				  "file size %llu over cap %u",
				  (unsigned long long)len, VIGIL_MAX_FILE_SIZE);
	memcpy(&h, d, sizeof(h));
	ret = chan_check_header(&h, err);
	if (ret)
		return ret;
	cs = le32_to_cpu(h.compressed_size);
	us = le32_to_cpu(h.uncompressed_size);

	ret = chan_find_sig(d, len, &content_len, &sig_off, &sig_len, err);
	if (ret)
		return ret;
	expect = (size_t)VIGIL_CHAN_HEADER_SIZE + cs;
	if (content_len < expect)
		return vigil_errf(err, VIGIL_E_SIZE_MISMATCH, content_len, false,
				  "%s ends at %llu, header says the frame ends at %llu: %llu bytes missing",
				  sig_len ? "signed content" : "file",
				  (unsigned long long)content_len,
				  (unsigned long long)expect,
				  (unsigned long long)(expect - content_len));
	if (content_len > expect)
		return vigil_errf(err, VIGIL_E_SIZE_MISMATCH, expect, false,
				  "%llu trailing bytes after the frame (compressed_size %u)",
				  (unsigned long long)(content_len - expect), cs);

	ret = chan_check_digest(d, &h, err);
	if (ret)
		return ret;

	if (!sig_len && opts->require_signature)
		return vigil_errf(err, VIGIL_E_SIG_MISSING, len, false,
				  "unsigned file, a signature is required");
	if (sig_len && opts->verify) {
		if (opts->verify(opts->verify_ctx, d, content_len,
				 d + sig_off, sig_len))
			return vigil_errf(err, VIGIL_E_SIG_BAD, sig_off, false,
					  "signature of %u bytes does not verify",
					  sig_len);
		verified = true;
	}

	ret = chan_check_frame(d + VIGIL_CHAN_HEADER_SIZE, cs, us, err);
	if (ret)
		return ret;
	/* the payload and the channel come out of the memory cap first */
	limit = opts->mem_limit && opts->mem_limit < VIGIL_MAX_CHANNEL_MEM ?
		opts->mem_limit : VIGIL_MAX_CHANNEL_MEM;
	if ((size_t)us + sizeof(*ch) > limit)
		return vigil_errf(err, VIGIL_E_MEM_CAP, VIGIL_CHAN_HEADER_SIZE,
				  false,
				  "a %u-byte payload is over the memory left for the channel, %llu bytes",
				  us, (unsigned long long)limit);
	ret = chan_decompress(d + VIGIL_CHAN_HEADER_SIZE, cs, us, &payload,
			      err);
	if (ret)
		return ret;
	ret = vigil_payload_validate(payload, us, err);
	if (ret)
		goto fail;
	ch = vigil_alloc(sizeof(*ch));
	if (!ch) {
		ret = vigil_errf(err, VIGIL_E_NOMEM, 0, false,
				 "no memory for the channel");
		goto fail;
	}
	ret = vigil_ruleset_build(payload, us, limit - us - sizeof(*ch),
				  &ch->rules, err);
	if (ret) {
		vigil_free(ch);
		goto fail;
	}
	ch->channel_id = le32_to_cpu(h.channel_id);
	ch->content_version = le64_to_cpu(h.content_version);
	ch->schema_version = le32_to_cpu(h.schema_version);
	memcpy(ch->digest, h.digest, sizeof(ch->digest));
	ch->file_size = len;
	ch->signed_ = sig_len != 0;
	ch->sig_verified = verified;
	ch->payload = payload;
	ch->payload_size = us;
	ch->nrules = get_unaligned_le32(payload +
			offsetof(struct vigil_payload_header, nrules));
	*out = ch;
	return VIGIL_E_OK;

fail:
	vigil_free(payload);
	return ret;
}

void vigil_channel_free(struct vigil_channel *ch)
{
	if (!ch)
		return;
	vigil_ruleset_free(ch->rules);
	vigil_free(ch->payload);
	vigil_free(ch);
}

size_t vigil_channel_mem(const struct vigil_channel *ch)
{
	return sizeof(*ch) + ch->payload_size + vigil_ruleset_mem(ch->rules);
}
