// SPDX-License-Identifier: GPL-2.0
/*
 * The state file: round trip, the checksum, and the strict parser on every
 * kind of damage (a truncated write, a flipped bit, a key out of place,
 * numbers out of range) - an error, never a crash or a guess.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decide.h"
#include "evidence.h"
#include "state.h"

#define BOOT_A	"0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"
#define DIG_X	"1111111111111111111111111111111111111111111111111111111111111111"
#define DIG_Y	"2222222222222222222222222222222222222222222222222222222222222222"

static void full_state(struct bg_state *st)
{
	struct bg_failure f = { 0 };

	bg_state_init(st, 4);
	st->tries_left = 2;
	st->charged = true;
	strcpy(st->charge_boot_id, BOOT_A);
	st->charge_at = 1795330000;
	st->charge_set = BG_SET_PENDING;
	strcpy(st->charge_digest, DIG_X);
	strcpy(st->lkg, DIG_Y);
	f.at = 1795320000;
	strcpy(f.boot_id, BOOT_A);
	f.set = BG_SET_LKG;
	strcpy(f.digest, DIG_Y);
	f.counted = true;
	strcpy(f.ev.source, "pstore");
	strcpy(f.ev.file, "001795320000-0a1b2c3d-abc-dmesg-ramoops-0");
	strcpy(f.ev.summary, "Kernel panic - not syncing: vigil: x\ny");
	f.ev.involves_vigil = true;
	bg_state_add_failure(st, &f);
	f.counted = false;
	strcpy(f.ev.source, "none");
	f.ev.file[0] = '\0';
	f.ev.summary[0] = '\0';
	f.ev.involves_vigil = false;
	bg_state_add_failure(st, &f);
	bg_state_add_quarantine(st, DIG_X, 1795330001, "failed boot  ");
}

static char *format(const struct bg_state *st, size_t *len)
{
	char *buf = bg_state_format(st, len);

	assert_non_null(buf);
	return buf;
}

static int parse(const char *buf, size_t len, struct bg_state *st, char *err)
{
	return bg_state_parse(buf, len, st, err, 256);
}

static void test_round_trip(void **unused)
{
	struct bg_state a, b;
	char err[256], *buf, *again;
	size_t len, len2;

	full_state(&a);
	buf = format(&a, &len);
	assert_int_equal(parse(buf, len, &b, err), 0);
	assert_int_equal(b.tries_max, 4);
	assert_int_equal(b.tries_left, 2);
	assert_true(b.charged);
	assert_string_equal(b.charge_boot_id, BOOT_A);
	assert_int_equal(b.charge_at, 1795330000);
	assert_int_equal(b.charge_set, BG_SET_PENDING);
	assert_string_equal(b.lkg, DIG_Y);
	assert_int_equal(b.nfail, 2);
	assert_true(b.fail[0].counted);
	assert_true(b.fail[0].ev.involves_vigil);
	/* a newline in free text becomes a space: it cannot break a line */
	assert_string_equal(b.fail[0].ev.summary,
			    "Kernel panic - not syncing: vigil: x y");
	assert_string_equal(b.fail[1].ev.source, "none");
	assert_string_equal(b.fail[1].ev.file, "");
	assert_false(b.fail[1].counted);
	assert_int_equal(b.nquar, 1);
	assert_string_equal(b.quar[0].reason, "failed boot");
	/* formatting the parsed state gives the same bytes */
	again = format(&b, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	free(again);
	free(buf);
}

static void test_disabled_round_trip(void **unused)
{
	struct bg_state a, b;
	char err[256], *buf;
	size_t len;

	bg_state_init(&a, 3);
	a.disabled = true;
	a.tries_left = 0;
	a.disabled_at = 1795330000;
	a.disabled_failed_boots = 3;
	strcpy(a.disabled_reason, "3 failed boots in a row");
	buf = format(&a, &len);
	assert_int_equal(parse(buf, len, &b, err), 0);
	assert_true(b.disabled);
	assert_int_equal(b.disabled_failed_boots, 3);
	assert_string_equal(b.disabled_reason, "3 failed boots in a row");
	free(buf);
}

/* Every prefix of a valid file (a write cut short) is rejected. */
static void test_every_truncation_rejected(void **unused)
{
	struct bg_state a, b;
	char err[256], *buf;
	size_t len, i;

	full_state(&a);
	buf = format(&a, &len);
	for (i = 0; i < len; i++) {
		char *copy = malloc(i + 1);

		memcpy(copy, buf, i);
		assert_int_not_equal(parse(copy, i, &b, err), 0);
		assert_true(strlen(err) > 0);
		free(copy);
	}
	free(buf);
}

