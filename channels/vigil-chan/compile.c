// SPDX-License-Identifier: GPL-2.0
/*
 * The rule compiler: YAML (libyaml's document API, which keeps line and
 * column marks) to the payload records of loader/format.h.
 *
 * A rule is checked completely before anything of it is emitted, so a bad
 * rule leaves no records behind and every bad rule gets its diagnostics.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "compile.h"
#include "cond.h"
#include "fields.h"
#include "loader.h"
#include "pbuf.h"
#include "util.h"

/* n-ary AND/OR nodes are split so none has more operands than this */
#define VC_MAX_ARITY	16

struct loc {
	const char *file;
	unsigned int line, col;
};

struct id_slot {
	uint32_t id;		/* 0: empty */
	struct loc loc;
};

struct vc_compiler {
	struct vc_opts opts;
	struct pbuf pb;
	/* source location of every record, parallel to pb's arrays */
	struct loc *rule_loc, *node_loc, *value_loc;
	size_t rule_loc_cap, node_loc_cap, value_loc_cap;
	struct vc_diag *diags;
	size_t ndiags, diags_cap;
	char **files;
	size_t nfiles;
	/* channel block as the sources declare it */
	bool have_id, have_version;
	uint32_t id;
	uint64_t version;
	struct loc id_loc, version_loc;
	/* rule ids seen, for duplicates across files */
	struct id_slot *ids;
	size_t ids_cap, ids_used;
};

/* One YAML source being compiled. */
struct src {
	struct vc_compiler *c;
	const char *name;
	yaml_document_t *doc;
};

struct val {
	uint64_t num;
	const uint8_t *str;
	size_t len;
	struct loc loc;
};

struct pred {
	int field;
	uint8_t op, flags;
	unsigned int nvals;
	struct val *vals;
	struct loc loc;
};

enum xkind { X_PRED = 1, X_AND, X_OR, X_NOT };

struct expr {
	enum xkind kind;
	struct pred *pred;
	unsigned int n;
	struct expr **kids;
	struct loc loc;
};

struct sel {
	const char *name;
	yaml_node_t *key;
	struct expr *x;
};

/* Per-rule state. */
struct rule {
	struct src *s;
	struct arena a;
	unsigned int type;
	const struct vigil_event_desc *ev;
	bool bad;
};

/* ---- diagnostics ---- */

static void add_diag(struct vc_compiler *c, const struct loc *l,
		     const char *fmt, va_list ap)
{
	struct vc_diag *d;
	va_list aq;
	int n;

	if (c->ndiags == c->diags_cap) {
		c->diags_cap = c->diags_cap ? 2 * c->diags_cap : 16;
		c->diags = xrealloc(c->diags, c->diags_cap, sizeof(*c->diags));
	}
	d = &c->diags[c->ndiags++];
	d->file = l->file;
	d->line = l->line;
	d->col = l->col;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	d->msg = xcalloc(1, n + 1);
	vsnprintf(d->msg, n + 1, fmt, ap);
}

static void diag_loc(struct vc_compiler *c, const struct loc *l,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void diag_loc(struct vc_compiler *c, const struct loc *l,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_diag(c, l, fmt, ap);
	va_end(ap);
}

/* Where a node starts in the source (its opening quote, if any). */
static struct loc node_loc(const struct src *s, const yaml_node_t *n)
{
	struct loc l = {
		.file = s->name,
		.line = n->start_mark.line + 1,
		.col = n->start_mark.column + 1,
	};

	return l;
}

/*
 * Where byte @off of a scalar's text is in the source: exact for plain and
 * quoted scalars on one line (escapes aside), the scalar's start otherwise.
 */
static struct loc node_loc_at(const struct src *s, const yaml_node_t *n,
			      size_t off)
{
	struct loc l = node_loc(s, n);

	if (n->type != YAML_SCALAR_NODE ||
	    n->start_mark.line != n->end_mark.line)
		return l;
	switch (n->data.scalar.style) {
	case YAML_PLAIN_SCALAR_STYLE:
		l.col += off;
		break;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		l.col += off + 1;
		break;
	default:
		break;
	}
	return l;
}

static void diag(struct src *s, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diag(struct src *s, const yaml_node_t *n, const char *fmt, ...)
{
	struct loc l = node_loc(s, n);
	va_list ap;

	va_start(ap, fmt);
	add_diag(s->c, &l, fmt, ap);
	va_end(ap);
}

static void rdiag(struct rule *r, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rdiag(struct rule *r, const yaml_node_t *n, const char *fmt, ...)
{
	struct loc l = node_loc(r->s, n);
	va_list ap;

	va_start(ap, fmt);
	add_diag(r->s->c, &l, fmt, ap);
	va_end(ap);
	r->bad = true;
}

void vc_error(struct vc_compiler *c, const char *fmt, ...)
{
	struct loc l = { .file = c->nfiles ? c->files[0] : "vigil-chan" };
	va_list ap;

	va_start(ap, fmt);
	add_diag(c, &l, fmt, ap);
	va_end(ap);
}

size_t vc_ndiags(const struct vc_compiler *c)
{
	return c->ndiags;
}

const struct vc_diag *vc_diag(const struct vc_compiler *c, size_t i)
{
	return i < c->ndiags ? &c->diags[i] : NULL;
}

void vc_print_diags(const struct vc_compiler *c, FILE *f)
{
	size_t i;

	for (i = 0; i < c->ndiags; i++) {
		const struct vc_diag *d = &c->diags[i];

		if (d->line)
			fprintf(f, "%s:%u:%u: %s\n", d->file, d->line, d->col,
				d->msg);
		else
			fprintf(f, "%s: %s\n", d->file, d->msg);
	}
}

/* ---- YAML helpers ---- */

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t slen(const yaml_node_t *n)
{
	return n->data.scalar.length;
}

static bool is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return is_scalar(n) && slen(n) == strlen(s) && !memcmp(sval(n), s,
							       slen(n));
}

/* A plain null ("", "~", "null"): no value at all. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < ARRAY_SIZE(nulls); i++) {
		if (scalar_is(n, nulls[i]))
			return true;
	}
	return false;
}

static yaml_node_t *node(const struct src *s, int id)
{
	return yaml_document_get_node(s->doc, id);
}

static const char *type_name(int t)
{
	switch (t) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	}
	return "nothing";
}

/*
 * Check a mapping: scalar keys, no key twice, only keys of @known (if
 * given).  Return false after a diagnostic.
 */
static bool check_mapping(struct src *s, yaml_node_t *m, const char *what,
			  const char *const *known, size_t nknown)
{
	yaml_node_pair_t *p, *q;
	bool ok = true;

	if (!m || m->type != YAML_MAPPING_NODE) {
		diag(s, m, "%s must be a mapping, not %s", what,
		     type_name(m ? m->type : 0));
		return false;
	}
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(s, p->key);
		size_t i;

		if (!is_scalar(k)) {
			diag(s, k, "keys of %s must be names", what);
			ok = false;
			continue;
		}
		for (q = m->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = node(s, q->key);

			if (is_scalar(k2) && slen(k2) == slen(k) &&
			    !memcmp(sval(k2), sval(k), slen(k))) {
				diag(s, k, "'%s' appears twice in %s (first at line %lu)",
				     sval(k), what,
				     (unsigned long)k2->start_mark.line + 1);
				ok = false;
				break;
			}
		}
		if (!known)
			continue;
		for (i = 0; i < nknown; i++) {
			if (scalar_is(k, known[i]))
				break;
		}
		if (i == nknown) {
			struct sbuf b = { 0 };

			for (i = 0; i < nknown; i++)
				sb_addf(&b, "%s%s", i ? ", " : "", known[i]);
			diag(s, k, "unknown key '%s' in %s (keys: %s)",
			     sval(k), what, sb_str(&b));
			sb_free(&b);
			ok = false;
		}
	}
	return ok;
}

static yaml_node_t *map_get(const struct src *s, yaml_node_t *m,
			    const char *key)
{
	yaml_node_pair_t *p;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		if (scalar_is(node(s, p->key), key))
			return node(s, p->value);
	}
	return NULL;
}

