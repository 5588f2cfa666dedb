// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter's Aho-Corasick automaton (ac.c): every pattern that occurs
 * in a text is reported, no other, case-folded, against a naive search on
 * fixed and random pattern sets; duplicates share a terminal; the hit set
 * overflows cleanly; the layout is compact and consistent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ac.h"
#include "strmatch.h"

static u32 rnd_state = 777;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static bool occurs(const u8 *s, u32 n, const u8 *p, u32 m)
{
	u32 i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m && vigil_fold(s[i + j]) == vigil_fold(p[j]);
		     j++)
			;
		if (j == m)
			return true;
	}
	return false;
}

/* Scan @s and check the hits are exactly the patterns that occur. */
static void check_scan(const struct vigil_ac *ac, const struct vigil_ac_pat *pats,
		       const u32 *term, u32 npats, const u8 *s, u32 n)
{
	u32 ids[1024];
	struct vigil_hits h = { .ids = ids, .cap = 1024 };
	u32 i, k;

	vigil_ac_scan(ac, s, n, 100, &h);
	assert_false(h.overflow);
	for (i = 0; i < npats; i++) {
		bool want = occurs(s, n, pats[i].s, pats[i].len), got = false;

		for (k = 0; k < h.n; k++)
			got |= h.ids[k] == 100 + term[i];
		if (want != got)
			fail_msg("pattern '%.*s' in '%.*s': want %d got %d",
				 (int)pats[i].len, pats[i].s, (int)n, s, want,
				 got);
	}
	/* each id once, and only ids of terminals */
	for (k = 0; k < h.n; k++) {
		assert_true(h.ids[k] >= 100 && h.ids[k] < 100 + ac->nterm);
		for (i = 0; i < k; i++)
			assert_int_not_equal(h.ids[i], h.ids[k]);
	}
}

#define P(x) { (const u8 *)(x), sizeof(x) - 1 }

static void test_classic(void **state)
{
	static const struct vigil_ac_pat pats[] = {
		P("he"), P("she"), P("his"), P("hers"), P("HE"),
	};
	static const char * const texts[] = {
		"ushers", "", "h", "hishe", "SHE", "xyz", "hhhhers",
	};
	u32 term[ARRAY_SIZE(pats)], i;
	struct vigil_ac *ac;

	assert_int_equal(vigil_ac_build(pats, ARRAY_SIZE(pats), term, &ac), 0);
	/* "he" and "HE" fold to one terminal */
	assert_int_equal(term[0], term[4]);
	assert_int_equal(ac->nterm, 4);
	/* root + h,s + he,hi,sh + her,his,she + hers */
	assert_int_equal(ac->nnodes, 10);
	assert_int_equal(ac->size, sizeof(*ac) + 10 * sizeof(struct vigil_ac_node) +
				   4 * sizeof(u32));
	for (i = 0; i < ARRAY_SIZE(texts); i++)
		check_scan(ac, pats, term, ARRAY_SIZE(pats),
			   (const u8 *)texts[i], strlen(texts[i]));
	vigil_ac_free(ac);
}

/* Breadth-first layout: children consecutive and sorted, links shallower. */
static void check_layout(const struct vigil_ac *ac)
{
	u32 v, k, *depth = calloc(ac->nnodes, sizeof(u32));

	assert_non_null(depth);
	for (v = 0; v < ac->nnodes; v++) {
		const struct vigil_ac_node *n = &ac->nodes[v];

		for (k = 0; k < n->nchild; k++) {
			assert_true(n->child + k < ac->nnodes);
			assert_true(n->child + k > v);
			depth[n->child + k] = depth[v] + 1;
			if (k)
				assert_true(ac->nodes[n->child + k - 1].label <
					    ac->nodes[n->child + k].label);
		}
		if (v) {
			assert_true(depth[n->fail] < depth[v]);
			assert_true(n->out == VIGIL_AC_NONE ||
				    n->out < ac->nterm);
		}
	}
	for (k = 0; k < 256; k++)
		assert_true(ac->root[k] <= ac->nodes[0].nchild);
	free(depth);
}

