// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: boot-counted start of the vigil sensor.
 *
 *   vigil-bootguard [--root DIR] [--config FILE] COMMAND
 *	start [--no-load]	early boot: charge a try, start the sensor
 *	check			health check for boot-complete.target
 *	bless			give the try back after a healthy boot
 *	status [--json]		what the bootguard knows
 *	reset			the operator re-arms a disabled sensor
 *
 * This file gathers the inputs, calls the pure decisions in decide.c and
 * carries them out.  README.md in this folder explains the design.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <libkmod.h>
#include <systemd/sd-journal.h>

#include "decide.h"
#include "evidence.h"
#include "fsio.h"
#include "main.h"

#define STATE_DIR	BG_STATE_DIR
#define RUN_DIR		"/run/vigil/bootguard"
#define CONFIG_FILE	"/etc/vigil/bootguard.conf"
#define SYS_VIGIL	"/sys/kernel/vigil"
#define SYS_PARAMS	"/sys/module/vigil/parameters"
#define LKG_NEW		"lkg.new"

/* --root, without a trailing slash ("" for /) */
static const char *root = "";
static const char *config_path;
static bool use_journal;
static struct timespec t_main;	/* for VIGIL_BOOTGUARD_TIMING */

/* A path under --root. */
void bg_rpath(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(out, size, "%s", root);
	va_start(ap, fmt);
	vsnprintf(out + n, size - n, fmt, ap);
	va_end(ap);
}

static void emit(const char *id, int prio, const char *text)
{
	bool sent = false;

	if (use_journal) {
		if (id)
			sent = sd_journal_send("MESSAGE=%s", text,
					       "MESSAGE_ID=%s", id,
					       "PRIORITY=%i", prio,
					       "SYSLOG_IDENTIFIER=vigil-bootguard",
					       NULL) >= 0;
		else
			sent = sd_journal_send("MESSAGE=%s", text,
					       "PRIORITY=%i", prio,
					       "SYSLOG_IDENTIFIER=vigil-bootguard",
					       NULL) >= 0;
	}
	/* under systemd stderr goes to the journal: no second copy */
	if (!sent || !getenv("JOURNAL_STREAM"))
		fprintf(stderr, "vigil-bootguard: %s\n", text);
}

static void emit_all(const struct bg_msgs *msgs)
{
	unsigned int i;

	for (i = 0; i < msgs->n; i++)
		emit(msgs->m[i].id, msgs->m[i].prio, msgs->m[i].text);
}

static void __attribute__((format(printf, 3, 4)))
emitf(const char *id, int prio, const char *fmt, ...)
{
	char text[BG_MSG_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	emit(id, prio, text);
}

/*
 * Test-only crash points: with VIGIL_BOOTGUARD_CRASH_AT=NAME the process
 * dies at that step as if the power had been cut (tests/cli.sh checks what
 * the next boot makes of it).  Names: start-evidence, start-quarantine,
 * start-commit, start-load, bless-stage, bless-commit.
 */
static void crash_point(const char *name)
{
	const char *want = getenv("VIGIL_BOOTGUARD_CRASH_AT");

	if (want && !strcmp(want, name)) {
		fprintf(stderr, "vigil-bootguard: crash point %s\n", name);
		_exit(137);
	}
}

/*
 * start, bless and reset read, decide and write the state: one at a time
 * (an operator's reset during bless).  Without a writable state folder
 * there is nothing to protect, so no lock is no error.
 */
static void lock_state(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 8];
	int fd;

	bg_rpath(dir, sizeof(dir), BG_STATE_DIR);
	if (bg_mkdirs(dir))
		return;
	snprintf(path, sizeof(path), "%s/.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		flock(fd, LOCK_EX);	/* held until exit */
}

/* -- inputs ------------------------------------------------------------ */

static void load_config(struct bg_config *cfg)
{
	char path[PATH_MAX], err[256];
	char *buf;
	size_t len;
	int ret;

	bg_config_init(cfg);
	if (config_path)
		snprintf(path, sizeof(path), "%s", config_path);
	else
		bg_rpath(path, sizeof(path), CONFIG_FILE);
	ret = bg_read_file(path, 64 << 10, &buf, &len);
	if (ret == -ENOENT && !config_path)
		return;
	if (ret) {
		emitf(BG_MSG_STATE, BG_WARNING, "%s: %s: using the defaults",
		      path, strerror(-ret));
		return;
	}
	if (bg_config_parse(buf, len, cfg, err, sizeof(err))) {
		emitf(BG_MSG_STATE, BG_WARNING, "%s: %s: using the defaults",
		      path, err);
		bg_config_init(cfg);
	}
	free(buf);
}

static int read_boot_id(char *id)
{
	char path[PATH_MAX], buf[64];
	int ret;

	bg_rpath(path, sizeof(path), "/proc/sys/kernel/random/boot_id");
	ret = bg_read_line(path, buf, sizeof(buf));
	if (ret)
		return ret;
	if (!bg_boot_id_ok(buf))
		return -EINVAL;
	strcpy(id, buf);
	return 0;
}

/* false when the kernel command line has vigil.boot_start=0 (last wins) */
static bool read_boot_start(void)
{
	char path[PATH_MAX];
	bool on = true;
	char *buf, *tok, *save;
	size_t len;

	bg_rpath(path, sizeof(path), "/proc/cmdline");
	if (bg_read_file(path, 64 << 10, &buf, &len))
		return true;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		const char *v;

		if (strncmp(tok, "vigil.boot_start=", 17))
			continue;
		v = tok + 17;
		on = !(!strcmp(v, "0") || !strcasecmp(v, "n") ||
		       !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
		       !strcasecmp(v, "false"));
	}
	free(buf);
	return on;
}

