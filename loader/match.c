// SPDX-License-Identifier: GPL-2.0
/*
 * The matcher, the "content interpreter": runs a compiled rule set
 * (ruleset.h) against one event.
 *
 * It runs in tracepoint probes, so it never sleeps or allocates, and its
 * stack use is small and fixed: the prefilter's hits live in a
 * VIGIL_MATCH_MAX_HITS array, a rule's operand stack is one u64 of bits.
 * Nothing it reads comes from the event unchecked: the type and field
 * count are checked against the schema first, every field index again
 * before each read, and string lengths are capped at VIGIL_MAX_FIELD_LEN
 * (a longer value is matched as if truncated to the cap; producers
 * truncate there anyway).  A NULL string pointer reads as the empty
 * string.
 */
#include "ruleset.h"

static const u8 vr_empty[1];

static bool vr_event_ok(const struct vigil_event *ev)
{
	const struct vigil_event_desc *d;

	if (!ev)
		return false;
	d = vigil_event_desc(ev->type);
	return d && ev->nfields == d->nfields;
}

/* A string field: false if @f is not a field of the event. */
static bool vr_field_str(const struct vigil_event *ev, u32 f, const u8 **s,
			 u32 *n)
{
	if (f >= ev->nfields || f >= VIGIL_MAX_FIELDS)
		return false;
	*s = (const u8 *)ev->v[f].str.ptr;
	*n = min(ev->v[f].str.len, VIGIL_MAX_FIELD_LEN);
	if (!*s) {
		*s = vr_empty;
		*n = 0;
	}
	return true;
}

static bool vr_num_op(u8 op, u64 x, u64 y)
{
	switch (op) {
	case VIGIL_OP_EQ:
		return x == y;
	case VIGIL_OP_LT:
		return x < y;
	case VIGIL_OP_LE:
		return x <= y;
	case VIGIL_OP_GT:
		return x > y;
	case VIGIL_OP_GE:
		return x >= y;
	case VIGIL_OP_MASK_ALL:
		return (x & y) == y;
	case VIGIL_OP_MASK_ANY:
		return x & y;
	}
	return false;
}

static bool vr_addr_op(const u8 *a, const struct vr_val *v)
{
	u32 bits = min(v->len, 128U), full = bits / 8, rest = bits % 8;
	u8 mask;

	if (memcmp(a, v->s, full))
		return false;
	if (!rest)
		return true;
	mask = 0xff << (8 - rest);
	return !((a[full] ^ v->s[full]) & mask);
}

static bool vr_str_op(const struct vigil_ruleset *rs, const struct vr_insn *in,
		      const struct vr_val *v, const u8 *s, u32 n)
{
	bool nocase = in->flags & VIGIL_PRED_NOCASE;

	switch (in->op) {
	case VIGIL_OP_EQ:
		return vigil_str_eq(s, n, v->s, v->len, nocase);
	case VIGIL_OP_PREFIX:
		return vigil_str_prefix(s, n, v->s, v->len, nocase);
	case VIGIL_OP_SUFFIX:
		return vigil_str_suffix(s, n, v->s, v->len, nocase);
	case VIGIL_OP_CONTAINS:
		return vigil_kmp_find(s, n, v->s, v->len, v->s + v->len,
				      nocase);
	case VIGIL_OP_GLOB:
		return vigil_glob_match(v->glob, s, n, nocase);
	}
	return false;
}

/* One predicate: any value (or, with VIGIL_PRED_ALL, every value). */
static bool vr_pred(const struct vigil_ruleset *rs, const struct vr_insn *in,
		    const struct vigil_event *ev)
{
	const struct vr_val *v = rs->vals + in->val;
	bool all = in->flags & VIGIL_PRED_ALL, r;
	const union vigil_value *fv;
	const u8 *s = vr_empty;
	u32 n = 0, k;

	if (in->field >= ev->nfields || in->field >= VIGIL_MAX_FIELDS)
		return false;
	fv = &ev->v[in->field];
	if (in->ftype == VIGIL_FT_STR || in->ftype == VIGIL_FT_PATH)
		vr_field_str(ev, in->field, &s, &n);
	for (k = 0; k < in->argc; k++, v++) {
		switch (in->ftype) {
		case VIGIL_FT_U64:
			r = vr_num_op(in->op, fv->num, v->num);
			break;
		case VIGIL_FT_ADDR:
			r = vr_addr_op(fv->addr.a, v);
			break;
		default:
			r = vr_str_op(rs, in, v, s, n);
			break;
		}
		if (r != all)
			return r;
	}
	return all;
}

