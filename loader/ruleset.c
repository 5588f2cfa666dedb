// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling a validated payload into the in-memory rule set: see
 * ruleset.h for the form, match.c for its use.
 *
 * One pass over the rules checks each rule's nodes and values (the
 * matcher interprets them in place, so nothing it will follow is left
 * unchecked, validated payload or not), compiles each distinct (case,
 * glob) once into the pool, sets the contains values aside, adds up the
 * rule's work bound and derives its anchors; those that survive the rule
 * get their grams at once.  Then the contains values, sorted, become one
 * substring automaton per (event type, field, case) (substr.h); the keys
 * go into the prefilter; each event type gets its bound (its rules, the
 * prefilter's scans, its automata's scans); and a counting sort fills the
 * per-type lists.
 *
 * Every allocation, kept or passing, is checked against the memory the
 * caller allows before it is made.  Long loops yield the CPU and stop on
 * a fatal signal.  Building is all or nothing: on any failure everything
 * allocated so far is freed.
 */
#include "errmsg.h"
#include "ruleset.h"

bool vigil_pf_always;

/*
 * Anchor weights: lower is more selective.  A literal of L bytes weighs
 * 64 / L (L capped at 16); a u64 value weighs like a literal of a byte and
 * a half, since ids and flags repeat a lot.  0: no anchor.
 */
#define VR_WEIGHT_NUM	40U
#define VR_WEIGHT_MAXLEN 16U

/* Bytes the pool of compiled globs starts with; it grows by doubling. */
#define VR_POOL_START	1024U

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

/*
 * A slot of the table that finds equal globs: a value that has one, and
 * what the form depends on besides the bytes: the case, and for a glob
 * with a middle the field too (its form names the field's automaton).
 */
struct vr_pat_slot {
	u32 vi1;	/* value index + 1; 0: free */
	u32 key;	/* vigil_sub_key(), or just the case */
};

struct vr_build {
	struct vigil_ruleset *rs;
	struct vr_src src;
	struct vigil_error *err;
	const struct vigil_event_desc *desc[VIGIL_EV_MAX + 1];
	u32 next_value;
	size_t mem;		/* allocated now, passing buffers included */
	size_t mem_limit;	/* what the caller allows */
	size_t pool_used;	/* bytes of prepared forms so far */
	size_t pool_cap;	/* bytes of the pool */
	struct vr_pat_slot *pat;	/* finds equal patterns (passing) */
	size_t pat_size;
	u32 pat_mask;
	bool capped;		/* an allocation was refused: MEM_CAP */
	u64 rule_work;		/* the current rule's bound */
	struct vr_anchor *anchors;	/* the current rule's */
	size_t anchors_size;
	u32 nanchors;
	struct vigil_pf_ent *ents;	/* every rule's, keyed */
	size_t ents_size;
	u32 nents;
	struct vigil_sub_pat *subpats;	/* every contains value */
	size_t subpats_size;
	u32 nsubpats;
	struct vr_aset aset[VIGIL_MAX_EXPR_DEPTH + 1];
	struct vr_lit lit[VIGIL_MAX_PRED_VALUES];
	u8 unesc[VIGIL_MAX_PATTERN_LEN];
};

/* 64 / L for a literal of L bytes; 0 below a gram */
static const u8 vr_weight[] = {
	0, 0, 0, 0, 16, 12, 10, 9, 8, 7, 6, 5, 5, 4, 4, 4, 4,
};

static bool vr_is_str(u8 ftype)
{
	return ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH;
}

/*
 * Every allocation of the build: refused before it is made if it would
 * take the build over its memory limit (*@capped set), zeroed unless
 * @uninit.  What stays in the rule set is added to rs->mem by the caller.
 */
static void *vr_alloc(struct vr_build *b, size_t size, bool uninit)
{
	void *p;

	if (size > b->mem_limit || b->mem > b->mem_limit - size) {
		b->capped = true;
		return NULL;
	}
	p = uninit ? vigil_compile_alloc_uninit(size ? size : 1) :
		     vigil_compile_alloc(size ? size : 1);
	if (p)
		b->mem += size;
	return p;
}

