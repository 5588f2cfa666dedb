/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-bootguard: the persistent state and its text form.
 *
 * Pure code: no file, clock or process access, so the unit tests drive
 * every branch.  README.md in this folder describes the file format.
 */
#ifndef BOOTGUARD_STATE_H
#define BOOTGUARD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BG_STATE_VERSION	1
#define BG_DIGEST_LEN		64	/* SHA-256, lower-case hex */
#define BG_BOOT_ID_LEN		36	/* 8-4-4-4-12 hex */
#define BG_TEXT_MAX		512	/* reasons and summaries, with NUL */
#define BG_FILE_MAX		128	/* evidence file names, with NUL */
#define BG_MAX_FAILURES		16	/* newest kept */
#define BG_MAX_QUARANTINE	16	/* newest kept */
#define BG_TRIES_MAX		100	/* largest "tries" accepted */
#define BG_STATE_MAX_SIZE	(64U << 10)

/* SHA-256 of nothing: the digest of the empty channel set. */
#define BG_EMPTY_DIGEST \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/** enum bg_set - which channel set a boot ran */
enum bg_set {
	BG_SET_NONE,
	BG_SET_PENDING,
	BG_SET_LKG,
};

/**
 * struct bg_evidence - what is known about why a boot failed
 * @source: "pstore" (a panic record was found), "health" (no record, but
 *	the boot's health check failed) or "none"
 * @file: the saved record's name under evidence/, "" when none
 * @summary: the panic, BUG or Oops line, or why there is none
 * @involves_vigil: the record's panic text or call trace names vigil
 */
struct bg_evidence {
	char source[16];
	char file[BG_FILE_MAX];
	char summary[BG_TEXT_MAX];
	bool involves_vigil;
};

/**
 * struct bg_failure - one failed boot
 * @at: when that boot charged its try (seconds since the epoch)
 * @boot_id: that boot's /proc/sys/kernel/random/boot_id
 * @set: the channel set it ran
 * @digest: that set's digest
 * @counted: the failure used up its try (see count_unrelated_failures)
 * @ev: the evidence
 */
struct bg_failure {
	int64_t at;
	char boot_id[BG_BOOT_ID_LEN + 1];
	enum bg_set set;
	char digest[BG_DIGEST_LEN + 1];
	bool counted;
	struct bg_evidence ev;
};

/**
 * struct bg_quarantine - a channel set that failed a boot while pending
 * @digest: the set's digest (its copy is quarantine/<digest>/)
 * @at: when it was quarantined
 * @reason: why
 */
struct bg_quarantine {
	char digest[BG_DIGEST_LEN + 1];
	int64_t at;
	char reason[BG_TEXT_MAX];
};

/**
 * struct bg_state - everything vigil-bootguard keeps across boots
 * @disabled: the boot-start registration is cleared: start loads nothing
 * @tries_max: tries when the state was last reset or blessed
 * @tries_left: tries not charged yet
 * @charged: a try is charged and not given back yet
 * @charge_boot_id: the boot that charged it
 * @charge_at: when
 * @charge_set: the set that boot ran
 * @charge_digest: its digest
 * @lkg: digest of the last-known-good set (BG_EMPTY_DIGEST: none yet)
 * @disabled_at: when the sensor was disabled
 * @disabled_failed_boots: counted failed boots in a row at that time
 * @disabled_reason: why
 * @nfail: entries in @fail, oldest first
 * @fail: failed boots since the last bless or reset
 * @nquar: entries in @quar, oldest first
 * @quar: quarantined sets
 */
struct bg_state {
	bool disabled;
	unsigned int tries_max;
	unsigned int tries_left;
	bool charged;
	char charge_boot_id[BG_BOOT_ID_LEN + 1];
	int64_t charge_at;
	enum bg_set charge_set;
	char charge_digest[BG_DIGEST_LEN + 1];
	char lkg[BG_DIGEST_LEN + 1];
	int64_t disabled_at;
	unsigned int disabled_failed_boots;
	char disabled_reason[BG_TEXT_MAX];
	unsigned int nfail;
	struct bg_failure fail[BG_MAX_FAILURES];
	unsigned int nquar;
	struct bg_quarantine quar[BG_MAX_QUARANTINE];
};

void bg_state_init(struct bg_state *st, unsigned int tries);
const char *bg_set_name(enum bg_set set);
int bg_set_parse(const char *s, enum bg_set *set);
bool bg_digest_ok(const char *s);
bool bg_boot_id_ok(const char *s);
void bg_text_copy(char *dst, size_t size, const char *src);
void bg_sha256_hex(const void *data, size_t len,
		   char out[BG_DIGEST_LEN + 1]);

void bg_state_add_failure(struct bg_state *st, const struct bg_failure *f);
void bg_state_add_quarantine(struct bg_state *st, const char *digest,
			     int64_t at, const char *reason);
bool bg_state_quarantined(const struct bg_state *st, const char *digest);
unsigned int bg_state_counted_failures(const struct bg_state *st);

char *bg_state_format(const struct bg_state *st, size_t *len);
int bg_state_parse(const char *buf, size_t len, struct bg_state *st,
		   char *err, size_t errsize);

#endif
