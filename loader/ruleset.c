// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling a validated payload into the in-memory rule set: see
 * ruleset.h for the form, match.c for its use.
 *
 * The payload has passed vigil_payload_validate(), but this file still
 * checks every index and length it uses (a cheap second look), so no
 * payload can make it read out of bounds.  Building is all or nothing:
 * on any failure everything allocated so far is freed.
 */
#include "errmsg.h"
#include "ruleset.h"

/* Prefilter anchor kinds. */
#define VR_ANCHOR_STR	0
#define VR_ANCHOR_NUM	1
#define VR_NKEYS	((VIGIL_EV_MAX + 1) * VIGIL_MAX_FIELDS * 2)

/*
 * Anchor weights: lower is more selective.  A literal of L bytes weighs
 * 64 / L (L capped at VIGIL_ANCHOR_MAX); a u64 value weighs like a literal
 * of a byte and a half, since ids and flags repeat a lot.
 */
#define VR_WEIGHT_NUM	40U

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

/**
 * struct vr_anchor - one anchor of one rule, while compiling
 * @rule: rule index
 * @val: the value (index in vigil_ruleset.vals) that gives it
 * @out: output id, once the indexes are built
 * @field: field index
 * @kind: VR_ANCHOR_*
 * @type: event type of the rule
 * @op: operator of the predicate
 */
struct vr_anchor {
	u32 rule;
	u32 val;
	u32 out;
	u16 field;
	u8 kind;
	u8 type;
	u8 op;
};

/* An anchor set on the compile-time expression stack. */
struct vr_aset {
	u32 start;	/* its anchors: [start, next set's start) */
	u32 weight;
	bool ok;	/* false: not anchorable */
};

struct vr_build {
	struct vigil_ruleset *rs;
	struct vr_src src;
	struct vigil_error *err;
	size_t pool_size;
	size_t pool_used;
	u32 nvals;
	u32 ninsns;
	struct vr_anchor *anchors;
	u32 nanchors;
	u8 pstack[VIGIL_MAX_RULE_NODES];
	struct vr_aset aset[VIGIL_MAX_RULE_NODES];
	u8 lit[VIGIL_MAX_PATTERN_LEN];
	u32 cnt[VR_NKEYS + 1];
};

static size_t vr_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static bool vr_is_str(u8 ftype)
{
	return ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH;
}

/* Does operator @op apply to a field of type @ftype? */
static bool vr_op_ok(u8 op, u8 ftype)
{
	switch (op) {
	case VIGIL_OP_EQ:
		return ftype >= VIGIL_FT_U64 && ftype <= VIGIL_FT_ADDR;
	case VIGIL_OP_PREFIX:
	case VIGIL_OP_SUFFIX:
	case VIGIL_OP_CONTAINS:
	case VIGIL_OP_GLOB:
		return vr_is_str(ftype);
	case VIGIL_OP_LT:
	case VIGIL_OP_LE:
	case VIGIL_OP_GT:
	case VIGIL_OP_GE:
	case VIGIL_OP_MASK_ALL:
	case VIGIL_OP_MASK_ANY:
		return ftype == VIGIL_FT_U64;
	case VIGIL_OP_CIDR:
		return ftype == VIGIL_FT_ADDR;
	}
	return false;
}

/* Bytes of pool a value needs, or -1 if the value is unusable. */
static long vr_value_pool(const struct vr_src *src, u8 op, u8 flags,
			  u8 ftype, const struct vigil_value_rec *v)
{
	u32 off = le32_to_cpu(v->str.off), len = le32_to_cpu(v->str.len);
	size_t n = 0;

	if (ftype == VIGIL_FT_U64)
		return 0;
	if (off > src->strtab_size || len > src->strtab_size - off)
		return -1;
	if (ftype == VIGIL_FT_ADDR)
		return len == 16 && le64_to_cpu(v->num) <= 128 ? 0 : -1;
	if (!len || len > VIGIL_MAX_PATTERN_LEN)
		return -1;
	if (op == VIGIL_OP_GLOB)
		return vigil_glob_size(src->strtab + off, len);
	if (flags & VIGIL_PRED_NOCASE)
		n += vr_align8(len);
	if (op == VIGIL_OP_CONTAINS)
		n += vr_align8(len);
	return n;
}

