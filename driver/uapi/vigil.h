/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vigil: the generic netlink interface of the kernel sensor.
 *
 * Userspace talks to the sensor through the generic netlink family
 * VIGIL_GENL_NAME (resolve its id with the nlctrl family, e.g. libnl's
 * genl_ctrl_resolve()).  Every request carries the generic netlink header
 * with .cmd set to one of enum vigil_cmd and .version VIGIL_GENL_VERSION,
 * followed by attributes of enum vigil_attr.
 *
 * Commands
 *
 *	VIGIL_CMD_GET_STATUS		anyone
 *		reply: VERSION, SCHEMA_VERSION, ENABLED, REQUIRE_SIGNATURE,
 *		RATE_LIMIT, NCHANNELS, the counters (EVENTS_SEEN ...
 *		CHANNELS_REJECTED) and LAST_REJECT (if any channel was rejected)
 *
 *	VIGIL_CMD_LOAD_CHANNEL		CAP_SYS_ADMIN
 *		request: CHANNEL_DATA, the channel file's bytes; an attribute
 *		holds less than 64 KiB, so a larger file is sent as several
 *		CHANNEL_DATA attributes, joined in order (at most
 *		VIGIL_MAX_FILE_SIZE, 16 MiB, in all; raise SO_SNDBUF)
 *		reply: one CHANNEL nest describing the now active channel
 *		error: a negative errno in the ack; the extended ack carries a
 *		message "offset N[ (payload)]: reason" and a cookie holding a
 *		struct vigil_reject (loader error class and offset)
 *
 *	VIGIL_CMD_LIST_CHANNELS		anyone; a dump (NLM_F_DUMP)
 *		one message per active channel, each with one CHANNEL nest
 *
 *	VIGIL_CMD_REMOVE_CHANNEL	CAP_SYS_ADMIN
 *		request: CHANNEL_ID; error -ENOENT if it is not active
 *
 *	VIGIL_CMD_GET_CONFIG		anyone
 *		reply: ENABLED, REQUIRE_SIGNATURE, RATE_LIMIT
 *
 *	VIGIL_CMD_SET_CONFIG		CAP_SYS_ADMIN
 *		request: any of ENABLED, REQUIRE_SIGNATURE, RATE_LIMIT;
 *		REQUIRE_SIGNATURE is one-way: 0 after 1 fails with -EPERM.
 *		Nothing changes unless every attribute given is accepted.
 *
 *	VIGIL_CMD_EVENT			kernel to userspace only
 *		multicast on group VIGIL_MCGRP_EVENTS (subscribing needs
 *		CAP_SYS_ADMIN): one message per rule match; see "Match
 *		records" below
 *
 * Match records carry RULE_ID, CHANNEL_ID, CONTENT_VERSION, SEVERITY,
 * ACTION, EVENT_TYPE, EVENT_NAME, TIME_NS (CLOCK_REALTIME), PID, TGID,
 * PPID, UID, COMM, RULE_TITLE, EVENTS_DROPPED (the sensor's drop counter
 * when the record was queued: a subscriber that sees it grow knows how
 * many records it missed) and FIELDS, a nest of FIELD nests, one per
 * field of the event in schema order, each with FIELD_NAME, FIELD_TYPE
 * and exactly one of FIELD_U64, FIELD_STR or FIELD_ADDR.  A string field
 * longer than the record has room for is cut and flagged FIELD_TRUNCATED.
 *
 * Integers are in host byte order; VIGIL_A_FIELD_ADDR and DIGEST are byte
 * strings (addresses in network order, IPv4 mapped into IPv6).
 */
#ifndef _UAPI_LINUX_VIGIL_H
#define _UAPI_LINUX_VIGIL_H

#include <linux/types.h>

#define VIGIL_GENL_NAME		"vigil"
#define VIGIL_GENL_VERSION	1
#define VIGIL_MCGRP_EVENTS	"events"