/**
 * read_state() - the state file
 * @st: filled when it returns BG_STATE_OK
 * @err: otherwise why
 * @errsize: its size
 */
static enum bg_state_status read_state(struct bg_state *st, char *err,
				       size_t errsize)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	int ret;

	bg_rpath(path, sizeof(path), STATE_DIR "/state");
	ret = bg_read_file(path, BG_STATE_MAX_SIZE, &buf, &len);
	if (ret == -ENOENT)
		return BG_STATE_MISSING;
	if (ret) {
		snprintf(err, errsize, "%s", strerror(-ret));
		return BG_STATE_CORRUPT;
	}
	ret = bg_state_parse(buf, len, st, err, errsize);
	free(buf);
	return ret ? BG_STATE_CORRUPT : BG_STATE_OK;
}

/* Replace @rdir/@name (under --root) with @buf, which is then freed. */
static int write_in(const char *rdir, const char *name, char *buf,
		    size_t len, bool durable)
{
	char dir[PATH_MAX];
	int ret;

	if (!buf)
		return -ENOMEM;
	bg_rpath(dir, sizeof(dir), "%s", rdir);
	ret = bg_mkdirs(dir);
	if (!ret)
		ret = bg_write_replace(dir, name, buf, len, durable);
	free(buf);
	return ret;
}

static int write_state(const struct bg_state *st)
{
	size_t len = 0;
	char *buf = bg_state_format(st, &len);

	return write_in(STATE_DIR, "state", buf, len, true);
}

static void installed_dir(const struct bg_config *cfg, char *out, size_t size)
{
	bg_rpath(out, size, "%s", cfg->installed);
}

/* Folder of a set, as the sensor sees it (not under --root). */
static const char *set_dir(const struct bg_config *cfg, enum bg_set set)
{
	return set == BG_SET_PENDING ? cfg->installed : STATE_DIR "/lkg";
}

/*
 * Finish or undo an interrupted promotion (see README.md): lkg.new is
 * complete before the state names it, so it is swapped in when the state's
 * last-known-good digest is its digest, and thrown away otherwise.
 */
