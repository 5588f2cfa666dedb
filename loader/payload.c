// SPDX-License-Identifier: GPL-2.0
/*
 * Structural validation of a decompressed channel payload.
 *
 * One pass over the records in file order, nothing recursive, nothing
 * allocated but the scratch arrays of the radix sort that finds duplicate
 * rule ids (only when the ids are not already in increasing order).  A record
 * is overlaid only once it is known to lie inside the buffer; the buffer is
 * 8-byte aligned and every section starts at a multiple of 8, so every
 * record is naturally aligned.  channels/FORMAT.md ("Payload checks") lists
 * the checks in the order they are made here.
 */
#include "errmsg.h"
#include "ruleset.h"

/* What a predicate's values hold, from the field's type. */
enum vigil_vkind {
	VIGIL_VK_STR,
	VIGIL_VK_U64,
	VIGIL_VK_ADDR,
};

struct vigil_pv {
	const u8 *p;
	struct vigil_error *err;
	u32 nrules, nnodes, nvalues, strtab_size;
	size_t rules_off, nodes_off, values_off, strtab_off;
	u32 next_node, next_value;
	/* the rule being checked, for messages */
	u32 ri, rid;
	const struct vigil_event_desc *ev;
	u64 ev_work[VIGIL_EV_MAX + 1];	/* the rules' part of the bound */
	u64 *nulmap;		/* see pv_nulmap(); NULL: none */
};

static size_t pv_rule_off(const struct vigil_pv *v, u32 i)
{
	return v->rules_off + (size_t)i * sizeof(struct vigil_rule_rec);
}

static size_t pv_node_off(const struct vigil_pv *v, u32 i)
{
	return v->nodes_off + (size_t)i * sizeof(struct vigil_node_rec);
}

static size_t pv_value_off(const struct vigil_pv *v, u32 i)
{
	return v->values_off + (size_t)i * sizeof(struct vigil_value_rec);
}

/* Overlays: only for indexes already checked against the counts. */
static const struct vigil_rule_rec *pv_rule(const struct vigil_pv *v, u32 i)
{
	return (const void *)(v->p + pv_rule_off(v, i));
}

static const struct vigil_node_rec *pv_node(const struct vigil_pv *v, u32 i)
{
	return (const void *)(v->p + pv_node_off(v, i));
}

static const struct vigil_value_rec *pv_value(const struct vigil_pv *v, u32 i)
{
	return (const void *)(v->p + pv_value_off(v, i));
}

/* true if [off, off + len) lies inside the string table */
static bool pv_strref_ok(const struct vigil_pv *v,
			 const struct vigil_strref *r)
{
	u32 end;

	if (check_add_overflow(le32_to_cpu(r->off), le32_to_cpu(r->len), &end))
		return false;
	return end <= v->strtab_size;
}

static const u8 *pv_str(const struct vigil_pv *v, const struct vigil_strref *r)
{
	return v->p + v->strtab_off + le32_to_cpu(r->off);
}

/* log2 of the bytes of the string table one bit of the NUL map covers */
#define PV_NUL_BLOCK	6

/*
 * The NUL map: one bit per 64-byte block of the string table, set when
 * the block holds a NUL byte.  A string in unmarked blocks then needs a
 * bit test or two instead of a scan of its own; a string that touches a
 * marked block (or any string, when there is no memory for the map) is
 * scanned.  Building it is one scan of the table, which skips to the next
 * block at each NUL.  Without it, validation is the same, only slower.
 */
static void pv_nulmap(struct vigil_pv *v)
{
	const u8 *t = v->p + v->strtab_off, *q;
	u32 n = v->strtab_size, at = 0, blk;
	size_t nblk = ((size_t)n + (1U << PV_NUL_BLOCK) - 1) >> PV_NUL_BLOCK;

	if (!n)
		return;
	v->nulmap = vigil_alloc((nblk + 63) / 64 * sizeof(u64));
	if (!v->nulmap)
		return;
	while (at < n) {
		q = memchr(t + at, 0, n - at);
		if (!q)
			break;
		blk = (u32)(q - t) >> PV_NUL_BLOCK;
		v->nulmap[blk / 64] |= 1ULL << (blk % 64);
		at = (blk + 1) << PV_NUL_BLOCK;
	}
}

