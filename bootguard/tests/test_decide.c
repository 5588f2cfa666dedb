// SPDX-License-Identifier: GPL-2.0
/*
 * The decisions of start, check, bless and reset, branch by branch, and
 * whole crash loops driven boot after boot through the pure functions:
 * first boot, healthy boot and bless, tier 1 (pending content fails:
 * quarantine, last-known-good), tier 2 (tries=N: disabled after N failed
 * boots, boot N+1 without the sensor), vigil.boot_start=0, unrelated
 * failures counted or not, the disable reason, corrupt and missing state,
 * unwritable state, missing module, load failure, bless refused, reset,
 * the configuration and decision files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decide.h"

#define PEND	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LKGD	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* A simulated host: its state on disk, its configuration, its boots. */
struct host {
	struct bg_config cfg;
	bool have_state;
	struct bg_state st;
	char boot_id[BG_BOOT_ID_LEN + 1];
	unsigned int boot;
	int64_t now;
	const char *installed;
	struct bg_evidence ev;
	bool have_ev;
	bool boot_start;
	struct bg_start_out out;
};

static void host_init(struct host *h, unsigned int tries)
{
	memset(h, 0, sizeof(*h));
	bg_config_init(&h->cfg);
	h->cfg.tries = tries;
	h->installed = BG_EMPTY_DIGEST;
	h->now = 1795000000;
	h->boot_start = true;
}

static void new_boot(struct host *h)
{
	h->boot++;
	h->now += 60;
	snprintf(h->boot_id, sizeof(h->boot_id),
		 "%08x-0000-4000-8000-%012x", h->boot, h->boot);
	h->have_ev = false;
}

/* The failed boot left a panic record. */
static void record(struct host *h, const char *summary, bool vigil)
{
	memset(&h->ev, 0, sizeof(h->ev));
	strcpy(h->ev.source, "pstore");
	strcpy(h->ev.file, "rec");
	snprintf(h->ev.summary, sizeof(h->ev.summary), "%s", summary);
	h->ev.involves_vigil = vigil;
	h->have_ev = true;
}

static const struct bg_start_out *start(struct host *h)
{
	struct bg_start_in in = {
		.cfg = &h->cfg,
		.status = h->have_state ? BG_STATE_OK : BG_STATE_MISSING,
		.state = &h->st,
		.first_boot = true,
		.boot_id = h->boot_id,
		.now = h->now,
		.boot_start = h->boot_start,
		.installed = h->installed,
		.lkg_dir = BG_EMPTY_DIGEST,
		.ev = h->have_ev ? &h->ev : NULL,
	};

	bg_decide_start(&in, &h->out);
	if (h->out.write) {		/* persisted */
		h->st = h->out.st;
		h->have_state = true;
	}
	return &h->out;
}

/* A host with nothing installed, after its first start. */
static void first_start(struct host *h, unsigned int tries)
{
	host_init(h, tries);
	new_boot(h);
	start(h);
}

static struct bg_bless_out *bless(struct host *h, bool healthy)
{
	static struct bg_bless_out out;

	bg_decide_bless(&h->st, h->boot_id, healthy, "sick", h->installed,
			&out);
	if (out.write)
		h->st = out.st;
	return &out;
}

static bool has_msg(const struct bg_msgs *m, const char *id, const char *text)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if ((!id || (m->m[i].id && !strcmp(m->m[i].id, id))) &&
		    (!text || strstr(m->m[i].text, text)))
			return true;
	return false;
}

static unsigned int count_msg(const struct bg_msgs *m, const char *id)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n; i++)
		n += m->m[i].id && !strcmp(m->m[i].id, id);
	return n;
}

