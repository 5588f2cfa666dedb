// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: the decisions for start, check, bless and reset, and
 * the configuration and decision files they read.  No I/O here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

void bg_msg_add(struct bg_msgs *msgs, const char *id, int prio,
		const char *fmt, ...)
{
	struct bg_msg *m;
	va_list ap;

	if (msgs->n == BG_MAX_MSGS)
		return;
	m = &msgs->m[msgs->n++];
	m->id = id;
	m->prio = prio;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
}

/* -- configuration ----------------------------------------------------- */

void bg_config_init(struct bg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tries = 3;
	cfg->count_unrelated = true;
	strcpy(cfg->module, "vigil");
	strcpy(cfg->installed, "/etc/vigil/channels");
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

static int parse_number(const char *val, unsigned int min, unsigned int max,
			unsigned int *out)
{
	char *end;
	unsigned long v;

	v = strtoul(val, &end, 10);
	if (!*val || *end || *val == '-' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int config_line(char *key, char *val, struct bg_config *cfg,
		       char *err, size_t errsize)
{
	if (!strcmp(key, "tries")) {
		if (parse_number(val, 1, BG_TRIES_MAX, &cfg->tries)) {
			snprintf(err, errsize, "tries: want 1 to %d",
				 BG_TRIES_MAX);
			return -EINVAL;
		}
	} else if (!strcmp(key, "watchdog_wait")) {
		if (parse_number(val, 0, 300, &cfg->watchdog_wait)) {
			snprintf(err, errsize, "watchdog_wait: want 0 to 300");
			return -EINVAL;
		}
	} else if (!strcmp(key, "count_unrelated_failures")) {
		if (!strcmp(val, "yes") || !strcmp(val, "true") ||
		    !strcmp(val, "1")) {
			cfg->count_unrelated = true;
		} else if (!strcmp(val, "no") || !strcmp(val, "false") ||
			   !strcmp(val, "0")) {
			cfg->count_unrelated = false;
		} else {
			snprintf(err, errsize,
				 "count_unrelated_failures: want yes or no");
			return -EINVAL;
		}
	} else if (!strcmp(key, "module")) {
		size_t i, n = strlen(val);

		for (i = 0; i < n; i++)
			if (!((val[i] >= 'a' && val[i] <= 'z') ||
			      (val[i] >= 'A' && val[i] <= 'Z') ||
			      (val[i] >= '0' && val[i] <= '9') ||
			      val[i] == '_' || val[i] == '-'))
				break;
		if (!n || i < n || n >= sizeof(cfg->module)) {
			snprintf(err, errsize, "module: not a module name");
			return -EINVAL;
		}
		strcpy(cfg->module, val);
	} else if (!strcmp(key, "installed")) {
		if (val[0] != '/' || strlen(val) >= sizeof(cfg->installed) ||
		    strchr(val, ' ')) {
			snprintf(err, errsize,
				 "installed: want an absolute path");
			return -EINVAL;
		}
		strcpy(cfg->installed, val);
	} else {
		snprintf(err, errsize, "unknown key \"%.40s\"", key);
		return -EINVAL;
	}
	return 0;
}

/*
 * Copy the next line of [*p, end) into @buf, NUL-terminated, and move *p
 * past it.  Return: 1, 0 at the end, -EINVAL when too long or binary.
 */
static int next_line(const char **p, const char *end, char *buf,
		     size_t size)
{
	const char *nl;
	size_t n;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', end - *p);
	n = (nl ? nl : end) - *p;
	if (n >= size || memchr(*p, '\0', n))
		return -EINVAL;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n + 1;
	return 1;
}

/**
 * bg_config_parse() - read bootguard.conf over the defaults in @cfg
 * @buf: the file's bytes
 * @len: their number
 * @cfg: the configuration (start from bg_config_init())
 * @err: on error, "line N: reason"
 * @errsize: its size
 *
 * Return: 0 or -EINVAL.  Keys are set as they are read, so on error @cfg
 * holds the keys before the bad line; callers use the defaults instead.
 */
int bg_config_parse(const char *buf, size_t len, struct bg_config *cfg,
		    char *err, size_t errsize)
{
	const char *p = buf, *end = buf + len;
	unsigned int line = 0;
	char tmp[1024];
	int got;

	while ((got = next_line(&p, end, tmp, sizeof(tmp)))) {
		char *key, *val, *eq, *hash;
		char why[200];

		line++;
		if (got < 0) {
			snprintf(err, errsize, "line %u: too long or binary",
				 line);
			return -EINVAL;
		}
		hash = strchr(tmp, '#');
		if (hash)
			*hash = '\0';
		key = trim(tmp);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(err, errsize, "line %u: want key = value",
				 line);
			return -EINVAL;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		if (config_line(key, val, cfg, why, sizeof(why))) {
			snprintf(err, errsize, "line %u: %s", line, why);
			return -EINVAL;
		}
	}
	return 0;
}

/* -- start ------------------------------------------------------------- */

bool bg_stale_charge(const struct bg_state *st, const char *boot_id)
{
	return st->charged && strcmp(st->charge_boot_id, boot_id);
}

static void set_reason(struct bg_start_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct bg_start_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

/* A state rebuilt from the folders after the file was lost or damaged. */
static void rebuild(const struct bg_start_in *in, struct bg_state *st)
{
	unsigned int i;

	bg_state_init(st, in->cfg->tries);
	if (in->lkg_dir && bg_digest_ok(in->lkg_dir))
		strcpy(st->lkg, in->lkg_dir);
	for (i = 0; i < in->nquar_dirs; i++)
		if (bg_digest_ok(in->quar_dirs[i]))
			bg_state_add_quarantine(st, in->quar_dirs[i], in->now,
				"found in quarantine/ when the state was rebuilt");
}

static void describe_evidence(const struct bg_evidence *ev, char *buf,
			      size_t size)
{
	if (!strcmp(ev->source, "pstore"))
		snprintf(buf, size, "panic record %s: \"%s\" (%s vigil)",
			 ev->file[0] ? ev->file : "(not saved)", ev->summary,
			 ev->involves_vigil ? "involves" : "does not involve");
	else
		snprintf(buf, size, "%s", ev->summary[0] ? ev->summary :
			 "no panic record: hang, watchdog reset or power loss");
}

/* The boot that charged the try never blessed it: record the failure. */
static void record_failure(const struct bg_start_in *in,
			   struct bg_start_out *out)
{
	struct bg_state *st = &out->st;
	struct bg_failure f;
	char evtext[BG_TEXT_MAX + BG_FILE_MAX + 64];
	bool unrelated;

	memset(&f, 0, sizeof(f));
	f.at = st->charge_at;
	strcpy(f.boot_id, st->charge_boot_id);
	f.set = st->charge_set;
	strcpy(f.digest, st->charge_digest);
	if (in->ev) {
		f.ev = *in->ev;
	} else {
		strcpy(f.ev.source, "none");
		strcpy(f.ev.summary,
		       "no panic record: hang, watchdog reset or power loss");
	}
	if (strcmp(f.ev.source, "pstore") && strcmp(f.ev.source, "health"))
		strcpy(f.ev.source, "none");
	/* only a panic record that does not name vigil proves it innocent */
	unrelated = !strcmp(f.ev.source, "pstore") && !f.ev.involves_vigil;
	f.counted = !unrelated || in->cfg->count_unrelated;
	bg_state_add_failure(st, &f);
	st->charged = false;
	out->write = true;
	describe_evidence(&f.ev, evtext, sizeof(evtext));

	if (!f.counted) {
		if (st->tries_left < st->tries_max)
			st->tries_left++;
		bg_msg_add(&out->msgs, BG_MSG_START, BG_WARNING,
			   "boot %s failed for a reason unrelated to vigil; "
			   "not counted (count_unrelated_failures=no): %s",
			   f.boot_id, evtext);
		return;
	}
	if (f.set == BG_SET_PENDING && strcmp(f.digest, st->lkg)) {
		char why[BG_TEXT_MAX];

		snprintf(why, sizeof(why), "boot %s failed with it: %s",
			 f.boot_id, f.ev.summary);
		bg_state_add_quarantine(st, f.digest, in->now, why);
		out->quarantine = true;
		strcpy(out->quar_digest, f.digest);
		bg_msg_add(&out->msgs, BG_MSG_ROLLBACK, BG_WARNING,
			   "pending channel set %.12s failed boot %s: "
			   "quarantined; rolling back to the last-known-good "
			   "set %.12s; %s", f.digest, f.boot_id, st->lkg,
			   evtext);
		return;
	}
	bg_msg_add(&out->msgs, BG_MSG_START, BG_WARNING,
		   "boot %s failed with the %s channel set %.12s (%u of %u "
		   "tries used): %s", f.boot_id, bg_set_name(f.set),
		   f.digest, st->tries_max - st->tries_left,
		   st->tries_max, evtext);
}

/*
 * Tier 2.  The reason counts the failed boots by evidence and quotes the
 * most telling one: the newest panic record naming vigil, else the newest
 * record, else the newest failed health check, else the newest failure.
 */
static void disable(const struct bg_start_in *in, struct bg_start_out *out)
{
	struct bg_state *st = &out->st;
	const struct bg_failure *key = NULL;
	unsigned int i, vigil = 0, other = 0, health = 0, none = 0;
	int score, best = 0;
	char evtext[BG_TEXT_MAX + BG_FILE_MAX + 64] = "no failure recorded";

	for (i = 0; i < st->nfail; i++) {
		const struct bg_failure *f = &st->fail[i];
		bool rec = !strcmp(f->ev.source, "pstore");

		if (!f->counted)
			continue;
		score = rec ? 2 + f->ev.involves_vigil : 0;
		if (!strcmp(f->ev.source, "health")) {
			score = 1;
			health++;
		} else if (score == 3) {
			vigil++;
		} else if (score == 2) {
			other++;
		} else {
			none++;
		}
		if (score >= best) {
			key = f;
			best = score;
		}
	}
	if (key)
		describe_evidence(&key->ev, evtext, sizeof(evtext));
	st->disabled = true;
	st->disabled_at = in->now;
	st->disabled_failed_boots = vigil + other + health + none;
	snprintf(st->disabled_reason, sizeof(st->disabled_reason),
		 "%u failed boots in a row (tries=%u: %u panicked in vigil, "
		 "%u elsewhere, %u failed the health check, %u without a "
		 "panic record); evidence: %s", st->disabled_failed_boots,
		 st->tries_max, vigil, other, health, none, evtext);
	bg_text_copy(st->disabled_reason, sizeof(st->disabled_reason),
		     st->disabled_reason);
	out->write = true;
	bg_msg_add(&out->msgs, BG_MSG_DISABLED, BG_ERR,
		   "vigil sensor disabled: boot-start registration cleared; "
		   "the host boots without it until \"vigil-bootguard "
		   "reset\". Why: %s", st->disabled_reason);
	set_reason(out, "disabled: %s", st->disabled_reason);
}

/**
 * bg_decide_start() - the early-boot decision
 * @in: the inputs
 * @out: the decision; main.c persists @out->st when @out->write and loads
 *	@out->load only after that succeeded
 */
void bg_decide_start(const struct bg_start_in *in, struct bg_start_out *out)
{
	struct bg_state *st = &out->st;
	bool recovered = false;
	enum bg_set set;
	const char *digest;

	memset(out, 0, sizeof(*out));
	out->decision = "not-loaded";

	if (in->status == BG_STATE_OK) {
		*st = *in->state;
	} else {
		rebuild(in, st);
		out->write = true;
		if (in->status == BG_STATE_CORRUPT) {
			recovered = true;
			bg_msg_add(&out->msgs, BG_MSG_STATE, BG_ERR,
				   "state file unreadable (%s): kept as "
				   "state.corrupt and rebuilt from lkg/ and "
				   "quarantine/; this boot runs the "
				   "last-known-good set", in->state_error);
		} else if (!in->first_boot) {
			recovered = true;
			bg_msg_add(&out->msgs, BG_MSG_STATE, BG_WARNING,
				   "state file missing: rebuilt from lkg/ and "
				   "quarantine/; this boot runs the "
				   "last-known-good set");
		}
	}
	/* a lower "tries" in the configuration applies at once */
	if (in->cfg->tries < st->tries_max) {
		st->tries_max = in->cfg->tries;
		if (st->tries_left + st->charged > st->tries_max)
			st->tries_left = st->tries_max - st->charged;
		out->write = true;
	}

	if (st->charged && !bg_stale_charge(st, in->boot_id)) {
		/* start ran already this boot: same set, no second charge */
		out->load = st->charge_set;
		strcpy(out->digest, st->charge_digest);
		out->decision = "loaded";
		set_reason(out, "start already ran this boot: %s set %.12s",
			   bg_set_name(out->load), out->digest);
		return;
	}
	if (st->charged)
		record_failure(in, out);

	if (st->disabled) {
		set_reason(out, "sensor disabled since %" PRId64 ": %s",
			   st->disabled_at, st->disabled_reason);
		bg_msg_add(&out->msgs, BG_MSG_START, BG_NOTICE,
			   "vigil sensor not started: %s", out->reason);
		return;
	}
	if (!st->tries_left) {
		disable(in, out);
		return;
	}
	if (!in->boot_start) {
		set_reason(out, "vigil.boot_start=0 on the kernel command "
			   "line: nothing loaded or charged this boot");
		bg_msg_add(&out->msgs, BG_MSG_START, BG_NOTICE,
			   "vigil sensor not started: %s", out->reason);
		return;
	}

	set = BG_SET_LKG;
	digest = st->lkg;
	if (!recovered && strcmp(in->installed, st->lkg) &&
	    !bg_state_quarantined(st, in->installed)) {
		set = BG_SET_PENDING;
		digest = in->installed;
	}
	st->charged = true;
	strcpy(st->charge_boot_id, in->boot_id);
	st->charge_at = in->now;
	st->charge_set = set;
	strcpy(st->charge_digest, digest);
	st->tries_left--;
	out->write = true;
	out->load = set;
	strcpy(out->digest, digest);
	out->decision = "loaded";
	set_reason(out, "%s set %.12s%s, %u of %u tries left",
		   set == BG_SET_PENDING ? "pending" : "last-known-good",
		   digest,
		   set == BG_SET_LKG && strcmp(in->installed, st->lkg) &&
		   bg_state_quarantined(st, in->installed) ?
		   " (the installed set is quarantined)" : "",
		   st->tries_left, st->tries_max);
	bg_msg_add(&out->msgs, BG_MSG_START, BG_INFO,
		   "starting the vigil sensor with the %s", out->reason);
}

/**
 * bg_decide_unwritable() - the charge could not be persisted
 * @out: start's decision, changed to load nothing
 * @why: the error
 *
 * Without a durable charge a crash of the sensor would go uncounted and
 * could repeat on every boot, so nothing is loaded.
 */
void bg_decide_unwritable(struct bg_start_out *out, const char *why)
{
	bool was_loading = out->load != BG_SET_NONE;
	struct bg_msgs *m = &out->msgs;

	/* the "starting the vigil sensor" entry: it will not start */
	if (was_loading && m->n && m->m[m->n - 1].prio == BG_INFO &&
	    m->m[m->n - 1].id && !strcmp(m->m[m->n - 1].id, BG_MSG_START))
		m->n--;
	out->load = BG_SET_NONE;
	out->decision = "not-loaded";
	out->write = false;
	set_reason(out, "state not writable (%s): no try can be charged, "
		   "so the sensor is not started", why);
	bg_msg_add(&out->msgs, BG_MSG_STATE, BG_ERR, "%s%s", out->reason,
		   was_loading ? "" : " (it was not to be started anyway)");
}

/**
 * bg_decide_module_missing() - the module is not installed
 * @out: start's decision; the try is given back and @out->write set
 * @why: libkmod's answer
 *
 * Nothing ran, so nothing can fail: the host boots and the health check
 * passes because the decision says nothing was loaded.
 */
void bg_decide_module_missing(struct bg_start_out *out, const char *why)
{
	struct bg_state *st = &out->st;

	if (st->charged) {
		st->charged = false;
		if (st->tries_left < st->tries_max)
			st->tries_left++;
		out->write = true;
	}
	out->load = BG_SET_NONE;
	out->decision = "not-loaded";
	set_reason(out, "module not found (%s): try given back, nothing "
		   "started", why);
	bg_msg_add(&out->msgs, BG_MSG_STATE, BG_ERR, "vigil sensor %s",
		   out->reason);
}

/**
 * bg_decide_load_failed() - the sensor did not start
 * @out: start's decision
 * @why: the error
 *
 * The try stays charged: the health check fails, bless does not run, and
 * the next start counts this boot as failed.
 */
void bg_decide_load_failed(struct bg_start_out *out, const char *why)
{
	out->decision = "load-failed";
	set_reason(out, "loading the %s set failed: %s",
		   bg_set_name(out->load), why);
	bg_msg_add(&out->msgs, BG_MSG_START, BG_ERR, "vigil sensor %s",
		   out->reason);
}

/* -- the decision file ------------------------------------------------- */

char *bg_decision_format(const struct bg_decision *d, size_t *len)
{
	char reason[BG_TEXT_MAX];
	char *buf = NULL;
	int n;

	bg_text_copy(reason, sizeof(reason), d->reason);
	n = asprintf(&buf, "boot_id=%s\ndecision=%s\nset=%s\ndigest=%s\n"
		     "dir=%s\nchannels=%u\nreason=%s\n", d->boot_id,
		     d->decision, bg_set_name(d->set), d->digest, d->dir,
		     d->channels, reason);
	if (n < 0)
		return NULL;
	*len = n;
	return buf;
}

static int dec_field(const char *key, char *val, struct bg_decision *d)
{
	if (!strcmp(key, "boot_id")) {
		if (!bg_boot_id_ok(val))
			return -EINVAL;
		strcpy(d->boot_id, val);
	} else if (!strcmp(key, "decision")) {
		if (strcmp(val, "loaded") && strcmp(val, "not-loaded") &&
		    strcmp(val, "load-failed"))
			return -EINVAL;
		strcpy(d->decision, val);
	} else if (!strcmp(key, "set")) {
		return bg_set_parse(val, &d->set);
	} else if (!strcmp(key, "digest")) {
		if (*val && !bg_digest_ok(val))
			return -EINVAL;
		strcpy(d->digest, val);
	} else if (!strcmp(key, "dir")) {
		if (strlen(val) >= sizeof(d->dir))
			return -EINVAL;
		strcpy(d->dir, val);
	} else if (!strcmp(key, "channels")) {
		char *end;
		unsigned long v = strtoul(val, &end, 10);

		if (!*val || *end || v > 100000)
			return -EINVAL;
		d->channels = v;
	} else if (!strcmp(key, "reason")) {
		bg_text_copy(d->reason, sizeof(d->reason), val);
	} else {
		return -EINVAL;
	}
	return 0;
}

int bg_decision_parse(const char *buf, size_t len, struct bg_decision *d,
		      char *err, size_t errsize)
{
	const char *p = buf, *end = buf + len;
	char line[PATH_MAX + 32];
	int got;

	memset(d, 0, sizeof(*d));
	while ((got = next_line(&p, end, line, sizeof(line)))) {
		char *eq;

		if (got < 0) {
			snprintf(err, errsize, "decision: line too long");
			return -EINVAL;
		}
		eq = strchr(line, '=');
		if (eq)
			*eq = '\0';
		if (!eq || dec_field(line, eq + 1, d)) {
			snprintf(err, errsize, "decision: bad line \"%.60s\"",
				 line);
			return -EINVAL;
		}
	}
	if (!d->boot_id[0] || !d->decision[0]) {
		snprintf(err, errsize, "decision: boot_id or decision missing");
		return -EINVAL;
	}
	return 0;
}

/* -- check ------------------------------------------------------------- */

/**
 * bg_health() - is this boot healthy, as far as the sensor goes?
 * @d: this boot's decision, or NULL when start did not run this boot
 * @boot_id: this boot's id
 * @s: the sensor's sysfs view
 * @reason: why (either way)
 * @size: its size
 *
 * Return: true when healthy: nothing was started by decision, or the
 * sensor is present and armed, rejected no channel and runs as many
 * channels as the chosen set's MANIFEST lists.
 */
bool bg_health(const struct bg_decision *d, const char *boot_id,
	       const struct bg_sensor *s, char *reason, size_t size)
{
	if (!d || strcmp(d->boot_id, boot_id)) {
		snprintf(reason, size, "start did not run this boot: "
			 "nothing to check");
		return true;
	}
	if (!strcmp(d->decision, "not-loaded")) {
		snprintf(reason, size, "nothing started this boot by "
			 "decision: %s", d->reason);
		return true;
	}
	if (!strcmp(d->decision, "load-failed")) {
		snprintf(reason, size, "the sensor failed to start: %s",
			 d->reason);
		return false;
	}
	if (!s->present) {
		snprintf(reason, size, "the sensor is not loaded "
			 "(/sys/kernel/vigil missing)");
		return false;
	}
	if (!s->armed) {
		snprintf(reason, size, "the sensor is loaded but not armed");
		return false;
	}
	if (s->rejected) {
		snprintf(reason, size, "the sensor rejected %" PRIu64
			 " channel(s) (counters/channels_rejected)",
			 s->rejected);
		return false;
	}
	if (s->active != d->channels) {
		snprintf(reason, size, "%u channel(s) active, the %s set "
			 "lists %u", s->active, bg_set_name(d->set),
			 d->channels);
		return false;
	}
	snprintf(reason, size, "healthy: sensor armed, %u channel(s) of the "
		 "%s set active, none rejected", s->active,
		 bg_set_name(d->set));
	return true;
}

/* -- bless and reset --------------------------------------------------- */

/**
 * bg_decide_bless() - give the try back after a proven healthy boot
 * @st: the state
 * @boot_id: this boot
 * @healthy: bg_health() said so
 * @health_reason: its reason
 * @installed: digest of the installed set now
 * @out: the decision
 */
void bg_decide_bless(const struct bg_state *st, const char *boot_id,
		     bool healthy, const char *health_reason,
		     const char *installed, struct bg_bless_out *out)
{
	struct bg_state *n = &out->st;

	memset(out, 0, sizeof(*out));
	*n = *st;
	if (!st->charged) {
		bg_msg_add(&out->msgs, NULL, BG_INFO, "nothing to bless: no "
			   "try is charged (%s)", st->disabled ?
			   "the sensor is disabled" :
			   "start charged none this boot");
		return;
	}
	if (strcmp(st->charge_boot_id, boot_id)) {
		out->result = 1;
		bg_msg_add(&out->msgs, NULL, BG_ERR, "bless refused: the "
			   "charged try belongs to boot %s, not this one",
			   st->charge_boot_id);
		return;
	}
	if (!healthy) {
		out->result = 1;
		bg_msg_add(&out->msgs, NULL, BG_ERR, "bless refused: %s",
			   health_reason);
		return;
	}
	n->charged = false;
	n->tries_left = n->tries_max;
	n->nfail = 0;
	out->write = true;
	if (st->charge_set == BG_SET_PENDING &&
	    strcmp(st->charge_digest, st->lkg)) {
		if (!strcmp(installed, st->charge_digest)) {
			strcpy(n->lkg, st->charge_digest);
			out->promote = true;
		} else {
			bg_msg_add(&out->msgs, BG_MSG_BLESSED, BG_WARNING,
				   "the installed set changed since start: "
				   "%.12s not promoted", st->charge_digest);
		}
	}
	bg_msg_add(&out->msgs, BG_MSG_BLESSED, BG_INFO,
		   "boot blessed: %u of %u tries restored; %s set %.12s%s",
		   n->tries_max, n->tries_max, bg_set_name(st->charge_set),
		   st->charge_digest,
		   out->promote ? " is now last-known-good" : "");
}

/**
 * bg_decide_reset() - the operator re-arms the sensor
 * @st: the state
 * @cfg: the configuration (tries)
 * @boot_id: this boot
 * @out: the new state: armed, tries back to the maximum (less a try
 *	charged by this boot), failures cleared, quarantine kept
 * @msgs: journal entries
 */
void bg_decide_reset(const struct bg_state *st, const struct bg_config *cfg,
		     const char *boot_id, struct bg_state *out,
		     struct bg_msgs *msgs)
{
	bool was_disabled = st->disabled;

	*out = *st;
	out->disabled = false;
	out->disabled_at = 0;
	out->disabled_failed_boots = 0;
	out->disabled_reason[0] = '\0';
	out->nfail = 0;
	out->tries_max = cfg->tries;
	/* a charge by another boot is void: that boot is not counted */
	if (out->charged && strcmp(out->charge_boot_id, boot_id))
		out->charged = false;
	out->tries_left = out->tries_max - out->charged;
	bg_msg_add(msgs, BG_MSG_RESET, BG_NOTICE,
		   "vigil sensor %s by the operator: %u tries, failures "
		   "cleared, %u quarantined set(s) kept",
		   was_disabled ? "re-armed" : "reset", out->tries_left,
		   out->nquar);
}
