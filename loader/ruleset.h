/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiled, in-memory form of a rule set: private to loader/
 * (ruleset.c builds it, match.c runs it).
 *
 * Rules are kept per event type, in rule order.  Each rule is a postfix
 * program of struct vr_insn; every instruction knows the instruction that
 * consumes its value, so evaluation can short-circuit AND and OR.  Each
 * predicate's values are prepared for its operator (folded copies for
 * nocase, KMP tables for contains, compiled globs).
 *
 * The prefilter: from each rule's expression the compiler derives a set of
 * anchors, literals (or u64 values) of which at least one must occur in the
 * event for the rule to match.  Anchors of one event type and field go
 * into one Aho-Corasick automaton (strings) or sorted table (u64
 * equality), whose hits are "outputs"; each output lists the rules it
 * anchors.  The matcher evaluates only the rules of the outputs that hit,
 * plus the rules that have no anchors, merged back into rule order.
 */
#ifndef VIGIL_RULESET_H
#define VIGIL_RULESET_H

#include "ac.h"
#include "loader.h"
#include "strmatch.h"

/*
 * Anchor literals longer than this keep only their last bytes: a suffix
 * of an anchor occurs wherever the anchor does, and the end of a path or
 * a command line tends to tell rules apart better than its beginning.
 */
#define VIGIL_ANCHOR_MAX	16U

/* Distinct outputs one event may hit before the matcher evaluates all. */
#define VIGIL_MATCH_MAX_HITS	32U

/**
 * struct vr_val - one prepared predicate value
 * @num: u64 operators: the operand
 * @s: eq, prefix, suffix: the pattern, folded if nocase (then a copy in
 *	the pool, else in the payload's string table); contains: a copy in
 *	the pool followed by its KMP failure table; address operators: the
 *	16 bytes of the address
 * @glob: glob: the compiled pattern, in the pool
 * @len: string operators: pattern length; address operators: prefix
 *	length (128 for eq)
 * @reserved: zero
 */
struct vr_val {
	union {
		u64 num;
		const u8 *s;
		const struct vigil_glob *glob;
	};
	u32 len;
	u32 reserved;
};

/**
 * struct vr_insn - one instruction of a rule's postfix program
 * @kind: enum vigil_node_kind
 * @op: PRED: enum vigil_op
 * @flags: PRED: VIGIL_PRED_*
 * @ftype: PRED: enum vigil_ftype of the field
 * @parent: index (in the rule) of the instruction that pops this one's
 *	value; its own index for the last instruction
 * @base: AND/OR/NOT: stack depth below its first operand
 * @field: PRED: field index
 * @argc: PRED: number of values; AND/OR/NOT: number of operands
 * @reserved: zero
 * @val: PRED: index of the first value in vigil_ruleset.vals
 */
struct vr_insn {
	u8 kind;
	u8 op;
	u8 flags;
	u8 ftype;
	u8 parent;
	u8 base;
	u16 field;
	u16 argc;
	u16 reserved;
	u32 val;
};

/**
 * struct vr_rule - one rule
 * @id: rule id
 * @insn: index of its first instruction in vigil_ruleset.insns
 * @ninsn: number of instructions
 * @type: event type
 * @action: enum vigil_action
 * @severity: enum vigil_severity
 * @anchored: the prefilter decides whether it is evaluated
 */
struct vr_rule {
	u32 id;
	u32 insn;
	u16 ninsn;
	u16 type;
	u8 action;
	u8 severity;
	u8 anchored;
};

/**
 * struct vr_acidx - the string anchors of one (event type, field)
 * @ac: their automaton
 * @base: output id of the automaton's terminal 0
 * @field: field index
 */
struct vr_acidx {
	struct vigil_ac *ac;
	u32 base;
	u16 field;
};

/**
 * struct vr_numidx - the u64 equality anchors of one (event type, field)
 * @keys: distinct values, ascending
 * @n: number of @keys
 * @base: output id of @keys[0]; the others follow
 * @field: field index
 */
struct vr_numidx {
	const u64 *keys;
	u32 n;
	u32 base;
	u16 field;
};

/**
 * struct vr_type - the rules of one event type
 * @rules: their indexes, in rule order
 * @nrules: how many
 * @always: the rules without anchors, in rule order
 * @nalways: how many
 * @ac: automata, one per string field with anchors
 * @nac: how many
 * @num: u64 tables, one per u64 field with anchors
 * @nnum: how many
 */
struct vr_type {
	const u32 *rules;
	u32 nrules;
	const u32 *always;
	u32 nalways;
	const struct vr_acidx *ac;
	u32 nac;
	const struct vr_numidx *num;
	u32 nnum;
};

struct vr_chunk;

/**
 * struct vigil_ruleset - a compiled rule set
 * @nrules: number of rules
 * @rules: the rules
 * @insns: all programs
 * @vals: all prepared values
 * @lists: storage of vr_type.rules and .always
 * @core: the one allocation that holds @vals, @insns, @rules and @lists
 * @chunks: the pool: folded patterns, KMP tables, globs (8-byte aligned)
 * @nouts: number of prefilter outputs
 * @out_first: @nouts + 1 offsets into @out_rules
 * @out_rules: per output, the rules it anchors, ascending, then
 *	VIGIL_AC_NONE
 * @types: per event type
 * @acs: all automata (vr_type.ac points into it)
 * @nacs: how many
 * @nums: all u64 tables (vr_type.num points into it)
 * @nnums: how many
 * @num_keys: storage of vr_numidx.keys
 * @mem: bytes allocated for all of the above
 */
struct vigil_ruleset {
	u32 nrules;
	struct vr_rule *rules;
	struct vr_insn *insns;
	struct vr_val *vals;
	u32 *lists;
	void *core;
	struct vr_chunk *chunks;
	u32 nouts;
	u32 *out_first;
	u32 *out_rules;
	struct vr_type types[VIGIL_EV_MAX + 1];
	struct vr_acidx *acs;
	u32 nacs;
	struct vr_numidx *nums;
	u32 nnums;
	u64 *num_keys;
	size_t mem;
};

#endif /* VIGIL_RULESET_H */
