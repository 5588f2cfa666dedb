// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: files, crash-safe writes and channel sets on disk.
 *
 * Every write that must survive a power cut goes to a temporary name, is
 * fsync()ed, renamed over the real name, and the folder is fsync()ed, so a
 * reader finds the old or the new content and nothing in between.  A set
 * (a folder) is built completely under a temporary name first and swapped
 * in with renameat2(RENAME_EXCHANGE) (or rename() when there is nothing to
 * replace).  README.md has the whole argument.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsio.h"

/**
 * bg_read_file() - read a whole (small) file
 * @path: the file
 * @max: most bytes accepted (larger: -EFBIG)
 * @buf: set to a malloc'd, NUL-terminated copy
 * @len: set to its length
 *
 * Return: 0 or -errno.
 */
int bg_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *p;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = malloc(cap);
	while (p) {
		ssize_t got;

		if (n + 1 == cap) {
			char *q = cap > max ? NULL : realloc(p, cap * 2);

			if (!q) {
				err = cap > max ? -EFBIG : -ENOMEM;
				break;
			}
			p = q;
			cap *= 2;
		}
		got = read(fd, p + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (!got)
			break;
		n += got;
		if (n > max) {
			err = -EFBIG;
			break;
		}
	}
	close(fd);
	if (!p)
		return -ENOMEM;
	if (err) {
		free(p);
		return err;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

/* The first line of a file, without the newline (sysfs, procfs). */
int bg_read_line(const char *path, char *out, size_t size)
{
	char *buf, *nl;
	size_t len;
	int ret;

	ret = bg_read_file(path, 64 << 10, &buf, &len);
	if (ret)
		return ret;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (strlen(buf) >= size) {
		free(buf);
		return -EOVERFLOW;
	}
	strcpy(out, buf);
	free(buf);
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/* Plain write (sysfs attributes): one write() call, as sysfs wants. */
int bg_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int bg_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

/* Create the file @path with @buf, fsync()ed when @durable. */
static int write_file(const char *path, const void *buf, size_t len,
		      bool durable)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, buf, len);
	if (!err && durable && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/**
 * bg_write_atomic() - replace @dir/@name with @buf, crash-safely
 * @dir: the folder (exists)
 * @name: the file
 * @buf: the content
 * @len: its length
 *
 * Writes @dir/.@name.tmp, fsync()s it, renames it over @name and fsync()s
 * @dir.  After a crash at any point @name holds the old or the new content.
 *
 * Return: 0 or -errno (the old content is then still in place).
 */
int bg_write_atomic(const char *dir, const char *name, const void *buf,
		    size_t len)
{
	return bg_write_replace(dir, name, buf, len, true);
}

/**
 * bg_write_replace() - bg_write_atomic(), durable or not
 * @dir: the folder (exists)
 * @name: the file
 * @buf: the content
 * @len: its length
 * @durable: fsync() the file and the folder; without, readers still see
 *	the old or the new content, but a power cut may lose the new one
 *	(right for /run, which a power cut empties anyway)
 *
 * Return: 0 or -errno.
 */
int bg_write_replace(const char *dir, const char *name, const void *buf,
		     size_t len, bool durable)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >=
	    (int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= (int)sizeof(dst))
		return -ENAMETOOLONG;
	err = write_file(tmp, buf, len, durable);
	if (!err && rename(tmp, dst))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	return durable ? bg_fsync_dir(dir) : 0;
}

/* mkdir -p, each new folder made durable in its parent. */
int bg_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) == 0) {
			char *slash = strrchr(buf, '/');

			if (slash && slash != buf) {
				*slash = '\0';
				bg_fsync_dir(buf);
				*slash = '/';
			}
		} else if (errno != EEXIST) {
			return -errno;
		}
		buf[i] = i < len ? '/' : '\0';
	}
	return 0;
}

/* -- channel sets ------------------------------------------------------ */