static void test_first_boot_and_bless(void **unused)
{
	struct host h;
	const struct bg_start_out *o;
	struct bg_bless_out *b;

	host_init(&h, 3);
	h.installed = PEND;
	new_boot(&h);
	o = start(&h);
	assert_true(o->write);
	assert_int_equal(o->load, BG_SET_PENDING);
	assert_string_equal(o->digest, PEND);
	assert_string_equal(o->decision, "loaded");
	assert_true(h.st.charged);
	assert_int_equal(h.st.tries_left, 2);
	assert_string_equal(h.st.charge_boot_id, h.boot_id);
	assert_true(has_msg(&o->msgs, BG_MSG_START, "pending set aaaaaaaaaaaa"));
	/* a first boot is no state problem */
	assert_int_equal(count_msg(&o->msgs, BG_MSG_STATE), 0);

	b = bless(&h, true);
	assert_int_equal(b->result, 0);
	assert_true(b->promote);
	assert_false(h.st.charged);
	assert_int_equal(h.st.tries_left, 3);
	assert_string_equal(h.st.lkg, PEND);
	assert_true(has_msg(&b->msgs, BG_MSG_BLESSED, "last-known-good"));

	/* the next boot runs the same content, now last-known-good */
	new_boot(&h);
	o = start(&h);
	assert_int_equal(o->load, BG_SET_LKG);
	assert_string_equal(o->digest, PEND);
	b = bless(&h, true);
	assert_false(b->promote);
	assert_int_equal(h.st.tries_left, 3);
}

static void test_start_twice_same_boot(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	first_start(&h, 3);
	o = start(&h);
	assert_false(o->write);
	assert_int_equal(o->load, BG_SET_LKG);
	assert_int_equal(h.st.tries_left, 2);
	assert_non_null(strstr(o->reason, "already ran this boot"));
}

/* Tier 1: pending content fails a boot: quarantined, LKG next. */
static void test_tier1_rollback(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	host_init(&h, 3);
	h.installed = LKGD;
	new_boot(&h);
	start(&h);
	bless(&h, true);
	assert_string_equal(h.st.lkg, LKGD);

	h.installed = PEND;		/* new content installed */
	new_boot(&h);
	o = start(&h);
	assert_int_equal(o->load, BG_SET_PENDING);
	/* it panics */
	new_boot(&h);
	record(&h, "Kernel panic - not syncing: vigil: fault", true);
	o = start(&h);
	assert_true(o->quarantine);
	assert_string_equal(o->quar_digest, PEND);
	assert_true(bg_state_quarantined(&h.st, PEND));
	assert_int_equal(o->load, BG_SET_LKG);
	assert_string_equal(o->digest, LKGD);
	assert_true(has_msg(&o->msgs, BG_MSG_ROLLBACK, "quarantined"));
	assert_int_equal(h.st.nfail, 1);
	assert_true(h.st.fail[0].counted);
	assert_int_equal(h.st.fail[0].set, BG_SET_PENDING);
	assert_true(h.st.fail[0].ev.involves_vigil);
	assert_int_equal(h.st.tries_left, 1);	/* two boots charged */
	assert_non_null(strstr(o->reason, "quarantined"));

	/* LKG is healthy: blessed, tries back, pending stays quarantined */
	bless(&h, true);
	assert_int_equal(h.st.tries_left, 3);
	assert_int_equal(h.st.nfail, 0);
	assert_string_equal(h.st.lkg, LKGD);
	new_boot(&h);
	o = start(&h);
	assert_int_equal(o->load, BG_SET_LKG);
	assert_false(o->quarantine);
}

/*
 * Tier 2: with tries=N the sensor fails N boots in a row on LKG and boot
 * N+1 comes up without it; one "disabled" entry; later boots stay off.
 */