static int vr_bad(struct vr_build *b, int code, u32 r, u32 node,
		  const char *what)
{
	u32 id = le32_to_cpu(b->src.rules[r].id);

	return vigil_errf(b->err, code, 0, true,
			  "rule %u (id %u) node %u: %s", r, id, node, what);
}

/* Check one predicate node and count what it needs. */
static int vr_check_pred(struct vr_build *b, u32 r, u32 i,
			 const struct vigil_event_desc *desc,
			 const struct vigil_node_rec *nd)
{
	const struct vr_src *src = &b->src;
	u32 field = le16_to_cpu(nd->field), argc = le16_to_cpu(nd->argc);
	u32 arg = le32_to_cpu(nd->arg), k;
	u8 ftype;
	long sz;

	if (field >= desc->nfields)
		return vr_bad(b, VIGIL_E_FIELD, r, i, "field out of range");
	ftype = desc->fields[field].type;
	if (!vr_op_ok(nd->op, ftype))
		return vr_bad(b, VIGIL_E_TYPE, r, i, "operator/type");
	if (nd->flags & ~VIGIL_PRED_FLAGS_KNOWN)
		return vr_bad(b, VIGIL_E_EXPR, r, i, "unknown flags");
	if (!argc || argc > VIGIL_MAX_PRED_VALUES || arg > src->nvalues ||
	    argc > src->nvalues - arg)
		return vr_bad(b, VIGIL_E_VALUE, r, i, "value range");
	for (k = 0; k < argc; k++) {
		sz = vr_value_pool(src, nd->op, nd->flags, ftype,
				   &src->values[arg + k]);
		if (sz < 0)
			return vr_bad(b, VIGIL_E_VALUE, r, i, "bad value");
		b->pool_size += sz;
	}
	b->nvals += argc;
	if (b->nvals > VIGIL_MAX_VALUES * 2)
		return vr_bad(b, VIGIL_E_COUNT_CAP, r, i, "too many values");
	return 0;
}

/* First pass: check the structure and size the arrays. */
static int vr_check(struct vr_build *b)
{
	const struct vr_src *src = &b->src;
	const struct vigil_event_desc *desc;
	u32 r, i, first, cnt, depth, argc;
	int ret;

	for (r = 0; r < src->nrules; r++) {
		const struct vigil_rule_rec *rec = &src->rules[r];

		desc = vigil_event_desc(le16_to_cpu(rec->event_type));
		if (!desc)
			return vr_bad(b, VIGIL_E_EVENT_TYPE, r, 0, "event type");
		first = le32_to_cpu(rec->expr_first);
		cnt = le32_to_cpu(rec->expr_count);
		if (!cnt || cnt > VIGIL_MAX_RULE_NODES || first > src->nnodes ||
		    cnt > src->nnodes - first)
			return vr_bad(b, VIGIL_E_EXPR, r, 0, "node range");
		depth = 0;
		for (i = 0; i < cnt; i++) {
			const struct vigil_node_rec *nd = &src->nodes[first + i];

			argc = le16_to_cpu(nd->argc);
			switch (nd->kind) {
			case VIGIL_NODE_PRED:
				ret = vr_check_pred(b, r, i, desc, nd);
				if (ret)
					return ret;
				depth++;
				break;
			case VIGIL_NODE_AND:
			case VIGIL_NODE_OR:
				if (argc < 2 || argc > depth)
					return vr_bad(b, VIGIL_E_EXPR, r, i,
						      "operand count");
				depth -= argc - 1;
				break;
			case VIGIL_NODE_NOT:
				if (argc != 1 || !depth)
					return vr_bad(b, VIGIL_E_EXPR, r, i,
						      "operand count");
				break;
			default:
				return vr_bad(b, VIGIL_E_EXPR, r, i,
					      "node kind");
			}
			if (depth > VIGIL_MAX_EXPR_DEPTH)
				return vr_bad(b, VIGIL_E_DEPTH, r, i,
					      "too deep");
		}
		if (depth != 1)
			return vr_bad(b, VIGIL_E_EXPR, r, cnt - 1,
				      "does not leave one value");
		b->ninsns += cnt;
	}
	return 0;
}

