// SPDX-License-Identifier: GPL-2.0
/*
 * vigil_match_may() of several rule sets at once: see loader.h.
 *
 * A sensor with many channels asks every one of them whether an event may
 * match before it builds the event.  Asked one by one, each set scans the
 * field again.  Here the keys of every set that would scan are merged into
 * one bitmap (the gate), hashed as each set hashes them (the hash of a key
 * depends on its field, never on its set), and the field is read once,
 * each byte folded once: the last eight bytes give both the narrow and
 * the wide gram that end there.  Where the gate is hit, each set that
 * scans the field is probed; the first key found answers "maybe".
 *
 * The answer is the one vigil_match_may() gives for each set, OR-ed: a set
 * with rules of the type that would not scan (rules without anchors,
 * anchors in u64 fields or in another field, a field longer than the set
 * scans) says "maybe" without a scan, and a key that occurs is found in
 * the set that holds it.  The work stays within what the sets' own scans
 * are charged (channels/FORMAT.md, "Work"): at each window one test of
 * the gate, and a probe of each set only where the gate is hit, in place
 * of each set's bitmap test and probe.
 */
#include "loader.h"
#include "prefilter.h"
#include "ruleset.h"
#include "strmatch.h"

/* The gate's size, log2 of bits: 64 bits a key, one of them set. */
#define MAY_BITS_MIN	13U
#define MAY_BITS_MAX	18U

/**
 * struct vigil_may_type - what the sets say of one event type
 * @always: bit f: some set may match an event of this type whatever its
 *	field f holds
 * @scans: bit i: set i scans field @field
 * @field: the one string field that the sets of @scans key on
 * @len: the longest field every set of @scans scans
 * @narrow: bit i: set i of @scans has narrow keys in @field
 * @wide: bit i: likewise, wide keys
 */
struct vigil_may_type {
	u64 always;
	u64 scans;
	u32 field;
	u32 len;
	u64 narrow;
	u64 wide;
};

/**
 * struct vigil_may - the prefilters of several rule sets, asked at once
 * @rs: the sets, not owned
 * @n: how many
 * @gbits: log2 of the gate's size in bits
 * @gate: every key of every set of some type's @scans, one bit each
 * @types: per event type
 */
struct vigil_may {
	const struct vigil_ruleset *rs[VIGIL_MAX_CHANNELS];
	u32 n;
	u32 gbits;
	u64 *gate;
	struct vigil_may_type types[VIGIL_EV_MAX + 1];
};

/* What set @rs says of type @t: always-maybe fields, or the one it scans. */
static void may_type_add(struct vigil_may_type *mt, const struct vr_type *ty,
			 const struct vigil_pf *pf, u32 t, u32 i)
{
	u32 f;

	if (!ty->n)
		return;
	if (ty->na || ty->nummask || !ty->strmask ||
	    (ty->strmask & (ty->strmask - 1))) {
		mt->always = ~0ULL;
		return;
	}
	f = __builtin_ctz(ty->strmask);
	/* every other field is asked of this set without a scan */
	mt->always |= ~(1ULL << f);
	/* another set scans another field: @always has every bit now */
	if (mt->scans && mt->field != f)
		return;
	mt->len = mt->scans ? min(mt->len, ty->may_len) : ty->may_len;
	mt->field = f;
	mt->scans |= 1ULL << i;
	if ((pf->narrow >> (vigil_pf_fk(t, f) & 63)) & 1)
		mt->narrow |= 1ULL << i;
	if ((pf->wide >> ((vigil_pf_fk(t, f) | VIGIL_PF_WIDE) & 63)) & 1)
		mt->wide |= 1ULL << i;
}

/* Whether a key tagged @fk is one the gate holds for set @i. */
static bool may_gated(const struct vigil_may *m, u16 fk, u32 i)
{
	u32 fkey = fk & ~VIGIL_PF_WIDE;
	u32 t = fkey / VIGIL_MAX_FIELDS;
	const struct vigil_may_type *mt;

	if (t > VIGIL_EV_MAX)
		return false;
	mt = &m->types[t];
	return (mt->scans >> i) & 1 && mt->field == fkey % VIGIL_MAX_FIELDS &&
	       !((mt->always >> mt->field) & 1);
}

struct vigil_may *vigil_may_build(const struct vigil_ruleset *const *rs,
				  u32 n)
{
	struct vigil_may *m;
	u32 i, t, slot, keys = 0, bits, sh;

	if (n > VIGIL_MAX_CHANNELS)
		return NULL;
	m = vigil_alloc(sizeof(*m));
	if (!m)
		return NULL;
	m->n = n;
	for (i = 0; i < n; i++) {
		m->rs[i] = rs[i];
		for (t = 1; t <= VIGIL_EV_MAX; t++)
			may_type_add(&m->types[t], &rs[i]->types[t],
				     &rs[i]->pf, t, i);
	}
	for (i = 0; i < n; i++)
		keys += rs[i]->pf.nkeys;
	for (bits = MAY_BITS_MIN; bits < MAY_BITS_MAX &&
	     (1ULL << bits) < 64ULL * keys; bits++)
		;
	m->gbits = bits;
	m->gate = vigil_alloc((size_t)1 << (bits - 3));
	if (!m->gate) {
		vigil_free(m);
		return NULL;
	}
	sh = 32 - bits;
	for (i = 0; i < n; i++) {
		const struct vigil_pf *pf = &rs[i]->pf;

		for (slot = 0; pf->tab && slot < 1U << pf->tbits; slot++) {
			const struct vigil_pf_key *k = &pf->tab[slot];
			u32 h;

			if (k->fk == VIGIL_PF_EMPTY || !may_gated(m, k->fk, i))
				continue;
			h = vigil_pf_hash(k->key, k->fk);
			m->gate[h >> (sh + 6)] |= 1ULL << ((h >> sh) & 63);
		}
	}
	return m;
}