static void run_tier2(unsigned int tries)
{
	struct host h;
	const struct bg_start_out *o;
	unsigned int i;

	host_init(&h, tries);
	for (i = 0; i < tries; i++) {
		new_boot(&h);
		o = start(&h);
		assert_int_equal(o->load, BG_SET_LKG);
		assert_int_equal(count_msg(&o->msgs, BG_MSG_DISABLED), 0);
		assert_int_equal(h.st.tries_left, tries - 1 - i);
		/* ...and the boot dies without a record (a hang) */
	}
	new_boot(&h);
	o = start(&h);
	assert_int_equal(o->load, BG_SET_NONE);
	assert_string_equal(o->decision, "not-loaded");
	assert_true(h.st.disabled);
	assert_false(h.st.charged);
	assert_int_equal(h.st.disabled_failed_boots, tries);
	assert_int_equal(h.st.nfail, tries);
	assert_int_equal(count_msg(&o->msgs, BG_MSG_DISABLED), 1);
	assert_true(has_msg(&o->msgs, BG_MSG_DISABLED, "no panic record"));
	assert_string_equal(h.st.fail[tries - 1].ev.source, "none");

	/* later boots: still off, no second "disabled" entry */
	for (i = 0; i < 2; i++) {
		new_boot(&h);
		o = start(&h);
		assert_int_equal(o->load, BG_SET_NONE);
		assert_int_equal(count_msg(&o->msgs, BG_MSG_DISABLED), 0);
		assert_true(has_msg(&o->msgs, BG_MSG_START, "disabled"));
		assert_int_equal(h.st.nfail, tries);
	}
}

static void test_tier2_disable(void **unused)
{
	run_tier2(1);
	run_tier2(3);
	run_tier2(5);
}

/* Pending fails, then LKG fails too: both tiers in one loop. */
static void test_tier1_then_tier2(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	host_init(&h, 3);
	h.installed = PEND;
	new_boot(&h);
	o = start(&h);			/* pending, 2 left */
	assert_int_equal(o->load, BG_SET_PENDING);
	new_boot(&h);
	record(&h, "BUG: kernel NULL pointer dereference", true);
	o = start(&h);			/* quarantine, LKG, 1 left */
	assert_int_equal(o->load, BG_SET_LKG);
	new_boot(&h);
	o = start(&h);			/* LKG again, 0 left */
	assert_int_equal(o->load, BG_SET_LKG);
	assert_int_equal(h.st.tries_left, 0);
	new_boot(&h);
	o = start(&h);			/* disabled after 3 failed boots */
	assert_int_equal(o->load, BG_SET_NONE);
	assert_true(h.st.disabled);
	assert_int_equal(h.st.disabled_failed_boots, 3);
	assert_non_null(strstr(h.st.disabled_reason, "3 failed boots"));
	/* the record naming vigil is quoted, though the last boot had none */
	assert_non_null(strstr(h.st.disabled_reason, "1 panicked in vigil, "
			       "0 elsewhere, 0 failed the health check, 2 "
			       "without a panic record"));
	assert_non_null(strstr(h.st.disabled_reason,
			       "BUG: kernel NULL pointer dereference"));
	assert_true(has_msg(&o->msgs, BG_MSG_DISABLED, "(involves vigil)"));
}

/* The disable reason counts each kind of failure and quotes the best. */
static void test_disable_reason_mix(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	first_start(&h, 3);
	new_boot(&h);
	memset(&h.ev, 0, sizeof(h.ev));		/* check failed, no record */
	strcpy(h.ev.source, "health");
	strcpy(h.ev.summary, "no panic record; the health check failed: x");
	h.ev.involves_vigil = true;
	h.have_ev = true;
	start(&h);
	new_boot(&h);
	record(&h, "Kernel panic - not syncing: sysrq triggered crash", false);
	start(&h);
	new_boot(&h);				/* and a hang */
	o = start(&h);
	assert_true(h.st.disabled);
	assert_string_equal(h.st.fail[0].ev.source, "health");
	assert_non_null(strstr(h.st.disabled_reason, "0 panicked in vigil, 1 "
			       "elsewhere, 1 failed the health check, 1 "
			       "without a panic record"));
	/* a record, even one not naming vigil, says more than the others */
	assert_non_null(strstr(h.st.disabled_reason, "sysrq triggered crash"));
	assert_true(has_msg(&o->msgs, BG_MSG_DISABLED, "does not involve"));
}

