// SPDX-License-Identifier: GPL-2.0
/*
 * vigil_payload_validate(): a valid payload passes, and every check of
 * channels/FORMAT.md "Payload checks" is failed on its own, with the
 * expected error class and payload offset, including one past each cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "ruleset.h"

#define ANY_OFF ((u64)-1)

static int check(const u8 *p, size_t len, int code, u64 off)
{
	struct vigil_error e;
	int ret;

	memset(&e, 0x5a, sizeof(e));
	ret = vigil_payload_validate(p, len, &e);
	if (ret != code || (off != ANY_OFF && e.offset != off))
		print_message("want %s at %llu, got %s at %llu: %s\n",
			      vigil_err_name(code), (unsigned long long)off,
			      vigil_err_name(ret),
			      (unsigned long long)e.offset, e.msg);
	assert_int_equal(ret, code);
	assert_int_equal(e.code, code);
	if (code == VIGIL_E_OK)
		return ret;
	assert_true(e.in_payload);
	if (off != ANY_OFF)
		assert_int_equal(e.offset, off);
	assert_true(strlen(e.msg) > 0 && strlen(e.msg) < sizeof(e.msg));
	assert_null(strchr(e.msg, '\n'));
	return ret;
}

enum { AT_NONE, AT_RULE, AT_NODE, AT_VALUE };

/* build, check (error at record i of section at, plus delta), free */
static void check_b(struct tu_payload *b, int code, int at, u32 i,
		    u32 delta)
{
	size_t len, off = ANY_OFF;
	u8 *p = tu_build(b, &len);

	if (at == AT_RULE)
		off = tu_rule_off(p, i) + delta;
	else if (at == AT_NODE)
		off = tu_node_off(p, i) + delta;
	else if (at == AT_VALUE)
		off = tu_value_off(p, i) + delta;
	check(p, len, code, code ? off : 0);
	free(p);
	tu_free(b);
}

static const u8 addr10[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0
};

/*
 * Three rules using every node kind and every value kind:
 *   rule 0 (id 10, exec):    n0 comm eq {sh, bash}  n1 filename prefix
 *                            nocase /tmp/  n2 uid lt 1000  n3 and 3
 *   rule 1 (id 20, connect): n4 daddr cidr 10/8  n5 dport eq 4444  n6 or 2
 *                            n7 not
 *   rule 2 (id 30, open):    n8 path glob "/etc/ *.conf"
 * values: v0 sh, v1 bash, v2 /tmp/, v3 1000, v4 10/8, v5 4444, v6 glob
 */
static void rich(struct tu_payload *b)
{
	tu_init(b);
	tu_rule(b, 10, VIGIL_EV_EXEC, "shell in tmp");
	tu_pred_str(b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "sh", "bash", NULL);
	tu_pred_str(b, VIGIL_EXEC_filename, VIGIL_OP_PREFIX,
		    VIGIL_PRED_NOCASE, "/tmp/", NULL);
	tu_pred_num(b, VIGIL_EXEC_uid, VIGIL_OP_LT, 1000);
	tu_logic(b, VIGIL_NODE_AND, 3);
	tu_rule(b, 20, VIGIL_EV_CONNECT, "not private")->tags =
		tu_str(b, "attack.t1071", 12);
	tu_pred_addr(b, VIGIL_CONNECT_daddr, VIGIL_OP_CIDR, addr10, 8);
	tu_pred_num(b, VIGIL_CONNECT_dport, VIGIL_OP_EQ, 4444);
	tu_logic(b, VIGIL_NODE_OR, 2);
	tu_logic(b, VIGIL_NODE_NOT, 1);
	tu_rule(b, 30, VIGIL_EV_OPEN, "conf")->action = VIGIL_ACTION_KILL;
	tu_pred_str(b, VIGIL_OPEN_path, VIGIL_OP_GLOB, 0, "/etc/*.conf", NULL);
}

static u8 *rich_payload(size_t *len)
{
	struct tu_payload b;
	u8 *p;

	rich(&b);
	p = tu_build(&b, len);
	tu_free(&b);
	return p;
}

static void test_valid(void **state)
{
	size_t len;
	u8 *p = rich_payload(&len);

	check(p, len, VIGIL_E_OK, 0);
	free(p);
	p = tu_minimal(&len);
	check(p, len, VIGIL_E_OK, 0);
	/* a NULL error pointer is allowed */
	assert_int_equal(vigil_payload_validate(p, len, NULL), VIGIL_E_OK);
	free(p);
}

static void test_header(void **state)
{
	size_t len, i;
	u8 *p = rich_payload(&len);
	u8 *q = malloc(len + 8);
	struct vigil_payload_header *h = (void *)p;

	for (i = 0; i < sizeof(*h); i++)
		check(p, i, VIGIL_E_PAYLOAD, i);
	/* misaligned buffer */
	memcpy(q + 4, p, len);
	check(q + 4, len, VIGIL_E_PAYLOAD, 0);
	free(q);

	h->magic ^= 1;
	check(p, len, VIGIL_E_PAYLOAD, 0);
	h->magic ^= 1;
	h->reserved = cpu_to_le32(1);
	check(p, len, VIGIL_E_RESERVED, 20);
	h->reserved = 0;
	/* one byte more or less than the sections add up to */
	check(p, len - 1, VIGIL_E_PAYLOAD, len - 1);
	q = realloc(p, len + 1);
	q[len] = 0;
	check(q, len + 1, VIGIL_E_PAYLOAD, len);
	check(q, len, VIGIL_E_OK, 0);
	free(q);
}

