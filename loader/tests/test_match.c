// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled rule set and the matcher (ruleset.c, match.c): every
 * operator on every field type, expressions, the prefilter against a
 * reference interpreter on random rules and events, malformed events,
 * flipped predicates, the stack-bounded candidate fallback, field length
 * caps, allocation failure at every step, and compiling damaged payloads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "ruleset.h"

#define RND_SEED	4242U
#include "rnd.h"

/* A compiled rule set and the payload it points into. */
struct set {
	u8 *p;
	size_t len;
	struct vigil_ruleset *rs;
};

static void set_build(struct set *s, const struct tu_payload *b)
{
	struct vigil_error e;

	s->p = tu_build(b, &s->len);
	if (vigil_payload_validate(s->p, s->len, &e))
		fail_msg("test payload invalid: %s", e.msg);
	if (vigil_ruleset_compile(s->p, s->len, &s->rs, &e))
		fail_msg("compile: %s", e.msg);
	assert_true(vigil_ruleset_mem(s->rs) > 0);
}

static void set_free(struct set *s)
{
	vigil_ruleset_free(s->rs);
	free(s->p);
}

/* An event of @type with every string empty and every number 0. */
static void ev_init(struct vigil_event *ev, u16 type)
{
	const struct vigil_event_desc *d = vigil_event_desc(type);
	u32 i;

	assert_non_null(d);
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->nfields = d->nfields;
	for (i = 0; i < d->nfields; i++) {
		if (d->fields[i].type == VIGIL_FT_STR ||
		    d->fields[i].type == VIGIL_FT_PATH)
			ev->v[i].str.ptr = "";
	}
}

static void ev_str(struct vigil_event *ev, u16 f, const char *s)
{
	ev->v[f].str.ptr = s;
	ev->v[f].str.len = strlen(s);
}

struct hits {
	u32 idx[512];
	u32 n;
	u32 stop_at;		/* stop after this many, if non-zero */
	const struct set *s;
};

static int collect(void *ctx, const struct vigil_match *m)
{
	struct hits *h = ctx;
	const struct vigil_rule_rec *r = tu_prule(h->s->p, m->rule_index);

	assert_true(h->n < ARRAY_SIZE(h->idx));
	assert_int_equal(m->rule_id, le32_to_cpu(r->id));
	assert_int_equal(m->action, r->action);
	assert_int_equal(m->severity, r->severity);
	h->idx[h->n++] = m->rule_index;
	return h->stop_at && h->n >= h->stop_at;
}

/*
 * vigil_match(), checked against vigil_rule_eval() on every rule: the
 * same rules, reported in rule order, each once.
 */
static int run(const struct set *s, const struct vigil_event *ev,
	       struct hits *h)
{
	u32 r, k = 0;
	int rc;

	memset(h, 0, sizeof(*h));
	h->s = s;
	rc = vigil_match(s->rs, ev, collect, h);
	assert_int_equal(rc, h->n);
	for (r = 0; r < s->rs->nrules; r++) {
		int want = vigil_rule_eval(s->rs, r, ev, -1);

		assert_true(want == 0 || want == 1);
		if (k < h->n && h->idx[k] == r) {
			assert_int_equal(want, 1);
			k++;
		} else if (want) {
			fail_msg("rule %u matches but was not reported", r);
		}
	}
	assert_int_equal(k, h->n);
	return rc;
}

/* Does the one-rule set match the event? */
static bool m1(const struct set *s, const struct vigil_event *ev)
{
	struct hits h;

	return run(s, ev, &h) == 1;
}

/* One rule, one string predicate with one or two values. */
static void one_str(struct set *s, u16 type, u16 field, u8 op, u8 flags,
		    const char *v1, const char *v2)
{
	struct tu_payload b;

	tu_init(&b);
	tu_rule(&b, 1, type, "t");
	tu_pred_str(&b, field, op, flags, v1, v2, NULL);
	set_build(s, &b);
	tu_free(&b);
}

#define NC	VIGIL_PRED_NOCASE
#define ALL	VIGIL_PRED_ALL

struct scase {
	u8 op;
	u8 flags;
	const char *v1, *v2;
	const char *text;
	bool want;
};

static const struct scase scases[] = {
	{ VIGIL_OP_EQ, 0, "sh", NULL, "sh", true },
	{ VIGIL_OP_EQ, 0, "sh", NULL, "bash", false },
	{ VIGIL_OP_EQ, 0, "sh", NULL, "shx", false },
	{ VIGIL_OP_EQ, 0, "sh", NULL, "", false },
	{ VIGIL_OP_EQ, 0, "SH", NULL, "sh", false },
	{ VIGIL_OP_EQ, NC, "SH", NULL, "sH", true },
	{ VIGIL_OP_EQ, 0, "sh", "bash", "bash", true },
	{ VIGIL_OP_EQ, ALL, "sh", "bash", "bash", false },
	{ VIGIL_OP_EQ, ALL, "sh", "sh", "sh", true },
	{ VIGIL_OP_PREFIX, 0, "/tmp/", NULL, "/tmp/x", true },
	{ VIGIL_OP_PREFIX, 0, "/tmp/", NULL, "/tmp/", true },
	{ VIGIL_OP_PREFIX, 0, "/tmp/", NULL, "/tmp", false },
	{ VIGIL_OP_PREFIX, 0, "/tmp/", NULL, "/var/tmp/x", false },
	{ VIGIL_OP_PREFIX, 0, "/tmp/", NULL, "", false },
	{ VIGIL_OP_PREFIX, NC, "/TMP/", NULL, "/tmp/x", true },
	{ VIGIL_OP_PREFIX, 0, "/TMP/", NULL, "/tmp/x", false },
	{ VIGIL_OP_PREFIX, ALL, "/tmp/", "/tmp/x", "/tmp/xy", true },
	{ VIGIL_OP_PREFIX, ALL, "/tmp/", "/tmp/x", "/tmp/y", false },
	{ VIGIL_OP_SUFFIX, 0, ".sh", NULL, "/tmp/a.sh", true },
	{ VIGIL_OP_SUFFIX, 0, ".sh", NULL, ".sh", true },
	{ VIGIL_OP_SUFFIX, 0, ".sh", NULL, "sh", false },
	{ VIGIL_OP_SUFFIX, 0, ".sh", NULL, "a.sh.x", false },
	{ VIGIL_OP_SUFFIX, NC, ".SH", NULL, "A.Sh", true },
	{ VIGIL_OP_SUFFIX, 0, ".py", ".sh", "a.sh", true },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "beacon.x", true },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "x.beacon", true },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "x.beacon.y", true },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "beaco", false },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "", false },
	{ VIGIL_OP_CONTAINS, 0, "beacon", NULL, "BEACON", false },
	{ VIGIL_OP_CONTAINS, NC, "BeAcOn", NULL, "xxBEACONxx", true },
	{ VIGIL_OP_CONTAINS, ALL, "nc", "-e", "nc -e sh", true },
	{ VIGIL_OP_CONTAINS, ALL, "nc", "-e", "nc -l", false },
	{ VIGIL_OP_CONTAINS, 0, "aab", NULL, "aaab", true },
	/* borders found in either case; a table of zeros without one */
	{ VIGIL_OP_CONTAINS, NC, "AaB", NULL, "xaAAb", true },
	{ VIGIL_OP_CONTAINS, NC, "aAB", NULL, "xAaaB", true },
	{ VIGIL_OP_CONTAINS, 0, "--x", NULL, "a---x", true },
	{ VIGIL_OP_CONTAINS, NC, "Xyz", NULL, "xXxYZ", true },
	{ VIGIL_OP_CONTAINS, 0, "Xyz", NULL, "xXxYZ", false },
	{ VIGIL_OP_GLOB, 0, "/tmp/*.sh", NULL, "/tmp/a/b.sh", true },
	{ VIGIL_OP_GLOB, 0, "/tmp/*.sh", NULL, "/tmp/a/b.shx", false },
	{ VIGIL_OP_GLOB, 0, "*", NULL, "", true },
	{ VIGIL_OP_GLOB, 0, "?", NULL, "", false },
	{ VIGIL_OP_GLOB, 0, "a\\*", NULL, "a*", true },
	{ VIGIL_OP_GLOB, 0, "a\\*", NULL, "ab", false },
	{ VIGIL_OP_GLOB, 0, "**x**", NULL, "x", true },
	{ VIGIL_OP_GLOB, NC, "*/.SSH/*", NULL, "/home/u/.ssh/id", true },
	{ VIGIL_OP_GLOB, 0, "*/.SSH/*", NULL, "/home/u/.ssh/id", false },
	{ VIGIL_OP_GLOB, ALL, "/home/*", "*/id", "/home/u/.ssh/id", true },
	{ VIGIL_OP_GLOB, ALL, "/home/*", "*/id", "/root/.ssh/id", false },
};

/* Every string operator, on a str and on a path field. */
static void test_string_ops(void **state)
{
	static const struct {
		u16 type, field, other;
	} where[] = {
		{ VIGIL_EV_EXEC, VIGIL_EXEC_comm, VIGIL_EXEC_argv },
		{ VIGIL_EV_EXEC, VIGIL_EXEC_filename, VIGIL_EXEC_comm },
		{ VIGIL_EV_OPEN, VIGIL_OPEN_path, VIGIL_OPEN_comm },
		{ VIGIL_EV_MODULE_LOAD, VIGIL_MODULE_LOAD_args,
		  VIGIL_MODULE_LOAD_path },
	};
	struct vigil_event ev;
	struct set s;
	u32 i, w;
	bool empty;

	for (w = 0; w < ARRAY_SIZE(where); w++) {
		for (i = 0; i < ARRAY_SIZE(scases); i++) {
			const struct scase *c = &scases[i];

			one_str(&s, where[w].type, where[w].field, c->op,
				c->flags, c->v1, c->v2);
			ev_init(&ev, where[w].type);
			ev_str(&ev, where[w].field, c->text);
			if (m1(&s, &ev) != c->want)
				fail_msg("case %u op %u '%s' on '%s': want %d",
					 i, c->op, c->v1, c->text, c->want);
			/* the text in another field does not count */
			ev_init(&ev, where[w].type);
			empty = m1(&s, &ev);
			ev_str(&ev, where[w].other, c->text);
			assert_int_equal(m1(&s, &ev), empty);
			set_free(&s);
		}
	}
}

