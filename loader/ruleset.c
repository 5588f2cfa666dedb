// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling a validated payload into the in-memory rule set: see
 * ruleset.h for the form, match.c for its use.
 *
 * A quick pass over the nodes bounds the pool of prepared forms.  Then one
 * pass over the rules checks each rule's nodes and values (the matcher
 * interprets them in place, so nothing it will follow is left unchecked,
 * validated payload or not), builds the prepared forms of contains and
 * glob values into the pool and derives the rule's anchors; those that
 * survive the rule get their grams at once.  Last, the keys go into the
 * prefilter, and a
 * counting sort fills the per-type lists.  Building is all or nothing: on
 * any failure everything allocated so far is freed.
 */
#include "errmsg.h"
#include "ruleset.h"

/*
 * Anchor weights: lower is more selective.  A literal of L bytes weighs
 * 64 / L (L capped at 16); a u64 value weighs like a literal of a byte and
 * a half, since ids and flags repeat a lot.  0: no anchor.
 */
#define VR_WEIGHT_NUM	40U
#define VR_WEIGHT_MAXLEN 16U

/* The shared all-zero KMP failure table at the start of the pool. */
#define VR_ZERO_TABLE	VIGIL_MAX_PATTERN_LEN

struct vr_src {
	const struct vigil_rule_rec *rules;
	const struct vigil_node_rec *nodes;
	const struct vigil_value_rec *values;
	const u8 *strtab;
	u32 nrules;
	u32 nnodes;
	u32 nvalues;
	u32 strtab_size;
};

/* An anchor set on the compile-time expression stack. */
struct vr_aset {
	u32 start;	/* its anchors: [start, next set's start) */
	u32 weight;
	bool ok;	/* false: not anchorable */
};

/*
 * The anchor of one value of the predicate being compiled: a literal of
 * the string table whose gram is picked only if the anchor survives (@v
 * its offset, @len its length), or a key made at once (@v, @len 0, @wide
 * VIGIL_PF_WIDE for a wide gram); its weight, 0 for none.
 */
struct vr_lit {
	u32 v;
	u16 len;
	u16 weight;
	u16 wide;
};

/*
 * One anchor of the rule being compiled: a vr_lit and its tag.  Those
 * that survive the rule become prefilter entries (vr_key()).
 */
struct vr_anchor {
	u32 v;
	u16 len;
	u16 fk;
	u16 rule;
	u16 reserved;
};

struct vr_build {
	struct vigil_ruleset *rs;
	struct vr_src src;
	struct vigil_error *err;
	const struct vigil_event_desc *desc[VIGIL_EV_MAX + 1];
	u32 next_value;
	size_t pool_size;	/* bound from vr_pool_bound() or validation */
	bool pool_sized;	/* pool_size came from validation */
	size_t pool_used;
	struct vr_anchor *anchors;	/* the current rule's */
	u32 nanchors;
	struct vigil_pf_ent *ents;	/* every rule's, keyed */
	u32 nents;
	struct vr_aset aset[VIGIL_MAX_EXPR_DEPTH + 1];
	struct vr_lit lit[VIGIL_MAX_PRED_VALUES];
	u8 unesc[VIGIL_MAX_PATTERN_LEN];
};

/* 64 / L for a literal of L bytes; 0 below a gram */
static const u8 vr_weight[] = {
	0, 0, 0, 0, 16, 12, 10, 9, 8, 7, 6, 5, 5, 4, 4, 4, 4,
};

static size_t vr_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static bool vr_is_str(u8 ftype)
{
	return ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH;
}

static void *vr_alloc(struct vigil_ruleset *rs, size_t size)
{
	void *p = vigil_compile_alloc(size ? size : 1);

	if (p)
		rs->mem += size;
	return p;
}

static int vr_bad(struct vr_build *b, int code, u32 r, u32 node,
		  const char *what)
{
	u32 id = le32_to_cpu(b->src.rules[r].id);

	return vigil_errf(b->err, code, 0, true,
			  "rule %u (id %u) node %u: %s", r, id, node, what);
}

/*
 * Room for the prepared forms: every value of every contains or glob
 * predicate in the payload, at its largest.  Rules use each node's values
 * at most once (vr_pred() makes them follow in node order), so their
 * prepared forms fit.
 */
