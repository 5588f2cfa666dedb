/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-bootguard: what main.c shares with status.c.
 */
#ifndef BOOTGUARD_MAIN_H
#define BOOTGUARD_MAIN_H

#include <stddef.h>

#include "decide.h"

#define BG_STATE_DIR	"/var/lib/vigil/bootguard"

void bg_rpath(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int bg_read_state(struct bg_state *st, char *err, size_t errsize);
int bg_read_decision(struct bg_decision *dec);
int bg_read_boot_id(char *id);
int bg_status(const struct bg_config *cfg, bool json);

#endif