struct ncase {
	u8 op;
	u8 flags;
	u64 v[2];
	u32 n;
	u64 x;
	bool want;
};

#define U64MAX	(~0ULL)

static const struct ncase ncases[] = {
	{ VIGIL_OP_EQ, 0, { 0 }, 1, 0, true },
	{ VIGIL_OP_EQ, 0, { 0 }, 1, 1, false },
	{ VIGIL_OP_EQ, 0, { U64MAX }, 1, U64MAX, true },
	{ VIGIL_OP_EQ, 0, { 5, 7 }, 2, 7, true },
	{ VIGIL_OP_EQ, ALL, { 5, 7 }, 2, 7, false },
	{ VIGIL_OP_LT, 0, { 1000 }, 1, 999, true },
	{ VIGIL_OP_LT, 0, { 1000 }, 1, 1000, false },
	{ VIGIL_OP_LT, 0, { 0 }, 1, 0, false },
	{ VIGIL_OP_LE, 0, { 1000 }, 1, 1000, true },
	{ VIGIL_OP_LE, 0, { 1000 }, 1, 1001, false },
	{ VIGIL_OP_GT, 0, { 1000 }, 1, 1001, true },
	{ VIGIL_OP_GT, 0, { 1000 }, 1, 1000, false },
	{ VIGIL_OP_GT, 0, { U64MAX }, 1, U64MAX, false },
	{ VIGIL_OP_GE, 0, { 1000 }, 1, 1000, true },
	{ VIGIL_OP_GE, 0, { 1000 }, 1, 999, false },
	{ VIGIL_OP_GE, ALL, { 10, 20 }, 2, 15, false },
	{ VIGIL_OP_GE, 0, { 10, 20 }, 2, 15, true },
	{ VIGIL_OP_MASK_ALL, 0, { 0x41 }, 1, 0x41, true },
	{ VIGIL_OP_MASK_ALL, 0, { 0x41 }, 1, 0xc3, true },
	{ VIGIL_OP_MASK_ALL, 0, { 0x41 }, 1, 0x40, false },
	{ VIGIL_OP_MASK_ALL, 0, { 0 }, 1, 0, true },
	{ VIGIL_OP_MASK_ANY, 0, { 0111 }, 1, 0100, true },
	{ VIGIL_OP_MASK_ANY, 0, { 0111 }, 1, 0644, false },
	{ VIGIL_OP_MASK_ANY, 0, { 0 }, 1, U64MAX, false },
	{ VIGIL_OP_MASK_ANY, ALL, { 1, 2 }, 2, 3, true },
	{ VIGIL_OP_MASK_ANY, ALL, { 1, 2 }, 2, 1, false },
};

static void test_number_ops(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct set s;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ncases); i++) {
		const struct ncase *c = &ncases[i];

		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_OPEN, "t");
		tu_pred_nums(&b, VIGIL_OPEN_flags, c->op, c->flags, c->v, c->n);
		set_build(&s, &b);
		tu_free(&b);
		ev_init(&ev, VIGIL_EV_OPEN);
		ev.v[VIGIL_OPEN_flags].num = c->x;
		if (m1(&s, &ev) != c->want)
			fail_msg("case %u: op %u x %llu: want %d", i, c->op,
				 (unsigned long long)c->x, c->want);
		set_free(&s);
	}
}

static void v4(u8 a[16], u8 x, u8 y, u8 z, u8 w)
{
	memset(a, 0, 16);
	a[10] = 0xff;
	a[11] = 0xff;
	a[12] = x;
	a[13] = y;
	a[14] = z;
	a[15] = w;
}

static void test_addr_ops(void **state)
{
	static const struct {
		u8 op;
		u8 net[4];
		u32 prefix;
		u8 addr[4];
		bool want;
	} cases[] = {
		{ VIGIL_OP_EQ, { 10, 1, 2, 3 }, 128, { 10, 1, 2, 3 }, true },
		{ VIGIL_OP_EQ, { 10, 1, 2, 3 }, 128, { 10, 1, 2, 4 }, false },
		{ VIGIL_OP_CIDR, { 10, 0, 0, 0 }, 104, { 10, 9, 9, 9 }, true },
		{ VIGIL_OP_CIDR, { 10, 0, 0, 0 }, 104, { 11, 9, 9, 9 }, false },
		/* /12 of IPv4 (96 + 12): a partial byte */
		{ VIGIL_OP_CIDR, { 172, 16, 0, 0 }, 108, { 172, 31, 1, 1 },
		  true },
		{ VIGIL_OP_CIDR, { 172, 16, 0, 0 }, 108, { 172, 32, 1, 1 },
		  false },
		{ VIGIL_OP_CIDR, { 1, 2, 3, 4 }, 128, { 1, 2, 3, 4 }, true },
		{ VIGIL_OP_CIDR, { 1, 2, 3, 4 }, 127, { 1, 2, 3, 5 }, true },
		{ VIGIL_OP_CIDR, { 1, 2, 3, 4 }, 127, { 1, 2, 3, 6 }, false },
		{ VIGIL_OP_CIDR, { 1, 2, 3, 4 }, 0, { 9, 9, 9, 9 }, true },
	};
	struct vigil_event ev;
	struct tu_payload b;
	struct set s;
	u8 a[16];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tu_init(&b);
		tu_rule(&b, 1, VIGIL_EV_CONNECT, "t");
		v4(a, cases[i].net[0], cases[i].net[1], cases[i].net[2],
		   cases[i].net[3]);
		tu_pred_addr(&b, VIGIL_CONNECT_daddr, cases[i].op, a,
			     cases[i].prefix);
		set_build(&s, &b);
		tu_free(&b);
		ev_init(&ev, VIGIL_EV_CONNECT);
		v4(ev.v[VIGIL_CONNECT_daddr].addr.a, cases[i].addr[0],
		   cases[i].addr[1], cases[i].addr[2], cases[i].addr[3]);
		if (m1(&s, &ev) != cases[i].want)
			fail_msg("addr case %u", i);
		/* an IPv6 address outside ::ffff:0:0/96 */
		memset(ev.v[VIGIL_CONNECT_daddr].addr.a, 0, 16);
		ev.v[VIGIL_CONNECT_daddr].addr.a[0] = 0xfe;
		assert_int_equal(m1(&s, &ev), cases[i].prefix == 0);
		set_free(&s);
	}
}

/*
 * Expressions over six independent predicates "field k == 1" of an exec
 * event, for every combination of their truth values.
 */
static const u16 xf[] = {
	VIGIL_EXEC_pid, VIGIL_EXEC_tgid, VIGIL_EXEC_ppid,
	VIGIL_EXEC_uid, VIGIL_EXEC_gid, VIGIL_EXEC_euid,
};

static void xpred(struct tu_payload *b, int k)
{
	tu_pred_num(b, xf[k], VIGIL_OP_EQ, 1);
}

static void test_expressions(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 bits, k;

	tu_init(&b);
	/* 0: A and B and C */
	tu_rule(&b, 10, VIGIL_EV_EXEC, "and3");
	xpred(&b, 0);
	xpred(&b, 1);
	xpred(&b, 2);
	tu_logic(&b, VIGIL_NODE_AND, 3);
	/* 1: A or B or C */
	tu_rule(&b, 11, VIGIL_EV_EXEC, "or3");
	xpred(&b, 0);
	xpred(&b, 1);
	xpred(&b, 2);
	tu_logic(&b, VIGIL_NODE_OR, 3);
	/* 2: not (A and (B or not C)) or (D and E and not F) */
	tu_rule(&b, 12, VIGIL_EV_EXEC, "mixed");
	xpred(&b, 0);
	xpred(&b, 1);
	xpred(&b, 2);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	xpred(&b, 3);
	xpred(&b, 4);
	xpred(&b, 5);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_AND, 3);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	/* 3: ((A or B) and (C or D)) or ((E and F) or not A) */
	tu_rule(&b, 13, VIGIL_EV_EXEC, "nested");
	xpred(&b, 0);
	xpred(&b, 1);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	xpred(&b, 2);
	xpred(&b, 3);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	xpred(&b, 4);
	xpred(&b, 5);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	xpred(&b, 0);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	set_build(&s, &b);
	tu_free(&b);

	for (bits = 0; bits < 64; bits++) {
		bool x[6], want[4];

		ev_init(&ev, VIGIL_EV_EXEC);
		for (k = 0; k < 6; k++) {
			x[k] = bits >> k & 1;
			ev.v[xf[k]].num = x[k];
		}
		want[0] = x[0] && x[1] && x[2];
		want[1] = x[0] || x[1] || x[2];
		want[2] = !(x[0] && (x[1] || !x[2])) ||
			  (x[3] && x[4] && !x[5]);
		want[3] = ((x[0] || x[1]) && (x[2] || x[3])) ||
			  ((x[4] && x[5]) || !x[0]);
		run(&s, &ev, &h);
		for (k = 0; k < 4; k++)
			assert_int_equal(vigil_rule_eval(s.rs, k, &ev, -1),
					 want[k]);
	}
	set_free(&s);
}