/* Prepare one value for its operator; advances the pool. */
static void vr_prep_value(struct vr_build *b, const struct vr_insn *in,
			  const struct vigil_value_rec *rec, struct vr_val *v)
{
	u8 *pool = b->rs->pool;
	bool nocase = in->flags & VIGIL_PRED_NOCASE;
	long sz = vr_value_pool(&b->src, in->op, in->flags, in->ftype, rec);

	v->num = le64_to_cpu(rec->num);
	if (in->ftype == VIGIL_FT_U64)
		return;
	v->s = b->src.strtab + le32_to_cpu(rec->str.off);
	v->len = le32_to_cpu(rec->str.len);
	if (in->ftype == VIGIL_FT_ADDR)
		return;
	if (in->op == VIGIL_OP_GLOB) {
		v->aux = b->pool_used;
		vigil_glob_build(v->s, v->len, nocase,
				 (struct vigil_glob *)(pool + b->pool_used));
		b->pool_used += sz;
		return;
	}
	if (nocase) {
		vigil_fold_copy(pool + b->pool_used, v->s, v->len);
		v->s = pool + b->pool_used;
		b->pool_used += vr_align8(v->len);
	}
	if (in->op == VIGIL_OP_CONTAINS) {
		v->aux = b->pool_used;
		vigil_kmp_build(v->s, v->len, pool + b->pool_used);
		b->pool_used += vr_align8(v->len);
	}
}

/* The literal a value anchors, for its weight and the automaton. */
static u32 vr_literal(struct vr_build *b, u8 op, const struct vr_val *v,
		      const u8 **lit)
{
	u32 len;

	if (op == VIGIL_OP_GLOB) {
		len = vigil_glob_literal(v->s, v->len, b->lit);
		*lit = b->lit;
	} else {
		len = v->len;
		*lit = v->s;
	}
	if (len > VIGIL_ANCHOR_MAX) {
		*lit += len - VIGIL_ANCHOR_MAX;
		len = VIGIL_ANCHOR_MAX;
	}
	return len;
}

static void vr_push_anchor(struct vr_build *b, u32 rule,
			   const struct vr_insn *in, u32 val, u8 kind)
{
	struct vr_anchor *a = &b->anchors[b->nanchors++];

	a->rule = rule;
	a->val = val;
	a->out = 0;
	a->field = in->field;
	a->kind = kind;
	a->type = b->rs->rules[rule].type;
	a->op = in->op;
}

/* The anchor set of one predicate. */
static void vr_anchor_pred(struct vr_build *b, u32 rule,
			   const struct vr_insn *in, struct vr_aset *set)
{
	bool all = in->flags & VIGIL_PRED_ALL;
	u32 k, w, best = 0, bestw = 0;
	const u8 *lit;
	u8 kind;

	set->start = b->nanchors;
	set->weight = 0;
	set->ok = false;
	if (in->ftype == VIGIL_FT_U64 && in->op == VIGIL_OP_EQ)
		kind = VR_ANCHOR_NUM;
	else if (vr_is_str(in->ftype))
		kind = VR_ANCHOR_STR;
	else
		return;
	for (k = 0; k < in->argc; k++) {
		if (kind == VR_ANCHOR_NUM) {
			w = VR_WEIGHT_NUM;
		} else {
			w = vr_literal(b, in->op, &b->rs->vals[in->val + k],
				       &lit);
			w = w ? 64 / w : 0;
		}
		if (all) {
			/* one value that must match is enough */
			if (w && (!bestw || w < bestw)) {
				best = k;
				bestw = w;
			}
			continue;
		}
		if (!w) {
			/* one value without a literal: no anchor */
			b->nanchors = set->start;
			return;
		}
		vr_push_anchor(b, rule, in, in->val + k, kind);
		set->weight += w;
	}
	if (all) {
		if (!bestw)
			return;
		vr_push_anchor(b, rule, in, in->val + best, kind);
		set->weight = bestw;
	}
	set->ok = true;
}

/* Combine the anchor sets of an operator's operands (top of stack). */
static void vr_anchor_op(struct vr_build *b, const struct vr_insn *in,
			 struct vr_aset *sets, u32 argc)
{
	struct vr_aset res = { .start = sets[0].start };
	u32 k, best = argc, end, n;

