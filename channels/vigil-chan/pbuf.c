// SPDX-License-Identifier: GPL-2.0
/*
 * Payload assembly with a deduplicated string table.
 */
#include <stdlib.h>
#include <string.h>

#include "pbuf.h"
#include "util.h"

struct pbuf_str {
	uint32_t off, len;
	uint64_t hash;		/* 0: empty slot */
};

void pbuf_init(struct pbuf *pb)
{
	memset(pb, 0, sizeof(*pb));
}

void pbuf_release(struct pbuf *pb)
{
	free(pb->rules);
	free(pb->nodes);
	free(pb->values);
	free(pb->strtab);
	free(pb->hash);
	memset(pb, 0, sizeof(*pb));
}

/* FNV-1a, never 0 so that 0 can mark an empty slot */
static uint64_t str_hash(const uint8_t *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

static void hash_insert(struct pbuf_str *tab, size_t cap,
			const struct pbuf_str *e)
{
	size_t i = e->hash & (cap - 1);

	while (tab[i].hash)
		i = (i + 1) & (cap - 1);
	tab[i] = *e;
}

static void hash_grow(struct pbuf *pb)
{
	size_t ncap = pb->hash_cap ? 2 * pb->hash_cap : 256, i;
	struct pbuf_str *n = xcalloc(ncap, sizeof(*n));

	for (i = 0; i < pb->hash_cap; i++) {
		if (pb->hash[i].hash)
			hash_insert(n, ncap, &pb->hash[i]);
	}
	free(pb->hash);
	pb->hash = n;
	pb->hash_cap = ncap;
}

void pbuf_str(struct pbuf *pb, const void *s, size_t len,
	      struct vigil_strref *ref)
{
	uint64_t h = str_hash(s, len);
	struct pbuf_str e;
	size_t i;

	if (!len) {
		ref->off = 0;
		ref->len = 0;
		return;
	}
	if (2 * (pb->hash_used + 1) > pb->hash_cap)
		hash_grow(pb);
	for (i = h & (pb->hash_cap - 1); pb->hash[i].hash;
	     i = (i + 1) & (pb->hash_cap - 1)) {
		const struct pbuf_str *c = &pb->hash[i];

		if (c->hash == h && c->len == len &&
		    !memcmp(pb->strtab + c->off, s, len)) {
			ref->off = cpu_to_le32(c->off);
			ref->len = cpu_to_le32(c->len);
			return;
		}
	}
	while (pb->strtab_size + len > pb->strtab_cap) {
		pb->strtab_cap = pb->strtab_cap ? 2 * pb->strtab_cap : 4096;
		pb->strtab = xrealloc(pb->strtab, pb->strtab_cap, 1);
	}
	memcpy(pb->strtab + pb->strtab_size, s, len);
	e.off = (uint32_t)pb->strtab_size;
	e.len = (uint32_t)len;
	e.hash = h;
	hash_insert(pb->hash, pb->hash_cap, &e);
	pb->hash_used++;
	pb->strtab_size += len;
	ref->off = cpu_to_le32(e.off);
	ref->len = cpu_to_le32(e.len);
}

#define PBUF_APPEND(pb, arr, n, cap, index)				\
	({								\
		if ((pb)->n == (pb)->cap) {				\
			(pb)->cap = (pb)->cap ? 2 * (pb)->cap : 64;	\
			(pb)->arr = xrealloc((pb)->arr, (pb)->cap,	\
					     sizeof(*(pb)->arr));	\
		}							\
		memset(&(pb)->arr[(pb)->n], 0, sizeof(*(pb)->arr));	\
		*(index) = (pb)->n;					\
		&(pb)->arr[(pb)->n++];					\
	})

struct vigil_rule_rec *pbuf_rule(struct pbuf *pb, size_t *index)
{
	return PBUF_APPEND(pb, rules, nrules, rules_cap, index);
}

struct vigil_node_rec *pbuf_node(struct pbuf *pb, size_t *index)
{
	return PBUF_APPEND(pb, nodes, nnodes, nodes_cap, index);
}

struct vigil_value_rec *pbuf_value(struct pbuf *pb, size_t *index)
{
	return PBUF_APPEND(pb, values, nvalues, values_cap, index);
}

size_t pbuf_rules_off(const struct pbuf *pb)
{
	return sizeof(struct vigil_payload_header);
}

size_t pbuf_nodes_off(const struct pbuf *pb)
{
	return pbuf_rules_off(pb) + pb->nrules * sizeof(*pb->rules);
}

size_t pbuf_values_off(const struct pbuf *pb)
{
	return pbuf_nodes_off(pb) + pb->nnodes * sizeof(*pb->nodes);
}

size_t pbuf_strtab_off(const struct pbuf *pb)
{
	return pbuf_values_off(pb) + pb->nvalues * sizeof(*pb->values);
}

void pbuf_finish(const struct pbuf *pb, uint8_t **out, size_t *len)
{
	struct vigil_payload_header h;
	size_t total = pbuf_strtab_off(pb) + pb->strtab_size;
	uint8_t *p = xcalloc(1, total);

	memset(&h, 0, sizeof(h));
	h.magic = cpu_to_le32(VIGIL_PAYLOAD_MAGIC);
	h.nrules = cpu_to_le32((uint32_t)pb->nrules);
	h.nnodes = cpu_to_le32((uint32_t)pb->nnodes);
	h.nvalues = cpu_to_le32((uint32_t)pb->nvalues);
	h.strtab_size = cpu_to_le32((uint32_t)pb->strtab_size);
	memcpy(p, &h, sizeof(h));
	if (pb->nrules)
		memcpy(p + pbuf_rules_off(pb), pb->rules,
		       pb->nrules * sizeof(*pb->rules));
	if (pb->nnodes)
		memcpy(p + pbuf_nodes_off(pb), pb->nodes,
		       pb->nnodes * sizeof(*pb->nodes));
	if (pb->nvalues)
		memcpy(p + pbuf_values_off(pb), pb->values,
		       pb->nvalues * sizeof(*pb->values));
	if (pb->strtab_size)
		memcpy(p + pbuf_strtab_off(pb), pb->strtab, pb->strtab_size);
	*out = p;
	*len = total;
}
