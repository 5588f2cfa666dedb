// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan test: fixture parsing, "expect" checking and the coverage
 * proof (every rule matches somewhere; every predicate decides somewhere).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build.h"
#include "chantest.h"
#include "fixture.h"
#include "loader.h"
#include "testcmd.h"

/*
 * Rule 10: a C2-ish pipe name in /tmp, unless dpkg made it.
 * Rule 20: one of two selections ("1 of sel_*"): the wildcard-ish kind
 * whose second branch a careless fixture set never exercises.
 * Rule 30: connect to 10/8 on a low port.
 */
static const char yaml[] =
	"channel: {id: 5, version: 1}\nrules:\n"
	"  - id: 10\n    title: c2 pipe\n    event: fifo\n"
	"    severity: high\n    detection:\n"
	"      tmp:\n        path|startswith: /tmp/\n"
	"      c2:\n        path|contains|nocase: beacon\n"
	"      pm:\n        comm: dpkg\n"
	"      condition: tmp and c2 and not pm\n"
	"  - id: 20\n    title: odd exec\n    event: exec\n"
	"    severity: low\n    detection:\n"
	"      sel_shell:\n        comm: sh\n"
	"      sel_root:\n        euid: 0\n"
	"      condition: 1 of sel_*\n"
	"  - id: 30\n    title: private net\n    event: connect\n"
	"    severity: low\n    detection:\n"
	"      s:\n        daddr|cidr: 10.0.0.0/8\n        dport|lt: 1024\n";

static struct vigil_channel *ch;

static int setup(void **state)
{
	const char *paths[] = { CT_TMP "/testcmd.yaml" };
	struct vigil_error e;
	uint8_t *file;
	size_t len;
	int rc;

	ct_mkdirs();
	ct_write(paths[0], yaml, strlen(yaml));
	if (vc_build_sources(paths, 1, NULL, 3, &file, &len, stderr))
		return -1;
	rc = vigil_channel_load(file, len, NULL, &ch, &e);
	free(file);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	vigil_channel_free(ch);
	return 0;
}

static void parse_good(void **state)
{
	struct fixture f = { .file = "x", .line = 3 };
	char err[512];

	assert_int_equal(fixture_parse(
		"{\"event\": \"connect\", \"fields\": {\"daddr\": \"10.1.2.3\","
		" \"dport\": 22, \"comm\": \"nc\", \"uid\": \"0x10\"},"
		" \"expect\": [30, 7]}  ", &f, err, sizeof(err)), 0);
	assert_string_equal(f.file, "x");
	assert_int_equal(f.line, 3);
	assert_int_equal(f.ev.type, VIGIL_EV_CONNECT);
	assert_int_equal(f.ev.nfields, VIGIL_CONNECT__COUNT);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_dport].num, 22);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_uid].num, 16);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_comm].str.len, 2);
	assert_memory_equal(f.ev.v[VIGIL_CONNECT_comm].str.ptr, "nc", 2);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_daddr].addr.a[10], 0xff);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_daddr].addr.a[12], 10);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_daddr].addr.a[15], 3);
	/* left out: zero */
	assert_int_equal(f.ev.v[VIGIL_CONNECT_pid].num, 0);
	assert_int_equal(f.ev.v[VIGIL_CONNECT_unix_path].str.len, 0);
	assert_true(f.has_expect);
	assert_int_equal(f.nexpect, 2);
	assert_int_equal(f.expect[1], 7);
	fixture_release(&f);

	assert_int_equal(fixture_parse("{\"event\": \"exit\"}", &f, err,
				       sizeof(err)), 0);
	assert_false(f.has_expect);
	assert_int_equal(f.ev.nfields, VIGIL_EXIT__COUNT);
	fixture_release(&f);
}

