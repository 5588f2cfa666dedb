// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan inspect: a channel file the loader accepted, decoded back to
 * JSON: header fields, digest, signature state and every rule with its
 * condition as an expression and as the postfix node program.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "chanfile.h"
#include "cmds.h"
#include "decode.h"
#include "inspect.h"
#include "util.h"

static uint16_t get_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static json_object *jstr_n(const char *s, size_t len)
{
	return json_object_new_string_len(s, (int)len);
}

static json_object *node_json(const struct dec *d, unsigned int type,
			      uint32_t index, const struct dec_node *n)
{
	json_object *o = json_object_new_object(), *vals;
	struct sbuf b = { 0 };
	uint32_t i;

	json_object_object_add(o, "index", json_object_new_int64(index));
	json_object_object_add(o, "kind",
			       json_object_new_string(dec_kind_name(n->kind)));
	if (n->kind != VIGIL_NODE_PRED) {
		json_object_object_add(o, "argc",
				       json_object_new_int(n->argc));
		return o;
	}
	json_object_object_add(o, "field",
			       json_object_new_string(dec_field_name(type,
								     n->field)));
	json_object_object_add(o, "field_index",
			       json_object_new_int(n->field));
	json_object_object_add(o, "op",
			       json_object_new_string(dec_op_name(n->op)));
	json_object_object_add(o, "nocase", json_object_new_boolean(
				       n->flags & VIGIL_PRED_NOCASE));
	json_object_object_add(o, "all", json_object_new_boolean(
				       n->flags & VIGIL_PRED_ALL));
	vals = json_object_new_array();
	for (i = 0; i < n->argc; i++) {
		uint64_t num;
		size_t len;
		const char *s = dec_value_raw(d, type, n, i, &num, &len);

		if (s) {
			json_object_array_add(vals, jstr_n(s, len));
			continue;
		}
		if (!dec_field_is_addr(type, n->field)) {
			json_object_array_add(vals,
					      json_object_new_uint64(num));
			continue;
		}
		b.len = 0;
		dec_value_text(d, type, n, i, &b);
		json_object_array_add(vals, jstr_n(b.s, b.len));
	}
	sb_free(&b);
	json_object_object_add(o, "values", vals);
	return o;
}

static json_object *rule_json(const struct dec *d, uint32_t index)
{
	json_object *o = json_object_new_object(), *tags, *nodes;
	struct sbuf b = { 0 };
	struct dec_rule r;
	struct dec_node n;
	const char *t, *end;
	uint32_t i;

	dec_rule(d, index, &r);
	json_object_object_add(o, "index", json_object_new_int64(index));
	json_object_object_add(o, "id", json_object_new_int64(r.id));
	json_object_object_add(o, "title", jstr_n(r.title, r.title_len));
	json_object_object_add(o, "event",
			       json_object_new_string(dec_event_name(
							      r.event_type)));
	json_object_object_add(o, "severity",
			       json_object_new_string(dec_severity_name(
							      r.severity)));
	json_object_object_add(o, "action",
			       json_object_new_string(dec_action_name(
							      r.action)));
	tags = json_object_new_array();
	for (t = r.tags, end = r.tags + r.tags_len; t < end;) {
		const char *c = memchr(t, ',', end - t);

		if (!c)
			c = end;
		json_object_array_add(tags, jstr_n(t, c - t));
		t = c + 1;
	}
	json_object_object_add(o, "tags", tags);
	if (dec_condition(d, index, &b))
		sb_addf(&b, "?");
	json_object_object_add(o, "condition", jstr_n(b.s, b.len));
	sb_free(&b);
	nodes = json_object_new_array();
	for (i = 0; i < r.expr_count; i++) {
		dec_node(d, r.expr_first + i, &n);
		json_object_array_add(nodes, node_json(d, r.event_type, i, &n));
	}
	json_object_object_add(o, "nodes", nodes);
	return o;
}

/*
 * The loader's proven bound on the matcher's work for one event, per
 * event type that has rules, and each type's costliest rule.
 */