static int get_u64(struct src *s, yaml_node_t *n, const char *what,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	if (!is_scalar(n) || is_null(n)) {
		diag(s, n, "%s must be a number", what);
		return -1;
	}
	if (parse_u64(sval(n), slen(n), out)) {
		diag(s, n, "%s '%s' is not a number (decimal, 0x hex or 0o octal)",
		     what, sval(n));
		return -1;
	}
	if (*out < min || *out > max) {
		diag(s, n, "%s %s is out of range %llu..%llu", what, sval(n),
		     (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* ---- channel block ---- */

static void compile_channel(struct src *s, yaml_node_t *m)
{
	static const char *const keys[] = { "id", "version", "name" };
	struct vc_compiler *c = s->c;
	yaml_node_t *n;
	uint64_t v;

	/* unknown keys are reported, and the known ones still checked */
	if (!check_mapping(s, m, "channel", keys, 3) &&
	    (!m || m->type != YAML_MAPPING_NODE))
		return;
	n = map_get(s, m, "id");
	if (n && !get_u64(s, n, "channel.id", 1, UINT32_MAX, &v) &&
	    !c->opts.have_id) {
		if (c->have_id && c->id != v)
			diag(s, n, "channel.id %llu disagrees with %u at %s:%u:%u",
			     (unsigned long long)v, c->id, c->id_loc.file,
			     c->id_loc.line, c->id_loc.col);
		else if (!c->have_id) {
			c->have_id = true;
			c->id = (uint32_t)v;
			c->id_loc = node_loc(s, n);
		}
	}
	n = map_get(s, m, "version");
	if (n && !get_u64(s, n, "channel.version", 0, UINT64_MAX, &v) &&
	    !c->opts.have_version) {
		if (c->have_version && c->version != v)
			diag(s, n, "channel.version %llu disagrees with %llu at %s:%u:%u",
			     (unsigned long long)v,
			     (unsigned long long)c->version,
			     c->version_loc.file, c->version_loc.line,
			     c->version_loc.col);
		else if (!c->have_version) {
			c->have_version = true;
			c->version = v;
			c->version_loc = node_loc(s, n);
		}
	}
	n = map_get(s, m, "name");
	if (n && !is_scalar(n))
		diag(s, n, "channel.name must be text");
}

/* ---- values and predicates ---- */

enum {
	TY_U64 = 1 << VIGIL_FT_U64,
	TY_STR = 1 << VIGIL_FT_STR,
	TY_PATH = 1 << VIGIL_FT_PATH,
	TY_ADDR = 1 << VIGIL_FT_ADDR,
};
#define TY_TEXT	(TY_STR | TY_PATH)
#define TY_ANY	(TY_U64 | TY_TEXT | TY_ADDR)

static const struct modifier {
	const char *name;
	uint8_t op;		/* operator, or 0 for a flag */
	uint8_t flag;
	unsigned int types;	/* TY_* it applies to */
} modifiers[] = {
	{ "startswith", VIGIL_OP_PREFIX, 0, TY_TEXT },
	{ "endswith", VIGIL_OP_SUFFIX, 0, TY_TEXT },
	{ "contains", VIGIL_OP_CONTAINS, 0, TY_TEXT },
	{ "glob", VIGIL_OP_GLOB, 0, TY_TEXT },
	{ "nocase", 0, VIGIL_PRED_NOCASE, TY_TEXT },
	{ "lt", VIGIL_OP_LT, 0, TY_U64 },
	{ "lte", VIGIL_OP_LE, 0, TY_U64 },
	{ "gt", VIGIL_OP_GT, 0, TY_U64 },
	{ "gte", VIGIL_OP_GE, 0, TY_U64 },
	{ "mask_all", VIGIL_OP_MASK_ALL, 0, TY_U64 },
	{ "mask_any", VIGIL_OP_MASK_ANY, 0, TY_U64 },
	{ "cidr", VIGIL_OP_CIDR, 0, TY_ADDR },
	{ "all", 0, VIGIL_PRED_ALL, TY_ANY },
};

static void types_text(unsigned int types, struct sbuf *b)
{
	unsigned int t;
	bool first = true;

	for (t = VIGIL_FT_U64; t <= VIGIL_FT_ADDR; t++) {
		if (types & (1U << t)) {
			sb_addf(b, "%s%s", first ? "" : ", ", ftype_name(t));
			first = false;
		}
	}
}

/* Parse one value of @p's field type into @v; false after a diagnostic. */
static bool parse_value(struct rule *r, struct pred *p, yaml_node_t *n,
			struct val *v)
{
	unsigned int ft = r->ev->fields[p->field].type;
	const char *why;
	unsigned int plen;
	size_t i;

	v->loc = node_loc(r->s, n);
	if (!is_scalar(n)) {
		rdiag(r, n, "a value must be a scalar, not %s",
		      type_name(n ? n->type : 0));
		return false;
	}
	if (is_null(n)) {
		rdiag(r, n, "empty or null value (quote it if you mean the text)");
		return false;
	}
	switch (ft) {
	case VIGIL_FT_U64:
		if (parse_u64(sval(n), slen(n), &v->num)) {
			rdiag(r, n, "'%s' is not a number (decimal, 0x hex or 0o octal)",
			      sval(n));
			return false;
		}
		return true;
	case VIGIL_FT_ADDR:
		v->str = arena_alloc(&r->a, 16);
		if (memchr(sval(n), 0, slen(n)) ||
		    parse_addr(sval(n), (uint8_t *)v->str,
			       p->op == VIGIL_OP_CIDR ? &plen : NULL, &why)) {
			rdiag(r, n, "'%s': %s", sval(n),
			      memchr(sval(n), 0, slen(n)) ? "NUL byte" : why);
			return false;
		}
		v->len = 16;
		v->num = p->op == VIGIL_OP_CIDR ? plen : 128;
		return true;
	}
	v->str = (const uint8_t *)sval(n);
	v->len = slen(n);
	if (v->len > VIGIL_MAX_PATTERN_LEN) {
		rdiag(r, n, "pattern of %zu bytes is over the cap of %u",
		      v->len, VIGIL_MAX_PATTERN_LEN);
		return false;
	}
	if (memchr(v->str, 0, v->len)) {
		rdiag(r, n, "pattern holds a NUL byte");
		return false;
	}
	if (p->op == VIGIL_OP_GLOB) {
		for (i = 0; i < v->len; i++) {
			if (v->str[i] == '\\' && ++i == v->len) {
				rdiag(r, n, "glob ends in a lone '\\'");
				return false;
			}
		}
	}
	return true;
}

static bool same_value(const struct pred *p, const struct val *a,
		       const struct val *b)
{
	if (a->num != b->num || a->len != b->len)
		return false;
	if (p->flags & VIGIL_PRED_NOCASE)
		return !strncasecmp((const char *)a->str,
				    (const char *)b->str, a->len);
	return !a->len || !memcmp(a->str, b->str, a->len);
}

/* Modifiers of a key "field|mod|mod"; false after a diagnostic. */
static bool parse_modifiers(struct rule *r, yaml_node_t *key, size_t off,
			    struct pred *p)
{
	const char *k = sval(key);
	size_t klen = slen(key);
	unsigned int ft = r->ev->fields[p->field].type;
	const char *opname = NULL;

	while (off < klen) {
		size_t start = ++off, i;
		const struct modifier *m = NULL;
		struct loc l = node_loc_at(r->s, key, start);

		while (off < klen && k[off] != '|')
			off++;
		for (i = 0; i < ARRAY_SIZE(modifiers); i++) {
			if (strlen(modifiers[i].name) == off - start &&
			    !memcmp(modifiers[i].name, k + start, off - start))
				m = &modifiers[i];
		}
		if (!m) {
			struct sbuf b = { 0 };

			for (i = 0; i < ARRAY_SIZE(modifiers); i++)
				sb_addf(&b, "%s%s", i ? ", " : "",
					modifiers[i].name);
			diag_loc(r->s->c, &l, "unknown modifier '%.*s' (modifiers: %s)",
				 (int)(off - start), k + start, sb_str(&b));
			sb_free(&b);
			r->bad = true;
			return false;
		}
		if (!(m->types & (1U << ft))) {
			struct sbuf b = { 0 };

			types_text(m->types, &b);
			diag_loc(r->s->c, &l, "modifier '%s' does not apply to field '%s' of type %s (only to %s)",
				 m->name, r->ev->fields[p->field].name,
				 ftype_name(ft), sb_str(&b));
			sb_free(&b);
			r->bad = true;
			return false;
		}
		if ((m->op && p->op && opname == m->name) ||
		    (!m->op && (p->flags & m->flag))) {
			diag_loc(r->s->c, &l, "modifier '%s' given twice",
				 m->name);
			r->bad = true;
			return false;
		}
		if (m->op && p->op) {
			diag_loc(r->s->c, &l, "modifiers '%s' and '%s' cannot be combined",
				 opname, m->name);
			r->bad = true;
			return false;
		}
		if (m->op) {
			p->op = m->op;
			opname = m->name;
		}
		p->flags |= m->flag;
	}
	if (!p->op)
		p->op = VIGIL_OP_EQ;
	return true;
}

/* One "field|mods: values" entry of a selection. */
static struct pred *compile_pred(struct rule *r, yaml_node_t *key,
				 yaml_node_t *val)
{
	struct pred *p = arena_alloc(&r->a, sizeof(*p));
	const char *k = sval(key);
	size_t flen = strcspn(k, "|"), i, j;
	unsigned int n;

	p->loc = node_loc(r->s, key);
	p->field = vigil_field_by_name(r->type, k, flen);
	if (p->field < 0) {
		struct sbuf b = { 0 };

		field_names(r->ev, &b);
		rdiag(r, key, "field '%.*s' does not exist for event '%s' (fields: %s)",
		      (int)flen, k, r->ev->name, sb_str(&b));
		sb_free(&b);
		return NULL;
	}
	if (!parse_modifiers(r, key, flen, p))
		return NULL;
	if (val->type == YAML_SEQUENCE_NODE) {
		n = val->data.sequence.items.top - val->data.sequence.items.start;
		if (!n) {
			rdiag(r, val, "empty list of values");
			return NULL;
		}
		if (n > VIGIL_MAX_PRED_VALUES) {
			rdiag(r, val, "%u values are over the cap of %u per predicate",
			      n, VIGIL_MAX_PRED_VALUES);
			return NULL;
		}
	} else {
		n = 1;
	}
	p->vals = arena_alloc(&r->a, n * sizeof(*p->vals));
	p->nvals = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *vn = val->type == YAML_SEQUENCE_NODE ?
			node(r->s, val->data.sequence.items.start[i]) : val;

		if (!parse_value(r, p, vn, &p->vals[i]))
			return NULL;
		for (j = 0; j < i; j++) {
			if (same_value(p, &p->vals[i], &p->vals[j])) {
				rdiag(r, vn, "value '%s' repeats the one at line %u",
				      sval(vn), p->vals[j].loc.line);
				return NULL;
			}
		}
	}
	if ((p->flags & VIGIL_PRED_ALL) && n < 2) {
		rdiag(r, key, "modifier 'all' needs a list of values");
		return NULL;
	}
	if ((p->flags & VIGIL_PRED_ALL) && p->op == VIGIL_OP_EQ) {
		rdiag(r, key, "'all' with equality can never match: a field has one value");
		return NULL;
	}
	return p;
}

static struct expr *new_expr(struct rule *r, enum xkind k, unsigned int n,
			     struct loc loc)
{
	struct expr *x = arena_alloc(&r->a, sizeof(*x));

	x->kind = k;
	x->n = n;
	x->loc = loc;
	if (n)
		x->kids = arena_alloc(&r->a, n * sizeof(*x->kids));
	return x;
}

/* A mapping of field keys: one PRED, or the AND of them. */
static struct expr *compile_map(struct rule *r, yaml_node_t *m,
				const char *selname)
{
	struct expr *x;
	unsigned int n, i;
	bool ok = true;

	if (!check_mapping(r->s, m, "a selection", NULL, 0)) {
		r->bad = true;
		return NULL;
	}
	n = m->data.mapping.pairs.top - m->data.mapping.pairs.start;
	if (!n) {
		rdiag(r, m, "selection '%s' is empty", selname);
		return NULL;
	}
	x = new_expr(r, n == 1 ? X_PRED : X_AND, n == 1 ? 0 : n,
		     node_loc(r->s, m));
	for (i = 0; i < n; i++) {
		yaml_node_pair_t *pr = &m->data.mapping.pairs.start[i];
		struct pred *p = compile_pred(r, node(r->s, pr->key),
					      node(r->s, pr->value));

		if (!p) {
			ok = false;
			continue;
		}
		if (n == 1) {
			x->pred = p;
			x->loc = p->loc;
		} else {
			x->kids[i] = new_expr(r, X_PRED, 0, p->loc);
			x->kids[i]->pred = p;
		}
	}
	return ok ? x : NULL;
}

/* A selection: a mapping, or a list of mappings (any of them). */
static struct expr *compile_sel(struct rule *r, yaml_node_t *v,
				const char *name)
{
	struct expr *x;
	unsigned int n, i;
	bool ok = true;

	if (v->type != YAML_SEQUENCE_NODE)
		return compile_map(r, v, name);
	n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (!n) {
		rdiag(r, v, "selection '%s' is an empty list", name);
		return NULL;
	}
	if (n == 1)
		return compile_map(r, node(r->s, v->data.sequence.items.start[0]),
				   name);
	x = new_expr(r, X_OR, n, node_loc(r->s, v));
	for (i = 0; i < n; i++) {
		x->kids[i] = compile_map(r, node(r->s,
					 v->data.sequence.items.start[i]),
					 name);
		if (!x->kids[i])
			ok = false;
	}
	return ok ? x : NULL;
}

/* ---- expression shaping and emission ---- */

static struct expr *from_cond(struct rule *r, const struct cnode *c,
			      struct sel *sels, struct loc loc)
{
	struct expr *x;
	unsigned int i;

	switch (c->kind) {
	case CN_SEL:
		return sels[c->sel].x;
	case CN_NOT:
		x = new_expr(r, X_NOT, 1, loc);
		x->kids[0] = from_cond(r, c->kids[0], sels, loc);
		return x;
	case CN_AND:
	case CN_OR:
		x = new_expr(r, c->kind == CN_AND ? X_AND : X_OR, c->n, loc);
		for (i = 0; i < c->n; i++)
			x->kids[i] = from_cond(r, c->kids[i], sels, loc);
		return x;
	}
	return NULL;
}

static unsigned int count_spliced(const struct expr *x, enum xkind k)
{
	unsigned int i, n = 0;

	for (i = 0; i < x->n; i++)
		n += x->kids[i]->kind == k ? x->kids[i]->n : 1;
	return n;
}

/*
 * Normalise without changing the meaning: not(not(x)) is x, an AND inside
 * an AND (OR inside OR) is spliced into its parent, and operand lists
 * longer than VC_MAX_ARITY become groups, so the evaluation stack stays
 * small.  Returns a new tree; shared subtrees are not modified.
 */
static struct expr *normalise(struct rule *r, struct expr *x)
{
	struct expr *y, **flat;
	unsigned int i, j, n, groups;

	switch (x->kind) {
	case X_PRED:
		return x;
	case X_NOT:
		y = normalise(r, x->kids[0]);
		if (y->kind == X_NOT)
			return y->kids[0];
		x = new_expr(r, X_NOT, 1, x->loc);
		x->kids[0] = y;
		return x;
	case X_AND:
	case X_OR:
		break;
	}
	y = new_expr(r, x->kind, x->n, x->loc);
	for (i = 0; i < x->n; i++)
		y->kids[i] = normalise(r, x->kids[i]);
	n = count_spliced(y, x->kind);
	flat = arena_alloc(&r->a, n * sizeof(*flat));
	for (i = 0, n = 0; i < y->n; i++) {
		if (y->kids[i]->kind != x->kind) {
			flat[n++] = y->kids[i];
			continue;
		}
		for (j = 0; j < y->kids[i]->n; j++)
			flat[n++] = y->kids[i]->kids[j];
	}
	if (n <= VC_MAX_ARITY) {
		y->n = n;
		y->kids = flat;
		return y;
	}
	groups = (n + VC_MAX_ARITY - 1) / VC_MAX_ARITY;
	y = new_expr(r, x->kind, groups, x->loc);
	for (i = 0; i < groups; i++) {
		unsigned int k = n - i * VC_MAX_ARITY;

		if (k > VC_MAX_ARITY)
			k = VC_MAX_ARITY;
		if (k == 1) {
			y->kids[i] = flat[i * VC_MAX_ARITY];
			continue;
		}
		y->kids[i] = new_expr(r, x->kind, 0, x->loc);
		y->kids[i]->n = k;
		y->kids[i]->kids = flat + i * VC_MAX_ARITY;
	}
	return y;
}

/* Nodes the postfix program of @x has, and its evaluation stack depth. */
static void measure(const struct expr *x, unsigned long *nodes,
		    unsigned int *depth)
{
	unsigned int i, d, maxd = 0;

	(*nodes)++;
	if (x->kind == X_PRED) {
		*depth = 1;
		return;
	}
	for (i = 0; i < x->n; i++) {
		measure(x->kids[i], nodes, &d);
		if (i + d > maxd)
			maxd = i + d;
	}
	*depth = maxd;
}

static void push_loc(struct loc **arr, size_t *cap, size_t index,
		     struct loc l)
{
	if (index >= *cap) {
		*cap = *cap ? 2 * *cap : 64;
		if (index >= *cap)
			*cap = index + 1;
		*arr = xrealloc(*arr, *cap, sizeof(**arr));
	}
	(*arr)[index] = l;
}

static void emit(struct vc_compiler *c, const struct expr *x)
{
	struct vigil_node_rec *nr;
	size_t ni, vi, i;

	if (x->kind != X_PRED) {
		for (i = 0; i < x->n; i++)
			emit(c, x->kids[i]);
	}
	nr = pbuf_node(&c->pb, &ni);
	push_loc(&c->node_loc, &c->node_loc_cap, ni, x->loc);
	switch (x->kind) {
	case X_PRED:
		nr->kind = VIGIL_NODE_PRED;
		nr->op = x->pred->op;
		nr->flags = x->pred->flags;
		nr->field = cpu_to_le16((uint16_t)x->pred->field);
		nr->argc = cpu_to_le16((uint16_t)x->pred->nvals);
		nr->arg = cpu_to_le32((uint32_t)c->pb.nvalues);
		for (i = 0; i < x->pred->nvals; i++) {
			const struct val *v = &x->pred->vals[i];
			struct vigil_value_rec *vr = pbuf_value(&c->pb, &vi);

			vr->num = cpu_to_le64(v->num);
			if (v->len)
				pbuf_str(&c->pb, v->str, v->len, &vr->str);
			push_loc(&c->value_loc, &c->value_loc_cap, vi, v->loc);
		}
		break;
	case X_AND:
	case X_OR:
		nr->kind = x->kind == X_AND ? VIGIL_NODE_AND : VIGIL_NODE_OR;
		nr->argc = cpu_to_le16((uint16_t)x->n);
		break;
	case X_NOT:
		nr->kind = VIGIL_NODE_NOT;
		nr->argc = cpu_to_le16(1);
		break;
	}
}

/* ---- rules ---- */

static struct id_slot *id_lookup(struct vc_compiler *c, uint32_t id)
{
	size_t i;

	if (2 * (c->ids_used + 1) > c->ids_cap) {
		size_t ncap = c->ids_cap ? 2 * c->ids_cap : 1024, k;
		struct id_slot *n = xcalloc(ncap, sizeof(*n));

		for (k = 0; k < c->ids_cap; k++) {
			if (!c->ids[k].id)
				continue;
			for (i = (c->ids[k].id * 2654435761u) & (ncap - 1);
			     n[i].id; i = (i + 1) & (ncap - 1))
				;
			n[i] = c->ids[k];
		}
		free(c->ids);
		c->ids = n;
		c->ids_cap = ncap;
	}
	for (i = (id * 2654435761u) & (c->ids_cap - 1); c->ids[i].id;
	     i = (i + 1) & (c->ids_cap - 1)) {
		if (c->ids[i].id == id)
			return &c->ids[i];
	}
	return &c->ids[i];
}

static bool text_ok(struct rule *r, yaml_node_t *n, const char *what,
		    size_t max, bool allow_comma)
{
	size_t i;

	if (!is_scalar(n) || is_null(n) || !slen(n)) {
		rdiag(r, n, "%s must be non-empty text", what);
		return false;
	}
	if (slen(n) > max) {
		rdiag(r, n, "%s of %zu bytes is over the cap of %zu", what,
		      slen(n), max);
		return false;
	}
	for (i = 0; i < slen(n); i++) {
		unsigned char ch = sval(n)[i];

		if (ch < 0x20 || ch == 0x7f) {
			rdiag(r, n, "%s holds a control character", what);
			return false;
		}
		if (ch == ',' && !allow_comma) {
			rdiag(r, n, "%s may not hold ','", what);
			return false;
		}
	}
	return true;
}

static bool compile_tags(struct rule *r, yaml_node_t *t, struct sbuf *tags)
{
	unsigned int i, n;

	if (t->type != YAML_SEQUENCE_NODE) {
		rdiag(r, t, "tags must be a list");
		return false;
	}
	n = t->data.sequence.items.top - t->data.sequence.items.start;
	if (!n) {
		rdiag(r, t, "empty list of tags (leave 'tags' out instead)");
		return false;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *e = node(r->s, t->data.sequence.items.start[i]);

		if (!text_ok(r, e, "a tag", VIGIL_MAX_TAGS_LEN, false))
			return false;
		if (i)
			sb_add(tags, ",", 1);
		sb_add(tags, sval(e), slen(e));
	}
	if (tags->len > VIGIL_MAX_TAGS_LEN) {
		rdiag(r, t, "tags take %zu bytes, over the cap of %u", tags->len,
		      VIGIL_MAX_TAGS_LEN);
		return false;
	}
	return true;
}

static int pick(struct rule *r, yaml_node_t *n, const char *what,
		const char *const *names, int count)
{
	struct sbuf b = { 0 };
	int i;

	for (i = 0; i < count; i++) {
		if (scalar_is(n, names[i]))
			return i;
	}
	for (i = 0; i < count; i++)
		sb_addf(&b, "%s%s", i ? " | " : "", names[i]);
	rdiag(r, n, "bad %s '%s' (%s)", what, is_scalar(n) ? sval(n) : "",
	      sb_str(&b));
	sb_free(&b);
	return -1;
}

/*
 * The detection block: selections and the condition, to one expression.
 * Returns NULL after diagnostics.
 */
static struct expr *compile_detection(struct rule *r, yaml_node_t *d)
{
	struct src *s = r->s;
	yaml_node_t *cond = NULL;
	struct sel *sels;
	const char **names;
	struct cond_err ce;
	struct cnode *cn;
	unsigned int n, nsels = 0, i;
	bool *used, ok = true;

	if (!check_mapping(s, d, "detection", NULL, 0)) {
		r->bad = true;
		return NULL;
	}
	n = d->data.mapping.pairs.top - d->data.mapping.pairs.start;
	sels = arena_alloc(&r->a, (n + 1) * sizeof(*sels));
	names = arena_alloc(&r->a, (n + 1) * sizeof(*names));
	used = arena_alloc(&r->a, (n + 1) * sizeof(*used));
	for (i = 0; i < n; i++) {
		yaml_node_pair_t *p = &d->data.mapping.pairs.start[i];
		yaml_node_t *k = node(s, p->key), *v = node(s, p->value);
		const char *why;

		if (scalar_is(k, "condition")) {
			cond = v;
			continue;
		}
		if (!cond_valid_name(sval(k), &why)) {
			rdiag(r, k, "selection name '%s' %s", sval(k), why);
			ok = false;
			continue;
		}
		sels[nsels].name = sval(k);
		sels[nsels].key = k;
		sels[nsels].x = compile_sel(r, v, sval(k));
		if (!sels[nsels].x)
			ok = false;
		names[nsels] = sval(k);
		nsels++;
	}
	if (!ok)
		return NULL;
	if (!nsels) {
		rdiag(r, d, "detection has no selection");
		return NULL;
	}
	if (!cond) {
		if (nsels == 1)
			return sels[0].x;
		rdiag(r, d, "detection has %u selections and no condition",
		      nsels);
		return NULL;
	}
	if (!is_scalar(cond) || is_null(cond)) {
		rdiag(r, cond, "condition must be one expression");
		return NULL;
	}
	if (cond_parse(&r->a, sval(cond), slen(cond), names, nsels, used,
		       &cn, &ce)) {
		struct loc l = node_loc_at(s, cond, ce.off);

		diag_loc(s->c, &l, "%s", ce.msg);
		r->bad = true;
		return NULL;
	}
	for (i = 0; i < nsels; i++) {
		if (!used[i]) {
			rdiag(r, sels[i].key, "selection '%s' is not used by the condition",
			      sels[i].name);
			ok = false;
		}
	}
	if (!ok)
		return NULL;
	return from_cond(r, cn, sels, node_loc(s, cond));
}

static void compile_rule(struct src *s, yaml_node_t *m)
{
	static const char *const keys[] = {
		"id", "title", "event", "severity", "action", "tags",
		"detection", "description",
	};
	static const char *const sevs[] = {
		"info", "low", "medium", "high", "critical",
	};
	static const char *const acts[] = { "report", "kill", "deny" };
	struct vc_compiler *c = s->c;
	struct rule r = { .s = s };
	yaml_node_t *n, *det;
	struct sbuf tags = { 0 };
	struct expr *x = NULL;
	struct vigil_rule_rec *rr;
	struct id_slot *slot = NULL;
	unsigned long nnodes = 0;
	unsigned int depth = 0;
	int sev = -1, act = 0;
	uint64_t id = 0;
	size_t ri, first;

	if (!check_mapping(s, m, "a rule", keys, ARRAY_SIZE(keys)))
		return;
	n = map_get(s, m, "id");
	if (!n)
		rdiag(&r, m, "rule has no id");
	else if (get_u64(s, n, "rule id", 1, UINT32_MAX, &id))
		r.bad = true;
	if (id) {
		slot = id_lookup(c, (uint32_t)id);
		if (slot->id) {
			rdiag(&r, n, "duplicate rule id %llu (first at %s:%u:%u)",
			      (unsigned long long)id, slot->loc.file,
			      slot->loc.line, slot->loc.col);
			slot = NULL;
		} else {
			slot->id = (uint32_t)id;
			slot->loc = node_loc(s, n);
			c->ids_used++;
		}
	}
	n = map_get(s, m, "title");
	if (!n)
		rdiag(&r, m, "rule has no title");
	else
		text_ok(&r, n, "title", VIGIL_MAX_TITLE_LEN, true);
	n = map_get(s, m, "description");
	if (n && !is_scalar(n))
		rdiag(&r, n, "description must be text");
	n = map_get(s, m, "severity");
	if (!n)
		rdiag(&r, m, "rule has no severity (%s)",
		      "info | low | medium | high | critical");
	else
		sev = pick(&r, n, "severity", sevs, 5);
	n = map_get(s, m, "action");
	if (n)
		act = pick(&r, n, "action", acts, ARRAY_SIZE(acts));
	n = map_get(s, m, "tags");
	if (n)
		compile_tags(&r, n, &tags);
	n = map_get(s, m, "event");
	det = map_get(s, m, "detection");
	if (is_scalar(n)) {
		r.type = vigil_event_type_by_name(sval(n), slen(n));
		r.ev = vigil_event_desc(r.type);
	}
	if (!n) {
		rdiag(&r, m, "rule has no event");
	} else if (!r.ev) {
		struct sbuf b = { 0 };

		event_names(&b);
		rdiag(&r, n, "unknown event type '%s' (events: %s)",
		      is_scalar(n) ? sval(n) : "", sb_str(&b));
		sb_free(&b);
	} else if (!det) {
		rdiag(&r, m, "rule has no detection");
	} else {
		x = compile_detection(&r, det);
	}
	if (x) {
		x = normalise(&r, x);
		measure(x, &nnodes, &depth);
		if (nnodes > VIGIL_MAX_RULE_NODES) {
			diag_loc(c, &x->loc, "the condition compiles to %lu nodes, over the cap of %u per rule",
				 nnodes, VIGIL_MAX_RULE_NODES);
			r.bad = true;
		} else if (depth > VIGIL_MAX_EXPR_DEPTH) {
			diag_loc(c, &x->loc, "the condition needs an evaluation stack of %u, over the cap of %u",
				 depth, VIGIL_MAX_EXPR_DEPTH);
			r.bad = true;
		}
	}
	if (r.bad || !x)
		goto out;

	first = c->pb.nnodes;
	emit(c, x);
	rr = pbuf_rule(&c->pb, &ri);
	push_loc(&c->rule_loc, &c->rule_loc_cap, ri, slot->loc);
	rr->id = cpu_to_le32((uint32_t)id);
	rr->event_type = cpu_to_le16((uint16_t)r.type);
	rr->action = VIGIL_ACTION_REPORT + act;	/* in the order of acts[] */
	rr->severity = (uint8_t)sev;
	rr->expr_first = cpu_to_le32((uint32_t)first);
	rr->expr_count = cpu_to_le32((uint32_t)(c->pb.nnodes - first));
	n = map_get(s, m, "title");
	pbuf_str(&c->pb, sval(n), slen(n), &rr->title);
	pbuf_str(&c->pb, tags.s, tags.len, &rr->tags);
out:
	sb_free(&tags);
	arena_free(&r.a);
}

static void compile_doc(struct src *s)
{
	static const char *const keys[] = { "channel", "rules" };
	yaml_node_t *root = yaml_document_get_root_node(s->doc), *n;
	yaml_node_item_t *it;

	if (!check_mapping(s, root, "the file", keys, 2))
		return;
	n = map_get(s, root, "channel");
	if (n)
		compile_channel(s, n);
	n = map_get(s, root, "rules");
	if (!n) {
		diag(s, root, "no 'rules' list");
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		diag(s, n, "rules must be a list, not %s", type_name(n->type));
		return;
	}
	if (n->data.sequence.items.top == n->data.sequence.items.start) {
		diag(s, n, "empty list of rules");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++)
		compile_rule(s, node(s, *it));
}

int vc_add_source(struct vc_compiler *c, const char *name, const char *text,
		  size_t len)
{
	size_t before = c->ndiags;
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct src s = { .c = c, .doc = &doc };
	struct loc l = { .file = NULL };

	c->files = xrealloc(c->files, c->nfiles + 1, sizeof(*c->files));
	c->files[c->nfiles] = strdup(name);
	if (!c->files[c->nfiles])
		abort();
	s.name = l.file = c->files[c->nfiles++];
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc))
		goto parse_error;
	if (!yaml_document_get_root_node(&doc)) {
		l.line = 1;
		l.col = 1;
		diag_loc(c, &l, "no rules: the file is empty");
		yaml_document_delete(&doc);
		goto out;
	}
	compile_doc(&s);
	yaml_document_delete(&doc);
	if (!yaml_parser_load(&parser, &extra))
		goto parse_error;
	if (yaml_document_get_root_node(&extra)) {
		l.line = extra.start_mark.line + 1;
		l.col = extra.start_mark.column + 1;
		diag_loc(c, &l, "only one YAML document per file");
	}
	yaml_document_delete(&extra);
	goto out;
parse_error:
	l.line = parser.problem_mark.line + 1;
	l.col = parser.problem_mark.column + 1;
	diag_loc(c, &l, "YAML: %s%s%s", parser.problem ? parser.problem :
		 "parse error", parser.context ? " " : "",
		 parser.context ? parser.context : "");
out:
	yaml_parser_delete(&parser);
	return c->ndiags == before ? 0 : -1;
}

int vc_add_file(struct vc_compiler *c, const char *path)
{
	struct loc l = { .file = path };
	uint8_t *buf;
	size_t len;
	int ret;

	if (read_file(path, 64U << 20, &buf, &len)) {
		c->files = xrealloc(c->files, c->nfiles + 1, sizeof(*c->files));
		c->files[c->nfiles] = strdup(path);
		if (!c->files[c->nfiles])
			abort();
		l.file = c->files[c->nfiles++];
		diag_loc(c, &l, "cannot read: %s", strerror(errno));
		return -1;
	}
	ret = vc_add_source(c, path, (const char *)buf, len);
	free(buf);
	return ret;
}

struct vc_compiler *vc_new(const struct vc_opts *opts)
{
	struct vc_compiler *c = xcalloc(1, sizeof(*c));

	if (opts)
		c->opts = *opts;
	pbuf_init(&c->pb);
	return c;
}

void vc_free(struct vc_compiler *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ndiags; i++)
		free(c->diags[i].msg);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->diags);
	free(c->files);
	free(c->rule_loc);
	free(c->node_loc);
	free(c->value_loc);
	free(c->ids);
	pbuf_release(&c->pb);
	free(c);
}

