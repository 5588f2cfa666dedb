// SPDX-License-Identifier: GPL-2.0
/*
 * The rule compiler: each construct of RULES.md, checked in the payload
 * records it produces (read here directly, not through vigil-chan's own
 * decoder).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chantest.h"
#include "compile.h"
#include "loader.h"

#define HEAD "channel: {id: 7, version: 2, name: t}\nrules:\n"
#define RULE(id, ev) \
	"  - id: " #id "\n    title: rule " #id "\n    event: " ev "\n" \
	"    severity: high\n    detection:\n"

struct pl {
	uint8_t *buf;
	size_t len;
	const struct vigil_payload_header *h;
	const struct vigil_rule_rec *r;
	const struct vigil_node_rec *n;
	const struct vigil_value_rec *v;
	const uint8_t *s;
	uint32_t nrules, nnodes, nvalues, strtab_size;
};

static void pl_compile(struct pl *p, const char *yaml)
{
	struct vc_compiler *c = ct_compile(yaml, &p->buf, &p->len);
	size_t off;

	if (vc_ndiags(c))
		ct_show(c);
	assert_int_equal(vc_ndiags(c), 0);
	vc_free(c);
	assert_non_null(p->buf);
	p->h = (const void *)p->buf;
	assert_int_equal(le32_to_cpu(p->h->magic), VIGIL_PAYLOAD_MAGIC);
	p->nrules = le32_to_cpu(p->h->nrules);
	p->nnodes = le32_to_cpu(p->h->nnodes);
	p->nvalues = le32_to_cpu(p->h->nvalues);
	p->strtab_size = le32_to_cpu(p->h->strtab_size);
	off = sizeof(*p->h);
	p->r = (const void *)(p->buf + off);
	off += p->nrules * sizeof(*p->r);
	p->n = (const void *)(p->buf + off);
	off += p->nnodes * sizeof(*p->n);
	p->v = (const void *)(p->buf + off);
	off += p->nvalues * sizeof(*p->v);
	p->s = p->buf + off;
	assert_int_equal(off + p->strtab_size, p->len);
}

static void pl_free(struct pl *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* Is the string of value @i (or strref @ref) equal to @want? */
static bool ref_is(const struct pl *p, const struct vigil_strref *ref,
		   const void *want, size_t wlen)
{
	uint32_t off = le32_to_cpu(ref->off), len = le32_to_cpu(ref->len);

	assert_true(off + len <= p->strtab_size);
	return len == wlen && !memcmp(p->s + off, want, wlen);
}

static bool val_str(const struct pl *p, uint32_t i, const char *want)
{
	return ref_is(p, &p->v[i].str, want, strlen(want));
}

static void check_pred(const struct pl *p, uint32_t ni, uint8_t op,
		       uint8_t flags, uint16_t field, uint16_t argc)
{
	const struct vigil_node_rec *n = &p->n[ni];

	assert_int_equal(n->kind, VIGIL_NODE_PRED);
	assert_int_equal(n->op, op);
	assert_int_equal(n->flags, flags);
	assert_int_equal(le16_to_cpu(n->field), field);
	assert_int_equal(le16_to_cpu(n->argc), argc);
}

static void check_logic(const struct pl *p, uint32_t ni, uint8_t kind,
			uint16_t argc)
{
	assert_int_equal(p->n[ni].kind, kind);
	assert_int_equal(le16_to_cpu(p->n[ni].argc), argc);
	assert_int_equal(p->n[ni].op, 0);
	assert_int_equal(le16_to_cpu(p->n[ni].field), 0);
}

static void single_pred(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(291001, "fifo")
		   "      s:\n        path: /tmp/x\n");
	assert_int_equal(p.nrules, 1);
	assert_int_equal(p.nnodes, 1);
	assert_int_equal(p.nvalues, 1);
	assert_int_equal(le32_to_cpu(p.r[0].id), 291001);
	assert_int_equal(le16_to_cpu(p.r[0].event_type), VIGIL_EV_FIFO);
	assert_int_equal(p.r[0].severity, VIGIL_SEV_HIGH);
	assert_int_equal(p.r[0].action, VIGIL_ACTION_REPORT);
	assert_int_equal(le32_to_cpu(p.r[0].expr_first), 0);
	assert_int_equal(le32_to_cpu(p.r[0].expr_count), 1);
	assert_true(ref_is(&p, &p.r[0].title, "rule 291001", 11));
	assert_int_equal(le32_to_cpu(p.r[0].tags.len), 0);
	check_pred(&p, 0, VIGIL_OP_EQ, 0, VIGIL_FIFO_path, 1);
	assert_int_equal(le32_to_cpu(p.n[0].arg), 0);
	assert_true(val_str(&p, 0, "/tmp/x"));
	assert_int_equal(le64_to_cpu(p.v[0].num), 0);
	pl_free(&p);
}

