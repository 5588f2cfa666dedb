/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule compiler: YAML sources (channels/RULES.md) to a channel payload
 * (loader/format.h).  Every problem becomes a diagnostic with the source
 * file, line and column; a payload is only produced when there are none
 * and the loader's own payload validation accepts it.
 */
#ifndef VCHAN_COMPILE_H
#define VCHAN_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chanfile.h"

/**
 * struct vc_diag - one compile error
 * @file: source file name
 * @line: 1-based line, 0 when the error concerns the whole channel
 * @col: 1-based column, 0 when unknown
 * @msg: the message
 */
struct vc_diag {
	const char *file;
	unsigned int line, col;
	char *msg;
};

/**
 * struct vc_opts - what the command line says
 * @have_id: @id overrides channel.id of the sources
 * @id: channel id
 * @have_version: @version overrides channel.version
 * @version: content version
 */
struct vc_opts {
	bool have_id;
	uint32_t id;
	bool have_version;
	uint64_t version;
};

struct vc_compiler;

struct vc_compiler *vc_new(const struct vc_opts *opts);
void vc_free(struct vc_compiler *c);

/**
 * vc_add_file() - compile the rules of one source file
 * @c: compiler
 * @path: YAML file
 *
 * Return: 0, or -1 when diagnostics were added.
 */
int vc_add_file(struct vc_compiler *c, const char *path);

/**
 * vc_add_source() - compile rules from memory
 * @c: compiler
 * @name: file name to put in diagnostics
 * @text: YAML text
 * @len: its length
 *
 * Return: 0, or -1 when diagnostics were added.
 */
int vc_add_source(struct vc_compiler *c, const char *name, const char *text,
		  size_t len);

/**
 * vc_finish() - produce the payload of everything added
 * @c: compiler
 * @payload: out, newly allocated payload (free())
 * @len: out, its length
 * @meta: out, header fields (schema version: VIGIL_SCHEMA_VERSION)
 *
 * Checks the channel-wide rules and caps, then runs the payload through
 * vigil_payload_validate() and vigil_ruleset_compile(); a rejection is
 * reported at the source location of the record the loader names.
 *
 * Return: 0, or -1 when there are diagnostics.
 */
int vc_finish(struct vc_compiler *c, uint8_t **payload, size_t *len,
	      struct chan_meta *meta);

/* Add a channel-wide diagnostic (no line) against the first source. */
void vc_error(struct vc_compiler *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

size_t vc_ndiags(const struct vc_compiler *c);
const struct vc_diag *vc_diag(const struct vc_compiler *c, size_t i);

/* Print every diagnostic as "FILE:LINE:COL: message". */
void vc_print_diags(const struct vc_compiler *c, FILE *f);

#endif /* VCHAN_COMPILE_H */