/* The deepest stack (32) and the longest program (256 nodes). */
static void test_depth(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct set s;
	u32 k;

	tu_init(&b);
	/* 32 operands on the stack, then folded by 31 ANDs */
	tu_rule(&b, 1, VIGIL_EV_EXEC, "deep");
	for (k = 0; k < VIGIL_MAX_EXPR_DEPTH; k++)
		tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_LT, 1000 + k);
	for (k = 1; k < VIGIL_MAX_EXPR_DEPTH; k++)
		tu_logic(&b, VIGIL_NODE_AND, 2);
	/* one predicate and 255 NOTs: false when uid == 7 */
	tu_rule(&b, 2, VIGIL_EV_EXEC, "nots");
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 7);
	for (k = 1; k < VIGIL_MAX_RULE_NODES; k++)
		tu_logic(&b, VIGIL_NODE_NOT, 1);
	/* one OR of 32 operands */
	tu_rule(&b, 3, VIGIL_EV_EXEC, "wide");
	for (k = 0; k < VIGIL_MAX_EXPR_DEPTH; k++)
		tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 100 + k);
	tu_logic(&b, VIGIL_NODE_OR, VIGIL_MAX_EXPR_DEPTH);
	set_build(&s, &b);
	tu_free(&b);

	ev_init(&ev, VIGIL_EV_EXEC);
	ev.v[VIGIL_EXEC_uid].num = 7;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 1);
	assert_int_equal(vigil_rule_eval(s.rs, 1, &ev, -1), 0);
	assert_int_equal(vigil_rule_eval(s.rs, 2, &ev, -1), 0);
	ev.v[VIGIL_EXEC_uid].num = 1000;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 0);
	assert_int_equal(vigil_rule_eval(s.rs, 1, &ev, -1), 1);
	ev.v[VIGIL_EXEC_uid].num = 131;
	assert_int_equal(vigil_rule_eval(s.rs, 2, &ev, -1), 1);
	ev.v[VIGIL_EXEC_uid].num = 1031;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 0);
	ev.v[VIGIL_EXEC_uid].num = 1030;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 0);
	ev.v[VIGIL_EXEC_uid].num = 999;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 1);
	set_free(&s);
}

static int stop_cb(void *ctx, const struct vigil_match *m)
{
	(*(int *)ctx)++;
	return 1;
}

/* Malformed events are refused before any read; the callback never runs. */
static void test_bad_events(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct set s;
	int calls = 0;
	u16 t, good;

	tu_init(&b);
	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		tu_rule(&b, t, t, "any");
		tu_pred_num(&b, VIGIL_EXEC_pid, VIGIL_OP_GE, 0);
	}
	set_build(&s, &b);
	tu_free(&b);
	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		ev_init(&ev, t);
		good = ev.nfields;
		assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls), 1);
		assert_int_equal(vigil_rule_eval(s.rs, t - 1, &ev, -1), 1);
		/* the July 19 case: one field more than the schema has */
		ev.nfields = good + 1;
		assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls),
				 -EINVAL);
		assert_int_equal(vigil_rule_eval(s.rs, t - 1, &ev, -1),
				 -EINVAL);
		ev.nfields = good - 1;
		assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls),
				 -EINVAL);
		ev.nfields = 0xffff;
		assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls),
				 -EINVAL);
		ev.nfields = good;
	}
	assert_int_equal(calls, VIGIL_EV_MAX);
	calls = 0;
	ev.type = VIGIL_EV_NONE;
	assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls), -EINVAL);
	ev.type = VIGIL_EV_MAX + 1;
	assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls), -EINVAL);
	ev.type = 0xffff;
	assert_int_equal(vigil_match(s.rs, &ev, stop_cb, &calls), -EINVAL);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), -EINVAL);
	assert_int_equal(vigil_match(s.rs, NULL, stop_cb, &calls), -EINVAL);
	assert_int_equal(vigil_match(NULL, &ev, stop_cb, &calls), -EINVAL);
	assert_int_equal(calls, 0);
	/* a rule of another type than the event's does not match */
	ev_init(&ev, VIGIL_EV_OPEN);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 0);
	assert_int_equal(vigil_rule_eval(s.rs, s.rs->nrules, &ev, -1),
			 -EINVAL);
	assert_int_equal(vigil_rule_eval(s.rs, ~0U, &ev, -1), -EINVAL);
	assert_int_equal(vigil_rule_eval(NULL, 0, &ev, -1), -EINVAL);
	set_free(&s);
}

/* Flipping one predicate inverts exactly its value. */
static void test_flip(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct set s;

	tu_init(&b);
	/* comm == sh and not uid == 0: nodes 0, 1, 2 (NOT), 3 (AND) */
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "sh", NULL);
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	set_build(&s, &b);
	tu_free(&b);

	ev_init(&ev, VIGIL_EV_EXEC);
	ev_str(&ev, VIGIL_EXEC_comm, "sh");
	ev.v[VIGIL_EXEC_uid].num = 1000;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 1);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 0), 0);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 1), 0);
	ev.v[VIGIL_EXEC_uid].num = 0;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -1), 0);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 0), 0);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 1), 1);
	ev_str(&ev, VIGIL_EXEC_comm, "bash");
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 0), 0);
	ev.v[VIGIL_EXEC_uid].num = 5;
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 0), 1);
	/* operators, out of range and negative indexes are refused */
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 2), -EINVAL);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 3), -EINVAL);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, 4), -EINVAL);
	assert_int_equal(vigil_rule_eval(s.rs, 0, &ev, -2), -EINVAL);
	set_free(&s);
}

/* Matches come in rule order; a non-zero callback return stops. */
static void test_order_and_stop(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 r;

	tu_init(&b);
	for (r = 0; r < 40; r++) {
		tu_rule(&b, 1000 - r, r % 2 ? VIGIL_EV_OPEN : VIGIL_EV_EXEC,
			"t");
		if (r % 3 == 0)
			tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_CONTAINS, 0,
				    "cur", NULL);
		else if (r % 3 == 1)
			tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_LT, 10);
		else
			tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, 0,
				    "*rl", NULL);
	}
	set_build(&s, &b);
	tu_free(&b);
	ev_init(&ev, VIGIL_EV_EXEC);
	ev_str(&ev, VIGIL_EXEC_comm, "curl");
	assert_int_equal(run(&s, &ev, &h), 20);
	for (r = 0; r < h.n; r++)
		assert_int_equal(h.idx[r], 2 * r);
	memset(&h, 0, sizeof(h));
	h.s = &s;
	h.stop_at = 3;
	assert_int_equal(vigil_match(s.rs, &ev, collect, &h), 3);
	assert_int_equal(h.idx[2], 4);
	/* no callback: counted only */
	assert_int_equal(vigil_match(s.rs, &ev, NULL, NULL), 20);
	/* a type without rules */
	ev_init(&ev, VIGIL_EV_EXIT);
	assert_int_equal(vigil_match(s.rs, &ev, collect, &h), 0);
	set_free(&s);
}

/*
 * String lengths are capped at VIGIL_MAX_FIELD_LEN: nothing past the cap
 * is read (the buffer ends there; ASan would see it) and the value is
 * matched as if truncated.  A NULL pointer reads as empty.
 */
static void test_field_caps(void **state)
{
	char *buf = malloc(VIGIL_MAX_FIELD_LEN);
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;

	assert_non_null(buf);
	memset(buf, 'a', VIGIL_MAX_FIELD_LEN);
	memcpy(buf + VIGIL_MAX_FIELD_LEN - 3, "end", 3);
	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_EXEC, "suffix");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_SUFFIX, 0, "end", NULL);
	tu_rule(&b, 2, VIGIL_EV_EXEC, "contains");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0, "aend", NULL);
	tu_rule(&b, 3, VIGIL_EV_EXEC, "glob");
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_GLOB, 0, "*a?nd", NULL);
	tu_rule(&b, 4, VIGIL_EV_EXEC, "eq empty-ish");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, 0, "*", NULL);
	tu_rule(&b, 5, VIGIL_EV_EXEC, "comm prefix");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_PREFIX, 0, "a", NULL);
	set_build(&s, &b);
	tu_free(&b);

	ev_init(&ev, VIGIL_EV_EXEC);
	ev.v[VIGIL_EXEC_argv].str.ptr = buf;
	ev.v[VIGIL_EXEC_argv].str.len = 0xffffffffU;
	ev.v[VIGIL_EXEC_comm].str.ptr = NULL;
	ev.v[VIGIL_EXEC_comm].str.len = 1000;
	assert_int_equal(run(&s, &ev, &h), 4);
	assert_int_equal(h.idx[3], 3);
	ev.v[VIGIL_EXEC_argv].str.len = VIGIL_MAX_FIELD_LEN - 1;
	assert_int_equal(run(&s, &ev, &h), 1);
	free(buf);
	set_free(&s);
}

/*
 * More prefilter outputs hit than the matcher's stack holds: it falls
 * back to evaluating every rule of the type, and still reports exactly
 * the matching ones.
 */