static void recover_lkg(const struct bg_state *st)
{
	char dir[PATH_MAX], stage[PATH_MAX + 16], lkg[PATH_MAX + 16];
	struct bg_set_info *a, *b;
	struct stat sb;

	bg_rpath(dir, sizeof(dir), STATE_DIR);
	snprintf(stage, sizeof(stage), "%s/" LKG_NEW, dir);
	if (stat(stage, &sb))
		return;
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	snprintf(lkg, sizeof(lkg), "%s/lkg", dir);
	if (a && b && !bg_set_read(stage, a) && !bg_set_read(lkg, b) &&
	    !strcmp(a->digest, st->lkg) && strcmp(b->digest, st->lkg)) {
		if (!bg_set_install(dir, LKG_NEW, "lkg"))
			emitf(BG_MSG_STATE, BG_NOTICE, "finished promoting "
			      "the last-known-good set interrupted earlier");
	} else {
		bg_set_remove(stage);
	}
	free(a);
	free(b);
}

/* digests of quarantine/<digest>/ folders, for rebuilding the state */
static unsigned int list_quarantine(char (*out)[BG_DIGEST_LEN + 1],
				    unsigned int max)
{
	char dir[PATH_MAX];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	bg_rpath(dir, sizeof(dir), STATE_DIR "/quarantine");
	d = opendir(dir);
	if (!d)
		return 0;
	while (n < max && (de = readdir(d)))
		if (bg_digest_ok(de->d_name))
			strcpy(out[n++], de->d_name);
	closedir(d);
	return n;
}

/* -- the sensor -------------------------------------------------------- */

enum load_result { LOAD_OK, LOAD_MISSING, LOAD_FAILED };

static enum load_result load_builtin(const char *dir, char *why, size_t size)
{
	char path[PATH_MAX];
	int ret;

	bg_rpath(path, sizeof(path), SYS_PARAMS "/channels_dir");
	ret = bg_write_file(path, dir, strlen(dir));
	if (ret) {
		snprintf(why, size, "writing %s: %s", path, strerror(-ret));
		return LOAD_FAILED;
	}
	bg_rpath(path, sizeof(path), SYS_VIGIL "/armed");
	ret = bg_write_file(path, "1", 1);
	if (ret) {
		snprintf(why, size, "arming through %s: %s", path,
			 strerror(-ret));
		return LOAD_FAILED;
	}
	snprintf(why, size, "built-in sensor armed");
	return LOAD_OK;
}

static enum load_result load_module(const struct bg_config *cfg,
				    const char *dir, char *why, size_t size)
{
	char moddir[PATH_MAX], confs[4][PATH_MAX], opts[PATH_MAX + 32];
	const char *confv[5];
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	struct utsname u;
	enum load_result res = LOAD_OK;
	int ret = 0, i;

	if (*root) {
		static const char *const d[] = {
			"/etc/modprobe.d", "/run/modprobe.d",
			"/usr/local/lib/modprobe.d", "/lib/modprobe.d",
		};

		uname(&u);
		bg_rpath(moddir, sizeof(moddir), "/lib/modules/%s", u.release);
		for (i = 0; i < 4; i++) {
			bg_rpath(confs[i], sizeof(confs[i]), "%s", d[i]);
			confv[i] = confs[i];
		}
		confv[4] = NULL;
		ctx = kmod_new(moddir, confv);
	} else {
		ctx = kmod_new(NULL, NULL);
	}
	if (!ctx) {
		snprintf(why, size, "libkmod: cannot start");
		return LOAD_FAILED;
	}
	ret = kmod_module_new_from_lookup(ctx, cfg->module, &list);
	if (ret < 0 || !list) {
		snprintf(why, size, "\"%s\" %s", cfg->module, ret < 0 ?
			 strerror(-ret) : "not in modules.dep");
		kmod_unref(ctx);
		return LOAD_MISSING;
	}
	snprintf(opts, sizeof(opts), "channels_dir=%s", dir);
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		ret = kmod_module_probe_insert_module(mod, 0, opts, NULL,
						      NULL, NULL);
		if (ret == -ENOENT) {
			res = LOAD_MISSING;
			snprintf(why, size, "%s: module file missing",
				 kmod_module_get_name(mod));
		} else if (ret < 0) {
			res = LOAD_FAILED;
			snprintf(why, size, "%s: %s", kmod_module_get_name(mod),
				 strerror(-ret));
		} else {
			snprintf(why, size, "module %s loaded with %s",
				 kmod_module_get_name(mod), opts);
		}
		kmod_module_unref(mod);
		break;
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return res;
}

