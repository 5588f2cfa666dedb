/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil limits: every size and count a channel may declare, in one place.
 * The loader rejects anything over these before it allocates or parses;
 * channels/FORMAT.md documents the same numbers.
 */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

/* Whole channel file, header and signature included. */
#define VIGIL_MAX_FILE_SIZE		(16U << 20)
/* Compressed payload (header field compressed_size). */
#define VIGIL_MAX_COMPRESSED_SIZE	(16U << 20)
/* Decompressed payload (header field uncompressed_size). */
#define VIGIL_MAX_UNCOMPRESSED_SIZE	(64U << 20)
/* Appended PKCS#7 signature. */
#define VIGIL_MAX_SIG_SIZE		(16U << 10)

/* Channels a sensor holds active at once. */
#define VIGIL_MAX_CHANNELS		64U

/* Rules in one channel. */
#define VIGIL_MAX_RULES			65536U
/* Expression nodes in one rule. */
#define VIGIL_MAX_RULE_NODES		256U
/* Values (alternatives) in one predicate. */
#define VIGIL_MAX_PRED_VALUES		1024U
/* Nodes and values in one channel. */
#define VIGIL_MAX_NODES			(1U << 22)
#define VIGIL_MAX_VALUES		(1U << 22)
/* String table of one channel. */
#define VIGIL_MAX_STRTAB_SIZE		(32U << 20)
/* One pattern (string value) in a predicate. */
#define VIGIL_MAX_PATTERN_LEN		256U
/* Rule title and tag list. */
#define VIGIL_MAX_TITLE_LEN		256U
#define VIGIL_MAX_TAGS_LEN		512U
/* Operand stack depth while evaluating one rule (postfix). */
#define VIGIL_MAX_EXPR_DEPTH		32U
/*
 * The matcher's work, in steps (channels/FORMAT.md, "Work"): the most
 * one rule may cost, and the budget of one event against every active
 * channel together.  The loader proves each channel's bound from its
 * records before it goes live; the sensor adds the bounds of all active
 * channels up and refuses a channel that would push the sum over the
 * budget; the matcher counts the steps it takes and stops an event at the
 * budget whatever the content.
 */
#define VIGIL_MAX_RULE_WORK		(1U << 17)
#define VIGIL_MAX_EVENT_WORK		(1U << 19)

/*
 * Memory: the most one loaded channel may hold (its payload, its compiled
 * form and what compiling needs on the way), and all active channels
 * together.  Checked before every allocation.
 */
#define VIGIL_MAX_CHANNEL_MEM		(128UL << 20)
#define VIGIL_MAX_TOTAL_MEM		(256UL << 20)

/*
 * Distinct files the sensor watches by inode, so that a rule naming a
 * file exactly also sees it through a hard link or a bind mount: every
 * path eq value of the active channels' open rules, up to this many (the
 * rest are matched by name only, with a warning in the kernel log).
 */
#define VIGIL_MAX_WATCHED_FILES		4096U

/* Longest string value an event carries; producers truncate to this. */
#define VIGIL_MAX_FIELD_LEN		4096U

#endif /* VIGIL_LIMITS_H */
