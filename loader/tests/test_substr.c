// SPDX-License-Identifier: GPL-2.0
/*
 * Substring sets (substr.c): the automaton of a set of patterns finds, in
 * one pass, exactly the patterns a naive search finds, with and without
 * case, for repeated, nested and overlapping patterns; its states and
 * output chains are what the work bound assumes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "strmatch.h"
#include "substr.h"

#define RND_SEED	4242U
#include "rnd.h"

static bool naive_contains(const u8 *s, u32 n, const u8 *p, u32 m,
			   bool nocase)
{
	u32 i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m; j++) {
			u8 c = nocase ? vigil_fold(s[i + j]) : s[i + j];
			u8 d = nocase ? vigil_fold(p[j]) : p[j];

			if (c != d)
				break;
		}
		if (j == m)
			return true;
	}
	return false;
}

/* Where @p first ends in @s, or 0. */
static u32 naive_end(const u8 *s, u32 n, const u8 *p, u32 m, bool nocase)
{
	u32 i;

	for (i = 0; i + m <= n; i++)
		if (naive_contains(s + i, m, p, m, nocase))
			return i + m;
	return 0;
}

/* One automaton over @n patterns, as the rule set compiler builds it. */
struct set {
	struct vigil_sub g;
	struct vigil_sub_state *st;
	struct vigil_sub_pat *sp;
	u32 *id;	/* per pattern as given, its index */
	u32 n;
	u32 gen;
	u32 *stamp;
	u16 *end;
};

static void set_build_skip(struct set *t, const u8 *const *p,
			   const u32 *len, u32 n, bool nocase, u32 base,
			   u16 skip)
{
	u32 k, nodes, *tmp;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->sp = calloc(n, sizeof(*t->sp));
	t->id = calloc(n, sizeof(*t->id));
	for (k = 0; k < n; k++) {
		t->sp[k].key = vigil_sub_key(2, 3, nocase);
		t->sp[k].p = p[k];
		t->sp[k].len = len[k];
		t->sp[k].vi = k;
		t->sp[k].skip = skip;
		vigil_sub_head(&t->sp[k]);
	}
	qsort(t->sp, n, sizeof(*t->sp), vigil_sub_cmp);
	nodes = vigil_sub_count(t->sp, n);
	/* states from @base on, as for a second automaton of a rule set */
	t->st = calloc(base + nodes, sizeof(*t->st));
	tmp = calloc(VIGIL_SUB_TMP_WORDS(nodes), sizeof(u32));
	t->g.root = base;
	t->g.pat_first = 7;
	vigil_sub_build(&t->g, t->st, t->sp, n, nodes, tmp);
	free(tmp);
	assert_int_equal(t->g.nstates, nodes);
	assert_int_equal(t->g.type, 2);
	assert_int_equal(t->g.field, 3);
	assert_int_equal(t->g.nocase, nocase);
	for (k = 0; k < n; k++)
		t->id[t->sp[k].vi] = t->sp[k].id;
	assert_int_equal(t->g.skip, skip);
	t->stamp = calloc(t->g.pat_first + t->g.npat, sizeof(u32));
	t->end = calloc(t->g.pat_first + t->g.npat, sizeof(u16));
}

static void set_build(struct set *t, const u8 *const *p, const u32 *len,
		      u32 n, bool nocase, u32 base)
{
	set_build_skip(t, p, len, n, nocase, base, 0);
}

static void set_free(struct set *t)
{
	free(t->sp);
	free(t->id);
	free(t->st);
	free(t->stamp);
	free(t->end);
}

/* Scan @s; whether pattern @k (as given) was found. */
static void set_scan(struct set *t, const u8 *s, u32 n)
{
	vigil_sub_scan(&t->g, t->st, s, n, t->stamp, t->end, ++t->gen);
}

static bool set_found(const struct set *t, u32 k)
{
	return t->stamp[t->id[k]] == t->gen;
}

/* Where pattern @k (as given) first ends, or 0 if it was not found. */
static u32 set_end(const struct set *t, u32 k)
{
	return set_found(t, k) ? t->end[t->id[k]] : 0;
}

