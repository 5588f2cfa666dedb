// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan's manual: `vigil-chan --help` prints all of it,
 * `vigil-chan CMD --help` the part about CMD.
 */
#include <stdarg.h>
#include <string.h>

#include "cmds.h"
#include "util.h"

static const struct section {
	const char *cmd;
	const char *synopsis;
	const char *text;
} sections[] = {
	{ "build",
	  "vigil-chan build -o OUT [--id N] [--version N] [--level L] [-v] SRC.yaml...",
	  "Compile rule sources (channels/RULES.md) into one channel file.\n"
	  "Every bad rule is reported as FILE:LINE:COL: message and nothing\n"
	  "is written.  The payload and then the whole file are run through\n"
	  "the loader (the same code the kernel runs) before OUT is replaced,\n"
	  "atomically.  The sources must agree on channel.id and\n"
	  "channel.version unless --id and --version override them.\n"
	  "--level is the zstd level (1..22, default 19).\n" },
	{ "inspect",
	  "vigil-chan inspect [--json] [--cert CERT.pem] FILE",
	  "Load FILE with the loader and print it as JSON: header fields,\n"
	  "digest, whether it is signed (and verified, given --cert), and\n"
	  "every rule: id, title, event, severity, action, tags, the\n"
	  "condition as an expression, and its postfix nodes with field,\n"
	  "operator and values.  A rejected file prints the validate line\n"
	  "and exits 1.  JSON is the only format; --json is accepted.\n" },
	{ "validate",
	  "vigil-chan validate [--require-signature] [--cert CERT.pem] [-v] FILE...",
	  "Load each FILE with the loader.  Prints one line per rejected\n"
	  "file on stderr:\n"
	  "    FILE: offset N: NAME: reason\n"
	  "where NAME is the loader's error class (DIGEST, FIELD, ...).\n"
	  "Offsets count from the start of the file, except where the reason\n"
	  "ends in \"(offset in the decompressed payload)\".  An unreadable\n"
	  "file is rejected at offset 0.  Valid files print nothing unless\n"
	  "-v.  --require-signature rejects unsigned files; --cert checks\n"
	  "signatures against CERT.pem (without it a signature is only\n"
	  "checked for form).\n" },
	{ "sign",
	  "vigil-chan sign --key KEY.pem --cert CERT.pem [-o OUT] FILE",
	  "Append a detached PKCS#7 signature (SHA-256, DER, no signed\n"
	  "attributes, no certificates: what the kernel's\n"
	  "verify_pkcs7_signature() takes) over every byte of the unsigned\n"
	  "FILE.  FILE must load and be unsigned; the result is loaded and\n"
	  "verified before it replaces OUT (default: FILE).\n" },
	{ "verify",
	  "vigil-chan verify --cert CERT.pem FILE",
	  "Load FILE requiring a signature made by CERT.pem's key.  Prints\n"
	  "\"FILE: signature ok\", or the validate line on stderr.\n" },
	{ "test",
	  "vigil-chan test [--coverage] CHANNEL FIXTURES.jsonl...",
	  "Run CHANNEL (a channel file, or a .yaml source compiled in\n"
	  "memory) over fixture events, one JSON object per line:\n"
	  "    {\"event\": \"fifo\", \"fields\": {...}, \"expect\": [291001]}\n"
	  "Each line's matches are printed; a line with \"expect\" passes\n"
	  "when exactly those rules match.  An unknown key, event type or\n"
	  "field is an error naming FILE:LINE.  --coverage also requires,\n"
	  "for every rule, a fixture it matches, and for every predicate a\n"
	  "fixture where flipping that predicate alone flips the rule.\n"
	  "Ends with \"N passed, N failed\"; exits 1 if any failed.\n" },
	{ "fields",
	  "vigil-chan fields [EVENT]",
	  "List the schema's event types and their fields with types\n"
	  "(u64, str, path, addr), or those of EVENT.\n" },
};

static const char *const head =
	"NAME\n"
	"    vigil-chan - compile, inspect, validate, sign and test vigil channels\n"
	"\n"
	"SYNOPSIS\n";

static const char *const tail =
	"EXIT STATUS\n"
	"    0  success: built, valid, verified, all tests passed\n"
	"    1  failure: a rule, file, signature or test was rejected\n"
	"    2  usage error: unknown command or option, missing argument\n"
	"\n"
	"SEE ALSO\n"
	"    channels/RULES.md (rule language), loader/format.h (file format)\n";

static void print_text(FILE *f, const char *text)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fprintf(f, "        %.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

void usage(FILE *f, const char *cmd)
{
	size_t i;

	for (i = 0; cmd && i < ARRAY_SIZE(sections); i++) {
		if (!strcmp(cmd, sections[i].cmd)) {
			fprintf(f, "SYNOPSIS\n    %s\n\nDESCRIPTION\n",
				sections[i].synopsis);
			print_text(f, sections[i].text);
			fprintf(f, "\n%s", tail);
			return;
		}
	}
	fputs(head, f);
	for (i = 0; i < ARRAY_SIZE(sections); i++)
		fprintf(f, "    %s\n", sections[i].synopsis);
	fputs("    vigil-chan --help | CMD --help\n\nCOMMANDS\n", f);
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		fprintf(f, "    %s\n", sections[i].cmd);
		print_text(f, sections[i].text);
		fputc('\n', f);
	}
	fputs(tail, f);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "vigil-chan%s%s: ", cmd ? " " : "",
			cmd ? cmd : "");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Try 'vigil-chan %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return VC_EXIT_USAGE;
}
