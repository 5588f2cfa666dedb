/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiled, in-memory form of a rule set: private to loader/
 * (ruleset.c builds it, match.c runs it).
 *
 * The matcher interprets the payload's own records (struct vigil_node_rec,
 * struct vigil_value_rec, the string table) in place: compiling checks
 * every index, length, kind and count they hold once, so they need no
 * second form.  What is built beside them:
 *
 *  - per rule, its id, action, severity, node range and event type;
 *  - per event type, its rules and its rules without anchors, in rule
 *    order, as ranges of one flat array;
 *  - per value of a glob predicate, the offset in one pool of its
 *    compiled form; per value of a contains predicate, the index of its
 *    pattern in the substring automaton of its (event type, field, case)
 *    (substr.h), which finds all of them in one pass over the field;
 *  - the prefilter (prefilter.h).  From each rule's expression the
 *    compiler derives a set of anchors, literals (or u64 values) of which
 *    at least one must occur in the event for the rule to match: a
 *    predicate with a string operator gives its values' literals (any of
 *    them; with VIGIL_PRED_ALL the best one), a u64 equality its values,
 *    AND the best of its operands' sets, OR the union of them all, NOT
 *    nothing.  Each anchor is one key of the gram index; a literal shorter
 *    than a gram leaves its predicate without anchors.  The matcher
 *    evaluates only the rules whose keys occur, plus the rules that have
 *    no anchors, merged back into rule order.
 */
#ifndef VIGIL_RULESET_H
#define VIGIL_RULESET_H

#include "loader.h"
#include "prefilter.h"
#include "strmatch.h"
#include "substr.h"

/**
 * struct vr_rule - one rule
 * @id: rule id
 * @node: index of its first node in the payload's nodes
 * @nnodes: number of nodes
 * @type: event type
 * @action: enum vigil_action
 * @severity: enum vigil_severity
 * @anchored: the prefilter decides whether it is evaluated
 * @reserved: zero
 */
struct vr_rule {
	u32 id;
	u32 node;
	u16 nnodes;
	u16 type;
	u8 action;
	u8 severity;
	u8 anchored;
	u8 reserved;
};

/**
 * struct vr_type - the rules of one event type
 * @first: its rules: vigil_ruleset.order[@first .. @first + @n)
 * @n: how many
 * @afirst: its rules without anchors, likewise
 * @na: how many
 * @strmask: bit f: string field f has prefilter keys
 * @nummask: bit f: u64 field f has prefilter keys
 * @scan_max: the most the prefilter's scans of one event may be charged:
 *	an event whose keyed fields would cost more to scan has every rule
 *	evaluated instead (@rules_work, unless a test asked for more);
 *	vigil_match_may() scans up to vr_may_max()
 * @may_len: the longest field vigil_match_may() scans, if it scans this
 *	type: a longer one costs more than vr_may_max()
 * @costliest: index of its rule with the highest bound
 * @work: the proven bound of one event of this type (vigil_ruleset_work())
 * @rules_work: the part of @work its rules take
 * @costliest_work: the bound of rule @costliest
 * @sub_work: the part of @work its substring scans take
 * @whole: its rules are too few for the prefilter to pay
 *	(VIGIL_SCAN_MIN_RULES): vigil_match() evaluates them all, which
 *	@work allows for as it allows for a scan
 */
struct vr_type {
	u32 first;
	u32 n;
	u32 afirst;
	u32 na;
	u32 strmask;
	u32 nummask;
	u64 scan_max;
	u32 may_len;
	u32 costliest;
	u64 work;
	u64 rules_work;
	u64 costliest_work;
	u64 sub_work;
	bool whole;
};

/**
 * struct vigil_ruleset - a compiled rule set
 * @nrules: number of rules
 * @recs: the payload's rules
 * @nodes: the payload's nodes
 * @values: the payload's values
 * @strtab: the payload's string table
 * @rules: per rule
 * @order: rule indexes by event type, then those without anchors
 * @prep: per value, the offset of its compiled glob in @pool, or its
 *	pattern's index (contains)
 * @core: the one allocation that holds @rules, @order and @prep
 * @pool: compiled globs, each 8-byte aligned
 * @subs: the substring automata, one per (type, field, case) that has
 *	contains values
 * @nsubs: how many
 * @states: their states
 * @npat: their distinct patterns, all together
 * @sub_of: by vigil_sub_key() of a type, field and case, the index + 1
 *	of its automaton in @subs, or 0
 * @scratch: per CPU, @swords 32-bit words: the generation of the
 *	evaluation under way; per automaton the generation it last
 *	scanned; per pattern the generation it was last found (from
 *	@sc_pat); per prefilter key likewise (from @sc_key); per rule the
 *	generation that made it a candidate (from @sc_rule); per pattern,
 *	as u16, where it was first found (from @sc_end).  A generation is
 *	never 0: when the count wraps, the stamps are cleared.
 * @swords: words of @scratch per CPU
 * @sc_pat: where in a CPU's scratch the patterns' stamps start
 * @sc_key: where the prefilter keys' stamps start
 * @sc_rule: where the rules' stamps start
 * @sc_end: where the patterns' first ends start
 * @pf: the prefilter
 * @types: per event type
 * @mem: bytes allocated for all of the above
 */
