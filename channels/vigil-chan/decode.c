// SPDX-License-Identifier: GPL-2.0
/*
 * Payload records back to names and text, for inspect and test.
 */
#include <string.h>

#include "decode.h"

static uint32_t rd32(const uint8_t *p)
{
	return get_unaligned_le32(p);
}

static uint16_t rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

int dec_init(struct dec *d, const uint8_t *p, size_t len)
{
	memset(d, 0, sizeof(*d));
	if (len < sizeof(struct vigil_payload_header))
		return -1;
	d->p = p;
	d->len = len;
#define HDR(f) rd32(p + offsetof(struct vigil_payload_header, f))
	d->nrules = HDR(nrules);
	d->nnodes = HDR(nnodes);
	d->nvalues = HDR(nvalues);
	d->strtab_size = HDR(strtab_size);
#undef HDR
	d->rules_off = sizeof(struct vigil_payload_header);
	d->nodes_off = d->rules_off +
		       (size_t)d->nrules * sizeof(struct vigil_rule_rec);
	d->values_off = d->nodes_off +
			(size_t)d->nnodes * sizeof(struct vigil_node_rec);
	d->strtab_off = d->values_off +
			(size_t)d->nvalues * sizeof(struct vigil_value_rec);
	if (d->strtab_off + d->strtab_size != len)
		return -1;
	return 0;
}

static const char *dec_str(const struct dec *d, const uint8_t *ref,
			   size_t *len)
{
	uint32_t off = rd32(ref), l = rd32(ref + 4);

	if (off > d->strtab_size || l > d->strtab_size - off) {
		*len = 0;
		return "";
	}
	*len = l;
	return (const char *)d->p + d->strtab_off + off;
}

void dec_rule(const struct dec *d, uint32_t i, struct dec_rule *r)
{
	const uint8_t *p = d->p + d->rules_off +
			   (size_t)i * sizeof(struct vigil_rule_rec);

#define AT(f) (p + offsetof(struct vigil_rule_rec, f))
	r->id = rd32(AT(id));
	r->event_type = rd16(AT(event_type));
	r->action = *AT(action);
	r->severity = *AT(severity);
	r->expr_first = rd32(AT(expr_first));
	r->expr_count = rd32(AT(expr_count));
	r->title = dec_str(d, AT(title), &r->title_len);
	r->tags = dec_str(d, AT(tags), &r->tags_len);
#undef AT
}

void dec_node(const struct dec *d, uint32_t i, struct dec_node *n)
{
	const uint8_t *p = d->p + d->nodes_off +
			   (size_t)i * sizeof(struct vigil_node_rec);

#define AT(f) (p + offsetof(struct vigil_node_rec, f))
	n->kind = *AT(kind);
	n->op = *AT(op);
	n->flags = *AT(flags);
	n->field = rd16(AT(field));
	n->argc = rd16(AT(argc));
	n->arg = rd32(AT(arg));
#undef AT
}

