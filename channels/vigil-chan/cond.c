// SPDX-License-Identifier: GPL-2.0
/*
 * Condition parser: recursive descent over the grammar in RULES.md, with
 * its nesting bounded by COND_MAX_NEST.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cond.h"

static const char *const cond_keywords[] = {
	"and", "or", "not", "of", "them", "all",
};

struct cparse {
	struct arena *a;
	const char *s;
	size_t len, pos;
	/* current token */
	size_t tok, toklen;
	const char *const *names;
	unsigned int nnames;
	bool *used;
	unsigned int nest;
	struct cond_err *err;
};

/* @s is a keyword, with or without regard to case */
static bool keyword(const char *s, size_t len, bool nocase)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cond_keywords); i++) {
		if (strlen(cond_keywords[i]) == len &&
		    !(nocase ? strncasecmp : strncmp)(cond_keywords[i], s, len))
			return true;
	}
	return false;
}

static bool is_keyword(const char *s, size_t len)
{
	return keyword(s, len, false);
}

static bool is_keyword_nocase(const char *s, size_t len)
{
	return keyword(s, len, true);
}

bool cond_valid_name(const char *name, const char **why)
{
	size_t i, len = strlen(name);

	if (!len || !(isalpha((unsigned char)name[0]) || name[0] == '_')) {
		*why = "must start with a letter or '_'";
		return false;
	}
	for (i = 1; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_') {
			*why = "may hold only letters, digits and '_'";
			return false;
		}
	}
	if (is_keyword(name, len)) {
		*why = "is a keyword of the condition language";
		return false;
	}
	return true;
}

static void next_token(struct cparse *p)
{
	while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
		p->pos++;
	p->tok = p->pos;
	if (p->pos == p->len) {
		p->toklen = 0;
		return;
	}
	if (p->s[p->pos] == '(' || p->s[p->pos] == ')') {
		p->pos++;
	} else {
		while (p->pos < p->len &&
		       !isspace((unsigned char)p->s[p->pos]) &&
		       p->s[p->pos] != '(' && p->s[p->pos] != ')')
			p->pos++;
	}
	p->toklen = p->pos - p->tok;
}

static bool tok_is(const struct cparse *p, const char *w)
{
	return p->toklen == strlen(w) && !memcmp(p->s + p->tok, w, p->toklen);
}

static int fail(struct cparse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct cparse *p, const char *fmt, ...)
{
	va_list ap;

	p->err->off = p->tok;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_tok(struct cparse *p, const char *what)
{
	if (!p->toklen)
		return fail(p, "condition: %s, found the end", what);
	return fail(p, "condition: %s, found '%.*s'", what, (int)p->toklen,
		    p->s + p->tok);
}

static struct cnode *new_node(struct cparse *p, enum cnode_kind k,
			      unsigned int n)
{
	struct cnode *c = arena_alloc(p->a, sizeof(*c));

	c->kind = k;
	c->n = n;
	if (n)
		c->kids = arena_alloc(p->a, n * sizeof(*c->kids));
	return c;
}

static struct cnode *sel_node(struct cparse *p, unsigned int i)
{
	struct cnode *c = new_node(p, CN_SEL, 0);

	c->sel = i;
	p->used[i] = true;
	return c;
}

static void list_names(struct cparse *p, char *buf, size_t len)
{
	size_t o = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < p->nnames && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
			      p->names[i]);
}

/* `1 of PATTERN` / `all of them`: the OR or AND of the matching names */
static int parse_of(struct cparse *p, bool all, struct cnode **out)
{
	unsigned int i, n = 0;
	size_t plen;
	struct cnode *c;

	next_token(p);
	if (!tok_is(p, "of"))
		return fail_tok(p, "expected 'of'");
	next_token(p);
	if (tok_is(p, "them")) {
		plen = 0;
	} else if (p->toklen && p->s[p->tok + p->toklen - 1] == '*' &&
		   !memchr(p->s + p->tok, '*', p->toklen - 1)) {
		plen = p->toklen - 1;
	} else {
		return fail_tok(p, "expected a pattern ending in '*' or 'them'");
	}
	for (i = 0; i < p->nnames; i++) {
		if (!strncmp(p->names[i], p->s + p->tok, plen))
			n++;
	}
	if (!n)
		return fail(p, "condition: '%.*s' matches no selection",
			    (int)p->toklen, p->s + p->tok);
	c = new_node(p, all ? CN_AND : CN_OR, n > 1 ? n : 0);
	n = 0;
	for (i = 0; i < p->nnames; i++) {
		if (strncmp(p->names[i], p->s + p->tok, plen))
			continue;
		if (!c->kids) {
			*out = sel_node(p, i);
			next_token(p);
			return 0;
		}
		c->kids[n++] = sel_node(p, i);
	}
	next_token(p);
	*out = c;
	return 0;
}

