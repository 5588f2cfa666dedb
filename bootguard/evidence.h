/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-bootguard: panic records (pstore) as evidence of a failed boot.
 */
#ifndef BOOTGUARD_EVIDENCE_H
#define BOOTGUARD_EVIDENCE_H

#include "state.h"

#define BG_EVIDENCE_KEEP	4	/* records kept in evidence/ */
#define BG_RECORD_MAX		(1U << 20)	/* bytes read per record */

/**
 * struct bg_record_scan - what one pstore record says
 * @crash: it holds a panic, BUG or Oops line
 * @rank: 3 BUG, 2 panic, 1 Oops, 0 none (the highest is the summary)
 * @summary: the best such line, without its log prefix
 * @involves_vigil: a panic/oops/BUG line or a call trace line names vigil
 */
struct bg_record_scan {
	bool crash;
	int rank;
	char summary[BG_TEXT_MAX];
	bool involves_vigil;
};

void bg_record_scan(const char *buf, size_t len, struct bg_record_scan *out);

int bg_evidence_collect(const char *root, const char *state_dir,
			int64_t since, const char *boot_id,
			struct bg_evidence *ev);

#endif
