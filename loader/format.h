/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel file format, as bytes.  channels/FORMAT.md is the prose
 * specification; this header is its C form, shared by the loader (reader)
 * and vigil-chan (writer).  All integers are little-endian.  Every structure
 * is naturally aligned and its size is asserted below, so a reader may only
 * overlay one after checking that it lies inside the buffer.
 *
 *	+--------------------------+ 0
 *	| struct vigil_chan_header | VIGIL_CHAN_HEADER_SIZE bytes
 *	+--------------------------+
 *	| zstd frame               | compressed_size bytes; decompresses to
 *	|                          | exactly uncompressed_size bytes: the payload
 *	+--------------------------+
 *	| PKCS#7 (DER), optional   | sig_len bytes          \
 *	| struct vigil_sig_trailer | 8 bytes                 } only if signed
 *	| VIGIL_SIG_MARKER         | VIGIL_SIG_MARKER_LEN   /
 *	+--------------------------+
 *
 * The payload:
 *
 *	struct vigil_payload_header
 *	struct vigil_rule_rec   rules[nrules]
 *	struct vigil_node_rec   nodes[nnodes]
 *	struct vigil_value_rec  values[nvalues]
 *	u8                      strtab[strtab_size]
 *
 * back to back, nothing before, between or after.
 */
#ifndef VIGIL_FORMAT_H
#define VIGIL_FORMAT_H

#include "compat.h"

#define VIGIL_CHAN_MAGIC		"VIGILCH\x1a"	/* 8 bytes */
#define VIGIL_CHAN_MAGIC_LEN		8
#define VIGIL_CHAN_FORMAT_VERSION	1
#define VIGIL_CHAN_HEADER_SIZE		80
#define VIGIL_CHAN_DIGEST_LEN		32	/* SHA-256 */

#define VIGIL_COMPRESSION_ZSTD		1

/* No flags are defined yet; any set bit is rejected. */
#define VIGIL_CHAN_FLAGS_KNOWN		0U

/**
 * struct vigil_chan_header - fixed header at offset 0 of a channel file
 * @magic: VIGIL_CHAN_MAGIC
 * @format_version: VIGIL_CHAN_FORMAT_VERSION
 * @header_size: VIGIL_CHAN_HEADER_SIZE
 * @flags: must be zero
 * @channel_id: which channel this is (291, ...); non-zero
 * @schema_version: the VIGIL_SCHEMA_VERSION the content was built for
 * @content_version: monotonic sequence number of this channel's content
 * @compression: VIGIL_COMPRESSION_ZSTD
 * @reserved0: zero
 * @compressed_size: bytes of the zstd frame after the header
 * @uncompressed_size: bytes of the payload
 * @reserved1: zero
 * @digest: SHA-256 over header bytes [0, 48) followed by the zstd frame
 */
struct vigil_chan_header {
	u8 magic[VIGIL_CHAN_MAGIC_LEN];
	__le16 format_version;
	__le16 header_size;
	__le32 flags;
	__le32 channel_id;
	__le32 schema_version;
	__le64 content_version;
	__le16 compression;
	__le16 reserved0;
	__le32 compressed_size;
	__le32 uncompressed_size;
	__le32 reserved1;
	u8 digest[VIGIL_CHAN_DIGEST_LEN];
};

/* The digest covers the header up to the digest field, then the frame. */
#define VIGIL_CHAN_DIGEST_OFFSET	48

/*
 * Signature trailer.  A signed file ends with the marker; the 8 bytes
 * before it give the length of the DER PKCS#7 blob before them.  The
 * signature is detached and covers every byte before the blob.
 */
#define VIGIL_SIG_MARKER		"~vigil channel signature~\n"
#define VIGIL_SIG_MARKER_LEN		(sizeof(VIGIL_SIG_MARKER) - 1)

/**
 * struct vigil_sig_trailer - between the PKCS#7 blob and the marker
 * @sig_len: length of the PKCS#7 blob
 * @reserved: zero
 */
struct vigil_sig_trailer {
	__le32 sig_len;
	__le32 reserved;
};

#define VIGIL_PAYLOAD_MAGIC		0x31535256U	/* "VRS1" */

/**
 * struct vigil_payload_header - start of the decompressed payload
 * @magic: VIGIL_PAYLOAD_MAGIC
 * @nrules: number of struct vigil_rule_rec
 * @nnodes: number of struct vigil_node_rec
 * @nvalues: number of struct vigil_value_rec
 * @strtab_size: bytes of string table
 * @reserved: zero
 */
struct vigil_payload_header {
	__le32 magic;
	__le32 nrules;
	__le32 nnodes;
	__le32 nvalues;
	__le32 strtab_size;
	__le32 reserved;
};

/**
 * struct vigil_strref - a string in the string table
 * @off: byte offset into strtab
 * @len: byte length; the string holds no NUL byte
 */
struct vigil_strref {
	__le32 off;
	__le32 len;
};

/*
 * What the sensor does when a rule matches, beyond the record: kill
 * sends SIGKILL to the actor; kill and deny make the operation fail with
 * EPERM where the sensor can refuse it (channels/FORMAT.md, "Actions").
 */
enum vigil_action {
	VIGIL_ACTION_REPORT = 1,
	VIGIL_ACTION_KILL = 2,
	VIGIL_ACTION_DENY = 3,
	VIGIL_ACTION_MAX = VIGIL_ACTION_DENY,
};

