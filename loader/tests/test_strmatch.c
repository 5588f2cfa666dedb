// SPDX-License-Identifier: GPL-2.0
/*
 * The matcher's string operators (strmatch.c): equality, prefix, suffix
 * and the bit-parallel glob, each against a naive
 * reference on fixed and random inputs, plus the inputs that make
 * backtracking matchers explode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "strmatch.h"

#define RND_SEED	12345U
#include "rnd.h"

static const u8 *U(const char *s)
{
	return (const u8 *)s;
}

/* The pattern side: as the channel holds it, never folded beforehand. */
static const u8 *pat(const char *s, bool nocase)
{
	return (const u8 *)s;
}

static void test_fold(void **state)
{
	u32 c;

	for (c = 0; c < 256; c++) {
		u8 want = c >= 'A' && c <= 'Z' ? c + 32 : c;

		assert_int_equal(vigil_fold(c), want);
	}
}

/* Text @s against pattern @p with one of the three comparisons. */
static bool cmp3(int which, const char *s, const char *p, bool nocase)
{
	bool (*fn[])(const u8 *, u32, const u8 *, u32, bool) = {
		vigil_str_eq, vigil_str_prefix, vigil_str_suffix,
	};

	return fn[which](U(s), strlen(s), pat(p, nocase), strlen(p), nocase);
}

#define EQ	0
#define PRE	1
#define SUF	2

static void test_eq_prefix_suffix(void **state)
{
	assert_true(cmp3(EQ, "bash", "bash", false));
	assert_false(cmp3(EQ, "bash", "bas", false));
	assert_false(cmp3(EQ, "bas", "bash", false));
	assert_false(cmp3(EQ, "BASH", "bash", false));
	assert_true(cmp3(EQ, "BaSh", "bAsH", true));
	assert_false(cmp3(EQ, "", "a", false));
	/* only ASCII letters fold: 0xc4 and 0xe4 differ, as do @ and ` */
	assert_false(cmp3(EQ, "\xc4", "\xe4", true));
	assert_false(cmp3(EQ, "@", "`", true));

	assert_true(cmp3(PRE, "/tmp/x", "/tmp/", false));
	assert_true(cmp3(PRE, "/tmp/", "/tmp/", false));
	assert_false(cmp3(PRE, "/tmp", "/tmp/", false));
	assert_false(cmp3(PRE, "x/tmp/", "/tmp/", false));
	assert_false(cmp3(PRE, "", "/", false));
	assert_true(cmp3(PRE, "/TMP/x", "/tmp/", true));
	assert_false(cmp3(PRE, "/TMP/x", "/tmp/", false));

	assert_true(cmp3(SUF, "/bin/sh", "/sh", false));
	assert_true(cmp3(SUF, "/sh", "/sh", false));
	assert_false(cmp3(SUF, "sh", "/sh", false));
	assert_false(cmp3(SUF, "/sh/", "/sh", false));
	assert_true(cmp3(SUF, "X.SO", ".so", true));
	assert_false(cmp3(SUF, "X.SO", ".so", false));
}

/*
 * Reference glob: dynamic programming over (pattern position, text
 * position), written from the specification independently of the NFA.
 * ok[j] says whether the pattern consumed so far matches s[0..j).
 */
static bool ref_glob(const u8 *p, u32 m, const u8 *s, u32 n, bool nocase)
{
	bool *ok = calloc(n + 1, sizeof(bool)), *nx = calloc(n + 1, 1), r;
	u32 i = 0, j;

	assert_non_null(ok);
	assert_non_null(nx);
	ok[0] = true;
	while (i < m) {
		if (p[i] == '*') {
			/* any run: reachable from any earlier position */
			for (j = 1; j <= n; j++)
				ok[j] = ok[j] || ok[j - 1];
			i++;
			continue;
		}
		bool any = p[i] == '?';
		u8 c;

		if (p[i] == '\\' && i + 1 < m)
			i++;
		c = nocase ? vigil_fold(p[i]) : p[i];
		i++;
		nx[0] = false;
		for (j = 1; j <= n; j++) {
			u8 t = nocase ? vigil_fold(s[j - 1]) : s[j - 1];

			nx[j] = ok[j - 1] && (any || t == c);
		}
		memcpy(ok, nx, n + 1);
	}
	r = ok[n];
	free(ok);
	free(nx);
	return r;
}

