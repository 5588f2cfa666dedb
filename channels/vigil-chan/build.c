// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan build: YAML sources to a channel file, which is written only
 * if the loader accepts it, and then atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "chanfile.h"
#include "cmds.h"
#include "loader.h"
#include "util.h"

int vc_build_channel(struct vc_compiler *c, int level, uint8_t **file,
		     size_t *len)
{
	struct vigil_channel *ch = NULL;
	struct chan_meta meta;
	struct vigil_error e;
	uint8_t *payload;
	size_t plen;
	char reason[320];
	int rc;

	*file = NULL;
	*len = 0;
	if (vc_finish(c, &payload, &plen, &meta))
		return -1;
	rc = chan_wrap(&meta, payload, plen, level, file, len);
	free(payload);
	if (rc) {
		vc_error(c, "cannot compress the payload: %s", strerror(errno));
		return -1;
	}
	memset(&e, 0, sizeof(e));
	rc = vigil_channel_load(*file, *len, NULL, &ch, &e);
	vigil_channel_free(ch);
	if (rc) {
		loader_reason(&e, reason, sizeof(reason));
		vc_error(c, "the loader rejects the written file at offset %llu: %s",
			 (unsigned long long)e.offset, reason);
		free(*file);
		*file = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

int vc_build_sources(const char *const *paths, size_t n,
		     const struct vc_opts *opts, int level, uint8_t **file,
		     size_t *len, FILE *diags)
{
	struct vc_compiler *c = vc_new(opts);
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		vc_add_file(c, paths[i]);
	rc = vc_build_channel(c, level, file, len);
	if (rc && diags)
		vc_print_diags(c, diags);
	vc_free(c);
	return rc;
}

int cmd_build(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "id", required_argument, NULL, 'i' },
		{ "version", required_argument, NULL, 'V' },
		{ "level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vc_opts o = { 0 };
	const char *out = NULL;
	int level = VC_DEFAULT_LEVEL, opt, verbose = 0;
	uint64_t v;
	uint8_t *file;
	size_t len;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+o:vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'i':
			if (parse_u64(optarg, strlen(optarg), &v) || !v ||
			    v > UINT32_MAX)
				return usage_error("build", "bad --id '%s' (1..4294967295)",
						   optarg);
			o.have_id = true;
			o.id = (uint32_t)v;
			break;
		case 'V':
			if (parse_u64(optarg, strlen(optarg), &v))
				return usage_error("build", "bad --version '%s'",
						   optarg);
			o.have_version = true;
			o.version = v;
			break;
		case 'l':
			if (parse_u64(optarg, strlen(optarg), &v) || !v ||
			    v > 22)
				return usage_error("build", "bad --level '%s' (1..22)",
						   optarg);
			level = (int)v;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout, "build");
			return VC_EXIT_OK;
		default:
			return usage_error("build", NULL);
		}
	}
	if (!out)
		return usage_error("build", "-o OUT is required");
	if (optind >= argc)
		return usage_error("build", "no source files");
	if (vc_build_sources((const char *const *)argv + optind,
			     argc - optind, &o, level, &file, &len, stderr))
		return VC_EXIT_FAIL;
	if (write_file_atomic(out, file, len)) {
		vc_err("build", "%s: %s", out, strerror(errno));
		free(file);
		return VC_EXIT_FAIL;
	}
	if (verbose)
		printf("%s: %zu bytes\n", out, len);
	free(file);
	return VC_EXIT_OK;
}