/* sysfs folder of the sensor and the default folder of installed channels */
#define VIGIL_SYSFS_DIR		"/sys/kernel/vigil"
#define VIGIL_CHANNELS_DIR	"/etc/vigil/channels"
#define VIGIL_MANIFEST_NAME	"MANIFEST"

/**
 * enum vigil_cmd - generic netlink commands of the vigil family
 * @VIGIL_CMD_UNSPEC: not used
 * @VIGIL_CMD_GET_STATUS: sensor state and counters
 * @VIGIL_CMD_LOAD_CHANNEL: validate a channel file and make it active
 * @VIGIL_CMD_LIST_CHANNELS: the active channels (dump)
 * @VIGIL_CMD_REMOVE_CHANNEL: deactivate a channel
 * @VIGIL_CMD_GET_CONFIG: the configuration
 * @VIGIL_CMD_SET_CONFIG: change the configuration
 * @VIGIL_CMD_EVENT: a match record (multicast)
 * @__VIGIL_CMD_MAX: number of commands
 */
enum vigil_cmd {
	VIGIL_CMD_UNSPEC,
	VIGIL_CMD_GET_STATUS,
	VIGIL_CMD_LOAD_CHANNEL,
	VIGIL_CMD_LIST_CHANNELS,
	VIGIL_CMD_REMOVE_CHANNEL,
	VIGIL_CMD_GET_CONFIG,
	VIGIL_CMD_SET_CONFIG,
	VIGIL_CMD_EVENT,
	__VIGIL_CMD_MAX,
};
#define VIGIL_CMD_MAX (__VIGIL_CMD_MAX - 1)

/**
 * enum vigil_attr - top-level attributes
 * @VIGIL_A_UNSPEC: not used
 * @VIGIL_A_VERSION: string, the module's version
 * @VIGIL_A_SCHEMA_VERSION: u32, the event schema the sensor supplies
 * @VIGIL_A_ENABLED: u8, 0 or 1: events are matched
 * @VIGIL_A_REQUIRE_SIGNATURE: u8, 0 or 1: unsigned channels are rejected
 * @VIGIL_A_RATE_LIMIT: u32, match records per second and CPU (0: no limit)
 * @VIGIL_A_NCHANNELS: u32, active channels
 * @VIGIL_A_EVENTS_SEEN: u64, events given to the matcher
 * @VIGIL_A_EVENTS_MATCHED: u64, rule matches
 * @VIGIL_A_EVENTS_DROPPED: u64, match records lost
 * @VIGIL_A_CHANNELS_LOADED: u64, channels activated since the module loaded
 * @VIGIL_A_CHANNELS_REJECTED: u64, channel loads rejected
 * @VIGIL_A_LAST_REJECT: string, why the last channel was rejected
 * @VIGIL_A_CHANNEL_DATA: binary, a channel file
 * @VIGIL_A_CHANNEL_ID: u32
 * @VIGIL_A_CHANNEL: nest of enum vigil_chan_attr
 * @VIGIL_A_RULE_ID: u32, the rule that matched
 * @VIGIL_A_CONTENT_VERSION: u64, content version of the rule's channel
 * @VIGIL_A_SEVERITY: u8, enum vigil_severity of loader/format.h (0 info ..
 *	4 critical)
 * @VIGIL_A_ACTION: u8, the rule's action: 1 report, 2 kill, 3 deny
 * @VIGIL_A_EVENT_TYPE: u16, event type number of the schema
 * @VIGIL_A_EVENT_NAME: string, event type name ("exec", "open", ...)
 * @VIGIL_A_TIME_NS: u64, CLOCK_REALTIME nanoseconds of the match
 * @VIGIL_A_PID: u64, thread id (initial pid namespace)
 * @VIGIL_A_TGID: u64, process id
 * @VIGIL_A_PPID: u64, process id of the parent
 * @VIGIL_A_UID: u64, real uid (initial user namespace)
 * @VIGIL_A_COMM: string, the task's command name
 * @VIGIL_A_RULE_TITLE: string, the rule's title, copied from its channel
 *	when it matched
 * @VIGIL_A_FIELDS: nest of VIGIL_A_FIELD
 * @VIGIL_A_FIELD: nest of enum vigil_field_attr
 * @VIGIL_A_PAD: padding for 64-bit attributes
 * @VIGIL_A_ARMED: u8, 0 or 1: the sensor is armed (its hooks run); a
 *	built-in sensor stays unarmed until /sys/kernel/vigil/armed is set
 * @VIGIL_A_EVENTS_OVER_BUDGET: u64, events whose evaluation the matcher
 *	stopped at the work budget
 * @VIGIL_A_MEMORY_USED: u64, bytes the active channels hold
 * @VIGIL_A_MEMORY_CAP: u64, the most they may hold together
 * @VIGIL_A_WORK_BUDGET: u64, steps one event may cost against all
 *	active channels together
 * @VIGIL_A_NOTICE: u8, enum vigil_notice: the record is not a rule match
 *	but says this about its channel (VIGIL_A_RULE_ID is then 0)
 * @VIGIL_A_REFUSED: u8, 1: the rule's action (kill or deny) made the
 *	operation fail with EPERM; absent when it went ahead
 * @VIGIL_A_EVENTS_REFUSED: u64, operations that kill or deny rules made
 *	fail
 * @__VIGIL_A_MAX: number of attributes
 */