static void test_hit_overflow(void **state)
{
	char words[3 * VIGIL_MATCH_MAX_HITS][8], text[1024] = "";
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 r, n = ARRAY_SIZE(words), want = 0;

	vigil_pf_always = true;	/* so few rules are scanned only if asked */
	tu_init(&b);
	for (r = 0; r < n; r++) {
		snprintf(words[r], sizeof(words[r]), "w%03u", r);
		tu_rule(&b, r + 1, VIGIL_EV_EXEC, "t");
		tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, 0,
			    words[r], NULL);
		tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_LT, r % 5);
		tu_logic(&b, VIGIL_NODE_AND, 2);
		strcat(text, words[r]);
		strcat(text, " ");
		want += r % 5 > 2;
	}
	set_build(&s, &b);
	tu_free(&b);
	for (r = 0; r < n; r++)
		assert_true(s.rs->rules[r].anchored);
	ev_init(&ev, VIGIL_EV_EXEC);
	ev_str(&ev, VIGIL_EXEC_argv, text);
	ev.v[VIGIL_EXEC_uid].num = 2;
	assert_int_equal(run(&s, &ev, &h), want);
	ev_str(&ev, VIGIL_EXEC_argv, "w001 w007 w013");
	ev.v[VIGIL_EXEC_uid].num = 0;
	assert_int_equal(run(&s, &ev, &h), 3);
	assert_int_equal(h.idx[2], 13);
	set_free(&s);
	vigil_pf_always = false;
}

/* Which rules the prefilter may skip: the anchor rules of ruleset.h. */
static void test_anchors(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 r;
	static const bool want[] = {
		true, false, false, true, true, false, false, true, true,
		false, true, false, true,
	};

	tu_init(&b);
	/* 0: a string predicate */
	tu_rule(&b, 1, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "bash", NULL);
	/* 1: under a NOT */
	tu_rule(&b, 2, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "bash", NULL);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	/* 2: OR with an unanchorable side */
	tu_rule(&b, 3, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "bash", NULL);
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_LT, 5);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	/* 3: AND with an unanchorable side */
	tu_rule(&b, 4, VIGIL_EV_EXEC, "t");
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_LT, 5);
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "bash", NULL);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	/* 4: u64 equality */
	tu_rule(&b, 5, VIGIL_EV_EXEC, "t");
	tu_pred_num(&b, VIGIL_EXEC_uid, VIGIL_OP_EQ, 0);
	/* 5: a glob without literal */
	tu_rule(&b, 6, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, 0, "*??*", NULL);
	/* 6: one value of an any-predicate without literal */
	tu_rule(&b, 7, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, 0, "abcd*", "?", NULL);
	/* 7: the same with all: one value is enough */
	tu_rule(&b, 8, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, ALL, "abcd*", "?",
		    NULL);
	/* 8: OR of two anchorable sides */
	tu_rule(&b, 9, VIGIL_EV_OPEN, "t");
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_PREFIX, 0, "/etc/", NULL);
	tu_pred_num(&b, VIGIL_OPEN_flags, VIGIL_OP_EQ, 1);
	tu_logic(&b, VIGIL_NODE_OR, 2);
	/* 9: addresses are not anchors */
	tu_rule(&b, 10, VIGIL_EV_CONNECT, "t");
	tu_pred_addr(&b, VIGIL_CONNECT_daddr, VIGIL_OP_CIDR,
		     (const u8 *)"0123456789abcdef", 8);
	/* 10: a double negation is still not anchored, but AND picks */
	tu_rule(&b, 11, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "x", NULL);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_pred_str(&b, VIGIL_EXEC_argv, VIGIL_OP_CONTAINS, NC, "long literal",
		    NULL);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	/* 11: a literal shorter than a gram */
	tu_rule(&b, 12, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "cat", NULL);
	/* 12: a glob's literal run with an escape, long enough unescaped */
	tu_rule(&b, 13, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_GLOB, 0, "*a\\*bc*", NULL);
	set_build(&s, &b);
	tu_free(&b);
	for (r = 0; r < ARRAY_SIZE(want); r++)
		if (s.rs->rules[r].anchored != want[r])
			fail_msg("rule %u anchored %d", r,
				 s.rs->rules[r].anchored);
	/*
	 * anchored rules are still found (run() checks vigil_match()
	 * against every rule), escaped glob literal included
	 */
	ev_init(&ev, VIGIL_EV_EXEC);
	ev.v[VIGIL_EXEC_uid].num = 9;
	ev_str(&ev, VIGIL_EXEC_comm, "bash");
	ev_str(&ev, VIGIL_EXEC_argv, "x LONG LITERAL");
	run(&s, &ev, &h);
	assert_true(h.n >= 2 && h.idx[0] == 0 && h.idx[1] == 2);
	ev_str(&ev, VIGIL_EXEC_comm, "za*bcz");
	run(&s, &ev, &h);
	assert_true(h.n >= 1 && h.idx[h.n - 1] == 12);
	set_free(&s);
}

/*
 * The reference interpreter: reads the builder's records directly and
 * evaluates the specification's semantics naively.
 */
static bool ref_bytes_eq(const u8 *a, const u8 *b, u32 n, bool nc)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if ((nc ? vigil_fold(a[i]) : a[i]) !=
		    (nc ? vigil_fold(b[i]) : b[i]))
			return false;
	}
	return true;
}

/* Backtracking glob: the random patterns are short. */
static bool ref_glob(const u8 *p, u32 m, const u8 *s, u32 n, bool nc)
{
	while (m) {
		if (*p == '*') {
			u32 k;

			for (k = 0; k <= n; k++) {
				if (ref_glob(p + 1, m - 1, s + k, n - k, nc))
					return true;
			}
			return false;
		}
		if (!n)
			return false;
		if (*p == '\\' && m > 1) {
			p++;
			m--;
		} else if (*p == '?') {
			goto next;
		}
		if (!ref_bytes_eq(p, s, 1, nc))
			return false;
next:
		p++;
		m--;
		s++;
		n--;
	}
	return !n;
}

static bool ref_value(const struct tu_payload *b, const struct vigil_node_rec *nd,
		      u8 ftype, const struct vigil_value_rec *v,
		      const union vigil_value *fv)
{
	const u8 *p = b->strtab + le32_to_cpu(v->str.off), *s;
	u32 m = le32_to_cpu(v->str.len), n, i;
	u64 x = le64_to_cpu(v->num);
	bool nc = nd->flags & NC;

	if (ftype == VIGIL_FT_U64) {
		switch (nd->op) {
		case VIGIL_OP_EQ:
			return fv->num == x;
		case VIGIL_OP_LT:
			return fv->num < x;
		case VIGIL_OP_LE:
			return fv->num <= x;
		case VIGIL_OP_GT:
			return fv->num > x;
		case VIGIL_OP_GE:
			return fv->num >= x;
		case VIGIL_OP_MASK_ALL:
			return (fv->num & x) == x;
		case VIGIL_OP_MASK_ANY:
			return fv->num & x;
		}
		fail_msg("ref: op %u", nd->op);
	}
	if (ftype == VIGIL_FT_ADDR) {
		for (i = 0; i < x; i++) {
			if ((fv->addr.a[i / 8] ^ p[i / 8]) & (0x80 >> (i % 8)))
				return false;
		}
		return true;
	}
	s = (const u8 *)fv->str.ptr;
	n = min(fv->str.len, VIGIL_MAX_FIELD_LEN);
	switch (nd->op) {
	case VIGIL_OP_EQ:
		return n == m && ref_bytes_eq(s, p, m, nc);
	case VIGIL_OP_PREFIX:
		return n >= m && ref_bytes_eq(s, p, m, nc);
	case VIGIL_OP_SUFFIX:
		return n >= m && ref_bytes_eq(s + n - m, p, m, nc);
	case VIGIL_OP_CONTAINS:
		for (i = 0; i + m <= n; i++) {
			if (ref_bytes_eq(s + i, p, m, nc))
				return true;
		}
		return false;
	case VIGIL_OP_GLOB:
		return ref_glob(p, m, s, n, nc);
	}
	fail_msg("ref: op %u", nd->op);
	return false;
}

static bool ref_rule(const struct tu_payload *b, u32 r,
		     const struct vigil_event *ev)
{
	const struct vigil_rule_rec *rec = &b->rules[r];
	const struct vigil_event_desc *d;
	u32 first = le32_to_cpu(rec->expr_first), i, k, sp = 0, argc;
	bool st[VIGIL_MAX_RULE_NODES], v;

	if (le16_to_cpu(rec->event_type) != ev->type)
		return false;
	d = vigil_event_desc(ev->type);
	for (i = 0; i < le32_to_cpu(rec->expr_count); i++) {
		const struct vigil_node_rec *nd = &b->nodes[first + i];
		u16 f = le16_to_cpu(nd->field);

		argc = le16_to_cpu(nd->argc);
		switch (nd->kind) {
		case VIGIL_NODE_PRED:
			v = nd->flags & ALL;
			for (k = 0; k < argc; k++) {
				bool x = ref_value(b, nd, d->fields[f].type,
						   &b->values[le32_to_cpu(nd->arg) + k],
						   &ev->v[f]);

				v = nd->flags & ALL ? v && x : v || x;
			}
			st[sp++] = v;
			break;
		case VIGIL_NODE_NOT:
			st[sp - 1] = !st[sp - 1];
			break;
		default:
			v = nd->kind == VIGIL_NODE_AND;
			for (k = sp - argc; k < sp; k++)
				v = nd->kind == VIGIL_NODE_AND ? v && st[k] :
								 v || st[k];
			sp -= argc;
			st[sp++] = v;
		}
	}
	assert_int_equal(sp, 1);
	return st[0];
}

/* Random rules and events over a small vocabulary, so that they meet. */
static const char *const vocab[] = {
	"sh", "bash", "curl", "wget", "nc", "/tmp/", "/etc/", "passwd",
	"shadow", "python3", " -c ", ".sh", "/.ssh/", "authorized_keys",
	"http://", "base64", " -d", "|", " ", "/usr/bin/", "/dev/shm/", "x",
	"AB", "ab", "Ab", "a*b", "q?", "\\", "beacon", "BEACON", "id_rsa",
};

