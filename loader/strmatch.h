/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String operators of the matcher: equality, prefix, suffix and glob
 * (bit-parallel NFA); substrings are substr.h's.  Private to loader/.
 *
 * Every function here runs in time linear in the text: there is no
 * backtracking.  Patterns are at most VIGIL_MAX_PATTERN_LEN bytes, which
 * bounds the tables built for them.
 *
 * Case-insensitive ("nocase") matching is ASCII only.  Patterns are
 * used as the channel holds them: the functions fold pattern and text as
 * they read them, so nothing needs a folded copy.
 */
#ifndef VIGIL_STRMATCH_H
#define VIGIL_STRMATCH_H

#include "compat.h"
#include "limits.h"

/**
 * vigil_fold() - ASCII lower case of one byte
 * @c: the byte
 *
 * Return: @c, with 'A'..'Z' mapped to 'a'..'z'.
 */
static inline u8 vigil_fold(u8 c)
{
	return (u8)(c - 'A') < 26 ? c + ('a' - 'A') : c;
}

/* 'A'..'Z' folded to lower case in all eight bytes of @g at once */
static inline u64 vigil_fold8(u64 g)
{
	/* bit 7 of t + c is set iff c >= x */
	u64 t = g & 0x7f7f7f7f7f7f7f7fULL;
	u64 upper = ((t + 0x3f3f3f3f3f3f3f3fULL) ^
		     (t + 0x2525252525252525ULL)) & ~g & 0x8080808080808080ULL;

	return g | upper >> 2;
}

/**
 * vigil_bytes_eq() - compare text with a pattern of the same length
 * @s: text
 * @p: pattern
 * @n: bytes of each
 * @nocase: fold 'A'..'Z' in both
 *
 * Eight bytes a step either way, as the matcher charges it.
 *
 * Return: true if equal.
 */
bool vigil_bytes_eq(const u8 *s, const u8 *p, u32 n, bool nocase);

/**
 * vigil_str_eq() - text equals pattern
 * @s: text
 * @n: its length
 * @p: pattern
 * @m: its length
 * @nocase: compare ASCII case-insensitively
 *
 * Return: true if equal.
 */
static inline bool vigil_str_eq(const u8 *s, u32 n, const u8 *p, u32 m,
				bool nocase)
{
	return n == m && vigil_bytes_eq(s, p, n, nocase);
}

/**
 * vigil_str_prefix() - text starts with pattern
 * @s: text
 * @n: its length
 * @p: pattern
 * @m: its length
 * @nocase: compare ASCII case-insensitively
 *
 * Return: true if @s begins with @p.
 */
static inline bool vigil_str_prefix(const u8 *s, u32 n, const u8 *p, u32 m,
				    bool nocase)
{
	return n >= m && vigil_bytes_eq(s, p, m, nocase);
}

/**
 * vigil_str_suffix() - text ends with pattern
 * @s: text
 * @n: its length
 * @p: pattern
 * @m: its length
 * @nocase: compare ASCII case-insensitively
 *
 * Return: true if @s ends with @p.
 */
static inline bool vigil_str_suffix(const u8 *s, u32 n, const u8 *p, u32 m,
				    bool nocase)
{
	return n >= m && vigil_bytes_eq(s + (n - m), p, m, nocase);
}

/* Words of a glob state vector: one bit per pattern atom. */
#define VIGIL_GLOB_WORDS	((VIGIL_MAX_PATTERN_LEN + 63) / 64)

/**
 * struct vigil_glob - a compiled glob pattern
 * @natoms: number of atoms (literal bytes and '?'); the NFA has states
 *	0..@natoms, state j meaning "the first j atoms matched"
 * @nwords: u64 words per state vector, ceil(@natoms / 64)
 * @star0: state 0 has a self-loop (the pattern starts with '*')
 * @nclass: byte classes: 0 for bytes that no literal atom names, then one
 *	per distinct literal byte, in byte order; at most 256, as no
 *	pattern holds a NUL byte
 * @affix: VIGIL_GLOB_NFA, or the pattern is a literal with at most two
 *	runs of stars in it (vigil_glob_affix()): VIGIL_GLOB_EXACT (no
 *	star), VIGIL_GLOB_STAR (one run) or VIGIL_GLOB_MID (two), matched
 *	by comparing its ends, and for VIGIL_GLOB_MID by finding its middle
 *	in a substring automaton, not by the NFA
 * @reserved: zero, for alignment
 * @reserved2: likewise
 * @plen: an affix pattern's bytes before its (first) stars
 * @slen: its bytes after its (last) stars
 * @mlen: VIGIL_GLOB_MID: the bytes between its two runs of stars
 * @sub: VIGIL_GLOB_MID: the rule set's automaton that holds the middle,
 *	the one of this field and case that scans from byte @plen on
 * @pat: VIGIL_GLOB_MID: the middle's index among the rule set's patterns
 * @data: NFA: @nwords words of self-loop states (bit j - 1 for state j),
 *	then @nclass rows of @nwords words: the states a byte of that class
 *	may enter (bit j - 1: atom j - 1 accepts the byte), then 256 bytes:
 *	the class of each byte of a field (folded first for nocase), one
 *	load a byte.  Affix: the @plen + @slen literal bytes (folded for
 *	nocase)
 */
struct vigil_glob {
	u16 natoms;
	u8 nwords;
	u8 star0;
	u16 nclass;
	u8 affix;
	u8 reserved;
	u16 plen;
	u16 slen;
	u16 mlen;
	u16 reserved2;
	u32 sub;
	u32 pat;
	u64 data[];
};