static void vr_pool_bound(struct vr_build *b)
{
	const struct vr_src *src = &b->src;
	u32 i, k, arg, argc, len;

	for (i = 0; i < src->nnodes; i++) {
		const struct vigil_node_rec *nd = &src->nodes[i];

		if (nd->kind != VIGIL_NODE_PRED ||
		    (nd->op != VIGIL_OP_CONTAINS && nd->op != VIGIL_OP_GLOB))
			continue;
		arg = le32_to_cpu(nd->arg);
		argc = le16_to_cpu(nd->argc);
		if (arg > src->nvalues || argc > src->nvalues - arg)
			continue;
		for (k = arg; k < arg + argc; k++) {
			len = min(le32_to_cpu(src->values[k].str.len),
				  VIGIL_MAX_PATTERN_LEN);
			b->pool_size += nd->op == VIGIL_OP_GLOB ?
					vigil_glob_bound(len) :
						vr_align8(len);
		}
	}
}

/*
 * Whether some prefix of a contains pattern has a border, i.e. its KMP
 * table is not all zeros: exactly when its first byte occurs again.
 */
static bool vr_has_border(const u8 *p, u32 len, bool nocase)
{
	u8 c = p[0];

	if (len < 2)
		return false;
	if (!nocase || (u8)((c | 0x20) - 'a') >= 26)
		return memchr(p + 1, c, len - 1);
	return memchr(p + 1, c | 0x20, len - 1) ||
	       memchr(p + 1, c & ~0x20, len - 1);
}

/*
 * Check one value of a predicate on a field of type @ftype with operator
 * @op; build its prepared form; find its anchor.  Return: 0 or a
 * VIGIL_E_* class.
 */
static int vr_value(struct vr_build *b, u32 vi, u8 ftype, u8 op,
		    bool nocase, struct vr_lit *lit)
{
	const struct vigil_value_rec *rec = &b->src.values[vi];
	u32 off = le32_to_cpu(rec->str.off), len = le32_to_cpu(rec->str.len);
	const struct vr_src *src = &b->src;
	struct vigil_glob_info gi;
	const u8 *p;
	bool wide;
	u8 *dst;

	lit->weight = 0;
	lit->wide = 0;
	if (ftype == VIGIL_FT_U64) {
		if (op == VIGIL_OP_EQ) {
			lit->v = vigil_pf_numkey(le64_to_cpu(rec->num));
			lit->len = 0;
			lit->weight = VR_WEIGHT_NUM;
		}
		return 0;
	}
	if (off > src->strtab_size || len > src->strtab_size - off)
		return VIGIL_E_STRREF;
	p = src->strtab + off;
	if (ftype == VIGIL_FT_ADDR)
		return len != 16 || le64_to_cpu(rec->num) > 128 ?
		       VIGIL_E_VALUE : 0;
	if (!len || len > VIGIL_MAX_PATTERN_LEN)
		return VIGIL_E_VALUE;
	dst = b->rs->pool + b->pool_used;
	if (op == VIGIL_OP_CONTAINS) {
		if (b->pool_size - b->pool_used < len)
			return VIGIL_E_VALUE;	/* cannot happen */
		/* a table of zeros is shared: the pool's first bytes */
		b->rs->prep[vi] = 0;
		if (vr_has_border(p, len, nocase) &&
		    vigil_kmp_build(p, len, nocase, dst)) {
			b->rs->prep[vi] = b->pool_used;
			b->pool_used += vr_align8(len);
		}
	} else if (op == VIGIL_OP_GLOB) {
		vigil_glob_scan(p, len, nocase, &gi);
		if (b->pool_size - b->pool_used < gi.size)
			return VIGIL_E_VALUE;	/* cannot happen */
		b->rs->prep[vi] = b->pool_used;
		b->pool_used += gi.size;
		memset(dst, 0, gi.size);
		vigil_glob_build(p, len, nocase, &gi, (void *)dst);
		len = gi.lit_len;
		if (len < VIGIL_GRAM_LEN)
			return 0;
		if (gi.lit_end - gi.lit_start != len) {
			/* escapes in the run: key an unescaped copy now */
			vigil_glob_unescape(p, gi.lit_start, gi.lit_end,
					    b->unesc);
			lit->v = vigil_pf_gram(b->unesc, len, &wide);
			lit->len = 0;
			lit->weight = vr_weight[min(len, VR_WEIGHT_MAXLEN)];
			lit->wide = wide ? VIGIL_PF_WIDE : 0;
			return 0;
		}
		p += gi.lit_start;
	}
	if (len < VIGIL_GRAM_LEN)
		return 0;
	lit->v = p - src->strtab;
	lit->len = len;
	lit->weight = vr_weight[min(len, VR_WEIGHT_MAXLEN)];
	return 0;
}