static bool pv_nul_block(const struct vigil_pv *v, u32 blk)
{
	return v->nulmap[blk / 64] & (1ULL << (blk % 64));
}

/* Whether [@off, +@len), inside the string table, holds a NUL byte. */
static inline bool pv_has_nul(const struct vigil_pv *v, u32 off, u32 len)
{
	u32 blk, last;

	if (!len)
		return false;
	/* most strings lie in one or two blocks: test those without a loop */
	if (v->nulmap) {
		blk = off >> PV_NUL_BLOCK;
		last = (off + len - 1) >> PV_NUL_BLOCK;
		if (last - blk <= 1 && !pv_nul_block(v, blk) &&
		    !pv_nul_block(v, last))
			return false;
	}
	return memchr(v->p + v->strtab_off + off, 0, len) != NULL;
}

/* A glob is malformed only if it ends in an escaping backslash. */
static bool pv_glob_ok(const u8 *s, u32 len)
{
	u32 n = 0;

	while (n < len && s[len - 1 - n] == '\\')
		n++;
	return !(n & 1);
}

/* A title or tag list: in bounds, length in range, no NUL byte. */
static int pv_rule_str(struct vigil_pv *v, const struct vigil_rule_rec *r,
		       const struct vigil_strref *s, const char *what,
		       u32 minlen, u32 maxlen)
{
	size_t off = pv_rule_off(v, v->ri) + ((const u8 *)s - (const u8 *)r);
	u32 len = le32_to_cpu(s->len);

	if (!pv_strref_ok(v, s))
		return vigil_errf(v->err, VIGIL_E_STRREF, off, true,
				  "rule %u (id %u) %s [%u, +%u) outside string table of %u bytes",
				  v->ri, v->rid, what, le32_to_cpu(s->off),
				  len, v->strtab_size);
	if (len < minlen || len > maxlen)
		return vigil_errf(v->err, VIGIL_E_RULE, off, true,
				  "rule %u (id %u) %s length %u not in %u..%u",
				  v->ri, v->rid, what, len, minlen, maxlen);
	if (pv_has_nul(v, le32_to_cpu(s->off), len))
		return vigil_errf(v->err, VIGIL_E_RULE, off, true,
				  "rule %u (id %u) %s contains a NUL byte",
				  v->ri, v->rid, what);
	return VIGIL_E_OK;
}

/*
 * One value of predicate node @ni (rule-relative @nj).  Adds its work
 * bound to *@work.
 */
static int pv_value_check(struct vigil_pv *v, u32 nj, u32 vi, u8 op,
			  enum vigil_vkind vk, u64 *work)
{
	const struct vigil_value_rec *val = pv_value(v, vi);
	size_t off = pv_value_off(v, vi);
	u64 num = le64_to_cpu(val->num);
	u32 soff = le32_to_cpu(val->str.off);
	u32 slen = le32_to_cpu(val->str.len);

	switch (vk) {
	case VIGIL_VK_U64:
		if (soff || slen)
			return vigil_errf(v->err, VIGIL_E_VALUE, off + 8, true,
					  "rule %u (id %u) node %u value %u: numeric value has string [%u, +%u), must be {0, 0}",
					  v->ri, v->rid, nj, vi, soff, slen);
		*work += vr_value_work_max(op, false, NULL, 0);
		return VIGIL_E_OK;
	case VIGIL_VK_ADDR:
		if (!pv_strref_ok(v, &val->str))
			return vigil_errf(v->err, VIGIL_E_STRREF, off + 8, true,
					  "rule %u (id %u) node %u value %u: address [%u, +%u) outside string table of %u bytes",
					  v->ri, v->rid, nj, vi, soff, slen,
					  v->strtab_size);
		if (slen != 16)
			return vigil_errf(v->err, VIGIL_E_VALUE, off + 12, true,
					  "rule %u (id %u) node %u value %u: address of %u bytes, must be 16",
					  v->ri, v->rid, nj, vi, slen);
		if (op == VIGIL_OP_EQ ? num != 128 : num > 128)
			return vigil_errf(v->err, VIGIL_E_VALUE, off, true,
					  "rule %u (id %u) node %u value %u: prefix length %llu, must be %s",
					  v->ri, v->rid, nj, vi,
					  (unsigned long long)num,
					  op == VIGIL_OP_EQ ? "128 for eq" : "0..128");
		*work += vr_value_work_max(op, false, NULL, 0);
		return VIGIL_E_OK;
	case VIGIL_VK_STR:
		break;
	}