static void value_list_and_flags(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "exec")
		   "      s:\n        argv|contains|nocase|all: [ab, cd, ef]\n");
	assert_int_equal(p.nnodes, 1);
	check_pred(&p, 0, VIGIL_OP_CONTAINS,
		   VIGIL_PRED_NOCASE | VIGIL_PRED_ALL, VIGIL_EXEC_argv, 3);
	assert_true(val_str(&p, 0, "ab"));
	assert_true(val_str(&p, 1, "cd"));
	assert_true(val_str(&p, 2, "ef"));
	pl_free(&p);
}

static void every_modifier(void **state)
{
	static const struct {
		const char *key;
		uint8_t op, flags;
	} m[] = {
		{ "filename", VIGIL_OP_EQ, 0 },
		{ "filename|startswith", VIGIL_OP_PREFIX, 0 },
		{ "filename|endswith", VIGIL_OP_SUFFIX, 0 },
		{ "filename|contains", VIGIL_OP_CONTAINS, 0 },
		{ "filename|glob", VIGIL_OP_GLOB, 0 },
		{ "filename|nocase", VIGIL_OP_EQ, VIGIL_PRED_NOCASE },
		{ "filename|nocase|endswith", VIGIL_OP_SUFFIX,
		  VIGIL_PRED_NOCASE },
		{ "uid|lt", VIGIL_OP_LT, 0 },
		{ "uid|lte", VIGIL_OP_LE, 0 },
		{ "uid|gt", VIGIL_OP_GT, 0 },
		{ "uid|gte", VIGIL_OP_GE, 0 },
		{ "uid|mask_all", VIGIL_OP_MASK_ALL, 0 },
		{ "uid|mask_any", VIGIL_OP_MASK_ANY, 0 },
	};
	char yaml[1024];
	struct pl p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		bool num = !strncmp(m[i].key, "uid", 3);

		snprintf(yaml, sizeof(yaml), HEAD RULE(1, "exec")
			 "      s:\n        %s: %s\n", m[i].key,
			 num ? "12" : "/bin/x*");
		pl_compile(&p, yaml);
		check_pred(&p, 0, m[i].op, m[i].flags,
			   num ? VIGIL_EXEC_uid : VIGIL_EXEC_filename, 1);
		if (num) {
			assert_int_equal(le64_to_cpu(p.v[0].num), 12);
			assert_int_equal(le32_to_cpu(p.v[0].str.len), 0);
		} else {
			assert_true(val_str(&p, 0, "/bin/x*"));
		}
		pl_free(&p);
	}
}

static void numbers(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "open")
		   "      s:\n        mode|mask_any: [0x1ff, 0o111, 0755, 42, 0, "
		   "18446744073709551615]\n");
	check_pred(&p, 0, VIGIL_OP_MASK_ANY, 0, VIGIL_OPEN_mode, 6);
	assert_int_equal(le64_to_cpu(p.v[0].num), 0x1ff);
	assert_int_equal(le64_to_cpu(p.v[1].num), 0111);
	assert_int_equal(le64_to_cpu(p.v[2].num), 0755);
	assert_int_equal(le64_to_cpu(p.v[3].num), 42);
	assert_int_equal(le64_to_cpu(p.v[4].num), 0);
	assert_true(le64_to_cpu(p.v[5].num) == UINT64_MAX);
	pl_free(&p);
}