static const u64 nums[] = { 0, 1, 2, 33, 1000, 0x41, 0x8000, ~0ULL };

static void rnd_text(char *buf, u32 cap, u32 maxwords)
{
	u32 n = rnd() % (maxwords + 1), i, len = 0;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		const char *w = vocab[rnd() % ARRAY_SIZE(vocab)];

		if (len + strlen(w) + 1 >= cap)
			break;
		strcpy(buf + len, w);
		if (rnd() % 8 == 0)
			buf[len] = buf[len] ^ 0x20 * (buf[len] >= 'a' &&
						      buf[len] <= 'z');
		len += strlen(w);
	}
}

/*
 * A glob from vocabulary pieces, escaped, joined by '*' and now and then
 * '?' (which, like an escape or a third run of stars, takes the NFA, the
 * costliest kind: rule sets of many fit the budget).
 */
static void rnd_glob(char *buf)
{
	u32 n = rnd() % 3, i, len = 0;
	const char *w, *c;

	if (rnd() % 2)
		buf[len++] = '*';
	for (i = 0; i < n; i++) {
		w = vocab[rnd() % ARRAY_SIZE(vocab)];
		for (c = w; *c; c++) {
			if (*c == '*' || *c == '?' || *c == '\\')
				buf[len++] = '\\';
			buf[len++] = *c;
		}
		buf[len++] = rnd() % 8 ? '*' : '?';
	}
	if (rnd() % 2 || !len)
		buf[len++] = rnd() % 8 ? '*' : '?';
	buf[len] = 0;
}

struct rtype {
	u16 type;
	u16 str[4];
	u32 nstr;
	u16 num[3];
	u32 nnum;
};

static const struct rtype rtypes[] = {
	{ VIGIL_EV_EXEC,
	  { VIGIL_EXEC_comm, VIGIL_EXEC_filename, VIGIL_EXEC_argv,
	    VIGIL_EXEC_pcomm }, 4,
	  { VIGIL_EXEC_uid, VIGIL_EXEC_euid, VIGIL_EXEC_pid }, 3 },
	{ VIGIL_EV_OPEN,
	  { VIGIL_OPEN_comm, VIGIL_OPEN_path }, 2,
	  { VIGIL_OPEN_flags, VIGIL_OPEN_mode, VIGIL_OPEN_uid }, 3 },
	{ VIGIL_EV_FIFO,
	  { VIGIL_FIFO_comm, VIGIL_FIFO_path }, 2,
	  { VIGIL_FIFO_mode, VIGIL_FIFO_uid }, 2 },
	{ VIGIL_EV_MODULE_LOAD,
	  { VIGIL_MODULE_LOAD_path, VIGIL_MODULE_LOAD_args }, 2,
	  { VIGIL_MODULE_LOAD_flags, VIGIL_MODULE_LOAD_pid }, 2 },
};

static void rnd_pred(struct tu_payload *b, const struct rtype *t)
{
	static const u8 sops[] = {
		VIGIL_OP_EQ, VIGIL_OP_PREFIX, VIGIL_OP_SUFFIX,
		VIGIL_OP_CONTAINS, VIGIL_OP_CONTAINS, VIGIL_OP_GLOB,
	};
	static const u8 nops[] = {
		VIGIL_OP_EQ, VIGIL_OP_EQ, VIGIL_OP_LT, VIGIL_OP_LE,
		VIGIL_OP_GT, VIGIL_OP_GE, VIGIL_OP_MASK_ALL, VIGIL_OP_MASK_ANY,
	};
	char v[3][512];
	u64 nv[3];
	u32 n = 1 + rnd() % 3 * (rnd() % 2), i;
	u8 op, flags = (rnd() % 4 == 0 ? ALL : 0);

	if (rnd() % 3 == 0) {
		for (i = 0; i < n; i++)
			nv[i] = nums[rnd() % ARRAY_SIZE(nums)];
		tu_pred_nums(b, t->num[rnd() % t->nnum],
			     nops[rnd() % ARRAY_SIZE(nops)], flags, nv, n);
		return;
	}
	op = sops[rnd() % ARRAY_SIZE(sops)];
	if (rnd() % 3 == 0)
		flags |= NC;
	for (i = 0; i < 3; i++) {
		if (op == VIGIL_OP_GLOB)
			rnd_glob(v[i]);
		else
			do {
				rnd_text(v[i], 64, 2);
			} while (!v[i][0]);
	}
	tu_pred_str(b, t->str[rnd() % t->nstr], op, flags, v[0],
		    n > 1 ? v[1] : NULL, n > 2 ? v[2] : NULL, NULL);
}

/* A random expression tree, emitted in postfix. */
static void rnd_expr(struct tu_payload *b, const struct rtype *t, u32 depth)
{
	u32 kind = rnd() % 8, argc, i;

	if (!depth || kind < 3) {
		rnd_pred(b, t);
		return;
	}
	if (kind == 3) {
		rnd_expr(b, t, depth - 1);
		tu_logic(b, VIGIL_NODE_NOT, 1);
		return;
	}
	argc = 2 + rnd() % 2;
	for (i = 0; i < argc; i++)
		rnd_expr(b, t, depth - 1);
	tu_logic(b, kind < 6 ? VIGIL_NODE_AND : VIGIL_NODE_OR, argc);
}

static void rnd_rules(struct tu_payload *b, u32 nrules)
{
	u32 r;

	tu_init(b);
	for (r = 0; r < nrules; r++) {
		const struct rtype *t = &rtypes[rnd() % ARRAY_SIZE(rtypes)];

		tu_rule(b, 100 + r, t->type, "random");
		rnd_expr(b, t, rnd() % 5);
	}
}

/*
 * Random rules, at most @nrules, as many of them as the event budget
 * admits: a set over it is drawn again, from the same seed, an eighth
 * smaller.  Return: how many.
 */
static u32 rnd_set(struct set *s, struct tu_payload *b, u32 nrules)
{
	u32 seed = rnd_state, want = nrules;
	struct vigil_error e;

	for (;;) {
		rnd_state = seed;
		rnd_rules(b, nrules);
		s->p = tu_build(b, &s->len);
		if (vigil_payload_validate(s->p, s->len, &e) == VIGIL_E_OK &&
		    vigil_ruleset_compile(s->p, s->len, &s->rs, &e) ==
		    VIGIL_E_OK)
			break;
		if (e.code != VIGIL_E_COST)
			fail_msg("random rules: %s", e.msg);
		free(s->p);
		tu_free(b);
		nrules -= nrules / 8 + 1;
	}
	/*
	 * the budget holds a good part of what was asked for, unless every
	 * event is scanned: four long fields' scans take most of it then
	 */
	assert_true(nrules * 3 >= want || (vigil_pf_always && nrules));
	return nrules;
}

static void rnd_event(struct vigil_event *ev, char texts[4][256])
{
	const struct rtype *t = &rtypes[rnd() % ARRAY_SIZE(rtypes)];
	u32 i;

	ev_init(ev, t->type);
	for (i = 0; i < t->nstr; i++) {
		rnd_text(texts[i], 256, 6);
		ev_str(ev, t->str[i], texts[i]);
	}
	for (i = 0; i < t->nnum; i++)
		ev->v[t->num[i]].num = rnd() % 2 ? nums[rnd() % ARRAY_SIZE(nums)]
						 : rnd();
}

/*
 * The differential test: on random rule sets and events, the prefiltered
 * vigil_match() reports exactly the rules vigil_rule_eval() says match
 * (run() checks that), and those are exactly the rules the reference
 * interpreter says match.
 */
/*
 * vigil_match_may() never says no where vigil_match() finds a rule: each
 * string field of every event that matched must let it through.
 */
static void check_may(const struct set *s, const struct vigil_event *ev,
		      u32 matches)
{
	const struct vigil_event_desc *d = vigil_event_desc(ev->type);
	u32 f;

	for (f = 0; matches && f < d->nfields; f++) {
		if (d->fields[f].type != VIGIL_FT_STR &&
		    d->fields[f].type != VIGIL_FT_PATH)
			continue;
		if (!vigil_match_may(s->rs, ev->type, f,
				     (const u8 *)ev->v[f].str.ptr,
				     ev->v[f].str.len))
			fail_msg("type %u field %u: may says no, %u matched",
				 ev->type, f, matches);
	}
}

static void test_random_differential(void **state)
{
	static const u32 sizes[] = { 1, 10, 50, 150, 300 };
	char texts[4][256];
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 z, e, r, n, anchored, matched = 0, events = 0;

	/* as compiled, and with the prefilter on every type that has keys */
	for (z = 0; z < 2 * ARRAY_SIZE(sizes); z++) {
		vigil_pf_always = z % 2;
		n = rnd_set(&s, &b, sizes[z / 2]);
		for (r = 0, anchored = 0; r < n; r++)
			anchored += s.rs->rules[r].anchored;
		if (n >= 50)
			assert_true(anchored * 4 > n);
		for (e = 0; e < 1500000 / (n + 200); e++) {
			rnd_event(&ev, texts);
			run(&s, &ev, &h);
			check_may(&s, &ev, h.n);
			for (r = 0; r < n; r++) {
				bool want = ref_rule(&b, r, &ev);

				if (want != vigil_rule_eval(s.rs, r, &ev, -1))
					fail_msg("rule %u (of %u) event %u: reference says %d",
						 r, n, e, want);
			}
			matched += h.n;
			events++;
		}
		set_free(&s);
		tu_free(&b);
	}
	vigil_pf_always = false;
	/* the vocabulary makes rules match often enough to mean something */
	print_message("%u events, %u matches\n", events, matched);
	assert_true(matched > events / 4);
}