/* The source location of the record at payload offset @off, if any. */
static const struct loc *payload_loc(const struct vc_compiler *c, size_t off)
{
	const struct pbuf *pb = &c->pb;

	if (off >= pbuf_rules_off(pb) && off < pbuf_nodes_off(pb))
		return &c->rule_loc[(off - pbuf_rules_off(pb)) /
				    sizeof(struct vigil_rule_rec)];
	if (off >= pbuf_nodes_off(pb) && off < pbuf_values_off(pb))
		return &c->node_loc[(off - pbuf_nodes_off(pb)) /
				    sizeof(struct vigil_node_rec)];
	if (off >= pbuf_values_off(pb) && off < pbuf_strtab_off(pb))
		return &c->value_loc[(off - pbuf_values_off(pb)) /
				     sizeof(struct vigil_value_rec)];
	return NULL;
}

static int check_caps(struct vc_compiler *c, const struct loc *whole)
{
	const struct pbuf *pb = &c->pb;
	size_t before = c->ndiags;

	if (!pb->nrules)
		diag_loc(c, whole, "no rules");
	if (pb->nrules > VIGIL_MAX_RULES)
		diag_loc(c, whole, "%zu rules are over the cap of %u",
			 pb->nrules, VIGIL_MAX_RULES);
	if (pb->nnodes > VIGIL_MAX_NODES)
		diag_loc(c, whole, "%zu expression nodes are over the cap of %u",
			 pb->nnodes, VIGIL_MAX_NODES);
	if (pb->nvalues > VIGIL_MAX_VALUES)
		diag_loc(c, whole, "%zu values are over the cap of %u",
			 pb->nvalues, VIGIL_MAX_VALUES);
	if (pb->strtab_size > VIGIL_MAX_STRTAB_SIZE)
		diag_loc(c, whole, "%zu bytes of strings are over the cap of %u",
			 pb->strtab_size, VIGIL_MAX_STRTAB_SIZE);
	else if (pbuf_strtab_off(pb) + pb->strtab_size >
		 VIGIL_MAX_UNCOMPRESSED_SIZE)
		diag_loc(c, whole, "the payload is over the cap of %u bytes",
			 VIGIL_MAX_UNCOMPRESSED_SIZE);
	if (!c->opts.have_id && !c->have_id)
		diag_loc(c, whole, "no channel id: give channel.id or --id");
	if (!c->opts.have_version && !c->have_version)
		diag_loc(c, whole, "no content version: give channel.version or --version");
	return c->ndiags == before ? 0 : -1;
}