/* a count field at its cap passes the count check (layout fails next) */
static void test_count_caps(void **state)
{
	static const struct {
		size_t off;
		u32 cap;
	} caps[] = {
		{ 4, VIGIL_MAX_RULES }, { 8, VIGIL_MAX_NODES },
		{ 12, VIGIL_MAX_VALUES }, { 16, VIGIL_MAX_STRTAB_SIZE },
	};
	size_t len, i;
	u8 *p = rich_payload(&len);
	u32 save;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		save = get_unaligned_le32(p + caps[i].off);
		*(__le32 *)(p + caps[i].off) = cpu_to_le32(caps[i].cap + 1);
		check(p, len, VIGIL_E_COUNT_CAP, caps[i].off);
		*(__le32 *)(p + caps[i].off) = cpu_to_le32(caps[i].cap);
		check(p, len, VIGIL_E_PAYLOAD, ANY_OFF);
		*(__le32 *)(p + caps[i].off) = 0xffffffff;
		check(p, len, VIGIL_E_COUNT_CAP, caps[i].off);
		*(__le32 *)(p + caps[i].off) = cpu_to_le32(save);
	}
	((struct vigil_payload_header *)p)->nrules = 0;
	check(p, len, VIGIL_E_COUNT_CAP, 4);
	free(p);
}

/* VIGIL_MAX_RULES rules load; a duplicate id among them is found */
static void test_max_rules_and_dups(void **state)
{
	struct tu_payload b;
	size_t len;
	u32 i;
	u8 *p;

	tu_init(&b);
	for (i = 0; i < VIGIL_MAX_RULES; i++) {
		/*
		 * ids in a scrambled order, all distinct; two event types,
		 * as one type's rules share one event's budget
		 */
		tu_rule(&b, (i * 2654435761U) | 1,
			i % 2 ? VIGIL_EV_FORK : VIGIL_EV_EXIT, "r");
		tu_pred_num(&b, VIGIL_FORK_pid, VIGIL_OP_EQ, i);
	}
	p = tu_build(&b, &len);
	check(p, len, VIGIL_E_OK, 0);
	/* rule 40000 takes rule 123's id */
	tu_prule(p, 40000)->id = tu_prule(p, 123)->id;
	check(p, len, VIGIL_E_DUP_RULE, tu_rule_off(p, 40000));
	tu_prule(p, 40000)->id = tu_prule(p, 65535)->id;
	check(p, len, VIGIL_E_DUP_RULE, tu_rule_off(p, 65535));
	free(p);

	tu_rule(&b, 7, VIGIL_EV_FORK, "one too many");
	tu_pred_num(&b, VIGIL_FORK_pid, VIGIL_OP_EQ, 1);
	check_b(&b, VIGIL_E_COUNT_CAP, AT_NONE, 0, 0);

	rich(&b);
	b.rules[2].id = b.rules[0].id;
	check_b(&b, VIGIL_E_DUP_RULE, AT_RULE, 2, 0);
	rich(&b);
	b.rules[2].id = b.rules[1].id;		/* increasing up to the dup */
	check_b(&b, VIGIL_E_DUP_RULE, AT_RULE, 2, 0);

	/* descending ids whose high bytes agree (radix passes skipped) */
	tu_init(&b);
	for (i = 0; i < 3000; i++) {
		tu_rule(&b, 291999 - i, VIGIL_EV_FORK, "r");
		tu_pred_num(&b, VIGIL_FORK_pid, VIGIL_OP_EQ, i);
	}
	p = tu_build(&b, &len);
	check(p, len, VIGIL_E_OK, 0);
	tu_prule(p, 2999)->id = cpu_to_le32(291999 - 1500);
	check(p, len, VIGIL_E_DUP_RULE, tu_rule_off(p, 2999));
	tu_prule(p, 2999)->id = cpu_to_le32(291999 - 2998 + 256);
	check(p, len, VIGIL_E_DUP_RULE, tu_rule_off(p, 2999));
	free(p);
	tu_free(&b);
}

static void test_rule_fields(void **state)
{
	size_t len, r1;
	u8 *p = rich_payload(&len);
	struct vigil_rule_rec *r = tu_prule(p, 1), save = *r;

	r1 = tu_rule_off(p, 1);
	r->id = 0;
	check(p, len, VIGIL_E_RULE, r1);
	*r = save;
	r->event_type = 0;
	check(p, len, VIGIL_E_EVENT_TYPE, r1 + 4);
	r->event_type = cpu_to_le16(VIGIL_EV_MAX + 1);
	check(p, len, VIGIL_E_EVENT_TYPE, r1 + 4);
	r->event_type = 0xffff;
	check(p, len, VIGIL_E_EVENT_TYPE, r1 + 4);
	*r = save;
	r->action = 0;
	check(p, len, VIGIL_E_RULE, r1 + 6);
	r->action = VIGIL_ACTION_MAX + 1;
	check(p, len, VIGIL_E_RULE, r1 + 6);
	*r = save;
	r->severity = VIGIL_SEV_CRITICAL;
	check(p, len, VIGIL_E_OK, 0);
	r->severity = VIGIL_SEV_CRITICAL + 1;
	check(p, len, VIGIL_E_RULE, r1 + 7);
	*r = save;
	r->flags = cpu_to_le32(0x80000000);
	check(p, len, VIGIL_E_RULE, r1 + 8);
	*r = save;
	r->reserved = cpu_to_le32(1);
	check(p, len, VIGIL_E_RESERVED, r1 + 20);
	*r = save;
	check(p, len, VIGIL_E_OK, 0);
	free(p);
}