static void addresses(void **state)
{
	static const uint8_t v4[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0
	};
	static const uint8_t v4host[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2
	};
	static const uint8_t v6[16] = { 0xfe, 0x80 };
	static const uint8_t v6host[16] = {
		0x20, 0x01, 0x0d, 0xb8, [15] = 1
	};
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "connect")
		   "      a:\n        daddr|cidr: [10.0.0.0/8, fe80::/10, "
		   "192.168.1.2]\n"
		   "      b:\n        daddr: 2001:db8::1\n"
		   "      condition: a or b\n");
	check_pred(&p, 0, VIGIL_OP_CIDR, 0, VIGIL_CONNECT_daddr, 3);
	assert_true(ref_is(&p, &p.v[0].str, v4, 16));
	assert_int_equal(le64_to_cpu(p.v[0].num), 96 + 8);
	assert_true(ref_is(&p, &p.v[1].str, v6, 16));
	assert_int_equal(le64_to_cpu(p.v[1].num), 10);
	assert_true(ref_is(&p, &p.v[2].str, v4host, 16));
	assert_int_equal(le64_to_cpu(p.v[2].num), 128);
	check_pred(&p, 1, VIGIL_OP_EQ, 0, VIGIL_CONNECT_daddr, 1);
	assert_true(ref_is(&p, &p.v[3].str, v6host, 16));
	assert_int_equal(le64_to_cpu(p.v[3].num), 128);
	check_logic(&p, 2, VIGIL_NODE_OR, 2);
	pl_free(&p);
}

static void mapping_is_and(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "exec")
		   "      s:\n        comm: sh\n        uid: 0\n"
		   "        filename|endswith: /nc\n");
	assert_int_equal(p.nnodes, 4);
	check_pred(&p, 0, VIGIL_OP_EQ, 0, VIGIL_EXEC_comm, 1);
	check_pred(&p, 1, VIGIL_OP_EQ, 0, VIGIL_EXEC_uid, 1);
	check_pred(&p, 2, VIGIL_OP_SUFFIX, 0, VIGIL_EXEC_filename, 1);
	check_logic(&p, 3, VIGIL_NODE_AND, 3);
	/* values come in node order */
	assert_int_equal(le32_to_cpu(p.n[0].arg), 0);
	assert_int_equal(le32_to_cpu(p.n[1].arg), 1);
	assert_int_equal(le32_to_cpu(p.n[2].arg), 2);
	pl_free(&p);
}

static void list_of_maps_is_or(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "cred_change")
		   "      s:\n        - new_uid: 0\n          uid|gt: 0\n"
		   "        - new_euid: 0\n");
	assert_int_equal(p.nnodes, 5);
	check_pred(&p, 0, VIGIL_OP_EQ, 0, VIGIL_CRED_CHANGE_new_uid, 1);
	check_pred(&p, 1, VIGIL_OP_GT, 0, VIGIL_CRED_CHANGE_uid, 1);
	check_logic(&p, 2, VIGIL_NODE_AND, 2);
	check_pred(&p, 3, VIGIL_OP_EQ, 0, VIGIL_CRED_CHANGE_new_euid, 1);
	check_logic(&p, 4, VIGIL_NODE_OR, 2);
	pl_free(&p);
}

static void condition_grammar(void **state)
{
	struct pl p;

	/* not binds tighter than and, and tighter than or */
	pl_compile(&p, HEAD RULE(1, "exec")
		   "      a:\n        comm: a\n      b:\n        comm: b\n"
		   "      c:\n        comm: c\n"
		   "      condition: not a and b or c\n");
	assert_int_equal(p.nnodes, 6);
	check_pred(&p, 0, VIGIL_OP_EQ, 0, VIGIL_EXEC_comm, 1);
	assert_true(val_str(&p, 0, "a"));
	check_logic(&p, 1, VIGIL_NODE_NOT, 1);
	assert_true(val_str(&p, 1, "b"));
	check_logic(&p, 3, VIGIL_NODE_AND, 2);
	assert_true(val_str(&p, 2, "c"));
	check_logic(&p, 5, VIGIL_NODE_OR, 2);
	pl_free(&p);

	/* parentheses; nested ANDs are flattened; not not cancels */
	pl_compile(&p, HEAD RULE(1, "exec")
		   "      a:\n        comm: a\n      b:\n        comm: b\n"
		   "      c:\n        comm: c\n"
		   "      condition: a and (b or c) and (not not a and (b))\n");
	assert_int_equal(p.nnodes, 7);
	assert_true(val_str(&p, 0, "a"));
	assert_true(val_str(&p, 1, "b"));
	assert_true(val_str(&p, 2, "c"));
	check_logic(&p, 3, VIGIL_NODE_OR, 2);
	assert_true(val_str(&p, 3, "a"));
	assert_true(val_str(&p, 4, "b"));
	check_logic(&p, 6, VIGIL_NODE_AND, 4);
	pl_free(&p);
}