static void vr_free(struct vr_build *b, void *p, size_t size)
{
	if (!p)
		return;
	vigil_free(p);
	b->mem -= size;
}

static int vr_bad(struct vr_build *b, int code, u32 r, u32 node,
		  const char *what)
{
	u32 id = le32_to_cpu(b->src.rules[r].id);

	return vigil_errf(b->err, code, 0, true,
			  "rule %u (id %u) node %u: %s", r, id, node, what);
}

/* A hash of the bytes a prepared form depends on, eight at a time. */
static u32 vr_pat_hash(u8 op, bool nocase, const u8 *p, u32 len)
{
	u64 h = 0x9e3779b97f4a7c15ULL ^ op ^ (u64)nocase << 8 ^ (u64)len << 16;
	u64 w;
	u32 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
	}
	w = 0;
	memcpy(&w, p + i, len - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return (u32)(h >> 32);
}

/*
 * Room for @size more bytes of prepared forms: the pool grows by
 * doubling, within the memory limit.  Forms are found by offset, so they
 * may move.
 */
static int vr_pool_room(struct vr_build *b, size_t size)
{
	size_t cap = b->pool_cap, grow;
	u8 *pool;

	if (size <= cap - b->pool_used)
		return 0;
	while (size > cap - b->pool_used)
		cap *= 2;
	grow = cap - b->pool_cap;
	if (grow > b->mem_limit || b->mem > b->mem_limit - grow) {
		b->capped = true;
		return -ENOMEM;
	}
	pool = vigil_compile_realloc(b->rs->pool, b->pool_cap, cap);
	if (!pool)
		return -ENOMEM;
	b->rs->pool = pool;
	b->mem += grow;
	b->rs->mem += grow;
	b->pool_cap = cap;
	return 0;
}

/*
 * The compiled form of glob value @vi (pattern @p of @len bytes on field
 * @key, scanned into @gi): one already built for the same bytes and what
 * the form depends on, or a new one at the end of the pool, and for a
 * glob with a middle the middle set aside for its automaton.  Sets
 * rs->prep[vi].
 */
static int vr_prep(struct vr_build *b, u32 vi, u32 key, const u8 *p,
		   u32 len, const struct vigil_glob_info *gi)
{
	u32 dep = gi->affix == VIGIL_GLOB_MID ? key : key & 1;
	u32 slot = vr_pat_hash(VIGIL_OP_GLOB, dep & 1, p, len) ^ dep, olen;
	const struct vigil_value_rec *ov;
	struct vigil_sub_pat *sp;
	struct vr_pat_slot *e;
	size_t size;
	int ret;

	for (slot &= b->pat_mask;; slot = (slot + 1) & b->pat_mask) {
		e = &b->pat[slot];
		if (!e->vi1)
			break;
		ov = &b->src.values[e->vi1 - 1];
		olen = le32_to_cpu(ov->str.len);
		if (e->key == dep && olen == len &&
		    !memcmp(p, b->src.strtab + le32_to_cpu(ov->str.off), len)) {
			/* the same form: share it */
			b->rs->prep[vi] = b->rs->prep[e->vi1 - 1];
			return 0;
		}
	}
	size = gi->size;
	ret = vr_pool_room(b, size);
	if (ret)
		return ret;
	memset(b->rs->pool + b->pool_used, 0, size);
	vigil_glob_build(p, len, dep & 1, gi,
			 (void *)(b->rs->pool + b->pool_used));
	e->vi1 = vi + 1;
	e->key = dep;
	b->rs->prep[vi] = b->pool_used;
	if (gi->affix == VIGIL_GLOB_MID) {
		/* vr_subs() writes the middle's automaton into the form */
		sp = &b->subpats[b->nsubpats++];
		sp->key = key;
		sp->skip = gi->sh.plen;
		sp->len = gi->sh.mlen;
		sp->p = p + gi->sh.moff;
		sp->vi = VIGIL_SUB_GLOB | b->pool_used;
		vigil_sub_head(sp);
	}
	b->pool_used += size;
	return 0;
}