static void test_rule_strings(void **state)
{
	u32 strtab_size, toff;
	size_t len, r0;
	u8 *p = rich_payload(&len);
	struct vigil_rule_rec *r = tu_prule(p, 0), save = *r;
	struct tu_payload b;
	char big[600];

	strtab_size = get_unaligned_le32(p + 16);
	toff = le32_to_cpu(r->title.off);
	r0 = tu_rule_off(p, 0);
	/* title: bounds, then length, then NUL */
	r->title.off = cpu_to_le32(strtab_size - le32_to_cpu(r->title.len) + 1);
	check(p, len, VIGIL_E_STRREF, r0 + 24);
	r->title.off = cpu_to_le32(strtab_size - le32_to_cpu(r->title.len));
	check(p, len, VIGIL_E_OK, 0);
	r->title.off = 0xffffffff;
	check(p, len, VIGIL_E_STRREF, r0 + 24);
	*r = save;
	r->title.len = 0;
	check(p, len, VIGIL_E_RULE, r0 + 24);
	*r = save;
	p[tu_strtab_off(p) + toff + 2] = '\0';
	check(p, len, VIGIL_E_RULE, r0 + 24);
	p[tu_strtab_off(p) + toff + 2] = 'x';
	/* tags */
	r->tags.off = cpu_to_le32(strtab_size);
	check(p, len, VIGIL_E_OK, 0);
	r->tags.off = cpu_to_le32(strtab_size + 1);
	check(p, len, VIGIL_E_STRREF, r0 + 32);
	r->tags.off = 0;
	r->tags.len = 0xffffffff;
	check(p, len, VIGIL_E_STRREF, r0 + 32);
	/* rule 1's tags, with a NUL put in them */
	r->tags = tu_prule(p, 1)->tags;
	check(p, len, VIGIL_E_OK, 0);
	p[tu_strtab_off(p) + le32_to_cpu(r->tags.off) + 3] = '\0';
	check(p, len, VIGIL_E_RULE, r0 + 32);
	free(p);

	/* lengths at and one past the caps */
	memset(big, 'a', sizeof(big));
	rich(&b);
	b.rules[0].title = tu_str(&b, big, VIGIL_MAX_TITLE_LEN);
	b.rules[0].tags = tu_str(&b, big, VIGIL_MAX_TAGS_LEN);
	check_b(&b, VIGIL_E_OK, AT_NONE, 0, 0);
	rich(&b);
	b.rules[0].title = tu_str(&b, big, VIGIL_MAX_TITLE_LEN + 1);
	check_b(&b, VIGIL_E_RULE, AT_RULE, 0, 24);
	rich(&b);
	b.rules[0].tags = tu_str(&b, big, VIGIL_MAX_TAGS_LEN + 1);
	check_b(&b, VIGIL_E_RULE, AT_RULE, 0, 32);
}

/*
 * A NUL byte anywhere in a string is found, whichever 64-byte block of
 * the string table it falls in (validation keeps a map of the blocks
 * that hold one); NULs in bytes no reference uses, next to the string and
 * in the blocks it shares, are allowed.  Also for a pattern.
 */
static void test_nul_anywhere(void **state)
{
	char big[VIGIL_MAX_TAGS_LEN];
	struct tu_payload b;
	size_t len, at, v0;
	u32 i, n;
	u8 *p;

	memset(big, 'a', sizeof(big));
	rich(&b);
	tu_str(&b, big, 100);		/* unused, before */
	b.rules[0].tags = tu_str(&b, big, sizeof(big));
	tu_str(&b, big, 100);		/* unused, after */
	tu_rule(&b, 40, VIGIL_EV_EXEC, "pattern");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0,
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		    NULL);
	p = tu_build(&b, &len);
	check(p, len, VIGIL_E_OK, 0);
	at = tu_strtab_off(p) + le32_to_cpu(tu_prule(p, 0)->tags.off);
	for (n = 0; n < 2; n++) {
		/* n = 1: with NULs in the unused bytes around the string */
		for (i = 1; n && i <= 100; i++) {
			p[at - i] = '\0';
			p[at + sizeof(big) - 1 + i] = '\0';
		}
		check(p, len, VIGIL_E_OK, 0);
		for (i = 0; i < sizeof(big); i++) {
			p[at + i] = '\0';
			check(p, len, VIGIL_E_RULE, tu_rule_off(p, 0) + 32);
			p[at + i] = 'a';
		}
	}
	v0 = tu_value_off(p, b.nvalues - 1);
	at = tu_strtab_off(p) + le32_to_cpu(tu_pvalue(p, b.nvalues - 1)->str.off);
	n = le32_to_cpu(tu_pvalue(p, b.nvalues - 1)->str.len);
	for (i = 0; i < n; i++) {
		u8 c = p[at + i];

		p[at + i] = '\0';
		check(p, len, VIGIL_E_VALUE, v0 + 8);
		p[at + i] = c;
	}
	check(p, len, VIGIL_E_OK, 0);
	free(p);
	tu_free(&b);
}

