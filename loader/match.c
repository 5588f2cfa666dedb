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
 *
 * It counts its work in steps (ruleset.h, channels/FORMAT.md "Work"):
 * before each part of an event's evaluation it charges what that part
 * costs at most, and when the budget cannot pay, it stops the event there
 * and says so (vigil_work.over).  So no content can hold a CPU longer
 * than the budget allows, even content the validator's bound got wrong.
 *
 * Contains values are not searched one by one: the first contains
 * predicate on a field runs the field's substring automaton (substr.h)
 * once, which stamps every pattern it finds with the event's generation
 * in this CPU's scratch; each value then reads its stamp.  A glob of two
 * runs of stars reads, likewise, where its middle was first found.
 *
 * The prefilter picks the rules worth evaluating, but its scans cost
 * steps a byte: when scanning an event's keyed fields would cost more
 * than evaluating every rule of its type, the matcher does the latter.
 */
#include "ruleset.h"

/**
 * struct vr_run - one evaluation of an event against a rule set
 * @rs: the rule set
 * @ev: the event
 * @w: the budget
 * @desc: the schema of @ev's type, which is every evaluated rule's
 * @sc: this CPU's scratch of @rs (ruleset.h)
 * @gen: the evaluation's generation, in @sc[0], never 0
 */
struct vr_run {
	const struct vigil_ruleset *rs;
	const struct vigil_event *ev;
	struct vigil_work *w;
	const struct vigil_event_desc *desc;
	u32 *sc;
	u32 gen;
};

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

static bool vr_addr_op(const u8 *a, const u8 *v, u32 bits)
{
	u32 full, rest;
	u8 mask;

	bits = min(bits, 128U);
	full = bits / 8;
	rest = bits % 8;
	if (memcmp(a, v, full))
		return false;
	if (!rest)
		return true;
	mask = 0xff << (8 - rest);
	return !((a[full] ^ v[full]) & mask);
}

/*
 * Pattern @pat of automaton @sub, on field text @s of @n bytes: scan the
 * field with the automaton if this evaluation has not yet, charged first.
 * Return: where the pattern first ends in @s, U32_MAX if nowhere, 0 if
 * the budget cannot pay for the scan or the automaton is not there (a
 * rule set that did not compile this predicate: cannot happen).
 */
static u32 vr_sub_find(struct vr_run *run, u32 sub, u32 pat, const u8 *s,
		       u32 n)
{
	const struct vigil_ruleset *rs = run->rs;
	u32 *stamp = run->sc + rs->sc_pat;
	u16 *end = (u16 *)(run->sc + rs->sc_end);
	const struct vigil_sub *g;

	if (sub >= rs->nsubs || pat >= rs->npat)
		return 0;
	if (run->sc[1 + sub] != run->gen) {
		g = &rs->subs[sub];
		if (!vr_charge(run->w, vigil_sub_work(g, n)))
			return 0;
		vigil_sub_scan(g, rs->states, s, n, stamp, end, run->gen);
		run->sc[1 + sub] = run->gen;
	}
	return stamp[pat] == run->gen ? end[pat] : U32_MAX;
}

/*
 * Value @vi of a predicate with operator contains or glob on string field
 * @f, charged first; false (and the budget over) if the budget cannot pay
 * for it.
 */
static bool vr_str_op(struct vr_run *run, u8 op, bool nocase, u32 vi,
		      u32 f, const u8 *s, u32 n)
{
	const struct vigil_ruleset *rs = run->rs;
	const struct vigil_glob *g;
	u32 sub, end = U32_MAX;

	if (op == VIGIL_OP_CONTAINS) {
		if (!vr_charge(run->w, 1) || f >= VIGIL_MAX_FIELDS)
			return false;
		sub = rs->sub_of[vigil_sub_key(run->ev->type, f, nocase)];
		if (!sub)
			return false;
		end = vr_sub_find(run, sub - 1, rs->prep[vi], s, n);
		return end && end != U32_MAX;
	}
	if (op != VIGIL_OP_GLOB)
		return false;
	g = (const void *)(rs->pool + rs->prep[vi]);
	if (!vr_charge(run->w, vigil_glob_work(g, n)))
		return false;
	if (g->affix == VIGIL_GLOB_MID) {
		/* the ends first: if they do not match, no scan is needed */
		if (n < (u32)g->plen + g->mlen + g->slen ||
		    !vigil_glob_match(g, s, n, nocase, n - g->slen))
			return false;
		end = vr_sub_find(run, g->sub, g->pat, s, n);
		if (!end)
			return false;
	}
	return vigil_glob_match(g, s, n, nocase, end);
}

