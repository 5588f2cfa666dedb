/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a validated payload back: records in host order, names of
 * operators, severities and actions, predicates and whole conditions as
 * text.  Only for payloads vigil_payload_validate() accepted.
 */
#ifndef VCHAN_DECODE_H
#define VCHAN_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "util.h"

struct dec {
	const uint8_t *p;
	size_t len;
	uint32_t nrules, nnodes, nvalues, strtab_size;
	size_t rules_off, nodes_off, values_off, strtab_off;
};

/* Host-order copies of the records. */
struct dec_rule {
	uint32_t id, expr_first, expr_count;
	uint16_t event_type;
	uint8_t action, severity;
	const char *title, *tags;
	size_t title_len, tags_len;
};

struct dec_node {
	uint8_t kind, op, flags;
	uint16_t field, argc;
	uint32_t arg;
};

/* Return: 0, or -1 if @p is too short for its own header. */
int dec_init(struct dec *d, const uint8_t *p, size_t len);
void dec_rule(const struct dec *d, uint32_t i, struct dec_rule *r);
void dec_node(const struct dec *d, uint32_t i, struct dec_node *n);

const char *dec_op_name(unsigned int op);	/* "startswith", "eq", ... */
const char *dec_kind_name(unsigned int kind);	/* "pred", "and", ... */
const char *dec_severity_name(unsigned int sev);
const char *dec_action_name(unsigned int act);
const char *dec_event_name(unsigned int type);
const char *dec_field_name(unsigned int type, unsigned int field);

/* "path|contains|nocase" */
void dec_pred_key(unsigned int type, const struct dec_node *n,
		  struct sbuf *out);
/* value @i of predicate @n as rules write it, quoted when text */
void dec_value_text(const struct dec *d, unsigned int type,
		    const struct dec_node *n, uint32_t i, struct sbuf *out);
/*
 * Value @i of predicate @n: the string (text fields) or NULL with @num set
 * (u64 operand; address fields: the prefix length, see dec_value_text()).
 */
const char *dec_value_raw(const struct dec *d, unsigned int type,
			  const struct dec_node *n, uint32_t i, uint64_t *num,
			  size_t *len);
bool dec_field_is_addr(unsigned int type, unsigned int field);
/* "path|contains|nocase: [\"c2\", \"beacon\"]" */
void dec_pred_text(const struct dec *d, unsigned int type,
		   const struct dec_node *n, struct sbuf *out);

/**
 * dec_condition() - a rule's postfix program as an infix expression
 * @d: payload
 * @rule: rule index
 * @out: the text
 *
 * Return: 0, or -1 if the program does not leave exactly one value.
 */
int dec_condition(const struct dec *d, uint32_t rule, struct sbuf *out);

#endif /* VCHAN_DECODE_H */
