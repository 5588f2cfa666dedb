// SPDX-License-Identifier: GPL-2.0
/*
 * Replay the malformed corpus through vigil_channel_load().
 *
 * The corpus is written by channels/testdata/gencorpus.c: NAME.vch files and
 * a MANIFEST of "NAME CODE" lines, CODE being the error class the loader
 * must return.  The folder is argv[1], else $VIGIL_CORPUS, else
 * build/testdata (make build/testdata/MANIFEST).
 *
 * Besides the expected codes: every prefix of every file that must load is
 * rejected (TRUNCATED below the header size, SIZE_MISMATCH from there on,
 * except the unsigned part of a signed file, which is itself a valid
 * file), each prefix from a buffer of exactly its length so ASan sees any
 * read past it; and with require_signature only the signed files load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader.h"

struct entry {
	char name[128];
	int code;
	u8 *data;
	size_t len;
};

static const char *corpus_dir = "build/testdata";
static struct entry *entries;
static size_t nentries;
static char manifest_error[8192];

static int code_by_name(const char *name)
{
	int i;

	for (i = 0; i < 256; i++) {
		if (!strcmp(vigil_err_name(i), name))
			return i;
	}
	return -1;
}

static u8 *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END))
		goto out;
	n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	p = malloc(n ? n : 1);
	if (p && n && fread(p, n, 1, f) != 1) {
		free(p);
		p = NULL;
	}
	*len = n;
out:
	fclose(f);
	return p;
}

/* Read MANIFEST and every file it names; on trouble say why. */
static int load_manifest(void **state)
{
	char path[2048], line[512], code[64];
	FILE *m;

	snprintf(path, sizeof(path), "%s/MANIFEST", corpus_dir);
	m = fopen(path, "r");
	if (!m) {
		snprintf(manifest_error, sizeof(manifest_error),
			 "%s: cannot open (run make build/testdata/MANIFEST)",
			 path);
		return 0;
	}
	while (fgets(line, sizeof(line), m)) {
		struct entry *e;

		entries = realloc(entries, (nentries + 1) * sizeof(*entries));
		assert_non_null(entries);
		e = &entries[nentries];
		memset(e, 0, sizeof(*e));
		if (sscanf(line, "%127s %63s", e->name, code) != 2) {
			snprintf(manifest_error, sizeof(manifest_error),
				 "%s: bad line %zu: %s", path, nentries + 1,
				 line);
			break;
		}
		e->code = code_by_name(code);
		if (e->code < 0) {
			snprintf(manifest_error, sizeof(manifest_error),
				 "%s: %s: unknown error class %s", path,
				 e->name, code);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s.vch", corpus_dir, e->name);
		e->data = read_all(path, &e->len);
		if (!e->data) {
			snprintf(manifest_error, sizeof(manifest_error),
				 "%s: cannot read", path);
			break;
		}
		nentries++;
		snprintf(path, sizeof(path), "%s/MANIFEST", corpus_dir);
	}
	fclose(m);
	if (!nentries && !manifest_error[0])
		snprintf(manifest_error, sizeof(manifest_error),
			 "%s: empty", path);
	return 0;
}

static int free_manifest(void **state)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		free(entries[i].data);
	free(entries);
	return 0;
}

/* The tests below need the manifest; say why it is missing. */
static void need_manifest(void)
{
	if (manifest_error[0])
		fail_msg("%s", manifest_error);
}

static void test_manifest(void **state)
{
	/* Every class a malformed file can provoke without a verifier. */
	static const int required[] = {
		VIGIL_E_OK, VIGIL_E_TRUNCATED, VIGIL_E_MAGIC,
		VIGIL_E_FORMAT_VERSION, VIGIL_E_HEADER_SIZE, VIGIL_E_FLAGS,
		VIGIL_E_RESERVED, VIGIL_E_SCHEMA_VERSION, VIGIL_E_COMPRESSION,
		VIGIL_E_SIZE_CAP, VIGIL_E_SIZE_MISMATCH, VIGIL_E_DIGEST,
		VIGIL_E_SIG_FORMAT, VIGIL_E_ZSTD_FRAME, VIGIL_E_ZSTD_SIZE,
		VIGIL_E_ZSTD_DATA, VIGIL_E_PAYLOAD, VIGIL_E_COUNT_CAP,
		VIGIL_E_STRREF, VIGIL_E_EVENT_TYPE, VIGIL_E_FIELD,
		VIGIL_E_OPERATOR, VIGIL_E_TYPE, VIGIL_E_EXPR, VIGIL_E_DEPTH,
		VIGIL_E_COST, VIGIL_E_DUP_RULE, VIGIL_E_RULE, VIGIL_E_VALUE,
		VIGIL_E_CHANNEL_ID, VIGIL_E_MEM_CAP,
	};
	size_t i, j;

	need_manifest();
	assert_true(nentries > 0);
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		for (j = 0; j < nentries; j++)
			if (entries[j].code == required[i])
				break;
		if (j == nentries)
			fail_msg("no corpus file expects %s",
				 vigil_err_name(required[i]));
	}
	for (i = 0; i < nentries; i++)
		for (j = i + 1; j < nentries; j++)
			if (!strcmp(entries[i].name, entries[j].name))
				fail_msg("%s listed twice", entries[i].name);
}