static enum load_result load_sensor(const struct bg_config *cfg,
				    const char *dir, char *why, size_t size)
{
	char path[PATH_MAX], armed[8];

	bg_rpath(path, sizeof(path), SYS_VIGIL "/armed");
	if (!bg_read_line(path, armed, sizeof(armed))) {
		if (!strcmp(armed, "1")) {
			snprintf(why, size, "the sensor is armed already");
			return LOAD_OK;
		}
		return load_builtin(dir, why, size);
	}
	return load_module(cfg, dir, why, size);
}

static void read_sensor(struct bg_sensor *s)
{
	char path[PATH_MAX], buf[64];
	struct dirent *de;
	struct stat sb;
	DIR *d;

	memset(s, 0, sizeof(*s));
	bg_rpath(path, sizeof(path), SYS_VIGIL);
	s->present = !stat(path, &sb) && S_ISDIR(sb.st_mode);
	if (!s->present)
		return;
	bg_rpath(path, sizeof(path), SYS_VIGIL "/armed");
	s->armed = bg_read_line(path, buf, sizeof(buf)) || !strcmp(buf, "1");
	bg_rpath(path, sizeof(path), SYS_VIGIL "/counters/channels_rejected");
	if (!bg_read_line(path, buf, sizeof(buf)))
		s->rejected = strtoull(buf, NULL, 10);
	bg_rpath(path, sizeof(path), SYS_VIGIL "/channels");
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			s->active++;
	closedir(d);
}

static int read_decision(struct bg_decision *dec)
{
	char path[PATH_MAX], err[128];
	char *buf;
	size_t len;
	int ret;

	bg_rpath(path, sizeof(path), RUN_DIR "/decision");
	ret = bg_read_file(path, 64 << 10, &buf, &len);
	if (ret)
		return ret;
	ret = bg_decision_parse(buf, len, dec, err, sizeof(err));
	free(buf);
	if (ret)
		emitf(NULL, BG_WARNING, "%s: %s", path, err);
	return ret;
}

static int write_decision(const struct bg_decision *dec)
{
	size_t len = 0;
	char *buf = bg_decision_format(dec, &len);

	/* /run is gone at the next boot anyway: atomic, not durable */
	return write_in(RUN_DIR, "decision", buf, len, false);
}

/*
 * The health of this boot: also unhealthy when this boot charged a try but
 * left no decision (start was interrupted).
 */
static bool health(const char *boot_id, char *reason, size_t size)
{
	struct bg_decision dec;
	struct bg_sensor s;
	struct bg_state st;
	char err[256];
	bool have;

	have = !read_decision(&dec);
	if (!have && read_state(&st, err, sizeof(err)) == BG_STATE_OK &&
	    st.charged && !strcmp(st.charge_boot_id, boot_id)) {
		snprintf(reason, size, "this boot charged a try but left no "
			 "decision: start was interrupted");
		return false;
	}
	read_sensor(&s);
	return bg_health(have ? &dec : NULL, boot_id, &s, reason, size);
}

/*
 * A failed health check leaves "<boot id> <reason>" in the state folder's
 * "health" file, so that the next start can say why this boot was not
 * blessed when it left no panic record.
 */
