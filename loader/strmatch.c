// SPDX-License-Identifier: GPL-2.0
/*
 * String operators of the matcher; see strmatch.h.
 *
 * Glob patterns are matched by simulating their NFA with one bit per
 * state (shift-and).  Atoms are literal bytes and '?' (any byte); a '*'
 * before atom j gives state j a self-loop on every byte instead of adding
 * states, so "**" costs nothing and no input can make the matcher
 * backtrack.  One text byte costs O(ceil(m / 64)) word operations, with at
 * most VIGIL_GLOB_WORDS words since m <= VIGIL_MAX_PATTERN_LEN.
 */
#include "strmatch.h"

static u64 vigil_load8(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool vigil_bytes_eq(const u8 *s, const u8 *p, u32 n, bool nocase)
{
	u32 i;

	if (!nocase)
		return !memcmp(s, p, n);
	for (i = 0; i + 8 <= n; i += 8) {
		if (vigil_fold8(vigil_load8(s + i)) !=
		    vigil_fold8(vigil_load8(p + i)))
			return false;
	}
	for (; i < n; i++) {
		if (vigil_fold(s[i]) != vigil_fold(p[i]))
			return false;
	}
	return true;
}

/**
 * vigil_glob_scan() - one pass over a glob pattern
 * @p: pattern
 * @m: its length, 1..VIGIL_MAX_PATTERN_LEN
 * @nocase: it will be matched ASCII case-insensitively
 * @gi: out: atoms, literal bytes, compiled size and the longest literal
 *	run (which any matching text contains, so a prefilter may use it)
 *
 * Return: bytes of the compiled form (a multiple of 8), or 0 if @m is
 * over the cap.
 */
size_t vigil_glob_scan(const u8 *p, u32 m, bool nocase,
		       struct vigil_glob_info *gi)
{
	u32 i = 0, k = 0, start = 0, len = 0, at, nwords;
	bool star = false;
	u8 c;

	memset(gi, 0, sizeof(*gi));
	if (m > VIGIL_MAX_PATTERN_LEN)
		return 0;
	/* the atoms: a run of stars, then a literal (maybe escaped) or a ? */
	while (i < m) {
		c = p[i];
		if (c == '*') {
			star = true;
			i++;
			continue;
		}
		k++;
		if (star || c == '?')
			len = 0;	/* a run ends */
		star = false;
		at = i++;
		if (c == '?')
			continue;
		if (c == '\\' && i < m)
			c = p[i++];
		if (!len)
			start = at;
		if (nocase)
			c = vigil_fold(c);
		if (!(gi->bitmap[c >> 6] & (1ULL << (c & 63)))) {
			gi->bitmap[c >> 6] |= 1ULL << (c & 63);
			gi->nclass++;
		}
		if (++len > gi->lit_len) {
			gi->lit_len = len;
			gi->lit_start = start;
			gi->lit_end = i;
		}
	}
	gi->natoms = k;
	gi->nclass++;		/* class 0: bytes no literal atom names */
	nwords = (k + 63) / 64;
	gi->size = sizeof(struct vigil_glob) +
		   (size_t)nwords * (1 + gi->nclass) * sizeof(u64) + 256;
	gi->affix = vigil_glob_affix(p, m, &gi->sh);
	if (gi->affix)
		gi->size = sizeof(struct vigil_glob) +
			   ((gi->sh.plen + gi->sh.slen + 7) & ~7U);
	return gi->size;
}

/**
 * vigil_glob_size() - bytes of the compiled form of a glob pattern
 * @p: pattern
 * @m: its length, 1..VIGIL_MAX_PATTERN_LEN
 *
 * Case folding can only merge byte classes, so the case-sensitive size
 * is an upper bound for both.
 *
 * Return: size in bytes (a multiple of 8), or 0 if @m is over the cap.
 */
size_t vigil_glob_size(const u8 *p, u32 m)
{
	struct vigil_glob_info gi;

	return vigil_glob_scan(p, m, false, &gi);
}

/* The byte classes of an NFA glob: 256 bytes after its rows. */
static inline const u8 *vg_classes(const struct vigil_glob *g)
{
	return (const u8 *)(g->data + (size_t)g->nwords * (1 + g->nclass));
}

/**
 * vigil_glob_build() - compile a glob pattern
 * @p: pattern: '*' any run, '?' any byte, '\' escapes the next byte
 * @m: its length, 1..VIGIL_MAX_PATTERN_LEN
 * @nocase: match ASCII case-insensitively (literals are folded here)
 * @gi: from vigil_glob_scan() with the same @p, @m and @nocase
 * @g: out, @gi->size bytes, zeroed
 */
void vigil_glob_build(const u8 *p, u32 m, bool nocase,
		      const struct vigil_glob_info *gi, struct vigil_glob *g)
{
	u32 i = 0, k = 0, n = 0, nw, w, cls;
	u16 cls_of[256];	/* the class of each byte */
	u64 *star, *row, x;
	u8 *tab;
	bool st = false;
	u8 c;

	if (gi->affix) {
		u8 *lit = (u8 *)g->data;

		g->affix = gi->affix;
		g->plen = gi->sh.plen;
		g->slen = gi->sh.slen;
		g->mlen = gi->sh.mlen;
		memcpy(lit, p, g->plen);
		memcpy(lit + g->plen, p + m - g->slen, g->slen);
		for (i = 0; nocase && i < g->plen + g->slen; i++)
			lit[i] = vigil_fold(lit[i]);
		return;
	}
	nw = (gi->natoms + 63) / 64;
	g->natoms = gi->natoms;
	g->nwords = nw;
	/* class 0, then the literal bytes in order */
	memset(cls_of, 0, sizeof(cls_of));
	for (w = 0; w < 4; w++)
		for (x = gi->bitmap[w]; x; x &= x - 1)
			cls_of[w * 64 + __builtin_ctzll(x)] = ++n;
	g->nclass = n + 1;
	/* what a field's byte is, folded here so that the match needn't */
	tab = (u8 *)vg_classes(g);
	for (w = 0; w < 256; w++)
		tab[w] = cls_of[nocase ? vigil_fold(w) : w];
	star = g->data;
	/* the atoms: a run of stars, then a literal (maybe escaped) or a ? */
	while (i < m && k < gi->natoms) {
		c = p[i++];
		if (c == '*') {
			st = true;
			continue;
		}
		/* a '*' before atom k loops on state k */
		if (st) {
			if (k)
				star[(k - 1) / 64] |= 1ULL << ((k - 1) % 64);
			else
				g->star0 = 1;
		}
		st = false;
		if (c != '?') {
			if (c == '\\' && i < m)
				c = p[i++];
			if (nocase)
				c = vigil_fold(c);
			cls = cls_of[c];
			row = g->data + (size_t)nw * (1 + cls);
			row[k / 64] |= 1ULL << (k % 64);
		} else {
			for (cls = 0; cls < g->nclass; cls++) {
				row = g->data + (size_t)nw * (1 + cls);
				row[k / 64] |= 1ULL << (k % 64);
			}
		}
		k++;
	}
	/* trailing stars: the last state loops */
	while (i < m && p[i] == '*') {
		st = true;
		i++;
	}
	if (st) {
		if (k)
			star[(k - 1) / 64] |= 1ULL << ((k - 1) % 64);
		else
			g->star0 = 1;
	}
}

/*
 * The NFA of vigil_glob_match() for a glob of at most 128 atoms, the
 * common case, with its state in two registers: the second stays zero
 * (its rows masked off) when there is one word.  The same steps as the
 * loop over words, without the loop and the array: about twice as fast.
 */
static bool vg_nfa2(const struct vigil_glob *g, const u8 *s, u32 n)
{
	const u64 *star = g->data, *row;
	const u8 *cls = vg_classes(g);
	u32 nw = g->nwords, top = g->natoms - 1, i;
	u64 m1 = nw > 1 ? ~0ULL : 0, star0 = star[0], star1 = star[nw - 1] & m1;
	u64 fin0 = top < 64 ? 1ULL << top : 0;
	u64 fin1 = top < 64 ? 0 : 1ULL << (top - 64);
	u64 d0 = 0, d1 = 0, s0 = 1, keep = g->star0 ? 1 : 0, nd0;
	/* once a final state that loops is reached, the glob matches */
	u64 loop0 = star0 & fin0, loop1 = star1 & fin1;

	for (i = 0; i < n; i++) {
		row = g->data + (size_t)nw * (1 + cls[s[i]]);
		nd0 = ((d0 << 1 | s0) & row[0]) | (d0 & star0);
		d1 = ((d1 << 1 | d0 >> 63) & row[nw - 1] & m1) | (d1 & star1);
		d0 = nd0;
		s0 &= keep;
		if (!(d0 | d1 | s0))
			return false;
		if ((d0 & loop0) | (d1 & loop1))
			return true;
	}
	return (d0 & fin0) | (d1 & fin1);
}

/**
 * vigil_glob_match() - text matches a compiled glob, entirely
 * @g: from vigil_glob_build()
 * @s: text
 * @n: its length
 * @nocase: fold the text (the pattern was built with nocase too); an
 *	NFA glob's class table has the fold built in
 * @mid_end: for a VIGIL_GLOB_MID pattern, where in @s the first
 *	occurrence of its middle that starts at byte @g->plen or later ends,
 *	or U32_MAX if there is none (the substring automaton's answer);
 *	ignored for the others
 *
 * Return: true if the whole of @s matches.
 */
bool vigil_glob_match(const struct vigil_glob *g, const u8 *s, u32 n,
		      bool nocase, u32 mid_end)
{
	u64 d[VIGIL_GLOB_WORDS] = { 0 };
	const u64 *star = g->data, *row;
	const u8 *cls;
	u32 nw = g->nwords, k = g->natoms, i, w, lw;
	u64 lb, carry, nd, any;
	bool s0 = true, final_loops;

	if (g->affix) {
		const u8 *lit = (const u8 *)g->data;

		if (g->affix == VIGIL_GLOB_EXACT)
			return vigil_str_eq(s, n, lit, g->plen, nocase);
		if (g->affix == VIGIL_GLOB_MID &&
		    (mid_end > n || n - mid_end < g->slen))
			return false;
		return n >= (u32)g->plen + g->slen &&
		       vigil_str_prefix(s, n, lit, g->plen, nocase) &&
		       vigil_str_suffix(s, n, lit + g->plen, g->slen, nocase);
	}
	if (!k)
		return g->star0 || !n;
	if (nw > VIGIL_GLOB_WORDS)
		return false;
	if (nw <= 2)
		return vg_nfa2(g, s, n);
	cls = vg_classes(g);
	lw = (k - 1) / 64;
	lb = 1ULL << ((k - 1) % 64);
	final_loops = star[lw] & lb;
	for (i = 0; i < n; i++) {
		row = g->data + (size_t)nw * (1 + cls[s[i]]);
		carry = s0;
		any = 0;
		for (w = 0; w < nw; w++) {
			nd = (((d[w] << 1) | carry) & row[w]) |
			     (d[w] & star[w]);
			carry = d[w] >> 63;
			d[w] = nd;
			any |= nd;
		}
		s0 = s0 && g->star0;
		if (!any && !s0)
			return false;
		if (final_loops && (d[lw] & lb))
			return true;
	}
	return d[lw] & lb;
}

/**
 * vigil_glob_unescape() - copy part of a glob pattern, escapes removed
 * @p: glob pattern
 * @start: first byte of a literal run (vigil_glob_info.lit_start)
 * @end: its end (vigil_glob_info.lit_end)
 * @buf: out, room for @end - @start bytes
 *
 * Return: number of bytes written.
 */
u32 vigil_glob_unescape(const u8 *p, u32 start, u32 end, u8 *buf)
{
	u32 i, n = 0;

	for (i = start; i < end; i++) {
		if (p[i] == '\\' && i + 1 < end)
			i++;
		buf[n++] = p[i];
	}
	return n;
}

/**
 * vigil_glob_literal() - longest run of literal bytes a match must contain
 * @p: glob pattern
 * @m: its length, 1..VIGIL_MAX_PATTERN_LEN
 * @buf: out, the run with escapes removed; @m bytes of room
 *
 * The first of equally long runs wins.
 *
 * Return: length of the run, 0 if the pattern has no literal byte.
 */
u32 vigil_glob_literal(const u8 *p, u32 m, u8 *buf)
{
	struct vigil_glob_info gi;

	vigil_glob_scan(p, m, false, &gi);
	return vigil_glob_unescape(p, gi.lit_start, gi.lit_end, buf);
}