	if (num)
		return vigil_errf(v->err, VIGIL_E_VALUE, off, true,
				  "rule %u (id %u) node %u value %u: string value has num %llu, must be 0",
				  v->ri, v->rid, nj, vi,
				  (unsigned long long)num);
	if (!pv_strref_ok(v, &val->str))
		return vigil_errf(v->err, VIGIL_E_STRREF, off + 8, true,
				  "rule %u (id %u) node %u value %u: pattern [%u, +%u) outside string table of %u bytes",
				  v->ri, v->rid, nj, vi, soff, slen,
				  v->strtab_size);
	if (slen < 1 || slen > VIGIL_MAX_PATTERN_LEN)
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 12, true,
				  "rule %u (id %u) node %u value %u: pattern length %u not in 1..%u",
				  v->ri, v->rid, nj, vi, slen,
				  VIGIL_MAX_PATTERN_LEN);
	if (pv_has_nul(v, soff, slen))
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 8, true,
				  "rule %u (id %u) node %u value %u: pattern contains a NUL byte",
				  v->ri, v->rid, nj, vi);
	if (op == VIGIL_OP_GLOB && !pv_glob_ok(pv_str(v, &val->str), slen))
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 8, true,
				  "rule %u (id %u) node %u value %u: glob ends in a lone backslash",
				  v->ri, v->rid, nj, vi);
	*work += vr_value_work_max(op, true, pv_str(v, &val->str), slen);
	return VIGIL_E_OK;
}

/* Operator against field type: which kind of value, or -1 if it does not apply. */
static int pv_vkind(u8 op, u8 ftype)
{
	bool str = ftype == VIGIL_FT_STR || ftype == VIGIL_FT_PATH;

	switch (op) {
	case VIGIL_OP_EQ:
		if (str)
			return VIGIL_VK_STR;
		if (ftype == VIGIL_FT_U64)
			return VIGIL_VK_U64;
		if (ftype == VIGIL_FT_ADDR)
			return VIGIL_VK_ADDR;
		return -1;
	case VIGIL_OP_PREFIX:
	case VIGIL_OP_SUFFIX:
	case VIGIL_OP_CONTAINS:
	case VIGIL_OP_GLOB:
		return str ? VIGIL_VK_STR : -1;
	case VIGIL_OP_LT:
	case VIGIL_OP_LE:
	case VIGIL_OP_GT:
	case VIGIL_OP_GE:
	case VIGIL_OP_MASK_ALL:
	case VIGIL_OP_MASK_ANY:
		return ftype == VIGIL_FT_U64 ? VIGIL_VK_U64 : -1;
	case VIGIL_OP_CIDR:
		return ftype == VIGIL_FT_ADDR ? VIGIL_VK_ADDR : -1;
	}
	return -1;
}

static const char *const pv_ftype_name[] = {
	[VIGIL_FT_U64] = "u64",
	[VIGIL_FT_STR] = "str",
	[VIGIL_FT_PATH] = "path",
	[VIGIL_FT_ADDR] = "addr",
};

