/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel loader and matcher: the public interface of loader/.
 *
 * vigil_channel_load() takes the bytes of a channel file and returns either
 * a complete, compiled rule set or an error naming the offset and the
 * reason; nothing in between and nothing half-visible.  vigil_match() runs
 * a compiled rule set against one event.  The same code runs in the kernel
 * and in userspace (vigil-chan, tests, fuzzers).
 */
#ifndef VIGIL_LOADER_H
#define VIGIL_LOADER_H

#include "compat.h"
#include "format.h"
#include "limits.h"
#include "schema.h"

/*
 * Error classes.  The numbers are stable (tests, tools and the kernel's
 * extended acks use them) and documented in channels/FORMAT.md; add new
 * ones at the end.
 */
#define VIGIL_ERRORS(X)							\
	X(OK,		 0, "ok")					\
	X(TRUNCATED,	 1, "file shorter than a channel header")	\
	X(MAGIC,	 2, "bad magic")				\
	X(FORMAT_VERSION, 3, "unsupported format version")		\
	X(HEADER_SIZE,	 4, "bad header size")				\
	X(FLAGS,	 5, "unknown flags")				\
	X(RESERVED,	 6, "reserved field not zero")			\
	X(SCHEMA_VERSION, 7, "schema version not supported")		\
	X(COMPRESSION,	 8, "unknown compression")			\
	X(SIZE_CAP,	 9, "size over its cap")			\
	X(SIZE_MISMATCH, 10, "file size disagrees with the header")	\
	X(DIGEST,	11, "digest mismatch")				\
	X(SIG_FORMAT,	12, "malformed signature trailer")		\
	X(SIG_MISSING,	13, "signature required but missing")		\
	X(SIG_BAD,	14, "signature verification failed")		\
	X(ZSTD_FRAME,	15, "bad zstd frame")				\
	X(ZSTD_SIZE,	16, "zstd content size disagrees with the header") \
	X(ZSTD_DATA,	17, "zstd data corrupt")			\
	X(PAYLOAD,	18, "bad payload layout")			\
	X(COUNT_CAP,	19, "count over its cap")			\
	X(STRREF,	20, "string reference out of bounds")		\
	X(EVENT_TYPE,	21, "unknown event type")			\
	X(FIELD,	22, "field not supplied for this event type")	\
	X(OPERATOR,	23, "unknown operator")				\
	X(TYPE,		24, "operator does not apply to field type")	\
	X(EXPR,		25, "malformed expression")			\
	X(DEPTH,	26, "expression too deep")			\
	X(COST,		27, "matcher work over its budget")		\
	X(DUP_RULE,	28, "duplicate rule id")			\
	X(RULE,		29, "bad rule record")				\
	X(VALUE,	30, "bad value")				\
	X(NOMEM,	31, "out of memory")				\
	X(CHANNEL_ID,	32, "channel id is zero")				\
	X(MEM_CAP,	33, "memory over its cap")			\
	X(INTR,		34, "load interrupted by a fatal signal")

enum vigil_err {
#define VIGIL_ERR_ENUM(name, nr, text) VIGIL_E_##name = nr,
	VIGIL_ERRORS(VIGIL_ERR_ENUM)
#undef VIGIL_ERR_ENUM
};

/**
 * struct vigil_error - why a channel was rejected
 * @code: enum vigil_err
 * @offset: byte offset of the offending item; in the file for header,
 *	integrity, signature and compression errors, in the decompressed
 *	payload when @in_payload is set
 * @in_payload: @offset counts from the start of the payload
 * @msg: the reason, one line, naming the item ("rule 3 (id 291002) node 2
 *	reads field 21 of exec, which has 11 fields")
 */
struct vigil_error {
	int code;
	bool in_payload;
	u64 offset;
	char msg[192];
};

/**
 * vigil_err_name() - stable name of an error class ("DIGEST")
 * @code: enum vigil_err
 *
 * Return: the name, or "UNKNOWN".
 */
const char *vigil_err_name(int code);

/**
 * vigil_err_text() - one-line description of an error class
 * @code: enum vigil_err
 *
 * Return: the description, or "unknown error".
 */
