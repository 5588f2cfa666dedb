/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compact, case-folded Aho-Corasick automaton: the matcher's prefilter.
 * Private to loader/.
 *
 * Nodes are numbered breadth-first, so the children of a node are
 * consecutive and sorted by their byte; a transition is a binary search
 * over them (the root alone has a 256-entry table).  A text is scanned with
 * failure links, which costs amortised O(1) node steps per byte.  Each node
 * also knows the nearest terminal on its failure chain, and each terminal
 * the next one, so every pattern that ends at a text position is found
 * without walking non-terminal nodes.
 */
#ifndef VIGIL_AC_H
#define VIGIL_AC_H

#include "compat.h"

#define VIGIL_AC_NONE	0xffffffffU

/**
 * struct vigil_ac_node - one state
 * @child: index of the first child; children are consecutive, by label
 * @fail: failure link: longest proper suffix of this state that is a state
 * @out: nearest terminal (number, not node) on the failure chain, this
 *	state included, or VIGIL_AC_NONE
 * @nchild: number of children (0..256)
 * @label: the byte on the edge into this state
 * @reserved: zero
 */
struct vigil_ac_node {
	u32 child;
	u32 fail;
	u32 out;
	u16 nchild;
	u8 label;
	u8 reserved;
};

/**
 * struct vigil_ac - an automaton, one allocation
 * @size: bytes of the allocation
 * @nnodes: number of states, the root (0) included
 * @nterm: number of terminals (distinct patterns)
 * @nodes: the states, breadth-first
 * @term_next: per terminal, the next terminal on the failure chain of its
 *	node, or VIGIL_AC_NONE
 * @root: the root's transitions: child index, or 0 for none
 */
struct vigil_ac {
	size_t size;
	u32 nnodes;
	u32 nterm;
	struct vigil_ac_node *nodes;
	u32 *term_next;
	u16 root[256];
};

/**
 * struct vigil_ac_pat - a pattern to build an automaton from
 * @s: the bytes (folded by the builder)
 * @len: their number, 1..VIGIL_AC_MAX_PAT
 */
struct vigil_ac_pat {
	const u8 *s;
	u32 len;
};

#define VIGIL_AC_MAX_PAT	256U

/**
 * struct vigil_hits - a small set of hit ids, on the caller's stack
 * @ids: room for @cap ids
 * @n: ids recorded
 * @cap: room
 * @overflow: an id did not fit; the set is incomplete
 * @bloom: bit (id % 64) for each recorded id: skips most lookups
 */
struct vigil_hits {
	u32 *ids;
	u32 n;
	u32 cap;
	bool overflow;
	u64 bloom;
};

/**
 * vigil_hits_add() - record an id once
 * @h: the set
 * @id: the id
 *
 * Return: true if @id was new and recorded; false if it was present, or
 * if the set is full (then @h->overflow is set).
 */
static inline bool vigil_hits_add(struct vigil_hits *h, u32 id)
{
	u64 bit = 1ULL << (id & 63);
	u32 i;

	if (h->bloom & bit) {
		for (i = 0; i < h->n; i++) {
			if (h->ids[i] == id)
				return false;
		}
	}
	if (h->n >= h->cap) {
		h->overflow = true;
		return false;
	}
	h->bloom |= bit;
	h->ids[h->n++] = id;
	return true;
}

/*
 * Allocations of the rule set compiler (ruleset.c and this file).  A test
 * sets vigil_compile_fail_nth to n > 0 to make the nth allocation from
 * then on fail, which proves that building is all or nothing; it is 0
 * otherwise and costs a compare.
 */
extern unsigned int vigil_compile_fail_nth;

static inline void *vigil_compile_alloc(size_t size)
{
	if (unlikely(vigil_compile_fail_nth) && !--vigil_compile_fail_nth)
		return NULL;
	return vigil_alloc(size);
}

int vigil_ac_build(const struct vigil_ac_pat *pats, u32 n, u32 *term,
		   struct vigil_ac **out);
void vigil_ac_free(struct vigil_ac *ac);
void vigil_ac_scan(const struct vigil_ac *ac, const u8 *s, u32 n, u32 base,
		   struct vigil_hits *h);

#endif /* VIGIL_AC_H */