/*
 * The values of a predicate with operator eq, prefix or suffix on string
 * @s of @n bytes, from value @vi on, in a loop of their own: each charged
 * as vr_value_work() says before it is compared.  Return: as vr_pred().
 */
static bool vr_pred_affix(struct vr_run *run, u8 op, bool nocase, bool all,
			  u32 vi, u32 argc, const u8 *s, u32 n)
{
	const struct vigil_value_rec *v = &run->rs->values[vi];
	const u8 *strtab = run->rs->strtab, *p;
	u32 k, m;
	bool r;

	for (k = 0; k < argc; k++, v++) {
		m = le32_to_cpu(v->str.len);
		p = strtab + le32_to_cpu(v->str.off);
		if (!vr_charge(run->w, vr_value_work(op, m, n, 0)))
			return false;
		if (op == VIGIL_OP_EQ)
			r = vigil_str_eq(s, n, p, m, nocase);
		else if (op == VIGIL_OP_PREFIX)
			r = vigil_str_prefix(s, n, p, m, nocase);
		else
			r = vigil_str_suffix(s, n, p, m, nocase);
		if (r != all)
			return r;
	}
	return all;
}

/*
 * One predicate, read from the payload's node record: any value (or, with
 * VIGIL_PRED_ALL, every value).
 */
static bool vr_pred(struct vr_run *run, const struct vigil_node_rec *nd,
		    const struct vigil_event_desc *desc)
{
	const struct vigil_ruleset *rs = run->rs;
	const struct vigil_event *ev = run->ev;
	struct vigil_work *w = run->w;
	u32 f = le16_to_cpu(nd->field), vi = le32_to_cpu(nd->arg);
	u32 argc = le16_to_cpu(nd->argc), k;
	bool all = nd->flags & VIGIL_PRED_ALL;
	bool nocase = nd->flags & VIGIL_PRED_NOCASE, r;
	const struct vigil_value_rec *v;
	const union vigil_value *fv;
	const u8 *s = vr_empty;
	u32 n = 0;
	u8 ftype;

	if (f >= ev->nfields || f >= desc->nfields)
		return false;
	fv = &ev->v[f];
	ftype = desc->fields[f].type;
	if (ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH) {
		vr_field_str(ev, f, &s, &n);
		if (nd->op == VIGIL_OP_EQ || nd->op == VIGIL_OP_PREFIX ||
		    nd->op == VIGIL_OP_SUFFIX)
			return vr_pred_affix(run, nd->op, nocase, all, vi, argc,
					     s, n);
	}
	for (k = 0; k < argc; k++, vi++) {
		v = &rs->values[vi];
		switch (ftype) {
		case VIGIL_FT_U64:
			if (!vr_charge(w, 1))
				return false;
			r = vr_num_op(nd->op, fv->num, le64_to_cpu(v->num));
			break;
		case VIGIL_FT_ADDR:
			if (!vr_charge(w, 1))
				return false;
			r = vr_addr_op(fv->addr.a,
				       rs->strtab + le32_to_cpu(v->str.off),
				       nd->op == VIGIL_OP_CIDR ?
				       le64_to_cpu(v->num) : 128);
			break;
		default:
			r = vr_str_op(run, nd->op, nocase, vi, f, s, n);
			break;
		}
		if (w->over)
			return false;
		if (r != all)
			return r;
	}
	return all;
}

/*
 * Run a rule's postfix program, the payload's nodes, in place.  Operands
 * live in the bits of a u64; the compiler bounded the depth by
 * VIGIL_MAX_EXPR_DEPTH, and every pop is checked again here anyway.  The
 * rule and its nodes are charged first, each value as it is compared; a
 * rule the budget cannot finish is false, and @w says over.  The rule is
 * of the event's type: its lists are per type, and vigil_rule_eval()
 * checks.
 */
static bool vr_eval(struct vr_run *run, const struct vr_rule *rule, int flip)
{
	const struct vigil_node_rec *nd = run->rs->nodes + rule->node;
	struct vigil_work *w = run->w;
	const struct vigil_event_desc *desc = run->desc;
	u32 depth = 0, i, argc;
	u64 stack = 0, mask, bits;
	bool v;

	BUILD_BUG_ON(VIGIL_MAX_EXPR_DEPTH > 63);
	if (!vr_charge(w, vr_rule_work(rule->nnodes)))
		return false;
	/* most rules are one predicate: no stack */
	if (rule->nnodes == 1 && nd->kind == VIGIL_NODE_PRED) {
		v = vr_pred(run, nd, desc);
		return !w->over && v != (flip == 0);
	}
	for (i = 0; i < rule->nnodes; i++, nd++) {
		argc = le16_to_cpu(nd->argc);
		switch (nd->kind) {
		case VIGIL_NODE_PRED:
			v = vr_pred(run, nd, desc);
			if (w->over)
				return false;
			v ^= (int)i == flip;
			break;
		case VIGIL_NODE_NOT:
			if (!depth)
				return false;
			depth--;
			v = !((stack >> depth) & 1);
			break;
		case VIGIL_NODE_AND:
		case VIGIL_NODE_OR:
			if (argc > depth)
				return false;
			depth -= argc;
			mask = argc >= 64 ? ~0ULL : (1ULL << argc) - 1;
			bits = (stack >> depth) & mask;
			v = nd->kind == VIGIL_NODE_AND ? bits == mask : bits;
			break;
		default:
			return false;
		}
		if (depth >= 64)
			return false;
		stack = (stack & ~(1ULL << depth)) | ((u64)v << depth);
		depth++;
	}
	return depth == 1 && (stack & 1);
}

