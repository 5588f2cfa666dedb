/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers (userspace only): build payloads and channel files in
 * memory, independently of vigil-chan, so loader tests need nothing but
 * the loader.  Header-only; every function aborts on allocation failure.
 *
 *	struct tu_payload b;
 *	u8 *p, *file;
 *	size_t len, flen;
 *
 *	tu_init(&b);
 *	tu_rule(&b, 291001, VIGIL_EV_EXEC, "shell from a web server");
 *	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "sh", "bash", NULL);
 *	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 33);
 *	tu_logic(&b, VIGIL_NODE_AND, 2);
 *	p = tu_build(&b, &len);			payload, 8-byte aligned
 *	file = tu_chan(p, len, &flen);		header, zstd frame, digest
 *	...
 *	free(file); free(p); tu_free(&b);
 *
 * Record pointers the builders return stay valid only until the next
 * tu_* call on the same builder.
 *
 * A rule's nodes are the ones added after it, in postfix order; values are
 * appended in node order, as FORMAT.md requires.  To break one thing on
 * purpose, build a valid payload and poke the record through tu_prule(),
 * tu_pnode() or tu_pvalue() (then tu_chan() it again, or tu_reseal() a
 * file whose header or frame you changed).
 */
#ifndef VIGIL_TESTUTIL_H
#define VIGIL_TESTUTIL_H

#include <stdarg.h>

#include "loader.h"

struct tu_payload {
	struct vigil_rule_rec *rules;
	struct vigil_node_rec *nodes;
	struct vigil_value_rec *values;
	u8 *strtab;
	u32 nrules, nnodes, nvalues, strtab_size;
	size_t strtab_cap;
};

/* Room for element n of an array grown geometrically; zeroes it. */
static inline void *tu_grow(void *p, u32 n, size_t size)
{
	if (n == 0 || (n >= 16 && !(n & (n - 1)))) {
		p = realloc(p, (n ? 2 * (size_t)n : 16) * size);
		if (!p)
			abort();
	}
	memset((u8 *)p + (size_t)n * size, 0, size);
	return p;
}

static inline void tu_init(struct tu_payload *b)
{
	memset(b, 0, sizeof(*b));
}

static inline void tu_free(struct tu_payload *b)
{
	free(b->rules);
	free(b->nodes);
	free(b->values);
	free(b->strtab);
	tu_init(b);
}

/* Append bytes to the string table (no sharing) and refer to them. */
static inline struct vigil_strref tu_str(struct tu_payload *b, const void *s,
					 u32 len)
{
	struct vigil_strref r = {
		.off = cpu_to_le32(b->strtab_size),
		.len = cpu_to_le32(len),
	};

	if (b->strtab_size + (size_t)len + 1 > b->strtab_cap) {
		b->strtab_cap = 2 * (b->strtab_size + (size_t)len + 1);
		b->strtab = realloc(b->strtab, b->strtab_cap);
		if (!b->strtab)
			abort();
	}
	memcpy(b->strtab + b->strtab_size, s, len);
	b->strtab_size += len;
	return r;
}

/* Start a rule: action report, severity medium, no tags. */
static inline struct vigil_rule_rec *tu_rule(struct tu_payload *b, u32 id,
					     u16 event_type, const char *title)
{
	struct vigil_rule_rec *r;

	b->rules = tu_grow(b->rules, b->nrules, sizeof(*r));
	r = &b->rules[b->nrules++];
	r->id = cpu_to_le32(id);
	r->event_type = cpu_to_le16(event_type);
	r->action = VIGIL_ACTION_REPORT;
	r->severity = VIGIL_SEV_MEDIUM;
	r->expr_first = cpu_to_le32(b->nnodes);
	r->title = tu_str(b, title, strlen(title));
	r->tags = tu_str(b, "", 0);
	return r;
}

/* Append a node to the last rule. */
static inline struct vigil_node_rec *tu_node(struct tu_payload *b, u8 kind,
					     u8 op, u8 flags, u16 field,
					     u16 argc, u32 arg)
{
	struct vigil_rule_rec *r = &b->rules[b->nrules - 1];
	struct vigil_node_rec *n;

	b->nodes = tu_grow(b->nodes, b->nnodes, sizeof(*n));
	n = &b->nodes[b->nnodes++];
	n->kind = kind;
	n->op = op;
	n->flags = flags;
	n->field = cpu_to_le16(field);
	n->argc = cpu_to_le16(argc);
	n->arg = cpu_to_le32(arg);
	r->expr_count = cpu_to_le32(le32_to_cpu(r->expr_count) + 1);
	return n;
}