static struct vigil_glob *glob_new(const u8 *p, u32 m, bool nocase)
{
	struct vigil_glob_info gi;
	size_t sz = vigil_glob_scan(p, m, nocase, &gi);
	struct vigil_glob *g;

	assert_true(sz >= sizeof(*g));
	assert_int_equal(sz % 8, 0);
	assert_true(sz <= vigil_glob_size(p, m));
	g = calloc(1, sz);
	assert_non_null(g);
	vigil_glob_build(p, m, nocase, &gi, g);
	return g;
}

/*
 * vigil_glob_match(), the middle of a pattern of two runs of stars found
 * by a naive search, as the substring automaton would report it: where
 * its first occurrence from the prefix on ends.
 */
static bool gmatch(const struct vigil_glob *g, const u8 *p, u32 m,
		   const u8 *s, u32 n, bool nocase)
{
	struct vigil_glob_shape sh;
	u32 end = U32_MAX, i, j;

	if (vigil_glob_affix(p, m, &sh) == VIGIL_GLOB_MID) {
		assert_int_equal(g->affix, VIGIL_GLOB_MID);
		assert_int_equal(g->mlen, sh.mlen);
		for (i = sh.plen; end == U32_MAX && i + sh.mlen <= n; i++) {
			for (j = 0; j < sh.mlen; j++) {
				u8 c = s[i + j], d = p[sh.moff + j];

				if (nocase ? vigil_fold(c) != vigil_fold(d) :
					     c != d)
					break;
			}
			if (j == sh.mlen)
				end = i + sh.mlen;
		}
	}
	return vigil_glob_match(g, s, n, nocase, end);
}

static bool glob(const char *p, const char *s, bool nocase)
{
	struct vigil_glob *g = glob_new(U(p), strlen(p), nocase);
	bool r = gmatch(g, U(p), strlen(p), U(s), strlen(s), nocase);

	assert_int_equal(r, ref_glob(U(p), strlen(p), U(s), strlen(s), nocase));
	free(g);
	return r;
}

static void test_glob(void **state)
{
	assert_true(glob("*", "", false));
	assert_true(glob("*", "anything", false));
	assert_true(glob("**", "", false));
	assert_true(glob("a", "a", false));
	assert_false(glob("a", "", false));
	assert_false(glob("a", "ab", false));
	assert_true(glob("?", "x", false));
	assert_false(glob("?", "", false));
	assert_false(glob("?", "xy", false));
	assert_true(glob("/tmp/*.sh", "/tmp/x.sh", false));
	assert_true(glob("/tmp/*.sh", "/tmp/a/b/c.sh", false));	/* * spans / */
	assert_true(glob("/tmp/*.sh", "/tmp/.sh", false));
	assert_false(glob("/tmp/*.sh", "/tmp/x.shx", false));
	assert_false(glob("/tmp/*.sh", "/var/tmp/x.sh", false));
	assert_true(glob("/home/*/.ssh/authorized_keys",
			 "/home/u/.ssh/authorized_keys", false));
	assert_true(glob("*a**b*", "xxaxxbxx", false));	/* adjacent stars */
	assert_true(glob("a***", "a", false));
	assert_true(glob("***a", "a", false));
	assert_true(glob("?*?", "ab", false));
	assert_false(glob("?*?", "a", false));
	assert_true(glob("a?c", "abc", false));
	assert_true(glob("a?c", "a?c", false));
	/* escapes */
	assert_true(glob("a\\*b", "a*b", false));
	assert_false(glob("a\\*b", "axb", false));
	assert_true(glob("a\\?b", "a?b", false));
	assert_false(glob("a\\?b", "axb", false));
	assert_true(glob("a\\\\b", "a\\b", false));
	assert_true(glob("\\a", "a", false));
	assert_true(glob("*\\*", "xx*", false));
	assert_false(glob("*\\*", "xx", false));
	/* a lone trailing backslash (malformed content) is literal */
	assert_true(glob("a\\", "a\\", false));
	/* nocase */
	assert_true(glob("/TMP/*.SH", "/tmp/X.sh", true));
	assert_false(glob("/TMP/*.SH", "/tmp/X.sh", false));
	assert_true(glob("*Beacon*", "xxBEACONxx", true));
	/* two runs of stars: the middle must fit between the ends */
	assert_true(glob("/tmp/*/x*.sh", "/tmp/a/x.sh", false));
	assert_true(glob("/tmp/*/x*.sh", "/tmp//x.sh", false));
	assert_false(glob("/tmp/*/x*.sh", "/tmp/x.sh", false));
	assert_false(glob("/tmp/*/x*.sh", "/tmp/a/x", false));
	assert_false(glob("ab*ba*ab", "abab", false));
	assert_true(glob("ab*ba*ab", "abbaab", false));
	assert_false(glob("ab*b*ab", "abab", false));
	assert_true(glob("*CURL*", "xx curl yy", true));
	assert_false(glob("*CURL*", "xx curl yy", false));
}

