/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil sensor internals shared between the driver's files:
 *
 *	main.c		module init and exit
 *	attach.c	attaching the handlers: an LSM when built in, else
 *			kprobes on the same security functions; tracepoints
 *	event.c		building events from kernel objects (event.h)
 *	files.c, net.c, tasks.c, creds.c, modules.c
 *			the handlers, one file per hooked area (hooks.h)
 *	watch.c		files that rules name, known by inode (watch.h)
 *	channels.c	the active channel set (RCU), loading from disk
 *	report.c	match records: per-CPU queue, rate limit, counted drops
 *	netlink.c	generic netlink family "vigil" (uapi/vigil.h)
 *	fault.c		test-only fault injection (CONFIG_VIGIL_FAULT_INJECTION)
 *	config.c	configuration, arming, counters, /sys/kernel/vigil
 */
#ifndef VIGIL_SENSOR_H
#define VIGIL_SENSOR_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "../loader/loader.h"
#include "uapi/vigil.h"

struct kobject;

#define VIGIL_VERSION			"0.1.0"
/* Match records per second and CPU unless configured otherwise. */
#define VIGIL_DEFAULT_RATE_LIMIT	2000U
/* Room for a rejection reason: source, offset and the loader's message. */
#define VIGIL_REASON_LEN		320

/**
 * struct vigil_counters - what sysfs and status report
 * @events_seen: events the hooks saw while live: given to the matcher,
 *	or ruled out before being built (vigil_channels_may_match())
 * @events_matched: rule matches
 * @events_dropped: match records lost (rate limit, full queue, no memory)
 * @channels_loaded: channels activated since load
 * @channels_rejected: channel loads rejected
 * @events_over_budget: events the matcher stopped at the work budget
 * @events_refused: operations that a kill or deny rule made fail
 */
struct vigil_counters {
	atomic64_t events_seen;
	atomic64_t events_matched;
	atomic64_t events_dropped;
	atomic64_t channels_loaded;
	atomic64_t channels_rejected;
	atomic64_t events_over_budget;
	atomic64_t events_refused;
};

extern struct vigil_counters vigil_counters;

/**
 * struct vigil_channel_info - a snapshot of one active channel
 * @channel_id: channel id
 * @content_version: content version
 * @digest: SHA-256 from the header
 * @nrules: number of rules
 * @signed_: a verified signature was present
 * @loaded_ns: when it was activated (ktime_get_real_ns())
 * @memory: bytes it holds (vigil_channel_mem())
 * @over_budget: events it stopped at the work budget
 */
struct vigil_channel_info {
	u32 channel_id;
	u64 content_version;
	u8 digest[VIGIL_CHAN_DIGEST_LEN];
	u32 nrules;
	bool signed_;
	u64 loaded_ns;
	u64 memory;
	u64 over_budget;
};

/* channels.c */

/**
 * vigil_channels_load() - validate a channel and make it active
 * @data: channel file bytes
 * @len: their number
 * @err: why it was rejected
 *
 * Validates completely (signature per require_signature) before anything
 * changes, then replaces the channel with the same id, or adds it, in one
 * RCU pointer swap.  A rejected channel changes nothing and is counted.
 * Content versions must not go backwards for the same channel id.
 * May sleep; serialised internally.
 *
 * Return: 0 or a negative errno; err->code holds the loader's class.
 */
int vigil_channels_load(const void *data, size_t len, struct vigil_error *err);

/**
 * vigil_channels_remove() - deactivate a channel
 * @channel_id: which
 *
 * Return: 0, or -ENOENT.
 */
int vigil_channels_remove(u32 channel_id);

/**
 * vigil_channels_list() - snapshot the active channels
 * @fn: called for each, under RCU (must not sleep)
 * @ctx: passed to @fn
 *
 * Return: number of channels visited.
 */
int vigil_channels_list(void (*fn)(void *ctx,
				   const struct vigil_channel_info *info),
			void *ctx);

/**
 * vigil_channels_each_eq() - the exact string values of the active rules
 * @fn: called for each (vigil_ruleset_each_eq()); may sleep
 * @ctx: passed to @fn
 *
 * Context: process; the active set does not change during the walk.
 * Return: 0, or the first non-zero value @fn returned.
 */
int vigil_channels_each_eq(vigil_eq_fn fn, void *ctx);

/**
 * vigil_channels_match() - run an event through every active channel
 * @ev: the event, filled by a schema producer
 * @refusable: the caller can make the operation fail
 *
 * Called from the hooks in probe context: never sleeps or allocates.
 * Counts the event, and hands each match to vigil_report_match().  All
 * channels share one budget of VIGIL_MAX_EVENT_WORK steps; an event that
 * runs out is counted and reported (vigil_report_notice()).
 *
 * Return: true if @refusable and a rule whose action is kill or deny
 * matched: the caller refuses the operation.
 */
