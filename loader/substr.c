// SPDX-License-Identifier: GPL-2.0
/*
 * Substring sets (substr.h): building the automaton of one (event type,
 * field, case) from its sorted patterns, and scanning a field with it.
 *
 * Building takes the patterns sorted (vigil_sub_cmp()), so that equal
 * ones are neighbours and each new one shares its longest common prefix
 * with the one before: the trie comes out in depth-first order, one node
 * per byte past that prefix.  A stable counting sort by depth turns that
 * order into breadth-first order, in which the children of every node are
 * consecutive and sorted by byte.  Failure and output links follow in
 * that order, each from states nearer the root.  Time linear in the
 * patterns' bytes, besides the sort.
 */
#include "strmatch.h"
#include "substr.h"

static u8 vs_byte(const u8 *p, u32 i, bool nocase)
{
	return nocase ? vigil_fold(p[i]) : p[i];
}

/**
 * vigil_sub_head() - set @sp->head from its pattern, @sp->key and @sp->len
 * @sp: the entry
 *
 * Patterns hold no NUL byte, so comparing heads orders patterns as their
 * bytes do, a shorter one first where one begins the other.
 */
void vigil_sub_head(struct vigil_sub_pat *sp)
{
	u32 i;

	sp->head = 0;
	for (i = 0; i < 8; i++)
		sp->head = sp->head << 8 |
			   (i < sp->len ? vs_byte(sp->p, i, sp->key & 1) : 0);
}

/**
 * vigil_sub_cmp() - order of two struct vigil_sub_pat, for sorting
 * @a: one
 * @b: the other
 *
 * By key and skip, then by the patterns' bytes (folded if the key says
 * nocase) as unsigned, a pattern before the longer ones it begins.
 *
 * Return: negative, zero or positive as @a sorts before, with or after @b.
 */
int vigil_sub_cmp(const void *a, const void *b)
{
	const struct vigil_sub_pat *x = a, *y = b;
	bool nocase = x->key & 1;
	u32 i, m;
	u8 c, d;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->skip != y->skip)
		return x->skip < y->skip ? -1 : 1;
	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	m = min(x->len, y->len);
	if (!nocase) {
		int r = memcmp(x->p, y->p, m);

		if (r)
			return r;
	} else {
		for (i = 0; i < m; i++) {
			c = vigil_fold(x->p[i]);
			d = vigil_fold(y->p[i]);
			if (c != d)
				return c < d ? -1 : 1;
		}
	}
	return x->len == y->len ? 0 : x->len < y->len ? -1 : 1;
}

/* Byte @d of the sort key (key, skip, head) of @sp, from the lowest. */
static u32 vs_digit(const struct vigil_sub_pat *sp, u32 d)
{
	if (d < 8)
		return (sp->head >> (8 * d)) & 0xff;
	if (d == 8)
		return sp->skip & 0xff;
	return (sp->key >> (8 * (d - 9))) & 0xff;
}

/**
 * vigil_sub_sort() - sort entries as vigil_sub_cmp() orders them
 * @sp: the entries, each with its vigil_sub_head()
 * @n: how many
 * @tmp: room for @n more
 *
 * A radix sort, a byte at a time, of (key, skip, head), skipping the
 * bytes all entries share; then each run of equal heads is sorted by
 * vigil_sub_cmp(), for the patterns longer than eight bytes.  Keys are
 * below 2^16 and skips below 256 (a glob's prefix), so eleven bytes hold
 * the whole sort key.
 */
void vigil_sub_sort(struct vigil_sub_pat *sp, u32 n,
		    struct vigil_sub_pat *tmp)
{
	struct vigil_sub_pat *from = sp, *to = tmp, *t;
	u32 cnt[256], d, i, j, c;

	for (d = 0; d < 11; d++) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[vs_digit(&from[i], d)]++;
		if (n && cnt[vs_digit(&from[0], d)] == n)
			continue;	/* every entry has this byte */
		for (c = 0, j = 0; c < 256; c++) {
			u32 k = cnt[c];

			cnt[c] = j;
			j += k;
		}
		for (i = 0; i < n; i++)
			to[cnt[vs_digit(&from[i], d)]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != sp)
		memcpy(sp, from, (size_t)n * sizeof(*sp));
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && sp[j].key == sp[i].key &&
		     sp[j].skip == sp[i].skip && sp[j].head == sp[i].head;)
			j++;
		if (j - i > 1)
			vigil_sort(sp + i, j - i, sizeof(*sp), vigil_sub_cmp);
	}
}