struct vigil_ruleset {
	u32 nrules;
	const struct vigil_rule_rec *recs;
	const struct vigil_node_rec *nodes;
	const struct vigil_value_rec *values;
	const u8 *strtab;
	struct vr_rule *rules;
	u32 *order;
	u32 *prep;
	void *core;
	u8 *pool;
	struct vigil_sub *subs;
	u32 nsubs;
	struct vigil_sub_state *states;
	u32 npat;
	u16 sub_of[(VIGIL_EV_MAX + 1) * VIGIL_MAX_FIELDS * 2];
	u32 *scratch;
	u32 swords;
	u32 sc_pat;
	u32 sc_key;
	u32 sc_rule;
	u32 sc_end;
	struct vigil_pf pf;
	struct vr_type types[VIGIL_EV_MAX + 1];
	size_t mem;
};

/*
 * The matcher's work, in steps: channels/FORMAT.md, "Work", says what a
 * step is and how each part of the matcher is charged.  The validator and
 * the compiler charge every rule its worst case (vr_value_work_max(), any
 * field at VIGIL_MAX_FIELD_LEN bytes); the matcher charges what it is
 * about to do (vr_value_work()) before it does it, so that it never does
 * more than the bound, and stops at its budget.
 */
/*
 * Once per event and rule set: checks, and the candidates' bookkeeping
 * (at most VIGIL_PF_MAX_TRIES rules brought, a stamp test each, and at
 * most VIGIL_MATCH_MAX_HITS sorted and merged with the rules without
 * anchors).
 */
#define VIGIL_WORK_EVENT	2048U
/*
 * Rules an event type needs before vigil_match() scans with the
 * prefilter: a scan costs about what one to three rules do (a 17-byte
 * path: some 1,100 instructions), and fewer rules than this rarely let
 * it skip that many.
 */
#define VIGIL_SCAN_MIN_RULES	8U
/* Bytes compared in one step of eq, prefix and suffix. */
#define VIGIL_WORK_WORD		8U

/*
 * Steps of a rule itself, before its values: its setup, and each node's
 * dispatch (measured: a rule of one predicate takes about as long as
 * fifteen probe-free windows of a scan).
 */
#define VIGIL_WORK_RULE		8U
#define VIGIL_WORK_NODE		4U

static inline u64 vr_rule_work(u32 nnodes)
{
	return VIGIL_WORK_RULE + (u64)VIGIL_WORK_NODE * nnodes;
}

/*
 * Steps of one value of a string predicate with operator @op, pattern @m
 * bytes long, on a field of @n bytes; @gwords is the state words of a
 * compiled glob.  A contains value only reads what the scan of its
 * automaton found: that scan, once per event, is charged apart
 * (vigil_sub_work()).
 */
static inline u64 vr_value_work(u8 op, u32 m, u32 n, u32 gwords)
{
	switch (op) {
	case VIGIL_OP_EQ:
		return 1 + (n == m ? (m + VIGIL_WORK_WORD - 1) / VIGIL_WORK_WORD : 0);
	case VIGIL_OP_PREFIX:
	case VIGIL_OP_SUFFIX:
		return 1 + (n >= m ? (m + VIGIL_WORK_WORD - 1) / VIGIL_WORK_WORD : 0);
	case VIGIL_OP_CONTAINS:
		return 1;	/* a stamp read; the scan is its automaton's */
	case VIGIL_OP_GLOB:
		return 1 + (u64)n * gwords * VIGIL_WORK_NFA;
	}
	return 1;	/* u64 and addr operators */
}

/*
 * The most one value can cost on any event, from its pattern @p of @m
 * bytes alone: a glob of literals and at most two runs of stars
 * (vigil_glob_affix()) its ends in eight-byte steps, and 1 to read its
 * middle's stamp if it has one (the scan is its automaton's); any other
 * has at most @m atoms, so at most ceil(@m / 64) state words.
 */
static inline u64 vr_value_work_max(u8 op, bool str, const u8 *p, u32 m)
{
	struct vigil_glob_shape sh;
	int a;

	if (!str)
		return 1;
	a = op == VIGIL_OP_GLOB ? vigil_glob_affix(p, m, &sh) : VIGIL_GLOB_NFA;
	if (a)
		return 1 + (sh.plen + 7) / 8 + (sh.slen + 7) / 8 +
		       (a == VIGIL_GLOB_MID);
	return vr_value_work(op, m, op == VIGIL_OP_EQ ? m : VIGIL_MAX_FIELD_LEN,
			     (m + 63) / 64);
}

/*
 * The prefilter is worth its scans only while they cost less than
 * evaluating every rule would: an event whose keyed fields are long
 * enough to cost more has every rule evaluated instead.  A test sets
 * vigil_pf_always before compiling to have every event scanned.
 */
extern bool vigil_pf_always;

/*
 * The most vigil_match_may() scans: when it says maybe, its caller builds
 * the event and vigil_match() evaluates it, which costs the event's setup
 * and the rules (the scan's limit in vigil_match()) at most.
 */
static inline u64 vr_may_max(const struct vr_type *ty)
{
	return ty->scan_max > U64_MAX - VIGIL_WORK_EVENT ?
	       U64_MAX : ty->scan_max + VIGIL_WORK_EVENT;
}

/* Take @steps from @w, or mark it over and take nothing. */
static inline bool vr_charge(struct vigil_work *w, u64 steps)
{
	if (unlikely(steps > w->left)) {
		w->over = true;
		w->left = 0;
		return false;
	}
	w->left -= steps;
	return true;
}

int vigil_ruleset_build(const u8 *p, size_t len, size_t mem_limit,
			struct vigil_ruleset **out, struct vigil_error *err);

#endif /* VIGIL_RULESET_H */
