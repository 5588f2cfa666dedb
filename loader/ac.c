// SPDX-License-Identifier: GPL-2.0
/*
 * Aho-Corasick automaton for the prefilter; see ac.h.
 *
 * Building takes time linear in the total pattern length, in two steps.
 * The folded patterns are sorted (MSD radix sort, small ranges by
 * insertion).  Then the automaton is grown breadth-first straight into its
 * final layout: each state stands for a range of the sorted patterns that
 * share its prefix, and its children are the runs of that range with the
 * same next byte, appended in byte order.  A state's failure link is
 * computed when its turn comes, from shallower states that are complete.
 * No intermediate trie is built and nothing is renumbered.
 */
#include "ac.h"
#include "strmatch.h"

unsigned int vigil_compile_fail_nth;

struct vigil_ac_key {
	u32 off;
	u32 len;
};

/* Build state, one allocation. */
struct vigil_ac_tmp {
	struct vigil_ac_key *keys;	/* per pattern: its folded bytes */
	u8 *kbuf;			/* the folded bytes */
	u32 *idx;			/* patterns, sorted */
	u32 *idx2;			/* radix scratch */
	u32 *stack;			/* radix work list: lo, hi, depth */
	u32 *lo;			/* per state: its range of idx[] */
	u32 *hi;
	u32 *parent;			/* per state */
	u16 *depth;			/* per state */
	struct vigil_ac_key *skeys;	/* the keys in sorted order */
	u8 *sbuf;			/* their bytes, in that order */
	u32 cnt[257];			/* radix buckets, zero between uses */
};

/* Byte @d of key @k as a radix digit: 0 past the end, else 1 + byte. */
static u32 vigil_ac_digit(const struct vigil_ac_tmp *t, u32 k, u32 d)
{
	const struct vigil_ac_key *key = &t->keys[k];

	return d < key->len ? 1 + t->kbuf[key->off + d] : 0;
}

/* Key order from byte @d on: bytes, then the shorter first. */
static bool vigil_ac_less(const struct vigil_ac_tmp *t, u32 a, u32 b, u32 d)
{
	const struct vigil_ac_key *ka = &t->keys[a], *kb = &t->keys[b];
	const u8 *pa = t->kbuf + ka->off, *pb = t->kbuf + kb->off;
	u32 n = min(ka->len, kb->len);

	for (; d < n; d++) {
		if (pa[d] != pb[d])
			return pa[d] < pb[d];
	}
	return ka->len < kb->len;
}

/*
 * Sort the patterns: MSD radix sort with an explicit work list, small
 * ranges by insertion.  Each pattern is looked at about once per byte of
 * its distinguishing prefix.  The pending ranges are disjoint and hold at
 * least two patterns each, so the list never holds more than n / 2.
 */
static void vigil_ac_sort(struct vigil_ac_tmp *t, u32 n)
{
	u32 *idx = t->idx, *tmp = t->idx2, *cnt = t->cnt, *stk = t->stack;
	u32 sp = 0, lo, hi, d, i, j, b, sum, x, bmin, bmax, start;

	for (i = 0; i < n; i++)
		idx[i] = i;
	if (n > 1) {
		stk[sp++] = 0;
		stk[sp++] = n;
		stk[sp++] = 0;
	}
	while (sp) {
		d = stk[--sp];
		hi = stk[--sp];
		lo = stk[--sp];
		if (hi - lo <= 8) {
			for (i = lo + 1; i < hi; i++) {
				x = idx[i];
				for (j = i; j > lo && vigil_ac_less(t, x, idx[j - 1],
								   d); j--)
					idx[j] = idx[j - 1];
				idx[j] = x;
			}
			continue;
		}
		/* cnt[] is all zero between ranges: only [bmin, bmax] is used */
		bmin = 256;
		bmax = 0;
		for (i = lo; i < hi; i++) {
			b = vigil_ac_digit(t, idx[i], d);
			cnt[b]++;
			bmin = min(bmin, b);
			bmax = max(bmax, b);
		}
		for (b = bmin, sum = lo; b <= bmax; b++) {
			x = cnt[b];
			cnt[b] = sum;
			sum += x;
		}
		for (i = lo; i < hi; i++)
			tmp[cnt[vigil_ac_digit(t, idx[i], d)]++] = idx[i];
		memcpy(idx + lo, tmp + lo, (hi - lo) * sizeof(u32));
		/* cnt[b] is now the end of bucket b; bucket 0 is all equal */
		for (b = bmin, start = lo; b <= bmax; b++) {
			if (b && cnt[b] - start > 1) {
				stk[sp++] = start;
				stk[sp++] = cnt[b];
				stk[sp++] = d + 1;
			}
			start = cnt[b];
			cnt[b] = 0;
		}
	}
}