/* How patterns are classified and what the compiled form keeps. */
static void test_glob_shape(void **state)
{
	struct vigil_glob_shape sh;
	struct vigil_glob *g;

	assert_int_equal(vigil_glob_affix(U("/etc/passwd"), 11, &sh),
			 VIGIL_GLOB_EXACT);
	assert_int_equal(sh.plen, 11);
	assert_int_equal(vigil_glob_affix(U("/etc/**.conf"), 12, &sh),
			 VIGIL_GLOB_STAR);
	assert_int_equal(sh.plen, 5);
	assert_int_equal(sh.slen, 5);
	assert_int_equal(vigil_glob_affix(U("/tmp/*/xy**.sh"), 14, &sh),
			 VIGIL_GLOB_MID);
	assert_int_equal(sh.plen, 5);
	assert_int_equal(sh.moff, 6);
	assert_int_equal(sh.mlen, 3);
	assert_int_equal(sh.slen, 3);
	assert_int_equal(vigil_glob_affix(U("**a**"), 5, &sh), VIGIL_GLOB_MID);
	assert_int_equal(sh.plen, 0);
	assert_int_equal(sh.moff, 2);
	assert_int_equal(sh.mlen, 1);
	assert_int_equal(sh.slen, 0);
	assert_int_equal(vigil_glob_affix(U("*a*b*"), 5, &sh), VIGIL_GLOB_NFA);
	assert_int_equal(vigil_glob_affix(U("*a?*"), 4, &sh), VIGIL_GLOB_NFA);
	assert_int_equal(vigil_glob_affix(U("*a\\**"), 5, &sh),
			 VIGIL_GLOB_NFA);
	g = glob_new(U("/TMP/*/x*.SH"), 12, true);
	assert_int_equal(g->affix, VIGIL_GLOB_MID);
	assert_int_equal(g->plen, 5);
	assert_int_equal(g->mlen, 2);
	assert_int_equal(g->slen, 3);
	/* the ends, folded; the middle lives in the automaton */
	assert_memory_equal(g->data, "/tmp/.sh", 8);
	free(g);
}

/* Pattern and text bytes are arbitrary, NUL and 0xff included. */
static void test_glob_bytes(void **state)
{
	static const u8 p[] = { 0xff, '*', 0x00, '?', 0x01 };
	static const u8 s1[] = { 0xff, 0x00, 0x00, 0x7f, 0x01 };
	static const u8 s2[] = { 0xff, 0x01, 0x7f, 0x01 };
	struct vigil_glob *g = glob_new(p, sizeof(p), false);

	assert_true(gmatch(g, p, sizeof(p), s1, sizeof(s1), false));
	assert_false(gmatch(g, p, sizeof(p), s2, sizeof(s2), false));
	free(g);
}