static void write_health_note(const char *boot_id, const char *reason)
{
	char *buf = NULL;
	int n;

	n = asprintf(&buf, "%s %s\n", boot_id, reason);
	if (n < 0)
		return;
	for (char *c = buf + BG_BOOT_ID_LEN + 1; *c && c[1]; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	write_in(STATE_DIR, "health", buf, n, true);
}

/* The failed boot's health note, as evidence when there is no record. */
static void read_health_note(const char *boot_id, struct bg_evidence *ev)
{
	char path[PATH_MAX], line[BG_TEXT_MAX + BG_BOOT_ID_LEN + 2];

	bg_rpath(path, sizeof(path), STATE_DIR "/health");
	if (bg_read_line(path, line, sizeof(line)) ||
	    strncmp(line, boot_id, BG_BOOT_ID_LEN) ||
	    line[BG_BOOT_ID_LEN] != ' ')
		return;
	strcpy(ev->source, "health");
	snprintf(ev->summary, sizeof(ev->summary),
		 "no panic record; the health check failed: %s",
		 line + BG_BOOT_ID_LEN + 1);
	ev->involves_vigil = true;
}

/*
 * PID 1 opens the hardware watchdog (RuntimeWatchdogSec=) at start-up, or,
 * when its driver loads later, at its next ping, up to half the timeout
 * later.  A sensor that hangs the machine before then is never reset, so
 * with watchdog_wait set, start waits (at most that long) for
 * /sys/class/watchdog/watchdog0/state to read "active".
 */
static void wait_for_watchdog(unsigned int seconds)
{
	char path[PATH_MAX], state[32];
	unsigned int waited;

	bg_rpath(path, sizeof(path), "/sys/class/watchdog/watchdog0/state");
	for (waited = 0; waited <= seconds * 10; waited++) {
		if (bg_read_line(path, state, sizeof(state))) {
			emitf(BG_MSG_START, BG_WARNING, "no hardware watchdog "
			      "(%s): a hang while the sensor starts would not "
			      "be reset", path);
			return;
		}
		if (!strcmp(state, "active")) {
			if (waited)
				emitf(BG_MSG_START, BG_INFO, "hardware watchdog "
				      "active after %u.%u s", waited / 10,
				      waited % 10);
			return;
		}
		if (waited < seconds * 10)
			usleep(100000);
	}
	emitf(BG_MSG_START, BG_WARNING, "hardware watchdog still not active "
	      "after %u s (RuntimeWatchdogSec= not set?): a hang while the "
	      "sensor starts would not be reset", seconds);
}

/* -- commands ---------------------------------------------------------- */

static int cmd_start(bool no_load)
{
	struct bg_start_in in = { 0 };
	struct bg_start_out *out;
	struct bg_state *st;
	struct bg_config cfg;
	struct bg_set_info *inst, *lkgset;
	struct bg_evidence ev;
	struct bg_decision dec = { 0 };
	char (*quar)[BG_DIGEST_LEN + 1];
	char sdir[PATH_MAX], path[PATH_MAX + 32], err[256] = "";
	char boot_id[BG_BOOT_ID_LEN + 1];
	char why[512];
	struct stat sb;
	int ret;

	out = calloc(1, sizeof(*out));
	st = calloc(1, sizeof(*st));
	inst = calloc(1, sizeof(*inst));
	lkgset = calloc(1, sizeof(*lkgset));
	quar = calloc(BG_MAX_QUARANTINE, sizeof(*quar));
	if (!out || !st || !inst || !lkgset || !quar) {
		fprintf(stderr, "vigil-bootguard: out of memory: nothing "
			"started\n");
		return 0;
	}
	load_config(&cfg);
	bg_rpath(sdir, sizeof(sdir), STATE_DIR);

	ret = read_boot_id(boot_id);
	if (ret) {
		emitf(BG_MSG_STATE, BG_ERR, "cannot read this boot's id (%s): "
		      "tries cannot be counted, so the sensor is not started",
		      strerror(-ret));
		goto out;
	}
	in.cfg = &cfg;
	in.boot_id = boot_id;
	in.now = time(NULL);
	in.boot_start = read_boot_start();

	in.status = read_state(st, err, sizeof(err));
	in.state = st;
	in.state_error = err;
	if (in.status == BG_STATE_OK) {
		recover_lkg(st);
	} else {
		snprintf(path, sizeof(path), "%s/lkg", sdir);
		in.first_boot = stat(path, &sb) != 0;
		if (bg_set_read(path, lkgset))
			strcpy(lkgset->digest, BG_EMPTY_DIGEST);
		in.lkg_dir = lkgset->digest;
		in.nquar_dirs = list_quarantine(quar, BG_MAX_QUARANTINE);
		in.quar_dirs = (const char (*)[BG_DIGEST_LEN + 1])quar;
		if (in.status == BG_STATE_CORRUPT) {
			char from[PATH_MAX + 8];

			snprintf(from, sizeof(from), "%s/state", sdir);
			snprintf(path, sizeof(path), "%s/state.corrupt", sdir);
			rename(from, path);
		}
	}
	installed_dir(&cfg, path, sizeof(path));
	if (bg_set_read(path, inst)) {
		/* an unreadable update is no update: nothing pending */
		emitf(BG_MSG_STATE, BG_WARNING, "%s/MANIFEST unreadable: "
		      "no pending content this boot", path);
		memset(inst, 0, sizeof(*inst));
		strcpy(inst->digest, in.status == BG_STATE_OK ? st->lkg :
		       BG_EMPTY_DIGEST);
	}
	in.installed = inst->digest;

	if (in.status == BG_STATE_OK && bg_stale_charge(st, boot_id)) {
		ret = bg_evidence_collect(root, sdir, st->charge_at,
					  st->charge_boot_id, &ev);
		if (ret)
			emitf(BG_MSG_STATE, BG_WARNING, "saving the panic "
			      "record: %s", strerror(-ret));
		if (!strcmp(ev.source, "none"))
			read_health_note(st->charge_boot_id, &ev);
		in.ev = &ev;
	}

	crash_point("start-evidence");
	bg_decide_start(&in, out);

	if (out->quarantine && !strcmp(out->quar_digest, inst->digest)) {
		char qdir[PATH_MAX + 16], stage[BG_DIGEST_LEN + 8];

		snprintf(qdir, sizeof(qdir), "%s/quarantine", sdir);
		snprintf(stage, sizeof(stage), ".%s.tmp", out->quar_digest);
		installed_dir(&cfg, path, sizeof(path));
		ret = bg_mkdirs(qdir);
		if (!ret)
			ret = bg_set_stage(path, inst, qdir, stage);
		if (!ret)
			ret = bg_set_install(qdir, stage, out->quar_digest);
		if (ret)
			emitf(BG_MSG_STATE, BG_WARNING, "copying the set to "
			      "quarantine/: %s (it stays quarantined)",
			      strerror(-ret));
	}
	crash_point("start-quarantine");
	/* the empty last-known-good set is a folder with an empty MANIFEST */
	snprintf(path, sizeof(path), "%s/lkg", sdir);
	if (out->load == BG_SET_LKG && stat(path, &sb) &&
	    !strcmp(out->st.lkg, BG_EMPTY_DIGEST)) {
		memset(lkgset, 0, sizeof(*lkgset));
		if (bg_mkdirs(sdir) || bg_set_stage(path, lkgset, sdir,
						    LKG_NEW) ||
		    bg_set_install(sdir, LKG_NEW, "lkg"))
			emitf(BG_MSG_STATE, BG_WARNING, "cannot create the "
			      "empty last-known-good set in %s", path);
	}

	if (out->load == BG_SET_LKG) {
		snprintf(path, sizeof(path), "%s/lkg", sdir);
		if (bg_set_read(path, lkgset) ||
		    strcmp(lkgset->digest, out->digest))
			emitf(BG_MSG_STATE, BG_WARNING, "%s does not hold the "
			      "last-known-good set (%.12s, the state names "
			      "%.12s): started with what it holds", path,
			      lkgset->digest, out->digest);
	}
	if (out->write) {
		ret = write_state(&out->st);
		if (ret)
			bg_decide_unwritable(out, strerror(-ret));
	}
	crash_point("start-commit");
	if (getenv("VIGIL_BOOTGUARD_TIMING")) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		fprintf(stderr, "timing: ready to load %ld us after main()\n",
			(t.tv_sec - t_main.tv_sec) * 1000000L +
			(t.tv_nsec - t_main.tv_nsec) / 1000);
	}

	/* in the journal before the sensor gets a chance to crash the host */
	emit_all(&out->msgs);
	out->msgs.n = 0;

	if (out->load != BG_SET_NONE && !no_load && cfg.watchdog_wait)
		wait_for_watchdog(cfg.watchdog_wait);
	if (out->load != BG_SET_NONE && !no_load) {
		switch (load_sensor(&cfg, set_dir(&cfg, out->load), why,
				    sizeof(why))) {
		case LOAD_OK:
			break;
		case LOAD_MISSING:
			bg_decide_module_missing(out, why);
			if (out->write && write_state(&out->st))
				emitf(BG_MSG_STATE, BG_WARNING, "could not "
				      "give the try back");
			break;
		case LOAD_FAILED:
			bg_decide_load_failed(out, why);
			break;
		}
	}

	crash_point("start-load");
	emit_all(&out->msgs);
	strcpy(dec.boot_id, boot_id);
	snprintf(dec.decision, sizeof(dec.decision), "%s", out->decision);
	dec.set = out->load;
	strcpy(dec.digest, out->digest);
	if (out->load != BG_SET_NONE) {
		struct bg_set_info *s = out->load == BG_SET_PENDING ?
					inst : lkgset;

		snprintf(dec.dir, sizeof(dec.dir), "%s",
			 set_dir(&cfg, out->load));
		dec.channels = s->n;
	}
	snprintf(dec.reason, sizeof(dec.reason), "%s%s", out->reason,
		 no_load && out->load != BG_SET_NONE ? " (--no-load)" : "");
	ret = write_decision(&dec);
	if (ret)
		emitf(BG_MSG_STATE, BG_WARNING, "cannot write the decision "
		      "file: %s", strerror(-ret));
	printf("start: %s: %s\n", dec.decision, dec.reason);
out:
	free(out);
	free(st);
	free(inst);
	free(lkgset);
	free(quar);
	return 0;
}

