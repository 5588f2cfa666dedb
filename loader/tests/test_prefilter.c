// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter's gram index (prefilter.c): a literal that occurs in a
 * field, in any case, always brings its rule (no false negatives), against
 * a naive search on random literal sets and texts; grams fold only ASCII
 * letters; u64 keys; duplicates; the candidate set overflows cleanly; a
 * failed allocation fails the build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prefilter.h"
#include "strmatch.h"

#define RND_SEED	777U
#include "rnd.h"

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

static bool has(const struct vigil_cands *c, u32 rule)
{
	u32 i;

	for (i = 0; i < c->n; i++) {
		if (c->ids[i] == rule)
			return true;
	}
	return false;
}

/* An entry for literal @s of rule @rule on @fk, as the compiler makes it. */
static struct vigil_pf_ent ent(const char *s, u16 fk, u16 rule)
{
	struct vigil_pf_ent e = { .fk = fk, .rule = rule };
	bool wide;

	e.key = vigil_pf_gram((const u8 *)s, strlen(s), &wide);
	if (wide)
		e.fk |= VIGIL_PF_WIDE;
	return e;
}

/*
 * What a probe is charged (probe_work) covers the longest walk there is,
 * found by brute force from every home slot: to the first free slot or
 * the first key nearer its own home than the walk has gone (Robin Hood:
 * no key lies past that point); and the stamp of the key found.  Every
 * key is within that walk of its home.
 */
static void check_probe_work(const struct vigil_pf *pf)
{
	u32 size = 1U << pf->tbits, start, d, most = 0, slot;

	for (start = 0; start < size; start++) {
		for (d = 0; d < size; d++) {
			slot = (start + d) % size;
			if (pf->tab[slot].fk == VIGIL_PF_EMPTY ||
			    vigil_pf_dist(pf, slot) < d)
				break;
		}
		most = max(most, d + 1);
	}
	assert_true(most + 1 <= pf->probe_work);
	for (slot = 0; slot < size; slot++)
		if (pf->tab[slot].fk != VIGIL_PF_EMPTY)
			assert_true(vigil_pf_dist(pf, slot) + 2 <=
				    pf->probe_work);
}

/*
 * The evaluation's stamps of the keys and of the rules, as the matcher's
 * scratch holds them.
 */
static u32 stamps[1024], rule_stamps[1024], gen;

static void cands(const struct vigil_pf *pf, struct vigil_cands *c)
{
	assert_true(pf->nstamps <= ARRAY_SIZE(stamps));
	vigil_cands_init(c, stamps, rule_stamps, ++gen);
}

static void scan_n(const struct vigil_pf *pf, u16 fk, const u8 *s, u32 n,
		   struct vigil_cands *c)
{
	cands(pf, c);
	vigil_pf_scan_str(pf, fk, s, n, c);
}

static void scan(const struct vigil_pf *pf, u16 fk, const char *s,
		 struct vigil_cands *c)
{
	scan_n(pf, fk, (const u8 *)s, strlen(s), c);
}

/* Grams: case-folded ASCII only; rare parts win over "/usr" and "bin/". */
static void test_gram(void **state)
{
	bool wide;

	assert_int_equal(vigil_pf_gram((const u8 *)"ABCD", 4, &wide),
			 vigil_pf_gram((const u8 *)"abcd", 4, &wide));
	assert_false(wide);
	assert_int_equal(vigil_pf_gram((const u8 *)"abcd", 4, &wide),
			 0x64636261);
	/* bytes with the high bit set are not letters: 0xc1 & 0x7f is 'A' */
	assert_int_equal(vigil_pf_gram((const u8 *)"\xc1\xda\x5b\x40", 4,
				       &wide), 0x405bdac1);
	assert_int_equal(vigil_pf_gram((const u8 *)"/usr/bin/zypq", 13, &wide),
			 vigil_pf_gram((const u8 *)"r/bin/zypq", 10, &wide));
	assert_true(wide);
	assert_int_equal(vigil_pf_gram((const u8 *)"/usr/zkqx", 9, &wide),
			 vigil_pf_gram((const u8 *)"USR/ZKQX", 8, &wide));
	/* four-byte grams of short literals avoid the separators */
	assert_int_equal(vigil_pf_gram((const u8 *)"/a/zkqx", 7, &wide),
			 0x78716b7a);
}