static void parse_errors(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "{\"event\": \"fifo\", \"fields\": {\"pth\": \"/x\"}}",
		  "unknown field 'pth' for event 'fifo' (fields: pid, tgid, ppid, uid, gid, comm, path, mode, exe)" },
		{ "{\"event\": \"fifoo\"}", "unknown event type 'fifoo'" },
		{ "{\"fields\": {}}", "\"event\" (a string) is missing" },
		{ "{\"event\": \"fifo\", \"expects\": []}",
		  "unknown key \"expects\"" },
		{ "{\"event\": \"fifo\", \"fields\": {\"mode\": \"rw\"}}",
		  "field 'mode' is a u64" },
		{ "{\"event\": \"fifo\", \"fields\": {\"mode\": -1}}",
		  "field 'mode': negative number" },
		{ "{\"event\": \"fifo\", \"fields\": {\"path\": 5}}",
		  "field 'path' is text" },
		{ "{\"event\": \"connect\", \"fields\": {\"daddr\": \"10.0.0.0/8\"}}",
		  "field 'daddr': '10.0.0.0/8': a prefix needs" },
		{ "{\"event\": \"fifo\", \"expect\": [0]}",
		  "\"expect\": 0 is not a rule id" },
		{ "{\"event\": \"fifo\", \"expect\": [1, 1]}",
		  "\"expect\" lists 1 twice" },
		{ "{\"event\": \"fifo\", \"expect\": 1}", "\"expect\" must be a list" },
		{ "{\"event\": \"fifo\"", "bad JSON" },
		{ "{\"event\": \"fifo\"} {}", "bad JSON" },
		{ "[1]", "a fixture must be a JSON object" },
	};
	struct fixture f = { 0 };
	char err[512], big[5000 + 64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (fixture_parse(bad[i].line, &f, err, sizeof(err)) != -1 ||
		    strncmp(err, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("%s: got \"%s\", expected \"%s\"",
				 bad[i].line, err, bad[i].msg);
	}
	/* an event string may not be longer than producers make them */
	i = snprintf(big, sizeof(big),
		     "{\"event\": \"fifo\", \"fields\": {\"path\": \"");
	memset(big + i, 'a', 4097);
	snprintf(big + i + 4097, sizeof(big) - i - 4097, "\"}}");
	assert_int_equal(fixture_parse(big, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "4097 bytes"));
}

/* Run fixture lines; return the output, counts in *tc. */
static char *run(const char *lines, bool coverage, struct test_counts *tc,
		 int *bad)
{
	static const char path[] = CT_TMP "/testcmd.jsonl";
	struct fixture_set set = { 0 };
	char *out = NULL;
	size_t outlen;
	FILE *f;

	ct_write(path, lines, strlen(lines));
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	memset(tc, 0, sizeof(*tc));
	*bad = fixture_load(path, &set, f);
	run_fixtures(ch, &set, coverage, f, tc);
	fclose(f);
	fixture_set_free(&set);
	return out;
}

static void expectations(void **state)
{
	struct test_counts tc;
	char *out;
	int bad;

	out = run("# comment\n\n"
		  "{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/BEACON\"},"
		  " \"expect\": [10]}\n"
		  "{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/BEACON\","
		  " \"comm\": \"dpkg\"}, \"expect\": []}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\"}}\n",
		  false, &tc, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(tc.passed, 2);
	assert_int_equal(tc.failed, 0);
	assert_non_null(strstr(out, "testcmd.jsonl:3: fifo -> [10] ok\n"));
	assert_non_null(strstr(out, "testcmd.jsonl:4: fifo -> [] ok\n"));
	/* no expect: printed, not counted */
	assert_non_null(strstr(out, "testcmd.jsonl:5: exec -> [20]\n"));
	free(out);

	/* a wrong expectation, one naming a rule the channel lacks */
	out = run("{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/x\"},"
		  " \"expect\": [10]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"euid\": 0},"
		  " \"expect\": [20, 99]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"euid\": 1},"
		  " \"expect\": [20]}\n",
		  false, &tc, &bad);
	assert_int_equal(tc.passed, 0);
	assert_int_equal(tc.failed, 3);
	assert_non_null(strstr(out, ":1: fifo -> [] FAIL: expected [10]\n"));
	assert_non_null(strstr(out, ":2: exec -> [20] FAIL: expected [20, 99]"
			       " (rule 99 is not in the channel)\n"));
	assert_non_null(strstr(out, ":3: exec -> [] FAIL: expected [20]\n"));
	free(out);

	/* a bad line is reported with its number, the rest still runs */
	out = run("{\"event\": \"fifo\", \"fields\": {\"pth\": \"/tmp/x\"}}\n"
		  "{\"event\": \"fifo\", \"expect\": []}\n", false, &tc, &bad);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(out, "testcmd.jsonl:1: unknown field 'pth'"));
	assert_int_equal(tc.passed, 1);
	free(out);
}

/*
 * Fixtures that make every predicate of rules 10 and 30 decisive both ways:
 * one match, and for each predicate a miss due to it alone.
 */
#define FIX_10 \
	"{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/beacon\"}, \"expect\": [10]}\n" \
	"{\"event\": \"fifo\", \"fields\": {\"path\": \"/var/beacon\"}, \"expect\": []}\n" \
	"{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/pipe\"}, \"expect\": []}\n" \
	"{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/beacon\", \"comm\": \"dpkg\"}, \"expect\": []}\n"
#define FIX_30 \
	"{\"event\": \"connect\", \"fields\": {\"daddr\": \"10.9.9.9\", \"dport\": 22}, \"expect\": [30]}\n" \
	"{\"event\": \"connect\", \"fields\": {\"daddr\": \"11.9.9.9\", \"dport\": 22}, \"expect\": []}\n" \
	"{\"event\": \"connect\", \"fields\": {\"daddr\": \"10.9.9.9\", \"dport\": 8080}, \"expect\": []}\n"

static void coverage(void **state)
{
	struct test_counts tc;
	char *out;
	int bad;

	/*
	 * Rule 20 is only ever matched through sel_shell and never missed:
	 * sel_root decides nothing and sel_shell decides no miss, so the rule
	 * fails coverage although every expectation holds.
	 */
	out = run(FIX_10 FIX_30
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\", \"euid\": 1000}, \"expect\": [20]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\", \"euid\": 0}, \"expect\": [20]}\n",
		  true, &tc, &bad);
	assert_int_equal(tc.passed, 9 + 2);
	assert_int_equal(tc.failed, 1);
	assert_non_null(strstr(out, "coverage: rule 10 (fifo): ok\n"));
	assert_non_null(strstr(out, "coverage: rule 30 (connect): ok\n"));
	assert_non_null(strstr(out, "coverage: rule 20 (exec):\n"
			       "\tnode 0 decides no miss: comm: \"sh\"\n"
			       "\tnode 1 decides no match: euid: 0\n"
			       "\tnode 1 decides no miss: euid: 0\n"
			       "coverage: rule 20 FAIL\n"));
	free(out);

	/* a match through sel_root alone still leaves no miss */
	out = run(FIX_10 FIX_30
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\", \"euid\": 1000}, \"expect\": [20]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"ls\", \"euid\": 0}, \"expect\": [20]}\n",
		  true, &tc, &bad);
	assert_int_equal(tc.failed, 1);
	assert_non_null(strstr(out, "coverage: rule 20 (exec):\n"
			       "\tnode 0 decides no miss: comm: \"sh\"\n"
			       "\tnode 1 decides no miss: euid: 0\n"
			       "coverage: rule 20 FAIL\n"));
	free(out);

	/* and a miss where neither holds: now it passes */
	out = run(FIX_10 FIX_30
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\", \"euid\": 1000}, \"expect\": [20]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"sh\", \"euid\": 0}, \"expect\": [20]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"ls\", \"euid\": 0}, \"expect\": [20]}\n"
		  "{\"event\": \"exec\", \"fields\": {\"comm\": \"ls\", \"euid\": 1000}, \"expect\": []}\n",
		  true, &tc, &bad);
	assert_int_equal(tc.failed, 0);
	assert_int_equal(tc.passed, 11 + 3);
	assert_non_null(strstr(out, "coverage: rule 20 (exec): ok\n"));
	free(out);

	/*
	 * One matching fixture makes every predicate of an AND decide a
	 * match, but none a miss; rule 20 has no fixture at all.
	 */
	out = run("{\"event\": \"fifo\", \"fields\": {\"path\": \"/tmp/beacon\"}, \"expect\": [10]}\n"
		  FIX_30, true, &tc, &bad);
	assert_int_equal(tc.passed, 4 + 1);
	assert_int_equal(tc.failed, 2);
	assert_non_null(strstr(out, "coverage: rule 10 (fifo):\n"
			       "\tnode 0 decides no miss: path|startswith: \"/tmp/\"\n"));
	assert_non_null(strstr(out, "coverage: rule 20 (exec):\n"
			       "\tno fixture matches it\n"
			       "\tnode 0 decides no match: comm: \"sh\"\n"
			       "\tnode 0 decides no miss: comm: \"sh\"\n"
			       "\tnode 1 decides no match: euid: 0\n"
			       "\tnode 1 decides no miss: euid: 0\n"));
	free(out);

	/* no match anywhere for rule 30: it cannot be covered */
	out = run(FIX_10
		  "{\"event\": \"connect\", \"fields\": {\"daddr\": \"11.9.9.9\", \"dport\": 22}, \"expect\": []}\n",
		  true, &tc, &bad);
	assert_non_null(strstr(out, "coverage: rule 30 (connect):\n"
			       "\tno fixture matches it\n"
			       "\tnode 0 decides no match: daddr|cidr: 10.0.0.0/8\n"));
	free(out);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(expectations),
		cmocka_unit_test(coverage),
	};

	ct_chdir_root(argv[0]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
