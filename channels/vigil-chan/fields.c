// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan fields: the schema's event types and their fields, as rules
 * name them; and the same names for other commands' messages.
 */
#include <getopt.h>
#include <string.h>

#include "cmds.h"
#include "fields.h"
#include "loader.h"
#include "util.h"

const char *ftype_name(unsigned int type)
{
	switch (type) {
	case VIGIL_FT_U64:
		return "u64";
	case VIGIL_FT_STR:
		return "str";
	case VIGIL_FT_PATH:
		return "path";
	case VIGIL_FT_ADDR:
		return "addr";
	}
	return "?";
}

void event_names(struct sbuf *b)
{
	const char *sep = "";
	unsigned int t;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		if (vigil_event_desc(t)) {
			sb_addf(b, "%s%s", sep, vigil_event_desc(t)->name);
			sep = ", ";
		}
	}
}

void field_names(const struct vigil_event_desc *ev, struct sbuf *b)
{
	unsigned int i;

	for (i = 0; i < ev->nfields; i++)
		sb_addf(b, "%s%s", i ? ", " : "", ev->fields[i].name);
}

static void print_event(unsigned int t, const struct vigil_event_desc *ev)
{
	unsigned int i;

	printf("%s (%u)\n", ev->name, t);
	for (i = 0; i < ev->nfields; i++)
		printf("\t%-14s %s\n", ev->fields[i].name,
		       ftype_name(ev->fields[i].type));
}

int cmd_fields(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct vigil_event_desc *ev;
	unsigned int t;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		if (opt != 'h')
			return usage_error("fields", NULL);
		usage(stdout, "fields");
		return VC_EXIT_OK;
	}
	if (argc - optind > 1)
		return usage_error("fields", "at most one EVENT");
	if (argc - optind == 1) {
		t = vigil_event_type_by_name(argv[optind],
					     strlen(argv[optind]));
		ev = vigil_event_desc(t);
		if (!ev) {
			vc_err("fields", "unknown event type '%s'",
			       argv[optind]);
			return VC_EXIT_FAIL;
		}
		print_event(t, ev);
		return VC_EXIT_OK;
	}
	printf("schema version %d\n", VIGIL_SCHEMA_VERSION);
	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		ev = vigil_event_desc(t);
		if (ev)
			print_event(t, ev);
	}
	return VC_EXIT_OK;
}