/* Steps vigil_match_work() took on one event with a budget that suffices. */
static u64 measured(const struct set *s, const struct vigil_event *ev)
{
	struct vigil_work w = { .left = VIGIL_MAX_EVENT_WORK };
	struct hits h;
	int rc;

	memset(&h, 0, sizeof(h));
	h.s = s;
	rc = vigil_match_work(s->rs, ev, collect, &h, &w);
	assert_true(rc >= 0);
	assert_false(w.over);
	return VIGIL_MAX_EVENT_WORK - w.left;
}

/*
 * An event that makes the matcher work hard: every string field
 * VIGIL_MAX_FIELD_LEN bytes of vocabulary (so that many anchors occur
 * and the prefilter overflows), or of one repeated byte.
 */
static void heavy_event(struct vigil_event *ev, u16 type,
			char texts[][VIGIL_MAX_FIELD_LEN + 1], bool words)
{
	const struct vigil_event_desc *d = vigil_event_desc(type);
	u32 f, len, k = 0;

	ev_init(ev, type);
	for (f = 0; f < d->nfields; f++) {
		char *t = texts[k];

		if (d->fields[f].type != VIGIL_FT_STR &&
		    d->fields[f].type != VIGIL_FT_PATH) {
			ev->v[f].num = nums[rnd() % ARRAY_SIZE(nums)];
			continue;
		}
		for (len = 0; len < VIGIL_MAX_FIELD_LEN;) {
			const char *w = words ? vocab[rnd() % ARRAY_SIZE(vocab)]
					      : "a";
			u32 n = min((u32)strlen(w), VIGIL_MAX_FIELD_LEN - len);

			memcpy(t + len, w, n);
			len += n;
		}
		t[len] = 0;
		ev->v[f].str.ptr = t;
		ev->v[f].str.len = len;
		k++;
	}
}

/*
 * The bound holds: on random rule sets, the steps the matcher takes on
 * random events and on heavy ones never exceed what the compiler proved
 * for the event's type, and the heavy ones come close enough to show
 * that the test can fail.
 */
static void test_work_bound(void **state)
{
	static char texts[VIGIL_MAX_FIELDS][VIGIL_MAX_FIELD_LEN + 1];
	static const u32 sizes[] = { 1, 10, 100, 300 };
	char small[4][256];
	struct vigil_event ev;
	struct tu_payload b;
	u64 got, bound, most = 0;
	u32 z, e, t, n;
	struct set s;

	for (z = 0; z < 2 * ARRAY_SIZE(sizes); z++) {
		vigil_pf_always = z % 2;
		n = rnd_set(&s, &b, sizes[z / 2]);
		for (e = 0; e < 200; e++) {
			if (e % 4)
				rnd_event(&ev, small);
			else
				heavy_event(&ev, rtypes[rnd() % ARRAY_SIZE(rtypes)].type,
					    texts, e % 8);
			got = measured(&s, &ev);
			bound = vigil_ruleset_work(s.rs, ev.type);
			if (got > bound)
				fail_msg("%u rules, event %u (type %u): %llu steps, bound %llu",
					 n, e, ev.type,
					 (unsigned long long)got,
					 (unsigned long long)bound);
			if (bound && got * 100 / bound > most)
				most = got * 100 / bound;
		}
		for (t = 1; t <= VIGIL_EV_MAX; t++)
			assert_true(vigil_ruleset_work(s.rs, t) <=
				    VIGIL_MAX_EVENT_WORK);
		set_free(&s);
		tu_free(&b);
	}
	vigil_pf_always = false;
	print_message("heaviest event used %llu%% of its bound\n",
		      (unsigned long long)most);
	assert_true(most >= 20);
}

/*
 * A budget that runs out stops the event: what was reported is a prefix
 * of the full answer, the budget is spent, and over is set; a budget of
 * exactly what the event needs is enough.
 */
static void test_work_budget(void **state)
{
	static char texts[VIGIL_MAX_FIELDS][VIGIL_MAX_FIELD_LEN + 1];
	struct hits full, part;
	struct vigil_event ev;
	struct vigil_work w;
	struct tu_payload b;
	u32 e, i, stops = 0;
	struct set s;
	u64 need;

	rnd_set(&s, &b, 300);
	for (e = 0; e < 200; e++) {
		heavy_event(&ev, rtypes[e % ARRAY_SIZE(rtypes)].type, texts,
			    true);
		need = measured(&s, &ev);
		run(&s, &ev, &full);
		w.left = need;
		w.over = false;
		memset(&part, 0, sizeof(part));
		part.s = &s;
		assert_int_equal(vigil_match_work(s.rs, &ev, collect, &part, &w),
				 full.n);
		assert_false(w.over);
		assert_int_equal(w.left, 0);
		if (!need)
			continue;
		w.left = rnd() % need;
		w.over = false;
		memset(&part, 0, sizeof(part));
		part.s = &s;
		vigil_match_work(s.rs, &ev, collect, &part, &w);
		assert_true(w.over);
		assert_int_equal(w.left, 0);
		assert_true(part.n <= full.n);
		for (i = 0; i < part.n; i++)
			assert_int_equal(part.idx[i], full.idx[i]);
		stops++;
	}
	assert_true(stops > 100);
	set_free(&s);
	tu_free(&b);
}

static void test_match_may(void **state)
{
	static const char *const paths[] = {
		"bench-file", "/etc/shadow", "/ETC/SHADOW.bak", "", "/etc/sh",
	};
	static const bool want[] = { false, true, true, false, false };
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 i;

	tu_init(&b);
	/* open: anchors in path only */
	tu_rule(&b, 1, VIGIL_EV_OPEN, "t");
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_PREFIX, NC, "/etc/shadow",
		    NULL);
	tu_pred_num(&b, VIGIL_OPEN_flags, VIGIL_OP_MASK_ANY, 3);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	/* exec: an anchor in comm; fifo: a rule without anchors */
	tu_rule(&b, 2, VIGIL_EV_EXEC, "t");
	tu_pred_str(&b, VIGIL_EXEC_comm, VIGIL_OP_EQ, 0, "bash", NULL);
	tu_rule(&b, 3, VIGIL_EV_FIFO, "t");
	tu_pred_num(&b, VIGIL_FIFO_mode, VIGIL_OP_GT, 0);
	set_build(&s, &b);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		ev_init(&ev, VIGIL_EV_OPEN);
		ev_str(&ev, VIGIL_OPEN_path, paths[i]);
		ev.v[VIGIL_OPEN_flags].num = 1;
		assert_int_equal(vigil_match_may(s.rs, VIGIL_EV_OPEN,
						 VIGIL_OPEN_path,
						 (const u8 *)paths[i],
						 strlen(paths[i])), want[i]);
		run(&s, &ev, &h);
		check_may(&s, &ev, h.n);
		assert_int_equal(h.n, want[i]);
	}
	/* no rule of the type: nothing can match */
	assert_false(vigil_match_may(s.rs, VIGIL_EV_CONNECT, VIGIL_CONNECT_unix_path,
				     (const u8 *)"/etc/shadow", 11));
	/* anchors in another field than the one known: maybe */
	assert_true(vigil_match_may(s.rs, VIGIL_EV_EXEC, VIGIL_EXEC_filename,
				    (const u8 *)"/bin/true", 9));
	assert_false(vigil_match_may(s.rs, VIGIL_EV_EXEC, VIGIL_EXEC_comm,
				     (const u8 *)"dash", 4));
	/* a rule without anchors is always evaluated */
	assert_true(vigil_match_may(s.rs, VIGIL_EV_FIFO, VIGIL_FIFO_path,
				    (const u8 *)"x", 1));
	/* bad arguments: maybe */
	assert_true(vigil_match_may(NULL, VIGIL_EV_OPEN, VIGIL_OPEN_path,
				    (const u8 *)"x", 1));
	assert_true(vigil_match_may(s.rs, VIGIL_EV_MAX + 1, 0,
				    (const u8 *)"x", 1));
	set_free(&s);
	tu_free(&b);
}

/*
 * A random set for vigil_may_build(): open rules on path (anchored when a
 * literal is long enough), with @odd now and then one that never scans (a
 * u64 test alone, or an anchor in comm), and exec rules on comm.
 */
static void may_set(struct set *s, struct tu_payload *b, u32 nrules,
		    bool odd)
{
	static const u8 ops[] = { VIGIL_OP_EQ, VIGIL_OP_PREFIX,
				  VIGIL_OP_SUFFIX, VIGIL_OP_CONTAINS };
	char lit[3][256];
	u32 r, k, n;

	tu_init(b);
	for (r = 0; r < nrules; r++) {
		u8 op = ops[rnd() % ARRAY_SIZE(ops)], nc = rnd() % 2 ? NC : 0;

		n = 1 + rnd() % 3;
		for (k = 0; k < n; k++) {
			/* shorter than a gram, a value leaves its rule unanchored */
			do
				rnd_text(lit[k], 40, 3);
			while (strlen(lit[k]) < (odd ? 1 : VIGIL_GRAM_LEN));
		}
		switch (rnd() % 16 + !odd * 2) {
		case 0:
			tu_rule(b, 100 + r, VIGIL_EV_OPEN, "num");
			tu_pred_num(b, VIGIL_OPEN_flags, VIGIL_OP_MASK_ANY, 3);
			break;
		case 1:
			tu_rule(b, 100 + r, VIGIL_EV_OPEN, "comm");
			tu_pred_str(b, VIGIL_OPEN_comm, op, nc, lit[0], NULL);
			break;
		case 2:
		case 3:
			tu_rule(b, 100 + r, VIGIL_EV_EXEC, "exec");
			tu_pred_str(b, VIGIL_EXEC_comm, op, nc, lit[0], NULL);
			break;
		default:
			tu_rule(b, 100 + r, VIGIL_EV_OPEN, "path");
			tu_pred_str(b, VIGIL_OPEN_path, op, nc, lit[0],
				    n > 1 ? lit[1] : NULL,
				    n > 2 ? lit[2] : NULL, NULL);
		}
	}
	set_build(s, b);
}