const char *vigil_err_text(int code);

/**
 * typedef vigil_verify_fn - check a detached PKCS#7 signature
 * @ctx: vigil_load_opts.verify_ctx
 * @data: the signed bytes (header and frame)
 * @len: length of @data
 * @sig: DER PKCS#7
 * @sig_len: length of @sig
 *
 * Return: 0 if the signature is valid and trusted, else non-zero.
 */
typedef int (*vigil_verify_fn)(void *ctx, const void *data, size_t len,
			       const void *sig, size_t sig_len);

/**
 * struct vigil_load_opts - how strict a load is
 * @require_signature: reject an unsigned file (VIGIL_E_SIG_MISSING)
 * @verify: checks an appended signature; if NULL a present signature is
 *	only checked structurally and vigil_channel.sig_verified stays false
 * @verify_ctx: passed to @verify
 * @mem_limit: bytes the channel may hold once loaded, and on the way
 *	(VIGIL_E_MEM_CAP past them); 0 means VIGIL_MAX_CHANNEL_MEM, and more
 *	than that is cut to it
 */
struct vigil_load_opts {
	bool require_signature;
	vigil_verify_fn verify;
	void *verify_ctx;
	size_t mem_limit;
};

struct vigil_ruleset;

/**
 * struct vigil_channel - a loaded, validated and compiled channel
 * @channel_id: from the header
 * @content_version: from the header
 * @schema_version: from the header
 * @digest: from the header (verified)
 * @file_size: bytes of the file, signature included
 * @signed_: a signature was appended
 * @sig_verified: the signature was checked by vigil_load_opts.verify
 * @payload: the decompressed payload (validated; owned)
 * @payload_size: its length
 * @nrules: number of rules
 * @rules: the compiled rule set
 */
struct vigil_channel {
	u32 channel_id;
	u64 content_version;
	u32 schema_version;
	u8 digest[VIGIL_CHAN_DIGEST_LEN];
	size_t file_size;
	bool signed_;
	bool sig_verified;
	const u8 *payload;
	size_t payload_size;
	u32 nrules;
	struct vigil_ruleset *rules;
};

/**
 * vigil_channel_load() - validate, decompress and compile a channel file
 * @data: the file's bytes
 * @len: their number
 * @opts: strictness; NULL means unsigned files are accepted
 * @out: on success, the new channel (free with vigil_channel_free())
 * @err: on failure, why; may be NULL
 *
 * Checks everything channels/FORMAT.md requires, in its order, before
 * anything is built.  May sleep.
 *
 * Return: VIGIL_E_OK (0) or the error class; on error *@out is NULL.
 */
int vigil_channel_load(const void *data, size_t len,
		       const struct vigil_load_opts *opts,
		       struct vigil_channel **out, struct vigil_error *err);

/**
 * vigil_channel_free() - release a channel and its rule set
 * @ch: channel from vigil_channel_load(), or NULL
 */
void vigil_channel_free(struct vigil_channel *ch);

/**
 * vigil_channel_mem() - bytes of memory a loaded channel holds
 * @ch: the channel
 *
 * Return: payload, rule set and index sizes together.
 */
size_t vigil_channel_mem(const struct vigil_channel *ch);

/*
 * Lower-level steps, exposed for the tools and tests.  vigil_channel_load()
 * is vigil_payload_validate() followed by vigil_ruleset_compile() on the
 * decompressed payload.
 */

/**
 * vigil_payload_validate() - check a decompressed payload completely
 * @p: payload bytes (8-byte aligned)
 * @len: payload length
 * @err: why it was rejected; offsets are payload offsets
 *
 * Return: VIGIL_E_OK or the error class.  On success every record, string
 * reference, field reference, operator and expression in @p is known good,
 * and vigil_ruleset_compile() may rely on it.
 */
int vigil_payload_validate(const u8 *p, size_t len, struct vigil_error *err);