/*
 * Evaluate one rule and report it if it matches; non-zero: stop (the
 * callback said so, or the budget ran out).
 */
static int vr_try(struct vr_run *run, u32 r, vigil_match_fn fn, void *ctx,
		  int *count)
{
	const struct vr_rule *rule = &run->rs->rules[r];
	struct vigil_match m;

	if (!vr_eval(run, rule, -1))
		return run->w->over;
	(*count)++;
	if (!fn)
		return 0;
	m.rule_index = r;
	m.rule_id = rule->id;
	m.action = rule->action;
	m.severity = rule->severity;
	return fn(ctx, &m);
}

static int vr_run_all(struct vr_run *run, const struct vr_type *ty,
		      vigil_match_fn fn, void *ctx)
{
	const u32 *list = run->rs->order + ty->first;
	int count = 0;
	u32 i;

	for (i = 0; i < ty->n; i++) {
		if (vr_try(run, list[i], fn, ctx, &count))
			break;
	}
	return count;
}

/*
 * Evaluate the candidates and the rules without anchors in rule order:
 * sort the few candidates, then merge them with the sorted list.
 */
static int vr_run_cands(struct vr_run *run, const struct vr_type *ty,
			struct vigil_cands *c, vigil_match_fn fn, void *ctx)
{
	const u32 *always = run->rs->order + ty->afirst;
	u32 i, j, x, a = 0, r;
	int count = 0;

	for (i = 1; i < c->n; i++) {
		x = c->ids[i];
		for (j = i; j > 0 && c->ids[j - 1] > x; j--)
			c->ids[j] = c->ids[j - 1];
		c->ids[j] = x;
	}
	i = 0;
	while (i < c->n || a < ty->na) {
		if (a >= ty->na || (i < c->n && c->ids[i] < always[a]))
			r = c->ids[i++];
		else
			r = always[a++];
		if (vr_try(run, r, fn, ctx, &count))
			break;
	}
	return count;
}

/*
 * Start an evaluation: take this CPU's scratch (the caller stays on it
 * until vr_end()) and a new generation, a 32-bit count that skips 0.
 */
static void vr_begin(struct vr_run *run, const struct vigil_ruleset *rs,
		     const struct vigil_event *ev, struct vigil_work *w)
{
	run->rs = rs;
	run->ev = ev;
	run->w = w;
	run->desc = vigil_event_desc(ev->type);
	run->sc = rs->scratch + (size_t)vigil_cpu_get() * rs->swords;
	run->gen = ++run->sc[0];
	if (unlikely(!run->gen)) {
		/* once in 2^32 evaluations: no stamp may look current */
		memset(run->sc, 0, (size_t)rs->swords * sizeof(*run->sc));
		run->gen = run->sc[0] = 1;
	}
}

static void vr_end(struct vr_run *run)
{
	vigil_cpu_put();
}

/*
 * What the prefilter's scans of @ev's keyed fields cost at most (a probe
 * every window), or U64_MAX if that is more than @ty allows: then every
 * rule is evaluated instead.
 */
static u64 vr_scan_work(const struct vigil_ruleset *rs,
			const struct vr_type *ty, const struct vigil_event *ev)
{
	u64 scan = hweight32(ty->nummask) * (u64)rs->pf.probe_work;
	u32 f, n, mask;
	const u8 *s;

	for (mask = ty->strmask; mask; mask &= mask - 1) {
		f = __builtin_ctz(mask);
		if (vr_field_str(ev, f, &s, &n))
			scan += vigil_pf_scan_work(&rs->pf,
						   vigil_pf_fk(ev->type, f), n);
	}
	return scan <= ty->scan_max ? scan : U64_MAX;
}

