// SPDX-License-Identifier: GPL-2.0
/*
 * The matcher's prefilter, a gram index: see prefilter.h.
 *
 * Building is two passes over the entries: size the table (one and a
 * half times the entries, rounded up to a power of two) and the bitmap
 * (32 bits an entry, between 8 Kbit and 256 Kbit; each key sets two bits
 * of one word, so that a window of no key rarely passes); the first pass
 * gives each distinct (key, tag) a slot by Robin Hood linear probing and
 * counts its rules, the second lays the rule lists out in slot order.  A rule's
 * entries come together, so a rule repeated for one key is dropped by
 * comparing with the last one listed.  No recursion, one allocation.
 */
#include "prefilter.h"
#include "strmatch.h"

unsigned int vigil_compile_fail_nth;

#define PF_BITS_MIN	13U
#define PF_BITS_MAX	18U
/* A literal's gram is picked among its last PF_LOOK bytes. */
#define PF_LOOK		16U
/* Keys ahead whose table slots building prefetches. */
#define PF_AHEAD	16U
/*
 * Rules kept per key: one more than a candidate set holds, so that a key
 * of more rules still overflows it, which makes the matcher run them all.
 */
#define PF_LIST_MAX	(VIGIL_MATCH_MAX_HITS + 1)
/* vigil_pf_key.nm1 while its list is empty, building */
#define PF_NONE		0xffffU

/*
 * How common a byte is in paths and command lines, either case:
 * separators and frequent letters score high, so a gram avoids "/usr" and
 * "bin/" when the literal has rarer parts.
 */
static const u8 pf_common[256] = {
	['0' ... '9'] = 1,
	['/'] = 5, [' '] = 5,
	['.'] = 2, ['-'] = 2, ['_'] = 2, ['='] = 2,
	['e'] = 2, ['s'] = 2, ['r'] = 2, ['i'] = 2,
	['n'] = 2, ['t'] = 2, ['a'] = 2, ['o'] = 2,
	['E'] = 2, ['S'] = 2, ['R'] = 2, ['I'] = 2,
	['N'] = 2, ['T'] = 2, ['A'] = 2, ['O'] = 2,
	['l'] = 1, ['c'] = 1, ['u'] = 1, ['b'] = 1,
	['m'] = 1, ['p'] = 1, ['d'] = 1, ['h'] = 1,
	['L'] = 1, ['C'] = 1, ['U'] = 1, ['B'] = 1,
	['M'] = 1, ['P'] = 1, ['D'] = 1, ['H'] = 1,
};

/*
 * The two bits of the bitmap word that a key of hash @h sets, the word
 * being h >> (@sh + 6): one from the bits just below those that pick the
 * word, one from the middle of the hash.
 */
static inline u64 pf_bits(u32 h, u32 sh)
{
	return 1ULL << ((h >> sh) & 63) | 1ULL << ((h >> 8) & 63);
}

/**
 * vigil_pf_gram() - the key of a literal
 * @lit: the literal (not folded)
 * @len: its length, at least VIGIL_GRAM_LEN
 * @wide: out: the key is of a wide gram (VIGIL_GRAM_WIDE bytes, taken
 *	when the literal is that long); its field tag gets VIGIL_PF_WIDE
 *
 * Picks the window whose bytes are least common among the last PF_LOOK
 * bytes, the last of equals (ends of paths tell rules apart best).
 *
 * Return: the key: a narrow gram's folded bytes, first in the low bits;
 * a hash of a wide gram's.
 */
u32 vigil_pf_gram(const u8 *lit, u32 len, bool *wide)
{
	u32 w = len >= VIGIL_GRAM_WIDE ? VIGIL_GRAM_WIDE : VIGIL_GRAM_LEN;
	u32 i, n, score = 0, key, best, at, from;
	const u8 *q;
	u64 g;

	/* the end of a literal tells rules apart best: look at its last bytes */
	from = len > PF_LOOK ? len - PF_LOOK : 0;
	q = lit + from;
	n = len - from;
	for (i = 0; i < w; i++)
		score += pf_common[q[i]];
	/*
	 * Least score wins, the last of equals: (score, 255 - window) as one
	 * key, kept with a branch-free minimum.
	 */
	best = score << 8 | 255;
	for (i = w; i < n; i++) {
		score += pf_common[q[i]];
		score -= pf_common[q[i - w]];
		key = score << 8 | (255 - (i + 1 - w));
		best = min(best, key);
	}
	at = from + 255 - (best & 255);
	g = get_unaligned_le32(lit + at);
	if (w == VIGIL_GRAM_WIDE)
		g |= (u64)get_unaligned_le32(lit + at + 4) << 32;
	g = vigil_fold8(g);
	*wide = w == VIGIL_GRAM_WIDE;
	return *wide ? vigil_pf_key8(g) : (u32)g;
}