/* node ranges: count caps, contiguity, coverage */
static void test_node_ranges(void **state)
{
	struct tu_payload b;
	size_t len, r1;
	u8 *p = rich_payload(&len);
	struct vigil_rule_rec *r = tu_prule(p, 1), save = *r;
	u32 i;

	r1 = tu_rule_off(p, 1);
	r->expr_count = 0;
	check(p, len, VIGIL_E_EXPR, r1 + 16);
	r->expr_count = cpu_to_le32(VIGIL_MAX_RULE_NODES + 1);
	check(p, len, VIGIL_E_EXPR, r1 + 16);
	*r = save;
	r->expr_first = cpu_to_le32(3);		/* overlaps rule 0 */
	check(p, len, VIGIL_E_EXPR, r1 + 12);
	r->expr_first = cpu_to_le32(5);		/* leaves node 4 out */
	check(p, len, VIGIL_E_EXPR, r1 + 12);
	*r = save;
	/* the last rule reaching past nodes[] */
	tu_prule(p, 2)->expr_count = cpu_to_le32(2);
	check(p, len, VIGIL_E_EXPR, tu_rule_off(p, 2) + 12);
	free(p);

	/* a node after the last rule's range belongs to no rule */
	rich(&b);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	b.rules[2].expr_count = cpu_to_le32(1);
	check_b(&b, VIGIL_E_EXPR, AT_NODE, 9, 0);

	/* exactly VIGIL_MAX_RULE_NODES nodes, and one more */
	for (i = 0; i < 2; i++) {
		u32 n;

		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_EXIT, "long");
		tu_pred_num(&b, VIGIL_EXIT_exit_code, VIGIL_OP_EQ, 0);
		for (n = 0; n < (VIGIL_MAX_RULE_NODES - 1 + i) / 2; n++) {
			tu_pred_num(&b, VIGIL_EXIT_exit_code, VIGIL_OP_EQ, n);
			tu_logic(&b, VIGIL_NODE_OR, 2);
		}
		if (i == 0)
			tu_logic(&b, VIGIL_NODE_NOT, 1);
		assert_int_equal(b.nnodes, VIGIL_MAX_RULE_NODES + i);
		check_b(&b, i ? VIGIL_E_EXPR : VIGIL_E_OK, AT_RULE, 0, 16);
	}
}

static void test_node_fields(void **state)
{
	size_t len, n0;
	u8 *p = rich_payload(&len);
	struct vigil_node_rec *n = tu_pnode(p, 0), save = *n;
	struct vigil_error e;

	n0 = tu_node_off(p, 0);
	n->kind = 0;
	check(p, len, VIGIL_E_EXPR, n0);
	n->kind = VIGIL_NODE_NOT + 1;
	check(p, len, VIGIL_E_EXPR, n0);
	*n = save;
	n->reserved = 1;
	check(p, len, VIGIL_E_RESERVED, n0 + 3);
	*n = save;
	n->reserved2 = cpu_to_le32(1);
	check(p, len, VIGIL_E_RESERVED, n0 + 12);
	*n = save;

	/* the July 19 check: one field past what the event supplies */
	n->field = cpu_to_le16(VIGIL_EXEC__COUNT);
	check(p, len, VIGIL_E_FIELD, n0 + 4);
	vigil_payload_validate(p, len, &e);
	assert_string_equal(e.msg,
			    "rule 0 (id 10) node 0 reads field 11 of exec, which has 11 fields");
	n->field = cpu_to_le16(VIGIL_EXEC__COUNT - 1);	/* exe, a PATH */
	check(p, len, VIGIL_E_OK, 0);
	n->field = 0xffff;
	check(p, len, VIGIL_E_FIELD, n0 + 4);
	*n = save;
	/* one past open's last field */
	tu_pnode(p, 8)->field = cpu_to_le16(VIGIL_OPEN__COUNT);
	check(p, len, VIGIL_E_FIELD, tu_node_off(p, 8) + 4);
	vigil_payload_validate(p, len, &e);
	assert_string_equal(e.msg,
			    "rule 2 (id 30) node 0 reads field 11 of open, which has 11 fields");
	tu_pnode(p, 8)->field = cpu_to_le16(VIGIL_OPEN_path);

	n->op = 0;
	check(p, len, VIGIL_E_OPERATOR, n0 + 1);
	n->op = VIGIL_OP_MAX + 1;
	check(p, len, VIGIL_E_OPERATOR, n0 + 1);
	*n = save;
	n->flags = 0x04;
	check(p, len, VIGIL_E_TYPE, n0 + 2);
	n->flags = VIGIL_PRED_FLAGS_KNOWN;
	check(p, len, VIGIL_E_OK, 0);
	*n = save;
	/* nocase on a u64 and an address predicate; "all" is fine there */
	tu_pnode(p, 2)->flags = VIGIL_PRED_NOCASE;
	check(p, len, VIGIL_E_TYPE, tu_node_off(p, 2) + 2);
	tu_pnode(p, 2)->flags = VIGIL_PRED_ALL;
	check(p, len, VIGIL_E_OK, 0);
	tu_pnode(p, 4)->flags = VIGIL_PRED_NOCASE;
	check(p, len, VIGIL_E_TYPE, tu_node_off(p, 4) + 2);
	free(p);
}