static inline struct vigil_value_rec *tu_value(struct tu_payload *b, u64 num,
					       struct vigil_strref str)
{
	struct vigil_value_rec *v;

	b->values = tu_grow(b->values, b->nvalues, sizeof(*v));
	v = &b->values[b->nvalues++];
	v->num = cpu_to_le64(num);
	v->str = str;
	return v;
}

/* String predicate; the patterns end with NULL. */
static inline struct vigil_node_rec *tu_pred_str(struct tu_payload *b,
						 u16 field, u8 op, u8 flags,
						 ...)
{
	u32 first = b->nvalues, argc = 0;
	const char *s;
	va_list ap;

	va_start(ap, flags);
	while ((s = va_arg(ap, const char *))) {
		tu_value(b, 0, tu_str(b, s, strlen(s)));
		argc++;
	}
	va_end(ap);
	return tu_node(b, VIGIL_NODE_PRED, op, flags, field, argc, first);
}

/* u64 predicate with n values */
static inline struct vigil_node_rec *tu_pred_nums(struct tu_payload *b,
						  u16 field, u8 op, u8 flags,
						  const u64 *nums, u32 n)
{
	struct vigil_strref none = { 0, 0 };
	u32 first = b->nvalues, i;

	for (i = 0; i < n; i++)
		tu_value(b, nums[i], none);
	return tu_node(b, VIGIL_NODE_PRED, op, flags, field, n, first);
}

static inline struct vigil_node_rec *tu_pred_num(struct tu_payload *b,
						 u16 field, u8 op, u64 num)
{
	return tu_pred_nums(b, field, op, 0, &num, 1);
}

/* Address predicate: EQ wants prefix 128, CIDR 0..128. */
static inline struct vigil_node_rec *tu_pred_addr(struct tu_payload *b,
						  u16 field, u8 op,
						  const u8 addr[16], u32 prefix)
{
	u32 first = b->nvalues;

	tu_value(b, prefix, tu_str(b, addr, 16));
	return tu_node(b, VIGIL_NODE_PRED, op, 0, field, 1, first);
}

/* AND/OR of argc operands, or NOT (argc 1). */
static inline struct vigil_node_rec *tu_logic(struct tu_payload *b, u8 kind,
					      u16 argc)
{
	return tu_node(b, kind, 0, 0, 0, argc, 0);
}

/* Serialise; the result is malloc()ed (16-byte aligned). */
static inline u8 *tu_build(const struct tu_payload *b, size_t *len)
{
	struct vigil_payload_header h = {
		.magic = cpu_to_le32(VIGIL_PAYLOAD_MAGIC),
		.nrules = cpu_to_le32(b->nrules),
		.nnodes = cpu_to_le32(b->nnodes),
		.nvalues = cpu_to_le32(b->nvalues),
		.strtab_size = cpu_to_le32(b->strtab_size),
	};
	size_t n[4] = {
		b->nrules * sizeof(*b->rules), b->nnodes * sizeof(*b->nodes),
		b->nvalues * sizeof(*b->values), b->strtab_size,
	};
	const void *src[4] = { b->rules, b->nodes, b->values, b->strtab };
	size_t off = sizeof(h);
	u8 *p;
	int i;

	*len = sizeof(h) + n[0] + n[1] + n[2] + n[3];
	p = malloc(*len);
	if (!p)
		abort();
	memcpy(p, &h, sizeof(h));
	for (i = 0; i < 4; i++) {
		if (n[i])
			memcpy(p + off, src[i], n[i]);
		off += n[i];
	}
	return p;
}

/* Records of a serialised payload (whose header is intact). */
static inline size_t tu_rule_off(const u8 *p, u32 i)
{
	return sizeof(struct vigil_payload_header) +
	       i * sizeof(struct vigil_rule_rec);
}

static inline size_t tu_node_off(const u8 *p, u32 i)
{
	return tu_rule_off(p, get_unaligned_le32(p + 4)) +
	       i * sizeof(struct vigil_node_rec);
}

static inline size_t tu_value_off(const u8 *p, u32 i)
{
	return tu_node_off(p, get_unaligned_le32(p + 8)) +
	       i * sizeof(struct vigil_value_rec);
}