static void vr_push_anchor(struct vr_build *b, u32 rule, u16 fk, u32 k)
{
	struct vr_anchor *a = &b->anchors[b->nanchors++];
	const struct vr_lit *lit = &b->lit[k];

	a->v = lit->v;
	a->len = lit->len;
	a->fk = fk | lit->wide;
	a->rule = rule;
}

/* Key an anchor that survived its rule: a prefilter entry. */
static void vr_key(struct vr_build *b, const struct vr_anchor *a)
{
	struct vigil_pf_ent *e = &b->ents[b->nents++];
	bool wide;

	e->key = a->v;
	e->fk = a->fk;
	e->rule = a->rule;
	if (a->len) {
		e->key = vigil_pf_gram(b->src.strtab + a->v, a->len, &wide);
		if (wide)
			e->fk |= VIGIL_PF_WIDE;
	}
}

/* The anchor set of one predicate (its keys are in b->lit). */
static void vr_anchor_pred(struct vr_build *b, u32 rule, u16 fk, u32 argc,
			   bool all, struct vr_aset *set)
{
	u32 k, w, best = 0, bestw = 0;

	BUILD_BUG_ON(ARRAY_SIZE(vr_weight) != VR_WEIGHT_MAXLEN + 1);
	set->start = b->nanchors;
	set->weight = 0;
	set->ok = false;
	for (k = 0; k < argc; k++) {
		w = b->lit[k].weight;
		if (all) {
			/* one value that must match is enough */
			if (w && (!bestw || w < bestw)) {
				best = k;
				bestw = w;
			}
			continue;
		}
		if (!w) {
			/* one value without a key: no anchor */
			b->nanchors = set->start;
			return;
		}
		vr_push_anchor(b, rule, fk, k);
		set->weight += w;
	}
	if (all) {
		if (!bestw)
			return;
		vr_push_anchor(b, rule, fk, best);
		set->weight = bestw;
	}
	set->ok = true;
}

/* Combine the anchor sets of an operator's operands (top of stack). */
static void vr_anchor_op(struct vr_build *b, u8 kind, struct vr_aset *sets,
			 u32 argc)
{
	struct vr_aset res = { .start = sets[0].start };
	u32 k, best = argc, end, n;

	if (kind == VIGIL_NODE_AND) {
		for (k = 0; k < argc; k++) {
			if (sets[k].ok && (best == argc ||
					   sets[k].weight < sets[best].weight))
				best = k;
		}
		if (best < argc) {
			end = best + 1 < argc ? sets[best + 1].start :
						b->nanchors;
			n = end - sets[best].start;
			memmove(&b->anchors[res.start],
				&b->anchors[sets[best].start],
				n * sizeof(*b->anchors));
			b->nanchors = res.start + n;
			res.weight = sets[best].weight;
			res.ok = true;
		}
	} else if (kind == VIGIL_NODE_OR) {
		res.ok = true;
		for (k = 0; k < argc; k++) {
			res.ok = res.ok && sets[k].ok;
			res.weight += sets[k].weight;
		}
	}
	if (!res.ok)
		b->nanchors = res.start;
	sets[0] = res;
}