static void test_fixed(void **state)
{
	static const char *const pats[] = {
		"he", "she", "his", "hers", "/tmp/", "curl", "he",
	};
	const u8 *p[ARRAY_SIZE(pats)];
	u32 len[ARRAY_SIZE(pats)], k;
	struct set t;

	for (k = 0; k < ARRAY_SIZE(pats); k++) {
		p[k] = (const u8 *)pats[k];
		len[k] = strlen(pats[k]);
	}
	set_build(&t, p, len, ARRAY_SIZE(pats), false, 0);
	/* the repeated "he" shares one pattern */
	assert_int_equal(t.g.npat, ARRAY_SIZE(pats) - 1);
	assert_int_equal(t.id[0], t.id[6]);
	set_scan(&t, (const u8 *)"ushers", 6);
	assert_true(set_found(&t, 0));
	assert_true(set_found(&t, 1));
	assert_false(set_found(&t, 2));
	assert_true(set_found(&t, 3));
	assert_false(set_found(&t, 4));
	/* a new generation forgets the last scan */
	set_scan(&t, (const u8 *)"CURL /TMP/", 10);
	assert_false(set_found(&t, 0));
	assert_false(set_found(&t, 5));
	set_scan(&t, (const u8 *)"x curl y /tmp/z", 15);
	assert_true(set_found(&t, 4));
	assert_true(set_found(&t, 5));
	assert_false(set_found(&t, 3));
	set_scan(&t, (const u8 *)"", 0);
	for (k = 0; k < ARRAY_SIZE(pats); k++)
		assert_false(set_found(&t, k));
	set_free(&t);

	/* without case: the folded patterns */
	set_build(&t, p, len, ARRAY_SIZE(pats), true, 5);
	set_scan(&t, (const u8 *)"CURL /TMP/", 10);
	assert_true(set_found(&t, 4));
	assert_true(set_found(&t, 5));
	assert_false(set_found(&t, 0));
	set_free(&t);
}

/*
 * Nested patterns: at the end of "aaaa", four patterns end at once; the
 * output chain, and the bound, say so.
 */
static void test_chain(void **state)
{
	static const u8 a[VIGIL_MAX_PATTERN_LEN] = { [0 ... 255] = 'a' };
	const u8 *p[4] = { a, a, a, a };
	u32 len[4] = { 1, 2, 3, 4 };
	struct set t;
	u32 k;

	set_build(&t, p, len, 4, false, 0);
	assert_int_equal(t.g.chain, 4);
	assert_int_equal(t.g.nstates, 5);
	/* 2 lookups a byte, and 3 a visit: 4 a byte, or a byte and 4 */
	assert_int_equal(vigil_sub_work(&t.g, 100), 1 + 200 + 3 * 104);
	assert_int_equal(vigil_sub_work(&t.g, 1), 1 + 2 + 3 * 4);
	set_scan(&t, a, 3);
	assert_true(set_found(&t, 2));
	assert_false(set_found(&t, 3));
	set_scan(&t, a, 4);
	for (k = 0; k < 4; k++)
		assert_true(set_found(&t, k));
	set_free(&t);

	/* disjoint patterns: one output a position at most */
	p[1] = (const u8 *)"b";
	p[2] = (const u8 *)"cd";
	p[3] = (const u8 *)"efg";
	len[0] = 1;
	len[1] = 1;
	len[2] = 2;
	len[3] = 3;
	set_build(&t, p, len, 4, false, 0);
	assert_int_equal(t.g.chain, 1);
	set_free(&t);
}

/*
 * An automaton that scans from a byte on (a glob's middle after its
 * prefix) sees nothing before it, and reports the first end after it.
 */
static void test_skip(void **state)
{
	const u8 *p[2] = { (const u8 *)"ab", (const u8 *)"b" };
	u32 len[2] = { 2, 1 };
	struct set t;

	set_build_skip(&t, p, len, 2, false, 0, 3);
	/* "b" ends "ab": two a byte, but two patterns in all */
	assert_int_equal(t.g.chain, 2);
	assert_int_equal(vigil_sub_work(&t.g, 10), 1 + 7 * 2 + 3 * (7 + 2));
	assert_int_equal(vigil_sub_work(&t.g, 2), 1);
	set_scan(&t, (const u8 *)"xxabc", 5);
	assert_false(set_found(&t, 0));	/* starts at 2, before the skip */
	assert_int_equal(set_end(&t, 1), 4);
	set_scan(&t, (const u8 *)"xxxabab", 7);
	assert_int_equal(set_end(&t, 0), 5);	/* the first, not the last */
	assert_int_equal(set_end(&t, 1), 5);
	set_scan(&t, (const u8 *)"ab", 2);	/* shorter than the skip */
	assert_false(set_found(&t, 0));
	set_free(&t);
}

/* Random sets over a small alphabet, against the naive search. */
static void test_random(void **state)
{
	static const char alpha[] = "abAB/";
	u8 pool[64][12], s[200];
	const u8 *p[64];
	u32 len[64], it, n, k, m, i;
	struct set t;

	for (it = 0; it < 3000; it++) {
		bool nocase = it & 1;
		u32 na = nocase ? 5 : 3;

		n = 1 + rnd() % 64;
		for (k = 0; k < n; k++) {
			len[k] = 1 + rnd() % 8;
			for (i = 0; i < len[k]; i++)
				pool[k][i] = alpha[rnd() % na];
			p[k] = pool[k];
		}
		set_build(&t, p, len, n, nocase, rnd() % 3);
		for (i = 0; i < 4; i++) {
			m = rnd() % sizeof(s);
			for (k = 0; k < m; k++)
				s[k] = alpha[rnd() % na];
			set_scan(&t, s, m);
			for (k = 0; k < n; k++)
				assert_int_equal(set_end(&t, k),
						 naive_end(s, m, p[k], len[k],
							   nocase));
		}
		set_free(&t);
	}
}

