// SPDX-License-Identifier: GPL-2.0
/*
 * Aho-Corasick automaton for the prefilter; see ac.h.
 *
 * Building takes time linear in the total pattern length (times the
 * longest pattern for the radix sort): the patterns are sorted with an LSD
 * radix sort, inserted into a trie in that order (so a node's children are
 * created in byte order and the shared prefix with the previous pattern is
 * the only lookup needed), renumbered breadth-first, and given their
 * failure links level by level.
 */
#include "ac.h"
#include "strmatch.h"

unsigned int vigil_compile_fail_nth;

/* Temporary trie, numbered in creation (depth-first) order. */
struct vigil_ac_tmp {
	u32 *first;	/* first child or VIGIL_AC_NONE */
	u32 *last;	/* last child or VIGIL_AC_NONE */
	u32 *next;	/* next sibling or VIGIL_AC_NONE */
	u32 *term;	/* terminal number or VIGIL_AC_NONE */
	u32 *order;	/* breadth-first order: order[new] = old */
	u32 *path;	/* nodes of the previous pattern, by depth */
	u32 *parent;	/* parent, new numbering */
	u8 *label;
	u32 *idx;	/* pattern order, sorted */
	u32 *idx2;
	u32 *cnt;	/* 257 radix buckets */
};

static u8 vigil_ac_key(const struct vigil_ac_pat *p, u32 pos)
{
	return vigil_fold(p->s[pos]);
}

/* Sort pattern indexes by folded content: shorter first on a tie. */
static void vigil_ac_sort(const struct vigil_ac_pat *pats, u32 n, u32 maxlen,
			  struct vigil_ac_tmp *t)
{
	u32 *src = t->idx, *dst = t->idx2, *tmp;
	u32 i, pos, b, sum;

	for (i = 0; i < n; i++)
		src[i] = i;
	for (pos = maxlen; pos-- > 0;) {
		memset(t->cnt, 0, 258 * sizeof(u32));
		for (i = 0; i < n; i++) {
			const struct vigil_ac_pat *p = &pats[src[i]];

			b = pos < p->len ? 1 + vigil_ac_key(p, pos) : 0;
			t->cnt[b + 1]++;
		}
		for (b = 0, sum = 0; b < 258; b++) {
			sum += t->cnt[b];
			t->cnt[b] = sum;
		}
		for (i = 0; i < n; i++) {
			const struct vigil_ac_pat *p = &pats[src[i]];

			b = pos < p->len ? 1 + vigil_ac_key(p, pos) : 0;
			dst[t->cnt[b]++] = src[i];
		}
		tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != t->idx)
		memcpy(t->idx, src, n * sizeof(u32));
}

/* Insert the sorted patterns; returns the number of nodes. */
static u32 vigil_ac_trie(const struct vigil_ac_pat *pats, u32 n,
			 struct vigil_ac_tmp *t, u32 *term, u32 *nterm)
{
	u32 *path = t->path;
	const struct vigil_ac_pat *prev = NULL;
	u32 nn = 1, nt = 0, i, d, lcp, node, x;

	t->first[0] = VIGIL_AC_NONE;
	t->last[0] = VIGIL_AC_NONE;
	t->next[0] = VIGIL_AC_NONE;
	t->term[0] = VIGIL_AC_NONE;
	t->label[0] = 0;
	path[0] = 0;
	for (i = 0; i < n; i++) {
		const struct vigil_ac_pat *p = &pats[t->idx[i]];

		lcp = 0;
		if (prev) {
			while (lcp < p->len && lcp < prev->len &&
			       vigil_ac_key(p, lcp) == vigil_ac_key(prev, lcp))
				lcp++;
		}
		for (d = lcp; d < p->len; d++) {
			node = path[d];
			x = nn++;
			t->first[x] = VIGIL_AC_NONE;
			t->last[x] = VIGIL_AC_NONE;
			t->next[x] = VIGIL_AC_NONE;
			t->term[x] = VIGIL_AC_NONE;
			t->label[x] = vigil_ac_key(p, d);
			if (t->last[node] == VIGIL_AC_NONE)
				t->first[node] = x;
			else
				t->next[t->last[node]] = x;
			t->last[node] = x;
			path[d + 1] = x;
		}
		node = path[p->len];
		if (t->term[node] == VIGIL_AC_NONE)
			t->term[node] = nt++;
		term[t->idx[i]] = t->term[node];
		prev = p;
	}
	*nterm = nt;
	return nn;
}