static json_object *work_json(const struct vigil_channel *ch)
{
	json_object *o = json_object_new_object(), *t;
	unsigned int type;
	uint64_t rw;
	uint32_t r;

	json_object_object_add(o, "budget",
			       json_object_new_uint64(VIGIL_MAX_EVENT_WORK));
	for (type = 1; type <= VIGIL_EV_MAX; type++) {
		r = vigil_ruleset_costliest(ch->rules, type, &rw);
		if (r == UINT32_MAX)
			continue;
		t = json_object_new_object();
		json_object_object_add(t, "bound", json_object_new_uint64(
				vigil_ruleset_work(ch->rules, type)));
		json_object_object_add(t, "costliest_rule",
				       json_object_new_int64(r));
		json_object_object_add(t, "costliest_work",
				       json_object_new_uint64(rw));
		json_object_object_add(o, dec_event_name(type), t);
	}
	return o;
}

json_object *inspect_json(const struct vigil_channel *ch, const uint8_t *raw,
			  size_t raw_len)
{
	json_object *o = json_object_new_object(), *rules;
	char hex[2 * VIGIL_CHAN_DIGEST_LEN + 1];
	struct dec d;
	uint32_t i;

#define HDR16(f) get_le16(raw + offsetof(struct vigil_chan_header, f))
#define HDR32(f) get_unaligned_le32(raw + offsetof(struct vigil_chan_header, f))
	json_object_object_add(o, "format_version",
			       json_object_new_int(HDR16(format_version)));
	json_object_object_add(o, "header_size",
			       json_object_new_int(HDR16(header_size)));
	json_object_object_add(o, "flags", json_object_new_int64(HDR32(flags)));
	json_object_object_add(o, "channel_id",
			       json_object_new_int64(ch->channel_id));
	json_object_object_add(o, "schema_version",
			       json_object_new_int64(ch->schema_version));
	json_object_object_add(o, "content_version",
			       json_object_new_uint64(ch->content_version));
	json_object_object_add(o, "compression", json_object_new_string(
				       HDR16(compression) ==
				       VIGIL_COMPRESSION_ZSTD ? "zstd" : "?"));
	json_object_object_add(o, "compressed_size",
			       json_object_new_int64(HDR32(compressed_size)));
	json_object_object_add(o, "uncompressed_size",
			       json_object_new_int64(HDR32(uncompressed_size)));
#undef HDR16
#undef HDR32
	hex_string(ch->digest, VIGIL_CHAN_DIGEST_LEN, hex);
	json_object_object_add(o, "digest", json_object_new_string(hex));
	json_object_object_add(o, "file_size",
			       json_object_new_int64(raw_len));
	json_object_object_add(o, "signed", json_object_new_boolean(ch->signed_));
	json_object_object_add(o, "signature_verified",
			       json_object_new_boolean(ch->sig_verified));
	if (dec_init(&d, ch->payload, ch->payload_size)) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "work", work_json(ch));
	json_object_object_add(o, "memory",
			       json_object_new_uint64(vigil_channel_mem(ch)));
	json_object_object_add(o, "nrules", json_object_new_int64(d.nrules));
	json_object_object_add(o, "nnodes", json_object_new_int64(d.nnodes));
	json_object_object_add(o, "nvalues", json_object_new_int64(d.nvalues));
	json_object_object_add(o, "strtab_size",
			       json_object_new_int64(d.strtab_size));
	rules = json_object_new_array();
	for (i = 0; i < d.nrules; i++)
		json_object_array_add(rules, rule_json(&d, i));
	json_object_object_add(o, "rules", rules);
	return o;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cert", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigil_load_opts lo = { 0 };
	struct vigil_channel *ch;
	char line[512];
	uint8_t *raw;
	size_t raw_len;
	json_object *o;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			break;
		case 'c':
			lo.verify = chan_verify_openssl;
			lo.verify_ctx = optarg;
			break;
		case 'h':
			usage(stdout, "inspect");
			return VC_EXIT_OK;
		default:
			return usage_error("inspect", NULL);
		}
	}
	if (argc - optind != 1)
		return usage_error("inspect", "expected one FILE");
	if (lo.verify_ctx && check_readable("inspect", "--cert",
					    lo.verify_ctx))
		return VC_EXIT_USAGE;
	if (load_channel_file(argv[optind], &lo, &ch, &raw, &raw_len, line,
			      sizeof(line))) {
		fprintf(stderr, "%s\n", line);
		return VC_EXIT_FAIL;
	}
	o = inspect_json(ch, raw, raw_len);
	if (o) {
		json_object_object_add(o, "file",
				       json_object_new_string(argv[optind]));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	vigil_channel_free(ch);
	free(raw);
	if (!o) {
		vc_err("inspect", "%s: cannot decode the payload", argv[optind]);
		return VC_EXIT_FAIL;
	}
	return VC_EXIT_OK;
}
