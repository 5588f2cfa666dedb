/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-bootguard: the decisions, as functions of (state, inputs).
 *
 * Pure code like state.c: main.c gathers the inputs (files, sysfs, the
 * clock), calls these, then carries out what they decided and persists the
 * new state.  README.md has the decision table.
 */
#ifndef BOOTGUARD_DECIDE_H
#define BOOTGUARD_DECIDE_H

#include <limits.h>

#include "state.h"

/* Journal MESSAGE_IDs (fixed: tests and operators search for them). */
#define BG_MSG_DISABLED		"2d3c9535cbe14556bc6a16dc3390dd4b"
#define BG_MSG_ROLLBACK		"4430a3d226fd4b70bd498813b10d08e4"
#define BG_MSG_START		"37d80e1c58a24ec7bf5291fb77d8caca"
#define BG_MSG_STATE		"bb42747da74a401cbf0be067c89e592f"
#define BG_MSG_BLESSED		"43ab6914a2a94eb8a9344052be0b4f6e"
#define BG_MSG_RESET		"9b1f6ad7c4e34f0a8f2de5c0b7a61e53"

/* syslog priorities, as <syslog.h> numbers them */
#define BG_ERR		3
#define BG_WARNING	4
#define BG_NOTICE	5
#define BG_INFO		6

#define BG_MSG_TEXT	768
#define BG_MAX_MSGS	6

struct bg_msg {
	const char *id;
	int prio;
	char text[BG_MSG_TEXT];
};

/** struct bg_msgs - journal entries a decision asks for, in order */
struct bg_msgs {
	unsigned int n;
	struct bg_msg m[BG_MAX_MSGS];
};

/**
 * struct bg_config - /etc/vigil/bootguard.conf
 * @tries: failed boots in a row before the sensor is disabled
 * @count_unrelated: a failed boot whose panic record does not name vigil
 *	uses up a try too
 * @module: module name for libkmod
 * @installed: folder of the installed channel set (without --root)
 * @watchdog_wait: seconds start waits for the hardware watchdog to be
 *	active before loading (0: does not wait)
 */
struct bg_config {
	unsigned int tries;
	bool count_unrelated;
	unsigned int watchdog_wait;
	char module[64];
	char installed[PATH_MAX];
};

void bg_config_init(struct bg_config *cfg);
int bg_config_parse(const char *buf, size_t len, struct bg_config *cfg,
		    char *err, size_t errsize);

/** enum bg_state_status - how reading the state file went */
enum bg_state_status {
	BG_STATE_OK,
	BG_STATE_MISSING,
	BG_STATE_CORRUPT,
};

/**
 * struct bg_start_in - what start decides from
 * @cfg: the configuration
 * @status: whether @state was read
 * @state: the state read (BG_STATE_OK only)
 * @state_error: why it could not be read (BG_STATE_CORRUPT)
 * @first_boot: missing state and no trace of an earlier one (no lkg/
 *	folder): a fresh installation rather than a lost state
 * @boot_id: this boot's id
 * @now: the time
 * @boot_start: false when the kernel command line has vigil.boot_start=0
 * @installed: digest of the installed set
 * @lkg_dir: digest of what lkg/ holds (for rebuilding a lost state)
 * @nquar_dirs: number of quarantine/<digest>/ folders (same)
 * @quar_dirs: their digests
 * @ev: evidence about the stale charge's boot, or NULL (none gathered)
 */
struct bg_start_in {
	const struct bg_config *cfg;
	enum bg_state_status status;
	const struct bg_state *state;
	const char *state_error;
	bool first_boot;
	const char *boot_id;
	int64_t now;
	bool boot_start;
	const char *installed;
	const char *lkg_dir;
	unsigned int nquar_dirs;
	const char (*quar_dirs)[BG_DIGEST_LEN + 1];
	const struct bg_evidence *ev;
};

/**
 * struct bg_start_out - what start decided
 * @st: the new state
 * @write: @st differs from what is on disk and must be persisted before
 *	anything is loaded
 * @load: the set to start the sensor with; BG_SET_NONE: load nothing
 * @digest: its digest
 * @quarantine: copy the installed set to quarantine/@quar_digest/
 * @quar_digest: (when @quarantine)
 * @decision: "loaded" or "not-loaded" (for /run/.../decision)
 * @reason: one line for the decision file and status
 * @msgs: journal entries
 */
struct bg_start_out {
	struct bg_state st;
	bool write;
	enum bg_set load;
	char digest[BG_DIGEST_LEN + 1];
	bool quarantine;
	char quar_digest[BG_DIGEST_LEN + 1];
	const char *decision;
	char reason[BG_TEXT_MAX];
	struct bg_msgs msgs;
};

bool bg_stale_charge(const struct bg_state *st, const char *boot_id);
void bg_decide_start(const struct bg_start_in *in, struct bg_start_out *out);
void bg_decide_unwritable(struct bg_start_out *out, const char *why);
void bg_decide_module_missing(struct bg_start_out *out, const char *why);
void bg_decide_load_failed(struct bg_start_out *out, const char *why);

/**
 * struct bg_decision - this boot's decision, /run/vigil/bootguard/decision
 * @boot_id: the boot it was taken in
 * @decision: "loaded", "not-loaded" or "load-failed"
 * @set: the set started
 * @digest: its digest
 * @dir: the channels_dir given to the sensor
 * @channels: how many channels its MANIFEST lists
 * @reason: one line
 */
struct bg_decision {
	char boot_id[BG_BOOT_ID_LEN + 1];
	char decision[16];
	enum bg_set set;
	char digest[BG_DIGEST_LEN + 1];
	char dir[PATH_MAX];
	unsigned int channels;
	char reason[BG_TEXT_MAX];
};

char *bg_decision_format(const struct bg_decision *d, size_t *len);
int bg_decision_parse(const char *buf, size_t len, struct bg_decision *d,
		      char *err, size_t errsize);

/**
 * struct bg_sensor - what sysfs says about the running sensor
 * @present: /sys/kernel/vigil exists
 * @armed: /sys/kernel/vigil/armed reads 1 (or does not exist: a sensor
 *	without the file arms when it loads)
 * @rejected: counters/channels_rejected
 * @active: entries in /sys/kernel/vigil/channels/
 */
struct bg_sensor {
	bool present;
	bool armed;
	uint64_t rejected;
	unsigned int active;
};

bool bg_health(const struct bg_decision *d, const char *boot_id,
	       const struct bg_sensor *s, char *reason, size_t size);

/**
 * struct bg_bless_out - what bless decided
 * @st: the new state
 * @write: persist @st
 * @result: 0 blessed or nothing to bless, 1 refused
 * @promote: copy the installed set to lkg/ (its digest is @st.lkg)
 * @msgs: journal entries (also the command's output)
 */
struct bg_bless_out {
	struct bg_state st;
	bool write;
	int result;
	bool promote;
	struct bg_msgs msgs;
};

void bg_decide_bless(const struct bg_state *st, const char *boot_id,
		     bool healthy, const char *health_reason,
		     const char *installed, struct bg_bless_out *out);
void bg_decide_reset(const struct bg_state *st, const struct bg_config *cfg,
		     const char *boot_id, struct bg_state *out,
		     struct bg_msgs *msgs);

void bg_msg_add(struct bg_msgs *msgs, const char *id, int prio,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