static void test_boot_start_0(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	host_init(&h, 3);
	h.installed = PEND;
	new_boot(&h);
	start(&h);			/* charged, then the boot fails */
	new_boot(&h);
	h.boot_start = false;
	record(&h, "Kernel panic - not syncing: vigil: x", true);
	o = start(&h);
	/* the failure is still recorded (and pending quarantined)... */
	assert_int_equal(h.st.nfail, 1);
	assert_true(o->quarantine);
	/* ...but nothing is loaded or charged */
	assert_int_equal(o->load, BG_SET_NONE);
	assert_false(h.st.charged);
	assert_int_equal(h.st.tries_left, 2);
	assert_non_null(strstr(o->reason, "vigil.boot_start=0"));
	/* a later boot_start=0 boot changes nothing */
	new_boot(&h);
	o = start(&h);
	assert_false(o->write);
	assert_int_equal(o->load, BG_SET_NONE);
	h.boot_start = true;
	new_boot(&h);
	o = start(&h);
	assert_int_equal(o->load, BG_SET_LKG);
	assert_int_equal(h.st.nfail, 1);	/* no failure invented */
}

static void test_unrelated_counted(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	host_init(&h, 3);		/* count_unrelated_failures = yes */
	h.installed = PEND;
	new_boot(&h);
	start(&h);
	new_boot(&h);
	record(&h, "Kernel panic - not syncing: sysrq triggered crash", false);
	o = start(&h);
	assert_true(h.st.fail[0].counted);
	assert_false(h.st.fail[0].ev.involves_vigil);
	assert_true(o->quarantine);
	assert_int_equal(o->load, BG_SET_LKG);
	assert_int_equal(h.st.tries_left, 1);
}

static void test_unrelated_not_counted(void **unused)
{
	struct host h;
	const struct bg_start_out *o;
	unsigned int i;

	host_init(&h, 3);
	h.cfg.count_unrelated = false;
	h.installed = PEND;
	new_boot(&h);
	start(&h);
	/* ten unrelated panics in a row: never disabled, never quarantined */
	for (i = 0; i < 10; i++) {
		new_boot(&h);
		record(&h, "Kernel panic - not syncing: sysrq triggered crash",
		       false);
		o = start(&h);
		assert_false(o->quarantine);
		assert_int_equal(o->load, BG_SET_PENDING);
		assert_false(h.st.disabled);
		assert_int_equal(h.st.tries_left, 2);
		assert_false(h.st.fail[h.st.nfail - 1].counted);
		assert_true(has_msg(&o->msgs, BG_MSG_START, "not counted"));
	}
	/* a boot without a record (a hang) counts: nothing proves it */
	new_boot(&h);
	o = start(&h);
	assert_true(h.st.fail[h.st.nfail - 1].counted);
	assert_true(o->quarantine);
	/* a record naming vigil counts */
	new_boot(&h);
	record(&h, "BUG: soft lockup", true);
	o = start(&h);
	assert_true(h.st.fail[h.st.nfail - 1].counted);
	assert_int_equal(h.st.tries_left, 0);
	assert_int_equal(bg_state_counted_failures(&h.st), 2);
	new_boot(&h);
	o = start(&h);
	assert_true(h.st.disabled);
	assert_int_equal(h.st.disabled_failed_boots, 3);
}