static void of_patterns(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "exec")
		   "      sel_a:\n        comm: a\n      sel_b:\n        comm: b\n"
		   "      other:\n        uid: 0\n"
		   "      condition: 1 of sel_* and other\n");
	assert_int_equal(p.nnodes, 5);
	check_logic(&p, 2, VIGIL_NODE_OR, 2);
	check_pred(&p, 3, VIGIL_OP_EQ, 0, VIGIL_EXEC_uid, 1);
	check_logic(&p, 4, VIGIL_NODE_AND, 2);
	pl_free(&p);

	pl_compile(&p, HEAD RULE(1, "exec")
		   "      x:\n        comm: a\n      y:\n        uid: 1\n"
		   "      condition: all of them\n");
	assert_int_equal(p.nnodes, 3);
	check_logic(&p, 2, VIGIL_NODE_AND, 2);
	pl_free(&p);

	/* a pattern naming one selection is that selection */
	pl_compile(&p, HEAD RULE(1, "exec")
		   "      x:\n        comm: a\n      y:\n        uid: 1\n"
		   "      condition: 1 of x* or not y\n");
	assert_int_equal(p.nnodes, 4);
	check_pred(&p, 0, VIGIL_OP_EQ, 0, VIGIL_EXEC_comm, 1);
	check_logic(&p, 2, VIGIL_NODE_NOT, 1);
	check_logic(&p, 3, VIGIL_NODE_OR, 2);
	pl_free(&p);
}

static void wide_or_is_grouped(void **state)
{
	char yaml[8192];
	size_t o;
	struct pl p;
	int i;

	o = snprintf(yaml, sizeof(yaml), HEAD RULE(1, "exec"));
	for (i = 0; i < 40; i++)
		o += snprintf(yaml + o, sizeof(yaml) - o,
			      "      s%02d:\n        uid: %d\n", i, i);
	snprintf(yaml + o, sizeof(yaml) - o, "      condition: 1 of s*\n");
	/* 40 operands would need a stack of 40; groups of 16 keep it at 18 */
	pl_compile(&p, yaml);
	assert_int_equal(p.nnodes, 40 + 3 + 1);
	check_logic(&p, 16, VIGIL_NODE_OR, 16);
	check_logic(&p, 33, VIGIL_NODE_OR, 16);
	check_logic(&p, 42, VIGIL_NODE_OR, 8);
	check_logic(&p, 43, VIGIL_NODE_OR, 3);
	pl_free(&p);
}

static void rule_fields(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD
		   "  - id: 0x10\n    title: Tagged\n    event: module_load\n"
		   "    severity: critical\n    action: kill\n"
		   "    tags: [attack.t1547.006, attack.persistence]\n"
		   "    description: ignored\n"
		   "    detection:\n      s:\n        args|contains: x\n"
		   "  - id: 17\n    title: Info\n    event: ptrace\n"
		   "    severity: info\n    detection:\n"
		   "      s:\n        request: 16\n"
		   "  - id: 18\n    title: Refused\n    event: open\n"
		   "    severity: high\n    action: deny\n    detection:\n"
		   "      s:\n        path: /etc/shadow\n");
	assert_int_equal(p.nrules, 3);
	assert_int_equal(p.r[2].action, VIGIL_ACTION_DENY);
	assert_int_equal(le32_to_cpu(p.r[0].id), 16);
	assert_int_equal(le16_to_cpu(p.r[0].event_type), VIGIL_EV_MODULE_LOAD);
	assert_int_equal(p.r[0].severity, VIGIL_SEV_CRITICAL);
	assert_int_equal(p.r[0].action, VIGIL_ACTION_KILL);
	assert_true(ref_is(&p, &p.r[0].tags,
			   "attack.t1547.006,attack.persistence", 35));
	assert_int_equal(le32_to_cpu(p.r[1].id), 17);
	assert_int_equal(p.r[1].severity, VIGIL_SEV_INFO);
	assert_int_equal(p.r[1].action, VIGIL_ACTION_REPORT);
	assert_int_equal(le32_to_cpu(p.r[1].expr_first), 1);
	assert_int_equal(le32_to_cpu(p.r[1].expr_count), 1);
	pl_free(&p);
}