static int parse_or(struct cparse *p, struct cnode **out);

static int parse_atom(struct cparse *p, struct cnode **out)
{
	char names[256];
	unsigned int i;

	if (tok_is(p, "(")) {
		if (++p->nest > COND_MAX_NEST)
			return fail(p, "condition nests deeper than %d",
				    COND_MAX_NEST);
		next_token(p);
		if (parse_or(p, out))
			return -1;
		if (!tok_is(p, ")"))
			return fail_tok(p, "expected ')'");
		p->nest--;
		next_token(p);
		return 0;
	}
	if (tok_is(p, "1") || tok_is(p, "all"))
		return parse_of(p, tok_is(p, "all"), out);
	if (p->toklen && isdigit((unsigned char)p->s[p->tok]))
		return fail(p, "condition: only '1 of' and 'all of' are supported");
	if (!p->toklen || tok_is(p, ")") || is_keyword(p->s + p->tok,
						      p->toklen))
		return fail_tok(p, "expected a selection, 'not', '(' or 'N of'");
	for (i = 0; i < p->nnames; i++) {
		if (strlen(p->names[i]) == p->toklen &&
		    !memcmp(p->names[i], p->s + p->tok, p->toklen)) {
			*out = sel_node(p, i);
			next_token(p);
			return 0;
		}
	}
	if (is_keyword_nocase(p->s + p->tok, p->toklen))
		return fail(p, "condition: '%.*s': keywords are lower case",
			    (int)p->toklen, p->s + p->tok);
	list_names(p, names, sizeof(names));
	return fail(p, "condition: undefined selection '%.*s' (selections: %s)",
		    (int)p->toklen, p->s + p->tok, names);
}

static int parse_not(struct cparse *p, struct cnode **out)
{
	struct cnode *c;

	if (!tok_is(p, "not"))
		return parse_atom(p, out);
	if (++p->nest > COND_MAX_NEST)
		return fail(p, "condition nests deeper than %d", COND_MAX_NEST);
	next_token(p);
	c = new_node(p, CN_NOT, 1);
	if (parse_not(p, &c->kids[0]))
		return -1;
	p->nest--;
	*out = c;
	return 0;
}

/* and/or: collect operands in a small growing array, then make one node */
static int parse_nary(struct cparse *p, const char *kw, enum cnode_kind k,
		      int (*sub)(struct cparse *, struct cnode **),
		      struct cnode **out)
{
	struct cnode *first, **kids, *c;
	unsigned int n = 1, cap = 4;

	if (sub(p, &first))
		return -1;
	if (!tok_is(p, kw)) {
		*out = first;
		return 0;
	}
	kids = arena_alloc(p->a, cap * sizeof(*kids));
	kids[0] = first;
	while (tok_is(p, kw)) {
		next_token(p);
		if (n == cap) {
			struct cnode **nk = arena_alloc(p->a,
							2 * cap * sizeof(*nk));

			memcpy(nk, kids, n * sizeof(*nk));
			kids = nk;
			cap *= 2;
		}
		if (sub(p, &kids[n++]))
			return -1;
	}
	c = new_node(p, k, 0);
	c->n = n;
	c->kids = kids;
	*out = c;
	return 0;
}

static int parse_and(struct cparse *p, struct cnode **out)
{
	return parse_nary(p, "and", CN_AND, parse_not, out);
}

static int parse_or(struct cparse *p, struct cnode **out)
{
	return parse_nary(p, "or", CN_OR, parse_and, out);
}

int cond_parse(struct arena *a, const char *text, size_t len,
	       const char *const *names, unsigned int nnames, bool *used,
	       struct cnode **out, struct cond_err *err)
{
	struct cparse p = {
		.a = a, .s = text, .len = len, .names = names,
		.nnames = nnames, .used = used, .err = err,
	};

	memset(used, 0, nnames * sizeof(*used));
	next_token(&p);
	if (!p.toklen)
		return fail(&p, "condition is empty");
	if (parse_or(&p, out))
		return -1;
	if (p.toklen && is_keyword_nocase(p.s + p.tok, p.toklen) &&
	    !is_keyword(p.s + p.tok, p.toklen))
		return fail(&p, "condition: '%.*s': keywords are lower case",
			    (int)p.toklen, p.s + p.tok);
	if (p.toklen)
		return fail_tok(&p, "expected 'and', 'or' or the end");
	return 0;
}
