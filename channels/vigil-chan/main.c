// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan: compile, inspect, validate, sign and test vigil channels.
 */
#include <string.h>

#include "cmds.h"
#include "util.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "build", cmd_build },
	{ "inspect", cmd_inspect },
	{ "validate", cmd_validate },
	{ "sign", cmd_sign },
	{ "verify", cmd_verify },
	{ "test", cmd_test },
	{ "fields", cmd_fields },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage_error(NULL, "no command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout, argc > 2 ? argv[2] : NULL);
		return VC_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	}
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
