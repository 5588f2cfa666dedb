// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan test: run a channel over fixture events, check each line's
 * "expect", and with --coverage prove that every rule matches some fixture
 * and that each of its predicates decides the result of at least one.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "cmds.h"
#include "decode.h"
#include "fixture.h"
#include "testcmd.h"
#include "util.h"

struct hits {
	uint32_t ids[64];
	unsigned int n;
	bool overflow;
};

static int on_match(void *ctx, const struct vigil_match *m)
{
	struct hits *h = ctx;

	if (h->n < ARRAY_SIZE(h->ids))
		h->ids[h->n++] = m->rule_id;
	else
		h->overflow = true;
	return 0;
}

static bool has_id(const uint32_t *ids, unsigned int n, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

static void id_list(struct sbuf *b, const uint32_t *ids, unsigned int n)
{
	unsigned int i;

	sb_add(b, "[", 1);
	for (i = 0; i < n; i++)
		sb_addf(b, "%s%u", i ? ", " : "", ids[i]);
	sb_add(b, "]", 1);
}

/* One fixture line: print its matches, check "expect". */
static bool run_fixture(const struct vigil_channel *ch, const struct dec *d,
			const struct fixture *f, FILE *out)
{
	struct hits h = { .n = 0 };
	struct sbuf b = { 0 };
	bool ok = true;
	unsigned int i;
	uint32_t r;
	int rc;

	rc = vigil_match(ch->rules, &f->ev, on_match, &h);
	sb_addf(&b, "%s:%u: %s -> ", f->file, f->line,
		dec_event_name(f->ev.type));
	id_list(&b, h.ids, h.n);
	if (rc < 0 || h.overflow) {
		sb_addf(&b, " FAIL: %s", rc < 0 ? "vigil_match rejected the event"
				       : "too many matches");
		ok = false;
	} else if (f->has_expect) {
		for (i = 0; i < h.n && ok; i++)
			ok = has_id(f->expect, f->nexpect, h.ids[i]);
		for (i = 0; i < f->nexpect && ok; i++)
			ok = has_id(h.ids, h.n, f->expect[i]);
		if (ok) {
			sb_addf(&b, " ok");
		} else {
			sb_addf(&b, " FAIL: expected ");
			id_list(&b, f->expect, f->nexpect);
			for (i = 0; i < f->nexpect; i++) {
				bool known = false;

				for (r = 0; r < d->nrules && !known; r++) {
					struct dec_rule dr;

					dec_rule(d, r, &dr);
					known = dr.id == f->expect[i];
				}
				if (!known)
					sb_addf(&b, " (rule %u is not in the channel)",
						f->expect[i]);
			}
		}
	}
	fprintf(out, "%s\n", sb_str(&b));
	sb_free(&b);
	return ok;
}

/*
 * --coverage for rule @r; prints a line and returns whether it passed.
 *
 * A predicate is decisive for an event when flipping its value alone flips
 * the rule's result.  Every predicate must be decisive both in a fixture
 * the rule matches (the match depends on it) and in one it does not (the
 * miss is due to it alone): each condition is shown to matter in both
 * directions, so no rule passes its fixtures through a wildcard.
 */
static bool cover_rule(const struct vigil_channel *ch, const struct dec *d,
		       uint32_t r, const struct fixture_set *set, FILE *out)
{
	bool *in_match, *in_miss, matched = false, ok;
	struct sbuf b = { 0 };
	struct dec_rule dr;
	struct dec_node n;
	unsigned int bad = 0;
	uint32_t j;
	size_t k;

	dec_rule(d, r, &dr);
	in_match = xcalloc(dr.expr_count, sizeof(*in_match));
	in_miss = xcalloc(dr.expr_count, sizeof(*in_miss));
	for (k = 0; k < set->n; k++) {
		const struct vigil_event *ev = &set->v[k].ev;
		bool *seen;
		int base;

		if (ev->type != dr.event_type)
			continue;
		base = vigil_rule_eval(ch->rules, r, ev, -1);
		if (base < 0)
			continue;
		if (base)
			matched = true;
		seen = base ? in_match : in_miss;
		for (j = 0; j < dr.expr_count; j++) {
			dec_node(d, dr.expr_first + j, &n);
			if (n.kind == VIGIL_NODE_PRED && !seen[j] &&
			    vigil_rule_eval(ch->rules, r, ev, (int)j) != base)
				seen[j] = true;
		}
	}
	sb_addf(&b, "coverage: rule %u (%s):", dr.id,
		dec_event_name(dr.event_type));
	if (!matched) {
		sb_addf(&b, "\n\tno fixture matches it");
		bad++;
	}
	for (j = 0; j < dr.expr_count; j++) {
		dec_node(d, dr.expr_first + j, &n);
		if (n.kind != VIGIL_NODE_PRED)
			continue;
		if (!in_match[j]) {
			sb_addf(&b, "\n\tnode %u decides no match: ", j);
			dec_pred_text(d, dr.event_type, &n, &b);
			bad++;
		}
		if (!in_miss[j]) {
			sb_addf(&b, "\n\tnode %u decides no miss: ", j);
			dec_pred_text(d, dr.event_type, &n, &b);
			bad++;
		}
	}
	ok = !bad;
	fprintf(out, "%s%s\n", sb_str(&b), ok ? " ok" : "");
	if (!ok)
		fprintf(out, "coverage: rule %u FAIL\n", dr.id);
	sb_free(&b);
	free(in_match);
	free(in_miss);
	return ok;
}

void run_fixtures(const struct vigil_channel *ch, const struct fixture_set *set,
	       bool coverage, FILE *out, struct test_counts *tc)
{
	struct dec d;
	uint32_t r;
	size_t k;

	if (dec_init(&d, ch->payload, ch->payload_size)) {
		fprintf(out, "cannot decode the channel's payload\n");
		tc->failed++;
		return;
	}
	for (k = 0; k < set->n; k++) {
		bool ok = run_fixture(ch, &d, &set->v[k], out);

		if (!set->v[k].has_expect && ok)
			continue;
		if (ok)
			tc->passed++;
		else
			tc->failed++;
	}
	if (!coverage)
		return;
	for (r = 0; r < d.nrules; r++) {
		if (cover_rule(ch, &d, r, set, out))
			tc->passed++;
		else
			tc->failed++;
	}
}

static bool is_yaml(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && !strcmp(path + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(path + n - 4, ".yml"));
}

/* The channel: a channel file, or YAML sources compiled in memory. */
static int open_channel(const char *path, struct vigil_channel **ch)
{
	struct vigil_error e;
	char line[1024], reason[320];
	uint8_t *file;
	size_t len;
	int rc;

	if (!is_yaml(path)) {
		if (!load_channel_file(path, NULL, ch, NULL, NULL, line,
				       sizeof(line)))
			return 0;
		fprintf(stderr, "%s\n", line);
		return -1;
	}
	if (vc_build_sources(&path, 1, NULL, 1, &file, &len, stderr))
		return -1;
	memset(&e, 0, sizeof(e));
	rc = vigil_channel_load(file, len, NULL, ch, &e);
	free(file);
	if (rc) {
		loader_reason(&e, reason, sizeof(reason));
		fprintf(stderr, "%s: offset %llu: %s\n", path,
			(unsigned long long)e.offset, reason);
		return -1;
	}
	return 0;
}

int cmd_test(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "coverage", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct test_counts tc = { 0 };
	struct fixture_set set = { 0 };
	struct vigil_channel *ch;
	bool coverage = false;
	int opt, i, bad;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			coverage = true;
			break;
		case 'h':
			usage(stdout, "test");
			return VC_EXIT_OK;
		default:
			return usage_error("test", NULL);
		}
	}
	if (argc - optind < 2)
		return usage_error("test", "expected CHANNEL and at least one FIXTURES file");
	if (open_channel(argv[optind], &ch))
		return VC_EXIT_FAIL;
	for (i = optind + 1; i < argc; i++) {
		bad = fixture_load(argv[i], &set, stdout);
		if (bad)
			tc.failed += bad > 0 ? bad : 1;
	}
	run_fixtures(ch, &set, coverage, stdout, &tc);
	printf("%u passed, %u failed\n", tc.passed, tc.failed);
	fixture_set_free(&set);
	vigil_channel_free(ch);
	return tc.failed ? VC_EXIT_FAIL : VC_EXIT_OK;
}