/*
 * vigil_may_match() over several sets says what vigil_match_may() of each,
 * OR-ed, says: for sets of one to eight channels of random rules (most
 * of them scanning, some never), on random paths of the rules' words.
 */
static void test_may_merged(void **state)
{
	static const struct { u16 type, field; } asks[] = {
		{ VIGIL_EV_OPEN, VIGIL_OPEN_path },
		{ VIGIL_EV_OPEN, VIGIL_OPEN_comm },
		{ VIGIL_EV_EXEC, VIGIL_EXEC_comm },
		{ VIGIL_EV_FIFO, VIGIL_FIFO_path },
	};
	const struct vigil_ruleset *rs[8];
	struct tu_payload b[8];
	struct set s[8];
	struct vigil_may *m;
	u32 round, n, i, k, a, len, yes = 0, no = 0;
	char text[300];

	for (round = 0; round < 60; round++) {
		n = 1 + round % 8;
		for (i = 0; i < n; i++) {
			/* few rules, so that "no" is a common answer */
			may_set(&s[i], &b[i], 1 + rnd() % 6, round % 4 == 0);
			rs[i] = s[i].rs;
		}
		m = vigil_may_build(rs, n);
		assert_non_null(m);
		for (k = 0; k < 400; k++) {
			rnd_text(text, 256, 1 + k % 8);
			len = strlen(text);
			for (a = 0; a < ARRAY_SIZE(asks); a++) {
				bool want = false, got;

				for (i = 0; i < n && !want; i++)
					want = vigil_match_may(rs[i],
							       asks[a].type,
							       asks[a].field,
							       (const u8 *)text,
							       len);
				got = vigil_may_match(m, asks[a].type,
						      asks[a].field,
						      (const u8 *)text, len);
				if (got != want)
					fail_msg("round %u, %u sets, \"%s\" type %u field %u: merged says %d",
						 round, n, text, asks[a].type,
						 asks[a].field, got);
				if (asks[a].type == VIGIL_EV_OPEN &&
				    asks[a].field == VIGIL_OPEN_path)
					*(want ? &yes : &no) += 1;
			}
		}
		vigil_may_free(m);
		for (i = 0; i < n; i++) {
			set_free(&s[i]);
			tu_free(&b[i]);
		}
	}
	print_message("merged prefilter: %u maybe, %u no\n", yes, no);
	/* both answers are common, or the test proves little */
	assert_true(yes > 1000 && no > 1000);
	/* no sets: nothing can match; more than a sensor holds: no merge */
	m = vigil_may_build(rs, 0);
	assert_non_null(m);
	assert_false(vigil_may_match(m, VIGIL_EV_OPEN, VIGIL_OPEN_path,
				     (const u8 *)"/etc/shadow", 11));
	vigil_may_free(m);
	assert_null(vigil_may_build(rs, VIGIL_MAX_CHANNELS + 1));
	assert_true(vigil_may_match(NULL, VIGIL_EV_OPEN, VIGIL_OPEN_path,
				    (const u8 *)"x", 1));
	vigil_may_free(NULL);
}

/*
 * The prefilter scans an event only while that costs less than
 * evaluating every rule of its type could: few rules are all evaluated,
 * and many rules too when the fields are long; vigil_match_may() says
 * maybe where a scan would cost more than the event.  Either way the
 * matches are the same, and the bound counts the lesser costs.
 */
static void test_scan_or_not(void **state)
{
	static const u32 sizes[] = { 3, VIGIL_SCAN_MIN_RULES - 1, 300 };
	static const char other[] =
		"/usr/share/locale/en_GB/LC_MESSAGES/coreutils.mo";
	static char path[VIGIL_MAX_FIELD_LEN + 1];
	const u16 fk = vigil_pf_fk(VIGIL_EV_OPEN, VIGIL_OPEN_path);
	const struct vr_type *ty;
	char lit[32];
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u64 full, rules, steps;
	u32 r, n, z;

	memset(path, 'a', VIGIL_MAX_FIELD_LEN);
	memcpy(path + VIGIL_MAX_FIELD_LEN - 7, "/tool-2", 7);
	for (z = 0; z < ARRAY_SIZE(sizes); z++) {
		n = sizes[z];
		tu_init(&b);
		for (r = 0; r < n; r++) {
			snprintf(lit, sizeof(lit), "/tool-%u", r);
			tu_rule(&b, r + 1, VIGIL_EV_OPEN, "t");
			tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_SUFFIX, 0, lit,
				    NULL);
		}
		set_build(&s, &b);
		tu_free(&b);
		ty = &s.rs->types[VIGIL_EV_OPEN];
		rules = ty->rules_work;
		full = vigil_pf_scan_work(&s.rs->pf, fk, VIGIL_MAX_FIELD_LEN);
		assert_true(full > rules);
		/*
		 * the lesser, and vigil_match_may()'s part: it scans this
		 * type too, up to what an event would cost it
		 */
		assert_int_equal(vigil_ruleset_work(s.rs, VIGIL_EV_OPEN),
				 VIGIL_WORK_EVENT + 2 * rules +
				 min(full, rules + VIGIL_WORK_EVENT));
		/*
		 * a short path: scanned for if there are many rules, never
		 * for fewer than VIGIL_SCAN_MIN_RULES, although the scan
		 * would be charged less than the rules (7 of them)
		 */
		ev_init(&ev, VIGIL_EV_OPEN);
		ev_str(&ev, VIGIL_OPEN_path, "/usr/bin/tool-2");
		assert_int_equal(run(&s, &ev, &h), 1);
		steps = measured(&s, &ev);
		if (n == VIGIL_SCAN_MIN_RULES - 1)
			assert_true(vigil_pf_scan_work(&s.rs->pf, fk, 15) <
				    rules);
		if (n < VIGIL_SCAN_MIN_RULES)
			assert_int_equal(steps, VIGIL_WORK_EVENT + rules);
		else
			assert_true(steps < VIGIL_WORK_EVENT + rules / 10);
		/* may scans a short path anyway: an event costs more */
		assert_false(vigil_match_may(s.rs, VIGIL_EV_OPEN,
					     VIGIL_OPEN_path,
					     (const u8 *)other, strlen(other)));
		/* up to the longest path whose scan costs no more */
		assert_true(ty->may_len >= strlen(other) &&
			    ty->may_len < VIGIL_MAX_FIELD_LEN);
		assert_true(vigil_pf_scan_work(&s.rs->pf, fk, ty->may_len) <=
			    rules + VIGIL_WORK_EVENT);
		assert_true(vigil_pf_scan_work(&s.rs->pf, fk, ty->may_len + 1) >
			    rules + VIGIL_WORK_EVENT);
		memset(path, 'b', ty->may_len + 1);
		assert_false(vigil_match_may(s.rs, VIGIL_EV_OPEN,
					     VIGIL_OPEN_path, (const u8 *)path,
					     ty->may_len));
		assert_true(vigil_match_may(s.rs, VIGIL_EV_OPEN,
					    VIGIL_OPEN_path, (const u8 *)path,
					    ty->may_len + 1));
		memset(path, 'a', VIGIL_MAX_FIELD_LEN);
		memcpy(path + VIGIL_MAX_FIELD_LEN - 7, "/tool-2", 7);
		/* a long one: every rule, whatever their number */
		ev_str(&ev, VIGIL_OPEN_path, path);
		assert_int_equal(run(&s, &ev, &h), 1);
		assert_int_equal(measured(&s, &ev), VIGIL_WORK_EVENT + rules);
		path[VIGIL_MAX_FIELD_LEN - 1] = 'x';
		assert_true(vigil_match_may(s.rs, VIGIL_EV_OPEN,
					    VIGIL_OPEN_path, (const u8 *)path,
					    VIGIL_MAX_FIELD_LEN));
		path[VIGIL_MAX_FIELD_LEN - 1] = '2';
		set_free(&s);
	}
}

/*
 * The generation is a 32-bit count in each CPU's scratch: when it wraps,
 * every stamp is cleared, so that none left from 2^32 evaluations before
 * can pass for one of the new evaluation (an automaton taken as scanned,
 * a pattern as found).
 */
static void test_generation_wraps(void **state)
{
	struct vigil_event ev;
	struct tu_payload b;
	struct hits h;
	struct set s;
	u32 cpu, i, *sc;

	tu_init(&b);
	tu_rule(&b, 1, VIGIL_EV_OPEN, "t");
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_CONTAINS, 0, "/secret",
		    NULL);
	set_build(&s, &b);
	tu_free(&b);
	ev_init(&ev, VIGIL_EV_OPEN);
	ev_str(&ev, VIGIL_OPEN_path, "/srv/secret/key");
	assert_int_equal(run(&s, &ev, &h), 1);
	/* every stamp as the first generations after a wrap would set it */
	for (cpu = 0; cpu < vigil_ncpus(); cpu++) {
		sc = s.rs->scratch + (size_t)cpu * s.rs->swords;
		sc[0] = U32_MAX;
		for (i = 1; i < s.rs->sc_end; i++)
			sc[i] = 1 + i % 2;
	}
	ev_str(&ev, VIGIL_OPEN_path, "/srv/public/key");
	for (i = 0; i < 3; i++)
		assert_int_equal(run(&s, &ev, &h), 0);
	ev_str(&ev, VIGIL_OPEN_path, "/srv/secret/key");
	assert_int_equal(run(&s, &ev, &h), 1);
	set_free(&s);
}