/*
 * Run a rule's postfix program.  Operands live in the bits of a u64 (the
 * compiler bounded the depth by VIGIL_MAX_EXPR_DEPTH).  When a value
 * decides the AND or OR that consumes it, evaluation jumps past that
 * operator, and on up while the value keeps deciding.
 */
static bool vr_eval(const struct vigil_ruleset *rs, const struct vr_rule *rule,
		    const struct vigil_event *ev, int flip)
{
	const struct vr_insn *ins = rs->insns + rule->insn, *in, *p;
	u32 depth = 0, pc = 0, i;
	u64 stack = 0, mask, bits;
	bool v;

	BUILD_BUG_ON(VIGIL_MAX_EXPR_DEPTH > 64);
	while (pc < rule->ninsn) {
		in = &ins[pc];
		switch (in->kind) {
		case VIGIL_NODE_PRED:
			v = vr_pred(rs, in, ev) ^ ((int)pc == flip);
			break;
		case VIGIL_NODE_NOT:
			depth = in->base;
			v = !((stack >> depth) & 1);
			break;
		case VIGIL_NODE_AND:
		case VIGIL_NODE_OR:
			depth = in->base;
			mask = in->argc >= 64 ? ~0ULL : (1ULL << in->argc) - 1;
			bits = (stack >> depth) & mask;
			v = in->kind == VIGIL_NODE_AND ? bits == mask : bits;
			break;
		default:
			return false;
		}
		for (i = pc; ins[i].parent != i; i = ins[i].parent) {
			p = &ins[ins[i].parent];
			if (p->kind == VIGIL_NODE_AND ? v :
			    p->kind != VIGIL_NODE_OR || !v)
				break;
			depth = p->base;
		}
		if (depth >= 64)
			return false;
		stack = (stack & ~(1ULL << depth)) | ((u64)v << depth);
		depth++;
		pc = i + 1;
	}
	return stack & 1;
}

/* Evaluate one rule and report it if it matches; non-zero: stop. */
static int vr_try(const struct vigil_ruleset *rs, u32 r,
		  const struct vigil_event *ev, vigil_match_fn fn, void *ctx,
		  int *count)
{
	const struct vr_rule *rule = &rs->rules[r];
	struct vigil_match m;

	if (!vr_eval(rs, rule, ev, -1))
		return 0;
	(*count)++;
	if (!fn)
		return 0;
	m.rule_index = r;
	m.rule_id = rule->id;
	m.action = rule->action;
	m.severity = rule->severity;
	return fn(ctx, &m);
}

static int vr_run_all(const struct vigil_ruleset *rs, const struct vr_type *ty,
		      const struct vigil_event *ev, vigil_match_fn fn,
		      void *ctx)
{
	int count = 0;
	u32 i;

	for (i = 0; i < ty->nrules; i++) {
		if (vr_try(rs, ty->rules[i], ev, fn, ctx, &count))
			break;
	}
	return count;
}

/*
 * Evaluate the rules listed by the outputs that hit, and the rules without
 * anchors, in rule order: a merge of the sorted lists.  @h->ids become
 * the cursors into vigil_ruleset.out_rules; each list ends with
 * VIGIL_AC_NONE, above every rule index, where its cursor stays.
 */