/* Check one predicate node and its values; derive its anchor set. */
static int vr_pred(struct vr_build *b, u32 r, u32 i, u16 type,
		   const struct vigil_node_rec *nd, struct vr_aset *set)
{
	const struct vigil_event_desc *desc = b->desc[type];
	u32 field = le16_to_cpu(nd->field), arg = le32_to_cpu(nd->arg);
	u32 argc = le16_to_cpu(nd->argc), k;
	u8 ftype;
	int ret;

	if (field >= desc->nfields)
		return vr_bad(b, VIGIL_E_FIELD, r, i, "field out of range");
	/*
	 * Whether the operator suits the field type is the validator's
	 * business: a mismatch cannot make anything here or in the matcher
	 * read out of bounds (values are checked by field type, matched by
	 * type and operator, and an unknown pair is false).
	 */
	ftype = desc->fields[field].type;
	if (nd->flags & ~VIGIL_PRED_FLAGS_KNOWN)
		return vr_bad(b, VIGIL_E_EXPR, r, i, "unknown flags");
	/* values in node order, each in one predicate (prep is per value) */
	if (!argc || argc > VIGIL_MAX_PRED_VALUES || arg != b->next_value ||
	    argc > b->src.nvalues - arg)
		return vr_bad(b, VIGIL_E_VALUE, r, i, "value range");
	b->next_value += argc;
	for (k = 0; k < argc; k++) {
		ret = vr_value(b, arg + k, ftype, nd->op,
			       nd->flags & VIGIL_PRED_NOCASE, &b->lit[k]);
		if (ret)
			return vr_bad(b, ret, r, i, "bad value");
	}
	if (!vr_is_str(ftype) &&
	    (ftype != VIGIL_FT_U64 || nd->op != VIGIL_OP_EQ)) {
		set->start = b->nanchors;
		set->ok = false;
		return 0;
	}
	vr_anchor_pred(b, r, vigil_pf_fk(type, field), argc,
		       nd->flags & VIGIL_PRED_ALL, set);
	return 0;
}

/* Check one rule's record and program; derive its anchors. */
static int vr_rule(struct vr_build *b, u32 r)
{
	const struct vigil_rule_rec *rec = &b->src.rules[r];
	struct vr_rule *rule = &b->rs->rules[r];
	u32 first = le32_to_cpu(rec->expr_first), cnt, depth = 0, i, argc;
	u16 type = le16_to_cpu(rec->event_type);
	int ret;

	if (type > VIGIL_EV_MAX || !b->desc[type])
		return vr_bad(b, VIGIL_E_EVENT_TYPE, r, 0, "event type");
	cnt = le32_to_cpu(rec->expr_count);
	if (!cnt || cnt > VIGIL_MAX_RULE_NODES || first > b->src.nnodes ||
	    cnt > b->src.nnodes - first)
		return vr_bad(b, VIGIL_E_EXPR, r, 0, "node range");
	rule->id = le32_to_cpu(rec->id);
	rule->action = rec->action;
	rule->severity = rec->severity;
	rule->type = type;
	rule->node = first;
	rule->nnodes = cnt;
	b->nanchors = 0;
	for (i = 0; i < cnt; i++) {
		const struct vigil_node_rec *nd = &b->src.nodes[first + i];

		argc = le16_to_cpu(nd->argc);
		switch (nd->kind) {
		case VIGIL_NODE_PRED:
			ret = vr_pred(b, r, i, type, nd, &b->aset[depth]);
			if (ret)
				return ret;
			depth++;
			break;
		case VIGIL_NODE_AND:
		case VIGIL_NODE_OR:
		case VIGIL_NODE_NOT:
			if (argc > depth || (nd->kind == VIGIL_NODE_NOT ?
					     argc != 1 : argc < 2))
				return vr_bad(b, VIGIL_E_EXPR, r, i,
					      "operand count");
			depth -= argc;
			vr_anchor_op(b, nd->kind, &b->aset[depth], argc);
			depth++;
			break;
		default:
			return vr_bad(b, VIGIL_E_EXPR, r, i, "node kind");
		}
		if (depth > VIGIL_MAX_EXPR_DEPTH)
			return vr_bad(b, VIGIL_E_DEPTH, r, i, "too deep");
	}
	if (depth != 1)
		return vr_bad(b, VIGIL_E_EXPR, r, cnt - 1,
			      "does not leave one value");
	if (!b->aset[0].ok)
		return 0;
	rule->anchored = 1;
	/* the anchors that survive get their grams while this rule is hot */
	for (i = 0; i < b->nanchors; i++)
		vr_key(b, &b->anchors[i]);
	return 0;
}

/*
 * Per event type, its rules and its rules without anchors: a counting
 * sort of the rules by type, stable, into two halves of one array.
 */
static void vr_lists(struct vigil_ruleset *rs)
{
	u32 pos[VIGIL_EV_MAX + 1], apos[VIGIL_EV_MAX + 1];
	u32 r, t, off = 0, aoff = rs->nrules;

	for (r = 0; r < rs->nrules; r++) {
		rs->types[rs->rules[r].type].n++;
		if (!rs->rules[r].anchored)
			rs->types[rs->rules[r].type].na++;
	}
	for (t = 0; t <= VIGIL_EV_MAX; t++) {
		rs->types[t].first = pos[t] = off;
		rs->types[t].afirst = apos[t] = aoff;
		off += rs->types[t].n;
		aoff += rs->types[t].na;
	}
	for (r = 0; r < rs->nrules; r++) {
		t = rs->rules[r].type;
		rs->order[pos[t]++] = r;
		if (!rs->rules[r].anchored)
			rs->order[apos[t]++] = r;
	}
}

