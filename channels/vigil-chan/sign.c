// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan sign and verify: append a PKCS#7 signature to a channel the
 * loader accepts, and check one against a certificate.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "chanfile.h"
#include "cmds.h"
#include "util.h"

int cmd_sign(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigil_load_opts lo = { 0 };
	const char *key = NULL, *cert = NULL, *out = NULL, *in;
	struct vigil_channel *ch;
	struct vigil_error e;
	char line[1024], reason[320];
	uint8_t *raw;
	size_t len;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+o:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout, "sign");
			return VC_EXIT_OK;
		default:
			return usage_error("sign", NULL);
		}
	}
	if (!key || !cert)
		return usage_error("sign", "--key and --cert are required");
	if (argc - optind != 1)
		return usage_error("sign", "expected one FILE");
	if (check_readable("sign", "--key", key) ||
	    check_readable("sign", "--cert", cert))
		return VC_EXIT_USAGE;
	in = argv[optind];
	if (!out)
		out = in;
	if (load_channel_file(in, NULL, &ch, &raw, &len, line, sizeof(line))) {
		fprintf(stderr, "%s\n", line);
		return VC_EXIT_FAIL;
	}
	rc = ch->signed_;
	vigil_channel_free(ch);
	if (rc) {
		vc_err("sign", "%s is already signed", in);
		free(raw);
		return VC_EXIT_FAIL;
	}
	if (chan_sign(&raw, &len, key, cert, line, sizeof(line))) {
		vc_err("sign", "%s", line);
		free(raw);
		return VC_EXIT_FAIL;
	}
	/* never write what the loader would not take with this certificate */
	lo.require_signature = true;
	lo.verify = chan_verify_openssl;
	lo.verify_ctx = (void *)cert;
	memset(&e, 0, sizeof(e));
	rc = vigil_channel_load(raw, len, &lo, &ch, &e);
	vigil_channel_free(ch);
	if (rc) {
		loader_reason(&e, reason, sizeof(reason));
		vc_err("sign", "the signed file does not load: offset %llu: %s",
		       (unsigned long long)e.offset, reason);
		free(raw);
		return VC_EXIT_FAIL;
	}
	if (write_file_atomic(out, raw, len)) {
		vc_err("sign", "%s: %s", out, strerror(errno));
		free(raw);
		return VC_EXIT_FAIL;
	}
	free(raw);
	return VC_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigil_load_opts lo = { .require_signature = true,
				      .verify = chan_verify_openssl };
	struct vigil_channel *ch;
	char line[1024];
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			lo.verify_ctx = optarg;
			break;
		case 'h':
			usage(stdout, "verify");
			return VC_EXIT_OK;
		default:
			return usage_error("verify", NULL);
		}
	}
	if (!lo.verify_ctx)
		return usage_error("verify", "--cert is required");
	if (argc - optind != 1)
		return usage_error("verify", "expected one FILE");
	if (check_readable("verify", "--cert", lo.verify_ctx))
		return VC_EXIT_USAGE;
	if (load_channel_file(argv[optind], &lo, &ch, NULL, NULL, line,
			      sizeof(line))) {
		fprintf(stderr, "%s\n", line);
		return VC_EXIT_FAIL;
	}
	if (!ch->sig_verified) {
		/* the loader must have used our verifier; be explicit */
		vigil_channel_free(ch);
		fprintf(stderr, "%s: offset 0: signature was not verified\n",
			argv[optind]);
		return VC_EXIT_FAIL;
	}
	vigil_channel_free(ch);
	printf("%s: signature ok\n", argv[optind]);
	return VC_EXIT_OK;
}
