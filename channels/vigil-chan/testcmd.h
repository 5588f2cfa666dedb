/* SPDX-License-Identifier: GPL-2.0 */
/* vigil-chan test: fixtures against a channel, with optional coverage. */
#ifndef VCHAN_TESTCMD_H
#define VCHAN_TESTCMD_H

#include <stdbool.h>
#include <stdio.h>

#include "fixture.h"
#include "loader.h"

struct test_counts {
	unsigned int passed, failed;
};

/**
 * run_fixtures() - run every fixture and, optionally, the coverage check
 * @ch: the channel
 * @set: the fixtures
 * @coverage: also prove each rule matches and each predicate is decisive
 * @out: one line per fixture, one or more per rule with @coverage
 * @tc: counts are added here: a fixture with "expect" and each rule's
 *	coverage is one test; a fixture without "expect" counts only if
 *	matching failed
 */
void run_fixtures(const struct vigil_channel *ch, const struct fixture_set *set,
	       bool coverage, FILE *out, struct test_counts *tc);

#endif /* VCHAN_TESTCMD_H */