/* Bytes @x and @y have in common at their start. */
static u32 vs_lcp(const struct vigil_sub_pat *x, const struct vigil_sub_pat *y,
		  bool nocase)
{
	u32 i, m = min(x->len, y->len);

	for (i = 0; i < m; i++)
		if (vs_byte(x->p, i, nocase) != vs_byte(y->p, i, nocase))
			break;
	return i;
}

/**
 * vigil_sub_count() - states of the automaton of some sorted patterns
 * @pats: entries of one key and skip, sorted by vigil_sub_cmp()
 * @n: how many, at least one
 *
 * Return: one for the root, and per pattern its bytes past the prefix it
 * shares with the one before (none for a repeat).
 */
u32 vigil_sub_count(const struct vigil_sub_pat *pats, u32 n)
{
	bool nocase = pats[0].key & 1;
	u32 k, count = 1 + pats[0].len;

	for (k = 1; k < n; k++)
		count += pats[k].len - vs_lcp(&pats[k - 1], &pats[k], nocase);
	return count;
}

/* The child of state @u, not a root, on byte @c, or 0 if it has none. */
static inline u32 vs_down(const struct vigil_sub_state *st, u32 u, u8 c)
{
	u32 lo = st[u].first, hi = lo + st[u].nchild, mid;

	if (st[u].nchild == 1)	/* most states of a trie */
		return st[lo].label == c ? lo : 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st[mid].label == c)
			return mid;
		if (st[mid].label < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The child of state @u on byte @c, or 0 if it has none. */
static u32 vs_child(const struct vigil_sub *g, const struct vigil_sub_state *st,
		    u32 u, u8 c)
{
	if (u == g->root)
		return g->next[c] == g->root ? 0 : g->next[c];
	return vs_down(st, u, c);
}

/*
 * An automaton may have millions of states: its build gives up the CPU
 * every so many patterns and states (a signal is for the caller to see).
 */
#define VS_YIELD_EVERY	65536U

/**
 * vigil_sub_build() - build the automaton of one key and skip's patterns
 * @g: out; @g->root (where its states start in @st) and @g->pat_first
 *	(the index of its first pattern) set by the caller
 * @st: the rule set's states; @g's take vigil_sub_count() of them from
 *	@g->root on
 * @pats: the entries, sorted by vigil_sub_cmp(); each gets its pattern's
 *	index in @id
 * @n: how many, at least one
 * @nodes: vigil_sub_count() of them
 * @tmp: VIGIL_SUB_TMP_WORDS(@nodes) words of scratch
 *
 * Context: may sleep: yields the CPU now and then.
 */
void vigil_sub_build(struct vigil_sub *g, struct vigil_sub_state *st,
		     struct vigil_sub_pat *pats, u32 n, u32 nodes, u32 *tmp)
{
	const u32 none = U32_MAX, root = g->root;
	bool nocase = pats[0].key & 1;
	u32 *par = tmp, *lab = par + nodes, *pat = lab + nodes;
	u32 *bfs = pat + nodes, *pbfs = bfs + nodes;
	u32 *path = pbfs + nodes, *at = path + VIGIL_MAX_PATTERN_LEN + 2;
	u32 k, d, x, b, cnt = 1, id = g->pat_first, lcp, f, t, c;
	struct vigil_sub_state *s;

	g->type = pats[0].key / 2 / VIGIL_MAX_FIELDS;
	g->field = pats[0].key / 2 % VIGIL_MAX_FIELDS;
	g->nocase = nocase;
	g->skip = pats[0].skip;
	g->nstates = nodes;
	g->chain = 0;

	/* the trie in depth-first order: parent, byte and depth, pattern */
	par[0] = none;
	lab[0] = 0;
	pat[0] = none;
	path[0] = 0;
	for (k = 0; k < n; k++) {
		lcp = k ? vs_lcp(&pats[k - 1], &pats[k], nocase) : 0;
		if (k && lcp == pats[k].len && lcp == pats[k - 1].len) {
			pats[k].id = pats[k - 1].id;	/* a repeat */
			continue;
		}
		for (d = lcp; d < pats[k].len; d++) {
			par[cnt] = path[d];
			lab[cnt] = vs_byte(pats[k].p, d, nocase) | (d + 1) << 8;
			pat[cnt] = none;
			path[d + 1] = cnt++;
		}
		pat[path[pats[k].len]] = id;
		pats[k].id = id++;
		if (!(k % VS_YIELD_EVERY))
			vigil_yield();	/* the caller looks for a signal */
	}
	g->npat = id - g->pat_first;

	/* breadth-first order: a stable counting sort by depth */
	memset(at, 0, (VIGIL_MAX_PATTERN_LEN + 2) * sizeof(*at));
	for (x = 0; x < nodes; x++)
		at[(lab[x] >> 8) + 1]++;
	for (d = 1; d <= VIGIL_MAX_PATTERN_LEN + 1; d++)
		at[d] += at[d - 1];
	for (x = 0; x < nodes; x++)
		bfs[x] = at[lab[x] >> 8]++;

	for (x = 0; x < nodes; x++) {
		s = &st[root + bfs[x]];
		memset(s, 0, sizeof(*s));
		s->label = lab[x] & 0xff;
		s->pat = pat[x] == none ? 0 : pat[x];
		/* set aside which states end a pattern, in @out for now */
		s->out = pat[x] != none;
		pbfs[bfs[x]] = x ? bfs[par[x]] : 0;
	}
	/* children: in depth-first order, siblings come in byte order */
	for (x = 1; x < nodes; x++) {
		s = &st[root + bfs[par[x]]];
		if (!s->nchild)
			s->first = root + bfs[x];
		s->nchild++;
	}
	for (c = 0; c < 256; c++)
		g->next[c] = root;
	for (k = 0; k < st[root].nchild; k++) {
		t = st[root].first + k;
		g->next[st[t].label] = t;
	}

	/*
	 * Failure and output links, nearest the root first; @par, no longer
	 * needed, holds each state's output chain length.
	 */
	st[root].fail = root;
	st[root].out = 0;
	par[0] = 0;
	for (b = 1; b < nodes; b++) {
		s = &st[root + b];
		x = root + pbfs[b];
		f = root;
		if (x != root) {
			for (f = st[x].fail;; f = st[f].fail) {
				t = vs_child(g, st, f, s->label);
				if (t) {
					f = t;
					break;
				}
				if (f == root)
					break;
			}
		}
		s->fail = f;
		par[b] = par[f - root];
		if (s->out) {
			s->out = root + b;
			par[b]++;
		} else {
			s->out = st[f].out;
		}
		g->chain = max(g->chain, par[b]);
		if (!(b % VS_YIELD_EVERY))
			vigil_yield();
	}
}

/**
 * vigil_sub_scan() - stamp the patterns a field contains
 * @g: the automaton of the field's (type, field, case, skip)
 * @st: the rule set's states
 * @s: the field's text, all of it: the scan starts at byte @g->skip
 * @n: its length
 * @stamp: per pattern of the rule set; those found are set to @gen
 * @end: per pattern of the rule set; where in @s the first occurrence of
 *	each pattern found ends
 * @gen: the event's generation, not 0
 *
 * At most vigil_sub_work(@g, @n) steps.
 */
void vigil_sub_scan(const struct vigil_sub *g,
		    const struct vigil_sub_state *st, const u8 *s, u32 n,
		    u32 *stamp, u16 *end, u32 gen)
{
	u32 root = g->root, q = root, i, t = 0, o, p;
	bool nocase = g->nocase;
	u8 c;

	for (i = g->skip; i < n; i++) {
		c = vs_byte(s, i, nocase);
		while (q != root && !(t = vs_down(st, q, c)))
			q = st[q].fail;
		q = q == root ? g->next[c] : t;
		for (o = st[q].out; o; o = st[st[o].fail].out) {
			p = st[o].pat;
			if (stamp[p] == gen)
				break;	/* found before, and its suffixes */
			stamp[p] = gen;
			end[p] = i + 1;
		}
	}
}
