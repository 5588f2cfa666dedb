/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-bootguard: files, crash-safe writes and channel sets on disk.
 */
#ifndef BOOTGUARD_FSIO_H
#define BOOTGUARD_FSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

#define BG_SET_MAX	64	/* channels in a set (the sensor's limit) */
#define BG_NAME_MAX	255
#define BG_MANIFEST	"MANIFEST"
/* largest channel file copied or hashed (the sensor takes 16 MiB) */
#define BG_FILE_MAX_SIZE	(16U << 20)

/**
 * struct bg_set_info - a channel set folder
 * @exists: the folder has a MANIFEST (else: the empty set)
 * @n: entries MANIFEST lists (valid names only, as the sensor reads it)
 * @names: the entries, in order
 * @missing: how many of them cannot be read
 * @digest: SHA-256 over "NAME\nFILE-SHA256\n" for each entry, in order (an
 *	unreadable file hashes as "NAME\nmissing\n"); BG_EMPTY_DIGEST when
 *	empty
 */
struct bg_set_info {
	bool exists;
	unsigned int n;
	char names[BG_SET_MAX][BG_NAME_MAX + 1];
	unsigned int missing;
	char digest[BG_DIGEST_LEN + 1];
};

int bg_read_file(const char *path, size_t max, char **buf, size_t *len);
int bg_read_line(const char *path, char *out, size_t size);
int bg_write_file(const char *path, const void *buf, size_t len);
int bg_write_atomic(const char *dir, const char *name, const void *buf,
		    size_t len);
int bg_write_replace(const char *dir, const char *name, const void *buf,
		     size_t len, bool durable);
int bg_fsync_dir(const char *dir);
int bg_mkdirs(const char *path);

unsigned int bg_manifest_parse(const char *buf, size_t len,
			       char names[][BG_NAME_MAX + 1], unsigned int max);
int bg_set_read(const char *dir, struct bg_set_info *set);
int bg_set_stage(const char *src, const struct bg_set_info *set,
		 const char *parent, const char *stage);
int bg_set_install(const char *parent, const char *stage, const char *name);
int bg_set_remove(const char *dir);

#endif