/**
 * vigil_pf_numkey() - the key of a u64 value
 * @x: the value
 *
 * Return: 32 bits that equal values share.
 */
u32 vigil_pf_numkey(u64 x)
{
	return (u32)x ^ (u32)(x >> 32);
}

static u32 pf_log2_up(u64 n)
{
	u32 b = 0;

	while ((1ULL << b) < n)
		b++;
	return b;
}

static u32 pf_tbits(u32 n)
{
	return max(pf_log2_up(n + n / 2), 4U);
}

static u32 pf_bbits(u32 n)
{
	return min(max(pf_log2_up(32ULL * n), PF_BITS_MIN), PF_BITS_MAX);
}

size_t vigil_pf_size(u32 n)
{
	if (!n)
		return 0;
	return ((size_t)sizeof(struct vigil_pf_key) << pf_tbits(n)) +
	       ((size_t)1 << (pf_bbits(n) - 3)) +
	       (((size_t)n * sizeof(u16) + 7) & ~(size_t)7);
}

/*
 * The slot of (@key, @fk), @h its hash, or NULL: the walk from its home
 * ends at a free slot or at a key nearer its own home than the walk has
 * gone, where (@key, @fk) would have been placed.
 */
static struct vigil_pf_key *pf_find(const struct vigil_pf *pf, u32 h,
				    u32 key, u16 fk)
{
	u32 mask = (1U << pf->tbits) - 1, slot, d;
	struct vigil_pf_key *t;

	for (slot = h >> (32 - pf->tbits), d = 0;; slot = (slot + 1) & mask,
	     d++) {
		t = &pf->tab[slot];
		if (t->fk == VIGIL_PF_EMPTY)
			return NULL;
		if (t->key == key && t->fk == fk)
			return t;
		if (vigil_pf_dist(pf, slot) < d)
			return NULL;
	}
}

bool vigil_pf_has(const struct vigil_pf *pf, u32 h, u32 key, u16 fk)
{
	return pf->tab && pf_find(pf, h, key, fk);
}

/*
 * Place @in, a key not in the table, from its home on: past keys as far
 * from their homes as it is or further, taking the place of the first
 * that is nearer and carrying that one on.  Return: the greatest
 * distance from home of a key it placed.
 */
static u32 pf_place(struct vigil_pf *pf, u32 h, struct vigil_pf_key in)
{
	u32 mask = (1U << pf->tbits) - 1, slot, d, dt, most = 0;
	struct vigil_pf_key *t, tmp;

	for (slot = h >> (32 - pf->tbits), d = 0;; slot = (slot + 1) & mask,
	     d++) {
		t = &pf->tab[slot];
		if (t->fk == VIGIL_PF_EMPTY) {
			*t = in;
			return max(most, d);
		}
		dt = vigil_pf_dist(pf, slot);
		if (dt < d) {
			tmp = *t;
			*t = in;
			in = tmp;
			most = max(most, d);
			d = dt;
		}
	}
}

/**
 * vigil_pf_build() - build the index of some keys
 * @pf: out; free with vigil_pf_free()
 * @ents: the keys, with their fields and rules (@fk not VIGIL_PF_EMPTY)
 * @n: their number, at most VIGIL_MAX_VALUES
 *
 * Each distinct (key, tag) gets one slot and the list of its rules; a
 * rule listed twice in a row for one key is listed once (the compiler
 * gives a rule's entries together).  No keys, no allocation.
 *
 * Return: 0, -EINVAL if @n is over the cap or an entry is tagged
 * VIGIL_PF_EMPTY, or -ENOMEM.
 */