/* Every single-bit flip is caught (by the checksum or the parser). */
static void test_every_bit_flip_rejected(void **unused)
{
	struct bg_state a, b;
	char err[256], *buf;
	size_t len, i;
	int bit;

	full_state(&a);
	buf = format(&a, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= 1 << bit;
			assert_int_not_equal(parse(buf, len, &b, err), 0);
			buf[i] ^= 1 << bit;
		}
	assert_int_equal(parse(buf, len, &b, err), 0);
	free(buf);
}

/* Re-checksum an edited body, so the parser itself must catch it. */
static void check_body(const char *body, const char *want_err)
{
	char sum[BG_DIGEST_LEN + 1], err[256];
	struct bg_state st;
	size_t n = strlen(body);
	char *buf = malloc(n + 80);
	int len, ret;

	bg_sha256_hex(body, n, sum);
	len = sprintf(buf, "%schecksum=%s\n", body, sum);
	ret = parse(buf, len, &st, err);
	free(buf);		/* before a failing assertion jumps away */
	if (!want_err) {
		assert_int_equal(ret, 0);
	} else {
		assert_int_not_equal(ret, 0);
		if (!strstr(err, want_err))
			fail_msg("error \"%s\" lacks \"%s\"", err, want_err);
	}
}

#define HDR	"# state\nversion=1\n"
#define LKG	"lkg=" DIG_Y "\n"

static void test_parser_strict(void **unused)
{
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\n", NULL);
	check_body("version=1\n", "not a vigil-bootguard state file");
	check_body("# s\nversion=2\n", "version 2 not supported");
	check_body(HDR "state=sleepy\n", "want armed or disabled");
	check_body(HDR "state=armed\ntries_max=0\n", "at least 1");
	check_body(HDR "state=armed\ntries_max=101\n", "out of range");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=4\n",
		   "out of range");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=03\n",
		   "not a number");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=-1\n",
		   "out of range");
	check_body(HDR "state=armed\ntries_left=3\n", "\"tries_max\" missing");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG, "\"disabled\" missing");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nfrobs=1\n", "unexpected key");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   "lkg=abc\n", "not a SHA-256 digest");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   "lkg=" "1111111111111111111111111111111111111111111111111111111"
		   "11111111A\n", "not a SHA-256 digest");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=2\n"
		   "charge=not-a-boot 1 pending " DIG_X "\n", "bad boot id");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=2\n"
		   "charge=" BOOT_A " 1 sideways " DIG_X "\n",
		   "want pending, lkg or none");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\n"
		   "charge=" BOOT_A " 1 lkg " DIG_X "\n" LKG "disabled=none\n",
		   "exceed tries_max");
	check_body(HDR "state=disabled\ntries_max=3\ntries_left=0\n"
		   "charge=none\n" LKG "disabled=none\n", "state is disabled");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=0\n"
		   "charge=none\n" LKG "disabled=5 3 why\n", "state is armed");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nfailure=5 " BOOT_A " lkg " DIG_X
		   " 1 pstore 1 ../x summary\n", "holds '/'");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nfailure=5 " BOOT_A " lkg " DIG_X
		   " 2 pstore 1 - summary\n", "want 0 or 1");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nfailure=5 " BOOT_A " lkg " DIG_X
		   " 1 kdump 1 - summary\n", "pstore, health or none");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nquarantine=" DIG_X " 5 a\nquarantine="
		   DIG_X " 6 b\n", "listed twice");
	/* quarantine before failure: out of order */
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nquarantine=" DIG_X " 5 a\nfailure=5 "
		   BOOT_A " lkg " DIG_X " 1 none 0 - s\n", "unexpected key");
	check_body(HDR "state=armed\ntries_max=3\ntries_left=3\ncharge=none\n"
		   LKG "disabled=none\nquarantine=" DIG_X " 5\n", "missing");
}

static void test_checksum_and_framing(void **unused)
{
	struct bg_state a, b;
	char err[256], *buf, *big;
	size_t len;

	full_state(&a);
	buf = format(&a, &len);
	assert_int_not_equal(parse(buf, 0, &b, err), 0);
	assert_string_equal(err, "empty");
	/* trailing bytes after the checksum line */
	big = malloc(len + 2);
	memcpy(big, buf, len);
	memcpy(big + len, "x\n", 2);
	assert_int_not_equal(parse(big, len + 2, &b, err), 0);
	/* a NUL byte */
	memcpy(big, buf, len);
	big[10] = '\0';
	assert_int_not_equal(parse(big, len, &b, err), 0);
	assert_string_equal(err, "holds a NUL byte");
	free(big);
	/* too large */
	big = calloc(1, BG_STATE_MAX_SIZE + 1);
	assert_int_not_equal(parse(big, BG_STATE_MAX_SIZE + 1, &b, err), 0);
	free(big);
	free(buf);
}

