// SPDX-License-Identifier: GPL-2.0
/*
 * gencorpus: write the malformed channel corpus.
 *
 *	gencorpus OUTDIR
 *
 * writes OUTDIR/NAME.vch for every case below and OUTDIR/MANIFEST with one
 * line per file, "NAME CODE", CODE being the loader's name of the error
 * class vigil_channel_load() must return for it (OK for files that must
 * load).  Everything starts from one small valid payload built here by
 * hand with the loader/format.h records and wrapped with chan_wrap(); each
 * case breaks exactly one thing.  When the damage is below the digest the
 * digest is computed again, so the file reaches the check it aims at.
 * zstd frames that libzstd would never write are assembled by hand from
 * raw and RLE blocks (RFC 8878).  The output is deterministic.
 *
 * channels/testdata/README.md lists the cases and why each code is the
 * right one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "chanfile.h"
#include "loader.h"
#include "tests/testutil.h"

#define ZSTD_LEVEL	19

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gencorpus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- growable byte buffer ---- */

struct buf {
	u8 *p;
	size_t len, cap;
};

static void buf_room(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	if (b->len + n <= b->cap)
		return;
	while (cap < b->len + n)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if (!b->p)
		die("out of memory");
	b->cap = cap;
}

static void buf_put(struct buf *b, const void *d, size_t n)
{
	buf_room(b, n);
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void buf_fill(struct buf *b, u8 c, size_t n)
{
	buf_room(b, n);
	memset(b->p + b->len, c, n);
	b->len += n;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* little-endian store of @size bytes of @v at @p */
static void put_le(u8 *p, size_t size, u64 v)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void buf_le(struct buf *b, size_t size, u64 v)
{
	buf_room(b, size);
	put_le(b->p + b->len, size, v);
	b->len += size;
}

/* ---- payloads: loader/tests/testutil.h's builder, plus a few helpers ---- */

static struct vigil_strref str(struct tu_payload *p, const char *s)
{
	return tu_str(p, s, (u32)strlen(s));
}

/* Start a rule; the nodes added next belong to it. */
static void rule(struct tu_payload *p, u32 id, u16 event, u8 severity,
		 const char *title, const char *tags)
{
	struct vigil_rule_rec *r = tu_rule(p, id, event, title);

	r->severity = severity;
	r->tags = str(p, tags);
}

static struct vigil_rule_rec *last_rule(struct tu_payload *p)
{
	return &p->rules[p->nrules - 1];
}

/* An address predicate: IPv4 a.b.c.d mapped, prefix length @plen. */
static void pred_v4(struct tu_payload *p, u16 field, u8 op, u8 a, u8 b,
		    u8 c, u8 d, u32 plen)
{
	u8 addr[16] = { [10] = 0xff, [11] = 0xff, [12] = a, [13] = b,
			[14] = c, [15] = d };

	tu_pred_addr(p, field, op, addr, plen);
}

static void serialize(const struct tu_payload *p, struct buf *out)
{
	size_t len;
	u8 *raw = tu_build(p, &len);

	out->len = 0;
	buf_put(out, raw, len);
	free(raw);
}

/*
 * The base payload: three rules over three event types, using string,
 * u64 and address predicates and every node kind.
 *
 *	rule 0 (291001, exec):	 nodes 0-5, values 0-4
 *		filename|endswith [/sh, /bash]  pcomm [nginx, apache2]  AND
 *		uid == 0  NOT  AND
 *	rule 1 (291002, open):	 nodes 6-8, values 5-6
 *		path|startswith /etc/cron  flags|mask_any 0x643  AND
 *	rule 2 (291003, connect): nodes 9-11, values 7-8
 *		daddr|cidr 10.0.0.0/8  dport == 4444  OR
 */
enum {
	BASE_RULES = 3, BASE_NODES = 12, BASE_VALUES = 9,
	N_FILENAME = 0, N_PCOMM = 1, N_AND0 = 2, N_UID = 3, N_NOT = 4,
	N_AND1 = 5, N_PATH = 6, N_FLAGS = 7, N_AND2 = 8, N_DADDR = 9,
	N_DPORT = 10, N_OR = 11,
	V_FILENAME = 0, V_PCOMM = 2, V_UID = 4, V_PATH = 5, V_FLAGS = 6,
	V_DADDR = 7, V_DPORT = 8,
};

static void base_rule_exec(struct tu_payload *p, u32 id)
{
	rule(p, id, VIGIL_EV_EXEC, VIGIL_SEV_HIGH,
		"Shell started by a web server",
		"attack.t1505.003,attack.t1059.004");
	tu_pred_str(p, VIGIL_EXEC_filename, VIGIL_OP_SUFFIX, 0, "/sh", "/bash",
		    NULL);
	tu_pred_str(p, VIGIL_EXEC_pcomm, VIGIL_OP_EQ, 0, "nginx", "apache2",
		    NULL);
	tu_logic(p, VIGIL_NODE_AND, 2);
	tu_pred_num(p, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	tu_logic(p, VIGIL_NODE_NOT, 1);
	tu_logic(p, VIGIL_NODE_AND, 2);
}

static void base_payload(struct tu_payload *p)
{
	base_rule_exec(p, 291001);

	rule(p, 291002, VIGIL_EV_OPEN, VIGIL_SEV_MEDIUM,
		"Cron table written", "attack.t1053.003");
	tu_pred_str(p, VIGIL_OPEN_path, VIGIL_OP_PREFIX, 0, "/etc/cron", NULL);
	tu_pred_num(p, VIGIL_OPEN_flags, VIGIL_OP_MASK_ANY, 0x643);
	tu_logic(p, VIGIL_NODE_AND, 2);

	rule(p, 291003, VIGIL_EV_CONNECT, VIGIL_SEV_LOW,
		"Connection to the internal network or port 4444", "");
	pred_v4(p, VIGIL_CONNECT_daddr, VIGIL_OP_CIDR, 10, 0, 0, 0, 104);
	tu_pred_num(p, VIGIL_CONNECT_dport, VIGIL_OP_EQ, 4444);
	tu_logic(p, VIGIL_NODE_OR, 2);
	/* bytes no string uses, allowed; the address is not the last string */
	tu_str(p, "(unused)", 8);

	if (p->nrules != BASE_RULES || p->nnodes != BASE_NODES ||
	    p->nvalues != BASE_VALUES)
		die("base payload layout changed");
}

/* ---- files ---- */

static const struct chan_meta meta = {
	.channel_id = 291,
	.content_version = 7,
	.schema_version = VIGIL_SCHEMA_VERSION,
};

#define HDR(f)	offsetof(struct vigil_chan_header, f)

static void wrap(const struct buf *payload, struct buf *file)
{
	u8 *out;
	size_t len;

	if (chan_wrap(&meta, payload->p, payload->len, ZSTD_LEVEL, &out, &len))
		die("chan_wrap: %s", strerror(errno));
	file->len = 0;
	buf_put(file, out, len);
	free(out);
}

static void reseal(struct buf *f)
{
	if (chan_digest(f->p, f->len, f->p + VIGIL_CHAN_DIGEST_OFFSET))
		die("chan_digest failed on a %zu-byte file", f->len);
}

static void hdr_set(struct buf *f, size_t off, size_t size, u64 v)
{
	put_le(f->p + off, size, v);
}

static void base_file(struct buf *f)
{
	struct tu_payload p = { 0 };
	struct buf pl = { 0 };

	base_payload(&p);
	serialize(&p, &pl);
	wrap(&pl, f);
	buf_free(&pl);
	tu_free(&p);
}

static void base_serialized(struct buf *pl)
{
	struct tu_payload p = { 0 };

	base_payload(&p);
	serialize(&p, pl);
	tu_free(&p);
}

/* A header (from chan_wrap's) in front of @frame, declaring @us. */
static void file_with_frame(struct buf *f, const struct buf *frame, u64 us)
{
	struct buf tmpl = { 0 };

	base_file(&tmpl);
	f->len = 0;
	buf_put(f, tmpl.p, VIGIL_CHAN_HEADER_SIZE);
	buf_put(f, frame->p, frame->len);
	hdr_set(f, HDR(compressed_size), 4, frame->len);
	hdr_set(f, HDR(uncompressed_size), 4, us);
	reseal(f);
	buf_free(&tmpl);
}

/* ---- hand-made zstd frames (RFC 8878) ---- */

#define ZF_MAGIC	0xFD2FB528U
#define ZF_BLOCK_MAX	(128U << 10)
#define ZF_RAW		0
#define ZF_RLE		1
#define ZF_COMPRESSED	2
#define ZF_RESERVED	3
#define ZF_WINDOW_128K	(7 << 3)	/* exponent 7: 1 << 17 */

/*
 * Frame header.  With a content size: single segment, 8-byte size field.
 * Without: a 128 KiB window descriptor and no size field.
 */
static void zf_header(struct buf *b, bool has_fcs, u64 fcs)
{
	buf_le(b, 4, ZF_MAGIC);
	if (has_fcs) {
		buf_le(b, 1, 3 << 6 | 1 << 5);
		buf_le(b, 8, fcs);
	} else {
		buf_le(b, 1, 0);
		buf_le(b, 1, ZF_WINDOW_128K);
	}
}

/* Frame header with a 128 KiB window and a 4-byte content size. */
static void zf_header_windowed(struct buf *b, u32 fcs)
{
	buf_le(b, 4, ZF_MAGIC);
	buf_le(b, 1, 2 << 6);
	buf_le(b, 1, ZF_WINDOW_128K);
	buf_le(b, 4, fcs);
}

static void zf_block_header(struct buf *b, bool last, u32 type, u32 size)
{
	buf_le(b, 3, (last ? 1 : 0) | type << 1 | size << 3);
}

/* @data in raw blocks; the last block is marked last. */
static void zf_raw(struct buf *b, const u8 *data, size_t len)
{
	do {
		u32 n = len > ZF_BLOCK_MAX ? ZF_BLOCK_MAX : (u32)len;

		zf_block_header(b, n == len, ZF_RAW, n);
		buf_put(b, data, n);
		data += n;
		len -= n;
	} while (len);
}

/* @count bytes of @c in RLE blocks. */
static void zf_rle(struct buf *b, u8 c, u64 count)
{
	do {
		u32 n = count > ZF_BLOCK_MAX ? ZF_BLOCK_MAX : (u32)count;

		zf_block_header(b, n == count, ZF_RLE, n);
		buf_le(b, 1, c);
		count -= n;
	} while (count);
}

/* A whole frame holding @pl in raw blocks, content size recorded. */
static void zf_raw_frame(struct buf *b, const struct buf *pl)
{
	zf_header(b, true, pl->len);
	zf_raw(b, pl->p, pl->len);
}

/* libzstd's frame for @pl, with or without a checksum / content size. */
static void zf_libzstd(struct buf *b, const struct buf *pl, bool checksum,
		       bool content_size)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_outBuffer out;
	ZSTD_inBuffer in = { pl->p, pl->len, 0 };
	size_t bound = ZSTD_compressBound(pl->len), ret;

	if (!cc)
		die("out of memory");
	buf_room(b, bound + 64);
	out = (ZSTD_outBuffer){ b->p + b->len, bound + 64, 0 };
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, content_size);
	/* streaming without a pledged size leaves the size out */
	do {
		ret = ZSTD_compressStream2(cc, &out, &in, ZSTD_e_end);
		if (ZSTD_isError(ret))
			die("zstd: %s", ZSTD_getErrorName(ret));
	} while (ret);
	b->len += out.pos;
	ZSTD_freeCCtx(cc);
}

/* ---- the cases ---- */

enum sect { S_FILE, S_PHDR, S_RULE, S_NODE, S_VALUE };

/* Where a field lies: section, record index, offset and size in it. */
struct loc {
	enum sect sect;
	u32 idx;
	size_t off, size;
};

/* One field of the base payload set to a value, nothing else changed. */
struct ppatch {
	const char *name;
	int code;
	struct loc at;
	u64 val;
};

#define LOC(s, i, type, f)						\
	{ s, i, offsetof(type, f), sizeof(((type *)0)->f) }
#define PH(f)		LOC(S_PHDR, 0, struct vigil_payload_header, f)
#define RU(i, f)	LOC(S_RULE, i, struct vigil_rule_rec, f)
#define NO(i, f)	LOC(S_NODE, i, struct vigil_node_rec, f)
#define VA(i, f)	LOC(S_VALUE, i, struct vigil_value_rec, f)
#define E(x)	VIGIL_E_##x
/* the field's value in the base payload (file), minus / plus one */
#define REAL_MINUS_ONE	(~0ULL)
#define REAL_PLUS_ONE	(~0ULL - 1)

static const struct ppatch ppatches[] = {
	/* payload header */
	{ "payload_magic_wrong", E(PAYLOAD), PH(magic), 0x31535257 },
	{ "payload_magic_zero", E(PAYLOAD), PH(magic), 0 },
	{ "payload_reserved", E(RESERVED), PH(reserved), 1 },
	{ "count_rules_zero", E(COUNT_CAP), PH(nrules), 0 },
	{ "count_rules_over_cap", E(COUNT_CAP), PH(nrules),
	  VIGIL_MAX_RULES + 1 },
	{ "count_rules_u32_max", E(COUNT_CAP), PH(nrules), 0xffffffff },
	{ "count_nodes_over_cap", E(COUNT_CAP), PH(nnodes),
	  VIGIL_MAX_NODES + 1 },
	{ "count_values_over_cap", E(COUNT_CAP), PH(nvalues),
	  VIGIL_MAX_VALUES + 1 },
	{ "count_strtab_over_cap", E(COUNT_CAP), PH(strtab_size),
	  VIGIL_MAX_STRTAB_SIZE + 1 },
	{ "sections_rules_plus_one", E(PAYLOAD), PH(nrules), BASE_RULES + 1 },
	{ "sections_nodes_minus_one", E(PAYLOAD), PH(nnodes),
	  BASE_NODES - 1 },
	{ "sections_values_plus_one", E(PAYLOAD), PH(nvalues),
	  BASE_VALUES + 1 },
	{ "sections_strtab_minus_one", E(PAYLOAD), PH(strtab_size),
	  REAL_MINUS_ONE },
	/* rule records */
	{ "rule_id_zero", E(RULE), RU(0, id), 0 },
	{ "dup_rule_adjacent", E(DUP_RULE), RU(1, id), 291001 },
	{ "dup_rule_first_last", E(DUP_RULE), RU(2, id), 291001 },
	{ "event_type_zero", E(EVENT_TYPE), RU(0, event_type), 0 },
	{ "event_type_past_last", E(EVENT_TYPE), RU(1, event_type),
	  VIGIL_EV_MAX + 1 },
	{ "event_type_u16_max", E(EVENT_TYPE), RU(2, event_type), 0xffff },
	{ "action_zero", E(RULE), RU(0, action), 0 },
	{ "action_past_last", E(RULE), RU(0, action), VIGIL_ACTION_MAX + 1 },
	{ "severity_past_last", E(RULE), RU(1, severity),
	  VIGIL_SEV_CRITICAL + 1 },
	{ "severity_u8_max", E(RULE), RU(1, severity), 0xff },
	{ "rule_flags_low", E(RULE), RU(2, flags), 1 },
	{ "rule_flags_high", E(RULE), RU(2, flags), 0x80000000 },
	{ "rule_reserved", E(RESERVED), RU(1, reserved), 1 },
	{ "title_missing", E(RULE), RU(0, title.len), 0 },
	{ "title_off_past_end", E(STRREF), RU(1, title.off), 0x10000 },
	{ "title_off_len_overflow", E(STRREF), RU(1, title), 0x20fffffff0ULL },
	{ "tags_len_past_end", E(STRREF), RU(0, tags.len), 0x10000 },
	{ "tags_empty_off_past_end", E(STRREF), RU(2, tags.off), 0x10000 },
	{ "tags_off_len_overflow", E(STRREF), RU(0, tags),
	  0xffffffff00000001ULL },
	{ "nodes_shared_between_rules", E(EXPR), RU(1, expr_first), N_NOT },
	{ "nodes_orphaned_between_rules", E(EXPR), RU(1, expr_first),
	  N_PATH + 1 },
	{ "expr_count_zero", E(EXPR), RU(2, expr_count), 0 },
	{ "expr_past_last_node", E(EXPR), RU(2, expr_count), 4 },
	{ "expr_first_u32_max", E(EXPR), RU(2, expr_first), 0xffffffff },
	/* field references: exec has 10 fields, open 9, connect 10 */
	{ "field_exec_eq_nfields_mid_rule", E(FIELD), NO(N_PCOMM, field),
	  VIGIL_EXEC__COUNT },
	{ "field_open_eq_nfields_mid_rule", E(FIELD), NO(N_PATH, field),
	  VIGIL_OPEN__COUNT },
	{ "field_connect_eq_nfields_mid_rule", E(FIELD), NO(N_DPORT, field),
	  VIGIL_CONNECT__COUNT },
	{ "field_max_fields", E(FIELD), NO(N_FILENAME, field),
	  VIGIL_MAX_FIELDS },
	{ "field_256", E(FIELD), NO(N_UID, field), 256 },
	{ "field_u16_max", E(FIELD), NO(N_FLAGS, field), 0xffff },
	/* operators */
	{ "op_zero", E(OPERATOR), NO(N_FILENAME, op), 0 },
	{ "op_past_last", E(OPERATOR), NO(N_UID, op), VIGIL_OP_MAX + 1 },
	{ "op_u8_max", E(OPERATOR), NO(N_DADDR, op), 0xff },
	/* operator against field type, one per operator class */
	{ "type_prefix_on_u64", E(TYPE), NO(N_UID, op), VIGIL_OP_PREFIX },
	{ "type_contains_on_u64", E(TYPE), NO(N_DPORT, op),
	  VIGIL_OP_CONTAINS },
	{ "type_glob_on_addr", E(TYPE), NO(N_DADDR, op), VIGIL_OP_GLOB },
	{ "type_gt_on_path", E(TYPE), NO(N_FILENAME, op), VIGIL_OP_GT },
	{ "type_lt_on_addr", E(TYPE), NO(N_DADDR, op), VIGIL_OP_LT },
	{ "type_mask_all_on_str", E(TYPE), NO(N_PCOMM, op),
	  VIGIL_OP_MASK_ALL },
	{ "type_cidr_on_path", E(TYPE), NO(N_PATH, op), VIGIL_OP_CIDR },
	{ "type_cidr_on_u64", E(TYPE), NO(N_FLAGS, op), VIGIL_OP_CIDR },
	{ "type_nocase_on_u64", E(TYPE), NO(N_FLAGS, flags),
	  VIGIL_PRED_NOCASE },
	{ "type_nocase_on_addr", E(TYPE), NO(N_DADDR, flags),
	  VIGIL_PRED_NOCASE },
	{ "pred_flags_unknown", E(TYPE), NO(N_FILENAME, flags), 0x04 },
	{ "pred_flags_high", E(TYPE), NO(N_PATH, flags), 0x80 },
	/* node kinds and the postfix program */
	{ "node_kind_zero", E(EXPR), NO(N_AND0, kind), 0 },
	{ "node_kind_past_last", E(EXPR), NO(N_NOT, kind),
	  VIGIL_NODE_NOT + 1 },
	{ "node_kind_u8_max", E(EXPR), NO(N_OR, kind), 0xff },
	{ "node_reserved", E(RESERVED), NO(N_FILENAME, reserved), 1 },
	{ "node_reserved2", E(RESERVED), NO(N_AND2, reserved2), 1 },
	{ "and_argc_one", E(EXPR), NO(N_AND0, argc), 1 },
	{ "and_argc_zero", E(EXPR), NO(N_AND2, argc), 0 },
	{ "or_argc_one", E(EXPR), NO(N_OR, argc), 1 },
	{ "not_argc_two", E(EXPR), NO(N_NOT, argc), 2 },
	{ "not_argc_zero", E(EXPR), NO(N_NOT, argc), 0 },
	{ "and_pops_too_many", E(EXPR), NO(N_AND1, argc), 3 },
	{ "and_with_field", E(EXPR), NO(N_AND0, field), 1 },
	{ "and_with_op", E(EXPR), NO(N_AND2, op), VIGIL_OP_EQ },
	{ "or_with_arg", E(EXPR), NO(N_OR, arg), 1 },
	{ "not_with_flags", E(EXPR), NO(N_NOT, flags), VIGIL_PRED_NOCASE },
	{ "pred_as_not", E(EXPR), NO(N_UID, kind), VIGIL_NODE_NOT },
	/* predicate value ranges */
	{ "pred_argc_zero", E(VALUE), NO(N_UID, argc), 0 },
	{ "pred_arg_gap", E(VALUE), NO(N_UID, arg), V_UID + 1 },
	{ "pred_arg_overlap", E(VALUE), NO(N_PCOMM, arg), V_PCOMM - 1 },
	{ "pred_values_past_end", E(VALUE), NO(N_DPORT, argc), 2 },
	{ "pred_arg_u32_max", E(VALUE), NO(N_DPORT, arg), 0xffffffff },
	/* values */
	{ "value_u64_with_string", E(VALUE), VA(V_UID, str.len), 1 },
	{ "value_u64_with_string_off", E(VALUE), VA(V_FLAGS, str.off), 8 },
	{ "value_string_with_num", E(VALUE), VA(V_FILENAME, num), 1 },
	{ "pattern_empty", E(VALUE), VA(V_PCOMM + 1, str.len), 0 },
	{ "pattern_off_past_end", E(STRREF), VA(V_PATH, str.off), 0x10000 },
	{ "pattern_len_past_end", E(STRREF), VA(V_PATH, str.len), 0x10000 },
	{ "pattern_off_len_overflow", E(STRREF), VA(V_FILENAME, str),
	  0x00000010fffffff8ULL },
	{ "addr_len_15", E(VALUE), VA(V_DADDR, str.len), 15 },
	{ "addr_len_17", E(VALUE), VA(V_DADDR, str.len), 17 },
	{ "addr_off_len_overflow", E(STRREF), VA(V_DADDR, str.off),
	  0xfffffff8 },
	{ "cidr_prefix_129", E(VALUE), VA(V_DADDR, num), 129 },
};

static size_t sect_off(enum sect s, u32 idx)
{
	size_t rules = sizeof(struct vigil_payload_header);
	size_t nodes = rules + BASE_RULES * sizeof(struct vigil_rule_rec);
	size_t values = nodes + BASE_NODES * sizeof(struct vigil_node_rec);

	switch (s) {
	case S_FILE:
	case S_PHDR:
		return 0;
	case S_RULE:
		return rules + idx * sizeof(struct vigil_rule_rec);
	case S_NODE:
		return nodes + idx * sizeof(struct vigil_node_rec);
	case S_VALUE:
		return values + idx * sizeof(struct vigil_value_rec);
	}
	return 0;
}

static void apply_ppatch(const struct ppatch *c, struct buf *pl)
{
	u8 *p = pl->p + sect_off(c->at.sect, c->at.idx) + c->at.off;
	u64 v = c->val;

	if (v == REAL_MINUS_ONE)
		v = get_unaligned_le32(p) - 1;
	put_le(p, c->at.size, v);
}

/* ---- payload cases built from scratch ---- */

struct bcase {
	const char *name;
	int code;
	void (*build)(struct tu_payload *p);
};

/* One rule on @ev reading field @field with EQ on a fitting value. */
static void rule_reading(struct tu_payload *p, u32 id, unsigned int ev, u16 field)
{
	const struct vigil_event_desc *d = vigil_event_desc(ev);
	u8 type = field < d->nfields ? d->fields[field].type : VIGIL_FT_U64;

	rule(p, id, ev, VIGIL_SEV_INFO, d->name, "");
	if (type == VIGIL_FT_U64)
		tu_pred_num(p, field, VIGIL_OP_EQ, 1);
	else if (type == VIGIL_FT_ADDR)
		pred_v4(p, field, VIGIL_OP_EQ, 127, 0, 0, 1, 128);
	else
		tu_pred_str(p, field, VIGIL_OP_EQ, 0, "x", NULL);
}

/* July 19: a reference to field number nfields, for every event type. */
static void build_field_eq_nfields(struct tu_payload *p, unsigned int ev)
{
	base_payload(p);
	rule_reading(p, 1000 + ev, ev, vigil_event_desc(ev)->nfields);
}

#define FIELD_CASE(NAME, name, nr, FIELDS)				\
static void build_field_nf_##name(struct tu_payload *p)				\
{									\
	build_field_eq_nfields(p, VIGIL_EV_##NAME);			\
}
VIGIL_EVENTS(FIELD_CASE)
#undef FIELD_CASE

/* Valid: the last field of every event type. */
static void build_ok_last_fields(struct tu_payload *p)
{
	unsigned int ev;

	for (ev = 1; ev <= VIGIL_EV_MAX; ev++)
		rule_reading(p, 2000 + ev, ev,
			     vigil_event_desc(ev)->nfields - 1);
}

/* @n predicates, then one AND over all of them: stack depth @n. */
static void build_depth(struct tu_payload *p, u16 n)
{
	u16 i;

	base_payload(p);
	rule(p, 3000, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Deep expression", "");
	for (i = 0; i < n; i++)
		tu_pred_num(p, VIGIL_EXEC_uid, VIGIL_OP_GE, i);
	tu_logic(p, VIGIL_NODE_AND, n);
}

static void build_depth_over_cap(struct tu_payload *p)
{
	build_depth(p, VIGIL_MAX_EXPR_DEPTH + 1);
}

static void build_ok_depth_at_cap(struct tu_payload *p)
{
	build_depth(p, VIGIL_MAX_EXPR_DEPTH);
}

/* P, then (P AND) as often as needed, then NOTs up to @n nodes. */
static void build_chain(struct tu_payload *p, u32 n)
{
	u32 i;

	base_payload(p);
	rule(p, 3100, VIGIL_EV_OPEN, VIGIL_SEV_LOW, "Long expression", "");
	tu_pred_num(p, VIGIL_OPEN_flags, VIGIL_OP_MASK_ANY, 1);
	for (i = 1; i + 2 <= n; i += 2) {
		tu_pred_num(p, VIGIL_OPEN_uid, VIGIL_OP_GT, i);
		tu_logic(p, VIGIL_NODE_AND, 2);
	}
	for (; i < n; i++)
		tu_logic(p, VIGIL_NODE_NOT, 1);
}

static void build_expr_count_over_cap(struct tu_payload *p)
{
	build_chain(p, VIGIL_MAX_RULE_NODES + 1);
}

static void build_ok_expr_count_at_cap(struct tu_payload *p)
{
	build_chain(p, VIGIL_MAX_RULE_NODES);
}

/* A predicate with @n distinct patterns. */
static void build_argc(struct tu_payload *p, u32 n)
{
	char s[16];
	u32 i, arg;

	base_payload(p);
	rule(p, 3200, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Many values", "");
	arg = p->nvalues;
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "tool%u", i);
		tu_value(p, 0, str(p, s));
	}
	tu_node(p, VIGIL_NODE_PRED, VIGIL_OP_EQ, 0, VIGIL_EXEC_comm, n, arg);
}

static void build_argc_over_cap(struct tu_payload *p)
{
	build_argc(p, VIGIL_MAX_PRED_VALUES + 1);
}

static void build_ok_argc_at_cap(struct tu_payload *p)
{
	build_argc(p, VIGIL_MAX_PRED_VALUES);
}

/*
 * A rule that is well formed but far too expensive: 64 predicates of
 * 1024 globs of 256 bytes each (65536 values, 16 MiB of patterns to try).
 */
static void build_cost_over_cap(struct tu_payload *p)
{
	struct vigil_strref glob;
	char pat[VIGIL_MAX_PATTERN_LEN + 1];
	u32 i, j, arg;

	memset(pat, '?', VIGIL_MAX_PATTERN_LEN);
	pat[0] = '*';
	pat[VIGIL_MAX_PATTERN_LEN] = '\0';
	base_payload(p);
	rule(p, 3300, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Too expensive", "");
	glob = str(p, pat);
	for (i = 0; i < 64; i++) {
		arg = p->nvalues;
		for (j = 0; j < VIGIL_MAX_PRED_VALUES; j++)
			tu_value(p, 0, glob);
		tu_node(p, VIGIL_NODE_PRED, VIGIL_OP_GLOB, 0, VIGIL_EXEC_argv,
			VIGIL_MAX_PRED_VALUES, arg);
		if (i)
			tu_logic(p, VIGIL_NODE_AND, 2);
	}
}

/*
 * ---- heavy cases: the most work and memory FORMAT.md's caps allow ----
 *
 * Written from the format's cost rules ("Work"), not from the loader: a
 * rule costs 8 + 4 x its nodes + its values; a contains value 1, and each
 * (type, field, case) with contains values one scan of 1 + 2 x 4096 +
 * 3 x min(4096 x c, 4096 + P), c the most of its P patterns that can end
 * at one byte; a glob value of more than two runs of stars 1 + 3 x 4096 x
 * ceil(len / 64); a rule at most 2^17 steps; one event type's rules and
 * scans together at most 2^19.  The OK ones sit under the budget, with
 * patterns too short to anchor, so the prefilter cannot spare the matcher
 * any of it; the others are the same a rule further.
 */
#define HEAVY_ID	900000U

/* Rules of @argc values each, all of @type's field @field with @op. */
static void heavy_rules(struct tu_payload *p, u32 nrules, u16 type, u16 field,
			u8 op, u8 flags, u32 argc,
			struct vigil_strref (*pat)(struct tu_payload *, u32))
{
	u32 r, k, arg;

	for (r = 0; r < nrules; r++) {
		rule(p, HEAVY_ID + type * 1000 + p->nrules, type, VIGIL_SEV_LOW,
		     "Heavy", "");
		arg = p->nvalues;
		for (k = 0; k < argc; k++)
			tu_value(p, 0, pat(p, r * argc + k));
		tu_node(p, VIGIL_NODE_PRED, op, flags, field, argc, arg);
	}
}

/*
 * "a", "aa", ... up to 256 a's: each is a suffix of the longer ones, so
 * at a run of a's all of them end at once (c = 256).
 */
static struct vigil_strref heavy_nested(struct tu_payload *p, u32 k)
{
	static const char a[VIGIL_MAX_PATTERN_LEN] = {
		[0 ... VIGIL_MAX_PATTERN_LEN - 1] = 'a'
	};

	return tu_str(p, a, 1 + k % VIGIL_MAX_PATTERN_LEN);
}

/* "*x*x*...*", 255 bytes: 127 atoms, no literal run to anchor. */
static struct vigil_strref heavy_starx(struct tu_payload *p, u32 k)
{
	static struct vigil_strref ref;
	static struct tu_payload *at;
	char g[255];
	u32 i;

	if (at != p || !k) {
		for (i = 0; i < sizeof(g); i++)
			g[i] = i % 2 ? 'x' : '*';
		ref = tu_str(p, g, sizeof(g));
		at = p;
	}
	return ref;
}

/*
 * 256-byte globs, each different, a '?' and 251 different literal bytes:
 * about the largest compiled form a glob can have, 8 KiB.
 */
static struct vigil_strref heavy_wide_glob(struct tu_payload *p, u32 unused)
{
	static u32 calls;
	char g[VIGIL_MAX_PATTERN_LEN];
	u32 i, n = 0, c, k = calls++;

	g[n++] = '?';		/* the NFA, not a literal */
	for (i = 0; n < VIGIL_MAX_PATTERN_LEN - 4; i++) {
		c = 1 + (i + k) % 255;
		if (c == '*' || c == '?' || c == '\\')
			continue;
		g[n++] = (char)c;
	}
	for (i = 0; i < 4; i++, k /= 10)
		g[n++] = (char)('0' + k % 10);
	return tu_str(p, g, sizeof(g));
}

/* 256-byte windows of a pseudo-random table: hardly a prefix shared. */
#define HEAVY_WINDOWS	100000U

static struct vigil_strref heavy_window(struct tu_payload *p, u32 k)
{
	static struct vigil_strref base;
	static struct tu_payload *at;
	static char r[HEAVY_WINDOWS + VIGIL_MAX_PATTERN_LEN];
	u32 i, x = 2463534242U;

	if (at != p) {
		for (i = 0; i < sizeof(r); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			r[i] = (char)(0x21 + x % 94);
		}
		base = tu_str(p, r, sizeof(r));
		at = p;
	}
	return (struct vigil_strref){
		.off = cpu_to_le32(le32_to_cpu(base.off) + k),
		.len = cpu_to_le32(VIGIL_MAX_PATTERN_LEN),
	};
}

/*
 * 100,000 different 256-byte contains values (98 predicates of up to
 * 1,024, ORed two by two): cheap to match (about 100,000 steps and one scan), but
 * their automaton has some 25 million states, over the 128 MiB a channel
 * may hold.
 */
static void build_heavy_contains_memory(struct tu_payload *p)
{
	u32 k, n, arg, npred = 0;

	rule(p, HEAVY_ID, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Heavy", "");
	for (k = 0; k < HEAVY_WINDOWS; k += n, npred++) {
		n = min(HEAVY_WINDOWS - k, VIGIL_MAX_PRED_VALUES);
		arg = p->nvalues;
		for (u32 j = 0; j < n; j++)
			tu_value(p, 0, heavy_window(p, k + j));
		tu_node(p, VIGIL_NODE_PRED, VIGIL_OP_CONTAINS, 0,
			VIGIL_EXEC_argv, n, arg);
		if (npred)
			tu_logic(p, VIGIL_NODE_OR, 2);
	}
}

/*
 * Open's path and comm, with and without case, each with the 256 nested
 * values: scans of 1 + 2 x 4096 + 3 x (4096 + 256) = 21,249 steps (each
 * walk stops at a pattern found before), rules of 12 + 256; and 4 rules
 * of 2 "*x*x...*" globs (below): 4 x 21,517 + 4 x 98,318 + 2048 =
 * 481,388 steps of 524,288.
 */
static void heavy_nested_set(struct tu_payload *p, u32 globs)
{
	u32 i;

	for (i = 0; i < 4; i++)
		heavy_rules(p, 1, VIGIL_EV_OPEN,
			    i < 2 ? VIGIL_OPEN_path : VIGIL_OPEN_comm,
			    VIGIL_OP_CONTAINS, i % 2 ? VIGIL_PRED_NOCASE : 0,
			    VIGIL_MAX_PATTERN_LEN, heavy_nested);
	heavy_rules(p, 4, VIGIL_EV_OPEN, VIGIL_OPEN_path, VIGIL_OP_GLOB, 0, 2,
		    heavy_starx);
	if (globs)
		heavy_rules(p, 1, VIGIL_EV_OPEN, VIGIL_OPEN_path,
			    VIGIL_OP_GLOB, 0, globs, heavy_starx);
}

static void build_ok_heavy_contains(struct tu_payload *p)
{
	heavy_nested_set(p, 0);
}

/* With a rule of one more glob: 530,553 steps, over the event budget. */
static void build_heavy_contains_event(struct tu_payload *p)
{
	heavy_nested_set(p, 1);
}

/*
 * "*x*x...*" globs (the NFA, 4 words), 1 + 3 x 4096 x 4 = 49,153 steps
 * each: 5 open rules of 2 (two is as many as the rule cap holds),
 * 5 x 98,318 + 2048 = 493,638 steps.
 */
static void heavy_glob_set(struct tu_payload *p, u16 type, u16 field,
			   struct vigil_strref (*pat)(struct tu_payload *, u32))
{
	heavy_rules(p, 5, type, field, VIGIL_OP_GLOB, 0, 2, pat);
}

static void build_ok_heavy_glob(struct tu_payload *p)
{
	heavy_glob_set(p, VIGIL_EV_OPEN, VIGIL_OPEN_path, heavy_starx);
}

/* 1024 of those globs in one rule: 50 M steps, over the rule cap. */
static void build_heavy_glob_rule(struct tu_payload *p)
{
	heavy_rules(p, 1, VIGIL_EV_OPEN, VIGIL_OPEN_path, VIGIL_OP_GLOB, 0,
		    VIGIL_MAX_PRED_VALUES, heavy_starx);
}

/*
 * The same on every event type's comm: 90 values naming one glob of
 * 8 KiB, one compiled form for them all.
 */
static void build_ok_heavy_same_glob(struct tu_payload *p)
{
	u32 t;

	for (t = 1; t <= VIGIL_EV_MAX; t++)
		heavy_glob_set(p, t, 5, heavy_starx);
}

/*
 * Nearly the same, each glob different and as large as can be (252 byte
 * classes; 9 a type, as these globs anchor and the prefilter's scans
 * take part of the budget): 81 compiled forms of 8 KiB.
 */
static void build_ok_heavy_wide_glob(struct tu_payload *p)
{
	u32 t;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		heavy_rules(p, 4, t, 5, VIGIL_OP_GLOB, 0, 2, heavy_wide_glob);
		heavy_rules(p, 1, t, 5, VIGIL_OP_GLOB, 0, 1, heavy_wide_glob);
	}
}

/* A rule of the given nodes (kinds only; predicates on exec.uid). */
static void build_program(struct tu_payload *p, const char *prog)
{
	base_payload(p);
	rule(p, 3400, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Program", "");
	for (; *prog; prog++) {
		if (*prog == 'P')
			tu_pred_num(p, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
		else if (*prog == '&')
			tu_logic(p, VIGIL_NODE_AND, 2);
		else if (*prog == '|')
			tu_logic(p, VIGIL_NODE_OR, 2);
		else if (*prog == '!')
			tu_logic(p, VIGIL_NODE_NOT, 1);
	}
}

static void build_underflow_not_first(struct tu_payload *p)
{
	build_program(p, "!");
}

static void build_underflow_and_first(struct tu_payload *p)
{
	build_program(p, "&P");
}

static void build_underflow_or_one(struct tu_payload *p)
{
	build_program(p, "P|");
}

static void build_leftover_two(struct tu_payload *p)
{
	build_program(p, "PP");
}

static void build_leftover_three(struct tu_payload *p)
{
	build_program(p, "PPP&!P");
}

/* An AND node after the last rule's nodes, in no rule. */
static void build_orphan_node_tail(struct tu_payload *p)
{
	struct vigil_rule_rec *r;

	base_payload(p);
	tu_logic(p, VIGIL_NODE_AND, 2);
	r = last_rule(p);
	r->expr_count = cpu_to_le32(le32_to_cpu(r->expr_count) - 1);
}

/* A value after the last predicate's values, used by none. */
static void build_orphan_value_tail(struct tu_payload *p)
{
	base_payload(p);
	tu_value(p, 0, str(p, "orphan"));
}

/* 300 rules; the last one reuses the first one's id. */
static void build_dup_rule_far(struct tu_payload *p)
{
	u32 i;

	base_payload(p);
	for (i = 0; i < 296; i++)
		rule_reading(p, 4000 + i, VIGIL_EV_FORK, VIGIL_FORK_clone_flags);
	rule_reading(p, 291001, VIGIL_EV_EXIT, VIGIL_EXIT_exit_code);
}

/* Rule 3400 on exec.comm with one pattern of @len bytes. */
static void build_pattern_len(struct tu_payload *p, u32 len)
{
	char s[VIGIL_MAX_PATTERN_LEN + 2];

	memset(s, 'a', len);
	s[len] = '\0';
	base_payload(p);
	rule(p, 3500, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Long pattern", "");
	tu_pred_str(p, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0, s, NULL);
}

static void build_pattern_over_cap(struct tu_payload *p)
{
	build_pattern_len(p, VIGIL_MAX_PATTERN_LEN + 1);
}

static void build_ok_pattern_at_cap(struct tu_payload *p)
{
	build_pattern_len(p, VIGIL_MAX_PATTERN_LEN);
}

/* A rule whose title and tags are @tlen and @glen bytes long. */
static void build_title_tags(struct tu_payload *p, u32 tlen, u32 glen)
{
	char t[VIGIL_MAX_TITLE_LEN + 2], g[VIGIL_MAX_TAGS_LEN + 2];
	u32 i;

	memset(t, 'T', tlen);
	t[tlen] = '\0';
	for (i = 0; i < glen; i++)
		g[i] = "attack.t1059,"[i % 13];
	g[glen] = '\0';
	base_payload(p);
	rule(p, 3600, VIGIL_EV_EXIT, VIGIL_SEV_INFO, t, g);
	tu_pred_num(p, VIGIL_EXIT_exit_code, VIGIL_OP_GE, 128);
}

static void build_title_over_cap(struct tu_payload *p)
{
	build_title_tags(p, VIGIL_MAX_TITLE_LEN + 1, 12);
}

static void build_tags_over_cap(struct tu_payload *p)
{
	build_title_tags(p, 10, VIGIL_MAX_TAGS_LEN + 1);
}

static void build_ok_title_tags_at_cap(struct tu_payload *p)
{
	build_title_tags(p, VIGIL_MAX_TITLE_LEN, VIGIL_MAX_TAGS_LEN);
}

/* A string with a NUL byte inside, as title, tags or pattern. */
static const char with_nul[] = "attack.t1059\0attack.t1105";

static void build_nul(struct tu_payload *p, int which)
{
	struct vigil_rule_rec *r;
	u32 arg;

	base_payload(p);
	rule(p, 3700, VIGIL_EV_EXEC, VIGIL_SEV_LOW, "Has a NUL", "");
	r = last_rule(p);
	if (which == 0)
		r->title = tu_str(p, with_nul, sizeof(with_nul) - 1);
	else if (which == 1)
		r->tags = tu_str(p, with_nul, sizeof(with_nul) - 1);
	arg = p->nvalues;
	tu_value(p, 0, which == 2 ?
		 tu_str(p, with_nul, sizeof(with_nul) - 1) :
		 str(p, "/tmp/"));
	tu_node(p, VIGIL_NODE_PRED, VIGIL_OP_PREFIX, 0, VIGIL_EXEC_filename,
		1, arg);
}

static void build_title_nul(struct tu_payload *p)
{
	build_nul(p, 0);
}

static void build_tags_nul(struct tu_payload *p)
{
	build_nul(p, 1);
}

static void build_pattern_nul(struct tu_payload *p)
{
	build_nul(p, 2);
}

static void build_glob_lone_backslash(struct tu_payload *p)
{
	base_payload(p);
	rule(p, 3800, VIGIL_EV_FIFO, VIGIL_SEV_LOW, "Bad glob", "");
	tu_pred_str(p, VIGIL_FIFO_path, VIGIL_OP_GLOB, 0, "/tmp/*\\", NULL);
}

static void build_addr_eq_prefix_64(struct tu_payload *p)
{
	base_payload(p);
	rule(p, 3900, VIGIL_EV_CONNECT, VIGIL_SEV_LOW, "Bad address", "");
	pred_v4(p, VIGIL_CONNECT_daddr, VIGIL_OP_EQ, 192, 0, 2, 1, 64);
}

/* Valid: every operator, both predicate flags, every node kind. */
static void build_ok_all_ops(struct tu_payload *p)
{
	u8 fe80[16] = { 0xfe, 0x80 };
	u8 any[16] = { 0 };
	u32 arg;

	base_payload(p);
	rule(p, 5001, VIGIL_EV_EXEC, VIGIL_SEV_CRITICAL,
		"Every string operator", "attack.t1059");
	tu_pred_str(p, VIGIL_EXEC_filename, VIGIL_OP_EQ, 0, "/bin/sh", NULL);
	tu_pred_str(p, VIGIL_EXEC_filename, VIGIL_OP_PREFIX, VIGIL_PRED_NOCASE,
		    "/TMP/", "/dev/shm/", NULL);
	tu_logic(p, VIGIL_NODE_OR, 2);
	tu_pred_str(p, VIGIL_EXEC_comm, VIGIL_OP_SUFFIX, 0, "sh", NULL);
	tu_pred_str(p, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, VIGIL_PRED_ALL,
		    "-i", "/dev/tcp/", NULL);
	tu_pred_str(p, VIGIL_EXEC_pcomm, VIGIL_OP_GLOB,
		    VIGIL_PRED_NOCASE | VIGIL_PRED_ALL, "php-fpm*", "*\\*?",
		    NULL);
	tu_logic(p, VIGIL_NODE_NOT, 1);
	tu_node(p, VIGIL_NODE_AND, 0, 0, 0, 4, 0);

	rule(p, 5002, VIGIL_EV_FORK, VIGIL_SEV_INFO,
		"Every number operator", "");
	tu_pred_num(p, VIGIL_FORK_pid, VIGIL_OP_LT, 100);
	tu_pred_num(p, VIGIL_FORK_tgid, VIGIL_OP_LE, 100);
	tu_pred_num(p, VIGIL_FORK_ppid, VIGIL_OP_GT, 1);
	tu_pred_num(p, VIGIL_FORK_uid, VIGIL_OP_GE, 1000);
	tu_pred_num(p, VIGIL_FORK_clone_flags, VIGIL_OP_MASK_ALL, 0x10000);
	tu_pred_num(p, VIGIL_FORK_clone_flags, VIGIL_OP_MASK_ANY, 0x7e020000);
	tu_node(p, VIGIL_NODE_OR, 0, 0, 0, 6, 0);

	rule(p, 5003, VIGIL_EV_CONNECT, VIGIL_SEV_HIGH,
		"Every address operator", "attack.t1071");
	last_rule(p)->action = VIGIL_ACTION_KILL;
	pred_v4(p, VIGIL_CONNECT_daddr, VIGIL_OP_EQ, 203, 0, 113, 7, 128);
	arg = p->nvalues;
	tu_value(p, 10, tu_str(p, fe80, sizeof(fe80)));
	tu_value(p, 0, tu_str(p, any, sizeof(any)));
	tu_node(p, VIGIL_NODE_PRED, VIGIL_OP_CIDR, 0, VIGIL_CONNECT_daddr, 2,
		arg);
	tu_logic(p, VIGIL_NODE_OR, 2);
	tu_pred_str(p, VIGIL_CONNECT_unix_path, VIGIL_OP_EQ, 0,
		    "/run/docker.sock", NULL);
	tu_logic(p, VIGIL_NODE_AND, 2);
}

static void build_base(struct tu_payload *p)
{
	base_payload(p);
}

static const struct bcase bcases[] = {
	{ "ok_base", E(OK), build_base },
	{ "ok_every_event_last_field", E(OK), build_ok_last_fields },
	{ "ok_all_operators", E(OK), build_ok_all_ops },
	{ "ok_depth_at_cap", E(OK), build_ok_depth_at_cap },
	{ "ok_expr_count_at_cap", E(OK), build_ok_expr_count_at_cap },
	{ "ok_argc_at_cap", E(OK), build_ok_argc_at_cap },
	{ "ok_pattern_at_cap", E(OK), build_ok_pattern_at_cap },
	{ "ok_title_tags_at_cap", E(OK), build_ok_title_tags_at_cap },
#define FIELD_ROW(NAME, name, nr, FIELDS)				\
	{ "field_" #name "_eq_nfields", E(FIELD),			\
	  build_field_nf_##name },
	VIGIL_EVENTS(FIELD_ROW)
#undef FIELD_ROW
	{ "depth_over_cap", E(DEPTH), build_depth_over_cap },
	{ "expr_count_over_cap", E(EXPR), build_expr_count_over_cap },
	{ "argc_over_cap", E(VALUE), build_argc_over_cap },
	{ "cost_rule_over_cap", E(COST), build_cost_over_cap },
	{ "stack_underflow_not_first", E(EXPR), build_underflow_not_first },
	{ "stack_underflow_and_first", E(EXPR), build_underflow_and_first },
	{ "stack_underflow_or_one", E(EXPR), build_underflow_or_one },
	{ "stack_leftover_two", E(EXPR), build_leftover_two },
	{ "stack_leftover_three", E(EXPR), build_leftover_three },
	{ "nodes_orphaned_at_end", E(EXPR), build_orphan_node_tail },
	{ "values_orphaned_at_end", E(VALUE), build_orphan_value_tail },
	{ "dup_rule_far_apart", E(DUP_RULE), build_dup_rule_far },
	{ "pattern_over_cap", E(VALUE), build_pattern_over_cap },
	{ "pattern_with_nul", E(VALUE), build_pattern_nul },
	{ "title_over_cap", E(RULE), build_title_over_cap },
	{ "title_with_nul", E(RULE), build_title_nul },
	{ "tags_over_cap", E(RULE), build_tags_over_cap },
	{ "tags_with_nul", E(RULE), build_tags_nul },
	{ "glob_lone_backslash", E(VALUE), build_glob_lone_backslash },
	{ "addr_eq_prefix_not_128", E(VALUE), build_addr_eq_prefix_64 },
	{ "heavy_contains_memory", E(MEM_CAP), build_heavy_contains_memory },
	{ "heavy_ok_contains", E(OK), build_ok_heavy_contains },
	{ "heavy_contains_event", E(COST), build_heavy_contains_event },
	{ "heavy_ok_glob", E(OK), build_ok_heavy_glob },
	{ "heavy_glob_rule", E(COST), build_heavy_glob_rule },
	{ "heavy_ok_same_glob", E(OK), build_ok_heavy_same_glob },
	{ "heavy_ok_wide_glob", E(OK), build_ok_heavy_wide_glob },
};

/* ---- header cases: one header field of the base file, digest redone ---- */

struct hpatch {
	const char *name;
	int code;
	struct loc at;
	u64 val;
};

#define HF(f)	LOC(S_FILE, 0, struct vigil_chan_header, f)
#define HB(f, plus, size)						\
	{ S_FILE, 0, offsetof(struct vigil_chan_header, f) + (plus), size }

static const struct hpatch hpatches[] = {
	{ "magic_one_byte", E(MAGIC), HB(magic, 7, 1), 0x1b },
	{ "magic_elf", E(MAGIC), HB(magic, 0, 4), 0x464c457f },
	{ "format_version_zero", E(FORMAT_VERSION), HF(format_version), 0 },
	{ "format_version_next", E(FORMAT_VERSION), HF(format_version),
	  VIGIL_CHAN_FORMAT_VERSION + 1 },
	{ "format_version_byteswapped", E(FORMAT_VERSION), HF(format_version),
	  VIGIL_CHAN_FORMAT_VERSION << 8 },
	{ "header_size_zero", E(HEADER_SIZE), HF(header_size), 0 },
	{ "header_size_minus_one", E(HEADER_SIZE), HF(header_size),
	  VIGIL_CHAN_HEADER_SIZE - 1 },
	{ "header_size_plus_eight", E(HEADER_SIZE), HF(header_size),
	  VIGIL_CHAN_HEADER_SIZE + 8 },
	{ "header_size_u16_max", E(HEADER_SIZE), HF(header_size), 0xffff },
	{ "flags_bit0", E(FLAGS), HF(flags), 1 },
	{ "flags_bit31", E(FLAGS), HF(flags), 0x80000000 },
	{ "reserved0_set", E(RESERVED), HF(reserved0), 1 },
	{ "reserved1_set", E(RESERVED), HF(reserved1), 0x80000000 },
	{ "schema_version_zero", E(SCHEMA_VERSION), HF(schema_version), 0 },
	{ "schema_version_next", E(SCHEMA_VERSION), HF(schema_version),
	  VIGIL_SCHEMA_VERSION + 1 },
	{ "compression_none", E(COMPRESSION), HF(compression), 0 },
	{ "compression_next", E(COMPRESSION), HF(compression),
	  VIGIL_COMPRESSION_ZSTD + 1 },
	{ "channel_id_zero", E(CHANNEL_ID), HF(channel_id), 0 },
	{ "compressed_size_over_cap", E(SIZE_CAP), HF(compressed_size),
	  VIGIL_MAX_COMPRESSED_SIZE + 1 },
	{ "compressed_size_u32_max", E(SIZE_CAP), HF(compressed_size),
	  0xffffffff },
	{ "uncompressed_size_over_cap", E(SIZE_CAP), HF(uncompressed_size),
	  VIGIL_MAX_UNCOMPRESSED_SIZE + 1 },
	{ "uncompressed_size_u32_max", E(SIZE_CAP), HF(uncompressed_size),
	  0xffffffff },
	{ "compressed_size_minus_one", E(SIZE_MISMATCH), HF(compressed_size),
	  REAL_MINUS_ONE },
	{ "compressed_size_plus_one", E(SIZE_MISMATCH), HF(compressed_size),
	  REAL_PLUS_ONE },
	{ "ok_content_version_max", E(OK), HF(content_version), ~0ULL - 2 },
};

static void apply_hpatch(const struct hpatch *c, struct buf *f)
{
	u32 cs = get_unaligned_le32(f->p + HDR(compressed_size));
	u64 v = c->val;

	if (v == REAL_MINUS_ONE)
		v = cs - 1;
	else if (v == REAL_PLUS_ONE)
		v = cs + 1;
	hdr_set(f, c->at.off, c->at.size, v);
	/* a size past the end of the file cannot be digested: leave it */
	chan_digest(f->p, f->len, f->p + VIGIL_CHAN_DIGEST_OFFSET);
}

/* ---- whole-file cases ---- */

struct fcase {
	const char *name;
	int code;
	void (*make)(struct buf *f);
};

static void f_empty(struct buf *f)
{
	f->len = 0;
}

static void f_one_byte(struct buf *f)
{
	buf_put(f, "V", 1);
}

static void f_header_79(struct buf *f)
{
	base_file(f);
	f->len = VIGIL_CHAN_HEADER_SIZE - 1;
}

static void f_header_only(struct buf *f)
{
	base_file(f);
	f->len = VIGIL_CHAN_HEADER_SIZE;
}

static void f_zero_80(struct buf *f)
{
	buf_fill(f, 0, VIGIL_CHAN_HEADER_SIZE);
}

static void f_zero_4096(struct buf *f)
{
	buf_fill(f, 0, 4096);
}

static void f_truncated_last_byte(struct buf *f)
{
	base_file(f);
	f->len--;
}

static void f_trailing_zero_byte(struct buf *f)
{
	base_file(f);
	buf_fill(f, 0, 1);
}

static void f_trailing_garbage(struct buf *f)
{
	size_t i;

	base_file(f);
	for (i = 0; i < 4096; i++)
		buf_fill(f, (u8)(i * 131 + 7), 1);
}

/* The base file padded with zeros to @len bytes. */
static void f_padded(struct buf *f, size_t len)
{
	base_file(f);
	buf_fill(f, 0, len - f->len);
}

static void f_file_over_cap(struct buf *f)
{
	f_padded(f, (size_t)VIGIL_MAX_FILE_SIZE + 1);
}

static void f_file_at_cap(struct buf *f)
{
	f_padded(f, VIGIL_MAX_FILE_SIZE);
}

static void flip(struct buf *f, size_t off, u8 bit)
{
	f->p[off] ^= bit;
}

static void f_digest_flip_frame(struct buf *f)
{
	base_file(f);
	flip(f, VIGIL_CHAN_HEADER_SIZE + (f->len - VIGIL_CHAN_HEADER_SIZE) / 2,
	     0x10);
}

static void f_digest_flip_header(struct buf *f)
{
	base_file(f);
	flip(f, HDR(content_version), 0x01);
}

static void f_digest_flip_digest(struct buf *f)
{
	base_file(f);
	flip(f, HDR(digest) + VIGIL_CHAN_DIGEST_LEN - 1, 0x80);
}

static void f_digest_zero(struct buf *f)
{
	base_file(f);
	memset(f->p + HDR(digest), 0, VIGIL_CHAN_DIGEST_LEN);
}

/* ---- signatures (structure only: the test loads without a verifier) ---- */

/* A blob that looks like DER (SEQUENCE, long form length), @len bytes. */
static void put_blob(struct buf *f, u32 len)
{
	u32 i;

	buf_le(f, 1, 0x30);
	buf_le(f, 1, 0x82);
	buf_le(f, 1, (len - 4) >> 8);
	buf_le(f, 1, (len - 4) & 0xff);
	for (i = 4; i < len; i++)
		buf_le(f, 1, (i * 37 + 11) & 0xff);
}

static void put_trailer(struct buf *f, u32 sig_len, u32 reserved)
{
	buf_le(f, 4, sig_len);
	buf_le(f, 4, reserved);
	buf_put(f, VIGIL_SIG_MARKER, VIGIL_SIG_MARKER_LEN);
}

static void f_signed(struct buf *f, u32 blob, u32 sig_len, u32 reserved)
{
	base_file(f);
	put_blob(f, blob);
	put_trailer(f, sig_len, reserved);
}

static void f_ok_signed(struct buf *f)
{
	f_signed(f, 300, 300, 0);
}

static void f_ok_sig_at_cap(struct buf *f)
{
	f_signed(f, VIGIL_MAX_SIG_SIZE, VIGIL_MAX_SIG_SIZE, 0);
}

static void f_sig_over_cap(struct buf *f)
{
	f_signed(f, VIGIL_MAX_SIG_SIZE + 1, VIGIL_MAX_SIG_SIZE + 1, 0);
}

static void f_sig_len_zero(struct buf *f)
{
	f_signed(f, 300, 0, 0);
}

static void f_sig_len_past_header(struct buf *f)
{
	base_file(f);
	put_blob(f, 300);
	put_trailer(f, (u32)f->len - VIGIL_CHAN_HEADER_SIZE + 1, 0);
}

static void f_sig_len_short(struct buf *f)
{
	f_signed(f, 300, 299, 0);
}

static void f_sig_len_long(struct buf *f)
{
	f_signed(f, 300, 301, 0);
}

static void f_sig_reserved(struct buf *f)
{
	f_signed(f, 300, 300, 1);
}

static void f_sig_marker_only(struct buf *f)
{
	base_file(f);
	f->len = VIGIL_CHAN_HEADER_SIZE;
	buf_put(f, VIGIL_SIG_MARKER, VIGIL_SIG_MARKER_LEN);
}

static void f_sig_marker_damaged(struct buf *f)
{
	f_signed(f, 300, 300, 0);
	f->p[f->len - 1] = 'X';
}

/* ---- zstd frames ---- */

static void frame_file(struct buf *f, void (*frame)(struct buf *fr,
						    const struct buf *pl),
		       s64 us_delta)
{
	struct buf pl = { 0 }, fr = { 0 };

	base_serialized(&pl);
	frame(&fr, &pl);
	file_with_frame(f, &fr, pl.len + us_delta);
	buf_free(&fr);
	buf_free(&pl);
}

static void fr_raw(struct buf *fr, const struct buf *pl)
{
	zf_raw_frame(fr, pl);
}

static void fr_checksum(struct buf *fr, const struct buf *pl)
{
	zf_libzstd(fr, pl, true, true);
}

static void fr_bad_checksum(struct buf *fr, const struct buf *pl)
{
	zf_libzstd(fr, pl, true, true);
	fr->p[fr->len - 1] ^= 0x01;
}

static void fr_libzstd_no_size(struct buf *fr, const struct buf *pl)
{
	zf_libzstd(fr, pl, false, false);
}

static void fr_raw_no_size(struct buf *fr, const struct buf *pl)
{
	zf_header(fr, false, 0);
	zf_raw(fr, pl->p, pl->len);
}

static void fr_not_a_frame(struct buf *fr, const struct buf *pl)
{
	size_t i;

	for (i = 0; i < pl->len; i++)
		buf_le(fr, 1, 0xaa ^ (i & 0x0f));
}

static void fr_skippable(struct buf *fr, const struct buf *pl)
{
	buf_le(fr, 4, 0x184d2a50);
	buf_le(fr, 4, pl->len);
	buf_put(fr, pl->p, pl->len);
}

static void fr_header_truncated(struct buf *fr, const struct buf *pl)
{
	buf_le(fr, 4, ZF_MAGIC);
	fr->len = 3;
}

static void fr_reserved_bit(struct buf *fr, const struct buf *pl)
{
	zf_raw_frame(fr, pl);
	fr->p[4] |= 0x08;
}

static void fr_two_frames(struct buf *fr, const struct buf *pl)
{
	struct buf one = { 0 };

	zf_raw_frame(fr, pl);
	one.p = pl->p;
	one.len = 8;
	zf_raw_frame(fr, &one);
}

static void fr_trailing(struct buf *fr, const struct buf *pl)
{
	zf_raw_frame(fr, pl);
	buf_fill(fr, 0xa5, 5);
}

static void fr_truncated(struct buf *fr, const struct buf *pl)
{
	zf_raw_frame(fr, pl);
	fr->len -= 10;
}

static void fr_block_reserved(struct buf *fr, const struct buf *pl)
{
	zf_header(fr, true, pl->len);
	zf_block_header(fr, true, ZF_RESERVED, (u32)pl->len);
	buf_put(fr, pl->p, pl->len);
}

/* A compressed block whose raw literals run past the block. */
static void fr_corrupt_block(struct buf *fr, const struct buf *pl)
{
	zf_header(fr, true, pl->len);
	zf_block_header(fr, true, ZF_COMPRESSED, 1);
	buf_le(fr, 1, 0xf8);
}

/* The frame records the content size @fcs; the content is @pl. */
static void fr_fcs(struct buf *fr, const struct buf *pl, u64 fcs)
{
	zf_header(fr, true, fcs);
	zf_raw(fr, pl->p, pl->len);
}

static void fr_fcs_plus_8(struct buf *fr, const struct buf *pl)
{
	fr_fcs(fr, pl, pl->len + 8);
}

static void fr_fcs_minus_8(struct buf *fr, const struct buf *pl)
{
	fr_fcs(fr, pl, pl->len - 8);
}

static void fr_fcs_2_40(struct buf *fr, const struct buf *pl)
{
	fr_fcs(fr, pl, 1ULL << 40);
}

static void fr_fcs_at_cap(struct buf *fr, const struct buf *pl)
{
	fr_fcs(fr, pl, VIGIL_MAX_UNCOMPRESSED_SIZE);
}

static void f_zstd_raw(struct buf *f)
{
	frame_file(f, fr_raw, 0);
}

static void f_zstd_checksum(struct buf *f)
{
	frame_file(f, fr_checksum, 0);
}

static void f_zstd_bad_checksum(struct buf *f)
{
	frame_file(f, fr_bad_checksum, 0);
}

static void f_zstd_no_size(struct buf *f)
{
	frame_file(f, fr_libzstd_no_size, 0);
}

static void f_zstd_raw_no_size(struct buf *f)
{
	frame_file(f, fr_raw_no_size, 0);
}

static void f_zstd_not_a_frame(struct buf *f)
{
	frame_file(f, fr_not_a_frame, 0);
}

static void f_zstd_skippable(struct buf *f)
{
	frame_file(f, fr_skippable, 0);
}

static void f_zstd_header_truncated(struct buf *f)
{
	frame_file(f, fr_header_truncated, 0);
}

static void f_zstd_reserved_bit(struct buf *f)
{
	frame_file(f, fr_reserved_bit, 0);
}

static void f_zstd_two_frames(struct buf *f)
{
	frame_file(f, fr_two_frames, 0);
}

static void f_zstd_trailing(struct buf *f)
{
	frame_file(f, fr_trailing, 0);
}

static void f_zstd_truncated(struct buf *f)
{
	frame_file(f, fr_truncated, 0);
}

static void f_zstd_block_reserved(struct buf *f)
{
	frame_file(f, fr_block_reserved, 0);
}

static void f_zstd_corrupt_block(struct buf *f)
{
	frame_file(f, fr_corrupt_block, 0);
}

/* header declares 8 bytes more / fewer than the frame records */
static void f_zstd_size_header_larger(struct buf *f)
{
	frame_file(f, fr_raw, 8);
}

static void f_zstd_size_header_smaller(struct buf *f)
{
	frame_file(f, fr_raw, -8);
}

/* frame and header agree, the content is 8 bytes shorter / longer */
static void f_zstd_content_short(struct buf *f)
{
	frame_file(f, fr_fcs_plus_8, 8);
}

static void f_zstd_content_long(struct buf *f)
{
	frame_file(f, fr_fcs_minus_8, -8);
}

static void f_bomb_declared(struct buf *f)
{
	frame_file(f, fr_fcs_2_40, 0);
}

static void f_bomb_declared_header_too(struct buf *f)
{
	frame_file(f, fr_fcs_2_40, 0);
	hdr_set(f, HDR(uncompressed_size), 4, 0xffffffff);
	reseal(f);
}

static void f_bomb_declared_at_cap(struct buf *f)
{
	struct buf pl = { 0 }, fr = { 0 };

	base_serialized(&pl);
	fr_fcs_at_cap(&fr, &pl);
	file_with_frame(f, &fr, VIGIL_MAX_UNCOMPRESSED_SIZE);
	buf_free(&fr);
	buf_free(&pl);
}

/* Really expands: RLE blocks of zeros, one byte past the cap. */
#define BOMB_SIZE	((u64)VIGIL_MAX_UNCOMPRESSED_SIZE + 1)

static void f_bomb_rle(struct buf *f, int variant)
{
	struct buf fr = { 0 };
	u64 us = BOMB_SIZE;

	if (variant == 0) {		/* frame and header honest */
		zf_header(&fr, true, BOMB_SIZE);
	} else if (variant == 1) {	/* frame honest, header small */
		zf_header(&fr, true, BOMB_SIZE);
		us = 4096;
	} else if (variant == 2) {	/* frame and header lie alike */
		zf_header_windowed(&fr, 4096);
		us = 4096;
	} else {			/* frame records no size */
		zf_header(&fr, false, 0);
		us = 4096;
	}
	zf_rle(&fr, 0, BOMB_SIZE);
	file_with_frame(f, &fr, us);
	buf_free(&fr);
}

static void f_bomb_rle_honest(struct buf *f)
{
	f_bomb_rle(f, 0);
}

static void f_bomb_rle_header_small(struct buf *f)
{
	f_bomb_rle(f, 1);
}

static void f_bomb_rle_size_lies(struct buf *f)
{
	f_bomb_rle(f, 2);
}

static void f_bomb_rle_no_size(struct buf *f)
{
	f_bomb_rle(f, 3);
}

/* Payloads too short for their own header. */
static void f_payload_len(struct buf *f, size_t len)
{
	struct buf pl = { 0 }, fr = { 0 };

	base_serialized(&pl);
	pl.len = len;
	zf_raw_frame(&fr, &pl);
	file_with_frame(f, &fr, len);
	buf_free(&fr);
	buf_free(&pl);
}

static void f_payload_16(struct buf *f)
{
	f_payload_len(f, 16);
}

static void f_payload_empty(struct buf *f)
{
	f_payload_len(f, 0);
}

static const struct fcase fcases[] = {
	{ "ok_signed_structure", E(OK), f_ok_signed },
	{ "ok_signature_at_cap", E(OK), f_ok_sig_at_cap },
	{ "ok_zstd_raw_blocks", E(OK), f_zstd_raw },
	{ "ok_zstd_checksum", E(OK), f_zstd_checksum },
	{ "empty", E(TRUNCATED), f_empty },
	{ "one_byte", E(TRUNCATED), f_one_byte },
	{ "header_minus_one_byte", E(TRUNCATED), f_header_79 },
	{ "zero_80", E(MAGIC), f_zero_80 },
	{ "zero_4096", E(MAGIC), f_zero_4096 },
	{ "header_only", E(SIZE_MISMATCH), f_header_only },
	{ "truncated_last_byte", E(SIZE_MISMATCH), f_truncated_last_byte },
	{ "trailing_zero_byte", E(SIZE_MISMATCH), f_trailing_zero_byte },
	{ "trailing_garbage_4k", E(SIZE_MISMATCH), f_trailing_garbage },
	{ "file_size_at_cap", E(SIZE_MISMATCH), f_file_at_cap },
	{ "file_size_over_cap", E(SIZE_CAP), f_file_over_cap },
	{ "digest_bit_in_frame", E(DIGEST), f_digest_flip_frame },
	{ "digest_bit_in_header", E(DIGEST), f_digest_flip_header },
	{ "digest_bit_in_digest", E(DIGEST), f_digest_flip_digest },
	{ "digest_zero", E(DIGEST), f_digest_zero },
	{ "sig_len_zero", E(SIG_FORMAT), f_sig_len_zero },
	{ "sig_len_past_header", E(SIG_FORMAT), f_sig_len_past_header },
	{ "sig_reserved", E(SIG_FORMAT), f_sig_reserved },
	{ "sig_marker_only", E(SIG_FORMAT), f_sig_marker_only },
	{ "sig_over_cap", E(SIG_FORMAT), f_sig_over_cap },
	{ "sig_len_short", E(SIZE_MISMATCH), f_sig_len_short },
	{ "sig_len_long", E(SIZE_MISMATCH), f_sig_len_long },
	{ "sig_marker_damaged", E(SIZE_MISMATCH), f_sig_marker_damaged },
	{ "zstd_not_a_frame", E(ZSTD_FRAME), f_zstd_not_a_frame },
	{ "zstd_skippable_frame", E(ZSTD_FRAME), f_zstd_skippable },
	{ "zstd_frame_header_truncated", E(ZSTD_FRAME),
	  f_zstd_header_truncated },
	{ "zstd_reserved_bit", E(ZSTD_FRAME), f_zstd_reserved_bit },
	{ "zstd_no_content_size", E(ZSTD_FRAME), f_zstd_no_size },
	{ "zstd_no_content_size_raw", E(ZSTD_FRAME), f_zstd_raw_no_size },
	{ "zstd_two_frames", E(ZSTD_FRAME), f_zstd_two_frames },
	{ "zstd_trailing_garbage_in_frame", E(ZSTD_FRAME), f_zstd_trailing },
	{ "zstd_truncated_frame", E(ZSTD_FRAME), f_zstd_truncated },
	{ "zstd_block_type_reserved", E(ZSTD_FRAME), f_zstd_block_reserved },
	{ "zstd_size_header_larger", E(ZSTD_SIZE), f_zstd_size_header_larger },
	{ "zstd_size_header_smaller", E(ZSTD_SIZE),
	  f_zstd_size_header_smaller },
	{ "zstd_content_shorter_than_declared", E(ZSTD_DATA),
	  f_zstd_content_short },
	{ "zstd_content_longer_than_declared", E(ZSTD_DATA),
	  f_zstd_content_long },
	{ "zstd_corrupt_block", E(ZSTD_DATA), f_zstd_corrupt_block },
	{ "zstd_bad_checksum", E(ZSTD_DATA), f_zstd_bad_checksum },
	{ "bomb_declared_size", E(ZSTD_SIZE), f_bomb_declared },
	{ "bomb_declared_size_in_header", E(SIZE_CAP),
	  f_bomb_declared_header_too },
	{ "bomb_declared_at_cap", E(ZSTD_DATA), f_bomb_declared_at_cap },
	{ "bomb_rle_honest", E(SIZE_CAP), f_bomb_rle_honest },
	{ "bomb_rle_header_small", E(ZSTD_SIZE), f_bomb_rle_header_small },
	{ "bomb_rle_size_lies", E(ZSTD_DATA), f_bomb_rle_size_lies },
	{ "bomb_rle_no_size", E(ZSTD_FRAME), f_bomb_rle_no_size },
	{ "payload_shorter_than_header", E(PAYLOAD), f_payload_16 },
	{ "payload_empty", E(PAYLOAD), f_payload_empty },
};

/* ---- output ---- */

static const char *outdir;
static FILE *manifest;
static unsigned int nfiles;

static void emit(const char *name, int code, const struct buf *f)
{
	char path[4096];
	FILE *fp;

	if (strchr(name, '/') || strchr(name, ' '))
		die("bad case name %s", name);
	snprintf(path, sizeof(path), "%s/%s.vch", outdir, name);
	if (!access(path, F_OK))
		die("case %s written twice", name);
	fp = fopen(path, "wb");
	if (!fp)
		die("%s: %s", path, strerror(errno));
	if ((f->len && fwrite(f->p, f->len, 1, fp) != 1) || fclose(fp))
		die("%s: write failed", path);
	fprintf(manifest, "%s %s\n", name, vigil_err_name(code));
	nfiles++;
}

int main(int argc, char **argv)
{
	struct buf f = { 0 }, pl = { 0 };
	char path[4096];
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: gencorpus OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST)
		die("%s: %s", outdir, strerror(errno));
	snprintf(path, sizeof(path), "%s/MANIFEST", outdir);
	manifest = fopen(path, "w");
	if (!manifest)
		die("%s: %s", path, strerror(errno));

	for (i = 0; i < ARRAY_SIZE(bcases); i++) {
		struct tu_payload p = { 0 };

		bcases[i].build(&p);
		serialize(&p, &pl);
		wrap(&pl, &f);
		/* heavy cases get ids of their own, to be loaded together */
		if (!strncmp(bcases[i].name, "heavy_", 6)) {
			hdr_set(&f, HDR(channel_id), 4, 800 + i);
			reseal(&f);
		}
		emit(bcases[i].name, bcases[i].code, &f);
		tu_free(&p);
	}
	for (i = 0; i < ARRAY_SIZE(ppatches); i++) {
		base_serialized(&pl);
		apply_ppatch(&ppatches[i], &pl);
		wrap(&pl, &f);
		emit(ppatches[i].name, ppatches[i].code, &f);
	}
	for (i = 0; i < ARRAY_SIZE(hpatches); i++) {
		base_file(&f);
		apply_hpatch(&hpatches[i], &f);
		emit(hpatches[i].name, hpatches[i].code, &f);
	}
	for (i = 0; i < ARRAY_SIZE(fcases); i++) {
		f.len = 0;
		fcases[i].make(&f);
		emit(fcases[i].name, fcases[i].code, &f);
	}
	if (fclose(manifest))
		die("MANIFEST: write failed");
	buf_free(&f);
	buf_free(&pl);
	printf("gencorpus: %u files in %s\n", nfiles, outdir);
	return 0;
}
