/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The matcher's prefilter: a gram index.  Private to loader/.
 *
 * Each anchor (a literal that must occur in a field for a rule to match,
 * or a u64 value the field must equal) is reduced to one key: a gram of
 * the literal, eight case-folded bytes (hashed to 32 bits) if it is that
 * long, else four, picked where its bytes look rarest; or 32 bits of the
 * u64.  Keys, tagged with their (event type, field) and width, go into
 * one open-addressing hash table, each distinct (key, tag) once with the
 * list of its rules, and a bitmap of their hashes in front.  The matcher
 * slides four- and eight-byte windows over each string field that has
 * keys, folding as it reads; most positions cost one test of the bitmap
 * (two bits of one word), a hit one probe of the table, which walks
 * distinct keys only; a key found the first time in an evaluation brings
 * its rules, found again nothing, and a rule already brought is dropped
 * by its stamp.  Every rule whose key occurs is a candidate; the exact
 * evaluation decides, so chance hits cost time, never a wrong answer,
 * and an anchor always finds its rule.
 */
#ifndef VIGIL_PREFILTER_H
#define VIGIL_PREFILTER_H

#include "compat.h"
#include "schema.h"

/* Bytes of a gram; shorter literals cannot anchor a rule. */
#define VIGIL_GRAM_LEN		4U
/* Bytes of a wide gram, which literals at least that long use. */
#define VIGIL_GRAM_WIDE		8U

/* Candidate rules one event may collect before the matcher runs all. */
#define VIGIL_MATCH_MAX_HITS	32U

/* vigil_pf_ent.fk of an empty slot: event types start at 1 */
#define VIGIL_PF_EMPTY		0U
/* vigil_pf_ent.fk flag: the key is of a wide gram */
#define VIGIL_PF_WIDE		0x8000U

/**
 * vigil_pf_fk() - the tag of one (event type, field)
 * @type: event type
 * @field: field index
 *
 * Return: a number above VIGIL_PF_EMPTY (@type is at least 1) and below
 * VIGIL_PF_WIDE.
 */
static inline u16 vigil_pf_fk(u32 type, u32 field)
{
	BUILD_BUG_ON((VIGIL_EV_MAX + 1) * VIGIL_MAX_FIELDS > VIGIL_PF_WIDE);
	return type * VIGIL_MAX_FIELDS + field;
}

/**
 * struct vigil_pf_ent - one key of one rule
 * @key: from vigil_pf_gram() or vigil_pf_numkey()
 * @fk: vigil_pf_fk() of its field, with VIGIL_PF_WIDE for a wide gram;
 *	VIGIL_PF_EMPTY in a free slot
 * @rule: rule index (rules are fewer than 65537)
 */
struct vigil_pf_ent {
	u32 key;
	u16 fk;
	u16 rule;
};

/**
 * struct vigil_pf_key - a slot of the table: one distinct key
 * @key: from vigil_pf_gram() or vigil_pf_numkey()
 * @fk: as in struct vigil_pf_ent; VIGIL_PF_EMPTY in a free slot
 * @nm1: its rules, minus one: a key keeps at most VIGIL_MATCH_MAX_HITS
 *	+ 1, as more would overflow a candidate set all the same
 * @first: its rules are vigil_pf.rules[@first .. @first + @nm1]; being
 *	distinct, also the index of its stamp in an evaluation
 */
struct vigil_pf_key {
	u32 key;
	u16 fk;
	u16 nm1;
	u32 first;
};

/**
 * struct vigil_pf - the index, one allocation
 * @tab: 1 << @tbits slots, at most two thirds of them used, filled by
 *	Robin Hood linear probing: a key is never further from its home
 *	slot than the key it would pass, so a probe stops at the first
 *	slot whose key is nearer its own home than the probe has gone
 * @rules: the keys' rule lists, one after the other
 * @bitmap: 1 << @bbits bits: two bits of one word per key, from its hash
 * @tbits: log2 of the table size
 * @bbits: log2 of the bitmap size in bits
 * @nkeys: distinct keys
 * @nstamps: the stamps a scan needs: one per entry of @rules
 * @size: bytes of the allocation
 * @narrow: bit (fk % 64) for the tag fk of each narrow key: a scan skips
 *	the narrow windows of a field whose bit is clear
 * @wide: likewise for the wide keys
 * @probe_work: steps one probe is charged: the slots it may walk (the
 *	greatest distance of a key from its home, and two more: the slot
 *	there and the one that ends the walk) and the stamp of the key found
 */
struct vigil_pf {
	struct vigil_pf_key *tab;
	u16 *rules;
	u64 *bitmap;
	u32 tbits;
	u32 bbits;
	u32 nkeys;
	u32 nstamps;
	size_t size;
	u64 narrow;
	u64 wide;
	u32 probe_work;
};

#define VIGIL_PF_MUL		0x9e3779b1U
#define VIGIL_PF_SALT		0x85ebca77U

/* The hash of a key in its field: the table slot and bitmap bit. */
static inline u32 vigil_pf_hash(u32 key, u16 fk)
{
	return (key ^ (fk * VIGIL_PF_SALT)) * VIGIL_PF_MUL;
}

