// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the input is an uncompressed payload.  It goes
 * through vigil_payload_validate(); if accepted, it is compiled and every
 * rule set is run against a few events of every type (zeroed fields, and
 * fields made from the input's own bytes so that string patterns in the
 * payload have a chance to match), then freed.
 *
 * Invariants: the validator's verdict agrees with err->code and its
 * message is one terminated line; a validated payload always compiles
 * unless it is over a cost cap or out of memory; vigil_match() never
 * reports more matches than rules and never fails on a well-formed event;
 * vigil_rule_eval() agrees with vigil_match() on rule 0.
 */
#include <stdint.h>

#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
	int n;
	bool rule0;
};

static int on_match(void *ctx, const struct vigil_match *m)
{
	struct fuzz_ctx *c = ctx;

	c->n++;
	if (m->rule_index == 0)
		c->rule0 = true;
	return 0;
}

static void check_msg(const struct vigil_error *err, int ret)
{
	size_t mlen = strnlen(err->msg, sizeof(err->msg));

	if (ret != err->code || mlen == sizeof(err->msg) ||
	    memchr(err->msg, '\n', mlen) || (ret && !mlen))
		abort();
}

/* An event of type t; strings point into s (len bytes), numbers from k. */
static void make_event(struct vigil_event *ev, unsigned int t,
		       const u8 *s, u32 len, u64 k)
{
	const struct vigil_event_desc *d = vigil_event_desc(t);
	unsigned int i;

	memset(ev, 0, sizeof(*ev));
	ev->type = t;
	ev->nfields = d->nfields;
	for (i = 0; i < d->nfields; i++) {
		switch (d->fields[i].type) {
		case VIGIL_FT_U64:
			ev->v[i].num = k + i;
			break;
		case VIGIL_FT_STR:
		case VIGIL_FT_PATH:
			ev->v[i].str.ptr = (const char *)s;
			ev->v[i].str.len = len;
			break;
		case VIGIL_FT_ADDR:
			memcpy(ev->v[i].addr.a, s, min(len, 16U));
			break;
		}
	}
}

static void run_events(const struct vigil_ruleset *rs, u32 nrules,
		       const u8 *p, size_t len)
{
	/* the tail of the payload is its string table */
	u32 slen = min(len, (size_t)VIGIL_MAX_FIELD_LEN);
	const u8 *tail = p + len - min(slen, 64U);
	const struct vigil_rule_rec *r0rec = (const void *)(p + 24);
	unsigned int type0 = le16_to_cpu(r0rec->event_type);
	struct vigil_event ev;
	unsigned int t, k;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		for (k = 0; k < 3; k++) {
			struct fuzz_ctx c = { 0 };
			int ret, r0;

			if (k == 0)
				make_event(&ev, t, p, 0, 0);
			else if (k == 1)
				make_event(&ev, t, tail, min(slen, 64U), 1);
			else
				make_event(&ev, t, p + len - slen, slen,
					   get_unaligned_le32(p + 4));
			ret = vigil_match(rs, &ev, on_match, &c);
			if (ret < 0 || ret != c.n || (u32)ret > nrules)
				abort();
			r0 = vigil_rule_eval(rs, 0, &ev, -1);
			if (r0 < 0 || (type0 == t && (r0 == 1) != c.rule0))
				abort();
			if (vigil_rule_eval(rs, 0, &ev, 0) < 0)
				abort();
		}
	}
	/* a malformed event is refused */
	make_event(&ev, VIGIL_EV_EXEC, p, 0, 0);
	ev.nfields++;
	if (vigil_match(rs, &ev, on_match, &(struct fuzz_ctx){ 0 }) !=
	    -EINVAL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_ruleset *rs = NULL;
	struct vigil_error err;
	u8 *p;
	int ret;

	if (size > VIGIL_MAX_UNCOMPRESSED_SIZE)
		return 0;
	/* the loader decompresses into an 8-byte aligned buffer; so do we */
	p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	ret = vigil_payload_validate(p, size, &err);
	check_msg(&err, ret);
	if (ret) {
		free(p);
		return 0;
	}
	ret = vigil_ruleset_compile(p, size, &rs, &err);
	check_msg(&err, ret);
	if (ret != VIGIL_E_OK && ret != VIGIL_E_COST && ret != VIGIL_E_NOMEM)
		abort();
	if (!ret) {
		if (!rs)
			abort();
		run_events(rs, get_unaligned_le32(p + 4), p, size);
		vigil_ruleset_free(rs);
	}
	free(p);
	return 0;
}
