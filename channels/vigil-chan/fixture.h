/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test fixtures (channels/RULES.md, "Fixtures"): one JSON event per line,
 * turned into struct vigil_event per the schema tables.
 */
#ifndef VCHAN_FIXTURE_H
#define VCHAN_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "loader.h"

/**
 * struct fixture - one fixture line
 * @file: the file it came from
 * @line: 1-based line number
 * @ev: the event; strings point into @obj
 * @has_expect: the line has "expect"
 * @expect: the rule ids it expects, @nexpect of them
 * @obj: the parsed line, owning the strings
 */
struct fixture {
	const char *file;
	unsigned int line;
	struct vigil_event ev;
	bool has_expect;
	uint32_t *expect;
	unsigned int nexpect;
	json_object *obj;
};

struct fixture_set {
	struct fixture *v;
	size_t n, cap;
};

/**
 * fixture_parse() - one line of a fixture file
 * @text: the line (NUL-terminated, without the newline)
 * @f: out, the fixture (@file and @line are left as they are)
 * @err: out, the reason on failure
 * @errlen: size of @err
 *
 * Return: 0, or -1.  On success release @f with fixture_release().
 */
int fixture_parse(const char *text, struct fixture *f, char *err,
		  size_t errlen);
void fixture_release(struct fixture *f);

/**
 * fixture_load() - every fixture of a file
 * @path: the file
 * @set: fixtures are appended here
 * @errors: out, a "FILE:LINE: reason" line is printed here per bad line
 *
 * Return: number of bad lines (0 when all are good), -1 if unreadable.
 */
int fixture_load(const char *path, struct fixture_set *set, FILE *errors);
void fixture_set_free(struct fixture_set *set);

#endif /* VCHAN_FIXTURE_H */