static int vr_run_hits(const struct vigil_ruleset *rs, const struct vr_type *ty,
		       struct vigil_hits *h, const struct vigil_event *ev,
		       vigil_match_fn fn, void *ctx)
{
	const u32 *out = rs->out_rules;
	u32 *pos = h->ids, n = h->n, a = 0, i, r;
	int count = 0;

	for (i = 0; i < n; i++)
		pos[i] = rs->out_first[h->ids[i]];
	for (;;) {
		r = a < ty->nalways ? ty->always[a] : VIGIL_AC_NONE;
		for (i = 0; i < n; i++)
			r = min(r, out[pos[i]]);
		if (r == VIGIL_AC_NONE)
			break;
		if (a < ty->nalways && ty->always[a] == r)
			a++;
		for (i = 0; i < n; i++)
			pos[i] += out[pos[i]] == r;
		if (vr_try(rs, r, ev, fn, ctx, &count))
			break;
	}
	return count;
}

static u32 vr_bsearch(const u64 *keys, u32 n, u64 x)
{
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && keys[lo] == x ? lo : VIGIL_AC_NONE;
}

/**
 * vigil_match() - evaluate a rule set against one event
 * @rs: compiled rule set
 * @ev: the event; its type and field count are checked against the schema
 *	before any value is read
 * @fn: called once per matching rule, in rule order; may be NULL
 * @ctx: passed to @fn
 *
 * The prefilter picks the rules whose anchors occur in the event; they
 * and the rules without anchors are evaluated exactly.  If more than
 * VIGIL_MATCH_MAX_HITS prefilter outputs hit, every rule of the event type
 * is evaluated instead.  Never sleeps or allocates.
 *
 * Return: number of matching rules reported (the one whose callback said
 * stop included), or -EINVAL if @ev is not a well-formed event.
 */
int vigil_match(const struct vigil_ruleset *rs, const struct vigil_event *ev,
		vigil_match_fn fn, void *ctx)
{
	u32 ids[VIGIL_MATCH_MAX_HITS], i, k, n;
	struct vigil_hits h = {
		.ids = ids,
		.cap = VIGIL_MATCH_MAX_HITS,
	};
	const struct vr_type *ty;
	const u8 *s;

	if (!rs || !vr_event_ok(ev))
		return -EINVAL;
	ty = &rs->types[ev->type];
	if (ty->nalways == ty->nrules)
		return vr_run_all(rs, ty, ev, fn, ctx);
	for (i = 0; i < ty->nac && !h.overflow; i++) {
		if (vr_field_str(ev, ty->ac[i].field, &s, &n))
			vigil_ac_scan(ty->ac[i].ac, s, n, ty->ac[i].base, &h);
	}
	for (i = 0; i < ty->nnum && !h.overflow; i++) {
		const struct vr_numidx *ni = &ty->num[i];

		if (ni->field >= ev->nfields)
			continue;
		k = vr_bsearch(ni->keys, ni->n, ev->v[ni->field].num);
		if (k != VIGIL_AC_NONE)
			vigil_hits_add(&h, ni->base + k);
	}
	if (h.overflow)
		return vr_run_all(rs, ty, ev, fn, ctx);
	return vr_run_hits(rs, ty, &h, ev, fn, ctx);
}

/**
 * vigil_rule_eval() - evaluate one rule, optionally flipping one predicate
 * @rs: compiled rule set
 * @rule_index: which rule
 * @ev: the event; a rule never matches an event of another type
 * @flip_node: index (within the rule's nodes) of a predicate whose truth
 *	value is inverted, or -1
 *
 * Ignores the prefilter.  Never sleeps or allocates.
 *
 * Return: 1 if the rule matches, 0 if not, -EINVAL if @rule_index is out
 * of range, @ev is malformed, or @flip_node is neither -1 nor a predicate
 * of the rule.
 */
int vigil_rule_eval(const struct vigil_ruleset *rs, u32 rule_index,
		    const struct vigil_event *ev, int flip_node)
{
	const struct vr_rule *rule;

	if (!rs || rule_index >= rs->nrules || !vr_event_ok(ev))
		return -EINVAL;
	rule = &rs->rules[rule_index];
	if (flip_node != -1 &&
	    (flip_node < 0 || flip_node >= rule->ninsn ||
	     rs->insns[rule->insn + flip_node].kind != VIGIL_NODE_PRED))
		return -EINVAL;
	/* a rule is only ever evaluated for events of its type */
	if (ev->type != rule->type)
		return 0;
	return vr_eval(rs, rule, ev, flip_node);
}
