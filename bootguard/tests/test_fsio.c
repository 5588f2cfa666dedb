// SPDX-License-Identifier: GPL-2.0
/*
 * Files and channel sets on disk: atomic replacement, MANIFEST parsing as
 * the sensor does it, set digests, and staging/installing a set copy
 * (exchange with the old one, nothing left behind).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "fsio.h"


static void write_text(const char *dir, const char *name, const char *text)
{
	assert_int_equal(bg_mkdirs(dir), 0);
	assert_int_equal(bg_write_atomic(dir, name, text, strlen(text)), 0);
}

static char *read_text(const char *path)
{
	char *buf;
	size_t len;

	assert_int_equal(bg_read_file(path, 1 << 20, &buf, &len), 0);
	return buf;
}

static void test_atomic_write(void **unused)
{
	char dir[PATH_MAX], path[PATH_MAX], *t;

	snprintf(dir, sizeof(dir), "%s/a/b/c", root);
	write_text(dir, "state", "one\n");
	write_text(dir, "state", "two\n");
	snprintf(path, sizeof(path), "%s/state", dir);
	t = read_text(path);
	assert_string_equal(t, "two\n");
	free(t);
	assert_int_equal(entries(dir), 1);	/* no temporary left */

	/* a stale temporary from a crash is simply overwritten */
	write_text(dir, ".state.tmp", "half");
	write_text(dir, "state", "three\n");
	assert_int_equal(entries(dir), 1);

	/* a failing write leaves the old content */
	snprintf(path, sizeof(path), "%s/.state.tmp", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_not_equal(bg_write_atomic(dir, "state", "4", 1), 0);
	snprintf(path, sizeof(path), "%s/state", dir);
	t = read_text(path);
	assert_string_equal(t, "three\n");
	free(t);

	assert_int_equal(bg_read_file("/nonexistent/x", 10, &t,
				      &(size_t){ 0 }), -ENOENT);
	write_text(dir, "big", "0123456789abcdef");
	snprintf(path, sizeof(path), "%s/big", dir);
	assert_int_equal(bg_read_file(path, 8, &t, &(size_t){ 0 }), -EFBIG);
}

static void test_manifest_parse(void **unused)
{
	static const char m[] = "# installed channels\n\n  a.vch  \r\n"
				"b.vch\n../evil.vch\n.\n..\nsub/x.vch\nc d.vch\n"
				"#e.vch\nlast.vch";
	char names[8][BG_NAME_MAX + 1];

	assert_int_equal(bg_manifest_parse(m, sizeof(m) - 1, names, 8), 4);
	assert_string_equal(names[0], "a.vch");
	assert_string_equal(names[1], "b.vch");
	assert_string_equal(names[2], "c d.vch");
	assert_string_equal(names[3], "last.vch");
	assert_int_equal(bg_manifest_parse(m, sizeof(m) - 1, names, 2), 2);
}

static void test_set_digest(void **unused)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct bg_set_info *x = malloc(sizeof(*x)), *y = malloc(sizeof(*y));

	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/b", root);

	/* no folder, or no MANIFEST: the empty set */
	assert_int_equal(bg_set_read(a, x), 0);
	assert_false(x->exists);
	assert_string_equal(x->digest, BG_EMPTY_DIGEST);
	write_text(a, "MANIFEST", "# nothing\n");
	assert_int_equal(bg_set_read(a, x), 0);
	assert_true(x->exists);
	assert_string_equal(x->digest, BG_EMPTY_DIGEST);

	write_text(a, "one.vch", "1");
	write_text(a, "two.vch", "2");
	write_text(a, "MANIFEST", "one.vch\ntwo.vch\n");
	assert_int_equal(bg_set_read(a, x), 0);
	assert_int_equal(x->n, 2);
	assert_int_equal(x->missing, 0);

	/* comments and blanks do not change the digest */
	write_text(b, "one.vch", "1");
	write_text(b, "two.vch", "2");
	write_text(b, "MANIFEST", "# v2\none.vch\n\n  two.vch\n");
	assert_int_equal(bg_set_read(b, y), 0);
	assert_string_equal(x->digest, y->digest);
	/* a file's content does */
	write_text(b, "two.vch", "3");
	assert_int_equal(bg_set_read(b, y), 0);
	assert_string_not_equal(x->digest, y->digest);
	/* so does the order */
	write_text(b, "two.vch", "2");
	write_text(b, "MANIFEST", "two.vch\none.vch\n");
	assert_int_equal(bg_set_read(b, y), 0);
	assert_string_not_equal(x->digest, y->digest);
	/* a missing file is counted and changes the digest */
	write_text(b, "MANIFEST", "one.vch\ntwo.vch\ngone.vch\n");
	assert_int_equal(bg_set_read(b, y), 0);
	assert_int_equal(y->missing, 1);
	assert_string_not_equal(x->digest, y->digest);
	free(x);
	free(y);
}

static void test_stage_install(void **unused)
{
	char src[PATH_MAX], st[PATH_MAX], lkg[PATH_MAX], path[PATH_MAX];
	struct bg_set_info *s = malloc(sizeof(*s)), *c = malloc(sizeof(*c));
	char *t;

	snprintf(src, sizeof(src), "%s/etc/channels", root);
	snprintf(st, sizeof(st), "%s/state", root);
	snprintf(lkg, sizeof(lkg), "%s/lkg", st);
	write_text(src, "one.vch", "1");
	write_text(src, "MANIFEST", "# c\none.vch\n");
	assert_int_equal(bg_mkdirs(st), 0);
	assert_int_equal(bg_set_read(src, s), 0);

	/* first install: a rename */
	assert_int_equal(bg_set_stage(src, s, st, "lkg.new"), 0);
	assert_int_equal(bg_set_install(st, "lkg.new", "lkg"), 0);
	assert_int_equal(bg_set_read(lkg, c), 0);
	assert_string_equal(c->digest, s->digest);
	snprintf(path, sizeof(path), "%s/MANIFEST", lkg);
	t = read_text(path);
	assert_string_equal(t, "one.vch\n");	/* normalised */
	free(t);

	/* replace: exchanged, the old copy removed */
	write_text(src, "two.vch", "2");
	write_text(src, "MANIFEST", "one.vch\ntwo.vch\nmissing.vch\n");
	assert_int_equal(bg_set_read(src, s), 0);
	assert_int_equal(bg_set_stage(src, s, st, "lkg.new"), 0);
	assert_int_equal(bg_set_install(st, "lkg.new", "lkg"), 0);
	assert_int_equal(entries(st), 1);
	assert_int_equal(bg_set_read(lkg, c), 0);
	assert_int_equal(c->n, 2);		/* the missing file is dropped */
	assert_int_equal(entries(lkg), 3);

	/* a half-built stage from a crash is replaced */
	write_text(st, "junk", "x");
	snprintf(path, sizeof(path), "%s/lkg.new", st);
	write_text(path, "half", "x");
	assert_int_equal(bg_set_stage(src, s, st, "lkg.new"), 0);
	assert_int_equal(entries(path), 3);
	assert_int_equal(bg_set_remove(path), 0);
	assert_int_equal(bg_set_remove(path), 0);	/* gone: fine */
	free(s);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_atomic_write, setup,
						teardown),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test_setup_teardown(test_set_digest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stage_install, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