static inline size_t tu_strtab_off(const u8 *p)
{
	return tu_value_off(p, get_unaligned_le32(p + 12));
}

static inline struct vigil_rule_rec *tu_prule(u8 *p, u32 i)
{
	return (void *)(p + tu_rule_off(p, i));
}

static inline struct vigil_node_rec *tu_pnode(u8 *p, u32 i)
{
	return (void *)(p + tu_node_off(p, i));
}

static inline struct vigil_value_rec *tu_pvalue(u8 *p, u32 i)
{
	return (void *)(p + tu_value_off(p, i));
}

/*
 * Recompute the digest of a file of len bytes: header, then the frame of
 * compressed_size bytes (or as much of it as the file holds).
 */
static inline void tu_reseal(u8 *file, size_t len)
{
	struct vigil_chan_header *h = (void *)file;
	size_t cs = min((size_t)le32_to_cpu(h->compressed_size),
			len - VIGIL_CHAN_HEADER_SIZE);

	if (vigil_sha256_2(file, VIGIL_CHAN_DIGEST_OFFSET,
			   file + VIGIL_CHAN_HEADER_SIZE, cs, h->digest))
		abort();
}

/*
 * A valid header (channel 291, content version 7) in front of any frame
 * bytes, sealed with the right digest.
 */
static inline u8 *tu_wrap_frame(const void *frame, size_t flen, u32 usize,
				size_t *out_len)
{
	struct vigil_chan_header *h;
	u8 *file;

	*out_len = VIGIL_CHAN_HEADER_SIZE + flen;
	file = calloc(1, *out_len);
	if (!file)
		abort();
	h = (void *)file;
	memcpy(h->magic, VIGIL_CHAN_MAGIC, VIGIL_CHAN_MAGIC_LEN);
	h->format_version = cpu_to_le16(VIGIL_CHAN_FORMAT_VERSION);
	h->header_size = cpu_to_le16(VIGIL_CHAN_HEADER_SIZE);
	h->channel_id = cpu_to_le32(291);
	h->schema_version = cpu_to_le32(VIGIL_SCHEMA_VERSION);
	h->content_version = cpu_to_le64(7);
	h->compression = cpu_to_le16(VIGIL_COMPRESSION_ZSTD);
	h->compressed_size = cpu_to_le32(flen);
	h->uncompressed_size = cpu_to_le32(usize);
	memcpy(file + VIGIL_CHAN_HEADER_SIZE, frame, flen);
	tu_reseal(file, *out_len);
	return file;
}

/* zstd frame of len bytes at level 3; content size recorded or not. */
static inline u8 *tu_zstd(const void *p, size_t len, bool content_size,
			  size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	u8 *f = malloc(cap);

	if (!c || !f)
		abort();
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	*out_len = ZSTD_compress2(c, f, cap, p, len);
	if (ZSTD_isError(*out_len))
		abort();
	ZSTD_freeCCtx(c);
	return f;
}

/* A complete, valid, unsigned channel file around a payload. */
static inline u8 *tu_chan(const u8 *payload, size_t len, size_t *out_len)
{
	size_t flen;
	u8 *frame = tu_zstd(payload, len, true, &flen);
	u8 *file = tu_wrap_frame(frame, flen, len, out_len);

	free(frame);
	return file;
}

/* Append a signature blob, the trailer and the marker; reallocates. */
static inline u8 *tu_sign(u8 *file, size_t *len, const void *sig,
			  u32 sig_len)
{
	struct vigil_sig_trailer t = { .sig_len = cpu_to_le32(sig_len) };
	size_t n = *len + sig_len + sizeof(t) + VIGIL_SIG_MARKER_LEN;

	file = realloc(file, n);
	if (!file)
		abort();
	memcpy(file + *len, sig, sig_len);
	memcpy(file + *len + sig_len, &t, sizeof(t));
	memcpy(file + *len + sig_len + sizeof(t), VIGIL_SIG_MARKER,
	       VIGIL_SIG_MARKER_LEN);
	*len = n;
	return file;
}

/* A small valid payload: one exec rule, comm == "sh" and uid == 0. */
static inline u8 *tu_minimal(size_t *len)
{
	struct tu_payload b;
	u8 *p;

	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "root shell");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "sh", NULL);
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	p = tu_build(&b, len);
	tu_free(&b);
	return p;
}

#endif /* VIGIL_TESTUTIL_H */