int vigil_pf_build(struct vigil_pf *pf, const struct vigil_pf_ent *ents,
		   u32 n)
{
	u32 i, h, slots, at, d, most = 0;
	size_t tsz, bsz, rsz;
	struct vigil_pf_key *t;

	memset(pf, 0, sizeof(*pf));
	if (n > VIGIL_MAX_VALUES)
		return -EINVAL;
	if (!n)
		return 0;	/* scans of an empty index find nothing */
	pf->tbits = pf_tbits(n);
	pf->bbits = pf_bbits(n);
	slots = 1U << pf->tbits;
	tsz = (size_t)sizeof(*pf->tab) << pf->tbits;
	bsz = (size_t)1 << (pf->bbits - 3);
	rsz = ((size_t)n * sizeof(u16) + 7) & ~(size_t)7;
	pf->bitmap = vigil_compile_alloc(bsz + tsz + rsz);
	if (!pf->bitmap)
		return -ENOMEM;
	pf->size = bsz + tsz + rsz;
	pf->tab = (struct vigil_pf_key *)((u8 *)pf->bitmap + bsz);
	pf->rules = (u16 *)((u8 *)pf->tab + tsz);
	/*
	 * Pass one, slots and counts; bitmap and table come zeroed: every
	 * slot VIGIL_PF_EMPTY.  @first holds the last rule counted, @nm1
	 * the count so far less one, at most PF_LIST_MAX.
	 */
	for (i = 0; i < n; i++) {
		const struct vigil_pf_ent *e = &ents[i];

		if (e->fk == VIGIL_PF_EMPTY) {
			vigil_pf_free(pf);
			return -EINVAL;
		}
		/* the table is large: ask early for a slot needed soon */
		if (i + PF_AHEAD < n) {
			h = vigil_pf_hash(ents[i + PF_AHEAD].key,
				    ents[i + PF_AHEAD].fk);
			__builtin_prefetch(&pf->tab[h >> (32 - pf->tbits)], 1);
		}
		if (e->fk & VIGIL_PF_WIDE)
			pf->wide |= 1ULL << (e->fk & 63);
		else
			pf->narrow |= 1ULL << (e->fk & 63);
		h = vigil_pf_hash(e->key, e->fk);
		pf->bitmap[h >> (38 - pf->bbits)] |= pf_bits(h, 32 - pf->bbits);
		t = pf_find(pf, h, e->key, e->fk);
		if (!t) {
			struct vigil_pf_key in = {
				.key = e->key, .fk = e->fk, .first = e->rule,
			};

			d = pf_place(pf, h, in);
			most = max(most, d);
			pf->nkeys++;
		} else if (t->first != e->rule && t->nm1 + 1U < PF_LIST_MAX) {
			t->first = e->rule;
			t->nm1++;
		}
	}
	/* the lists, in slot order, filled again the same way */
	for (i = 0, at = 0; i < slots; i++) {
		t = &pf->tab[i];
		if (t->fk == VIGIL_PF_EMPTY)
			continue;
		t->first = at;
		at += t->nm1 + 1;
		t->nm1 = PF_NONE;
	}
	for (i = 0; i < n; i++) {
		const struct vigil_pf_ent *e = &ents[i];
		u16 *list;

		t = pf_find(pf, vigil_pf_hash(e->key, e->fk), e->key, e->fk);
		list = pf->rules + t->first;
		if (t->nm1 == PF_NONE)
			t->nm1 = 0;
		else if (list[t->nm1] != e->rule &&
			 t->nm1 + 1U < PF_LIST_MAX)
			t->nm1++;
		else
			continue;	/* the same rule again, or full */
		list[t->nm1] = e->rule;
	}
	pf->nstamps = at;
	pf->probe_work = most + 3;
	return 0;
}

/**
 * vigil_pf_free() - release an index
 * @pf: built or zeroed
 */
void vigil_pf_free(struct vigil_pf *pf)
{
	vigil_free(pf->bitmap);
	pf->bitmap = NULL;
	pf->tab = NULL;
	pf->rules = NULL;
}

static inline bool pf_maybe(const struct vigil_pf *pf, u32 h)
{
	u64 m = pf_bits(h, 32 - pf->bbits);

	return (pf->bitmap[h >> (38 - pf->bbits)] & m) == m;
}

/*
 * Walk the run of slots from @h's, at most pf->probe_work steps, which
 * the caller has been charged.  A key found the first time this
 * evaluation (its stamp is not the set's generation) brings its rules;
 * without stamps (vigil_match_may()) its first rule, which says "some
 * rule may match".
 */