enum vigil_severity {
	VIGIL_SEV_INFO = 0,
	VIGIL_SEV_LOW = 1,
	VIGIL_SEV_MEDIUM = 2,
	VIGIL_SEV_HIGH = 3,
	VIGIL_SEV_CRITICAL = 4,
};

/**
 * struct vigil_rule_rec - one rule
 * @id: unique within the channel, non-zero
 * @event_type: enum vigil_event_type
 * @action: enum vigil_action
 * @severity: enum vigil_severity
 * @flags: must be zero
 * @expr_first: index of the rule's first node in nodes[]
 * @expr_count: number of nodes, 1..VIGIL_MAX_RULE_NODES
 * @reserved: must be zero
 * @title: human-readable title, 1..VIGIL_MAX_TITLE_LEN bytes
 * @tags: comma-separated tags (e.g. "attack.t1059"), may be empty
 *
 * A rule's nodes are a postfix program (see struct vigil_node_rec) that
 * leaves exactly one truth value; the rule matches when it is true.
 * Rules' node ranges are disjoint and appear in rule order.
 */
struct vigil_rule_rec {
	__le32 id;
	__le16 event_type;
	u8 action;
	u8 severity;
	__le32 flags;
	__le32 expr_first;
	__le32 expr_count;
	__le32 reserved;
	struct vigil_strref title;
	struct vigil_strref tags;
};

enum vigil_node_kind {
	VIGIL_NODE_PRED = 1,	/* push the predicate's truth value */
	VIGIL_NODE_AND = 2,	/* pop argc (>= 2), push their conjunction */
	VIGIL_NODE_OR = 3,	/* pop argc (>= 2), push their disjunction */
	VIGIL_NODE_NOT = 4,	/* pop 1, push its negation */
};

/**
 * enum vigil_op - predicate operators
 * @VIGIL_OP_EQ: string, path, u64 or address equality
 * @VIGIL_OP_PREFIX: string/path starts with the value
 * @VIGIL_OP_SUFFIX: string/path ends with the value
 * @VIGIL_OP_CONTAINS: string/path contains the value
 * @VIGIL_OP_GLOB: string/path matches the glob ('*' any run, '?' one byte,
 *	'\\' escapes the next byte); matched in linear time
 * @VIGIL_OP_LT: u64 less than
 * @VIGIL_OP_LE: u64 less than or equal
 * @VIGIL_OP_GT: u64 greater than
 * @VIGIL_OP_GE: u64 greater than or equal
 * @VIGIL_OP_MASK_ALL: u64 has all bits of the value set
 * @VIGIL_OP_MASK_ANY: u64 has any bit of the value set
 * @VIGIL_OP_CIDR: address lies in the value's prefix
 * @VIGIL_OP_MAX: the highest operator
 */
enum vigil_op {
	VIGIL_OP_EQ = 1,
	VIGIL_OP_PREFIX = 2,
	VIGIL_OP_SUFFIX = 3,
	VIGIL_OP_CONTAINS = 4,
	VIGIL_OP_GLOB = 5,
	VIGIL_OP_LT = 6,
	VIGIL_OP_LE = 7,
	VIGIL_OP_GT = 8,
	VIGIL_OP_GE = 9,
	VIGIL_OP_MASK_ALL = 10,
	VIGIL_OP_MASK_ANY = 11,
	VIGIL_OP_CIDR = 12,
	VIGIL_OP_MAX = VIGIL_OP_CIDR,
};

/* struct vigil_node_rec.flags for predicates */
#define VIGIL_PRED_NOCASE	0x01	/* ASCII case-insensitive (strings) */
#define VIGIL_PRED_ALL		0x02	/* all values must match, not any */
#define VIGIL_PRED_FLAGS_KNOWN	(VIGIL_PRED_NOCASE | VIGIL_PRED_ALL)

/**
 * struct vigil_node_rec - one node of a rule's postfix program
 * @kind: enum vigil_node_kind
 * @op: PRED: enum vigil_op; others: zero
 * @flags: PRED: VIGIL_PRED_*; others: zero
 * @reserved: zero
 * @field: PRED: field index in the rule's event type; others: zero
 * @argc: PRED: number of values (1..VIGIL_MAX_PRED_VALUES);
 *	AND/OR: number of operands (2..); NOT: 1
 * @arg: PRED: index of the first value in values[]; others: zero
 * @reserved2: zero
 */
struct vigil_node_rec {
	u8 kind;
	u8 op;
	u8 flags;
	u8 reserved;
	__le16 field;
	__le16 argc;
	__le32 arg;
	__le32 reserved2;
};

/**
 * struct vigil_value_rec - one value a predicate compares against
 * @num: u64 operators: the operand; CIDR: prefix length 0..128; EQ on an
 *	address: 128; string operators: zero
 * @str: string operators: the pattern (1..VIGIL_MAX_PATTERN_LEN bytes);
 *	address operators: 16 bytes of address; u64 operators: {0, 0}
 */
struct vigil_value_rec {
	__le64 num;
	struct vigil_strref str;
};

static_assert(sizeof(struct vigil_chan_header) == VIGIL_CHAN_HEADER_SIZE,
	      "channel header layout");
static_assert(sizeof(struct vigil_sig_trailer) == 8, "signature trailer");
static_assert(sizeof(struct vigil_payload_header) == 24, "payload header");
static_assert(sizeof(struct vigil_rule_rec) == 40, "rule record");
static_assert(sizeof(struct vigil_node_rec) == 16, "node record");
static_assert(sizeof(struct vigil_value_rec) == 16, "value record");

#endif /* VIGIL_FORMAT_H */