/* Every operator against every field type: exactly the table's pairs. */
static void test_op_type_table(void **state)
{
	static const u16 fields[] = {
		[VIGIL_FT_U64] = VIGIL_CONNECT_dport,
		[VIGIL_FT_STR] = VIGIL_CONNECT_comm,
		[VIGIL_FT_PATH] = VIGIL_CONNECT_unix_path,
		[VIGIL_FT_ADDR] = VIGIL_CONNECT_daddr,
	};
	u8 op, ft;

	for (op = 1; op <= VIGIL_OP_MAX; op++) {
		for (ft = VIGIL_FT_U64; ft <= VIGIL_FT_ADDR; ft++) {
			bool str = ft == VIGIL_FT_STR || ft == VIGIL_FT_PATH;
			bool ok = op == VIGIL_OP_EQ ||
				  (str && op >= VIGIL_OP_PREFIX &&
				   op <= VIGIL_OP_GLOB) ||
				  (ft == VIGIL_FT_U64 && op >= VIGIL_OP_LT &&
				   op <= VIGIL_OP_MASK_ANY) ||
				  (ft == VIGIL_FT_ADDR && op == VIGIL_OP_CIDR);
			struct tu_payload b;

			tu_init(&b);
			tu_rule(&b, 1, VIGIL_EV_CONNECT, "t");
			if (str)
				tu_pred_str(&b, fields[ft], op, 0, "x", NULL);
			else if (ft == VIGIL_FT_ADDR)
				tu_pred_addr(&b, fields[ft], op, addr10, 128);
			else
				tu_pred_num(&b, fields[ft], op, 1);
			check_b(&b, ok ? VIGIL_E_OK : VIGIL_E_TYPE, AT_NODE,
				0, 1);
		}
	}
}

static void test_value_ranges(void **state)
{
	struct tu_payload b;
	size_t len, n0;
	u8 *p = rich_payload(&len);
	struct vigil_node_rec *n = tu_pnode(p, 0), save = *n;
	u64 nums[VIGIL_MAX_PRED_VALUES + 1];
	u32 i;

	n0 = tu_node_off(p, 0);
	n->argc = 0;
	check(p, len, VIGIL_E_VALUE, n0 + 6);
	n->argc = cpu_to_le16(VIGIL_MAX_PRED_VALUES + 1);
	check(p, len, VIGIL_E_VALUE, n0 + 6);
	n->argc = cpu_to_le16(1);		/* leaves value 1 to node 1 */
	check(p, len, VIGIL_E_VALUE, tu_node_off(p, 1) + 8);
	*n = save;
	n->arg = cpu_to_le32(1);
	check(p, len, VIGIL_E_VALUE, n0 + 8);
	*n = save;
	/* the last predicate reaching past values[] */
	tu_pnode(p, 8)->argc = cpu_to_le16(2);
	check(p, len, VIGIL_E_VALUE, tu_node_off(p, 8) + 8);
	free(p);

	/* a value no predicate uses */
	rich(&b);
	tu_value(&b, 0, tu_str(&b, "x", 1));
	check_b(&b, VIGIL_E_VALUE, AT_VALUE, 7, 0);

	/* VIGIL_MAX_PRED_VALUES values, and one more */
	for (i = 0; i < ARRAY_SIZE(nums); i++)
		nums[i] = i;
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXIT, "many");
	tu_pred_nums(&b, VIGIL_EXIT_exit_code, VIGIL_OP_EQ, 0, nums,
		     VIGIL_MAX_PRED_VALUES);
	check_b(&b, VIGIL_E_OK, AT_NONE, 0, 0);
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXIT, "many");
	tu_pred_nums(&b, VIGIL_EXIT_exit_code, VIGIL_OP_EQ, 0, nums,
		     VIGIL_MAX_PRED_VALUES + 1);
	check_b(&b, VIGIL_E_VALUE, AT_NODE, 0, 6);
}

