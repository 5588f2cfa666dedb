/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The condition expression of a rule (channels/RULES.md, "Conditions"):
 * parsed into a tree over selection indexes.  `1 of p*` and `all of them`
 * are expanded to OR/AND of the selections they name.
 */
#ifndef VCHAN_COND_H
#define VCHAN_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Parentheses and `not` nest at most this deep. */
#define COND_MAX_NEST	64

enum cnode_kind {
	CN_SEL = 1,	/* selection @sel */
	CN_NOT,		/* one kid */
	CN_AND,		/* @n kids */
	CN_OR,		/* @n kids */
};

struct cnode {
	enum cnode_kind kind;
	unsigned int sel;
	unsigned int n;
	struct cnode **kids;
};

/**
 * struct cond_err - why a condition was rejected
 * @off: byte offset in the condition text
 * @msg: the reason
 */
struct cond_err {
	size_t off;
	char msg[384];
};

/**
 * cond_parse() - parse a condition
 * @a: arena for the tree
 * @text: the condition
 * @len: its length
 * @names: selection names
 * @nnames: their number
 * @used: out, @nnames flags: selection referenced by the condition
 * @out: out, the tree
 * @err: out, on failure
 *
 * Return: 0, or -1 with @err filled.
 */
int cond_parse(struct arena *a, const char *text, size_t len,
	       const char *const *names, unsigned int nnames, bool *used,
	       struct cnode **out, struct cond_err *err);

/* Whether @name may name a selection (identifier, not a keyword). */
bool cond_valid_name(const char *name, const char **why);

#endif /* VCHAN_COND_H */