/* Fixed sets: fields, case, chance hits, duplicates. */
static void test_classic(void **state)
{
	const struct vigil_pf_ent ents[] = {
		ent("kazumito", 17, 0), ent("/etc/shadow", 17, 1),
		ent("Curl", 18, 2), ent("curl", 17, 3), ent("curl", 17, 3),
		ent("wget", 17, 4),
	};
	struct vigil_cands c;
	struct vigil_pf pf;

	assert_int_equal(vigil_pf_build(&pf, ents, ARRAY_SIZE(ents)), 0);
	check_probe_work(&pf);
	assert_true(pf.size > 0);
	scan(&pf, 17, "/usr/bin/CURL -o /tmp/KAZUMITO.sh", &c);
	assert_false(c.overflow);
	assert_true(has(&c, 0) && has(&c, 3));
	assert_false(has(&c, 2) || has(&c, 4));
	scan(&pf, 18, "curl", &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 2);
	scan(&pf, 17, "cat /ETC/SHADOW", &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 1);
	scan(&pf, 17, "cur", &c);
	assert_int_equal(c.n, 0);
	vigil_pf_free(&pf);
}

/* Random literals and texts: every literal that occurs brings its rule. */
static void test_random(void **state)
{
	static const char alpha[] = "abAB/.xz";
	struct vigil_pf_ent ents[300];
	u8 lits[300][20], text[200];
	u32 lens[300], it, n, i, k, tl, found = 0, extra = 0;
	u16 fks[300];
	struct vigil_cands c;
	struct vigil_pf pf;
	bool wide;

	for (it = 0; it < 300; it++) {
		n = 1 + rnd() % ARRAY_SIZE(ents);
		for (i = 0; i < n; i++) {
			lens[i] = VIGIL_GRAM_LEN + rnd() % 12;
			for (k = 0; k < lens[i]; k++)
				lits[i][k] = alpha[rnd() % 8];
			fks[i] = 16 + rnd() % 3;
			ents[i].key = vigil_pf_gram(lits[i], lens[i], &wide);
			ents[i].fk = fks[i] | (wide ? VIGIL_PF_WIDE : 0);
			ents[i].rule = i;
		}
		assert_int_equal(vigil_pf_build(&pf, ents, n), 0);
		check_probe_work(&pf);
		for (k = 0; k < 20; k++) {
			u16 fk = 16 + rnd() % 3;

			tl = rnd() % sizeof(text);
			for (i = 0; i < tl; i++)
				text[i] = alpha[rnd() % 8];
			/* plant a literal now and then */
			i = rnd() % n;
			if (k % 2 && tl > lens[i]) {
				memcpy(text + rnd() % (tl - lens[i]), lits[i],
				       lens[i]);
			}
			scan_n(&pf, fk, text, tl, &c);
			if (c.overflow)
				continue;
			for (i = 0; i < n; i++) {
				bool want = fks[i] == fk &&
					    occurs(text, tl, lits[i], lens[i]);

				if (want && !has(&c, i))
					fail_msg("literal %u missed", i);
				found += want;
				extra += !want && has(&c, i);
			}
		}
		vigil_pf_free(&pf);
	}
	print_message("%u literals found, %u chance candidates\n", found,
		      extra);
	assert_true(found > 300);
}

/*
 * A key many rules share takes one slot, so probes stay short however
 * many share it; found again in one evaluation it brings nothing more;
 * without stamps (vigil_match_may()) the scan stops at the first key.
 */
static void test_shared_key(void **state)
{
	struct vigil_pf_ent ents[2 * 200 + 1];
	struct vigil_cands c;
	struct vigil_pf pf;
	u32 i;

	for (i = 0; i < 200; i++) {
		ents[2 * i] = ent("stress", 17, i);
		ents[2 * i + 1] = ent("stress", 17, i);	/* a repeat */
	}
	ents[400] = ent("other", 17, 7);
	assert_int_equal(vigil_pf_build(&pf, ents, ARRAY_SIZE(ents)), 0);
	check_probe_work(&pf);
	assert_int_equal(pf.nkeys, 2);
	assert_true(pf.probe_work <= 4);
	/* 200 rules: the candidate set overflows at once */
	scan(&pf, 17, "a stress test", &c);
	assert_true(c.overflow);
	vigil_pf_free(&pf);

	for (i = 0; i < 10; i++)
		ents[i] = ent("stress", 17, i);
	ents[10] = ent("other", 17, 10);
	assert_int_equal(vigil_pf_build(&pf, ents, 11), 0);
	/* found three times, its ten rules come once */
	scan(&pf, 17, "stress stress other stress", &c);
	assert_false(c.overflow);
	assert_int_equal(c.n, 11);
	for (i = 0; i <= 10; i++)
		assert_true(has(&c, i));
	/* no stamps: the first key found, one of its rules, and stop */
	vigil_cands_init(&c, NULL, NULL, 0);
	vigil_pf_scan_str(&pf, 17, (const u8 *)"other stress", 12, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 10);
	vigil_pf_free(&pf);
}