	if (in->kind == VIGIL_NODE_AND) {
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
	} else if (in->kind == VIGIL_NODE_OR) {
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

/* Second pass: programs, prepared values and anchors of one rule. */
static void vr_compile_rule(struct vr_build *b, u32 r, u32 *insn_at,
			    u32 *val_at)
{
	const struct vigil_rule_rec *rec = &b->src.rules[r];
	const struct vigil_event_desc *desc;
	struct vigil_ruleset *rs = b->rs;
	struct vr_rule *rule = &rs->rules[r];
	u32 first = le32_to_cpu(rec->expr_first), depth = 0, i, k, argc;
	u32 astart = b->nanchors;

	rule->id = le32_to_cpu(rec->id);
	rule->type = le16_to_cpu(rec->event_type);
	rule->action = rec->action;
	rule->severity = rec->severity;
	rule->insn = *insn_at;
	rule->ninsn = le32_to_cpu(rec->expr_count);
	desc = vigil_event_desc(rule->type);
	for (i = 0; i < rule->ninsn; i++) {
		const struct vigil_node_rec *nd = &b->src.nodes[first + i];
		struct vr_insn *in = &rs->insns[rule->insn + i];

		in->kind = nd->kind;
		in->parent = i;
		argc = le16_to_cpu(nd->argc);
		in->argc = argc;
		if (nd->kind == VIGIL_NODE_PRED) {
			u32 arg = le32_to_cpu(nd->arg);

			in->op = nd->op;
			in->flags = nd->flags;
			in->field = le16_to_cpu(nd->field);
			in->ftype = desc->fields[in->field].type;
			in->val = *val_at;
			for (k = 0; k < argc; k++)
				vr_prep_value(b, in, &b->src.values[arg + k],
					      &rs->vals[*val_at + k]);
			*val_at += argc;
			vr_anchor_pred(b, r, in, &b->aset[depth]);
			b->pstack[depth++] = i;
			continue;
		}
		/* operators pop argc operands (checked in vr_check) */
		depth -= argc;
		in->base = depth;
		for (k = 0; k < argc; k++)
			rs->insns[rule->insn + b->pstack[depth + k]].parent = i;
		vr_anchor_op(b, in, &b->aset[depth], argc);
		b->pstack[depth++] = i;
	}
	*insn_at += rule->ninsn;
	if (b->aset[0].ok)
		rule->anchored = 1;
	else
		b->nanchors = astart;
}

static void vr_sort_swap(u32 *a, u32 *b)
{
	u32 t = *a;

	*a = *b;
	*b = t;
}

/* Heap sort of indexes by key[idx]: no recursion, no allocation. */
static void vr_sort_idx(u32 *idx, u32 n, const u64 *key)
{
	u32 start, end, root, child;

	if (n < 2)
		return;
	for (start = n / 2; start-- > 0;) {
		for (root = start; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && key[idx[child]] < key[idx[child + 1]])
				child++;
			if (key[idx[root]] >= key[idx[child]])
				break;
			vr_sort_swap(&idx[root], &idx[child]);
		}
	}
	for (end = n - 1; end > 0; end--) {
		vr_sort_swap(&idx[0], &idx[end]);
		for (root = 0; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end &&
			    key[idx[child]] < key[idx[child + 1]])
				child++;
			if (key[idx[root]] >= key[idx[child]])
				break;
			vr_sort_swap(&idx[root], &idx[child]);
		}
	}
}

static u32 vr_key(const struct vr_anchor *a)
{
	return ((u32)a->type * VIGIL_MAX_FIELDS + a->field) * 2 + a->kind;
}

/* Temporaries of the index build, one allocation. */
struct vr_itmp {
	u32 *ord;		/* anchors grouped by key */
	u32 *term;		/* per anchor of a group: terminal/key no. */
	u32 *last;		/* per output: last rule listed */
	u64 *keys;		/* per anchor of a group: u64 value */
	struct vigil_ac_pat *pats;
	u8 *lits;		/* VIGIL_ANCHOR_MAX bytes per anchor */
};