/*
 * Child of state @s on byte @c.  Most states have one child or a few: a
 * scan; wider ones a binary search written so that it does not branch on
 * the data.
 */
static u32 vigil_ac_child(const struct vigil_ac_node *nodes, u32 s, u8 c)
{
	const struct vigil_ac_node *n = &nodes[s];
	const struct vigil_ac_node *base = &nodes[n->child];
	u32 len = n->nchild, half;

	if (len <= 4) {
		for (; len; len--, base++) {
			if (base->label == c)
				return base - nodes;
		}
		return VIGIL_AC_NONE;
	}
	while (len > 1) {
		half = len / 2;
		base = base[half - 1].label < c ? base + half : base;
		len -= half;
	}
	return base->label == c ? base - nodes : VIGIL_AC_NONE;
}

/* Transition of the complete automaton (failure links followed). */
static u32 vigil_ac_step(const struct vigil_ac *ac, u32 s, u8 c)
{
	u32 t;

	for (;;) {
		if (!s)
			return ac->root[c];
		t = vigil_ac_child(ac->nodes, s, c);
		if (t != VIGIL_AC_NONE)
			return t;
		s = ac->nodes[s].fail;
	}
}

/* States and distinct patterns of the sorted set. */
static void vigil_ac_count(const struct vigil_ac_tmp *t, u32 n, u32 *nn,
			   u32 *nterm)
{
	const struct vigil_ac_key *k, *prev = NULL;
	u32 i, lcp;

	*nn = 1;
	*nterm = 0;
	for (i = 0; i < n; i++, prev = k) {
		k = &t->skeys[i];
		lcp = 0;
		if (prev) {
			u32 m = min(k->len, prev->len);
			const u8 *a = t->sbuf + k->off, *b = t->sbuf + prev->off;

			while (lcp < m && a[lcp] == b[lcp])
				lcp++;
		}
		*nn += k->len - lcp;
		if (!prev || lcp != k->len || k->len != prev->len)
			(*nterm)++;
	}
}

/* Byte @d of the pattern at sorted position @i. */
static u8 vigil_ac_byte(const struct vigil_ac_tmp *t, u32 i, u32 d)
{
	return t->sbuf[t->skeys[i].off + d];
}

/* Lay the keys out in sorted order, so that growing reads them in order. */
static void vigil_ac_resort(struct vigil_ac_tmp *t, u32 n)
{
	u32 i, at = 0;

	for (i = 0; i < n; i++) {
		const struct vigil_ac_key *k = &t->keys[t->idx[i]];

		t->skeys[i].off = at;
		t->skeys[i].len = k->len;
		memcpy(t->sbuf + at, t->kbuf + k->off, k->len);
		at += k->len;
	}
}

/* Grow the automaton breadth-first (see the top of this file). */
static void vigil_ac_grow(struct vigil_ac *ac, struct vigil_ac_tmp *t,
			  u32 *term)
{
	struct vigil_ac_node *nodes = ac->nodes;
	u16 *depth = t->depth;
	u32 nn = 1, nt = 0, v, i, j, d, hi, f, tn, x;
	u8 c;

	t->lo[0] = 0;
	depth[0] = 0;
	nodes[0].out = VIGIL_AC_NONE;
	for (v = 0; v < nn; v++) {
		d = depth[v];
		i = t->lo[v];
		hi = t->hi[v];
		/* the patterns that end here come first in the range */
		tn = VIGIL_AC_NONE;
		for (; i < hi && t->skeys[i].len == d; i++) {
			if (tn == VIGIL_AC_NONE)
				tn = nt++;
			term[t->idx[i]] = tn;
		}
		if (v) {
			/* failure link: every shallower state is complete */
			f = t->parent[v] ? vigil_ac_step(ac,
							 nodes[t->parent[v]].fail,
							 nodes[v].label) : 0;
			nodes[v].fail = f;
			nodes[v].out = nodes[f].out;
			if (tn != VIGIL_AC_NONE) {
				ac->term_next[tn] = nodes[f].out;
				nodes[v].out = tn;
			}
		}
		/* children: the runs of the range with the same next byte */
		nodes[v].child = nn;
		for (; i < hi; i = j) {
			c = vigil_ac_byte(t, i, d);
			for (j = i + 1; j < hi && vigil_ac_byte(t, j, d) == c; j++)
				;
			x = nn++;
			nodes[x].label = c;
			t->lo[x] = i;
			t->hi[x] = j;
			t->parent[x] = v;
			depth[x] = d + 1;
			nodes[v].nchild++;
		}
		if (!v) {
			for (x = 0; x < nodes[0].nchild; x++)
				ac->root[nodes[1 + x].label] = 1 + x;
		}
	}
}