static void test_glob_random(void **state)
{
	static const char palpha[] = "ab*?\\A";
	static const char salpha[] = "abAB*?\\";
	u8 p[12], s[16];
	u32 it, m, n, i;

	for (it = 0; it < 200000; it++) {
		bool nocase = it & 1;
		struct vigil_glob *g;

		m = 1 + rnd() % sizeof(p);
		n = rnd() % sizeof(s);
		for (i = 0; i < m; i++)
			p[i] = palpha[rnd() % (sizeof(palpha) - 1)];
		for (i = 0; i < n; i++)
			s[i] = salpha[rnd() % (sizeof(salpha) - 1)];
		g = glob_new(p, m, nocase);
		if (gmatch(g, p, m, s, n, nocase) !=
		    ref_glob(p, m, s, n, nocase))
			fail_msg("glob '%.*s' on '%.*s' nocase %d", (int)m, p,
				 (int)n, s, nocase);
		free(g);
	}
}

/* Patterns over 64 atoms use several state words. */
static void test_glob_long(void **state)
{
	u8 p[VIGIL_MAX_PATTERN_LEN], s[600];
	struct vigil_glob *g;
	u32 i, it, m, n;

	/* 256 atoms: '?' * 255 then 'z' */
	memset(p, '?', sizeof(p));
	p[sizeof(p) - 1] = 'z';
	g = glob_new(p, sizeof(p), false);
	assert_int_equal(g->natoms, 256);
	assert_int_equal(g->nwords, 4);
	memset(s, 'y', sizeof(s));
	s[255] = 'z';
	assert_true(gmatch(g, p, sizeof(p), s, 256, false));
	assert_false(gmatch(g, p, sizeof(p), s, 255, false));
	assert_false(gmatch(g, p, sizeof(p), s, 257, false));
	free(g);

	/* random long patterns across word boundaries */
	for (it = 0; it < 3000; it++) {
		m = 60 + rnd() % 140;
		n = rnd() % 300;
		for (i = 0; i < m; i++) {
			u32 r = rnd() % 16;

			p[i] = r < 12 ? 'a' + r % 2 : r < 14 ? '?' : '*';
		}
		for (i = 0; i < n; i++)
			s[i] = 'a' + rnd() % 2;
		g = glob_new(p, m, false);
		assert_true(g->nwords <= VIGIL_GLOB_WORDS);
		if (gmatch(g, p, m, s, n, false) !=
		    ref_glob(p, m, s, n, false))
			fail_msg("long glob %u atoms on %u bytes", m, n);
		free(g);
	}
}

/*
 * Inputs that take a backtracking matcher exponential time finish here
 * in time linear in the text: 'aaaa...b' against '*a*a*a*...*c', the
 * longest pattern against the longest field, many times.
 */
static void test_glob_pathological(void **state)
{
	u8 p[VIGIL_MAX_PATTERN_LEN], s[VIGIL_MAX_FIELD_LEN];
	struct vigil_glob *g;
	struct timespec t0, t1;
	u32 i, m = 0;
	double ms;

	while (m + 2 < sizeof(p)) {
		p[m++] = '*';
		p[m++] = 'a';
	}
	p[m++] = '*';
	p[m++] = 'c';
	memset(s, 'a', sizeof(s));
	s[sizeof(s) - 1] = 'b';
	g = glob_new(p, m, false);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100; i++)
		assert_false(gmatch(g, p, m, s, sizeof(s), false));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* 100 x 4096 bytes x 4 words: well under a second even sanitised */
	assert_true(ms < 2000);
	s[sizeof(s) - 1] = 'c';
	assert_true(gmatch(g, p, m, s, sizeof(s), false));
	free(g);

	/* and a short one the reference can still check */
	assert_false(glob("*a*a*a*a*c", "aaaaaaaaaaaaaaaaaaaaaaaab", false));
	assert_true(glob("*a*a*a*a*c", "aaaaaaaaaaaaaaaaaaaaaaaac", false));
	assert_false(glob("*a*a*a*a*c", "aaac", false));
}