/* vigil_match_work(), once the event is checked and charged. */
static int vr_match(struct vr_run *run, const struct vr_type *ty,
		    vigil_match_fn fn, void *ctx)
{
	const struct vigil_ruleset *rs = run->rs;
	const struct vigil_event *ev = run->ev;
	struct vigil_cands c;
	u32 f, n, mask;
	const u8 *s;
	u64 scan;

	if (ty->na == ty->n || ty->whole)
		return vr_run_all(run, ty, fn, ctx);
	scan = vr_scan_work(rs, ty, ev);
	if (scan == U64_MAX)
		return vr_run_all(run, ty, fn, ctx);
	if (!vr_charge(run->w, scan))
		return 0;
	vigil_cands_init(&c, run->sc + rs->sc_key, run->sc + rs->sc_rule,
			 run->gen);
	for (mask = ty->strmask; mask && !c.overflow; mask &= mask - 1) {
		f = __builtin_ctz(mask);
		if (vr_field_str(ev, f, &s, &n))
			vigil_pf_scan_str(&rs->pf, vigil_pf_fk(ev->type, f),
					  s, n, &c);
	}
	for (mask = ty->nummask; mask && !c.overflow; mask &= mask - 1) {
		f = __builtin_ctz(mask);
		if (f < ev->nfields)
			vigil_pf_scan_num(&rs->pf, vigil_pf_fk(ev->type, f),
					  ev->v[f].num, &c);
	}
	if (c.overflow)
		return vr_run_all(run, ty, fn, ctx);
	if (!c.n && !ty->na)
		return 0;	/* the common case: nothing to evaluate */
	return vr_run_cands(run, ty, &c, fn, ctx);
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
 * VIGIL_MATCH_MAX_HITS candidates turn up, every rule of the event type
 * is evaluated instead.  Never sleeps or allocates.
 *
 * Return: number of matching rules reported (the one whose callback said
 * stop included), or -EINVAL if @ev is not a well-formed event.
 */
int vigil_match(const struct vigil_ruleset *rs, const struct vigil_event *ev,
		vigil_match_fn fn, void *ctx)
{
	struct vigil_work w = { .left = VIGIL_MAX_EVENT_WORK };

	return vigil_match_work(rs, ev, fn, ctx, &w);
}

/**
 * vigil_match_work() - vigil_match() within a budget
 * @rs: compiled rule set
 * @ev: the event
 * @fn: called once per matching rule, in rule order; may be NULL
 * @ctx: passed to @fn
 * @work: the budget, spent as the matcher goes; when it runs out the
 *	matcher stops and sets @work->over
 *
 * Against one rule set, never more than vigil_ruleset_work() steps.
 *
 * Return: as vigil_match().
 */
int vigil_match_work(const struct vigil_ruleset *rs,
		     const struct vigil_event *ev, vigil_match_fn fn,
		     void *ctx, struct vigil_work *work)
{
	struct vr_run run;
	int ret;

	if (!rs || !vr_event_ok(ev))
		return -EINVAL;
	if (!rs->types[ev->type].n || !vr_charge(work, VIGIL_WORK_EVENT))
		return 0;
	vr_begin(&run, rs, ev, work);
	ret = vr_match(&run, &rs->types[ev->type], fn, ctx);
	vr_end(&run);
	return ret;
}

bool vigil_match_may(const struct vigil_ruleset *rs, u32 type, u32 field,
		     const u8 *s, u32 n)
{
	const struct vr_type *ty;
	struct vigil_cands c;

	if (!rs || !type || type > VIGIL_EV_MAX || field >= VIGIL_MAX_FIELDS)
		return true;
	ty = &rs->types[type];
	if (!ty->n)
		return false;
	if (ty->na || ty->nummask || ty->strmask != 1U << field)
		return true;
	n = min(n, VIGIL_MAX_FIELD_LEN);
	if (n > ty->may_len)
		return true;	/* evaluating the event costs less */
	vigil_cands_init(&c, NULL, NULL, 0);
	vigil_pf_scan_str(&rs->pf, vigil_pf_fk(type, field), s, n, &c);
	return c.n || c.overflow;
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
	struct vigil_work w = { .left = VIGIL_MAX_EVENT_WORK };
	const struct vr_rule *rule;
	struct vr_run run;
	int ret;

	if (!rs || rule_index >= rs->nrules || !vr_event_ok(ev))
		return -EINVAL;
	rule = &rs->rules[rule_index];
	if (flip_node != -1 &&
	    (flip_node < 0 || flip_node >= rule->nnodes ||
	     rs->nodes[rule->node + flip_node].kind != VIGIL_NODE_PRED))
		return -EINVAL;
	/* a rule is only ever evaluated for events of its type */
	if (ev->type != rule->type)
		return 0;
	vr_begin(&run, rs, ev, &w);
	ret = vr_eval(&run, rule, flip_node);
	vr_end(&run);
	return ret;
}