enum vigil_attr {
	VIGIL_A_UNSPEC,
	VIGIL_A_VERSION,
	VIGIL_A_SCHEMA_VERSION,
	VIGIL_A_ENABLED,
	VIGIL_A_REQUIRE_SIGNATURE,
	VIGIL_A_RATE_LIMIT,
	VIGIL_A_NCHANNELS,
	VIGIL_A_EVENTS_SEEN,
	VIGIL_A_EVENTS_MATCHED,
	VIGIL_A_EVENTS_DROPPED,
	VIGIL_A_CHANNELS_LOADED,
	VIGIL_A_CHANNELS_REJECTED,
	VIGIL_A_LAST_REJECT,
	VIGIL_A_CHANNEL_DATA,
	VIGIL_A_CHANNEL_ID,
	VIGIL_A_CHANNEL,
	VIGIL_A_RULE_ID,
	VIGIL_A_CONTENT_VERSION,
	VIGIL_A_SEVERITY,
	VIGIL_A_ACTION,
	VIGIL_A_EVENT_TYPE,
	VIGIL_A_EVENT_NAME,
	VIGIL_A_TIME_NS,
	VIGIL_A_PID,
	VIGIL_A_TGID,
	VIGIL_A_PPID,
	VIGIL_A_UID,
	VIGIL_A_COMM,
	VIGIL_A_RULE_TITLE,
	VIGIL_A_FIELDS,
	VIGIL_A_FIELD,
	VIGIL_A_PAD,
	VIGIL_A_ARMED,
	VIGIL_A_EVENTS_OVER_BUDGET,
	VIGIL_A_MEMORY_USED,
	VIGIL_A_MEMORY_CAP,
	VIGIL_A_WORK_BUDGET,
	VIGIL_A_NOTICE,
	VIGIL_A_REFUSED,
	VIGIL_A_EVENTS_REFUSED,
	__VIGIL_A_MAX,
};
#define VIGIL_A_MAX (__VIGIL_A_MAX - 1)

/**
 * enum vigil_notice - what a record without a rule says (VIGIL_A_NOTICE)
 * @VIGIL_NOTICE_NONE: not used: a rule match
 * @VIGIL_NOTICE_OVER_BUDGET: the event's evaluation reached the work
 *	budget in this channel and stopped: rules of this and later
 *	channels were not evaluated for it
 * @VIGIL_NOTICE_CHANNEL_DISABLED: the channel went over the budget too
 *	often and is being removed
 */
