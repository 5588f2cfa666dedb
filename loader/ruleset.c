// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling a validated payload into the in-memory rule set: see
 * ruleset.h for the form, match.c for its use.
 *
 * One pass over the rules translates each rule's nodes into instructions,
 * prepares its values and derives its anchors; then the anchors are
 * grouped into the prefilter's automata and tables.  The payload has
 * passed vigil_payload_validate(), but the pass still checks every index,
 * length and count it uses (cheaply, as it goes), so no payload can make
 * it, or the matcher, read or write out of bounds.  Building is all or nothing: on any
 * failure everything allocated so far is freed.
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

/* Pool chunks grow from the first size to the last, doubling. */
#define VR_CHUNK_FIRST	1024U
#define VR_CHUNK_MAX	(64U << 10)

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
 * @lit: string anchors: the literal (payload or pool; folded later)
 * @num: u64 anchors: the value
 * @rule: rule index
 * @out: output id, once the indexes are built
 * @key: (event type * VIGIL_MAX_FIELDS + field) * 2 + kind
 * @len: string anchors: length of @lit
 */
struct vr_anchor {
	union {
		const u8 *lit;
		u64 num;
	};
	u32 rule;
	u32 out;
	u16 key;
	u8 len;
};

/* An anchor set on the compile-time expression stack. */
struct vr_aset {
	u32 start;	/* its anchors: [start, next set's start) */
	u32 weight;
	bool ok;	/* false: not anchorable */
};

/* The literal each value of the predicate being compiled anchors. */
struct vr_lit {
	const u8 *s;
	u32 len;
};

struct vr_build {
	struct vigil_ruleset *rs;
	struct vr_src src;
	struct vigil_error *err;
	const struct vigil_event_desc *desc[VIGIL_EV_MAX + 1];
	u32 insn_at;
	u32 val_at;
	u8 *pool;		/* free space of the current chunk */
	size_t pool_left;
	size_t chunk_next;
	struct vr_anchor *anchors;
	u32 nanchors;
	u8 pstack[VIGIL_MAX_EXPR_DEPTH + 1];
	struct vr_aset aset[VIGIL_MAX_EXPR_DEPTH + 1];
	struct vr_lit lit[VIGIL_MAX_PRED_VALUES];
	u32 cnt[VR_NKEYS + 1];
};

/* Pool chunk header; 16 bytes keep the data 8-byte aligned. */
struct vr_chunk {
	struct vr_chunk *next;
	size_t size;
};

/* 64 / L for a literal of L bytes, L up to VIGIL_ANCHOR_MAX */
static const u8 vr_weight[] = {
	0, 64, 32, 21, 16, 12, 10, 9, 8, 7, 6, 5, 5, 4, 4, 4, 4,
};

