// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: raw bytes into vigil_channel_load().
 *
 * Random bytes never get past the digest, so the custom mutator below
 * helps the fuzzer along: most mutants get their digest recomputed, and a
 * quarter of them are made by decompressing the frame, mutating the
 * payload and compressing it again (header sizes fixed up, digest
 * resealed).  The loader under test is unchanged; every byte it sees
 * could be a file on disk.
 *
 * Invariants checked on every input: a return code agrees with *out and
 * with err->code, the message is one terminated line, and a loaded
 * channel's fields are consistent and can be matched against.
 */
#include <stdint.h>

#include "loader.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PAYLOAD	(1U << 20)

/* Accepts blobs whose first byte is even: both outcomes get exercised. */
static int fuzz_verify(void *ctx, const void *data, size_t len,
		       const void *sig, size_t sig_len)
{
	if (!len || !sig_len)
		abort();
	return ((const u8 *)sig)[0] & 1;
}

static int count_match(void *ctx, const struct vigil_match *m)
{
	(*(int *)ctx)++;
	return 0;
}

static void reseal(uint8_t *d, size_t size)
{
	struct vigil_chan_header h;
	size_t cs;

	memcpy(&h, d, sizeof(h));
	cs = min((size_t)le32_to_cpu(h.compressed_size),
		 size - VIGIL_CHAN_HEADER_SIZE);
	if (!vigil_sha256_2(d, VIGIL_CHAN_DIGEST_OFFSET,
			    d + VIGIL_CHAN_HEADER_SIZE, cs, h.digest))
		memcpy(d + offsetof(struct vigil_chan_header, digest),
		       h.digest, sizeof(h.digest));
}

/* Decompress, mutate the payload, recompress; 0 if that did not work. */
static size_t mutate_payload(uint8_t *d, size_t size, size_t max_size)
{
	struct vigil_chan_header h;
	size_t plen, cap, zlen;
	uint8_t *p;

	memcpy(&h, d, sizeof(h));
	p = malloc(FUZZ_MAX_PAYLOAD);
	if (!p)
		return 0;
	plen = ZSTD_decompress(p, FUZZ_MAX_PAYLOAD / 2,
			       d + VIGIL_CHAN_HEADER_SIZE,
			       size - VIGIL_CHAN_HEADER_SIZE);
	if (ZSTD_isError(plen)) {
		free(p);
		return 0;
	}
	plen = LLVMFuzzerMutate(p, plen, FUZZ_MAX_PAYLOAD);
	cap = max_size - VIGIL_CHAN_HEADER_SIZE;
	zlen = ZSTD_compress(d + VIGIL_CHAN_HEADER_SIZE, cap, p, plen, 1);
	free(p);
	if (ZSTD_isError(zlen))
		return 0;
	h.compressed_size = cpu_to_le32(zlen);
	h.uncompressed_size = cpu_to_le32(plen);
	memcpy(d, &h, sizeof(h));
	return VIGIL_CHAN_HEADER_SIZE + zlen;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	size_t n = 0;

	if (size > VIGIL_CHAN_HEADER_SIZE && max_size > 2 * 4096 &&
	    seed % 4 == 0)
		n = mutate_payload(data, size, max_size);
	if (!n)
		n = LLVMFuzzerMutate(data, size, max_size);
	if (n >= VIGIL_CHAN_HEADER_SIZE && seed % 8 != 1)
		reseal(data, n);
	return n;
}

static void check_loaded(const struct vigil_channel *ch, size_t size)
{
	struct vigil_event ev;
	int n = 0, ret;
	u16 t;

	if (ch->file_size != size || !ch->payload || !ch->rules ||
	    ch->nrules < 1 || ch->nrules > VIGIL_MAX_RULES ||
	    ch->payload_size < sizeof(struct vigil_payload_header) ||
	    ((uintptr_t)ch->payload & 7) ||
	    vigil_channel_mem(ch) < ch->payload_size ||
	    (ch->sig_verified && !ch->signed_))
		abort();
	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = t;
		ev.nfields = vigil_event_desc(t)->nfields;
		ret = vigil_match(ch->rules, &ev, count_match, &n);
		if (ret < 0 || (u32)ret > ch->nrules)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_load_opts o = { .verify = fuzz_verify };
	struct vigil_channel *ch = (void *)1;
	struct vigil_error err;
	size_t mlen;
	int ret;

	ret = vigil_channel_load(data, size, size & 1 ? &o : NULL, &ch, &err);
	mlen = strnlen(err.msg, sizeof(err.msg));
	if (ret != err.code || mlen == sizeof(err.msg) ||
	    memchr(err.msg, '\n', mlen) ||
	    !strcmp(vigil_err_name(ret), "UNKNOWN"))
		abort();
	if (ret) {
		if (ch || !mlen)
			abort();
		return 0;
	}
	if (!ch)
		abort();
	check_loaded(ch, size);
	vigil_channel_free(ch);
	return 0;
}