/* The prefilter, and per type the fields that have keys. */
static int vr_index(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	u32 i, t, f;
	int ret;

	for (i = 0; i < b->nents; i++) {
		t = (b->ents[i].fk & ~VIGIL_PF_WIDE) / VIGIL_MAX_FIELDS;
		f = b->ents[i].fk % VIGIL_MAX_FIELDS;
		if (vr_is_str(b->desc[t]->fields[f].type))
			rs->types[t].strmask |= 1U << f;
		else
			rs->types[t].nummask |= 1U << f;
	}
	ret = vigil_pf_build(&rs->pf, b->ents, b->nents);
	if (ret)
		return ret;
	rs->mem += rs->pf.size;
	return 0;
}

static int vr_parse(struct vr_build *b, const u8 *p, size_t len)
{
	const struct vigil_payload_header *h = (const void *)p;
	struct vr_src *src = &b->src;
	u64 need;

	if (!p || len < sizeof(*h) ||
	    le32_to_cpu(h->magic) != VIGIL_PAYLOAD_MAGIC)
		return vigil_errf(b->err, VIGIL_E_PAYLOAD, 0, true,
				  "payload header");
	src->nrules = le32_to_cpu(h->nrules);
	src->nnodes = le32_to_cpu(h->nnodes);
	src->nvalues = le32_to_cpu(h->nvalues);
	src->strtab_size = le32_to_cpu(h->strtab_size);
	if (src->nrules > VIGIL_MAX_RULES || src->nnodes > VIGIL_MAX_NODES ||
	    src->nvalues > VIGIL_MAX_VALUES ||
	    src->strtab_size > VIGIL_MAX_STRTAB_SIZE)
		return vigil_errf(b->err, VIGIL_E_COUNT_CAP, 0, true,
				  "payload counts over their caps");
	need = sizeof(*h) + (u64)src->nrules * sizeof(*src->rules) +
	       (u64)src->nnodes * sizeof(*src->nodes) +
	       (u64)src->nvalues * sizeof(*src->values) + src->strtab_size;
	if (need != len)
		return vigil_errf(b->err, VIGIL_E_PAYLOAD, 0, true,
				  "payload size %llu, sections need %llu",
				  (unsigned long long)len,
				  (unsigned long long)need);
	src->rules = (const void *)(h + 1);
	src->nodes = (const void *)(src->rules + src->nrules);
	src->values = (const void *)(src->nodes + src->nnodes);
	src->strtab = (const u8 *)(src->values + src->nvalues);
	return 0;
}

/*
 * The rule set and the arrays whose sizes the header gives: per rule, the
 * per-type lists (two entries a rule), the prepared forms' offsets (one a
 * value); and, while compiling, a rule's anchors and everyone's keys (at
 * most one each a value).
 */