/**
 * vigil_ruleset_compile() - build the in-memory rule set from a payload
 * @p: payload that passed vigil_payload_validate(); must outlive the set
 * @len: payload length
 * @out: the rule set
 * @err: why it failed (only VIGIL_E_NOMEM or VIGIL_E_COST can happen)
 *
 * Return: VIGIL_E_OK or the error class.
 */
int vigil_ruleset_compile(const u8 *p, size_t len, struct vigil_ruleset **out,
			  struct vigil_error *err);

/**
 * vigil_ruleset_work() - proven bound on the matcher's work for one event
 * @rs: compiled rule set
 * @type: event type
 *
 * No event of @type, whatever its values, makes vigil_match() take more
 * steps against @rs than this (channels/FORMAT.md, "Work"), together with
 * vigil_match_may() on one of its fields: the bound counts what that may
 * scan too.  0 for a type without rules.
 *
 * Return: the bound in steps, at most VIGIL_MAX_EVENT_WORK.
 */
u64 vigil_ruleset_work(const struct vigil_ruleset *rs, u32 type);

/**
 * vigil_ruleset_title() - the title of one rule
 * @rs: compiled rule set
 * @rule_index: index of the rule in the payload
 * @len: out: the title's length in bytes
 *
 * Return: the title's bytes in the payload, not NUL-terminated; "" (and
 * @len 0) if @rule_index is not a rule.
 */
const char *vigil_ruleset_title(const struct vigil_ruleset *rs,
				u32 rule_index, u32 *len);

/**
 * vigil_ruleset_costliest() - the rule of one event type with most work
 * @rs: compiled rule set
 * @type: event type with rules
 * @work: out: that rule's bound in steps; may be NULL
 *
 * Return: its index, or U32_MAX if @type has no rules.
 */
u32 vigil_ruleset_costliest(const struct vigil_ruleset *rs, u32 type,
			    u64 *work);

/**
 * typedef vigil_eq_fn - one exact value of a string or path field
 * @ctx: from vigil_ruleset_each_eq()
 * @type: event type of the rule
 * @field: field index in @type
 * @s: the value's bytes in the payload, not NUL-terminated
 * @len: their number (1..VIGIL_MAX_PATTERN_LEN)
 *
 * Return: 0 to go on, anything else to stop the walk.
 */
typedef int (*vigil_eq_fn)(void *ctx, u32 type, u32 field, const u8 *s,
			   u32 len);

/**
 * vigil_ruleset_each_eq() - walk the exact values a rule set compares
 * @rs: compiled rule set
 * @fn: called once per value of each case-sensitive eq predicate on a
 *	string or path field, in payload order (a value named twice comes
 *	twice)
 * @ctx: passed to @fn
 *
 * The driver watches the files that path rules name (driver/watch.c).
 *
 * Return: 0, or the first non-zero value @fn returned.
 */
int vigil_ruleset_each_eq(const struct vigil_ruleset *rs, vigil_eq_fn fn,
			  void *ctx);

/** vigil_ruleset_free() - release a rule set; NULL is ignored */
void vigil_ruleset_free(struct vigil_ruleset *rs);

/** vigil_ruleset_mem() - bytes a rule set holds beyond its payload */
size_t vigil_ruleset_mem(const struct vigil_ruleset *rs);

/**
 * struct vigil_match - one rule that matched an event
 * @rule_index: index of the rule in the payload
 * @rule_id: its id
 * @action: enum vigil_action
 * @severity: enum vigil_severity
 */
struct vigil_match {
	u32 rule_index;
	u32 rule_id;
	u8 action;
	u8 severity;
};

/**
 * typedef vigil_match_fn - called for each matching rule
 * @ctx: the caller's context
 * @m: the match
 *
 * Return: 0 to continue, non-zero to stop matching this event.
 */
typedef int (*vigil_match_fn)(void *ctx, const struct vigil_match *m);

/**
 * struct vigil_work - what the matcher may still spend on one event
 * @left: steps left (channels/FORMAT.md, "Work"); the matcher takes none
 *	that does not fit
 * @over: set when the budget ran out before every rule was evaluated;
 *	the matches reported so far stand, the rest of the event was not
 *	evaluated
 *
 * One budget may be passed to several vigil_match_work() calls, one per
 * channel, so that they share it.
 */
