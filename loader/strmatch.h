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

bool vigil_str_eq(const u8 *s, u32 n, const u8 *p, u32 m, bool nocase);
bool vigil_str_prefix(const u8 *s, u32 n, const u8 *p, u32 m, bool nocase);
bool vigil_str_suffix(const u8 *s, u32 n, const u8 *p, u32 m, bool nocase);

/* Words of a glob state vector: one bit per pattern atom. */
#define VIGIL_GLOB_WORDS	((VIGIL_MAX_PATTERN_LEN + 63) / 64)

/**
 * struct vigil_glob - a compiled glob pattern
 * @natoms: number of atoms (literal bytes and '?'); the NFA has states
 *	0..@natoms, state j meaning "the first j atoms matched"
 * @nwords: u64 words per state vector, ceil(@natoms / 64)
 * @star0: state 0 has a self-loop (the pattern starts with '*')
 * @nclass: byte classes: 0 for bytes that no literal atom names, then one
 *	per distinct literal byte, in byte order
 * @rank: number of literal bytes below 64 * i, for the class lookup
 * @affix: VIGIL_GLOB_NFA, or the pattern is a literal with at most one
 *	run of stars in it (vigil_glob_affix()): VIGIL_GLOB_EXACT (no star)
 *	or VIGIL_GLOB_STAR, and it is matched by comparing its ends, not by
 *	the NFA
 * @reserved: zero, for alignment
 * @plen: an affix pattern's bytes before its stars
 * @slen: its bytes after them
 * @bitmap: the literal bytes (folded for a nocase pattern)
 * @data: NFA: @nwords words of self-loop states (bit j - 1 for state j),
 *	then @nclass rows of @nwords words: the states a byte of that class
 *	may enter (bit j - 1: atom j - 1 accepts the byte).  Affix: the
 *	@plen + @slen literal bytes (folded for nocase)
 */
struct vigil_glob {
	u16 natoms;
	u8 nwords;
	u8 star0;
	u16 nclass;
	u8 rank[4];
	u8 affix;
	u8 reserved;
	u16 plen;
	u16 slen;
	u64 bitmap[4];
	u64 data[];
};

#define VIGIL_GLOB_NFA		0
#define VIGIL_GLOB_EXACT	1
#define VIGIL_GLOB_STAR		2

/**
 * vigil_glob_affix() - whether a glob pattern only fixes its two ends
 * @p: pattern
 * @m: its length
 * @plen: out: bytes before the stars (all of them if there is none)
 * @slen: out: bytes after the stars
 *
 * A pattern with no '?' and no '\\' whose stars, if any, are one run
 * ("/etc/ *.conf" without the blank, "/tmp/ *", "*.sh", "sshd") matches a
 * field exactly when the field begins with the bytes before the run and
 * ends with those after it, at least as long as both together (or, with
 * no star, equals the pattern): eight bytes a step, whatever the field's
 * length, instead of the NFA's pass over the field.
 *
 * Return: VIGIL_GLOB_NFA, VIGIL_GLOB_EXACT or VIGIL_GLOB_STAR.
 */
static inline int vigil_glob_affix(const u8 *p, u32 m, u32 *plen, u32 *slen)
{
	u32 i, first = m, last = m;

	for (i = 0; i < m; i++) {
		if (p[i] == '?' || p[i] == '\\')
			return VIGIL_GLOB_NFA;
		if (p[i] != '*')
			continue;
		if (first == m)
			first = i;
		else if (last != i - 1)
			return VIGIL_GLOB_NFA;	/* a second run of stars */
		last = i;
	}
	*plen = first;
	*slen = first == m ? 0 : m - 1 - last;
	return first == m ? VIGIL_GLOB_EXACT : VIGIL_GLOB_STAR;
}

/**
 * vigil_glob_work() - steps of matching a compiled glob against @n bytes
 * @g: the compiled glob
 * @n: the field's length
 *
 * Return: an affix pattern: 1 and its ends in eight-byte steps; the NFA:
 * 1 and @g->nwords words a byte of the field.
 */
static inline u64 vigil_glob_work(const struct vigil_glob *g, u32 n)
{
	if (g->affix)
		return 1 + (g->plen + 7U) / 8 + (g->slen + 7U) / 8;
	return 1 + (u64)n * g->nwords;
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
 * @plen: its bytes before the stars, for an affix pattern
 * @slen: its bytes after them
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
	u32 plen;
	u32 slen;
	u64 bitmap[4];
};

size_t vigil_glob_scan(const u8 *p, u32 m, bool nocase,
		       struct vigil_glob_info *gi);
size_t vigil_glob_size(const u8 *p, u32 m);
void vigil_glob_build(const u8 *p, u32 m, bool nocase,
		      const struct vigil_glob_info *gi, struct vigil_glob *g);
bool vigil_glob_match(const struct vigil_glob *g, const u8 *s, u32 n,
		      bool nocase);
u32 vigil_glob_unescape(const u8 *p, u32 start, u32 end, u8 *buf);
u32 vigil_glob_literal(const u8 *p, u32 m, u8 *buf);

#endif /* VIGIL_STRMATCH_H */