static void test_values(void **state)
{
	struct tu_payload b;
	size_t len, v;
	u8 *p = rich_payload(&len);
	u32 strtab_size = get_unaligned_le32(p + 16);
	struct vigil_value_rec *s = tu_pvalue(p, 0), *u = tu_pvalue(p, 3);
	struct vigil_value_rec *a = tu_pvalue(p, 4), *e = tu_pvalue(p, 5);
	struct vigil_value_rec ss = *s, su = *u, sa = *a;
	char pat[VIGIL_MAX_PATTERN_LEN + 2];

	/* string values */
	v = tu_value_off(p, 0);
	s->num = cpu_to_le64(1);
	check(p, len, VIGIL_E_VALUE, v);
	*s = ss;
	s->str.off = cpu_to_le32(strtab_size - 1);
	check(p, len, VIGIL_E_STRREF, v + 8);
	s->str.off = cpu_to_le32(strtab_size - 2);
	check(p, len, VIGIL_E_OK, 0);
	*s = ss;
	s->str.len = 0;
	check(p, len, VIGIL_E_VALUE, v + 12);
	*s = ss;
	p[tu_strtab_off(p) + le32_to_cpu(s->str.off) + 1] = '\0';	/* "s\0" */
	check(p, len, VIGIL_E_VALUE, v + 8);
	p[tu_strtab_off(p) + le32_to_cpu(s->str.off) + 1] = 'h';
	check(p, len, VIGIL_E_OK, 0);
	/* numeric values: no string */
	v = tu_value_off(p, 3);
	u->str.off = cpu_to_le32(1);
	check(p, len, VIGIL_E_VALUE, v + 8);
	*u = su;
	u->str.len = cpu_to_le32(1);
	check(p, len, VIGIL_E_VALUE, v + 8);
	*u = su;
	u->num = ~0ULL;
	check(p, len, VIGIL_E_OK, 0);
	/* addresses */
	v = tu_value_off(p, 4);
	a->str.len = cpu_to_le32(15);
	check(p, len, VIGIL_E_VALUE, v + 12);
	a->str.len = cpu_to_le32(17);
	check(p, len, VIGIL_E_VALUE, v + 12);
	*a = sa;
	a->str.off = cpu_to_le32(strtab_size - 15);
	check(p, len, VIGIL_E_STRREF, v + 8);
	*a = sa;
	a->num = cpu_to_le64(129);
	check(p, len, VIGIL_E_VALUE, v);
	a->num = cpu_to_le64(128);
	check(p, len, VIGIL_E_OK, 0);
	a->num = 0;
	check(p, len, VIGIL_E_OK, 0);
	/* eq on an address wants prefix 128 */
	tu_pnode(p, 4)->op = VIGIL_OP_EQ;
	check(p, len, VIGIL_E_VALUE, v);
	a->num = cpu_to_le64(128);
	check(p, len, VIGIL_E_OK, 0);
	(void)e;
	free(p);

	/* pattern length at and past its cap */
	memset(pat, 'p', sizeof(pat));
	pat[VIGIL_MAX_PATTERN_LEN] = '\0';
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0, pat, NULL);
	check_b(&b, VIGIL_E_OK, AT_NONE, 0, 0);
	pat[VIGIL_MAX_PATTERN_LEN] = 'p';
	pat[VIGIL_MAX_PATTERN_LEN + 1] = '\0';
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0, pat, NULL);
	check_b(&b, VIGIL_E_VALUE, AT_VALUE, 0, 12);
}

static void check_glob(const char *pat, int code)
{
	struct tu_payload b;

	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_filename, VIGIL_OP_GLOB, 0, pat, NULL);
	check_b(&b, code, AT_VALUE, 0, 8);
}

static void test_glob(void **state)
{
	check_glob("*", VIGIL_E_OK);
	check_glob("?", VIGIL_E_OK);
	check_glob("/tmp/*.sh", VIGIL_E_OK);
	check_glob("a\\*", VIGIL_E_OK);
	check_glob("a\\\\", VIGIL_E_OK);
	check_glob("\\", VIGIL_E_VALUE);
	check_glob("a\\", VIGIL_E_VALUE);
	check_glob("a\\\\\\", VIGIL_E_VALUE);
	check_glob("\\\\\\\\", VIGIL_E_OK);
}

static void test_stack(void **state)
{
	size_t len, n;
	u8 *p = rich_payload(&len);
	struct vigil_node_rec save;
	struct tu_payload b;
	u32 i;

	/* and 3 -> and 4 pops more than the stack holds; and 1, or 0 */
	n = tu_node_off(p, 3);
	tu_pnode(p, 3)->argc = cpu_to_le16(4);
	check(p, len, VIGIL_E_EXPR, n + 6);
	tu_pnode(p, 3)->argc = cpu_to_le16(1);
	check(p, len, VIGIL_E_EXPR, n + 6);
	tu_pnode(p, 3)->argc = cpu_to_le16(2);	/* leaves 2 values */
	check(p, len, VIGIL_E_EXPR, tu_node_off(p, 0));
	tu_pnode(p, 3)->argc = cpu_to_le16(3);
	tu_pnode(p, 6)->argc = 0;
	check(p, len, VIGIL_E_EXPR, tu_node_off(p, 6) + 6);
	tu_pnode(p, 6)->argc = cpu_to_le16(2);
	/* not 2 */
	n = tu_node_off(p, 7);
	tu_pnode(p, 7)->argc = cpu_to_le16(2);
	check(p, len, VIGIL_E_EXPR, n + 6);
	tu_pnode(p, 7)->argc = cpu_to_le16(1);
	/* logic nodes carry nothing else */
	save = *tu_pnode(p, 7);
	tu_pnode(p, 7)->op = 1;
	check(p, len, VIGIL_E_EXPR, n);
	*tu_pnode(p, 7) = save;
	tu_pnode(p, 7)->arg = cpu_to_le32(1);
	check(p, len, VIGIL_E_EXPR, n);
	*tu_pnode(p, 7) = save;
	tu_pnode(p, 7)->field = cpu_to_le16(1);
	check(p, len, VIGIL_E_EXPR, n);
	*tu_pnode(p, 7) = save;
	tu_pnode(p, 7)->flags = 1;
	check(p, len, VIGIL_E_EXPR, n);
	*tu_pnode(p, 7) = save;
	check(p, len, VIGIL_E_OK, 0);
	free(p);

	/* a rule starting with an operator: stack underflow */
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	check_b(&b, VIGIL_E_EXPR, AT_NODE, 0, 6);

	/* depth 32 and 33 */
	for (i = 0; i < 2; i++) {
		u32 k, depth = VIGIL_MAX_EXPR_DEPTH + i;

		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_EXEC, "deep");
		for (k = 0; k < depth; k++)
			tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, k);
		tu_logic(&b, VIGIL_NODE_OR, depth);
		check_b(&b, i ? VIGIL_E_DEPTH : VIGIL_E_OK, AT_NODE,
			VIGIL_MAX_EXPR_DEPTH, 0);
	}
}