/* Build the automaton of one string group. */
static int vr_index_str(struct vr_build *b, struct vr_itmp *t,
			const u32 *grp, u32 n, struct vr_acidx *ai)
{
	struct vigil_ruleset *rs = b->rs;
	struct vr_anchor *a;
	const u8 *lit;
	u32 k, len;
	int ret;

	for (k = 0; k < n; k++) {
		a = &b->anchors[grp[k]];
		len = vr_literal(b, a->op, &rs->vals[a->val], &lit);
		memcpy(t->lits + (size_t)k * VIGIL_ANCHOR_MAX, lit, len);
		t->pats[k].s = t->lits + (size_t)k * VIGIL_ANCHOR_MAX;
		t->pats[k].len = len;
	}
	ret = vigil_ac_build(t->pats, n, t->term, &ai->ac);
	if (ret)
		return ret;
	ai->base = rs->nouts;
	for (k = 0; k < n; k++)
		b->anchors[grp[k]].out = rs->nouts + t->term[k];
	rs->nouts += ai->ac->nterm;
	rs->mem += ai->ac->size;
	return 0;
}

/* Build the sorted table of one u64 group into @keys; returns its size. */
static u32 vr_index_num(struct vr_build *b, struct vr_itmp *t,
			const u32 *grp, u32 n, struct vr_numidx *ni, u64 *keys)
{
	struct vigil_ruleset *rs = b->rs;
	u32 j, k, nd = 0;

	for (k = 0; k < n; k++) {
		t->keys[k] = rs->vals[b->anchors[grp[k]].val].num;
		t->term[k] = k;
	}
	vr_sort_idx(t->term, n, t->keys);
	for (j = 0; j < n; j++) {
		k = t->term[j];
		if (!nd || t->keys[k] != keys[nd - 1])
			keys[nd++] = t->keys[k];
		b->anchors[grp[k]].out = rs->nouts + nd - 1;
	}
	ni->keys = keys;
	ni->n = nd;
	ni->base = rs->nouts;
	rs->nouts += nd;
	return nd;
}

static void *vr_alloc(struct vigil_ruleset *rs, size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow(n ? n : 1, size, &bytes))
		return NULL;
	p = vigil_compile_alloc(bytes);
	if (p)
		rs->mem += bytes;
	return p;
}

/* Group the anchors by (type, field, kind) and build the indexes. */
static int vr_index_build(struct vr_build *b, struct vr_itmp *t)
{
	struct vigil_ruleset *rs = b->rs;
	u64 *keys = rs->num_keys;
	u32 key, n, *grp;
	struct vr_type *ty;
	int ret;

	for (key = 0; key < VR_NKEYS; key++) {
		n = b->cnt[key + 1] - b->cnt[key];
		if (!n)
			continue;
		ty = &rs->types[key / (VIGIL_MAX_FIELDS * 2)];
		grp = t->ord + b->cnt[key];
		if (key % 2 == VR_ANCHOR_STR) {
			struct vr_acidx *ai = &rs->acs[rs->nacs++];

			ai->field = (key / 2) % VIGIL_MAX_FIELDS;
			if (!ty->nac)
				ty->ac = ai;
			ty->nac++;
			ret = vr_index_str(b, t, grp, n, ai);
			if (ret)
				return ret;
		} else {
			struct vr_numidx *ni = &rs->nums[rs->nnums++];

			ni->field = (key / 2) % VIGIL_MAX_FIELDS;
			if (!ty->nnum)
				ty->num = ni;
			ty->nnum++;
			keys += vr_index_num(b, t, grp, n, ni, keys);
		}
	}
	return 0;
}

