/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the vigil-chan unit tests (header-only, userspace).  Tests
 * run from the repository root; ct_chdir_root() gets there from the test
 * binary's path (build/san/channels/tests/test_x) when started elsewhere.
 */
#ifndef VIGIL_CHANTEST_H
#define VIGIL_CHANTEST_H

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "loader.h"

/* Where tests put files: keys, built channels, fixtures. */
#define CT_TMP	"build/tmp/channels-tests"

static inline void ct_chdir_root(const char *argv0)
{
	char *copy, *dir;
	int up;

	if (!access("channels/RULES.md", R_OK))
		return;
	copy = strdup(argv0);
	if (!copy)
		abort();
	dir = dirname(copy);
	if (chdir(dir))
		abort();
	free(copy);
	for (up = 0; up < 8 && access("channels/RULES.md", R_OK); up++) {
		if (chdir(".."))
			abort();
	}
	if (access("channels/RULES.md", R_OK)) {
		fprintf(stderr, "cannot find the repository root\n");
		exit(1);
	}
}

static inline void ct_mkdirs(void)
{
	if (system("mkdir -p " CT_TMP))
		abort();
}

/*
 * A throwaway self-signed RSA key and certificate, made once per build
 * directory with the openssl tool.  @which tells several pairs apart.
 */
static inline void ct_keys(const char *which, char *key, char *cert,
			   size_t len)
{
	char cmd[1024];

	ct_mkdirs();
	snprintf(key, len, CT_TMP "/%s.key.pem", which);
	snprintf(cert, len, CT_TMP "/%s.cert.pem", which);
	if (!access(key, R_OK) && !access(cert, R_OK))
		return;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 "
		 "-subj /CN=vigil-test-%s -keyout %s.tmp -out %s.tmp "
		 ">/dev/null 2>&1 && mv %s.tmp %s && mv %s.tmp %s",
		 which, key, cert, key, key, cert, cert);
	if (system(cmd)) {
		fprintf(stderr, "openssl could not make a test key\n");
		abort();
	}
}

static inline void ct_write(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		abort();
}

/*
 * Compile YAML text as file "t.yaml".  Returns the compiler (vc_free())
 * with its diagnostics; *payload is set on success.
 */
static inline struct vc_compiler *ct_compile(const char *yaml,
					     uint8_t **payload, size_t *len)
{
	struct vc_compiler *c = vc_new(NULL);
	struct chan_meta meta;

	*payload = NULL;
	*len = 0;
	vc_add_source(c, "t.yaml", yaml, strlen(yaml));
	if (!vc_ndiags(c))
		vc_finish(c, payload, len, &meta);
	return c;
}

/* Print a compiler's diagnostics (to make a failing test readable). */
static inline void ct_show(const struct vc_compiler *c)
{
	vc_print_diags(c, stderr);
}

#endif /* VIGIL_CHANTEST_H */
