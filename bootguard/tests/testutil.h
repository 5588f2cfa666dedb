/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the bootguard unit tests that need a scratch folder: setup()
 * makes /tmp/bg-test-XXXXXX in root[], teardown() removes it; entries()
 * counts what a folder holds.
 */
#ifndef BOOTGUARD_TESTUTIL_H
#define BOOTGUARD_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[64];

static int setup(void **unused)
{
	snprintf(root, sizeof(root), "/tmp/bg-test-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **unused)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

/* Entries in @dir but "." and ".." (0 when it does not exist). */
static unsigned int entries(const char *dir)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

#endif