static void test_corrupt_and_missing_state(void **unused)
{
	char quar[2][BG_DIGEST_LEN + 1] = { PEND, "nonsense" };
	struct bg_config cfg;
	struct bg_start_out out;
	struct bg_start_in in = {
		.cfg = &cfg,
		.status = BG_STATE_CORRUPT,
		.state_error = "line 3: checksum mismatch",
		.boot_id = "00000001-0000-4000-8000-000000000001",
		.now = 5,
		.boot_start = true,
		.installed = PEND,
		.lkg_dir = LKGD,
		.nquar_dirs = 2,
		.quar_dirs = (const char (*)[BG_DIGEST_LEN + 1])quar,
	};

	bg_config_init(&cfg);
	bg_decide_start(&in, &out);
	assert_true(out.write);
	assert_true(has_msg(&out.msgs, BG_MSG_STATE, "checksum mismatch"));
	/* rebuilt: LKG from lkg/, quarantine from quarantine/, LKG runs */
	assert_string_equal(out.st.lkg, LKGD);
	assert_int_equal(out.st.nquar, 1);
	assert_int_equal(out.load, BG_SET_LKG);
	assert_string_equal(out.digest, LKGD);
	assert_int_equal(out.st.tries_left, 2);

	/* the installed set is not quarantined: still LKG for this boot */
	in.nquar_dirs = 0;
	in.status = BG_STATE_MISSING;
	bg_decide_start(&in, &out);
	assert_true(has_msg(&out.msgs, BG_MSG_STATE, "state file missing"));
	assert_int_equal(out.load, BG_SET_LKG);

	/* a first boot (no lkg/ either) runs pending, no state message */
	in.first_boot = true;
	in.lkg_dir = BG_EMPTY_DIGEST;
	bg_decide_start(&in, &out);
	assert_int_equal(count_msg(&out.msgs, BG_MSG_STATE), 0);
	assert_int_equal(out.load, BG_SET_PENDING);
}

static void test_unwritable_state(void **unused)
{
	struct host h;
	struct bg_start_out o;

	first_start(&h, 3);
	o = h.out;
	assert_true(has_msg(&o.msgs, BG_MSG_START, "starting the vigil sensor"));
	bg_decide_unwritable(&o, "Read-only file system");
	/* no entry may say it starts: it does not */
	assert_false(has_msg(&o.msgs, BG_MSG_START, "starting"));
	assert_int_equal(o.load, BG_SET_NONE);
	assert_false(o.write);
	assert_string_equal(o.decision, "not-loaded");
	assert_true(has_msg(&o.msgs, BG_MSG_STATE, "Read-only file system"));
	assert_non_null(strstr(o.reason, "no try can be charged"));
}

static void test_module_missing(void **unused)
{
	struct host h;
	struct bg_start_out o;

	first_start(&h, 3);
	o = h.out;
	assert_true(o.st.charged);
	bg_decide_module_missing(&o, "\"vigil\" not in modules.dep");
	assert_false(o.st.charged);		/* try given back */
	assert_int_equal(o.st.tries_left, 3);
	assert_true(o.write);
	assert_int_equal(o.load, BG_SET_NONE);
	assert_string_equal(o.decision, "not-loaded");
	assert_true(has_msg(&o.msgs, BG_MSG_STATE, "module not found"));
}

static void test_load_failed(void **unused)
{
	struct host h;
	struct bg_start_out o;
	const struct bg_start_out *n;

	first_start(&h, 3);
	o = h.out;
	bg_decide_load_failed(&o, "vigil: Invalid argument");
	assert_string_equal(o.decision, "load-failed");
	assert_true(o.st.charged);		/* counts as failed */
	new_boot(&h);
	n = start(&h);
	assert_int_equal(h.st.nfail, 1);
	assert_int_equal(n->load, BG_SET_LKG);
}

static void test_bless_refused(void **unused)
{
	struct host h;
	struct bg_bless_out *b;
	char other[BG_BOOT_ID_LEN + 1];

	host_init(&h, 3);
	h.installed = PEND;
	new_boot(&h);
	start(&h);
	b = bless(&h, false);
	assert_int_equal(b->result, 1);
	assert_false(b->write);
	assert_true(has_msg(&b->msgs, NULL, "bless refused: sick"));
	assert_int_equal(h.st.tries_left, 2);

	strcpy(other, h.boot_id);
	new_boot(&h);			/* start did not run this boot */
	b = bless(&h, true);
	assert_int_equal(b->result, 1);
	assert_true(has_msg(&b->msgs, NULL, other));
	assert_string_equal(h.st.lkg, BG_EMPTY_DIGEST);

	/* nothing charged: nothing to bless, not an error */
	host_init(&h, 3);
	new_boot(&h);
	h.boot_start = false;
	start(&h);
	b = bless(&h, true);
	assert_int_equal(b->result, 0);
	assert_false(b->write);
}