#define VIGIL_GLOB_NFA		0
#define VIGIL_GLOB_EXACT	1
#define VIGIL_GLOB_STAR		2
#define VIGIL_GLOB_MID		3

/**
 * struct vigil_glob_shape - what vigil_glob_affix() finds in a pattern
 * @plen: bytes before the (first) run of stars; all of them if none
 * @slen: bytes after the (last) run of stars
 * @moff: VIGIL_GLOB_MID: offset of the bytes between the two runs
 * @mlen: VIGIL_GLOB_MID: their number, at least 1
 */
struct vigil_glob_shape {
	u32 plen;
	u32 slen;
	u32 moff;
	u32 mlen;
};

/**
 * vigil_glob_affix() - whether a glob pattern is literals and stars only
 * @p: pattern
 * @m: its length
 * @sh: out: where its literals are
 *
 * A pattern with no '?' and no '\\' and at most two runs of stars is
 * matched without the NFA.  With none it must equal the field; with one
 * ("/etc/ *.conf" without the blank, "/tmp/ *", "*.sh") the field must
 * begin with the bytes before the run and end with those after it, being
 * at least as long as both together: eight bytes a step, whatever the
 * field's length.  With two ("/tmp/ * /x * .sh" without the blanks, or
 * "*curl*") it must also hold the middle bytes between those ends, and
 * it does exactly when the first place the middle ends, from byte @plen
 * on, leaves room for the suffix: a substring automaton finds that place
 * for all such patterns at once.
 *
 * Return: VIGIL_GLOB_NFA, VIGIL_GLOB_EXACT, VIGIL_GLOB_STAR or
 * VIGIL_GLOB_MID.
 */
static inline int vigil_glob_affix(const u8 *p, u32 m,
				   struct vigil_glob_shape *sh)
{
	u32 i, runs = 0, first = m, end0 = m, last = m;

	for (i = 0; i < m; i++) {
		if (p[i] == '?' || p[i] == '\\')
			return VIGIL_GLOB_NFA;
		if (p[i] != '*')
			continue;
		if (!i || p[i - 1] != '*') {
			if (++runs > 2)
				return VIGIL_GLOB_NFA;
			if (runs == 1)
				first = i;
			else
				end0 = last + 1;
		}
		last = i;
	}
	sh->plen = first;
	sh->slen = runs ? m - 1 - last : 0;
	sh->moff = 0;
	sh->mlen = 0;
	if (runs < 2)
		return runs ? VIGIL_GLOB_STAR : VIGIL_GLOB_EXACT;
	/* the middle: from the end of the first run to the second */
	for (i = end0; p[i] != '*'; i++)
		;
	sh->moff = end0;
	sh->mlen = i - end0;
	return VIGIL_GLOB_MID;
}

/*
 * Steps of one byte through one state word of a glob's NFA: a class
 * lookup, a shift, a mask and a merge, measured at about three times the
 * machine work of the other steps.
 */
#define VIGIL_WORK_NFA		3U

/**
 * vigil_glob_work() - steps of matching a compiled glob against @n bytes
 * @g: the compiled glob
 * @n: the field's length
 *
 * Return: an affix pattern: 1 and its ends in eight-byte steps, and
 * for VIGIL_GLOB_MID 1 more to read what the scan of its automaton found
 * (the scan is charged apart, vigil_sub_work()); the NFA: 1 and
 * VIGIL_WORK_NFA steps per state word (@g->nwords) and byte of the field.
 */
static inline u64 vigil_glob_work(const struct vigil_glob *g, u32 n)
{
	if (g->affix)
		return 1 + (g->plen + 7U) / 8 + (g->slen + 7U) / 8 +
		       (g->affix == VIGIL_GLOB_MID);
	return 1 + (u64)n * g->nwords * VIGIL_WORK_NFA;
}

/**
 * struct vigil_glob_info - what one pass over a glob pattern finds
 * @size: bytes of the compiled form
 * @natoms: number of atoms
 * @lit_start: offset in the pattern of the longest literal run
 * @lit_end: end of that run in the pattern
 * @lit_len: length of the run once unescaped; 0 if there is none
 * @nclass: byte classes: 1 + the number of distinct literal bytes
 * @affix: vigil_glob_affix() of the pattern
 * @sh: where its literals are, for an affix pattern
 * @bitmap: the literal bytes (folded for nocase)
 */
struct vigil_glob_info {
	size_t size;
	u32 natoms;
	u32 lit_start;
	u32 lit_end;
	u32 lit_len;
	u32 nclass;
	int affix;
	struct vigil_glob_shape sh;
	u64 bitmap[4];
};

size_t vigil_glob_scan(const u8 *p, u32 m, bool nocase,
		       struct vigil_glob_info *gi);
size_t vigil_glob_size(const u8 *p, u32 m);
void vigil_glob_build(const u8 *p, u32 m, bool nocase,
		      const struct vigil_glob_info *gi, struct vigil_glob *g);
bool vigil_glob_match(const struct vigil_glob *g, const u8 *s, u32 n,
		      bool nocase, u32 mid_end);
u32 vigil_glob_unescape(const u8 *p, u32 start, u32 end, u8 *buf);
u32 vigil_glob_literal(const u8 *p, u32 m, u8 *buf);

#endif /* VIGIL_STRMATCH_H */