/*
 * The order the compiler sorts by: key first, then bytes (folded when
 * the key says nocase), a pattern before the longer ones it begins.
 */
static void test_cmp(void **state)
{
	struct vigil_sub_pat x = { .key = vigil_sub_key(1, 2, false) };
	struct vigil_sub_pat y = x;

	x.p = (const u8 *)"ab";
	x.len = 2;
	y.p = (const u8 *)"abc";
	y.len = 3;
	vigil_sub_head(&x);
	vigil_sub_head(&y);
	assert_true(vigil_sub_cmp(&x, &y) < 0);
	assert_true(vigil_sub_cmp(&y, &x) > 0);
	y.p = (const u8 *)"AB";
	y.len = 2;
	vigil_sub_head(&y);
	assert_true(vigil_sub_cmp(&x, &y) > 0);
	x.key = y.key = vigil_sub_key(1, 2, true);
	vigil_sub_head(&x);
	vigil_sub_head(&y);
	assert_int_equal(vigil_sub_cmp(&x, &y), 0);
	y.key = vigil_sub_key(1, 3, true);
	assert_true(vigil_sub_cmp(&x, &y) < 0);
	/* bytes compare unsigned */
	x.key = y.key;
	x.p = (const u8 *)"\x80";
	x.len = 1;
	y.p = (const u8 *)"a";
	y.len = 1;
	vigil_sub_head(&x);
	vigil_sub_head(&y);
	assert_true(vigil_sub_cmp(&x, &y) > 0);
	/* past eight bytes the rest decides */
	x.p = (const u8 *)"abcdefghZ";
	x.len = 9;
	y.p = (const u8 *)"abcdefghA";
	y.len = 9;
	vigil_sub_head(&x);
	vigil_sub_head(&y);
	assert_true(vigil_sub_cmp(&x, &y) > 0);
}

/*
 * The compiler's radix sort orders as vigil_sub_cmp() does: random
 * entries of a few keys and skips, patterns sharing long prefixes, with
 * and without case.
 */
static void test_sort(void **state)
{
	static const char alpha[] = "aAb/";
	struct vigil_sub_pat sp[300], ref[300], tmp[300];
	static u8 pool[300][20];
	u32 it, n, k, i;

	for (it = 0; it < 300; it++) {
		n = rnd() % 300;
		for (k = 0; k < n; k++) {
			u32 len = 1 + rnd() % 20, pre = rnd() % 2 ? 10 : 0;

			for (i = 0; i < len; i++)
				pool[k][i] = i < pre ? '/' :
					     alpha[rnd() % (sizeof(alpha) - 1)];
			memset(&sp[k], 0, sizeof(sp[k]));
			sp[k].key = vigil_sub_key(1 + rnd() % 2, rnd() % 3,
						  rnd() % 2);
			sp[k].skip = rnd() % 3 ? 0 : rnd() % 256;
			sp[k].p = pool[k];
			sp[k].len = len;
			sp[k].vi = k;
			vigil_sub_head(&sp[k]);
		}
		memcpy(ref, sp, sizeof(sp));
		qsort(ref, n, sizeof(*ref), vigil_sub_cmp);
		vigil_sub_sort(sp, n, tmp);
		for (k = 0; k < n; k++)
			assert_int_equal(vigil_sub_cmp(&sp[k], &ref[k]), 0);
		for (k = 1; k < n; k++)
			assert_true(vigil_sub_cmp(&sp[k - 1], &sp[k]) <= 0);
	}
}

/* The longest patterns, every byte value: states and bound still hold. */
static void test_long(void **state)
{
	u8 pool[256][VIGIL_MAX_PATTERN_LEN], s[VIGIL_MAX_FIELD_LEN];
	const u8 *p[256];
	u32 len[256], k, i;
	struct set t;

	for (k = 0; k < 256; k++) {
		for (i = 0; i < VIGIL_MAX_PATTERN_LEN; i++)
			pool[k][i] = (u8)(k + i);
		p[k] = pool[k];
		len[k] = VIGIL_MAX_PATTERN_LEN;
	}
	set_build(&t, p, len, 256, false, 0);
	/* 256 distinct first bytes: no shared prefix */
	assert_int_equal(t.g.nstates, 1 + 256 * VIGIL_MAX_PATTERN_LEN);
	assert_int_equal(t.g.chain, 1);
	for (i = 0; i < sizeof(s); i++)
		s[i] = (u8)(i + 17);
	set_scan(&t, s, sizeof(s));
	for (k = 0; k < 256; k++)
		assert_int_equal(set_found(&t, k),
				 naive_contains(s, sizeof(s), p[k], len[k],
						false));
	assert_true(set_found(&t, 17));
	set_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