/*
 * Steps of a glob of 256 atoms ('?' first: the NFA), by hand from
 * FORMAT.md: 1 + 3 steps a state word (4) and byte of the field cap.
 */
#define W_GLOB	(1 + 3 * 4 * VIGIL_MAX_FIELD_LEN)

/* Steps of a string eq value of 256 bytes: 1 + 32 eight-byte words. */
#define W_EQ	(1 + VIGIL_MAX_PATTERN_LEN / 8)

/* A predicate of @argc values, each @pat. */
static void same_values(struct tu_payload *b, u8 op, u16 field,
			struct vigil_strref pat, u32 argc)
{
	u32 first = b->nvalues, j;

	for (j = 0; j < argc; j++)
		tu_value(b, 0, pat);
	tu_node(b, VIGIL_NODE_PRED, op, 0, field, argc, first);
}

/*
 * A rule (exec) of exactly @want steps: VIGIL_WORK_RULE for the rule,
 * VIGIL_WORK_NODE per node, and per value W_GLOB (argv glob), W_EQ (argv
 * eq) or 1 (u64): one glob predicate, eq predicates, one u64 predicate
 * for the rest, an AND of them all.
 */
static void work_rule(struct tu_payload *b, u32 id, u64 want)
{
	static u64 nums[VIGIL_MAX_PRED_VALUES];
	char glob[VIGIL_MAX_PATTERN_LEN], eq[VIGIL_MAX_PATTERN_LEN];
	const u64 node = VIGIL_WORK_NODE;
	struct vigil_strref gpat, epat;
	u32 a, k, npred = 2;
	u64 rest;

	memset(glob, 'x', sizeof(glob));
	glob[0] = '?';
	memset(eq, 'y', sizeof(eq));
	gpat = tu_str(b, glob, sizeof(glob));
	epat = tu_str(b, eq, sizeof(eq));
	tu_rule(b, id, VIGIL_EV_EXEC, "costly");
	rest = want - VIGIL_WORK_RULE - node;	/* the rule, the AND */
	a = min((rest - 3 * node - W_EQ - 3) / W_GLOB, VIGIL_MAX_PRED_VALUES);
	same_values(b, VIGIL_OP_GLOB, VIGIL_EXEC_argv, gpat, a);
	rest -= node + (u64)a * W_GLOB;
	/* eq values while more is left than one u64 predicate holds */
	while (rest > node + VIGIL_MAX_PRED_VALUES) {
		k = min((rest - node - 1) / W_EQ, VIGIL_MAX_PRED_VALUES);
		if (rest - node - (u64)k * W_EQ < node + 1)
			k--;
		same_values(b, VIGIL_OP_EQ, VIGIL_EXEC_argv, epat, k);
		rest -= node + (u64)k * W_EQ;
		npred++;
		assert_true(npred < VIGIL_MAX_EXPR_DEPTH);
	}
	assert_true(rest >= node + 1);
	tu_pred_nums(b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0, nums, rest - node);
	tu_logic(b, VIGIL_NODE_AND, npred);
}

static void test_rule_cost(void **state)
{
	struct tu_payload b;
	u32 i;

	for (i = 0; i < 2; i++) {
		tu_init(&b);
		work_rule(&b, 1, VIGIL_MAX_RULE_WORK + i);
		check_b(&b, i ? VIGIL_E_COST : VIGIL_E_OK, AT_RULE, 0, 0);
	}
}

/*
 * The bound of one rule of one predicate with one value, per operator,
 * as FORMAT.md charges it, worked out by hand: VIGIL_WORK_RULE (rule) +
 * VIGIL_WORK_NODE (node) + the value's steps.
 */
/* FORMAT.md: 8 steps a rule, 4 a node */
#define RULE1	(8 + 4)

