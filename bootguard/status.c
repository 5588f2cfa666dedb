// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard status [--json]: what the bootguard knows, for people
 * and for scripts (README.md lists the JSON keys).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "fsio.h"
#include "main.h"

struct view {
	enum bg_state_status status;
	char err[256];
	struct bg_state st;
	bool have_dec;
	struct bg_decision dec;
	struct bg_set_info inst, lkg;
	bool pending;
};

static void when(int64_t t, char *buf, size_t size)
{
	time_t tt = t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct json_object *jtime(int64_t t)
{
	char buf[32];

	when(t, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *jset(const struct bg_set_info *s,
				const char *digest)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "digest", json_object_new_string(digest));
	for (i = 0; i < s->n; i++)
		json_object_array_add(a, json_object_new_string(s->names[i]));
	json_object_object_add(o, "channels", a);
	return o;
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct view *v)
{
	const struct bg_state *st = &v->st;
	struct json_object *o = json_object_new_object();
	struct json_object *tb = json_object_new_object();
	struct json_object *sets = json_object_new_object();
	struct json_object *q = json_object_new_array();
	struct json_object *f = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "state", json_object_new_string(
				       st->disabled ? "disabled" : "armed"));
	json_object_object_add(o, "state_file", json_object_new_string(
		v->status == BG_STATE_OK ? "ok" :
		v->status == BG_STATE_MISSING ? "missing" : "corrupt"));
	if (v->status == BG_STATE_CORRUPT)
		json_object_object_add(o, "state_error", jstr(v->err));
	json_object_object_add(o, "tries_left",
			       json_object_new_int(st->tries_left));
	json_object_object_add(o, "tries_max",
			       json_object_new_int(st->tries_max));
	json_object_object_add(tb, "decision", v->have_dec ?
			       jstr(v->dec.decision) : NULL);
	json_object_object_add(tb, "set", v->have_dec &&
			       v->dec.set != BG_SET_NONE ?
			       jstr(bg_set_name(v->dec.set)) : NULL);
	json_object_object_add(tb, "digest", v->have_dec && v->dec.digest[0] ?
			       jstr(v->dec.digest) : NULL);
	json_object_object_add(tb, "reason", v->have_dec ?
			       jstr(v->dec.reason) :
			       jstr("start did not run this boot"));
	json_object_object_add(o, "this_boot", tb);

	json_object_object_add(sets, "installed",
			       jset(&v->inst, v->inst.digest));
	json_object_object_add(sets, "pending", v->pending ?
			       jset(&v->inst, v->inst.digest) : NULL);
	json_object_object_add(sets, "last_known_good",
			       jset(&v->lkg, st->lkg));
	json_object_object_add(o, "sets", sets);

	for (i = 0; i < st->nquar; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "digest",
				       jstr(st->quar[i].digest));
		json_object_object_add(e, "at", jtime(st->quar[i].at));
		json_object_object_add(e, "reason", jstr(st->quar[i].reason));
		json_object_array_add(q, e);
	}
	json_object_object_add(o, "quarantined", q);

	for (i = 0; i < st->nfail; i++) {
		const struct bg_failure *fl = &st->fail[i];
		struct json_object *e = json_object_new_object();
		struct json_object *ev = json_object_new_object();

		json_object_object_add(e, "at", jtime(fl->at));
		json_object_object_add(e, "boot_id", jstr(fl->boot_id));
		json_object_object_add(e, "content",
				       jstr(bg_set_name(fl->set)));
		json_object_object_add(e, "digest", jstr(fl->digest));
		json_object_object_add(e, "counted",
				       json_object_new_boolean(fl->counted));
		json_object_object_add(ev, "source", jstr(fl->ev.source));
		json_object_object_add(ev, "file", fl->ev.file[0] ?
				       jstr(fl->ev.file) : NULL);
		json_object_object_add(ev, "summary", jstr(fl->ev.summary));
		json_object_object_add(ev, "involves_vigil",
				json_object_new_boolean(fl->ev.involves_vigil));
		json_object_object_add(e, "evidence", ev);
		json_object_array_add(f, e);
	}
	json_object_object_add(o, "failures", f);

	if (st->disabled) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "at", jtime(st->disabled_at));
		json_object_object_add(d, "reason",
				       jstr(st->disabled_reason));
		json_object_object_add(d, "failed_boots", json_object_new_int(
					       st->disabled_failed_boots));
		json_object_object_add(o, "disabled", d);
	} else {
		json_object_object_add(o, "disabled", NULL);
	}
	printf("%s\n", json_object_to_json_string_ext(o,
	       JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_set(const char *label, const struct bg_set_info *s,
		      const char *digest)
{
	unsigned int i;

	printf("  %-16s %.12s  %u channel(s)%s", label, digest, s->n,
	       s->n ? ":" : "");
	for (i = 0; i < s->n; i++)
		printf(" %s", s->names[i]);
	printf("\n");
}

static void print_human(const struct view *v)
{
	const struct bg_state *st = &v->st;
	char t[32];
	unsigned int i;

	if (v->status == BG_STATE_MISSING)
		printf("state file:   missing (first boot, or lost: the next "
		       "start rebuilds it)\n");
	else if (v->status == BG_STATE_CORRUPT)
		printf("state file:   UNREADABLE (%s): the next start "
		       "rebuilds it\n", v->err);
	if (st->disabled) {
		when(st->disabled_at, t, sizeof(t));
		printf("sensor:       DISABLED since %s: not started at boot "
		       "until \"vigil-bootguard reset\"\n", t);
		printf("  why:        %s\n", st->disabled_reason);
	} else {
		printf("sensor:       armed (started at boot)\n");
	}
	printf("tries left:   %u of %u\n", st->tries_left, st->tries_max);
	if (st->charged) {
		when(st->charge_at, t, sizeof(t));
		printf("charged:      by boot %s at %s (%s set)\n",
		       st->charge_boot_id, t, bg_set_name(st->charge_set));
	}
	if (v->have_dec)
		printf("this boot:    %s: %s\n", v->dec.decision,
		       v->dec.reason);
	else
		printf("this boot:    start did not run\n");
	printf("channel sets:\n");
	print_set("installed", &v->inst, v->inst.digest);
	if (v->pending)
		print_set("pending", &v->inst, v->inst.digest);
	else
		printf("  %-16s none\n", "pending");
	print_set("last-known-good", &v->lkg, st->lkg);
	for (i = 0; i < st->nquar; i++) {
		when(st->quar[i].at, t, sizeof(t));
		printf("  %-16s %.12s  since %s: %s\n",
		       i ? "" : "quarantined", st->quar[i].digest, t,
		       st->quar[i].reason);
	}
	if (st->nfail)
		printf("failed boots (since the last healthy boot):\n");
	for (i = 0; i < st->nfail; i++) {
		const struct bg_failure *f = &st->fail[i];

		when(f->at, t, sizeof(t));
		printf("  %s boot %s, %s set %.12s%s\n", t, f->boot_id,
		       bg_set_name(f->set), f->digest,
		       f->counted ? "" : " (not counted: unrelated)");
		printf("    evidence: %s%s%s, %s vigil: %s\n", f->ev.source,
		       f->ev.file[0] ? " evidence/" : "", f->ev.file,
		       f->ev.involves_vigil ? "involves" : "does not involve",
		       f->ev.summary);
	}
}

/**
 * bg_status() - print the status
 * @cfg: the configuration
 * @json: one JSON object instead of text
 *
 * Return: 0.
 */
int bg_status(const struct bg_config *cfg, bool json)
{
	char path[PATH_MAX], boot_id[BG_BOOT_ID_LEN + 1] = "";
	struct view *v = calloc(1, sizeof(*v));

	if (!v) {
		fprintf(stderr, "vigil-bootguard: out of memory\n");
		return 1;
	}
	v->status = bg_read_state(&v->st, v->err, sizeof(v->err));
	if (v->status != BG_STATE_OK)
		bg_state_init(&v->st, cfg->tries);
	bg_read_boot_id(boot_id);
	v->have_dec = !bg_read_decision(&v->dec) &&
		      !strcmp(v->dec.boot_id, boot_id);
	bg_rpath(path, sizeof(path), "%s", cfg->installed);
	if (bg_set_read(path, &v->inst))
		strcpy(v->inst.digest, BG_EMPTY_DIGEST);
	bg_rpath(path, sizeof(path), BG_STATE_DIR "/lkg");
	bg_set_read(path, &v->lkg);
	v->pending = strcmp(v->inst.digest, v->st.lkg) &&
		     !bg_state_quarantined(&v->st, v->inst.digest);
	if (json)
		print_json(v);
	else
		print_human(v);
	free(v);
	return 0;
}
