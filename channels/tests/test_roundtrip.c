// SPDX-License-Identifier: GPL-2.0
/*
 * build -> load -> inspect, and back: a channel's inspect JSON is turned
 * into YAML again (one selection per predicate, the condition rebuilt from
 * the postfix nodes) and compiled; the payload must come out byte for byte
 * the same.  That proves inspect shows everything the payload holds, and
 * the compiler is deterministic.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build.h"
#include "chantest.h"
#include "inspect.h"
#include "loader.h"
#include "util.h"

static const char fifo_yaml[] =
	"channel:\n  id: 291\n  version: 3\n  name: fifo-c2\n"
	"rules:\n"
	"  - id: 291001\n"
	"    title: Named pipe with a C2 name in a temp folder\n"
	"    event: fifo\n    severity: high\n    action: report\n"
	"    tags: [attack.t1559, attack.command_and_control]\n"
	"    detection:\n"
	"      in_tmp:\n        path|startswith: [/tmp/, /dev/shm/, /var/tmp/]\n"
	"      c2_name:\n        path|contains|nocase: [c2, beacon, implant]\n"
	"      package_manager:\n        comm: [dpkg, apt-get]\n"
	"      condition: in_tmp and c2_name and not package_manager\n"
	"  - id: 291002\n    title: Connection to a private net\n"
	"    event: connect\n    severity: low\n    action: kill\n"
	"    detection:\n"
	"      net:\n        daddr|cidr: [10.0.0.0/8, 'fd00::/8']\n"
	"      port:\n        dport|lt: 1024\n"
	"      condition: net or not port\n";

static uint8_t *build_text(const char *yaml, size_t *len)
{
	char path[] = CT_TMP "/roundtrip.yaml";
	const char *paths[] = { path };
	uint8_t *file;

	ct_mkdirs();
	ct_write(path, yaml, strlen(yaml));
	assert_int_equal(vc_build_sources(paths, 1, NULL, 19, &file, len,
					  stderr), 0);
	return file;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

static const char *gets(json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

static void inspect_fields(void **state)
{
	struct vigil_channel *ch;
	struct vigil_error e;
	json_object *o, *r, *n, *v;
	size_t len;
	uint8_t *file = build_text(fifo_yaml, &len);

	assert_int_equal(vigil_channel_load(file, len, NULL, &ch, &e), 0);
	o = inspect_json(ch, file, len);
	assert_non_null(o);
	assert_int_equal(json_object_get_int(get(o, "channel_id")), 291);
	assert_int_equal(json_object_get_int(get(o, "content_version")), 3);
	assert_int_equal(json_object_get_int(get(o, "schema_version")),
			 VIGIL_SCHEMA_VERSION);
	assert_int_equal(json_object_get_int(get(o, "format_version")), 1);
	assert_int_equal(json_object_get_int(get(o, "file_size")), len);
	assert_int_equal(strlen(gets(o, "digest")), 64);
	assert_false(json_object_get_boolean(get(o, "signed")));
	assert_int_equal(json_object_get_int(get(o, "nrules")), 2);

	r = json_object_array_get_idx(get(o, "rules"), 0);
	assert_int_equal(json_object_get_int(get(r, "id")), 291001);
	assert_string_equal(gets(r, "title"),
			    "Named pipe with a C2 name in a temp folder");
	assert_string_equal(gets(r, "event"), "fifo");
	assert_string_equal(gets(r, "severity"), "high");
	assert_string_equal(gets(r, "action"), "report");
	assert_int_equal(json_object_array_length(get(r, "tags")), 2);
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(get(r, "tags"), 1)),
		"attack.command_and_control");
	assert_string_equal(gets(r, "condition"),
			    "(path|startswith: [\"/tmp/\", \"/dev/shm/\", \"/var/tmp/\"]"
			    " and path|contains|nocase: [\"c2\", \"beacon\", \"implant\"]"
			    " and not comm: [\"dpkg\", \"apt-get\"])");
	assert_int_equal(json_object_array_length(get(r, "nodes")), 5);
	n = json_object_array_get_idx(get(r, "nodes"), 1);
	assert_string_equal(gets(n, "kind"), "pred");
	assert_string_equal(gets(n, "field"), "path");
	assert_string_equal(gets(n, "op"), "contains");
	assert_true(json_object_get_boolean(get(n, "nocase")));
	assert_false(json_object_get_boolean(get(n, "all")));
	v = get(n, "values");
	assert_int_equal(json_object_array_length(v), 3);
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(v, 2)), "implant");
	n = json_object_array_get_idx(get(r, "nodes"), 3);
	assert_string_equal(gets(n, "kind"), "not");
	n = json_object_array_get_idx(get(r, "nodes"), 4);
	assert_string_equal(gets(n, "kind"), "and");
	assert_int_equal(json_object_get_int(get(n, "argc")), 3);

	r = json_object_array_get_idx(get(o, "rules"), 1);
	assert_string_equal(gets(r, "action"), "kill");
	assert_int_equal(json_object_array_length(get(r, "tags")), 0);
	assert_string_equal(gets(r, "condition"),
			    "(daddr|cidr: [10.0.0.0/8, fd00::/8] or not dport|lt: 1024)");
	n = json_object_array_get_idx(get(r, "nodes"), 1);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(
		get(n, "values"), 0)), 1024);

	json_object_put(o);
	vigil_channel_free(ch);
	free(file);
}

/* JSON string syntax is also YAML double-quoted string syntax. */
static void add_quoted(struct sbuf *y, json_object *s)
{
	sb_addf(y, "%s", json_object_to_json_string_ext(
			s, JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The YAML of one rule, rebuilt from inspect's JSON. */
static void rule_yaml(struct sbuf *y, json_object *r)
{
	struct sbuf stack[VIGIL_MAX_EXPR_DEPTH];
	json_object *nodes = get(r, "nodes"), *tags = get(r, "tags");
	size_t i, k, sp = 0, nn = json_object_array_length(nodes);

	sb_addf(y, "  - id: %d\n    title: ", json_object_get_int(get(r, "id")));
	add_quoted(y, get(r, "title"));
	sb_addf(y, "\n    event: %s\n    severity: %s\n    action: %s\n",
		gets(r, "event"), gets(r, "severity"), gets(r, "action"));
	if (json_object_array_length(tags)) {
		sb_addf(y, "    tags: [");
		for (i = 0; i < json_object_array_length(tags); i++) {
			if (i)
				sb_addf(y, ", ");
			add_quoted(y, json_object_array_get_idx(tags, i));
		}
		sb_addf(y, "]\n");
	}
	sb_addf(y, "    detection:\n");
	memset(stack, 0, sizeof(stack));
	for (i = 0; i < nn; i++) {
		json_object *n = json_object_array_get_idx(nodes, i), *v;
		const char *kind = gets(n, "kind");
		struct sbuf t = { 0 };

		if (!strcmp(kind, "pred")) {
			sb_addf(y, "      p%zu:\n        %s", i, gets(n, "field"));
			if (strcmp(gets(n, "op"), "eq"))
				sb_addf(y, "|%s", gets(n, "op"));
			if (json_object_get_boolean(get(n, "nocase")))
				sb_addf(y, "|nocase");
			if (json_object_get_boolean(get(n, "all")))
				sb_addf(y, "|all");
			sb_addf(y, ": [");
			v = get(n, "values");
			for (k = 0; k < json_object_array_length(v); k++) {
				if (k)
					sb_addf(y, ", ");
				add_quoted(y, json_object_array_get_idx(v, k));
			}
			sb_addf(y, "]\n");
			sb_addf(&t, "p%zu", i);
		} else if (!strcmp(kind, "not")) {
			assert_true(sp >= 1);
			sb_addf(&t, "not %s", sb_str(&stack[--sp]));
			sb_free(&stack[sp]);
		} else {
			size_t argc = json_object_get_int(get(n, "argc"));

			assert_true(sp >= argc);
			sb_addf(&t, "(");
			for (k = sp - argc; k < sp; k++) {
				if (k > sp - argc)
					sb_addf(&t, " %s ", kind);
				sb_addf(&t, "%s", sb_str(&stack[k]));
				sb_free(&stack[k]);
			}
			sb_addf(&t, ")");
			sp -= argc;
		}
		assert_true(sp < VIGIL_MAX_EXPR_DEPTH);
		stack[sp++] = t;
	}
	assert_int_equal(sp, 1);
	sb_addf(y, "      condition: %s\n", sb_str(&stack[0]));
	sb_free(&stack[0]);
}

/* inspect a file, rebuild its sources, compile them: same payload? */
static void check_faithful(const char *name, const uint8_t *file,
			   size_t len)
{
	struct vigil_channel *ch;
	struct vigil_error e;
	struct sbuf y = { 0 };
	json_object *o, *rules;
	struct vc_compiler *c;
	uint8_t *payload;
	size_t plen, i;

	assert_int_equal(vigil_channel_load(file, len, NULL, &ch, &e), 0);
	o = inspect_json(ch, file, len);
	assert_non_null(o);
	sb_addf(&y, "channel: {id: %u, version: %llu}\nrules:\n",
		ch->channel_id, (unsigned long long)ch->content_version);
	rules = get(o, "rules");
	assert_int_equal(json_object_array_length(rules), ch->nrules);
	for (i = 0; i < json_object_array_length(rules); i++)
		rule_yaml(&y, json_object_array_get_idx(rules, i));
	c = ct_compile(y.s, &payload, &plen);
	if (vc_ndiags(c)) {
		fprintf(stderr, "%s: rebuilt source:\n%s", name, y.s);
		ct_show(c);
	}
	assert_int_equal(vc_ndiags(c), 0);
	if (plen != ch->payload_size ||
	    memcmp(payload, ch->payload, plen))
		fail_msg("%s: the rebuilt payload differs", name);
	free(payload);
	vc_free(c);
	sb_free(&y);
	json_object_put(o);
	vigil_channel_free(ch);
}

static void faithful_small(void **state)
{
	size_t len;
	uint8_t *file = build_text(fifo_yaml, &len);

	check_faithful("fifo", file, len);
	free(file);
}

static void faithful_shipped_channels(void **state)
{
	DIR *d = opendir("channels/rules");
	struct dirent *de;
	unsigned int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512];
		const char *paths[] = { path };
		uint8_t *file;
		size_t len, nl = strlen(de->d_name);

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "channels/rules/%s", de->d_name);
		assert_int_equal(vc_build_sources(paths, 1, NULL, 3, &file,
						  &len, stderr), 0);
		check_faithful(path, file, len);
		free(file);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inspect_fields),
		cmocka_unit_test(faithful_small),
		cmocka_unit_test(faithful_shipped_channels),
	};

	ct_chdir_root(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