bool vigil_channels_match(const struct vigil_event *ev, bool refusable);

u64 vigil_channels_mem(void);

/**
 * vigil_channels_may_match() - whether any active rule could match an event
 * @type: event type
 * @field: index of one of its string fields
 * @s: that field's value
 * @len: its length
 *
 * Probe context, before the rest of the event is built: false when no
 * active channel has a rule that could match an event of @type with this
 * value (vigil_match_may()); the event then counts as seen.
 *
 * Return: true if the event must be built and matched.
 */
bool vigil_channels_may_match(u32 type, u32 field, const char *s, u32 len);

__printf(5, 6)
int vigil_channels_reject(const char *source, struct vigil_error *err,
			  int code, u64 offset, const char *fmt, ...);
int vigil_channels_init(struct kobject *parent);
void vigil_channels_exit(void);
int vigil_channels_load_installed(void);
void vigil_channels_clear(void);
void vigil_channels_dir_unfreeze(void);
unsigned int vigil_channels_count(void);
bool vigil_channels_active(void);

/* keys.c */
int vigil_keys_init(void);
void vigil_keys_exit(void);
int vigil_verify_sig(void *ctx, const void *data, size_t len,
		     const void *sig, size_t sig_len);

/* report.c */

/**
 * vigil_report_match() - queue a match record for netlink subscribers
 * @ev: the event that matched
 * @channel_id: channel of the rule
 * @content_version: its content version
 * @m: the match
 * @title: the rule's title, in the channel's payload
 * @title_len: its length (cut to VIGIL_MAX_TITLE_LEN)
 * @refused: the match makes the operation fail (the record says so)
 *
 * Probe context.  Copies what it needs into preallocated per-CPU space,
 * the title included, so the record no longer needs the channel; what it
 * cannot queue (rate limit, full queue) is counted as dropped.  Carries
 * out VIGIL_ACTION_KILL on the current task (SIGKILL, which it receives
 * on its way back to user space; not to kernel threads or init).
 */
void vigil_report_match(const struct vigil_event *ev, u32 channel_id,
			u64 content_version, const struct vigil_match *m,
			const char *title, u32 title_len, bool refused);

/**
 * vigil_report_notice() - queue a record about a channel, not a rule
 * @ev: the event it happened on
 * @channel_id: the channel
 * @content_version: its content version
 * @notice: enum vigil_notice
 *
 * Probe context; dropped and counted like a match record.
 */
void vigil_report_notice(const struct vigil_event *ev, u32 channel_id,
			 u64 content_version, u8 notice);

int vigil_report_init(void);
void vigil_report_exit(void);

/* attach.c */
int vigil_hooks_init(void);
void vigil_hooks_exit(void);
bool vigil_hooks_refuse(void);

/* netlink.c */
struct sk_buff;
int vigil_netlink_init(void);
void vigil_netlink_exit(void);
void *vigil_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, u8 cmd,
			int flags);
bool vigil_netlink_listeners(void);
int vigil_netlink_multicast(struct sk_buff *skb);

/* config.c: configuration, arming, counters, /sys/kernel/vigil */

/** vigil_enabled() - the sensor matches events (sysfs "enabled") */
bool vigil_enabled(void);

/**
 * vigil_require_signature() - unsigned or unverifiable channels rejected
 *
 * One-way: once set it stays set until reboot.
 */
bool vigil_require_signature(void);

u32 vigil_rate_limit(void);
int vigil_set_config(const bool *enabled, const bool *require_signature,
		     const u32 *rate_limit);
void vigil_note_reject(const char *source, const struct vigil_error *err);
void vigil_last_reject(char *buf, size_t len);
const char *vigil_reject_name(int code);

/**
 * vigil_armed() - the sensor is armed: channels from disk, hooks in
 *
 * Goes from false to true once (vigil_arm()) and stays true until unload.
 */
bool vigil_armed(void);
int vigil_arm(void);
void vigil_disarm(void);

/* /sys/kernel/vigil */
extern struct kobject *vigil_kobj;
int vigil_config_init(void);
int vigil_config_start(void);
void vigil_config_exit(void);

/* fault.c: test-only fault injection; no-ops in every other build */
#ifdef CONFIG_VIGIL_FAULT_INJECTION
void vigil_fault_arming(void);
void vigil_fault_activate(u32 channel_id);
void vigil_fault_announce(void);
u64 vigil_fault_work_budget(void);
#else
static inline void vigil_fault_arming(void) { }
static inline void vigil_fault_activate(u32 channel_id) { }
static inline void vigil_fault_announce(void) { }
/* the run-time budget of one event: VIGIL_MAX_EVENT_WORK */
static inline u64 vigil_fault_work_budget(void)
{
	return VIGIL_MAX_EVENT_WORK;
}
#endif

#endif /* VIGIL_SENSOR_H */