static size_t vr_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static bool vr_is_str(u8 ftype)
{
	return ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH;
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

/* @n bytes of pool, 8-byte aligned and zeroed; NULL if out of memory. */
static void *vr_pool(struct vr_build *b, size_t n)
{
	struct vigil_ruleset *rs = b->rs;
	struct vr_chunk *c;
	size_t sz;
	void *p;

	n = vr_align8(n);
	if (b->pool_left < n) {
		sz = max(b->chunk_next, n + sizeof(*c));
		c = vigil_compile_alloc(sz);
		if (!c)
			return NULL;
		c->next = rs->chunks;
		c->size = sz;
		rs->chunks = c;
		rs->mem += sz;
		b->pool = (u8 *)(c + 1);
		b->pool_left = sz - sizeof(*c);
		if (b->chunk_next < VR_CHUNK_MAX)
			b->chunk_next *= 2;
	}
	p = b->pool;
	b->pool += n;
	b->pool_left -= n;
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
 * Check and prepare one value of predicate @in; record the literal it
 * anchors in @lit (length 0: none).  Return: 0, a VIGIL_E_* class, or
 * -ENOMEM.
 */
static int vr_prep_value(struct vr_build *b, const struct vr_insn *in,
			 const struct vigil_value_rec *rec, struct vr_val *v,
			 struct vr_lit *lit)
{
	u32 off = le32_to_cpu(rec->str.off), len = le32_to_cpu(rec->str.len);
	bool nocase = in->flags & VIGIL_PRED_NOCASE;
	const struct vr_src *src = &b->src;
	struct vigil_glob_info gi;
	const u8 *p;
	u8 *copy;

	lit->len = 0;
	if (in->ftype == VIGIL_FT_U64) {
		v->num = le64_to_cpu(rec->num);
		return 0;
	}
	if (off > src->strtab_size || len > src->strtab_size - off)
		return VIGIL_E_STRREF;
	p = src->strtab + off;
	if (in->ftype == VIGIL_FT_ADDR) {
		if (len != 16 || le64_to_cpu(rec->num) > 128)
			return VIGIL_E_VALUE;
		v->s = p;
		v->len = in->op == VIGIL_OP_CIDR ? le64_to_cpu(rec->num) : 128;
		return 0;
	}
	if (!len || len > VIGIL_MAX_PATTERN_LEN)
		return VIGIL_E_VALUE;
	v->len = len;
	if (in->op == VIGIL_OP_GLOB) {
		vigil_glob_scan(p, len, nocase, &gi);
		v->glob = vr_pool(b, gi.size);
		if (!v->glob)
			return -ENOMEM;
		vigil_glob_build(p, len, nocase, &gi, (void *)v->glob);
		lit->s = p + gi.lit_start;
		lit->len = gi.lit_len;
		if (gi.lit_end - gi.lit_start != gi.lit_len) {
			/* escapes in the run: anchor an unescaped copy */
			copy = vr_pool(b, gi.lit_len);
			if (!copy)
				return -ENOMEM;
			vigil_glob_unescape(p, gi.lit_start, gi.lit_end, copy);
			lit->s = copy;
		}
		return 0;
	}
	lit->s = p;
	lit->len = len;
	v->s = p;
	if (!nocase && in->op != VIGIL_OP_CONTAINS)
		return 0;
	/* contains: the pattern, then its failure table */
	copy = vr_pool(b, in->op == VIGIL_OP_CONTAINS ? 2 * len : len);
	if (!copy)
		return -ENOMEM;
	if (nocase)
		vigil_fold_copy(copy, p, len);
	else
		memcpy(copy, p, len);
	if (in->op == VIGIL_OP_CONTAINS)
		vigil_kmp_build(copy, len, copy + len);
	v->s = copy;
	return 0;
}

static void vr_push_anchor(struct vr_build *b, u32 rule,
			   const struct vr_insn *in, u32 k, u8 kind)
{
	struct vr_anchor *a = &b->anchors[b->nanchors++];
	u32 len;

	a->rule = rule;
	a->key = ((u32)b->rs->rules[rule].type * VIGIL_MAX_FIELDS +
		  in->field) * 2 + kind;
	if (kind == VR_ANCHOR_NUM) {
		a->num = b->rs->vals[in->val + k].num;
		a->len = 0;
		return;
	}
	len = b->lit[k].len;
	a->lit = b->lit[k].s;
	if (len > VIGIL_ANCHOR_MAX) {
		a->lit += len - VIGIL_ANCHOR_MAX;
		len = VIGIL_ANCHOR_MAX;
	}
	a->len = len;
}

/* The anchor set of one predicate (its literals are in b->lit). */
static void vr_anchor_pred(struct vr_build *b, u32 rule,
			   const struct vr_insn *in, struct vr_aset *set)
{
	bool all = in->flags & VIGIL_PRED_ALL;
	u32 k, w, best = 0, bestw = 0;
	u8 kind;

	BUILD_BUG_ON(ARRAY_SIZE(vr_weight) != VIGIL_ANCHOR_MAX + 1);
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
		if (kind == VR_ANCHOR_NUM)
			w = VR_WEIGHT_NUM;
		else
			w = vr_weight[min(b->lit[k].len, VIGIL_ANCHOR_MAX)];
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
		vr_push_anchor(b, rule, in, k, kind);
		set->weight += w;
	}
	if (all) {
		if (!bestw)
			return;
		vr_push_anchor(b, rule, in, best, kind);
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

/* Check and translate one predicate node; prepare its values. */
static int vr_compile_pred(struct vr_build *b, u32 r, u32 i,
			   const struct vigil_event_desc *desc,
			   const struct vigil_node_rec *nd, struct vr_insn *in)
{
	const struct vr_src *src = &b->src;
	u32 arg = le32_to_cpu(nd->arg), k;
	int ret;

	in->op = nd->op;
	in->flags = nd->flags;
	in->field = le16_to_cpu(nd->field);
	if (in->field >= desc->nfields)
		return vr_bad(b, VIGIL_E_FIELD, r, i, "field out of range");
	/*
	 * Whether the operator suits the field type is the validator's
	 * business: a mismatch cannot make anything here or in the matcher
	 * read out of bounds (values are prepared by field type, matched by
	 * type and operator, and an unknown pair is false).
	 */
	in->ftype = desc->fields[in->field].type;
	if (in->flags & ~VIGIL_PRED_FLAGS_KNOWN)
		return vr_bad(b, VIGIL_E_EXPR, r, i, "unknown flags");
	if (!in->argc || in->argc > VIGIL_MAX_PRED_VALUES ||
	    arg > src->nvalues || in->argc > src->nvalues - arg ||
	    in->argc > src->nvalues - b->val_at)
		return vr_bad(b, VIGIL_E_VALUE, r, i, "value range");
	in->val = b->val_at;
	b->val_at += in->argc;
	for (k = 0; k < in->argc; k++) {
		ret = vr_prep_value(b, in, &src->values[arg + k],
				    &b->rs->vals[in->val + k], &b->lit[k]);
		if (ret < 0)
			return ret;
		if (ret)
			return vr_bad(b, ret, r, i, "bad value");
	}
	return 0;
}

/*
 * Check and translate one rule: instructions (with their consumers, for
 * short-circuits), prepared values, anchors.
 */
static int vr_compile_rule(struct vr_build *b, u32 r)
{
	const struct vigil_rule_rec *rec = &b->src.rules[r];
	const struct vigil_event_desc *desc;
	struct vigil_ruleset *rs = b->rs;
	struct vr_rule *rule = &rs->rules[r];
	u32 first = le32_to_cpu(rec->expr_first), cnt, depth = 0, i, k, argc;
	u32 astart = b->nanchors;
	struct vr_insn *ins;
	int ret;

	rule->type = le16_to_cpu(rec->event_type);
	desc = rule->type <= VIGIL_EV_MAX ? b->desc[rule->type] : NULL;
	if (!desc)
		return vr_bad(b, VIGIL_E_EVENT_TYPE, r, 0, "event type");
	cnt = le32_to_cpu(rec->expr_count);
	if (!cnt || cnt > VIGIL_MAX_RULE_NODES || first > b->src.nnodes ||
	    cnt > b->src.nnodes - first || cnt > b->src.nnodes - b->insn_at)
		return vr_bad(b, VIGIL_E_EXPR, r, 0, "node range");
	rule->id = le32_to_cpu(rec->id);
	rule->action = rec->action;
	rule->severity = rec->severity;
	rule->insn = b->insn_at;
	rule->ninsn = cnt;
	ins = &rs->insns[b->insn_at];
	b->insn_at += cnt;
	for (i = 0; i < cnt; i++) {
		const struct vigil_node_rec *nd = &b->src.nodes[first + i];
		struct vr_insn *in = &ins[i];

		in->kind = nd->kind;
		in->parent = i;
		argc = le16_to_cpu(nd->argc);
		in->argc = argc;
		switch (nd->kind) {
		case VIGIL_NODE_PRED:
			ret = vr_compile_pred(b, r, i, desc, nd, in);
			if (ret)
				return ret;
			vr_anchor_pred(b, r, in, &b->aset[depth]);
			b->pstack[depth++] = i;
			break;
		case VIGIL_NODE_AND:
		case VIGIL_NODE_OR:
		case VIGIL_NODE_NOT:
			if (argc > depth || (nd->kind == VIGIL_NODE_NOT ?
					     argc != 1 : argc < 2))
				return vr_bad(b, VIGIL_E_EXPR, r, i,
					      "operand count");
			depth -= argc;
			in->base = depth;
			for (k = 0; k < argc; k++)
				ins[b->pstack[depth + k]].parent = i;
			vr_anchor_op(b, in, &b->aset[depth], argc);
			b->pstack[depth++] = i;
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
	if (b->aset[0].ok)
		rule->anchored = 1;
	else
		b->nanchors = astart;
	return 0;
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

/* Temporaries of the index build, one allocation. */
struct vr_itmp {
	u32 *ord;		/* anchors grouped by key */
	u32 *term;		/* per anchor of a group: terminal/key no. */
	u32 *last;		/* per output: last rule listed */
	u64 *keys;		/* per anchor of a group: u64 value */
	struct vigil_ac_pat *pats;
};

/* Build the automaton of one string group. */
static int vr_index_str(struct vr_build *b, struct vr_itmp *t,
			const u32 *grp, u32 n, struct vr_acidx *ai)
{
	struct vigil_ruleset *rs = b->rs;
	u32 k;
	int ret;

	for (k = 0; k < n; k++) {
		t->pats[k].s = b->anchors[grp[k]].lit;
		t->pats[k].len = b->anchors[grp[k]].len;
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
		t->keys[k] = b->anchors[grp[k]].num;
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

/*
 * Per output, the rules it anchors: ascending, each once, and then
 * VIGIL_AC_NONE, which is above every rule index.
 */
static int vr_outputs(struct vr_build *b, u32 *last)
{
	struct vigil_ruleset *rs = b->rs;
	u32 i, o, sum;

	rs->out_first = vr_alloc(rs, rs->nouts + 1, sizeof(u32));
	if (!rs->out_first)
		return -ENOMEM;
	for (o = 0; o < rs->nouts; o++) {
		last[o] = VIGIL_AC_NONE;
		rs->out_first[o + 1] = 1;	/* the end mark */
	}
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
	for (o = 0; o < rs->nouts; o++) {
		last[o] = 0;
		rs->out_rules[rs->out_first[o + 1] - 1] = VIGIL_AC_NONE;
	}
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
	int ret;

	memset(b->cnt, 0, sizeof(b->cnt));
	for (i = 0; i < n; i++)
		b->cnt[b->anchors[i].key + 1]++;
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
				     sizeof(struct vigil_ac_pat));
	mem = vigil_compile_alloc(tsz);
	if (!mem)
		return -ENOMEM;
	t.keys = (u64 *)mem;
	t.pats = (struct vigil_ac_pat *)(t.keys + n);
	t.ord = (u32 *)(t.pats + n);
	t.term = t.ord + n;
	t.last = t.term + n;

	/* stable: each group keeps rule order */
	for (i = 0; i < n; i++)
		t.ord[b->cnt[b->anchors[i].key]++] = i;
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
static void vr_lists(struct vigil_ruleset *rs)
{
	u32 cnt[VIGIL_EV_MAX + 1] = { 0 }, acnt[VIGIL_EV_MAX + 1] = { 0 };
	u32 *rules[VIGIL_EV_MAX + 1], *always[VIGIL_EV_MAX + 1];
	u32 r, t, off = 0, aoff = rs->nrules;

	for (r = 0; r < rs->nrules; r++) {
		cnt[rs->rules[r].type]++;
		if (!rs->rules[r].anchored)
			acnt[rs->rules[r].type]++;
	}
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
 * The rule set and the arrays whose sizes the header gives: rules, one
 * instruction per node, one prepared value per value, the per-type
 * lists; and the anchors (at most one per value) while compiling.
 */
static int vr_alloc_all(struct vr_build *b)
{
	const struct vr_src *src = &b->src;
	struct vigil_ruleset *rs;
	size_t sz;
	u8 *core;

	rs = vigil_compile_alloc(sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	b->rs = rs;
	rs->mem = sizeof(*rs);
	rs->nrules = src->nrules;
	sz = (size_t)src->nrules * (sizeof(struct vr_rule) + 2 * sizeof(u32)) +
	     (size_t)src->nnodes * sizeof(struct vr_insn) +
	     (size_t)src->nvalues * sizeof(struct vr_val);
	core = vr_alloc(rs, sz, 1);
	if (!core)
		return -ENOMEM;
	rs->core = core;
	rs->vals = (struct vr_val *)core;
	rs->insns = (struct vr_insn *)(rs->vals + src->nvalues);
	rs->rules = (struct vr_rule *)(rs->insns + src->nnodes);
	rs->lists = (u32 *)(rs->rules + src->nrules);
	b->anchors = vigil_compile_alloc((size_t)(src->nvalues ?: 1) *
					 sizeof(*b->anchors));
	if (!b->anchors)
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
	u32 r;
	int ret;

	*out = NULL;
	if (!err)
		err = &dummy;
	b = vigil_compile_alloc(sizeof(*b));
	if (!b)
		return vigil_errf(err, VIGIL_E_NOMEM, 0, true,
				  "no memory for the rule set");
	b->err = err;
	b->chunk_next = VR_CHUNK_FIRST;
	for (r = 1; r <= VIGIL_EV_MAX; r++)
		b->desc[r] = vigil_event_desc(r);
	ret = vr_parse(b, p, len);
	if (!ret)
		ret = vr_alloc_all(b);
	for (r = 0; !ret && r < b->src.nrules; r++)
		ret = vr_compile_rule(b, r);
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
	vigil_free(b);
	return ret;
}

/**
 * vigil_ruleset_free() - release a rule set
 * @rs: the rule set, or NULL
 */
void vigil_ruleset_free(struct vigil_ruleset *rs)
{
	struct vr_chunk *c, *next;
	u32 i;

	if (!rs)
		return;
	for (i = 0; i < rs->nacs; i++)
		vigil_ac_free(rs->acs[i].ac);
	for (c = rs->chunks; c; c = next) {
		next = c->next;
		vigil_free(c);
	}
	vigil_free(rs->acs);
	vigil_free(rs->nums);
	vigil_free(rs->num_keys);
	vigil_free(rs->out_rules);
	vigil_free(rs->out_first);
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