static void test_string_cost(void **state)
{
	static const struct {
		u8 op;
		u32 len;
		u64 steps;
	} cases[] = {
		{ VIGIL_OP_EQ, 65, 1 + 9 },
		{ VIGIL_OP_EQ, 64, 1 + 8 },
		{ VIGIL_OP_PREFIX, 1, 1 + 1 },
		{ VIGIL_OP_SUFFIX, 256, 1 + 32 },
		/* a stamp read: the scan is the type's, once an event */
		{ VIGIL_OP_CONTAINS, 1, 1 },
		{ VIGIL_OP_CONTAINS, 256, 1 },
		/* globs with a '?' first: the NFA, 3 steps a word a byte */
		{ VIGIL_OP_GLOB, 64, 1 + 3 * 4096 },
		{ VIGIL_OP_GLOB, 65, 1 + 3 * 2 * 4096 },
		{ VIGIL_OP_GLOB, 256, 1 + 3 * 4 * 4096 },
	};
	/* globs that only fix their ends: eight bytes a step */
	static const struct {
		const char *pat;
		u64 steps;
	} affix[] = {
		{ "abcdefghi", 1 + 2 },
		{ "/etc/*.conf", 1 + 1 + 1 },
		{ "/var/lib/docker/**", 1 + 2 },
		{ "*.sh", 1 + 1 },
		{ "*", 1 },
		{ "a*b*", 1 + 1 + 1 },		/* two runs: the ends, a stamp */
		{ "a*b*c*", 1 + 3 * 4096 },	/* three: the NFA */
		{ "a\\*", 1 + 3 * 4096 },		/* an escape: the NFA */
	};
	struct vigil_ruleset *rs;
	struct vigil_error e;
	struct tu_payload b;
	char pat[257];
	u64 work;
	size_t len;
	u32 i;
	u8 *p;

	memset(pat, 'a', sizeof(pat));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_EXEC, "one");
		pat[cases[i].len] = '\0';
		pat[0] = cases[i].op == VIGIL_OP_GLOB ? '?' : 'a';
		tu_pred_str(&b, VIGIL_EXEC_argv, cases[i].op, 0, pat, NULL);
		pat[cases[i].len] = 'a';
		pat[0] = 'a';
		p = tu_build(&b, &len);
		assert_int_equal(vigil_payload_validate(p, len, &e), 0);
		assert_int_equal(vigil_ruleset_compile(p, len, &rs, &e), 0);
		assert_int_equal(vigil_ruleset_costliest(rs, VIGIL_EV_EXEC,
							 &work), 0);
		if (work != RULE1 + cases[i].steps)
			fail_msg("op %u len %u: %llu steps, want %llu",
				 cases[i].op, cases[i].len,
				 (unsigned long long)work,
				 (unsigned long long)(RULE1 + cases[i].steps));
		/*
		 * the event's bound holds the rule and the setup at least,
		 * and for contains one scan of a full field: two lookups
		 * and one output a byte
		 */
		assert_true(vigil_ruleset_work(rs, VIGIL_EV_EXEC) >=
			    work + 1024 +
			    (cases[i].op == VIGIL_OP_CONTAINS ?
			     1 + 3 * 4096 : 0));
		assert_int_equal(vigil_ruleset_work(rs, VIGIL_EV_OPEN), 0);
		vigil_ruleset_free(rs);
		free(p);
		tu_free(&b);
	}
	for (i = 0; i < ARRAY_SIZE(affix); i++) {
		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_EXEC, "one");
		tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_GLOB, 0, affix[i].pat,
			    NULL);
		p = tu_build(&b, &len);
		assert_int_equal(vigil_ruleset_compile(p, len, &rs, &e), 0);
		vigil_ruleset_costliest(rs, VIGIL_EV_EXEC, &work);
		if (work != RULE1 + affix[i].steps)
			fail_msg("glob %s: %llu steps, want %llu", affix[i].pat,
				 (unsigned long long)work,
				 (unsigned long long)(RULE1 + affix[i].steps));
		vigil_ruleset_free(rs);
		free(p);
		tu_free(&b);
	}
}

/*
 * Rules of one event type together: 32 rules of exactly the rule cap
 * reach VIGIL_MAX_EVENT_WORK; one more step of the same type is over, a
 * rule of another type is not.  The validator counts the rules' part;
 * the compiler adds the setup and the scans, so the full set no longer
 * compiles, and says which rule is the costliest.
 */
static void test_event_cost(void **state)
{
	const u32 n = VIGIL_MAX_EVENT_WORK / VIGIL_MAX_RULE_WORK;
	struct vigil_ruleset *rs;
	struct vigil_error e;
	struct tu_payload b;
	size_t len;
	u8 *p;
	u32 i;

	tu_init(&b);
	for (i = 0; i < n; i++)
		work_rule(&b, i + 1, VIGIL_MAX_RULE_WORK);
	tu_rule(&b, n + 1, VIGIL_EV_OPEN, "other");
	tu_pred_num(&b, VIGIL_OPEN_mode, VIGIL_OP_EQ, 0);
	p = tu_build(&b, &len);
	check(p, len, VIGIL_E_OK, 0);
	assert_int_equal(vigil_ruleset_compile(p, len, &rs, &e), VIGIL_E_COST);
	assert_null(rs);
	assert_non_null(strstr(e.msg, "exec events take"));
	assert_int_equal(e.offset, tu_rule_off(p, 0));
	free(p);
	/* the cheapest exec rule there is tips the rules over */
	tu_rule(&b, n + 2, VIGIL_EV_EXEC, "cheap");
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	check_b(&b, VIGIL_E_COST, AT_RULE, n + 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_count_caps),
		cmocka_unit_test(test_max_rules_and_dups),
		cmocka_unit_test(test_rule_fields),
		cmocka_unit_test(test_rule_strings),
		cmocka_unit_test(test_nul_anywhere),
		cmocka_unit_test(test_node_ranges),
		cmocka_unit_test(test_node_fields),
		cmocka_unit_test(test_op_type_table),
		cmocka_unit_test(test_value_ranges),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_rule_cost),
		cmocka_unit_test(test_string_cost),
		cmocka_unit_test(test_event_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