static void test_bounded_lists(void **unused)
{
	struct bg_state st, b;
	struct bg_failure f = { 0 };
	char d[BG_DIGEST_LEN + 1], err[256], *buf;
	size_t len;
	int i;

	bg_state_init(&st, 3);
	strcpy(f.boot_id, BOOT_A);
	strcpy(f.digest, DIG_X);
	strcpy(f.ev.source, "none");
	for (i = 0; i < BG_MAX_FAILURES + 5; i++) {
		f.at = i;
		bg_state_add_failure(&st, &f);
	}
	assert_int_equal(st.nfail, BG_MAX_FAILURES);
	assert_int_equal(st.fail[0].at, 5);	/* the oldest went */
	for (i = 0; i < BG_MAX_QUARANTINE + 3; i++) {
		snprintf(d, sizeof(d), "%064x", i);
		bg_state_add_quarantine(&st, d, i, "r");
	}
	assert_int_equal(st.nquar, BG_MAX_QUARANTINE);
	assert_int_equal(st.quar[0].at, 3);
	bg_state_add_quarantine(&st, d, 99, "again");	/* no duplicate */
	assert_int_equal(st.nquar, BG_MAX_QUARANTINE);
	buf = format(&st, &len);
	assert_int_equal(parse(buf, len, &b, err), 0);
	assert_int_equal(b.nfail, BG_MAX_FAILURES);
	free(buf);
}

static void test_helpers(void **unused)
{
	char out[8], sum[BG_DIGEST_LEN + 1];

	assert_true(bg_boot_id_ok(BOOT_A));
	assert_false(bg_boot_id_ok("0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f"));
	assert_false(bg_boot_id_ok("0a1b2c3d04e5f-4061-8293-a4b5c6d7e8f9"));
	assert_true(bg_digest_ok(BG_EMPTY_DIGEST));
	assert_false(bg_digest_ok(""));
	bg_text_copy(out, sizeof(out), "  a\tbcdefghij");
	assert_string_equal(out, "a bcdef");
	bg_text_copy(out, sizeof(out), NULL);
	assert_string_equal(out, "");
	bg_sha256_hex("", 0, sum);
	assert_string_equal(sum, BG_EMPTY_DIGEST);
}

/*
 * Random edits of a valid file, re-checksummed so that the parser itself
 * is tested: never a crash (ASan/UBSan watch), and whatever it accepts
 * formats back to a file it accepts again, identically.  The other text
 * parsers get random bytes.
 */
static void test_random_edits(void **unused)
{
	static const char alphabet[] = "0123456789abcdef-= \n#xnoe";
	struct bg_state a, b, c;
	char err[256], sum[BG_DIGEST_LEN + 1], *buf, *m, *f1, *f2;
	size_t len, body, n, l1, l2;
	unsigned int iter, k, accepted = 0;

	srand(4);
	full_state(&a);
	buf = format(&a, &len);
	body = len - (sizeof("checksum=") - 1 + BG_DIGEST_LEN + 1);
	m = malloc(body + 128);
	for (iter = 0; iter < 20000; iter++) {
		memcpy(m, buf, body);
		n = body;
		for (k = 0; k <= (unsigned int)rand() % 3; k++) {
			size_t at = rand() % n;
			char ch = alphabet[rand() % (sizeof(alphabet) - 1)];

			switch (rand() % 3) {
			case 0:
				m[at] = ch;
				break;
			case 1:
				memmove(m + at, m + at + 1, n - at - 1);
				n--;
				break;
			default:
				memmove(m + at + 1, m + at, n - at);
				m[at] = ch;
				n++;
			}
		}
		bg_sha256_hex(m, n, sum);
		n += sprintf(m + n, "checksum=%s\n", sum);
		if (parse(m, n, &b, err))
			continue;
		accepted++;
		f1 = format(&b, &l1);
		assert_int_equal(parse(f1, l1, &c, err), 0);
		f2 = format(&c, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(f1, f2, l1);
		free(f1);
		free(f2);
	}
	/* some edits (in free text, numbers) are still valid files */
	assert_true(accepted > 100);
	assert_true(accepted < 20000);
	free(m);
	free(buf);

	for (iter = 0; iter < 2000; iter++) {
		char junk[300];
		struct bg_config cfg;
		struct bg_decision d;
		struct bg_record_scan r;

		n = rand() % sizeof(junk);
		for (k = 0; k < n; k++)
			junk[k] = rand() % 4 ? alphabet[rand() % 24] : rand();
		bg_config_init(&cfg);
		bg_config_parse(junk, n, &cfg, err, sizeof(err));
		assert_true(cfg.tries >= 1 && cfg.tries <= BG_TRIES_MAX);
		bg_decision_parse(junk, n, &d, err, sizeof(err));
		bg_record_scan(junk, n, &r);
		parse(junk, n, &b, err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_disabled_round_trip),
		cmocka_unit_test(test_every_truncation_rejected),
		cmocka_unit_test(test_every_bit_flip_rejected),
		cmocka_unit_test(test_parser_strict),
		cmocka_unit_test(test_checksum_and_framing),
		cmocka_unit_test(test_bounded_lists),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_random_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