/* Per output, the rules it anchors: ascending, each once. */
static int vr_outputs(struct vr_build *b, u32 *last)
{
	struct vigil_ruleset *rs = b->rs;
	u32 i, o, sum;

	rs->out_first = vr_alloc(rs, rs->nouts + 1, sizeof(u32));
	if (!rs->out_first)
		return -ENOMEM;
	for (o = 0; o < rs->nouts; o++)
		last[o] = VIGIL_AC_NONE;
	for (i = 0; i < b->nanchors; i++) {
		o = b->anchors[i].out;
		if (last[o] != b->anchors[i].rule) {
			last[o] = b->anchors[i].rule;
			rs->out_first[o + 1]++;
		}
	}
	for (o = 0, sum = 0; o <= rs->nouts; o++) {
		sum += rs->out_first[o];
		rs->out_first[o] = sum;
	}
	rs->out_rules = vr_alloc(rs, sum, sizeof(u32));
	if (!rs->out_rules)
		return -ENOMEM;
	/* last[o] now counts the rules placed so far */
	for (o = 0; o < rs->nouts; o++)
		last[o] = 0;
	for (i = 0; i < b->nanchors; i++) {
		const struct vr_anchor *a = &b->anchors[i];
		u32 *list = rs->out_rules + rs->out_first[a->out];

		if (!last[a->out] || list[last[a->out] - 1] != a->rule)
			list[last[a->out]++] = a->rule;
	}
	return 0;
}

/* The prefilter: anchors grouped into automata and tables, outputs. */
static int vr_index(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	u32 i, key, sum, nstr = 0, nnum = 0, nnumk = 0, n = b->nanchors;
	struct vr_itmp t;
	size_t tsz;
	u8 *mem;
	int ret = -ENOMEM;

	memset(b->cnt, 0, sizeof(b->cnt));
	for (i = 0; i < n; i++)
		b->cnt[vr_key(&b->anchors[i]) + 1]++;
	for (key = 0; key < VR_NKEYS; key++) {
		if (!b->cnt[key + 1])
			continue;
		if (key % 2 == VR_ANCHOR_STR) {
			nstr++;
		} else {
			nnum++;
			nnumk += b->cnt[key + 1];
		}
	}
	for (key = 0, sum = 0; key <= VR_NKEYS; key++) {
		sum += b->cnt[key];
		b->cnt[key] = sum;
	}
	rs->acs = vr_alloc(rs, nstr, sizeof(*rs->acs));
	rs->nums = vr_alloc(rs, nnum, sizeof(*rs->nums));
	rs->num_keys = vr_alloc(rs, nnumk, sizeof(u64));
	if (!rs->acs || !rs->nums || !rs->num_keys)
		return -ENOMEM;

	tsz = (size_t)(n ? n : 1) * (3 * sizeof(u32) + sizeof(u64) +
				     sizeof(struct vigil_ac_pat) +
				     VIGIL_ANCHOR_MAX);
	mem = vigil_compile_alloc(tsz);
	if (!mem)
		return -ENOMEM;
	t.keys = (u64 *)mem;
	t.pats = (struct vigil_ac_pat *)(t.keys + n);
	t.ord = (u32 *)(t.pats + n);
	t.term = t.ord + n;
	t.last = t.term + n;
	t.lits = (u8 *)(t.last + n);

	/* stable: each group keeps rule order */
	for (i = 0; i < n; i++)
		t.ord[b->cnt[vr_key(&b->anchors[i])]++] = i;
	for (key = VR_NKEYS; key > 0; key--)
		b->cnt[key] = b->cnt[key - 1];
	b->cnt[0] = 0;

	ret = vr_index_build(b, &t);
	if (!ret && rs->nouts > n)
		ret = -EINVAL;		/* cannot happen: outputs <= anchors */
	if (!ret)
		ret = vr_outputs(b, t.last);
	vigil_free(mem);
	return ret;
}

