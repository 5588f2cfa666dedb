/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Substring sets: every `contains` value of one (event type, field, case)
 * of a rule set in one Aho-Corasick automaton, so that a field is scanned
 * once per event however many values look into it; the middles of globs
 * of two runs of stars ("/tmp/ * /x * .sh" without the blanks) in one
 * automaton per (event type, field, case, prefix length), which scans the
 * field from that byte on.  Private to loader/.
 *
 * The automaton is a trie of the distinct patterns in breadth-first
 * order, so that the children of a state are consecutive states sorted by
 * the byte that leads to them (found by binary search), with a failure
 * link per state (the longest proper suffix of its path that is also a
 * path) and an output link (the nearest state on its failure chain,
 * itself included, where a pattern ends).  The root has a table of its
 * children by byte.
 *
 * A scan reads each byte of the field once; it follows at most as many
 * failure links in all as bytes it read, so it makes at most 2n child
 * lookups on n bytes; after each byte it walks the output chain of its
 * state, stamping each pattern it finds with the event's generation and
 * where it ends, and stops at the first pattern already stamped: that
 * one was found before, and with it every pattern further down its
 * chain (its suffixes).  So the walks visit at most @chain patterns a
 * byte, and in all at most one a byte more than the automaton has.
 * vigil_sub_work() charges that, whatever the field holds.
 */
#ifndef VIGIL_SUBSTR_H
#define VIGIL_SUBSTR_H

#include "compat.h"
#include "limits.h"
#include "schema.h"

/**
 * struct vigil_sub_state - one state of a substring automaton
 * @first: its first child (an index into the rule set's states); children
 *	are @first .. @first + @nchild - 1, in byte order
 * @fail: the state of its longest proper suffix that is a path
 * @out: the nearest state on its failure chain, itself included, where a
 *	pattern ends; 0 if none (0 is a root, where none ends)
 * @pat: the pattern that ends here, as an index into the rule set's
 *	patterns; meaningful when @out is the state itself
 * @nchild: number of children, 0..256
 * @label: the byte that leads here from the parent
 * @reserved: zero
 */
struct vigil_sub_state {
	u32 first;
	u32 fail;
	u32 out;
	u32 pat;
	u16 nchild;
	u8 label;
	u8 reserved;
};

/**
 * struct vigil_sub - the automaton of one (event type, field, case)
 * @root: index of its root state
 * @nstates: number of its states, the root included
 * @chain: the most patterns that end at one position of a field (the
 *	longest output chain)
 * @type: the event type
 * @field: the field's index
 * @nocase: ASCII case-insensitive: patterns and field are folded
 * @skip: the scan starts at this byte of the field: 0 for contains
 *	values, the prefix length for glob middles
 * @reserved: zero
 * @pat_first: its patterns are @pat_first .. @pat_first + @npat - 1
 * @npat: how many
 * @next: the root's child by byte; @root where there is none
 */
struct vigil_sub {
	u32 root;
	u32 nstates;
	u32 chain;
	u16 type;
	u8 field;
	u8 nocase;
	u16 skip;
	u16 reserved;
	u32 pat_first;
	u32 npat;
	u32 next[256];
};

/**
 * struct vigil_sub_pat - a contains value on its way into an automaton
 * @key: its (type, field, case), vigil_sub_key(); the entries are sorted
 *	by key, then by @skip, then by pattern
 * @skip: where in the field the scan for it starts
 * @len: the pattern's length, 1..VIGIL_MAX_PATTERN_LEN
 * @p: the pattern
 * @vi: the value's index, or VIGIL_SUB_GLOB and the offset of a glob's
 *	compiled form
 * @id: out: the index of its pattern (equal patterns share one); the
 *	compiler keeps a run's state count in its first entry's until then
 * @head: its first eight bytes (folded for nocase), first byte highest,
 *	zeros past its end: vigil_sub_head()
 */
struct vigil_sub_pat {
	u32 key;
	u16 skip;
	u16 len;
	u64 head;
	const u8 *p;
	u32 vi;
	u32 id;
};

/* vigil_sub_pat.vi of a glob's middle: the rest is its form's offset */
#define VIGIL_SUB_GLOB	(1U << 31)

/* The key of a (type, field, case); its low bit is the case. */
static inline u32 vigil_sub_key(u32 type, u32 field, bool nocase)
{
	return (type * VIGIL_MAX_FIELDS + field) << 1 | nocase;
}

/*
 * Steps of visiting one pattern on an output chain: two dependent reads
 * of states and a stamp, measured at about three times a child lookup.
 */
#define VIGIL_WORK_OUT		3U

/**
 * vigil_sub_work() - steps of scanning @n bytes with automaton @g
 * @g: the automaton
 * @n: the field's length
 *
 * Return: with m the bytes from @g->skip on: 1, two child lookups a byte,
 * and VIGIL_WORK_OUT a pattern visited, at most min(m x @g->chain, m +
 * @g->npat) of them.
 */
static inline u64 vigil_sub_work(const struct vigil_sub *g, u32 n)
{
	u64 m = n > g->skip ? n - g->skip : 0;

	return 1 + 2 * m + VIGIL_WORK_OUT * min(m * g->chain, m + g->npat);
}

/* u32 words of scratch vigil_sub_build() needs for @nodes states */
#define VIGIL_SUB_TMP_WORDS(nodes) \
	(5 * (size_t)(nodes) + 2 * (VIGIL_MAX_PATTERN_LEN + 2))

void vigil_sub_head(struct vigil_sub_pat *sp);
int vigil_sub_cmp(const void *a, const void *b);
void vigil_sub_sort(struct vigil_sub_pat *sp, u32 n,
		    struct vigil_sub_pat *tmp);
u32 vigil_sub_count(const struct vigil_sub_pat *pats, u32 n);
void vigil_sub_build(struct vigil_sub *g, struct vigil_sub_state *st,
		     struct vigil_sub_pat *pats, u32 n, u32 nodes, u32 *tmp);
void vigil_sub_scan(const struct vigil_sub *g,
		    const struct vigil_sub_state *st, const u8 *s, u32 n,
		    u32 *stamp, u16 *end, u32 gen);

#endif /* VIGIL_SUBSTR_H */