/* A predicate node; its values come next in values[]. */
static int pv_pred(struct vigil_pv *v, const struct vigil_node_rec *n,
		   u32 ni, u32 nj, u64 *work)
{
	size_t off = pv_node_off(v, ni);
	u32 field = le16_to_cpu(n->field);
	u32 argc = le16_to_cpu(n->argc);
	u32 arg = le32_to_cpu(n->arg);
	const struct vigil_field_desc *fd;
	u32 i, end;
	int vk, ret;

	if (field >= v->ev->nfields)
		return vigil_errf(v->err, VIGIL_E_FIELD, off + 4, true,
				  "rule %u (id %u) node %u reads field %u of %s, which has %u fields",
				  v->ri, v->rid, nj, field, v->ev->name,
				  v->ev->nfields);
	fd = &v->ev->fields[field];
	if (n->op < 1 || n->op > VIGIL_OP_MAX)
		return vigil_errf(v->err, VIGIL_E_OPERATOR, off + 1, true,
				  "rule %u (id %u) node %u: unknown operator %u",
				  v->ri, v->rid, nj, n->op);
	vk = pv_vkind(n->op, fd->type);
	if (vk < 0)
		return vigil_errf(v->err, VIGIL_E_TYPE, off + 1, true,
				  "rule %u (id %u) node %u: operator %u does not apply to %s field %s.%s",
				  v->ri, v->rid, nj, n->op,
				  pv_ftype_name[fd->type], v->ev->name,
				  fd->name);
	if (n->flags & ~VIGIL_PRED_FLAGS_KNOWN)
		return vigil_errf(v->err, VIGIL_E_TYPE, off + 2, true,
				  "rule %u (id %u) node %u: unknown flags 0x%x",
				  v->ri, v->rid, nj, n->flags);
	if ((n->flags & VIGIL_PRED_NOCASE) && vk != VIGIL_VK_STR)
		return vigil_errf(v->err, VIGIL_E_TYPE, off + 2, true,
				  "rule %u (id %u) node %u: nocase on %s field %s.%s",
				  v->ri, v->rid, nj, pv_ftype_name[fd->type],
				  v->ev->name, fd->name);
	if (argc < 1 || argc > VIGIL_MAX_PRED_VALUES)
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 6, true,
				  "rule %u (id %u) node %u: %u values, must be 1..%u",
				  v->ri, v->rid, nj, argc,
				  VIGIL_MAX_PRED_VALUES);
	if (arg != v->next_value)
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 8, true,
				  "rule %u (id %u) node %u: values start at %u, expected %u (value ranges must be contiguous, in node order)",
				  v->ri, v->rid, nj, arg, v->next_value);
	if (check_add_overflow(arg, argc, &end) || end > v->nvalues)
		return vigil_errf(v->err, VIGIL_E_VALUE, off + 8, true,
				  "rule %u (id %u) node %u: values [%u, +%u) outside values[%u]",
				  v->ri, v->rid, nj, arg, argc, v->nvalues);
	for (i = arg; i < end; i++) {
		ret = pv_value_check(v, nj, i, n->op, vk, work);
		if (ret)
			return ret;
	}
	v->next_value = end;
	return VIGIL_E_OK;
}

/* The nodes of rule v->ri: a postfix program leaving one truth value. */
static int pv_expr(struct vigil_pv *v, u32 first, u32 count, u64 *work)
{
	static const char *const kind_name[] = {
		[VIGIL_NODE_AND] = "and", [VIGIL_NODE_OR] = "or",
		[VIGIL_NODE_NOT] = "not",
	};
	u32 depth = 0, nj;
	int ret;

	for (nj = 0; nj < count; nj++) {
		u32 ni = first + nj;
		const struct vigil_node_rec *n = pv_node(v, ni);
		size_t off = pv_node_off(v, ni);
		u32 argc = le16_to_cpu(n->argc);

		if (n->kind < VIGIL_NODE_PRED || n->kind > VIGIL_NODE_NOT)
			return vigil_errf(v->err, VIGIL_E_EXPR, off, true,
					  "rule %u (id %u) node %u: unknown kind %u",
					  v->ri, v->rid, nj, n->kind);
		if (n->reserved || n->reserved2)
			return vigil_errf(v->err, VIGIL_E_RESERVED,
					  off + (n->reserved ? 3 : 12), true,
					  "rule %u (id %u) node %u: reserved field not zero",
					  v->ri, v->rid, nj);
		if (n->kind == VIGIL_NODE_PRED) {
			ret = pv_pred(v, n, ni, nj, work);
			if (ret)
				return ret;
			if (++depth > VIGIL_MAX_EXPR_DEPTH)
				return vigil_errf(v->err, VIGIL_E_DEPTH, off,
						  true,
						  "rule %u (id %u) node %u: stack depth %u over cap %u",
						  v->ri, v->rid, nj, depth,
						  VIGIL_MAX_EXPR_DEPTH);
			continue;
		}
		if (n->op || n->flags || n->field || n->arg)
			return vigil_errf(v->err, VIGIL_E_EXPR, off, true,
					  "rule %u (id %u) node %u: %s node with non-zero op, flags, field or arg",
					  v->ri, v->rid, nj, kind_name[n->kind]);
		if (n->kind == VIGIL_NODE_NOT ? argc != 1 : argc < 2)
			return vigil_errf(v->err, VIGIL_E_EXPR, off + 6, true,
					  "rule %u (id %u) node %u: %s with %u operands",
					  v->ri, v->rid, nj, kind_name[n->kind],
					  argc);
		if (argc > depth)
			return vigil_errf(v->err, VIGIL_E_EXPR, off + 6, true,
					  "rule %u (id %u) node %u: %s pops %u operands, stack holds %u",
					  v->ri, v->rid, nj, kind_name[n->kind],
					  argc, depth);
		depth -= argc - 1;
	}
	if (depth != 1)
		return vigil_errf(v->err, VIGIL_E_EXPR, pv_node_off(v, first),
				  true,
				  "rule %u (id %u): expression leaves %u values, must leave 1",
				  v->ri, v->rid, depth);
	return VIGIL_E_OK;
}

