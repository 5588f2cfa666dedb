// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan validate: run the loader over channel files.  One stderr line
 * per rejected file, "FILE: offset N: reason"; silence for good files.
 */
#include <getopt.h>
#include <stdbool.h>

#include "chanfile.h"
#include "cmds.h"
#include "util.h"

int cmd_validate(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "require-signature", no_argument, NULL, 'r' },
		{ "cert", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigil_load_opts lo = { 0 };
	struct vigil_channel *ch;
	bool verbose = false;
	int opt, i, ret = VC_EXIT_OK;
	char line[1024];

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			lo.require_signature = true;
			break;
		case 'c':
			lo.verify = chan_verify_openssl;
			lo.verify_ctx = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout, "validate");
			return VC_EXIT_OK;
		default:
			return usage_error("validate", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("validate", "no files");
	if (lo.verify_ctx && check_readable("validate", "--cert",
					    lo.verify_ctx))
		return VC_EXIT_USAGE;
	for (i = optind; i < argc; i++) {
		if (load_channel_file(argv[i], &lo, &ch, NULL, NULL, line,
				      sizeof(line))) {
			fprintf(stderr, "%s\n", line);
			ret = VC_EXIT_FAIL;
			continue;
		}
		if (verbose)
			printf("%s: ok: channel %u version %llu, %u rules, %s\n",
			       argv[i], ch->channel_id,
			       (unsigned long long)ch->content_version,
			       ch->nrules,
			       !ch->signed_ ? "unsigned" :
			       ch->sig_verified ? "signature verified" :
			       "signed (not verified: no --cert)");
		vigil_channel_free(ch);
	}
	return ret;
}