const char *dec_op_name(unsigned int op)
{
	static const char *const names[] = {
		[VIGIL_OP_EQ] = "eq",
		[VIGIL_OP_PREFIX] = "startswith",
		[VIGIL_OP_SUFFIX] = "endswith",
		[VIGIL_OP_CONTAINS] = "contains",
		[VIGIL_OP_GLOB] = "glob",
		[VIGIL_OP_LT] = "lt",
		[VIGIL_OP_LE] = "lte",
		[VIGIL_OP_GT] = "gt",
		[VIGIL_OP_GE] = "gte",
		[VIGIL_OP_MASK_ALL] = "mask_all",
		[VIGIL_OP_MASK_ANY] = "mask_any",
		[VIGIL_OP_CIDR] = "cidr",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "?";
}

const char *dec_kind_name(unsigned int kind)
{
	switch (kind) {
	case VIGIL_NODE_PRED:
		return "pred";
	case VIGIL_NODE_AND:
		return "and";
	case VIGIL_NODE_OR:
		return "or";
	case VIGIL_NODE_NOT:
		return "not";
	}
	return "?";
}

const char *dec_severity_name(unsigned int sev)
{
	static const char *const names[] = {
		[VIGIL_SEV_INFO] = "info",
		[VIGIL_SEV_LOW] = "low",
		[VIGIL_SEV_MEDIUM] = "medium",
		[VIGIL_SEV_HIGH] = "high",
		[VIGIL_SEV_CRITICAL] = "critical",
	};

	return sev < ARRAY_SIZE(names) ? names[sev] : "?";
}

const char *dec_action_name(unsigned int act)
{
	switch (act) {
	case VIGIL_ACTION_REPORT:
		return "report";
	case VIGIL_ACTION_KILL:
		return "kill";
	case VIGIL_ACTION_DENY:
		return "deny";
	}
	return "?";
}

const char *dec_event_name(unsigned int type)
{
	const struct vigil_event_desc *ev = vigil_event_desc(type);

	return ev ? ev->name : "?";
}

static unsigned int field_type(unsigned int type, unsigned int field)
{
	const struct vigil_event_desc *ev = vigil_event_desc(type);

	return ev && field < ev->nfields ? ev->fields[field].type : 0;
}

const char *dec_field_name(unsigned int type, unsigned int field)
{
	const struct vigil_event_desc *ev = vigil_event_desc(type);

	return ev && field < ev->nfields ? ev->fields[field].name : "?";
}

void dec_pred_key(unsigned int type, const struct dec_node *n,
		  struct sbuf *out)
{
	sb_addf(out, "%s", dec_field_name(type, n->field));
	if (n->op != VIGIL_OP_EQ)
		sb_addf(out, "|%s", dec_op_name(n->op));
	if (n->flags & VIGIL_PRED_NOCASE)
		sb_addf(out, "|nocase");
	if (n->flags & VIGIL_PRED_ALL)
		sb_addf(out, "|all");
}

bool dec_field_is_addr(unsigned int type, unsigned int field)
{
	return field_type(type, field) == VIGIL_FT_ADDR;
}

const char *dec_value_raw(const struct dec *d, unsigned int type,
			  const struct dec_node *n, uint32_t i, uint64_t *num,
			  size_t *len)
{
	const uint8_t *v = d->p + d->values_off +
			   (size_t)(n->arg + i) * sizeof(struct vigil_value_rec);
	unsigned int t = field_type(type, n->field);

	*num = rd64(v + offsetof(struct vigil_value_rec, num));
	*len = 0;
	if (t != VIGIL_FT_STR && t != VIGIL_FT_PATH)
		return NULL;
	return dec_str(d, v + offsetof(struct vigil_value_rec, str), len);
}

void dec_value_text(const struct dec *d, unsigned int type,
		    const struct dec_node *n, uint32_t i, struct sbuf *out)
{
	const uint8_t *v = d->p + d->values_off +
			   (size_t)(n->arg + i) * sizeof(struct vigil_value_rec);
	uint64_t num = rd64(v + offsetof(struct vigil_value_rec, num));
	const uint8_t *ref = v + offsetof(struct vigil_value_rec, str);
	const char *s;
	char abuf[64];
	size_t len;

	switch (field_type(type, n->field)) {
	case VIGIL_FT_U64:
		if (n->op == VIGIL_OP_MASK_ALL || n->op == VIGIL_OP_MASK_ANY)
			sb_addf(out, "0x%llx", (unsigned long long)num);
		else
			sb_addf(out, "%llu", (unsigned long long)num);
		return;
	case VIGIL_FT_ADDR:
		s = dec_str(d, ref, &len);
		if (len != 16) {
			sb_addf(out, "?");
			return;
		}
		format_addr((const uint8_t *)s, abuf, sizeof(abuf));
		if (n->op == VIGIL_OP_CIDR) {
			bool v4 = !strchr(abuf, ':');

			sb_addf(out, "%s/%llu", abuf, (unsigned long long)
				(v4 && num >= 96 ? num - 96 : num));
		} else {
			sb_addf(out, "%s", abuf);
		}
		return;
	}
	s = dec_str(d, ref, &len);
	sb_quote(out, s, len);
}

void dec_pred_text(const struct dec *d, unsigned int type,
		   const struct dec_node *n, struct sbuf *out)
{
	uint32_t i;

	dec_pred_key(type, n, out);
	sb_add(out, ": ", 2);
	if (n->argc != 1)
		sb_add(out, "[", 1);
	for (i = 0; i < n->argc; i++) {
		if (i)
			sb_add(out, ", ", 2);
		dec_value_text(d, type, n, i, out);
	}
	if (n->argc != 1)
		sb_add(out, "]", 1);
}

int dec_condition(const struct dec *d, uint32_t rule, struct sbuf *out)
{
	struct sbuf stack[VIGIL_MAX_EXPR_DEPTH];
	unsigned int sp = 0, k;
	struct dec_rule r;
	struct dec_node n;
	uint32_t i;
	int ret = -1;

	memset(stack, 0, sizeof(stack));
	dec_rule(d, rule, &r);
	for (i = 0; i < r.expr_count; i++) {
		struct sbuf t = { 0 };

		dec_node(d, r.expr_first + i, &n);
		switch (n.kind) {
		case VIGIL_NODE_PRED:
			if (sp == VIGIL_MAX_EXPR_DEPTH)
				goto out;
			dec_pred_text(d, r.event_type, &n, &t);
			break;
		case VIGIL_NODE_NOT:
			if (sp < 1)
				goto out;
			sb_addf(&t, "not %s", sb_str(&stack[--sp]));
			sb_free(&stack[sp]);
			break;
		case VIGIL_NODE_AND:
		case VIGIL_NODE_OR:
			if (n.argc < 2 || sp < n.argc)
				goto out;
			sb_add(&t, "(", 1);
			for (k = sp - n.argc; k < sp; k++) {
				if (k > sp - n.argc)
					sb_addf(&t, " %s ",
						dec_kind_name(n.kind));
				sb_addf(&t, "%s", sb_str(&stack[k]));
				sb_free(&stack[k]);
			}
			sb_add(&t, ")", 1);
			sp -= n.argc;
			break;
		default:
			goto out;
		}
		stack[sp++] = t;
	}
	if (sp == 1) {
		sb_addf(out, "%s", sb_str(&stack[0]));
		ret = 0;
	}
out:
	for (k = 0; k < sp; k++)
		sb_free(&stack[k]);
	return ret;
}