/*
 * Check one value of a predicate on field @key (vigil_sub_key()) of type
 * @ftype with operator @op; compile its glob or set its contains pattern
 * aside; find its anchor.  Return: 0 or a VIGIL_E_* class.
 */
static int vr_value(struct vr_build *b, u32 vi, u32 key, u8 ftype, u8 op,
		    struct vr_lit *lit)
{
	bool nocase = key & 1;
	const struct vigil_value_rec *rec = &b->src.values[vi];
	u32 off = le32_to_cpu(rec->str.off), len = le32_to_cpu(rec->str.len);
	const struct vr_src *src = &b->src;
	struct vigil_glob_info gi;
	const u8 *p;
	bool wide;
	int ret;

	lit->weight = 0;
	lit->wide = 0;
	b->rule_work += 1;	/* any value's first step; strings add theirs */
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
	if (op == VIGIL_OP_EQ || op == VIGIL_OP_PREFIX || op == VIGIL_OP_SUFFIX)
		b->rule_work += (len + VIGIL_WORK_WORD - 1) / VIGIL_WORK_WORD;
	/* the value's bound (vr_value_work_max()), from what is found here */
	if (op == VIGIL_OP_CONTAINS) {
		struct vigil_sub_pat *sp = &b->subpats[b->nsubpats++];

		/* a stamp read; the scan is charged to the type (vr_subs()) */
		sp->key = key;
		sp->skip = 0;
		sp->len = len;
		sp->p = p;
		sp->vi = vi;
		vigil_sub_head(sp);
	} else if (op == VIGIL_OP_GLOB) {
		vigil_glob_scan(p, len, nocase, &gi);
		b->rule_work += gi.affix ? (gi.sh.plen + 7) / 8 +
			(gi.sh.slen + 7) / 8 + (gi.affix == VIGIL_GLOB_MID) :
			(u64)VIGIL_MAX_FIELD_LEN * ((len + 63) / 64) *
			VIGIL_WORK_NFA;
		ret = vr_prep(b, vi, key, p, len, &gi);
		if (ret)
			return ret;
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
		ret = vr_value(b, arg + k,
			       vigil_sub_key(type, field,
					     nd->flags & VIGIL_PRED_NOCASE),
			       ftype, nd->op, &b->lit[k]);
		if (ret < 0)
			return ret;	/* no memory, or over the limit */
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

/* Payload offset of rule @r's record, for messages. */
static u64 vr_rule_off(u32 r)
{
	return sizeof(struct vigil_payload_header) +
	       (u64)r * sizeof(struct vigil_rule_rec);
}

/* Add rule @r's bound to its type's, within the caps. */
static int vr_rule_sum(struct vr_build *b, u32 r, u16 type)
{
	struct vr_type *ty = &b->rs->types[type];
	u32 id = le32_to_cpu(b->src.rules[r].id);

	if (b->rule_work > VIGIL_MAX_RULE_WORK)
		return vigil_errf(b->err, VIGIL_E_COST, vr_rule_off(r), true,
				  "rule %u (id %u): work %llu steps, over the rule cap %u",
				  r, id, (unsigned long long)b->rule_work,
				  VIGIL_MAX_RULE_WORK);
	ty->rules_work += b->rule_work;
	if (ty->rules_work > VIGIL_MAX_EVENT_WORK)
		return vigil_errf(b->err, VIGIL_E_COST, vr_rule_off(r), true,
				  "rule %u (id %u): rules of %s take %llu steps together, over the event budget %u",
				  r, id, b->desc[type]->name,
				  (unsigned long long)ty->rules_work,
				  VIGIL_MAX_EVENT_WORK);
	if (!ty->costliest_work || b->rule_work > ty->costliest_work) {
		ty->costliest = r;
		ty->costliest_work = b->rule_work;
	}
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
	b->rule_work = vr_rule_work(cnt);
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
	ret = vr_rule_sum(b, r, type);
	if (ret)
		return ret;
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

/*
 * The substring automata: the contains values and glob middles sorted by
 * (type, field, case), skip and pattern, one automaton per run of one key
 * and skip, equal patterns sharing one index.  Each contains value's prep
 * becomes its pattern's index, each glob form learns its middle's
 * automaton and index; each automaton's scan of a full-length field is
 * added to its type's bound.
 */
/* The end of the run of entries of one key and skip that starts at @i. */
static u32 vr_sub_run(const struct vigil_sub_pat *sp, u32 n, u32 i)
{
	u32 j;

	for (j = i + 1; j < n && sp[j].key == sp[i].key &&
	     sp[j].skip == sp[i].skip;)
		j++;
	return j;
}

static int vr_subs(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	struct vigil_sub_pat *sp = b->subpats;
	u32 i, j, k, nsubs = 0, nodes, maxnodes = 0;
	struct vigil_sub_pat *sorting;
	size_t total = 0, size;
	struct vigil_sub *g;
	u32 *tmp;

	if (!b->nsubpats)
		return 0;
	size = (size_t)b->nsubpats * sizeof(*sp);
	sorting = vr_alloc(b, size, true);
	if (!sorting)
		return -ENOMEM;
	vigil_sub_sort(sp, b->nsubpats, sorting);
	vr_free(b, sorting, size);
	for (i = 0; i < b->nsubpats; i = j) {
		j = vr_sub_run(sp, b->nsubpats, i);
		/* the run's first entry keeps its count until the build */
		nodes = vigil_sub_count(sp + i, j - i);
		sp[i].id = nodes;
		maxnodes = max(maxnodes, nodes);
		total += nodes;
		nsubs++;
		if (vigil_yield())
			return -EINTR;
	}
	size = nsubs * sizeof(*rs->subs);
	rs->subs = vr_alloc(b, size, false);
	if (!rs->subs)
		return -ENOMEM;
	rs->mem += size;
	size = total * sizeof(*rs->states);
	rs->states = vr_alloc(b, size, true);
	if (!rs->states)
		return -ENOMEM;
	rs->mem += size;
	size = VIGIL_SUB_TMP_WORDS(maxnodes) * sizeof(u32);
	tmp = vr_alloc(b, size, true);
	if (!tmp)
		return -ENOMEM;
	total = 0;
	for (i = 0, k = 0; i < b->nsubpats; i = j, k++) {
		j = vr_sub_run(sp, b->nsubpats, i);
		g = &rs->subs[k];
		g->root = total;
		g->pat_first = rs->npat;
		vigil_sub_build(g, rs->states, sp + i, j - i, sp[i].id, tmp);
		total += g->nstates;
		rs->npat += g->npat;
		if (!g->skip)
			rs->sub_of[sp[i].key] = k + 1;
		rs->types[g->type].sub_work +=
			vigil_sub_work(g, VIGIL_MAX_FIELD_LEN);
		for (; i < j; i++) {
			struct vigil_glob *form;

			if (!(sp[i].vi & VIGIL_SUB_GLOB)) {
				rs->prep[sp[i].vi] = sp[i].id;
				continue;
			}
			form = (void *)(rs->pool + (sp[i].vi & ~VIGIL_SUB_GLOB));
			form->sub = k;
			form->pat = sp[i].id;
		}
		if (vigil_yield()) {
			vr_free(b, tmp, size);
			return -EINTR;
		}
	}
	vr_free(b, tmp, size);
	rs->nsubs = nsubs;
	return 0;
}

/*
 * The scratch the matcher stamps, per CPU, in 32-bit words: one for the
 * evaluation's generation, one per automaton, one per pattern, one per
 * prefilter key, one per rule, and a u16 per pattern for where it was
 * first found.
 */
static int vr_scratch(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	size_t size;

	rs->sc_pat = 1 + rs->nsubs;
	rs->sc_key = rs->sc_pat + rs->npat;
	rs->sc_rule = rs->sc_key + rs->pf.nstamps;
	rs->sc_end = rs->sc_rule + rs->nrules;
	rs->swords = rs->sc_end + (rs->npat + 1) / 2;
	size = (size_t)vigil_ncpus() * rs->swords * sizeof(u32);
	rs->scratch = vr_alloc(b, size, false);
	if (!rs->scratch)
		return -ENOMEM;
	rs->mem += size;
	return 0;
}

/*
 * The longest field @f of type @t that vigil_match_may() scans: a scan's
 * charge grows with the field's length, and must stay within
 * vr_may_max().
 */
static u32 vr_may_len(const struct vigil_ruleset *rs, u32 t, u32 f)
{
	u64 most = vr_may_max(&rs->types[t]);
	u32 lo = 0, hi = VIGIL_MAX_FIELD_LEN, mid;

	while (lo < hi) {
		mid = hi - (hi - lo) / 2;
		if (vigil_pf_scan_work(&rs->pf, vigil_pf_fk(t, f), mid) <= most)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * Each event type's bound: the setup, its rules, the prefilter's scans
 * of its keyed fields, and one scan per automaton (the automata's part,
 * vr_subs()).  The prefilter scans an event only when that costs at most
 * @scan_max, else every rule is evaluated: its part is the lesser of
 * that and its scans at full length, and the lesser of those scans and
 * vr_may_max() again when vigil_match_may() would scan as well (the
 * type's keys are all of one string field and every rule has anchors).
 * Over the budget, the channel is refused, naming the type's costliest
 * rule.
 */
static int vr_bounds(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	u64 scan;
	u32 t, f;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		struct vr_type *ty = &rs->types[t];

		if (!ty->n)
			continue;
		ty->scan_max = vigil_pf_always ? U64_MAX : ty->rules_work;
		ty->whole = !vigil_pf_always && ty->n < VIGIL_SCAN_MIN_RULES;
		scan = 0;
		for (f = 0; f < VIGIL_MAX_FIELDS; f++) {
			if (ty->strmask & (1U << f))
				scan += vigil_pf_scan_work(&rs->pf,
							   vigil_pf_fk(t, f),
							   VIGIL_MAX_FIELD_LEN);
			if (ty->nummask & (1U << f))
				scan += rs->pf.probe_work;
		}
		if (!ty->na && !ty->nummask && ty->strmask &&
		    !(ty->strmask & (ty->strmask - 1))) {
			ty->may_len = vr_may_len(rs, t,
						 __builtin_ctz(ty->strmask));
			scan = min(scan, ty->scan_max) +
			       min(scan, vr_may_max(ty));
		} else {
			scan = min(scan, ty->scan_max);
		}
		ty->work = VIGIL_WORK_EVENT + ty->rules_work + scan +
			   ty->sub_work;
		if (ty->work > VIGIL_MAX_EVENT_WORK)
			return vigil_errf(b->err, VIGIL_E_COST,
					  vr_rule_off(ty->costliest), true,
					  "%s events take up to %llu steps (rules %llu, prefilter %llu, substrings %llu), over the event budget %u; its costliest rule is %u (id %u, %llu steps)",
					  b->desc[t]->name,
					  (unsigned long long)ty->work,
					  (unsigned long long)ty->rules_work,
					  (unsigned long long)scan,
					  (unsigned long long)ty->sub_work,
					  VIGIL_MAX_EVENT_WORK, ty->costliest,
					  rs->rules[ty->costliest].id,
					  (unsigned long long)ty->costliest_work);
	}
	return 0;
}

/* The prefilter, and per type the fields that have keys. */
static int vr_index(struct vr_build *b)
{
	struct vigil_ruleset *rs = b->rs;
	size_t size = vigil_pf_size(b->nents);
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
	if (size > b->mem_limit || b->mem > b->mem_limit - size) {
		b->capped = true;
		return -ENOMEM;
	}
	ret = vigil_pf_build(&rs->pf, b->ents, b->nents);
	if (ret)
		return ret;
	b->mem += rs->pf.size;
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
 * value); the pool they point into; and, while compiling, a rule's
 * anchors and everyone's keys (at most one each a value).
 */
static int vr_alloc_all(struct vr_build *b)
{
	const struct vr_src *src = &b->src;
	struct vigil_ruleset *rs;
	u32 i, n = 0, nsub = 0, bits;
	size_t size;

	rs = vr_alloc(b, sizeof(*rs), false);
	if (!rs)
		return -ENOMEM;
	b->rs = rs;
	rs->mem = sizeof(*rs);
	rs->nrules = src->nrules;
	rs->recs = src->rules;
	rs->nodes = src->nodes;
	rs->values = src->values;
	rs->strtab = src->strtab;
	size = (size_t)src->nrules * (sizeof(struct vr_rule) + 2 * sizeof(u32)) +
	       (size_t)src->nvalues * sizeof(u32);
	rs->core = vr_alloc(b, size, false);
	if (!rs->core)
		return -ENOMEM;
	rs->mem += size;
	rs->rules = rs->core;
	rs->order = (u32 *)(rs->rules + src->nrules);
	rs->prep = rs->order + 2 * (size_t)src->nrules;
	b->anchors_size = (size_t)(src->nvalues ?: 1) * sizeof(*b->anchors);
	b->anchors = vr_alloc(b, b->anchors_size, true);
	if (!b->anchors)
		return -ENOMEM;
	b->ents_size = (size_t)(src->nvalues ?: 1) * sizeof(*b->ents);
	b->ents = vr_alloc(b, b->ents_size, true);
	if (!b->ents)
		return -ENOMEM;
	/* the table that finds equal globs: twice as many slots as globs */
	for (i = 0; i < src->nnodes; i++) {
		const struct vigil_node_rec *nd = &src->nodes[i];

		if (nd->kind != VIGIL_NODE_PRED)
			continue;
		/* a glob may bring a middle, a contains value its pattern */
		if (nd->op == VIGIL_OP_GLOB)
			n += le16_to_cpu(nd->argc);
		if (nd->op == VIGIL_OP_GLOB || nd->op == VIGIL_OP_CONTAINS)
			nsub += le16_to_cpu(nd->argc);
	}
	b->subpats_size = (size_t)min(nsub, src->nvalues) * sizeof(*b->subpats);
	b->subpats = vr_alloc(b, b->subpats_size, true);
	if (!b->subpats)
		return -ENOMEM;
	for (bits = 4; (1U << bits) < 2 * min(n, VIGIL_MAX_VALUES); bits++)
		;
	b->pat_mask = (1U << bits) - 1;
	b->pat_size = sizeof(*b->pat) << bits;
	b->pat = vr_alloc(b, b->pat_size, false);
	if (!b->pat)
		return -ENOMEM;
	/* the pool grows as globs are added, each zeroed as it comes */
	b->pool_cap = VR_POOL_START;
	rs->pool = vr_alloc(b, b->pool_cap, true);
	if (!rs->pool)
		return -ENOMEM;
	rs->mem += b->pool_cap;
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
 * Return: VIGIL_E_OK, VIGIL_E_NOMEM, VIGIL_E_MEM_CAP, VIGIL_E_COST,
 * VIGIL_E_INTR, or a structural error class.
 */
int vigil_ruleset_compile(const u8 *p, size_t len, struct vigil_ruleset **out,
			  struct vigil_error *err)
{
	return vigil_ruleset_build(p, len, VIGIL_MAX_CHANNEL_MEM, out, err);
}

/**
 * vigil_ruleset_build() - vigil_ruleset_compile() within a memory limit
 * @p: payload that passed vigil_payload_validate()
 * @len: payload length
 * @mem_limit: bytes the build may hold at any time, passing buffers
 *	included; what stays is less
 * @out: the rule set (vigil_ruleset_free()); NULL on failure
 * @err: why it failed; may be NULL
 *
 * Return: as vigil_ruleset_compile().
 */
int vigil_ruleset_build(const u8 *p, size_t len, size_t mem_limit,
			struct vigil_ruleset **out, struct vigil_error *err)
{
	struct vigil_error dummy;
	struct vr_build *b;
	u32 r;
	int ret;

	*out = NULL;
	if (!err)
		err = &dummy;
	if (sizeof(*b) > mem_limit)
		return vigil_errf(err, VIGIL_E_MEM_CAP, 0, true,
				  "no memory left under the cap of %llu bytes",
				  (unsigned long long)mem_limit);
	b = vigil_compile_alloc(sizeof(*b));
	if (!b)
		return vigil_errf(err, VIGIL_E_NOMEM, 0, true,
				  "no memory for the rule set");
	b->err = err;		/* the rest is zeroed */
	b->mem = sizeof(*b);
	b->mem_limit = mem_limit;
	for (r = 1; r <= VIGIL_EV_MAX; r++)
		b->desc[r] = vigil_event_desc(r);
	ret = vr_parse(b, p, len);
	if (!ret)
		ret = vr_alloc_all(b);
	for (r = 0; !ret && r < b->src.nrules; r++) {
		ret = vr_rule(b, r);
		if (!ret && !((r + 1) % 1024) && vigil_yield())
			ret = -EINTR;
	}
	/* every form is built: the table that found equal ones goes */
	vr_free(b, b->pat, b->pat_size);
	b->pat = NULL;
	if (!ret)
		ret = vr_subs(b);
	if (!ret)
		ret = vr_index(b);
	if (!ret)
		ret = vr_scratch(b);
	if (!ret) {
		vr_lists(b->rs);
		ret = vr_bounds(b);
	}
	if (ret == -ENOMEM && b->capped)
		ret = vigil_errf(err, VIGIL_E_MEM_CAP, 0, true,
				 "the compiled rule set needs more than the %llu bytes it may use",
				 (unsigned long long)mem_limit);
	else if (ret == -EINTR)
		ret = vigil_errf(err, VIGIL_E_INTR, 0, true,
				 "interrupted by a fatal signal");
	else if (ret < 0)
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
	vigil_free(b->subpats);
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
	vigil_free(rs->scratch);
	vigil_free(rs->states);
	vigil_free(rs->subs);
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

u64 vigil_ruleset_work(const struct vigil_ruleset *rs, u32 type)
{
	if (!rs || !type || type > VIGIL_EV_MAX)
		return 0;
	return rs->types[type].work;
}

const char *vigil_ruleset_title(const struct vigil_ruleset *rs,
				u32 rule_index, u32 *len)
{
	const struct vigil_strref *t;

	*len = 0;
	if (!rs || rule_index >= rs->nrules)
		return "";
	/* checked by the validator: in the string table, without a NUL */
	t = &rs->recs[rule_index].title;
	*len = le32_to_cpu(t->len);
	return (const char *)rs->strtab + le32_to_cpu(t->off);
}

u32 vigil_ruleset_costliest(const struct vigil_ruleset *rs, u32 type,
			    u64 *work)
{
	if (!rs || !type || type > VIGIL_EV_MAX || !rs->types[type].n)
		return U32_MAX;
	if (work)
		*work = rs->types[type].costliest_work;
	return rs->types[type].costliest;
}

int vigil_ruleset_each_eq(const struct vigil_ruleset *rs, vigil_eq_fn fn,
			  void *ctx)
{
	u32 r, i, v;
	int ret;

	if (!rs)
		return 0;
	for (r = 0; r < rs->nrules; r++) {
		const struct vr_rule *ru = &rs->rules[r];
		const struct vigil_event_desc *desc = vigil_event_desc(ru->type);

		/* nodes, fields and values were checked at compile time */
		for (i = ru->node; i < ru->node + ru->nnodes; i++) {
			const struct vigil_node_rec *n = &rs->nodes[i];
			u16 field = le16_to_cpu(n->field);
			u32 arg = le32_to_cpu(n->arg);

			if (n->kind != VIGIL_NODE_PRED || n->op != VIGIL_OP_EQ ||
			    (n->flags & VIGIL_PRED_NOCASE) ||
			    !vr_is_str(desc->fields[field].type))
				continue;
			for (v = arg; v < arg + le16_to_cpu(n->argc); v++) {
				const struct vigil_strref *sr = &rs->values[v].str;

				ret = fn(ctx, ru->type, field,
					 rs->strtab + le32_to_cpu(sr->off),
					 le32_to_cpu(sr->len));
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}