static bool name_ok(const char *s, size_t len)
{
	if (!len || len > BG_NAME_MAX || memchr(s, '/', len) ||
	    memchr(s, '\0', len))
		return false;
	return !(len == 1 && s[0] == '.') &&
	       !(len == 2 && s[0] == '.' && s[1] == '.');
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/**
 * bg_manifest_parse() - the entries of a MANIFEST, as the sensor reads it
 * @buf: its bytes
 * @len: their number
 * @names: filled with up to @max names
 * @max: room in @names
 *
 * One name per line, surrounding white space ignored, empty lines and
 * lines starting with '#' skipped, names with '/' (or "." and "..")
 * skipped as the sensor skips them.
 *
 * Return: the number of entries (at most @max).
 */
unsigned int bg_manifest_parse(const char *buf, size_t len,
			       char names[][BG_NAME_MAX + 1], unsigned int max)
{
	const char *p = buf, *end = buf + len;
	unsigned int n = 0;

	while (p < end && n < max) {
		const char *line = p, *nl = memchr(p, '\n', end - p);
		size_t l;

		p = nl ? nl + 1 : end;
		l = p - line;
		while (l && is_space(line[l - 1]))
			l--;
		while (l && is_space(*line)) {
			line++;
			l--;
		}
		if (!l || line[0] == '#' || !name_ok(line, l))
			continue;
		memcpy(names[n], line, l);
		names[n][l] = '\0';
		n++;
	}
	return n;
}

/* SHA-256 of a file, hex; -errno when it cannot be read. */
static int file_sha256(const char *path, char out[BG_DIGEST_LEN + 1])
{
	char *buf;
	size_t len;
	int ret;

	ret = bg_read_file(path, BG_FILE_MAX_SIZE, &buf, &len);
	if (ret)
		return ret;
	bg_sha256_hex(buf, len, out);
	free(buf);
	return 0;
}

/**
 * bg_set_read() - a set folder's entries and digest
 * @dir: the folder (missing, or without MANIFEST: the empty set)
 * @set: filled
 *
 * Return: 0, or -errno when MANIFEST exists but cannot be read.
 */
int bg_set_read(const char *dir, struct bg_set_info *set)
{
	char path[PATH_MAX + BG_NAME_MAX + 2];
	char sum[BG_DIGEST_LEN + 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx;
	char *buf;
	size_t len;
	unsigned int i, mdlen;
	int ret;

	memset(set, 0, sizeof(*set));
	strcpy(set->digest, BG_EMPTY_DIGEST);
	snprintf(path, sizeof(path), "%s/%s", dir, BG_MANIFEST);
	ret = bg_read_file(path, 64 << 10, &buf, &len);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret)
		return ret;
	set->exists = true;
	set->n = bg_manifest_parse(buf, len, set->names, BG_SET_MAX);
	free(buf);

	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < set->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, set->names[i]);
		if (file_sha256(path, sum)) {
			set->missing++;
			strcpy(sum, "missing");
		}
		EVP_DigestUpdate(ctx, set->names[i], strlen(set->names[i]));
		EVP_DigestUpdate(ctx, "\n", 1);
		EVP_DigestUpdate(ctx, sum, strlen(sum));
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < mdlen && 2 * i + 1 < sizeof(set->digest); i++)
		sprintf(set->digest + 2 * i, "%02x", md[i]);
	return 0;
}

/**
 * bg_set_remove() - remove a set folder (flat: files only)
 * @dir: the folder
 *
 * Return: 0 (also when it did not exist) or -errno.
 */
int bg_set_remove(const char *dir)
{
	char path[PATH_MAX + BG_NAME_MAX + 2];
	struct dirent *de;
	DIR *d;
	int err = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT && !err)
		err = -errno;
	return err;
}

/**
 * bg_set_stage() - copy a set into @parent/@stage, durably
 * @src: the set's folder
 * @set: what bg_set_read() found there
 * @parent: where to build it
 * @stage: the temporary folder's name (replaced if it exists)
 *
 * Copies the listed files (a missing one is skipped) and writes a MANIFEST
 * of their names, fsync()s each and the folder, so that after a rename the
 * copy is complete whatever happens next.
 *
 * Return: 0 or -errno.
 */
int bg_set_stage(const char *src, const struct bg_set_info *set,
		 const char *parent, const char *stage)
{
	char dir[PATH_MAX], from[PATH_MAX + BG_NAME_MAX + 2];
	char to[PATH_MAX + BG_NAME_MAX + 2];
	size_t mlen = 0;
	char *manifest;
	unsigned int i;
	int err;

	if (snprintf(dir, sizeof(dir), "%s/%s", parent, stage) >=
	    (int)sizeof(dir))
		return -ENAMETOOLONG;
	err = bg_set_remove(dir);
	if (err)
		return err;
	if (mkdir(dir, 0755))
		return -errno;
	manifest = malloc(set->n * (BG_NAME_MAX + 1) + 1);
	if (!manifest)
		return -ENOMEM;
	for (i = 0; i < set->n && !err; i++) {
		char *buf;
		size_t len;

		snprintf(from, sizeof(from), "%s/%s", src, set->names[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, set->names[i]);
		err = bg_read_file(from, BG_FILE_MAX_SIZE, &buf, &len);
		if (err == -ENOENT) {
			err = 0;
			continue;
		}
		if (err)
			break;
		err = write_file(to, buf, len, true);
		free(buf);
		mlen += sprintf(manifest + mlen, "%s\n", set->names[i]);
	}
	if (!err) {
		snprintf(to, sizeof(to), "%s/%s", dir, BG_MANIFEST);
		err = write_file(to, manifest, mlen, true);
	}
	free(manifest);
	if (!err)
		err = bg_fsync_dir(dir);
	if (!err)
		err = bg_fsync_dir(parent);
	return err;
}

/**
 * bg_set_install() - swap a staged set in under its real name
 * @parent: the folder holding both
 * @stage: the staged set (from bg_set_stage())
 * @name: the real name
 *
 * An existing @name is exchanged atomically with the stage and the old
 * copy removed; otherwise the stage is renamed.  @parent is fsync()ed.
 *
 * Return: 0 or -errno.
 */
int bg_set_install(const char *parent, const char *stage, const char *name)
{
	char from[PATH_MAX], to[PATH_MAX];
	int err;

	if (snprintf(from, sizeof(from), "%s/%s", parent, stage) >=
	    (int)sizeof(from) ||
	    snprintf(to, sizeof(to), "%s/%s", parent, name) >= (int)sizeof(to))
		return -ENAMETOOLONG;
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE)) {
		if (errno != ENOENT)
			return -errno;
		if (rename(from, to))
			return -errno;
	}
	err = bg_fsync_dir(parent);
	if (err)
		return err;
	/* after an exchange the stage holds the old set */
	return bg_set_remove(from);
}