/* Load @len bytes from a buffer of exactly that size. */
static int load_exact(const u8 *data, size_t len,
		      const struct vigil_load_opts *opts,
		      struct vigil_error *err)
{
	struct vigil_channel *ch = (void *)1;
	u8 *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, data, len);
	ret = vigil_channel_load(copy, len, opts, &ch, err);
	if (ret == VIGIL_E_OK) {
		assert_non_null(ch);
		assert_int_not_equal(ch->channel_id, 0);
		assert_true(ch->nrules >= 1);
		assert_int_equal(ch->file_size, len);
		vigil_channel_free(ch);
	} else {
		assert_null(ch);
		assert_int_equal(err->code, ret);
		assert_true(err->msg[0] != '\0');
	}
	free(copy);
	return ret;
}

static void test_expected_codes(void **state)
{
	struct vigil_error err;
	unsigned int bad = 0;
	size_t i;
	int ret;

	need_manifest();
	for (i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];

		memset(&err, 0, sizeof(err));
		ret = load_exact(e->data, e->len, NULL, &err);
		if (ret == e->code)
			continue;
		print_error("%s: expected %s, got %s at %s offset %llu: %s\n",
			    e->name, vigil_err_name(e->code),
			    vigil_err_name(ret),
			    err.in_payload ? "payload" : "file",
			    (unsigned long long)err.offset,
			    ret ? err.msg : "(loaded)");
		bad++;
	}
	if (bad)
		fail_msg("%u of %zu corpus files gave the wrong result", bad,
			 nentries);
}

static bool is_signed(const struct entry *e)
{
	return e->len >= VIGIL_SIG_MARKER_LEN &&
	       !memcmp(e->data + e->len - VIGIL_SIG_MARKER_LEN,
		       VIGIL_SIG_MARKER, VIGIL_SIG_MARKER_LEN);
}

static void test_truncation_sweep(void **state)
{
	struct vigil_error err;
	unsigned int bad = 0, files = 0;
	size_t i, n, content;
	int want, ret;

	need_manifest();
	for (i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];

		if (e->code != VIGIL_E_OK)
			continue;
		files++;
		content = 0;
		if (is_signed(e))
			content = VIGIL_CHAN_HEADER_SIZE + get_unaligned_le32(
				e->data + offsetof(struct vigil_chan_header,
						   compressed_size));
		for (n = 0; n < e->len; n++) {
			if (n < VIGIL_CHAN_HEADER_SIZE)
				want = VIGIL_E_TRUNCATED;
			else if (n == content)
				want = VIGIL_E_OK;
			else
				want = VIGIL_E_SIZE_MISMATCH;
			ret = load_exact(e->data, n, NULL, &err);
			if (ret == want)
				continue;
			if (bad++ < 20)
				print_error("%s cut to %zu bytes: expected %s, got %s: %s\n",
					    e->name, n, vigil_err_name(want),
					    vigil_err_name(ret),
					    ret ? err.msg : "(loaded)");
		}
	}
	assert_true(files > 0);
	if (bad)
		fail_msg("%u truncated files gave the wrong result", bad);
}

static void test_require_signature(void **state)
{
	const struct vigil_load_opts strict = { .require_signature = true };
	struct vigil_error err;
	unsigned int bad = 0, nsigned = 0;
	size_t i;
	int want, ret;

	need_manifest();
	for (i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];

		if (e->code != VIGIL_E_OK)
			continue;
		nsigned += is_signed(e);
		want = is_signed(e) ? VIGIL_E_OK : VIGIL_E_SIG_MISSING;
		ret = load_exact(e->data, e->len, &strict, &err);
		if (ret == want)
			continue;
		print_error("%s with a signature required: expected %s, got %s\n",
			    e->name, vigil_err_name(want), vigil_err_name(ret));
		bad++;
	}
	assert_true(nsigned > 0);
	if (bad)
		fail_msg("%u files gave the wrong result", bad);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_expected_codes),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_require_signature),
	};
	const char *env = getenv("VIGIL_CORPUS");

	if (argc > 1)
		corpus_dir = argv[1];
	else if (env && *env)
		corpus_dir = env;
	return cmocka_run_group_tests(tests, load_manifest, free_manifest);
}