static void test_random(void **state)
{
	struct vigil_ac_pat pats[64];
	u8 pbuf[64][8], s[200];
	u32 term[64], it, np, i, j, n;
	struct vigil_ac *ac;

	for (it = 0; it < 400; it++) {
		u32 alpha = 2 + it % 3;

		np = 1 + rnd() % 64;
		for (i = 0; i < np; i++) {
			pats[i].s = pbuf[i];
			pats[i].len = 1 + rnd() % 8;
			for (j = 0; j < pats[i].len; j++)
				pbuf[i][j] = (rnd() % 2 ? 'a' : 'A') +
					     rnd() % alpha;
		}
		assert_int_equal(vigil_ac_build(pats, np, term, &ac), 0);
		check_layout(ac);
		for (j = 0; j < 20; j++) {
			n = rnd() % sizeof(s);
			for (i = 0; i < n; i++)
				s[i] = (rnd() % 2 ? 'a' : 'A') + rnd() % alpha;
			check_scan(ac, pats, term, np, s, n);
		}
		vigil_ac_free(ac);
	}
}

/* Bytes of every value, long patterns, large fan-out at the root. */
static void test_bytes(void **state)
{
	static u8 pbuf[300][VIGIL_AC_MAX_PAT];
	struct vigil_ac_pat pats[300];
	u32 term[300], i, j;
	u8 s[600];
	struct vigil_ac *ac;

	for (i = 0; i < 256; i++) {
		pbuf[i][0] = i;
		pbuf[i][1] = 255 - i;
		pats[i].s = pbuf[i];
		pats[i].len = 2;
	}
	for (; i < 300; i++) {
		for (j = 0; j < VIGIL_AC_MAX_PAT; j++)
			pbuf[i][j] = rnd();
		pats[i].s = pbuf[i];
		pats[i].len = VIGIL_AC_MAX_PAT - (i % 3);
	}
	assert_int_equal(vigil_ac_build(pats, 300, term, &ac), 0);
	check_layout(ac);
	for (i = 0; i < sizeof(s); i++)
		s[i] = rnd();
	check_scan(ac, pats, term, 300, s, sizeof(s));
	memcpy(s + 100, pbuf[299], pats[299].len);
	check_scan(ac, pats, term, 300, s, sizeof(s));
	for (i = 0; i < 256; i++) {
		s[2 * i] = i;
		s[2 * i + 1] = 255 - i;
	}
	check_scan(ac, pats, term, 300, s, sizeof(s));
	vigil_ac_free(ac);

	/* empty and over-long patterns are refused */
	pats[0].len = 0;
	assert_int_equal(vigil_ac_build(pats, 1, term, &ac), -EINVAL);
	assert_null(ac);
	pats[0].len = VIGIL_AC_MAX_PAT + 1;
	assert_int_equal(vigil_ac_build(pats, 1, term, &ac), -EINVAL);
	/* no patterns: a root that never hits */
	assert_int_equal(vigil_ac_build(pats, 0, term, &ac), 0);
	assert_int_equal(ac->nnodes, 1);
	check_scan(ac, pats, term, 0, s, sizeof(s));
	vigil_ac_free(ac);
}

/* Repeats are recorded once; a full set stops the scan and says so. */
static void test_hits(void **state)
{
	static const struct vigil_ac_pat pats[] = {
		P("a"), P("aa"), P("aaa"), P("b"),
	};
	u32 term[4], ids[2];
	struct vigil_hits h = { .ids = ids, .cap = 2 };
	struct vigil_ac *ac;

	assert_int_equal(vigil_ac_build(pats, 4, term, &ac), 0);
	vigil_ac_scan(ac, (const u8 *)"abababab", 8, 0, &h);
	assert_false(h.overflow);
	assert_int_equal(h.n, 2);
	vigil_ac_scan(ac, (const u8 *)"aaaa", 4, 0, &h);
	assert_true(h.overflow);
	assert_int_equal(h.n, 2);

	assert_true(vigil_hits_add(&(struct vigil_hits){ .ids = ids, .cap = 2 },
				   64));
	vigil_ac_free(ac);
}

/* A failed allocation fails the build and leaks nothing. */
static void test_nomem(void **state)
{
	static const struct vigil_ac_pat pats[] = { P("x"), P("yz") };
	u32 term[2], nth;
	struct vigil_ac *ac;

	for (nth = 1; nth <= 2; nth++) {
		vigil_compile_fail_nth = nth;
		assert_int_equal(vigil_ac_build(pats, 2, term, &ac), -ENOMEM);
		assert_null(ac);
	}
	vigil_compile_fail_nth = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_hits),
		cmocka_unit_test(test_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
