/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a channel file from YAML sources: compile, let the loader judge
 * the payload, wrap it, let the loader judge the whole file.
 */
#ifndef VCHAN_BUILD_H
#define VCHAN_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "compile.h"

/* zstd level of `build` unless --level says otherwise */
#define VC_DEFAULT_LEVEL	19

/**
 * vc_build_channel() - the channel file of everything added to @c
 * @c: compiler with its sources added
 * @level: zstd level
 * @file: out, the file bytes (free())
 * @len: out, their length
 *
 * The file is only returned when vigil_channel_load() accepts it.
 *
 * Return: 0, or -1 with diagnostics in @c.
 */
int vc_build_channel(struct vc_compiler *c, int level, uint8_t **file,
		     size_t *len);

/**
 * vc_build_sources() - compile YAML files into a channel file
 * @paths: source files
 * @n: their number
 * @opts: --id/--version overrides, or NULL
 * @level: zstd level
 * @file: out, the file bytes (free())
 * @len: out, their length
 * @diags: where to print diagnostics, or NULL
 *
 * Return: 0, or -1.
 */
int vc_build_sources(const char *const *paths, size_t n,
		     const struct vc_opts *opts, int level, uint8_t **file,
		     size_t *len, FILE *diags);

#endif /* VCHAN_BUILD_H */
