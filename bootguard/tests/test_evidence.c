// SPDX-License-Identifier: GPL-2.0
/*
 * Evidence: summarising pstore records (a panic in vigil, an oops in a
 * vigil hook, an unrelated sysrq panic with vigil loaded, a soft lockup,
 * a built-in sensor's trace) and collecting them from a fake root: the
 * newest relevant record, /sys/fs/pstore and systemd-pstore's archive,
 * records older than the failed boot ignored, copies bounded.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include <cmocka.h>

#include "testutil.h"

#include "evidence.h"
#include "fsio.h"

#define FIX	"bootguard/tests/fixtures/"
#define BOOT	"0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"
#define BOOT2	"1a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"

static void scan_file(const char *name, struct bg_record_scan *s)
{
	char *buf;
	size_t len;

	assert_int_equal(bg_read_file(name, BG_RECORD_MAX, &buf, &len), 0);
	bg_record_scan(buf, len, s);
	free(buf);
}

static void scan_text(const char *text, struct bg_record_scan *s)
{
	bg_record_scan(text, strlen(text), s);
}

static void test_panic_in_vigil(void **unused)
{
	struct bg_record_scan s;

	scan_file(FIX "panic-vigil.txt", &s);
	assert_true(s.crash);
	assert_true(s.involves_vigil);
	assert_string_equal(s.summary, "Kernel panic - not syncing: vigil: "
			    "fault injection: panic_on_channel 4");
}

static void test_oops_in_vigil(void **unused)
{
	struct bg_record_scan s;

	scan_file(FIX "panic-vigil-oops.txt", &s);
	assert_true(s.crash);
	assert_true(s.involves_vigil);
	/* the BUG line says more than "Attempted to kill init!" */
	assert_string_equal(s.summary, "BUG: kernel NULL pointer dereference, "
			    "address: 0000000000000008");
}

static void test_unrelated_panic(void **unused)
{
	struct bg_record_scan s;

	/* vigil log lines and "Modules linked in: vigil" do not count */
	scan_file(FIX "panic-sysrq.txt", &s);
	assert_true(s.crash);
	assert_false(s.involves_vigil);
	assert_string_equal(s.summary,
			    "Kernel panic - not syncing: sysrq triggered crash");
}

static void test_scan_cases(void **unused)
{
	struct bg_record_scan s;

	scan_text("<6>[    1.0] vigil: armed\n<6>[    2.0] all fine\n", &s);
	assert_false(s.crash);
	assert_false(s.involves_vigil);

	/* a built-in sensor: no [vigil], but vigil_ symbols in the trace */
	scan_text("<0>[    9.1] watchdog: BUG: soft lockup - CPU#0 stuck for "
		  "22s! [modprobe:201]\n<4>[    9.2] RIP: 0010:vigil_arm+0x4"
		  "1/0x90\n<4>[    9.3] Call Trace:\n<4>[    9.3]  <TASK>\n"
		  "<4>[    9.4]  do_one_initcall+0x44/0x210\n<4>[    9.5]  "
		  "</TASK>\n<0>[    9.6] Kernel panic - not syncing: "
		  "softlockup: hung tasks\n", &s);
	assert_true(s.involves_vigil);
	assert_string_equal(s.summary, "BUG: soft lockup - CPU#0 stuck for "
			    "22s! [modprobe:201]");

	/* "vigil_" inside another symbol is not vigil */
	scan_text("Oops: 0000 [#1] SMP\nCall Trace:\n <TASK>\n "
		  "not_vigil_thing+0x1/0x2\n </TASK>\n", &s);
	assert_true(s.crash);
	assert_false(s.involves_vigil);
	assert_string_equal(s.summary, "Oops: 0000 [#1] SMP");

	/* a vigil frame in an unrelated crash's trace does count */
	scan_text("general protection fault, probably for non-canonical "
		  "address\nCall Trace:\n <TASK>\n ? vigil_hook_open+0x10/"
		  "0x80 [vigil]\n </TASK>\nModules linked in: vigil(OE)\n", &s);
	assert_true(s.involves_vigil);

	/* a hung task, no prefixes, CRLF-free */
	scan_text("INFO: task modprobe:214 blocked for more than 120 seconds."
		  "\nKernel panic - not syncing: hung_task: blocked tasks", &s);
	assert_true(s.crash);
	assert_string_equal(s.summary,
			    "Kernel panic - not syncing: hung_task: blocked tasks");
	assert_false(s.involves_vigil);

	scan_text("", &s);
	assert_false(s.crash);
}

/* -- collecting from a fake root ------------------------------------------ */


