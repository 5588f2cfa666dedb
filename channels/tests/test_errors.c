// SPDX-License-Identifier: GPL-2.0
/*
 * Compile errors.  Every channels/tests/data/NAME.yaml is a bad source
 * that says what it must produce:
 *
 *	# expect: LINE:COL: start of the message
 *	# with: OTHER.yaml	(compiled first, from the same folder)
 *
 * The compiler must report exactly those diagnostics, in that order, and
 * produce no payload.  NAME.part.yaml files are only compiled "with".
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chantest.h"
#include "compile.h"
#include "util.h"

#define DATA	"channels/tests/data"

struct expect {
	unsigned int line, col;
	char msg[512];
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Read "# expect:" and "# with:" lines; return the number of expects. */
static unsigned int read_directives(const char *text, struct expect *ex,
				    unsigned int max, char *with,
				    size_t withlen)
{
	const char *p = text;
	unsigned int n = 0;

	with[0] = 0;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = 0;
		if (!strncmp(line, "# expect: ", 10)) {
			int used = 0;

			assert_true(n < max);
			assert_int_equal(sscanf(line + 10, "%u:%u: %n",
						&ex[n].line, &ex[n].col,
						&used) >= 2, 1);
			snprintf(ex[n].msg, sizeof(ex[n].msg), "%s",
				 line + 10 + used);
			n++;
		} else if (!strncmp(line, "# with: ", 8)) {
			snprintf(with, withlen, DATA "/%s", line + 8);
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static int check_file(const char *name)
{
	struct expect ex[16];
	char path[1100], with[1100];
	struct vc_compiler *c;
	struct chan_meta meta;
	uint8_t *buf, *payload = NULL;
	unsigned int n, i;
	size_t len;
	int bad = 0;

	snprintf(path, sizeof(path), DATA "/%s", name);
	assert_int_equal(read_file(path, 1 << 20, &buf, &len), 0);
	n = read_directives((const char *)buf, ex, 16, with, sizeof(with));
	free(buf);
	if (!n) {
		fprintf(stderr, "%s: no '# expect:' line\n", path);
		return 1;
	}
	c = vc_new(NULL);
	if (with[0])
		assert_int_equal(vc_add_file(c, with), 0);
	vc_add_file(c, path);
	if (!vc_ndiags(c))
		vc_finish(c, &payload, &len, &meta);
	assert_null(payload);
	if (vc_ndiags(c) != n) {
		fprintf(stderr, "%s: %zu diagnostics, expected %u:\n", path,
			vc_ndiags(c), n);
		ct_show(c);
		bad = 1;
	}
	for (i = 0; i < n && i < vc_ndiags(c); i++) {
		const struct vc_diag *d = vc_diag(c, i);

		if (strcmp(d->file, path) || d->line != ex[i].line ||
		    d->col != ex[i].col ||
		    strncmp(d->msg, ex[i].msg, strlen(ex[i].msg))) {
			fprintf(stderr, "%s: got      %s:%u:%u: %s\n"
				"%s: expected %s:%u:%u: %s\n", name, d->file,
				d->line, d->col, d->msg, name, path,
				ex[i].line, ex[i].col, ex[i].msg);
			bad = 1;
		}
	}
	vc_free(c);
	return bad;
}

static void data_files(void **state)
{
	DIR *d = opendir(DATA);
	struct dirent *e;
	unsigned int files = 0, bad = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!ends_with(e->d_name, ".yaml") ||
		    ends_with(e->d_name, ".part.yaml"))
			continue;
		files++;
		bad += check_file(e->d_name);
	}
	closedir(d);
	assert_true(files >= 20);
	assert_int_equal(bad, 0);
}

/*
 * What only the loader knows (here: the evaluation cost cap) still comes
 * back at the source line of the record it rejects.
 */
static void loader_rejection_has_a_location(void **state)
{
	struct sbuf y = { 0 };
	struct vc_compiler *c;
	struct chan_meta meta;
	uint8_t *payload;
	size_t len;
	int s, i;

	sb_addf(&y, "channel: {id: 9, version: 1}\nrules:\n"
		"  - id: 1\n    title: t\n    event: exec\n"
		"    severity: high\n    detection:\n"
		"      s:\n        comm: ok\n"
		"  - id: 2\n    title: expensive\n    event: exec\n"
		"    severity: high\n    detection:\n");
	for (s = 0; s < 4; s++) {
		sb_addf(&y, "      s%d:\n        argv|glob:\n", s);
		for (i = 0; i < 1024; i++)
			sb_addf(&y, "          - '*%d*%0248d*x'\n", s, i);
	}
	sb_addf(&y, "      condition: all of them\n");
	c = vc_new(NULL);
	assert_int_equal(vc_add_source(c, "cost.yaml", y.s, y.len), 0);
	assert_int_equal(vc_finish(c, &payload, &len, &meta), -1);
	assert_null(payload);
	assert_int_equal(vc_ndiags(c), 1);
	/* the second rule's id, line 10 */
	assert_int_equal(vc_diag(c, 0)->line, 10);
	assert_int_equal(vc_diag(c, 0)->col, 9);
	assert_non_null(strstr(vc_diag(c, 0)->msg, "COST"));
	vc_free(c);
	sb_free(&y);
}

static void unreadable_source(void **state)
{
	struct vc_compiler *c = vc_new(NULL);

	assert_int_equal(vc_add_file(c, DATA "/no-such-file.yaml"), -1);
	assert_int_equal(vc_ndiags(c), 1);
	assert_int_equal(vc_diag(c, 0)->line, 0);
	assert_non_null(strstr(vc_diag(c, 0)->msg, "cannot read"));
	vc_free(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_files),
		cmocka_unit_test(loader_rejection_has_a_location),
		cmocka_unit_test(unreadable_source),
	};

	ct_chdir_root(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