static int vr_alloc_all(struct vr_build *b)
{
	const struct vr_src *src = &b->src;
	struct vigil_ruleset *rs;
	u8 *core;

	rs = vigil_compile_alloc(sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	b->rs = rs;
	rs->mem = sizeof(*rs);
	rs->nrules = src->nrules;
	rs->nodes = src->nodes;
	rs->values = src->values;
	rs->strtab = src->strtab;
	core = vr_alloc(rs, (size_t)src->nrules * (sizeof(struct vr_rule) +
						   2 * sizeof(u32)) +
			    (size_t)src->nvalues * sizeof(u32));
	if (!core)
		return -ENOMEM;
	rs->core = core;
	rs->rules = (struct vr_rule *)core;
	rs->order = (u32 *)(rs->rules + src->nrules);
	rs->prep = rs->order + 2 * (size_t)src->nrules;
	/* a rule's anchors, at most one a value; then the keyed ones */
	b->anchors = vigil_compile_alloc_uninit((size_t)(src->nvalues ?: 1) *
						sizeof(*b->anchors));
	if (!b->anchors)
		return -ENOMEM;
	b->ents = vigil_compile_alloc_uninit((size_t)(src->nvalues ?: 1) *
					     sizeof(*b->ents));
	if (!b->ents)
		return -ENOMEM;
	if (!b->pool_sized)
		vr_pool_bound(b);
	/*
	 * Not zeroed: each prepared form is written (globs zeroed) in full,
	 * after the all-zero KMP table that contains values without borders
	 * share.
	 */
	b->pool_size += VR_ZERO_TABLE;
	rs->pool = vigil_compile_alloc_uninit(b->pool_size);
	if (!rs->pool)
		return -ENOMEM;
	rs->mem += b->pool_size;
	memset(rs->pool, 0, VR_ZERO_TABLE);
	b->pool_used = VR_ZERO_TABLE;
	return 0;
}

/**
 * vigil_ruleset_compile() - build the in-memory rule set from a payload
 * @p: payload that passed vigil_payload_validate(); must outlive the set
 * @len: payload length
 * @out: the rule set (vigil_ruleset_free()); NULL on failure
 * @err: why it failed; may be NULL
 *
 * Checks again every index, length and kind the matcher will follow, so
 * neither can read out of bounds even on a payload that did not pass
 * validation (it then fails with the class of the first problem).  All
 * or nothing: on failure nothing stays allocated.  May sleep.
 *
 * Return: VIGIL_E_OK, VIGIL_E_NOMEM, or a structural error class.
 */
int vigil_ruleset_compile(const u8 *p, size_t len, struct vigil_ruleset **out,
			  struct vigil_error *err)
{
	return vigil_ruleset_build(p, len, NULL, out, err);
}

/**
 * vigil_ruleset_build() - vigil_ruleset_compile(), sized by validation
 * @p: payload that passed vigil_payload_check()
 * @len: payload length
 * @info: what vigil_payload_check() found in @p, or NULL to find it here
 * @out: the rule set (vigil_ruleset_free()); NULL on failure
 * @err: why it failed; may be NULL
 *
 * The same checks and result as vigil_ruleset_compile(); a wrong @info
 * can make it fail, never read or write out of bounds.
 *
 * Return: VIGIL_E_OK, VIGIL_E_NOMEM, or a structural error class.
 */
int vigil_ruleset_build(const u8 *p, size_t len,
			const struct vigil_payload_info *info,
			struct vigil_ruleset **out, struct vigil_error *err)
{
	struct vigil_error dummy;
	struct vr_build *b;
	u32 r;
	int ret;

	*out = NULL;
	if (!err)
		err = &dummy;
	b = vigil_compile_alloc(sizeof(*b));
	if (!b)
		return vigil_errf(err, VIGIL_E_NOMEM, 0, true,
				  "no memory for the rule set");
	b->err = err;		/* the rest is zeroed */
	if (info) {
		b->pool_size = info->pool_size;
		b->pool_sized = true;
	}
	for (r = 1; r <= VIGIL_EV_MAX; r++)
		b->desc[r] = vigil_event_desc(r);
	ret = vr_parse(b, p, len);
	if (!ret)
		ret = vr_alloc_all(b);
	for (r = 0; !ret && r < b->src.nrules; r++)
		ret = vr_rule(b, r);
	if (!ret)
		ret = vr_index(b);
	if (!ret)
		vr_lists(b->rs);
	if (ret < 0)
		ret = vigil_errf(err, ret == -ENOMEM ? VIGIL_E_NOMEM :
				 VIGIL_E_VALUE, 0, true,
				 ret == -ENOMEM ? "no memory for the rule set" :
				 "prefilter pattern out of range");
	if (ret)
		vigil_ruleset_free(b->rs);
	else
		*out = b->rs;
	vigil_free(b->anchors);
	vigil_free(b->ents);
	vigil_free(b);
	return ret;
}

/**
 * vigil_ruleset_free() - release a rule set
 * @rs: the rule set, or NULL
 */
void vigil_ruleset_free(struct vigil_ruleset *rs)
{
	if (!rs)
		return;
	vigil_pf_free(&rs->pf);
	vigil_free(rs->pool);
	vigil_free(rs->core);
	vigil_free(rs);
}

/**
 * vigil_ruleset_mem() - bytes a rule set holds beyond its payload
 * @rs: the rule set, or NULL
 *
 * Return: the sum of its allocations.
 */
size_t vigil_ruleset_mem(const struct vigil_ruleset *rs)
{
	return rs ? rs->mem : 0;
}