/* The key of a wide gram: 8 folded bytes, first in the low bits. */
static inline u32 vigil_pf_key8(u64 g)
{
	return (u32)((g * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* How far from its home slot the key in slot @slot of @pf's table is. */
static inline u32 vigil_pf_dist(const struct vigil_pf *pf, u32 slot)
{
	const struct vigil_pf_key *t = &pf->tab[slot];
	u32 home = vigil_pf_hash(t->key, t->fk) >> (32 - pf->tbits);

	return (slot - home) & ((1U << pf->tbits) - 1);
}

/*
 * Rules the keys found in one evaluation may bring, repeats included,
 * before the candidate set gives up (overflows): this bounds the set's
 * bookkeeping, a stamp test each, whatever the field holds.
 */
#define VIGIL_PF_MAX_TRIES	(4 * VIGIL_MATCH_MAX_HITS)

/**
 * struct vigil_cands - candidate rules of one event, on the caller's stack
 * @ids: the rule indexes, in the order found
 * @n: how many
 * @tries: rules brought so far, repeats included
 * @overflow: a rule did not fit, or the keys brought more than
 *	VIGIL_PF_MAX_TRIES; the set is incomplete
 * @key_seen: per distinct key, the generation of the evaluation that last
 *	found it (the matcher's scratch); NULL to stop at the first key found
 * @rule_seen: per rule, the generation that last added it; unused without
 *	@key_seen
 * @gen: this evaluation's generation
 */
struct vigil_cands {
	u32 ids[VIGIL_MATCH_MAX_HITS];
	u32 n;
	u32 tries;
	bool overflow;
	u32 *key_seen;
	u32 *rule_seen;
	u32 gen;
};

/**
 * vigil_cands_init() - an empty candidate set
 * @c: the set
 * @key_seen: see struct vigil_cands
 * @rule_seen: likewise
 * @gen: likewise
 */
static inline void vigil_cands_init(struct vigil_cands *c, u32 *key_seen,
				    u32 *rule_seen, u32 gen)
{
	c->n = 0;
	c->tries = 0;
	c->overflow = false;
	c->key_seen = key_seen;
	c->rule_seen = rule_seen;
	c->gen = gen;
}

/**
 * vigil_cands_add() - record a rule once
 * @c: the set, with stamps
 * @id: the rule index
 *
 * One stamp test; overflows the set past VIGIL_MATCH_MAX_HITS rules or
 * VIGIL_PF_MAX_TRIES calls.
 */
static inline void vigil_cands_add(struct vigil_cands *c, u32 id)
{
	if (++c->tries > VIGIL_PF_MAX_TRIES) {
		c->overflow = true;
		return;
	}
	if (c->rule_seen[id] == c->gen)
		return;
	if (c->n >= VIGIL_MATCH_MAX_HITS) {
		c->overflow = true;
		return;
	}
	c->rule_seen[id] = c->gen;
	c->ids[c->n++] = id;
}

/*
 * Allocations of the rule set compiler (ruleset.c and prefilter.c).  A
 * test sets vigil_compile_fail_nth to n > 0 to make the nth allocation
 * from then on fail, which proves that building is all or nothing; it is
 * 0 otherwise and costs a compare.
 */
extern unsigned int vigil_compile_fail_nth;

static inline void *vigil_compile_alloc(size_t size)
{
	if (unlikely(vigil_compile_fail_nth) && !--vigil_compile_fail_nth)
		return NULL;
	return vigil_alloc(size);
}

/* Likewise, for memory the caller writes before it reads it. */
static inline void *vigil_compile_alloc_uninit(size_t size)
{
	if (unlikely(vigil_compile_fail_nth) && !--vigil_compile_fail_nth)
		return NULL;
	return vigil_alloc_uninit(size);
}

/* Likewise, a larger copy of @p; on failure @p stays as it was. */
static inline void *vigil_compile_realloc(void *p, size_t old, size_t size)
{
	if (unlikely(vigil_compile_fail_nth) && !--vigil_compile_fail_nth)
		return NULL;
	return vigil_realloc(p, old, size);
}

/**
 * vigil_pf_size() - bytes vigil_pf_build() allocates for some keys
 * @n: their number
 *
 * Return: the size; 0 for no keys.
 */
size_t vigil_pf_size(u32 n);

/**
 * vigil_pf_scan_work() - steps one scan of a string field costs at most
 * @pf: the index
 * @fk: vigil_pf_fk() of the field
 * @n: its length
 *
 * Return: per width of key the field has, a step per window and a probe
 * (@pf->probe_work) per window.  The rules the keys bring, a stamp test
 * each and at most VIGIL_PF_MAX_TRIES an evaluation, are paid for by the
 * event's setup (VIGIL_WORK_EVENT).
 */
u64 vigil_pf_scan_work(const struct vigil_pf *pf, u16 fk, u32 n);

u32 vigil_pf_gram(const u8 *lit, u32 len, bool *wide);
u32 vigil_pf_numkey(u64 x);
int vigil_pf_build(struct vigil_pf *pf, const struct vigil_pf_ent *ents,
		   u32 n);
void vigil_pf_free(struct vigil_pf *pf);
void vigil_pf_scan_str(const struct vigil_pf *pf, u16 fk, const u8 *s, u32 n,
		       struct vigil_cands *c);
void vigil_pf_scan_num(const struct vigil_pf *pf, u16 fk, u64 x,
		       struct vigil_cands *c);

/**
 * vigil_pf_has() - whether a key is in the table
 * @pf: the index
 * @h: vigil_pf_hash() of the key in its field
 * @key: the key
 * @fk: its tag, as in struct vigil_pf_ent
 *
 * Walks at most @pf->probe_work slots.
 *
 * Return: true if (@key, @fk) is one of @pf's keys.
 */
bool vigil_pf_has(const struct vigil_pf *pf, u32 h, u32 key, u16 fk);

#endif /* VIGIL_PREFILTER_H */