void vigil_may_free(struct vigil_may *m)
{
	if (!m)
		return;
	vigil_free(m->gate);
	vigil_free(m);
}

/* Whether a set of @sets holds (@key, @fk), @h its hash. */
static bool may_probe(const struct vigil_may *m, u64 sets, u32 h, u32 key,
		      u16 fk)
{
	u64 left = sets;

	while (left) {
		u32 i = __builtin_ctzll(left);

		left &= left - 1;
		if (vigil_pf_has(&m->rs[i]->pf, h, key, fk))
			return true;
	}
	return false;
}

/*
 * Whether the gate is hit by a key of hash @h: one bit, picked by the top
 * bits of the hash (32 - @sh of them), as the gate's bits are set.
 */
static inline bool may_gate(const struct vigil_may *m, u32 h, u32 sh)
{
	return (m->gate[h >> (sh + 6)] >> ((h >> sh) & 63)) & 1;
}

/* Whether the narrow gram in the top half of @g is a key of a set. */
static __always_inline bool may_narrow(const struct vigil_may *m,
				       const struct vigil_may_type *mt, u64 g,
				       u32 salt, u32 sh, u16 fk)
{
	u32 key = (u32)(g >> 32), h = (key ^ salt) * VIGIL_PF_MUL;

	return may_gate(m, h, sh) && may_probe(m, mt->narrow, h, key, fk);
}

/* Whether the wide gram @g is a key of a set. */
static __always_inline bool may_wide(const struct vigil_may *m,
				     const struct vigil_may_type *mt, u64 g,
				     u32 salt, u32 sh, u16 fk)
{
	u32 key = vigil_pf_key8(g), h = (key ^ salt) * VIGIL_PF_MUL;

	return may_gate(m, h, sh) && may_probe(m, mt->wide, h, key, fk);
}

/*
 * The scan, for keys of one width or both (constants, so that each case
 * compiles to a loop of its own).  @g holds the last eight bytes read,
 * folded, the first in the low bits: the wide gram that ends there, and
 * in its top half the narrow one.
 */
static __always_inline bool may_scan(const struct vigil_may *m,
				     const struct vigil_may_type *mt, u16 fk,
				     const u8 *s, u32 n, bool narrow,
				     bool wide)
{
	u32 salt = fk * VIGIL_PF_SALT, sh = 32 - m->gbits, i = 0;
	u16 wfk = fk | VIGIL_PF_WIDE;
	u32 wsalt = wfk * VIGIL_PF_SALT;
	u64 g = 0;

	for (; i < n && i < VIGIL_GRAM_LEN - 1; i++)
		g = g >> 8 | (u64)vigil_fold(s[i]) << 56;
	/* narrow grams only, until a wide one is whole */
	for (; i < n && i < VIGIL_GRAM_WIDE - 1; i++) {
		g = g >> 8 | (u64)vigil_fold(s[i]) << 56;
		if (narrow && may_narrow(m, mt, g, salt, sh, fk))
			return true;
	}
	for (; i < n; i++) {
		g = g >> 8 | (u64)vigil_fold(s[i]) << 56;
		if (narrow && may_narrow(m, mt, g, salt, sh, fk))
			return true;
		if (wide && may_wide(m, mt, g, wsalt, sh, wfk))
			return true;
	}
	return false;
}

bool vigil_may_match(const struct vigil_may *m, u32 type, u32 field,
		     const u8 *s, u32 n)
{
	const struct vigil_may_type *mt;

	if (!m || !type || type > VIGIL_EV_MAX || field >= VIGIL_MAX_FIELDS)
		return true;
	mt = &m->types[type];
	if ((mt->always >> field) & 1)
		return true;
	if (!mt->scans)
		return false;
	n = min(n, VIGIL_MAX_FIELD_LEN);
	if (n > mt->len)
		return true;	/* evaluating the event costs less */
	/* each window is read whole: the field's bytes, never beyond */
	if (!mt->wide)
		return may_scan(m, mt, vigil_pf_fk(type, field), s, n, true,
				false);
	if (!mt->narrow)
		return may_scan(m, mt, vigil_pf_fk(type, field), s, n, false,
				true);
	return may_scan(m, mt, vigil_pf_fk(type, field), s, n, true, true);
}
