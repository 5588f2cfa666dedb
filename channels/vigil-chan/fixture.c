// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture lines (JSON, json-c) to events, strictly: an unknown key, event
 * type or field, or a value of the wrong type is an error naming the line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "fixture.h"
#include "util.h"

static int ferr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ferr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int set_u64(json_object *v, const char *name, uint64_t *out,
		   char *err, size_t errlen)
{
	const char *s;

	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return ferr(err, errlen, "field '%s': negative number",
				    name);
		*out = json_object_get_uint64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (!parse_u64(s, json_object_get_string_len(v), out))
			return 0;
	}
	return ferr(err, errlen, "field '%s' is a u64: give a number",
		    name);
}

static int set_field(const struct vigil_field_desc *fd, json_object *v,
		     union vigil_value *out, char *err, size_t errlen)
{
	const char *why;
	size_t len;

	switch (fd->type) {
	case VIGIL_FT_U64:
		return set_u64(v, fd->name, &out->num, err, errlen);
	case VIGIL_FT_STR:
	case VIGIL_FT_PATH:
		if (!json_object_is_type(v, json_type_string))
			return ferr(err, errlen, "field '%s' is text: give a string",
				    fd->name);
		len = json_object_get_string_len(v);
		if (len > VIGIL_MAX_FIELD_LEN)
			return ferr(err, errlen, "field '%s': %zu bytes, over the %u an event carries",
				    fd->name, len, VIGIL_MAX_FIELD_LEN);
		out->str.ptr = json_object_get_string(v);
		out->str.len = (u32)len;
		return 0;
	case VIGIL_FT_ADDR:
		if (!json_object_is_type(v, json_type_string))
			return ferr(err, errlen, "field '%s' is an address: give a string",
				    fd->name);
		if (parse_addr(json_object_get_string(v), out->addr.a, NULL,
			       &why))
			return ferr(err, errlen, "field '%s': '%s': %s",
				    fd->name, json_object_get_string(v), why);
		return 0;
	}
	return ferr(err, errlen, "field '%s' has an unknown type", fd->name);
}

static int parse_fields(json_object *fields, struct fixture *f,
			const struct vigil_event_desc *ev, char *err,
			size_t errlen)
{
	struct sbuf b = { 0 };
	int idx;

	if (!json_object_is_type(fields, json_type_object))
		return ferr(err, errlen, "\"fields\" must be an object");
	json_object_object_foreach(fields, key, val) {
		idx = vigil_field_by_name(f->ev.type, key, strlen(key));
		if (idx < 0) {
			field_names(ev, &b);
			ferr(err, errlen, "unknown field '%s' for event '%s' (fields: %s)",
			     key, ev->name, sb_str(&b));
			sb_free(&b);
			return -1;
		}
		if (set_field(&ev->fields[idx], val, &f->ev.v[idx], err,
			      errlen))
			return -1;
	}
	return 0;
}

static int parse_expect(json_object *e, struct fixture *f, char *err,
			size_t errlen)
{
	size_t n, i, j;
	int64_t id;

	if (!json_object_is_type(e, json_type_array))
		return ferr(err, errlen, "\"expect\" must be a list of rule ids");
	n = json_object_array_length(e);
	f->has_expect = true;
	f->expect = xcalloc(n, sizeof(*f->expect));
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(e, i);

		if (!json_object_is_type(v, json_type_int))
			return ferr(err, errlen, "\"expect\" holds a non-number");
		id = json_object_get_int64(v);
		if (id < 1 || id > UINT32_MAX)
			return ferr(err, errlen, "\"expect\": %lld is not a rule id",
				    (long long)id);
		for (j = 0; j < i; j++) {
			if (f->expect[j] == id)
				return ferr(err, errlen, "\"expect\" lists %lld twice",
					    (long long)id);
		}
		f->expect[i] = (uint32_t)id;
	}
	f->nexpect = (unsigned int)n;
	return 0;
}