/* u64 keys; a full candidate set says so. */
static void test_num_overflow(void **state)
{
	struct vigil_pf_ent ents[VIGIL_MATCH_MAX_HITS + 3];
	struct vigil_cands c;
	struct vigil_pf pf;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ents); i++) {
		ents[i].key = vigil_pf_numkey(i < 2 ? 443 + i : 22);
		ents[i].fk = 20;
		ents[i].rule = i;
	}
	assert_int_equal(vigil_pf_build(&pf, ents, ARRAY_SIZE(ents)), 0);
	check_probe_work(&pf);
	cands(&pf, &c);
	vigil_pf_scan_num(&pf, 20, 444, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 1);
	vigil_pf_scan_num(&pf, 21, 443, &c);
	assert_int_equal(c.n, 1);
	vigil_pf_scan_num(&pf, 20, 22, &c);
	assert_true(c.overflow);
	assert_int_equal(c.n, VIGIL_MATCH_MAX_HITS);
	vigil_pf_free(&pf);

	/* the candidate set records a rule once */
	cands(&pf, &c);
	vigil_cands_add(&c, 64);
	vigil_cands_add(&c, 0);
	vigil_cands_add(&c, 64);
	assert_int_equal(c.n, 2);
	assert_false(c.overflow);
	/* and gives up after so many tries, repeats or not */
	for (i = 3; i < VIGIL_PF_MAX_TRIES; i++)
		vigil_cands_add(&c, 0);
	assert_false(c.overflow);
	vigil_cands_add(&c, 0);
	assert_true(c.overflow);
	assert_int_equal(c.n, 2);
}

/*
 * Keys that all bring the same rules: however many occur in a field,
 * the set stops after VIGIL_PF_MAX_TRIES rules brought, so its
 * bookkeeping is bounded by that, not by the field.
 */
static void test_many_keys(void **state)
{
	struct vigil_pf_ent ents[100 * 8];
	char lit[8], text[100 * 5 + 1] = "";
	struct vigil_cands c;
	struct vigil_pf pf;
	u32 k, r, n = 0;

	for (k = 0; k < 100; k++) {
		snprintf(lit, sizeof(lit), "k%03u", k);
		strcat(text, lit);
		strcat(text, " ");
		for (r = 0; r < 8; r++)
			ents[n++] = ent(lit, 17, r);
	}
	assert_int_equal(vigil_pf_build(&pf, ents, n), 0);
	scan(&pf, 17, text, &c);
	assert_true(c.overflow);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.tries, VIGIL_PF_MAX_TRIES + 1);
	/* a few of them: the eight rules, once */
	scan(&pf, 17, "k001 k002 k003", &c);
	assert_false(c.overflow);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.tries, 24);
	vigil_pf_free(&pf);
}

/* No keys, no allocation; a failed allocation or a bad tag fails. */
static void test_build_fail(void **state)
{
	const struct vigil_pf_ent ents[] = { ent("abcdef", 16, 0) };
	struct vigil_pf_ent bad = ents[0];
	struct vigil_cands c;
	struct vigil_pf pf;

	assert_int_equal(vigil_pf_build(&pf, ents, 0), 0);
	assert_null(pf.bitmap);
	scan(&pf, 16, "abcdef", &c);
	assert_int_equal(c.n, 0);
	vigil_pf_free(&pf);

	vigil_compile_fail_nth = 1;
	assert_int_equal(vigil_pf_build(&pf, ents, 1), -ENOMEM);
	assert_null(pf.bitmap);
	vigil_compile_fail_nth = 0;

	bad.fk = VIGIL_PF_EMPTY;
	assert_int_equal(vigil_pf_build(&pf, &bad, 1), -EINVAL);
	assert_null(pf.bitmap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gram),
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_shared_key),
		cmocka_unit_test(test_num_overflow),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_build_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