static u32 vigil_ac_child(const struct vigil_ac_node *nodes, u32 s, u8 c)
{
	const struct vigil_ac_node *n = &nodes[s];
	u32 lo = n->child, hi = n->child + n->nchild, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (nodes[mid].label < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->child + n->nchild && nodes[lo].label == c ?
	       lo : VIGIL_AC_NONE;
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

/* Lay the trie out breadth-first into @ac and link it. */
static void vigil_ac_layout(struct vigil_ac *ac, struct vigil_ac_tmp *t)
{
	struct vigil_ac_node *nodes = ac->nodes;
	u32 head, tail = 1, old, x, v, p, f, tn;

	t->order[0] = 0;
	t->parent[0] = 0;
	for (head = 0; head < tail; head++) {
		old = t->order[head];
		nodes[head].child = tail;
		nodes[head].nchild = 0;
		for (x = t->first[old]; x != VIGIL_AC_NONE; x = t->next[x]) {
			t->parent[tail] = head;
			nodes[tail].label = t->label[x];
			t->order[tail++] = x;
			nodes[head].nchild++;
		}
	}
	for (x = 0; x < nodes[0].nchild; x++)
		ac->root[nodes[1 + x].label] = 1 + x;
	nodes[0].fail = 0;
	nodes[0].out = VIGIL_AC_NONE;
	for (v = 1; v < ac->nnodes; v++) {
		p = t->parent[v];
		f = p ? vigil_ac_step(ac, nodes[p].fail, nodes[v].label) : 0;
		nodes[v].fail = f;
		tn = t->term[t->order[v]];
		if (tn != VIGIL_AC_NONE) {
			ac->term_next[tn] = nodes[f].out;
			nodes[v].out = tn;
		} else {
			nodes[v].out = nodes[f].out;
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
	struct vigil_ac_tmp t;
	struct vigil_ac *ac = NULL;
	u32 i, maxlen = 0, total = 1, nn, nterm;
	size_t tsz, asz;
	u8 *mem;
	int ret = -ENOMEM;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (!pats[i].len || pats[i].len > VIGIL_AC_MAX_PAT)
			return -EINVAL;
		maxlen = max(maxlen, pats[i].len);
		total += pats[i].len;
		if (total > (1U << 26))
			return -EINVAL;
	}
	/* 7 u32 arrays and the labels per node, 2 per pattern, buckets */
	tsz = (size_t)total * (7 * sizeof(u32) + 1) + (size_t)n * 8 +
	      (258 + VIGIL_AC_MAX_PAT + 1) * sizeof(u32);
	mem = vigil_compile_alloc(tsz);
	if (!mem)
		return -ENOMEM;
	t.first = (u32 *)mem;
	t.last = t.first + total;
	t.next = t.last + total;
	t.term = t.next + total;
	t.order = t.term + total;
	t.parent = t.order + total;
	t.cnt = t.parent + total;
	t.path = t.cnt + 258;
	t.idx = t.path + VIGIL_AC_MAX_PAT + 1;
	t.idx2 = t.idx + n;
	t.label = (u8 *)(t.idx2 + n);

	vigil_ac_sort(pats, n, maxlen, &t);
	nn = vigil_ac_trie(pats, n, &t, term, &nterm);

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
	vigil_ac_layout(ac, &t);
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