int fixture_parse(const char *text, struct fixture *f, char *err,
		  size_t errlen)
{
	const struct vigil_event_desc *ev;
	json_tokener *tok = json_tokener_new();
	json_object *o, *v;
	size_t len = strlen(text);
	unsigned int t;
	const char *name;

	memset(&f->ev, 0, sizeof(f->ev));
	f->has_expect = false;
	f->expect = NULL;
	f->nexpect = 0;
	f->obj = NULL;
	if (!tok)
		return ferr(err, errlen, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		ferr(err, errlen, "bad JSON: %s", o ? "trailing text" :
		     json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(o);
		json_tokener_free(tok);
		return -1;
	}
	if (json_tokener_get_parse_end(tok) < len &&
	    text[json_tokener_get_parse_end(tok) +
		 strspn(text + json_tokener_get_parse_end(tok), " \t\r")]) {
		json_object_put(o);
		json_tokener_free(tok);
		return ferr(err, errlen, "bad JSON: text after the object");
	}
	json_tokener_free(tok);
	f->obj = o;
	if (!json_object_is_type(o, json_type_object))
		goto bad_obj;
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "event") && strcmp(key, "fields") &&
		    strcmp(key, "expect")) {
			ferr(err, errlen, "unknown key \"%s\" (keys: event, fields, expect)",
			     key);
			goto fail;
		}
	}
	if (!json_object_object_get_ex(o, "event", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		ferr(err, errlen, "\"event\" (a string) is missing");
		goto fail;
	}
	name = json_object_get_string(v);
	t = vigil_event_type_by_name(name, json_object_get_string_len(v));
	ev = vigil_event_desc(t);
	if (!ev) {
		struct sbuf b = { 0 };

		event_names(&b);
		ferr(err, errlen, "unknown event type '%s' (events: %s)", name,
		     sb_str(&b));
		sb_free(&b);
		goto fail;
	}
	f->ev.type = (u16)t;
	f->ev.nfields = ev->nfields;
	/* left-out fields: 0, the empty string, the zero address */
	if (json_object_object_get_ex(o, "fields", &v) &&
	    parse_fields(v, f, ev, err, errlen))
		goto fail;
	if (json_object_object_get_ex(o, "expect", &v) &&
	    parse_expect(v, f, err, errlen))
		goto fail;
	return 0;
bad_obj:
	ferr(err, errlen, "a fixture must be a JSON object");
fail:
	fixture_release(f);
	return -1;
}

void fixture_release(struct fixture *f)
{
	json_object_put(f->obj);
	free(f->expect);
	f->obj = NULL;
	f->expect = NULL;
}

int fixture_load(const char *path, struct fixture_set *set, FILE *errors)
{
	uint8_t *buf;
	char *line, *next, err[512];
	unsigned int lineno = 0;
	size_t len;
	int bad = 0;

	if (read_file(path, 64U << 20, &buf, &len)) {
		fprintf(errors, "%s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	if (memchr(buf, 0, len)) {
		fprintf(errors, "%s: holds a NUL byte\n", path);
		free(buf);
		return -1;
	}
	for (line = (char *)buf; line && *line; line = next) {
		struct fixture f = { .file = path };
		const char *t;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		t = line + strspn(line, " \t\r");
		if (!*t || *t == '#')
			continue;
		f.line = lineno;
		if (fixture_parse(line, &f, err, sizeof(err))) {
			fprintf(errors, "%s:%u: %s\n", path, lineno, err);
			bad++;
			continue;
		}
		if (set->n == set->cap) {
			set->cap = set->cap ? 2 * set->cap : 64;
			set->v = xrealloc(set->v, set->cap, sizeof(*set->v));
		}
		set->v[set->n++] = f;
	}
	free(buf);
	return bad;
}

void fixture_set_free(struct fixture_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		fixture_release(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}
