/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Payload assembly: the records of loader/format.h in growing arrays and a
 * deduplicated string table, laid out back to back at the end.
 */
#ifndef VCHAN_PBUF_H
#define VCHAN_PBUF_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

struct pbuf_str;

/**
 * struct pbuf - a payload being built
 * @rules: rule records, little-endian as written
 * @nodes: node records
 * @values: value records
 * @strtab: string table bytes
 * @nrules: number of rules, and so on
 */
struct pbuf {
	struct vigil_rule_rec *rules;
	struct vigil_node_rec *nodes;
	struct vigil_value_rec *values;
	uint8_t *strtab;
	size_t nrules, nnodes, nvalues, strtab_size;
	size_t rules_cap, nodes_cap, values_cap, strtab_cap;
	/* open-addressing index of strtab strings for deduplication */
	struct pbuf_str *hash;
	size_t hash_cap, hash_used;
};

void pbuf_init(struct pbuf *pb);
void pbuf_release(struct pbuf *pb);

/* Put @len bytes in the string table (once) and describe them in @ref. */
void pbuf_str(struct pbuf *pb, const void *s, size_t len,
	      struct vigil_strref *ref);

/* Append a record; return its index.  The caller fills it in. */
struct vigil_rule_rec *pbuf_rule(struct pbuf *pb, size_t *index);
struct vigil_node_rec *pbuf_node(struct pbuf *pb, size_t *index);
struct vigil_value_rec *pbuf_value(struct pbuf *pb, size_t *index);

/* Byte offsets of the sections in the finished payload. */
size_t pbuf_rules_off(const struct pbuf *pb);
size_t pbuf_nodes_off(const struct pbuf *pb);
size_t pbuf_values_off(const struct pbuf *pb);
size_t pbuf_strtab_off(const struct pbuf *pb);

/**
 * pbuf_finish() - lay the payload out
 * @pb: the records
 * @out: newly allocated payload (free())
 * @len: its length
 */
void pbuf_finish(const struct pbuf *pb, uint8_t **out, size_t *len);

#endif /* VCHAN_PBUF_H */