static void strings_deduplicated(void **state)
{
	struct pl p;

	pl_compile(&p, HEAD RULE(1, "exec")
		   "      s:\n        comm: [bash, dash]\n"
		   RULE(2, "fork")
		   "      s:\n        comm: bash\n"
		   "  - id: 3\n    title: rule 1\n    event: exit\n"
		   "    severity: low\n    detection:\n"
		   "      s:\n        comm: dash\n");
	assert_int_equal(p.nvalues, 4);
	assert_int_equal(p.v[0].str.off, p.v[2].str.off);
	assert_int_equal(p.v[1].str.off, p.v[3].str.off);
	assert_int_equal(p.r[0].title.off, p.r[2].title.off);
	/* "rule 1" + "bash" + "dash" + "rule 2" */
	assert_int_equal(p.strtab_size, 6 + 4 + 4 + 6);
	pl_free(&p);
}

static void sources_agree(void **state)
{
	static const char a[] = HEAD RULE(1, "exec")
		"      s:\n        comm: a\n";
	static const char b[] =
		"channel: {id: 7, version: 2}\nrules:\n" RULE(2, "exec")
		"      s:\n        comm: b\n";
	static const char c_[] =
		"channel: {id: 8, version: 2}\nrules:\n" RULE(3, "exec")
		"      s:\n        comm: c\n";
	static const char noch[] = "rules:\n" RULE(4, "exec")
		"      s:\n        comm: d\n";
	struct vc_opts o = { .have_id = true, .id = 99, .have_version = true,
			     .version = 5 };
	struct vc_compiler *c;
	struct chan_meta m;
	uint8_t *pl;
	size_t len;

	c = vc_new(NULL);
	assert_int_equal(vc_add_source(c, "a.yaml", a, strlen(a)), 0);
	assert_int_equal(vc_add_source(c, "b.yaml", b, strlen(b)), 0);
	assert_int_equal(vc_add_source(c, "n.yaml", noch, strlen(noch)), 0);
	assert_int_equal(vc_finish(c, &pl, &len, &m), 0);
	assert_int_equal(m.channel_id, 7);
	assert_int_equal(m.content_version, 2);
	assert_int_equal(m.schema_version, VIGIL_SCHEMA_VERSION);
	free(pl);
	vc_free(c);

	c = vc_new(NULL);
	vc_add_source(c, "a.yaml", a, strlen(a));
	assert_int_equal(vc_add_source(c, "c.yaml", c_, strlen(c_)), -1);
	assert_int_equal(vc_ndiags(c), 1);
	assert_string_equal(vc_diag(c, 0)->file, "c.yaml");
	assert_int_equal(vc_diag(c, 0)->line, 1);
	assert_non_null(strstr(vc_diag(c, 0)->msg, "disagrees with 7"));
	vc_free(c);

	/* --id and --version win over the sources */
	c = vc_new(&o);
	vc_add_source(c, "a.yaml", a, strlen(a));
	vc_add_source(c, "c.yaml", c_, strlen(c_));
	assert_int_equal(vc_finish(c, &pl, &len, &m), 0);
	assert_int_equal(m.channel_id, 99);
	assert_int_equal(m.content_version, 5);
	free(pl);
	vc_free(c);

	/* no id anywhere */
	c = vc_new(NULL);
	vc_add_source(c, "n.yaml", noch, strlen(noch));
	assert_int_equal(vc_finish(c, &pl, &len, &m), -1);
	assert_non_null(strstr(vc_diag(c, 0)->msg, "no channel id"));
	vc_free(c);
}

static void default_condition(void **state)
{
	struct pl p;

	/* a rule with one selection needs no condition */
	pl_compile(&p, HEAD RULE(1, "exit")
		   "      only:\n        exit_code|gte: 128\n");
	check_pred(&p, 0, VIGIL_OP_GE, 0, VIGIL_EXIT_exit_code, 1);
	pl_free(&p);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_pred),
		cmocka_unit_test(value_list_and_flags),
		cmocka_unit_test(every_modifier),
		cmocka_unit_test(numbers),
		cmocka_unit_test(addresses),
		cmocka_unit_test(mapping_is_and),
		cmocka_unit_test(list_of_maps_is_or),
		cmocka_unit_test(condition_grammar),
		cmocka_unit_test(of_patterns),
		cmocka_unit_test(wide_or_is_grouped),
		cmocka_unit_test(rule_fields),
		cmocka_unit_test(strings_deduplicated),
		cmocka_unit_test(sources_agree),
		cmocka_unit_test(default_condition),
	};

	ct_chdir_root(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
