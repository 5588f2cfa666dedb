/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-chan helpers shared by the subcommands: memory arena, growable
 * strings, files, number and address syntax, loading a channel file.
 */
#ifndef VCHAN_UTIL_H
#define VCHAN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader.h"

/* Exit codes of every subcommand. */
#define VC_EXIT_OK	0
#define VC_EXIT_FAIL	1
#define VC_EXIT_USAGE	2

/* An arena: many small zeroed allocations, freed together. */
struct arena {
	struct arena_blk *head;
};

void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

/* A growable NUL-terminated string; aborts on allocation failure. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sb_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_add(struct sbuf *b, const char *s, size_t len);
/* Append @s quoted as a JSON-ish string ("\x01" for control bytes). */
void sb_quote(struct sbuf *b, const char *s, size_t len);
void sb_free(struct sbuf *b);
/* The string so far ("" when nothing was added). */
const char *sb_str(const struct sbuf *b);

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);

/**
 * read_file() - read a whole file
 * @path: file to read
 * @max: read at most this many bytes plus one (so "too big" can be seen)
 * @buf: out, malloc()ed (with one NUL byte past the end)
 * @len: out, bytes read
 *
 * Return: 0, or -1 with errno set.
 */
int read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/**
 * write_file_atomic() - replace @path by @len bytes, or leave it alone
 *
 * Writes a temporary file in the same folder, syncs it and renames it
 * over @path.  Return: 0, or -1 with errno set.
 */
int write_file_atomic(const char *path, const void *buf, size_t len);

/**
 * parse_u64() - an unsigned number as rules write it
 *
 * Decimal, 0x hex, 0 or 0o octal; no sign, no spaces.
 * Return: 0, or -1 if @s is not such a number or overflows.
 */
int parse_u64(const char *s, size_t len, uint64_t *out);

/**
 * parse_addr() - an IPv6/IPv4 address with an optional /prefix
 * @s: text, NUL-terminated
 * @addr: out, 16 bytes; IPv4 becomes ::ffff:a.b.c.d
 * @prefix: out, prefix length over the 128 bits (IPv4 /n gives 96 + n),
 *	128 without a prefix; may be NULL when no prefix is allowed
 * @why: out, the reason on failure
 *
 * Return: 0, or -1.
 */
int parse_addr(const char *s, uint8_t addr[16], unsigned int *prefix,
	       const char **why);

/* Format a 16-byte address the way rules write it (IPv4 for ::ffff:). */
void format_addr(const uint8_t addr[16], char *out, size_t outlen);

void hex_string(const uint8_t *p, size_t len, char *out);

/**
 * loader_reason() - the reason text of a loader error
 *
 * "NAME: message", followed by "(offset in the decompressed payload)" for
 * payload offsets, as validate prints it after "FILE: offset N: ".
 */
void loader_reason(const struct vigil_error *e, char *out, size_t outlen);

/**
 * load_channel_file() - read and load a channel file
 * @path: file
 * @opts: loader options
 * @ch: out, the channel
 * @raw: out, the file bytes, if not NULL (free())
 * @raw_len: out, their length
 * @line: out, on failure: "FILE: offset N: reason"
 * @linelen: size of @line
 *
 * Return: 0, or the loader's error class (-1 if the file cannot be read).
 */
int load_channel_file(const char *path, const struct vigil_load_opts *opts,
		      struct vigil_channel **ch, uint8_t **raw,
		      size_t *raw_len, char *line, size_t linelen);

/*
 * A --cert (or --key) argument: 0 if the file can be read, else a message
 * and -1 (the caller exits with VC_EXIT_USAGE).
 */
int check_readable(const char *cmd, const char *opt, const char *path);

/* Print "vigil-chan CMD: message" to stderr. */
void vc_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VCHAN_UTIL_H */