static void test_bless_content_changed(void **unused)
{
	struct host h;
	struct bg_bless_out *b;

	host_init(&h, 3);
	h.installed = PEND;
	new_boot(&h);
	start(&h);
	h.installed = LKGD;		/* replaced while the boot ran */
	b = bless(&h, true);
	assert_int_equal(b->result, 0);
	assert_false(b->promote);
	assert_string_equal(h.st.lkg, BG_EMPTY_DIGEST);
	assert_int_equal(h.st.tries_left, 3);
}

static void test_reset(void **unused)
{
	struct host h;
	struct bg_state n;
	struct bg_msgs msgs = { 0 };
	unsigned int i;

	host_init(&h, 2);
	h.installed = PEND;
	for (i = 0; i < 4; i++) {
		new_boot(&h);
		start(&h);
	}
	assert_true(h.st.disabled);
	assert_int_equal(h.st.nquar, 1);
	bg_decide_reset(&h.st, &h.cfg, h.boot_id, &n, &msgs);
	assert_false(n.disabled);
	assert_int_equal(n.tries_left, 2);
	assert_int_equal(n.nfail, 0);
	assert_int_equal(n.nquar, 1);		/* quarantine kept */
	assert_true(has_msg(&msgs, BG_MSG_RESET, "re-armed"));

	/* reset during a charged boot keeps that boot's charge */
	first_start(&h, 3);
	msgs.n = 0;
	bg_decide_reset(&h.st, &h.cfg, h.boot_id, &n, &msgs);
	assert_true(n.charged);
	assert_int_equal(n.tries_left, 2);
	/* ...but voids another boot's */
	bg_decide_reset(&h.st, &h.cfg, "00000099-0000-4000-8000-000000000099",
			&n, &msgs);
	assert_false(n.charged);
	assert_int_equal(n.tries_left, 3);
}

static void test_tries_lowered(void **unused)
{
	struct host h;
	const struct bg_start_out *o;

	first_start(&h, 5);
	bless(&h, true);
	h.cfg.tries = 1;
	new_boot(&h);
	o = start(&h);
	assert_int_equal(h.st.tries_max, 1);
	assert_int_equal(h.st.tries_left, 0);
	assert_int_equal(o->load, BG_SET_LKG);
	new_boot(&h);
	o = start(&h);
	assert_true(h.st.disabled);
}

static void test_health(void **unused)
{
	const char *me = "00000001-0000-4000-8000-000000000001";
	struct bg_decision d = { 0 };
	struct bg_sensor s = { .present = true, .armed = true, .active = 3 };
	char r[256];

	assert_true(bg_health(NULL, me, &s, r, sizeof(r)));
	strcpy(d.boot_id, "00000002-0000-4000-8000-000000000002");
	strcpy(d.decision, "loaded");
	assert_true(bg_health(&d, me, &s, r, sizeof(r)));  /* stale file */
	strcpy(d.boot_id, me);
	d.set = BG_SET_PENDING;
	d.channels = 3;
	assert_true(bg_health(&d, me, &s, r, sizeof(r)));
	assert_non_null(strstr(r, "healthy"));
	s.active = 2;
	assert_false(bg_health(&d, me, &s, r, sizeof(r)));
	assert_non_null(strstr(r, "2 channel(s) active, the pending set "
			       "lists 3"));
	s.active = 3;
	s.rejected = 1;
	assert_false(bg_health(&d, me, &s, r, sizeof(r)));
	s.rejected = 0;
	s.armed = false;
	assert_false(bg_health(&d, me, &s, r, sizeof(r)));
	s.present = false;
	assert_false(bg_health(&d, me, &s, r, sizeof(r)));
	strcpy(d.decision, "not-loaded");
	assert_true(bg_health(&d, me, &s, r, sizeof(r)));
	strcpy(d.decision, "load-failed");
	assert_false(bg_health(&d, me, &s, r, sizeof(r)));
}