/* Per event type, its rules and its rules without anchors. */
static int vr_lists(struct vigil_ruleset *rs)
{
	u32 cnt[VIGIL_EV_MAX + 1] = { 0 }, acnt[VIGIL_EV_MAX + 1] = { 0 };
	u32 r, t, off = 0, aoff;
	u32 *rules[VIGIL_EV_MAX + 1], *always[VIGIL_EV_MAX + 1];

	rs->lists = vr_alloc(rs, 2 * (size_t)rs->nrules, sizeof(u32));
	if (!rs->lists)
		return -ENOMEM;
	for (r = 0; r < rs->nrules; r++) {
		cnt[rs->rules[r].type]++;
		if (!rs->rules[r].anchored)
			acnt[rs->rules[r].type]++;
	}
	aoff = rs->nrules;
	for (t = 0; t <= VIGIL_EV_MAX; t++) {
		rules[t] = rs->lists + off;
		always[t] = rs->lists + aoff;
		rs->types[t].rules = rules[t];
		rs->types[t].nrules = cnt[t];
		rs->types[t].always = always[t];
		rs->types[t].nalways = acnt[t];
		off += cnt[t];
		aoff += acnt[t];
	}
	for (r = 0; r < rs->nrules; r++) {
		t = rs->rules[r].type;
		*rules[t]++ = r;
		if (!rs->rules[r].anchored)
			*always[t]++ = r;
	}
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

static int vr_alloc_all(struct vr_build *b)
{
	struct vigil_ruleset *rs;

	rs = vigil_compile_alloc(sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	b->rs = rs;
	rs->mem = sizeof(*rs);
	rs->nrules = b->src.nrules;
	rs->rules = vr_alloc(rs, rs->nrules, sizeof(*rs->rules));
	rs->insns = vr_alloc(rs, b->ninsns, sizeof(*rs->insns));
	rs->vals = vr_alloc(rs, b->nvals, sizeof(*rs->vals));
	rs->pool = vr_alloc(rs, b->pool_size, 1);
	b->anchors = vigil_compile_alloc((size_t)(b->nvals ? b->nvals : 1) *
				 sizeof(*b->anchors));
	if (!rs->rules || !rs->insns || !rs->vals || !rs->pool || !b->anchors)
		return -ENOMEM;
	return 0;
}

/**
 * vigil_ruleset_compile() - build the in-memory rule set from a payload
 * @p: payload that passed vigil_payload_validate(); must outlive the set
 * @len: payload length
 * @out: the rule set (vigil_ruleset_free()); NULL on failure
 * @err: why it failed; may be NULL
 *
 * Checks again every index and length it follows, so it cannot read out
 * of bounds even on a payload that did not pass validation (it then fails
 * with the class of the first problem).  All or nothing: on failure
 * nothing stays allocated.  May sleep.
 *
 * Return: VIGIL_E_OK, VIGIL_E_NOMEM, or a structural error class.
 */
int vigil_ruleset_compile(const u8 *p, size_t len, struct vigil_ruleset **out,
			  struct vigil_error *err)
{
	struct vigil_error dummy;
	struct vr_build *b;
	u32 r, insn_at = 0, val_at = 0;
	int ret;

	*out = NULL;
	if (!err)
		err = &dummy;
	b = vigil_compile_alloc(sizeof(*b));
	if (!b)
		return vigil_errf(err, VIGIL_E_NOMEM, 0, true,
				  "no memory for the rule set");
	b->err = err;
	ret = vr_parse(b, p, len);
	if (!ret)
		ret = vr_check(b);
	if (ret)
		goto out;
	ret = vr_alloc_all(b);
	if (!ret) {
		for (r = 0; r < b->src.nrules; r++)
			vr_compile_rule(b, r, &insn_at, &val_at);
		ret = vr_index(b);
	}
	if (!ret)
		ret = vr_lists(b->rs);
	if (ret)
		ret = vigil_errf(err, ret == -ENOMEM ? VIGIL_E_NOMEM :
				 VIGIL_E_VALUE, 0, true,
				 ret == -ENOMEM ? "no memory for the rule set" :
				 "prefilter pattern out of range");
out:
	if (ret)
		vigil_ruleset_free(b->rs);
	else
		*out = b->rs;
	vigil_free(b->anchors);
	vigil_free(b);
	return ret;
}

/**
 * vigil_ruleset_free() - release a rule set
 * @rs: the rule set, or NULL
 */
void vigil_ruleset_free(struct vigil_ruleset *rs)
{
	u32 i;

	if (!rs)
		return;
	for (i = 0; i < rs->nacs; i++)
		vigil_ac_free(rs->acs[i].ac);
	vigil_free(rs->acs);
	vigil_free(rs->nums);
	vigil_free(rs->num_keys);
	vigil_free(rs->lists);
	vigil_free(rs->out_rules);
	vigil_free(rs->out_first);
	vigil_free(rs->pool);
	vigil_free(rs->vals);
	vigil_free(rs->insns);
	vigil_free(rs->rules);
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