static void put(const char *rel, const char *fixture, time_t mtime)
{
	char path[PATH_MAX], dir[PATH_MAX], *buf, *slash;
	struct utimbuf t = { mtime, mtime };
	size_t len;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	assert_int_equal(bg_mkdirs(dir), 0);
	assert_int_equal(bg_read_file(fixture, BG_RECORD_MAX, &buf, &len), 0);
	*slash = '\0';
	assert_int_equal(bg_write_atomic(dir, slash + 1, buf, len), 0);
	free(buf);
	assert_int_equal(utime(path, &t), 0);
}

static void test_collect(void **unused)
{
	char sdir[PATH_MAX], evdir[PATH_MAX], path[PATH_MAX];
	struct bg_evidence ev;
	time_t now = time(NULL);
	struct stat sb;

	snprintf(sdir, sizeof(sdir), "%s/var/lib/vigil/bootguard", root);
	snprintf(evdir, sizeof(evdir), "%s/evidence", sdir);

	/* nothing at all */
	assert_int_equal(bg_evidence_collect(root, sdir, now - 100, BOOT,
					     &ev), 0);
	assert_string_equal(ev.source, "none");
	assert_string_equal(ev.file, "");

	/* an old record (before the failed boot charged) is not its */
	put("/var/lib/systemd/pstore/1/dmesg.txt", FIX "panic-vigil.txt",
	    now - 1000);
	put("/sys/fs/pstore/console-ramoops-0", FIX "panic-vigil.txt", now);
	assert_int_equal(bg_evidence_collect(root, sdir, now - 100, BOOT,
					     &ev), 0);
	assert_string_equal(ev.source, "none");

	/* the archive (systemd-pstore ran first) */
	put("/var/lib/systemd/pstore/2/dmesg-ramoops-0", FIX "panic-sysrq.txt",
	    now - 10);
	assert_int_equal(bg_evidence_collect(root, sdir, now - 100, BOOT,
					     &ev), 0);
	assert_string_equal(ev.source, "pstore");
	assert_false(ev.involves_vigil);
	assert_non_null(strstr(ev.file, "-0a1b2c3d-"));
	assert_non_null(strstr(ev.file, "dmesg-ramoops-0"));
	snprintf(path, sizeof(path), "%s/%s", evdir, ev.file);
	assert_int_equal(stat(path, &sb), 0);

	/* a start that died before its commit: the same boot's again */
	assert_int_equal(bg_evidence_collect(root, sdir, now - 100, BOOT,
					     &ev), 0);
	assert_string_equal(ev.source, "pstore");
	/* but not for a later failed boot */
	assert_int_equal(bg_evidence_collect(root, sdir, now - 50, BOOT2, &ev),
			 0);
	assert_string_equal(ev.source, "none");

	/* /sys/fs/pstore, and a BUG beats a plain panic */
	put("/sys/fs/pstore/dmesg-ramoops-0", FIX "panic-vigil-oops.txt", now);
	put("/sys/fs/pstore/dmesg-ramoops-1", FIX "panic-vigil.txt", now);
	assert_int_equal(bg_evidence_collect(root, sdir, now - 50, BOOT2, &ev),
			 0);
	assert_string_equal(ev.source, "pstore");
	assert_true(ev.involves_vigil);
	assert_non_null(strstr(ev.summary, "BUG: kernel NULL pointer"));
}

static void test_collect_bounded(void **unused)
{
	char sdir[PATH_MAX], evdir[PATH_MAX], rel[64], text[96];
	char tmp[PATH_MAX];
	struct bg_evidence ev;
	time_t now = time(NULL);
	int i;

	snprintf(sdir, sizeof(sdir), "%s/b/state", root);
	snprintf(evdir, sizeof(evdir), "%s/evidence", sdir);
	for (i = 0; i < BG_EVIDENCE_KEEP + 3; i++) {
		/* each failed boot leaves a different record */
		snprintf(rel, sizeof(rel), "/sys/fs/pstore/dmesg-ramoops-%d", i);
		snprintf(text, sizeof(text), "<0>[   %d.5] Kernel panic - not "
			 "syncing: boot %d\n", i, i);
		snprintf(tmp, sizeof(tmp), "%s/rec", root);
		assert_int_equal(bg_write_atomic(root, "rec", text,
						 strlen(text)), 0);
		put(rel, tmp, now);
		if (i >= 2) {
			char old[PATH_MAX];

			snprintf(old, sizeof(old),
				 "%s/sys/fs/pstore/dmesg-ramoops-%d", root,
				 i - 2);
			unlink(old);
		}
		assert_int_equal(bg_evidence_collect(root, sdir, now - 100 + i,
						     BOOT, &ev), 0);
		if (i >= 2)
			assert_string_equal(ev.source, "pstore");
	}
	assert_int_equal(entries(evdir), BG_EVIDENCE_KEEP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panic_in_vigil),
		cmocka_unit_test(test_oops_in_vigil),
		cmocka_unit_test(test_unrelated_panic),
		cmocka_unit_test(test_scan_cases),
		cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collect_bounded, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