/**
 * vigil_ac_build() - build an automaton over a set of patterns
 * @pats: the patterns; they are folded to ASCII lower case
 * @n: their number
 * @term: out, @n entries: the terminal number of each pattern; patterns
 *	equal after folding share one
 * @out: the automaton (vigil_ac_free())
 *
 * May sleep.
 *
 * Return: 0, -EINVAL if a pattern is empty or over VIGIL_AC_MAX_PAT bytes
 * or the patterns are too many, -ENOMEM.
 */
int vigil_ac_build(const struct vigil_ac_pat *pats, u32 n, u32 *term,
		   struct vigil_ac **out)
{
	struct vigil_ac_tmp *t;
	struct vigil_ac *ac = NULL;
	u32 i, total = 1, nn, nterm, at = 0;
	size_t tsz, asz;
	u8 *mem;
	int ret = -ENOMEM;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (!pats[i].len || pats[i].len > VIGIL_AC_MAX_PAT)
			return -EINVAL;
		total += pats[i].len;
		if (total > (1U << 26))
			return -EINVAL;
	}
	/*
	 * Per state (at most total): range, parent, depth; per pattern:
	 * two keys, two orders, the work list; the folded bytes twice.
	 */
	tsz = sizeof(*t) + (size_t)total * (3 * sizeof(u32) + sizeof(u16)) +
	      (size_t)n * (2 * sizeof(struct vigil_ac_key) + 2 * sizeof(u32)) +
	      (size_t)3 * (n / 2 + 1) * sizeof(u32) + 2 * (size_t)total;
	mem = vigil_compile_alloc(tsz);
	if (!mem)
		return -ENOMEM;
	t = (struct vigil_ac_tmp *)mem;
	t->keys = (struct vigil_ac_key *)(t + 1);
	t->skeys = t->keys + n;
	t->idx = (u32 *)(t->skeys + n);
	t->idx2 = t->idx + n;
	t->stack = t->idx2 + n;
	t->lo = t->stack + 3 * (n / 2 + 1);
	t->hi = t->lo + total;
	t->parent = t->hi + total;
	t->depth = (u16 *)(t->parent + total);
	t->kbuf = (u8 *)(t->depth + total);
	t->sbuf = t->kbuf + total;

	for (i = 0; i < n; i++) {
		t->keys[i].off = at;
		t->keys[i].len = pats[i].len;
		vigil_fold_copy(t->kbuf + at, pats[i].s, pats[i].len);
		at += pats[i].len;
	}
	vigil_ac_sort(t, n);
	vigil_ac_resort(t, n);
	vigil_ac_count(t, n, &nn, &nterm);
	t->hi[0] = n;

	asz = sizeof(*ac) + (size_t)nn * sizeof(struct vigil_ac_node) +
	      (size_t)nterm * sizeof(u32);
	ac = vigil_compile_alloc(asz);
	if (!ac)
		goto out;
	ac->size = asz;
	ac->nnodes = nn;
	ac->nterm = nterm;
	ac->nodes = (struct vigil_ac_node *)(ac + 1);
	ac->term_next = (u32 *)(ac->nodes + nn);
	vigil_ac_grow(ac, t, term);
	*out = ac;
	ret = 0;
out:
	vigil_free(mem);
	return ret;
}

/** vigil_ac_free() - free an automaton; NULL is ignored */
void vigil_ac_free(struct vigil_ac *ac)
{
	vigil_free(ac);
}

/**
 * vigil_ac_scan() - record every terminal whose pattern occurs in a text
 * @ac: the automaton
 * @s: the text (folded while it is read)
 * @n: its length
 * @base: added to terminal numbers to make the recorded ids
 * @h: the hit set; scanning stops when it overflows
 *
 * Never sleeps or allocates.  Each terminal is recorded once: when it is
 * first seen its whole output chain is recorded, so a second visit stops
 * at once.
 */
void vigil_ac_scan(const struct vigil_ac *ac, const u8 *s, u32 n, u32 base,
		   struct vigil_hits *h)
{
	const struct vigil_ac_node *nodes = ac->nodes;
	u32 st = 0, i, o;

	for (i = 0; i < n; i++) {
		st = vigil_ac_step(ac, st, vigil_fold(s[i]));
		o = nodes[st].out;
		while (o != VIGIL_AC_NONE && vigil_hits_add(h, base + o))
			o = ac->term_next[o];
		if (h->overflow)
			return;
	}
}
