// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: find the failed boot's panic record and keep a copy.
 *
 * Records are looked for in /sys/fs/pstore (what the kernel found at this
 * boot) and under /var/lib/systemd/pstore (where systemd-pstore.service,
 * which runs before vigil-bootguard start, moves them), two folder levels
 * deep.  Only "dmesg*" files modified at or after the failed boot charged
 * its try, and a record already saved in evidence/ for another failed
 * boot (same content) is not taken again.  The best one (a BUG over a
 * panic over an Oops, then the newest) is copied to evidence/ as
 * <charge time>-<boot id prefix>-<content digest prefix>-<name>; only the
 * BG_EVIDENCE_KEEP newest copies are kept.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence.h"
#include "fsio.h"

#define MAX_RECORDS	64	/* files looked at */

struct candidate {
	char path[PATH_MAX];
	char name[BG_NAME_MAX + 1];
	int64_t mtime;
	struct bg_record_scan scan;
	char sha[BG_DIGEST_LEN + 1];
};

struct search {
	int64_t since;
	const char *evdir;
	const char *boot_id;
	unsigned int seen;
	bool found;
	struct candidate best;
};

/*
 * Was a record with this content saved for another failed boot?  (One
 * saved for this same boot, by a start that died before its commit, is
 * this boot's evidence still.)
 */
static bool saved_for_other(const char *evdir, const char *sha,
			    const char *boot_id)
{
	struct dirent *de;
	bool hit = false;
	DIR *d = opendir(evdir);

	if (!d)
		return false;
	while (!hit && (de = readdir(d))) {
		/* <12 digits>-<8 boot id>-<12 sha>-name */
		const char *b = strchr(de->d_name, '-'), *p;

		p = b ? strchr(b + 1, '-') : NULL;
		hit = p && p - b == 9 && strncmp(b + 1, boot_id, 8) &&
		      !strncmp(p + 1, sha, 12) && p[13] == '-';
	}
	closedir(d);
	return hit;
}

static void consider(struct search *s, const char *path, const char *name,
		     const struct stat *sb)
{
	struct candidate c;
	char *buf;
	size_t len;
	bool better;

	if (strncmp(name, "dmesg", 5) || sb->st_mtime < s->since ||
	    s->seen++ >= MAX_RECORDS)
		return;
	if (bg_read_file(path, BG_RECORD_MAX, &buf, &len))
		return;
	memset(&c, 0, sizeof(c));
	snprintf(c.path, sizeof(c.path), "%s", path);
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.mtime = sb->st_mtime;
	bg_record_scan(buf, len, &c.scan);
	bg_sha256_hex(buf, len, c.sha);
	free(buf);
	if (!c.scan.crash || saved_for_other(s->evdir, c.sha, s->boot_id))
		return;
	better = !s->found || c.scan.rank > s->best.scan.rank ||
		 (c.scan.rank == s->best.scan.rank &&
		  c.mtime > s->best.mtime);
	if (better) {
		s->best = c;
		s->found = true;
	}
}

/* Files in @dir, and @depth more levels of folders below it. */
static void walk(struct search *s, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &sb))
			continue;
		if (S_ISREG(sb.st_mode))
			consider(s, path, de->d_name, &sb);
		else if (S_ISDIR(sb.st_mode) && depth > 0)
			walk(s, path, depth - 1);
	}
	closedir(d);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the BG_EVIDENCE_KEEP newest saved records (names sort by time). */
static void prune(const char *evdir)
{
	char *names[256], path[PATH_MAX];
	unsigned int n = 0, i;
	struct dirent *de;
	DIR *d = opendir(evdir);

	if (!d)
		return;
	while (n < 256 && (de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		if (names[i] && i + BG_EVIDENCE_KEEP < n) {
			snprintf(path, sizeof(path), "%s/%s", evdir, names[i]);
			unlink(path);
		}
		free(names[i]);
	}
}

/**
 * bg_evidence_collect() - evidence for the boot that charged at @since
 * @root: the root folder ("" for /)
 * @state_dir: the state folder (evidence/ is made there)
 * @since: the failed boot's charge time
 * @boot_id: the failed boot's id
 * @ev: filled: source "pstore" and the saved file, or source "none"
 *
 * Return: 0, or -errno when a record was found but could not be saved
 * (@ev still describes it, with an empty file name).
 */
int bg_evidence_collect(const char *root, const char *state_dir,
			int64_t since, const char *boot_id,
			struct bg_evidence *ev)
{
	char dir[PATH_MAX], evdir[PATH_MAX], fname[BG_FILE_MAX];
	struct search *s;
	char *buf;
	size_t len;
	int err;

	memset(ev, 0, sizeof(*ev));
	snprintf(evdir, sizeof(evdir), "%s/evidence", state_dir);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->since = since;
	s->evdir = evdir;
	s->boot_id = boot_id;
	snprintf(dir, sizeof(dir), "%s/sys/fs/pstore", root);
	walk(s, dir, 0);
	snprintf(dir, sizeof(dir), "%s/var/lib/systemd/pstore", root);
	walk(s, dir, 2);
	if (!s->found) {
		strcpy(ev->source, "none");
		snprintf(ev->summary, sizeof(ev->summary),
			 "no panic record: hang, watchdog reset or power loss");
		free(s);
		return 0;
	}
	strcpy(ev->source, "pstore");
	strcpy(ev->summary, s->best.scan.summary);
	ev->involves_vigil = s->best.scan.involves_vigil;

	snprintf(fname, sizeof(fname), "%012" PRId64 "-%.8s-%.12s-%.60s",
		 since, boot_id, s->best.sha, s->best.name);
	for (char *c = fname; *c; c++)
		if (*c == ' ')
			*c = '_';
	err = bg_mkdirs(evdir);
	/* kernel logs hold addresses: root only, like dmesg_restrict */
	if (!err && chmod(evdir, 0700))
		err = -errno;
	if (!err)
		err = bg_read_file(s->best.path, BG_RECORD_MAX, &buf, &len);
	if (!err) {
		err = bg_write_atomic(evdir, fname, buf, len);
		free(buf);
	}
	if (!err) {
		snprintf(ev->file, sizeof(ev->file), "%s", fname);
		prune(evdir);
	}
	free(s);
	return err;
}