static u32 lit(const char *p, u8 *buf)
{
	return vigil_glob_literal(U(p), strlen(p), buf);
}

static void test_glob_literal(void **state)
{
	u8 buf[VIGIL_MAX_PATTERN_LEN];
	u32 n;

	n = lit("/home/*/.ssh/authorized_keys", buf);
	assert_int_equal(n, strlen("/.ssh/authorized_keys"));
	assert_memory_equal(buf, "/.ssh/authorized_keys", n);
	n = lit("ab?cdef*g", buf);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "cdef", 4);
	n = lit("a\\*b*x", buf);	/* escapes decoded */
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "a*b", 3);
	assert_int_equal(lit("*?*", buf), 0);
	assert_int_equal(lit("*", buf), 0);
	n = lit("ab*cd", buf);	/* first of equals */
	assert_int_equal(n, 2);
	assert_memory_equal(buf, "ab", 2);
	n = lit("*?x\\\\y?", buf);	/* an escaped backslash */
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "x\\y", 3);
}

/* The scan's view of the longest run: raw offsets, unescaped length. */
static void test_glob_scan(void **state)
{
	static const char p[] = "**ab\\*c?d\\?ef*";
	struct vigil_glob_info gi;
	u8 buf[16];

	assert_true(vigil_glob_scan(U(p), strlen(p), false, &gi) > 0);
	/* atoms: a b * c ? d ? e f -> 9, runs "ab*c", "d?ef" */
	assert_int_equal(gi.natoms, 9);
	assert_int_equal(gi.lit_len, 4);
	assert_int_equal(gi.lit_start, 2);
	assert_int_equal(gi.lit_end, 7);
	assert_int_equal(vigil_glob_unescape(U(p), gi.lit_start, gi.lit_end,
					     buf), 4);
	assert_memory_equal(buf, "ab*c", 4);
	/* nocase folds the literal bytes of the bitmap */
	vigil_glob_scan(U("A*"), 2, true, &gi);
	assert_true(gi.bitmap['a' >> 6] & 1ULL << ('a' & 63));
	assert_false(gi.bitmap['A' >> 6] & 1ULL << ('A' & 63));
}

/* The size of a glob does not grow with folding, and is bounded. */
static void test_glob_size(void **state)
{
	u8 p[VIGIL_MAX_PATTERN_LEN + 1];
	u32 i;

	for (i = 0; i < sizeof(p); i++)
		p[i] = i == '*' || i == '?' || i == '\\' ? 'x' : i;
	/*
	 * a '?' first, so the NFA; 252 distinct literal bytes: 253 classes,
	 * then the class of each byte
	 */
	p[0] = '?';
	assert_int_equal(vigil_glob_size(p, VIGIL_MAX_PATTERN_LEN),
			 sizeof(struct vigil_glob) + 4 * (1 + 253) * 8 + 256);
	/* without it, a literal: only its bytes are kept */
	p[0] = 'y';
	assert_int_equal(vigil_glob_size(p, VIGIL_MAX_PATTERN_LEN),
			 sizeof(struct vigil_glob) + VIGIL_MAX_PATTERN_LEN);
	assert_int_equal(vigil_glob_size(p, VIGIL_MAX_PATTERN_LEN + 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_eq_prefix_suffix),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_shape),
		cmocka_unit_test(test_glob_bytes),
		cmocka_unit_test(test_glob_random),
		cmocka_unit_test(test_glob_long),
		cmocka_unit_test(test_glob_pathological),
		cmocka_unit_test(test_glob_literal),
		cmocka_unit_test(test_glob_scan),
		cmocka_unit_test(test_glob_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
