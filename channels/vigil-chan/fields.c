// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan fields: the schema's event types and their fields, as rules
 * name them.
 */
#include <getopt.h>
#include <string.h>

#include "cmds.h"
#include "loader.h"
#include "util.h"

static const char *type_text(unsigned int t)
{
	switch (t) {
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

static void print_event(unsigned int t, const struct vigil_event_desc *ev)
{
	unsigned int i;

	printf("%s (%u)\n", ev->name, t);
	for (i = 0; i < ev->nfields; i++)
		printf("\t%-14s %s\n", ev->fields[i].name,
		       type_text(ev->fields[i].type));
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