struct vigil_work {
	u64 left;
	bool over;
};

/**
 * vigil_match() - evaluate a rule set against one event
 * @rs: compiled rule set
 * @ev: the event; its type and field count are checked against the schema
 *	before any value is read
 * @fn: called once per matching rule, in rule order
 * @ctx: passed to @fn
 *
 * Never sleeps, never allocates, takes at most VIGIL_MAX_EVENT_WORK
 * steps (vigil_match_work() with a full budget).  Safe from tracepoint
 * probes.
 *
 * Return: number of matching rules reported, or -EINVAL if @ev is not a
 * well-formed event of the schema.
 */
int vigil_match(const struct vigil_ruleset *rs, const struct vigil_event *ev,
		vigil_match_fn fn, void *ctx);

/**
 * vigil_match_work() - vigil_match() within a budget
 * @rs: compiled rule set
 * @ev: the event
 * @fn: called once per matching rule, in rule order; may be NULL
 * @ctx: passed to @fn
 * @work: the budget, spent as the matcher goes; when it runs out the
 *	matcher stops and sets @work->over
 *
 * Return: as vigil_match().
 */
int vigil_match_work(const struct vigil_ruleset *rs,
		     const struct vigil_event *ev, vigil_match_fn fn,
		     void *ctx, struct vigil_work *work);

/**
 * vigil_match_may() - whether a rule could match, knowing one string field
 * @rs: compiled rule set
 * @type: event type
 * @field: index of a string field of @type
 * @s: the field's value
 * @n: its length
 *
 * For producers that can skip building the rest of an event: false only
 * when vigil_match() would evaluate no rule for any event of @type whose
 * field @field is @s: the type has no rules, or every rule of it has
 * anchors, all of them in @field, and none of them occurs in @s.  Never
 * sleeps or allocates.
 *
 * Return: false if no rule can match; true otherwise.
 */
bool vigil_match_may(const struct vigil_ruleset *rs, u32 type, u32 field,
		     const u8 *s, u32 n);

struct vigil_may;

/**
 * vigil_may_build() - vigil_match_may() of several rule sets, merged
 * @rs: the sets; they must outlive the result
 * @n: how many, at most VIGIL_MAX_CHANNELS
 *
 * Merges the prefilter keys of every set into one bitmap, so that asking
 * them all reads the field once (loader/may.c).  Allocates (sleeps, in the
 * kernel), a few KiB to 32 KiB.
 *
 * Return: the merged prefilter, or NULL without memory or if @n is too
 * large.
 */
struct vigil_may *vigil_may_build(const struct vigil_ruleset *const *rs,
				  u32 n);

/**
 * vigil_may_match() - whether a rule of any of the sets could match
 * @m: from vigil_may_build(); NULL says true
 * @type: event type
 * @field: index of a string field of @type
 * @s: the field's value
 * @n: its length
 *
 * Return: what vigil_match_may() of each set, OR-ed, returns, within the
 * work the sets' own scans are charged.  Never sleeps or allocates.
 */
bool vigil_may_match(const struct vigil_may *m, u32 type, u32 field,
		     const u8 *s, u32 n);

/**
 * vigil_may_free() - free what vigil_may_build() made
 * @m: the merged prefilter, or NULL
 */
void vigil_may_free(struct vigil_may *m);

/**
 * vigil_rule_eval() - evaluate one rule, optionally flipping one predicate
 * @rs: compiled rule set
 * @rule_index: which rule
 * @ev: the event
 * @flip_node: index (within the rule's nodes) of a predicate whose truth
 *	value is inverted, or -1
 *
 * For fixture coverage: a predicate matters for an event when flipping it
 * changes the rule's result.  Ignores any prefilter.
 *
 * Return: 1 if the rule matches, 0 if not, -EINVAL on a bad argument.
 */
int vigil_rule_eval(const struct vigil_ruleset *rs, u32 rule_index,
		    const struct vigil_event *ev, int flip_node);

#endif /* VIGIL_LOADER_H */