static void test_decision_file(void **unused)
{
	struct bg_decision a = { 0 }, b;
	char err[128], *buf;
	size_t len;

	strcpy(a.boot_id, "00000001-0000-4000-8000-000000000001");
	strcpy(a.decision, "loaded");
	a.set = BG_SET_LKG;
	strcpy(a.digest, LKGD);
	strcpy(a.dir, "/var/lib/vigil/bootguard/lkg");
	a.channels = 5;
	strcpy(a.reason, "why\nnot");
	buf = bg_decision_format(&a, &len);
	assert_int_equal(bg_decision_parse(buf, len, &b, err, sizeof(err)), 0);
	assert_string_equal(b.dir, a.dir);
	assert_int_equal(b.channels, 5);
	assert_int_equal(b.set, BG_SET_LKG);
	assert_string_equal(b.reason, "why not");
	free(buf);
	assert_int_not_equal(bg_decision_parse("decision=maybe\n", 15, &b,
					       err, sizeof(err)), 0);
	assert_int_not_equal(bg_decision_parse("set=lkg\n", 8, &b, err,
					       sizeof(err)), 0);
}

static void test_config(void **unused)
{
	static const char good[] =
		"# comment\n\n  tries = 5  # five\ncount_unrelated_failures=no\n"
		"module = vigil_test\ninstalled = /opt/vigil/channels\n"
		"watchdog_wait = 20\n";
	struct bg_config c;
	char err[200];

	bg_config_init(&c);
	assert_int_equal(c.tries, 3);
	assert_true(c.count_unrelated);
	assert_int_equal(bg_config_parse(good, strlen(good), &c, err,
					 sizeof(err)), 0);
	assert_int_equal(c.tries, 5);
	assert_false(c.count_unrelated);
	assert_string_equal(c.module, "vigil_test");
	assert_string_equal(c.installed, "/opt/vigil/channels");
	assert_int_equal(c.watchdog_wait, 20);

#define BAD(text, want) do {						\
	bg_config_init(&c);						\
	assert_int_not_equal(bg_config_parse(text, strlen(text), &c,	\
					     err, sizeof(err)), 0);	\
	assert_non_null(strstr(err, want));				\
} while (0)
	BAD("tries = 0\n", "line 1: tries: want 1 to 100");
	BAD("\ntries = 101\n", "line 2");
	BAD("tries = -1\n", "tries");
	BAD("tries = 3x\n", "tries");
	BAD("count_unrelated_failures = maybe\n", "want yes or no");
	BAD("module = ../evil\n", "not a module name");
	BAD("module =\n", "not a module name");
	BAD("installed = relative/path\n", "absolute path");
	BAD("colour = blue\n", "unknown key");
	BAD("tries\n", "want key = value");
	BAD("watchdog_wait = 301\n", "watchdog_wait: want 0 to 300");
#undef BAD
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_boot_and_bless),
		cmocka_unit_test(test_start_twice_same_boot),
		cmocka_unit_test(test_tier1_rollback),
		cmocka_unit_test(test_tier2_disable),
		cmocka_unit_test(test_tier1_then_tier2),
		cmocka_unit_test(test_disable_reason_mix),
		cmocka_unit_test(test_boot_start_0),
		cmocka_unit_test(test_unrelated_counted),
		cmocka_unit_test(test_unrelated_not_counted),
		cmocka_unit_test(test_corrupt_and_missing_state),
		cmocka_unit_test(test_unwritable_state),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_load_failed),
		cmocka_unit_test(test_bless_refused),
		cmocka_unit_test(test_bless_content_changed),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_tries_lowered),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_decision_file),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