enum vigil_notice {
	VIGIL_NOTICE_NONE,
	VIGIL_NOTICE_OVER_BUDGET,
	VIGIL_NOTICE_CHANNEL_DISABLED,
};

/**
 * enum vigil_chan_attr - attributes of a VIGIL_A_CHANNEL nest
 * @VIGIL_CA_UNSPEC: not used
 * @VIGIL_CA_ID: u32, channel id
 * @VIGIL_CA_CONTENT_VERSION: u64
 * @VIGIL_CA_DIGEST: binary, 32 bytes of SHA-256 from the header
 * @VIGIL_CA_NRULES: u32
 * @VIGIL_CA_SIGNED: u8, 1 if a signature was verified
 * @VIGIL_CA_LOADED_NS: u64, CLOCK_REALTIME nanoseconds of activation
 * @VIGIL_CA_PAD: padding
 * @VIGIL_CA_MEMORY: u64, bytes the channel holds
 * @VIGIL_CA_OVER_BUDGET: u64, events it stopped at the work budget
 * @__VIGIL_CA_MAX: number of attributes
 */
enum vigil_chan_attr {
	VIGIL_CA_UNSPEC,
	VIGIL_CA_ID,
	VIGIL_CA_CONTENT_VERSION,
	VIGIL_CA_DIGEST,
	VIGIL_CA_NRULES,
	VIGIL_CA_SIGNED,
	VIGIL_CA_LOADED_NS,
	VIGIL_CA_PAD,
	VIGIL_CA_MEMORY,
	VIGIL_CA_OVER_BUDGET,
	__VIGIL_CA_MAX,
};
#define VIGIL_CA_MAX (__VIGIL_CA_MAX - 1)

/**
 * enum vigil_field_attr - attributes of a VIGIL_A_FIELD nest
 * @VIGIL_FA_UNSPEC: not used
 * @VIGIL_FA_NAME: string, the field's name in the schema
 * @VIGIL_FA_TYPE: u8, 1 u64, 2 string, 3 path, 4 address
 * @VIGIL_FA_U64: u64 value
 * @VIGIL_FA_STR: binary, string or path bytes (no terminating NUL)
 * @VIGIL_FA_ADDR: binary, 16 bytes of IPv6 address in network order
 * @VIGIL_FA_TRUNCATED: flag, the string was cut to fit the record
 * @VIGIL_FA_PAD: padding
 * @__VIGIL_FA_MAX: number of attributes
 */
enum vigil_field_attr {
	VIGIL_FA_UNSPEC,
	VIGIL_FA_NAME,
	VIGIL_FA_TYPE,
	VIGIL_FA_U64,
	VIGIL_FA_STR,
	VIGIL_FA_ADDR,
	VIGIL_FA_TRUNCATED,
	VIGIL_FA_PAD,
	__VIGIL_FA_MAX,
};
#define VIGIL_FA_MAX (__VIGIL_FA_MAX - 1)

/*
 * Classes of rejection the sensor adds to the loader's (loader/loader.h,
 * VIGIL_ERRORS, which stay below 64).
 */
#define VIGIL_REJECT_ROLLBACK	64	/* content version older than active */
#define VIGIL_REJECT_READ	65	/* file could not be read (disk) */

/**
 * struct vigil_reject - extended-ack cookie of a rejected channel load
 * @code: loader error class (VIGIL_ERRORS in loader/loader.h) or
 *	VIGIL_REJECT_*
 * @in_payload: 1 if @offset counts from the start of the decompressed
 *	payload, 0 if from the start of the file
 * @reserved: zero
 * @offset: byte offset of the offending item
 */
struct vigil_reject {
	__u32 code;
	__u8 in_payload;
	__u8 reserved[3];
	__u64 offset;
};

#endif /* _UAPI_LINUX_VIGIL_H */