static void pf_probe(const struct vigil_pf *pf, u32 h, u32 key, u16 fk,
		     struct vigil_cands *c)
{
	const struct vigil_pf_key *t = pf_find(pf, h, key, fk);
	u32 i;

	if (!t)
		return;
	if (!c->key_seen) {
		c->ids[0] = pf->rules[t->first];
		c->n = 1;
		return;
	}
	if (c->key_seen[t->first] == c->gen)
		return;
	c->key_seen[t->first] = c->gen;
	for (i = 0; i <= t->nm1 && !c->overflow; i++)
		vigil_cands_add(c, pf->rules[t->first + i]);
}

/* Windows of @width bytes in @n bytes. */
static inline u32 pf_windows(u32 n, u32 width)
{
	return n >= width ? n - width + 1 : 0;
}

/**
 * vigil_pf_scan_str() - the candidates a string field brings
 * @pf: the index
 * @fk: vigil_pf_fk() of the field
 * @s: its text
 * @n: its length
 * @c: candidates, added to; the scan stops when it overflows, or at the
 *	first key found if @c has no stamps
 *
 * Time linear in @n: for each width of key the field has (@pf->narrow,
 * @pf->wide), a window read whole and folded and a bit test at each
 * position, a probe of a short cluster of the table when a bit is set.
 */
void vigil_pf_scan_str(const struct vigil_pf *pf, u16 fk, const u8 *s, u32 n,
		       struct vigil_cands *c)
{
	u16 wfk = fk | VIGIL_PF_WIDE;
	u32 salt = fk * VIGIL_PF_SALT, wsalt = wfk * VIGIL_PF_SALT, key, h, i;
	const u64 *bm = pf->bitmap;
	u32 sh = 32 - pf->bbits;
	u64 m;

	if (!bm)
		return;
	/* each window is read whole: the field's bytes, never beyond */
	if ((pf->narrow >> (fk & 63)) & 1) {
		for (i = VIGIL_GRAM_LEN; i <= n; i++) {
			key = (u32)vigil_fold8(get_unaligned_le32(s + i -
							       VIGIL_GRAM_LEN));
			h = (key ^ salt) * VIGIL_PF_MUL;
			m = pf_bits(h, sh);
			if ((bm[h >> (sh + 6)] & m) != m)
				continue;
			pf_probe(pf, h, key, fk, c);
			if (c->overflow || (!c->key_seen && c->n))
				return;
		}
	}
	if ((pf->wide >> (wfk & 63)) & 1) {
		for (i = VIGIL_GRAM_WIDE; i <= n; i++) {
			const u8 *w = s + i - VIGIL_GRAM_WIDE;

			key = vigil_pf_key8(vigil_fold8(get_unaligned_le32(w) |
					       (u64)get_unaligned_le32(w + 4) << 32));
			h = (key ^ wsalt) * VIGIL_PF_MUL;
			m = pf_bits(h, sh);
			if ((bm[h >> (sh + 6)] & m) != m)
				continue;
			pf_probe(pf, h, key, wfk, c);
			if (c->overflow || (!c->key_seen && c->n))
				return;
		}
	}
}

/**
 * vigil_pf_scan_num() - the candidates a u64 field brings
 * @pf: the index
 * @fk: vigil_pf_fk() of the field
 * @x: its value
 * @c: candidates, added to
 *
 * At most one probe: @pf->probe_work steps.
 */
void vigil_pf_scan_num(const struct vigil_pf *pf, u16 fk, u64 x,
		       struct vigil_cands *c)
{
	u32 key = vigil_pf_numkey(x), h = vigil_pf_hash(key, fk);

	if (pf->bitmap && pf_maybe(pf, h))
		pf_probe(pf, h, key, fk, c);
}

u64 vigil_pf_scan_work(const struct vigil_pf *pf, u16 fk, u32 n)
{
	u64 per = 1 + (u64)pf->probe_work, work = 0;

	if ((pf->narrow >> (fk & 63)) & 1)
		work += pf_windows(n, VIGIL_GRAM_LEN) * per;
	if ((pf->wide >> ((fk | VIGIL_PF_WIDE) & 63)) & 1)
		work += pf_windows(n, VIGIL_GRAM_WIDE) * per;
	return work;
}