int vc_finish(struct vc_compiler *c, uint8_t **payload, size_t *len,
	      struct chan_meta *meta)
{
	struct loc whole = { .file = c->nfiles ? c->files[0] : "vigil-chan" };
	struct vigil_ruleset *rs = NULL;
	struct vigil_error e;
	const struct loc *l;
	char reason[320];
	int rc;

	*payload = NULL;
	*len = 0;
	if (c->ndiags || check_caps(c, &whole))
		return -1;
	pbuf_finish(&c->pb, payload, len);
	memset(&e, 0, sizeof(e));
	rc = vigil_payload_validate(*payload, *len, &e);
	if (!rc)
		rc = vigil_ruleset_compile(*payload, *len, &rs, &e);
	vigil_ruleset_free(rs);
	if (rc) {
		loader_reason(&e, reason, sizeof(reason));
		l = e.in_payload ? payload_loc(c, e.offset) : NULL;
		diag_loc(c, l ? l : &whole,
			 "the loader rejects this (payload offset %llu): %s",
			 (unsigned long long)e.offset, reason);
		free(*payload);
		*payload = NULL;
		*len = 0;
		return -1;
	}
	meta->channel_id = c->opts.have_id ? c->opts.id : c->id;
	meta->content_version = c->opts.have_version ? c->opts.version :
			       c->version;
	meta->schema_version = VIGIL_SCHEMA_VERSION;
	return 0;
}