static int cmd_check(void)
{
	char boot_id[BG_BOOT_ID_LEN + 1], reason[512];
	bool ok;

	if (read_boot_id(boot_id)) {
		emitf(NULL, BG_ERR, "check: cannot read the boot id");
		return 1;
	}
	ok = health(boot_id, reason, sizeof(reason));
	if (ok) {
		printf("check: %s\n", reason);
		return 0;
	}
	emitf(NULL, BG_ERR, "check: unhealthy: %s", reason);
	write_health_note(boot_id, reason);
	return 1;
}

static int cmd_bless(void)
{
	struct bg_bless_out *out;
	struct bg_set_info *inst;
	struct bg_state st;
	struct bg_config cfg;
	char boot_id[BG_BOOT_ID_LEN + 1], reason[512], err[256];
	char sdir[PATH_MAX], path[PATH_MAX];
	enum bg_state_status status;
	bool ok;
	int ret, rc;

	load_config(&cfg);
	if (read_boot_id(boot_id)) {
		emitf(NULL, BG_ERR, "bless refused: cannot read the boot id");
		return 1;
	}
	status = read_state(&st, err, sizeof(err));
	if (status == BG_STATE_MISSING) {
		printf("bless: nothing to bless: no state\n");
		return 0;
	}
	if (status == BG_STATE_CORRUPT) {
		emitf(BG_MSG_STATE, BG_ERR, "bless refused: state file "
		      "unreadable (%s)", err);
		return 1;
	}
	recover_lkg(&st);	/* before a new lkg.new replaces an old one */
	/* a higher "tries" in the configuration applies from this bless */
	if (cfg.tries > st.tries_max)
		st.tries_max = cfg.tries;
	ok = health(boot_id, reason, sizeof(reason));
	out = calloc(1, sizeof(*out));
	inst = calloc(1, sizeof(*inst));
	if (!out || !inst) {
		free(out);
		free(inst);
		return 1;
	}
	installed_dir(&cfg, path, sizeof(path));
	if (bg_set_read(path, inst))
		strcpy(inst->digest, "unreadable");	/* matches no charge */
	bg_decide_bless(&st, boot_id, ok, reason, inst->digest, out);
	rc = out->result;
	bg_rpath(sdir, sizeof(sdir), STATE_DIR);
	if (out->promote) {
		/* stage first: the state may name it only once complete */
		ret = bg_set_stage(path, inst, sdir, LKG_NEW);
		if (ret) {
			emitf(BG_MSG_STATE, BG_ERR, "bless: cannot copy the "
			      "set to last-known-good: %s", strerror(-ret));
			out->promote = false;
			strcpy(out->st.lkg, st.lkg);
		}
	}
	crash_point("bless-stage");
	if (out->write) {
		ret = write_state(&out->st);
		if (ret) {
			emitf(BG_MSG_STATE, BG_ERR, "bless failed: cannot "
			      "write the state: %s", strerror(-ret));
			out->promote = false;
			rc = 1;
			out->msgs.n = 0;
		}
	}
	crash_point("bless-commit");
	if (out->promote) {
		ret = bg_set_install(sdir, LKG_NEW, "lkg");
		if (ret)
			emitf(BG_MSG_STATE, BG_WARNING, "bless: lkg/ not "
			      "swapped yet (%s): the next start finishes it",
			      strerror(-ret));
	}
	emit_all(&out->msgs);
	if (!rc)
		printf("bless: %s\n", out->msgs.n ?
		       out->msgs.m[out->msgs.n - 1].text : "done");
	free(out);
	free(inst);
	return rc;
}