static int pv_rule_check(struct vigil_pv *v)
{
	const struct vigil_rule_rec *r = pv_rule(v, v->ri);
	size_t off = pv_rule_off(v, v->ri);
	u32 etype = le16_to_cpu(r->event_type);
	u32 first = le32_to_cpu(r->expr_first);
	u32 count = le32_to_cpu(r->expr_count);
	u64 work;
	u32 end;
	int ret;

	v->rid = le32_to_cpu(r->id);
	if (!v->rid)
		return vigil_errf(v->err, VIGIL_E_RULE, off, true,
				  "rule %u has id 0", v->ri);
	v->ev = vigil_event_desc(etype);
	if (!v->ev)
		return vigil_errf(v->err, VIGIL_E_EVENT_TYPE, off + 4, true,
				  "rule %u (id %u): unknown event type %u",
				  v->ri, v->rid, etype);
	if (r->action < VIGIL_ACTION_REPORT || r->action > VIGIL_ACTION_MAX)
		return vigil_errf(v->err, VIGIL_E_RULE, off + 6, true,
				  "rule %u (id %u): unknown action %u",
				  v->ri, v->rid, r->action);
	if (r->severity > VIGIL_SEV_CRITICAL)
		return vigil_errf(v->err, VIGIL_E_RULE, off + 7, true,
				  "rule %u (id %u): unknown severity %u",
				  v->ri, v->rid, r->severity);
	if (r->flags)
		return vigil_errf(v->err, VIGIL_E_RULE, off + 8, true,
				  "rule %u (id %u): unknown flags 0x%x",
				  v->ri, v->rid, le32_to_cpu(r->flags));
	if (r->reserved)
		return vigil_errf(v->err, VIGIL_E_RESERVED, off + 20, true,
				  "rule %u (id %u): reserved field not zero",
				  v->ri, v->rid);
	ret = pv_rule_str(v, r, &r->title, "title", 1, VIGIL_MAX_TITLE_LEN);
	if (ret)
		return ret;
	ret = pv_rule_str(v, r, &r->tags, "tags", 0, VIGIL_MAX_TAGS_LEN);
	if (ret)
		return ret;
	if (count < 1 || count > VIGIL_MAX_RULE_NODES)
		return vigil_errf(v->err, VIGIL_E_EXPR, off + 16, true,
				  "rule %u (id %u): %u nodes, must be 1..%u",
				  v->ri, v->rid, count, VIGIL_MAX_RULE_NODES);
	if (first != v->next_node)
		return vigil_errf(v->err, VIGIL_E_EXPR, off + 12, true,
				  "rule %u (id %u): nodes start at %u, expected %u (node ranges must be contiguous, in rule order)",
				  v->ri, v->rid, first, v->next_node);
	if (check_add_overflow(first, count, &end) || end > v->nnodes)
		return vigil_errf(v->err, VIGIL_E_EXPR, off + 12, true,
				  "rule %u (id %u): nodes [%u, +%u) outside nodes[%u]",
				  v->ri, v->rid, first, count, v->nnodes);
	work = vr_rule_work(count);
	ret = pv_expr(v, first, count, &work);
	if (ret)
		return ret;
	v->next_node = end;
	if (work > VIGIL_MAX_RULE_WORK)
		return vigil_errf(v->err, VIGIL_E_COST, off, true,
				  "rule %u (id %u): work %llu steps, over the rule cap %u",
				  v->ri, v->rid, (unsigned long long)work,
				  VIGIL_MAX_RULE_WORK);
	v->ev_work[etype] += work;
	if (v->ev_work[etype] > VIGIL_MAX_EVENT_WORK)
		return vigil_errf(v->err, VIGIL_E_COST, off, true,
				  "rule %u (id %u): rules of %s take %llu steps together, over the event budget %u",
				  v->ri, v->rid, v->ev->name,
				  (unsigned long long)v->ev_work[etype],
				  VIGIL_MAX_EVENT_WORK);
	return VIGIL_E_OK;
}