/* A rule's title, as the sensor copies it into a match record. */
static void test_titles(void **state)
{
	static const char *const titles[] = { "first rule", "x", "third" };
	struct tu_payload b;
	struct set s;
	const char *t;
	u32 i, len;

	tu_init(&b);
	for (i = 0; i < ARRAY_SIZE(titles); i++) {
		tu_rule(&b, i + 1, VIGIL_EV_OPEN, titles[i]);
		tu_pred_num(&b, VIGIL_OPEN_flags, VIGIL_OP_EQ, i);
	}
	set_build(&s, &b);
	tu_free(&b);
	for (i = 0; i < ARRAY_SIZE(titles); i++) {
		t = vigil_ruleset_title(s.rs, i, &len);
		assert_int_equal(len, strlen(titles[i]));
		assert_memory_equal(t, titles[i], len);
	}
	t = vigil_ruleset_title(s.rs, ARRAY_SIZE(titles), &len);
	assert_int_equal(len, 0);
	assert_string_equal(t, "");
	t = vigil_ruleset_title(NULL, 0, &len);
	assert_int_equal(len, 0);
	set_free(&s);
}

/* The exact values the driver's file watch takes from a rule set. */
struct eq_seen {
	char got[8][32];
	u32 n;
	u32 stop_at;
};

static int eq_collect(void *ctx, u32 type, u32 field, const u8 *v, u32 len)
{
	struct eq_seen *e = ctx;

	assert_true(e->n < ARRAY_SIZE(e->got) && len < sizeof(e->got[0]));
	snprintf(e->got[e->n], sizeof(e->got[0]), "%u.%u:%.*s", type, field,
		 (int)len, (const char *)v);
	return ++e->n == e->stop_at ? -7 : 0;
}

static void test_each_eq(void **state)
{
	static const char *const want[] = {
		"4.6:/etc/shadow", "4.6:/etc/gshadow", "4.5:sudo",
		"1.7:/usr/bin/nc",
	};
	struct eq_seen e = { .n = 0 };
	struct tu_payload b;
	struct set s;
	u32 i;

	tu_init(&b);
	/* path eq /etc/shadow /etc/gshadow and not comm eq sudo */
	tu_rule(&b, 1, VIGIL_EV_OPEN, "a");
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_EQ, 0, "/etc/shadow",
		    "/etc/gshadow", NULL);
	tu_pred_str(&b, VIGIL_OPEN_comm, VIGIL_OP_EQ, 0, "sudo", NULL);
	tu_logic(&b, VIGIL_NODE_NOT, 1);
	tu_logic(&b, VIGIL_NODE_AND, 2);
	/* not exact: another operator, no case, a number */
	tu_rule(&b, 2, VIGIL_EV_OPEN, "b");
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_PREFIX, 0, "/etc/", NULL);
	tu_pred_str(&b, VIGIL_OPEN_path, VIGIL_OP_EQ, VIGIL_PRED_NOCASE,
		    "/ETC/X", NULL);
	tu_pred_num(&b, VIGIL_OPEN_flags, VIGIL_OP_EQ, 2);
	tu_logic(&b, VIGIL_NODE_OR, 3);
	tu_rule(&b, 3, VIGIL_EV_EXEC, "c");
	tu_pred_str(&b, VIGIL_EXEC_filename, VIGIL_OP_EQ, 0, "/usr/bin/nc",
		    NULL);
	set_build(&s, &b);
	tu_free(&b);
	assert_int_equal(vigil_ruleset_each_eq(s.rs, eq_collect, &e), 0);
	assert_int_equal(e.n, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(e.got[i], want[i]);
	/* a non-zero return stops the walk and is passed on */
	e.n = 0;
	e.stop_at = 2;
	assert_int_equal(vigil_ruleset_each_eq(s.rs, eq_collect, &e), -7);
	assert_int_equal(e.n, 2);
	assert_int_equal(vigil_ruleset_each_eq(NULL, eq_collect, &e), 0);
	set_free(&s);
}

/* Building is all or nothing: every allocation failing in turn. */
static void test_nomem(void **state)
{
	struct vigil_ruleset *rs;
	struct vigil_error e;
	struct tu_payload b;
	struct set s;
	size_t len;
	u32 nth;
	u8 *p;
	int ret;

	/* random rules within the budget, compiled again and again */
	rnd_set(&s, &b, 200);
	tu_free(&b);
	vigil_ruleset_free(s.rs);
	p = s.p;
	len = s.len;
	for (nth = 1;; nth++) {
		vigil_compile_fail_nth = nth;
		rs = (void *)1;
		ret = vigil_ruleset_compile(p, len, &rs, &e);
		if (!ret)
			break;
		assert_int_equal(ret, VIGIL_E_NOMEM);
		assert_int_equal(e.code, VIGIL_E_NOMEM);
		assert_null(rs);
	}
	vigil_compile_fail_nth = 0;
	/*
	 * the allocations: build state, the set, its arrays, anchors, pool,
	 * prefilter
	 */
	assert_true(nth > 5);
	vigil_ruleset_free(rs);
	free(p);
}

/*
 * Compiling a damaged payload directly, without validation, never reads
 * out of bounds (ASan watches), and what compiles can be run.  What the
 * validator accepts always compiles.
 */
static void test_damaged(void **state)
{
	struct vigil_ruleset *rs;
	struct vigil_event ev;
	struct vigil_error e;
	struct tu_payload b;
	char texts[4][256];
	size_t len, qlen, strtab;
	u32 it, k, r, ok = 0;
	u8 *p, *q;
	int ret;

	rnd_rules(&b, 40);
	p = tu_build(&b, &len);
	tu_free(&b);
	strtab = tu_strtab_off(p);
	q = malloc(len);
	assert_non_null(q);
	for (it = 0; it < 20000; it++) {
		memcpy(q, p, len);
		for (k = 0; k <= rnd() % 4; k++) {
			size_t at = rnd() % strtab;

			q[at] = rnd() % 2 ? rnd() : q[at] ^ (1U << rnd() % 8);
		}
		qlen = it % 97 ? len : rnd() % len;
		ret = vigil_ruleset_compile(q, qlen, &rs, &e);
		if (!vigil_payload_validate(q, qlen, &e))
			assert_int_equal(ret, 0);
		if (ret) {
			assert_null(rs);
			continue;
		}
		ok++;
		for (k = 0; k < 4; k++) {
			rnd_event(&ev, texts);
			vigil_match(rs, &ev, NULL, NULL);
			for (r = 0; r < rs->nrules; r++)
				vigil_rule_eval(rs, r, &ev, r % 3 - 1);
		}
		vigil_ruleset_free(rs);
	}
	print_message("%u of 20000 damaged payloads compiled\n", ok);
	free(q);
	free(p);
}

/* The smallest set, an empty one, and memory accounting. */
static void test_small(void **state)
{
	struct vigil_ruleset *rs;
	struct vigil_event ev;
	struct vigil_error e;
	struct tu_payload b;
	size_t len, m1r;
	u8 *p;

	p = tu_minimal(&len);
	assert_int_equal(vigil_ruleset_compile(p, len, &rs, NULL), 0);
	m1r = vigil_ruleset_mem(rs);
	ev_init(&ev, VIGIL_EV_EXEC);
	ev_str(&ev, VIGIL_EXEC_comm, "sh");
	assert_int_equal(vigil_match(rs, &ev, NULL, NULL), 1);
	ev.v[VIGIL_EXEC_uid].num = 1;
	assert_int_equal(vigil_match(rs, &ev, NULL, NULL), 0);
	vigil_ruleset_free(rs);
	free(p);

	rnd_rules(&b, 100);
	p = tu_build(&b, &len);
	tu_free(&b);
	assert_int_equal(vigil_ruleset_compile(p, len, &rs, &e), 0);
	/* 100 rules: about 11 KiB, one rule: the set's fixed 1.5 KiB */
	assert_true(vigil_ruleset_mem(rs) > 5 * m1r);
	vigil_ruleset_free(rs);
	free(p);

	/* no rules at all (the validator refuses it; compile copes) */
	tu_init(&b);
	p = tu_build(&b, &len);
	assert_int_equal(vigil_ruleset_compile(p, len, &rs, &e), 0);
	assert_int_equal(vigil_match(rs, &ev, NULL, NULL), 0);
	vigil_ruleset_free(rs);
	free(p);
	vigil_ruleset_free(NULL);
	assert_int_equal(vigil_ruleset_mem(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_ops),
		cmocka_unit_test(test_number_ops),
		cmocka_unit_test(test_addr_ops),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_flip),
		cmocka_unit_test(test_order_and_stop),
		cmocka_unit_test(test_field_caps),
		cmocka_unit_test(test_hit_overflow),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_random_differential),
		cmocka_unit_test(test_match_may),
		cmocka_unit_test(test_may_merged),
		cmocka_unit_test(test_scan_or_not),
		cmocka_unit_test(test_generation_wraps),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_work_bound),
		cmocka_unit_test(test_work_budget),
		cmocka_unit_test(test_each_eq),
		cmocka_unit_test(test_nomem),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