static int cmd_reset(void)
{
	struct bg_state st, n;
	struct bg_config cfg;
	struct bg_msgs msgs = { 0 };
	char boot_id[BG_BOOT_ID_LEN + 1] = "", err[256];
	enum bg_state_status status;
	int ret;

	load_config(&cfg);
	read_boot_id(boot_id);
	status = read_state(&st, err, sizeof(err));
	if (status != BG_STATE_OK) {
		char path[PATH_MAX];
		struct bg_set_info *lkg = calloc(1, sizeof(*lkg));

		bg_state_init(&st, cfg.tries);
		bg_rpath(path, sizeof(path), STATE_DIR "/lkg");
		if (lkg && !bg_set_read(path, lkg))
			strcpy(st.lkg, lkg->digest);
		free(lkg);
		if (status == BG_STATE_CORRUPT)
			emitf(BG_MSG_STATE, BG_WARNING, "reset: the state "
			      "file was unreadable (%s): replaced", err);
	}
	bg_decide_reset(&st, &cfg, boot_id, &n, &msgs);
	ret = write_state(&n);
	if (ret) {
		emitf(BG_MSG_STATE, BG_ERR, "reset failed: cannot write the "
		      "state: %s", strerror(-ret));
		return 1;
	}
	emit_all(&msgs);
	printf("reset: armed, %u of %u tries left\n", n.tries_left,
	       n.tries_max);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil-bootguard [--root DIR] [--config FILE] COMMAND\n"
		"  start [--no-load]  charge a try and start the sensor "
		"(early boot)\n"
		"  check              health check (0 healthy, 1 not)\n"
		"  bless              give the try back after a healthy boot\n"
		"  status [--json]    state, tries, channel sets, failures\n"
		"  reset              re-arm the sensor, tries back to the "
		"maximum\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char rootbuf[PATH_MAX];
	const char *cmd;
	bool flag = false;
	int c;

	clock_gettime(CLOCK_MONOTONIC, &t_main);
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			snprintf(rootbuf, sizeof(rootbuf), "%s", optarg);
			while (rootbuf[0] && rootbuf[strlen(rootbuf) - 1] == '/')
				rootbuf[strlen(rootbuf) - 1] = '\0';
			root = rootbuf;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	if (optind < argc) {
		const char *want = !strcmp(cmd, "start") ? "--no-load" :
				   !strcmp(cmd, "status") ? "--json" : NULL;

		if (!want || strcmp(argv[optind], want) || optind + 1 < argc) {
			usage(stderr);
			return 2;
		}
		flag = true;
	}
	/* the journal only for the real root: tests must not fill it */
	use_journal = !*root;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(cmd, "start") || !strcmp(cmd, "bless") ||
	    !strcmp(cmd, "reset"))
		lock_state();
	if (!strcmp(cmd, "start"))
		return cmd_start(flag);
	if (!strcmp(cmd, "check"))
		return cmd_check();
	if (!strcmp(cmd, "bless"))
		return cmd_bless();
	if (!strcmp(cmd, "status")) {
		struct bg_config cfg;

		load_config(&cfg);
		return bg_status(&cfg, flag);
	}
	if (!strcmp(cmd, "reset"))
		return cmd_reset();
	usage(stderr);
	return 2;
}

/* Shared with status.c. */
int bg_read_state(struct bg_state *st, char *err, size_t errsize)
{
	return read_state(st, err, errsize);
}

int bg_read_decision(struct bg_decision *dec)
{
	return read_decision(dec);
}

int bg_read_boot_id(char *id)
{
	return read_boot_id(id);
}