/*
 * Stable LSD radix sort of (id << 32 | index) keys on the id, a byte per
 * pass: O(n), and equal ids keep their file order.  A pass in which every
 * key has the same byte is skipped.  tmp holds n keys; returns the array
 * that holds the result.
 */
static u64 *pv_radix_sort(u64 *a, u64 *tmp, u32 n)
{
	u32 count[256];
	unsigned int shift;
	u32 i, sum, c;
	u64 *t;

	for (shift = 32; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xff]++;
		if (count[(a[0] >> shift) & 0xff] == n)
			continue;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[(a[i] >> shift) & 0xff]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/*
 * Rule ids must be unique.  Ids in increasing order (what a compiler
 * usually writes) are unique; otherwise sort (id, index) pairs and
 * compare neighbours.
 */
static int pv_dup_ids(struct vigil_pv *v)
{
	u32 i, prev = 0;
	u64 *keys, *sorted;
	int ret = VIGIL_E_OK;

	for (i = 0; i < v->nrules; i++) {
		u32 id = le32_to_cpu(pv_rule(v, i)->id);

		if (id <= prev)
			break;
		prev = id;
	}
	if (i == v->nrules)
		return VIGIL_E_OK;

	keys = vigil_alloc((size_t)v->nrules * 2 * sizeof(*keys));
	if (!keys)
		return vigil_errf(v->err, VIGIL_E_NOMEM, 0, true,
				  "no memory to sort %u rule ids", v->nrules);
	for (i = 0; i < v->nrules; i++)
		keys[i] = (u64)le32_to_cpu(pv_rule(v, i)->id) << 32 | i;
	sorted = pv_radix_sort(keys, keys + v->nrules, v->nrules);
	for (i = 1; i < v->nrules; i++) {
		u32 id = sorted[i] >> 32;
		u32 a = (u32)sorted[i - 1], b = (u32)sorted[i];

		if (id == sorted[i - 1] >> 32) {
			ret = vigil_errf(v->err, VIGIL_E_DUP_RULE,
					 pv_rule_off(v, b), true,
					 "rule %u has id %u, as rule %u has",
					 b, id, a);
			break;
		}
	}
	vigil_free(keys);
	return ret;
}

/* Section offsets; every size computed with overflow checks. */
static int pv_layout(struct vigil_pv *v, size_t len)
{
	size_t sz;

	v->rules_off = sizeof(struct vigil_payload_header);
	if (check_mul_overflow((size_t)v->nrules,
			       sizeof(struct vigil_rule_rec), &sz) ||
	    check_add_overflow(v->rules_off, sz, &v->nodes_off) ||
	    check_mul_overflow((size_t)v->nnodes,
			       sizeof(struct vigil_node_rec), &sz) ||
	    check_add_overflow(v->nodes_off, sz, &v->values_off) ||
	    check_mul_overflow((size_t)v->nvalues,
			       sizeof(struct vigil_value_rec), &sz) ||
	    check_add_overflow(v->values_off, sz, &v->strtab_off) ||
	    check_add_overflow(v->strtab_off, (size_t)v->strtab_size, &sz))
		return vigil_errf(v->err, VIGIL_E_PAYLOAD, 4, true,
				  "section sizes overflow");
	if (sz != len)
		return vigil_errf(v->err, VIGIL_E_PAYLOAD, min(sz, len), true,
				  "sections end at %llu, payload has %llu bytes",
				  (unsigned long long)sz,
				  (unsigned long long)len);
	return VIGIL_E_OK;
}

/**
 * vigil_payload_validate() - check a decompressed payload completely
 * @p: decompressed payload, 8-byte aligned
 * @len: its length
 * @err: why it failed; may be NULL
 *
 * Return: VIGIL_E_OK or the class of the first failing check.
 */
int vigil_payload_validate(const u8 *p, size_t len, struct vigil_error *err)
{
	const struct vigil_payload_header *h = (const void *)p;
	struct vigil_error dummy;
	struct vigil_pv v;
	int ret;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (len < sizeof(*h))
		return vigil_errf(err, VIGIL_E_PAYLOAD, len, true,
				  "payload of %llu bytes, header needs %u",
				  (unsigned long long)len,
				  (unsigned int)sizeof(*h));
	if ((uintptr_t)p & 7)
		return vigil_errf(err, VIGIL_E_PAYLOAD, 0, true,
				  "payload buffer not 8-byte aligned");
	if (le32_to_cpu(h->magic) != VIGIL_PAYLOAD_MAGIC)
		return vigil_errf(err, VIGIL_E_PAYLOAD, 0, true,
				  "bad payload magic 0x%08x, expected 0x%08x",
				  le32_to_cpu(h->magic), VIGIL_PAYLOAD_MAGIC);
	if (h->reserved)
		return vigil_errf(err, VIGIL_E_RESERVED, 20, true,
				  "payload header reserved field 0x%x not zero",
				  le32_to_cpu(h->reserved));

	memset(&v, 0, sizeof(v));
	v.p = p;
	v.err = err;
	v.nrules = le32_to_cpu(h->nrules);
	v.nnodes = le32_to_cpu(h->nnodes);
	v.nvalues = le32_to_cpu(h->nvalues);
	v.strtab_size = le32_to_cpu(h->strtab_size);
	if (v.nrules < 1 || v.nrules > VIGIL_MAX_RULES)
		return vigil_errf(err, VIGIL_E_COUNT_CAP, 4, true,
				  "nrules %u not in 1..%u", v.nrules,
				  VIGIL_MAX_RULES);
	if (v.nnodes > VIGIL_MAX_NODES)
		return vigil_errf(err, VIGIL_E_COUNT_CAP, 8, true,
				  "nnodes %u over cap %u", v.nnodes,
				  VIGIL_MAX_NODES);
	if (v.nvalues > VIGIL_MAX_VALUES)
		return vigil_errf(err, VIGIL_E_COUNT_CAP, 12, true,
				  "nvalues %u over cap %u", v.nvalues,
				  VIGIL_MAX_VALUES);
	if (v.strtab_size > VIGIL_MAX_STRTAB_SIZE)
		return vigil_errf(err, VIGIL_E_COUNT_CAP, 16, true,
				  "strtab_size %u over cap %u", v.strtab_size,
				  VIGIL_MAX_STRTAB_SIZE);
	ret = pv_layout(&v, len);
	if (ret)
		return ret;

	pv_nulmap(&v);
	for (v.ri = 0; v.ri < v.nrules; v.ri++) {
		ret = pv_rule_check(&v);
		if (ret)
			goto out;
		if (!((v.ri + 1) % 1024) && vigil_yield()) {
			ret = vigil_errf(err, VIGIL_E_INTR, pv_rule_off(&v, v.ri),
					 true, "interrupted at rule %u", v.ri);
			goto out;
		}
	}
	if (v.next_node != v.nnodes) {
		ret = vigil_errf(err, VIGIL_E_EXPR,
				 pv_node_off(&v, v.next_node), true,
				 "nodes %u..%u belong to no rule",
				 v.next_node, v.nnodes - 1);
		goto out;
	}
	if (v.next_value != v.nvalues) {
		ret = vigil_errf(err, VIGIL_E_VALUE,
				 pv_value_off(&v, v.next_value), true,
				 "values %u..%u belong to no predicate",
				 v.next_value, v.nvalues - 1);
		goto out;
	}
	ret = pv_dup_ids(&v);
out:
	vigil_free(v.nulmap);
	return ret;
}
