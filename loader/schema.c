// SPDX-License-Identifier: GPL-2.0
/*
 * The schema's tables, generated from the declarations in schema.h.
 */
#include "schema.h"

#define VIGIL_FIELD_DESC(fname, ftype)	{ .name = #fname, .type = VIGIL_FT_##ftype },
#define VIGIL_EV_FIELDS_TABLE(NAME, name, nr, FIELDS)			\
	static const struct vigil_field_desc vigil_##name##_fields[] = { \
		FIELDS(VIGIL_FIELD_DESC)				\
	};
VIGIL_EVENTS(VIGIL_EV_FIELDS_TABLE)
#undef VIGIL_EV_FIELDS_TABLE

static const struct vigil_event_desc vigil_events[VIGIL_EV_MAX + 1] = {
#define VIGIL_EV_DESC(NAME, lname, nr, FIELDS)				\
	[nr] = {							\
		.name = #lname,						\
		.nfields = ARRAY_SIZE(vigil_##lname##_fields),		\
		.fields = vigil_##lname##_fields,			\
	},
	VIGIL_EVENTS(VIGIL_EV_DESC)
#undef VIGIL_EV_DESC
};

/* The tables and the field enums come from the same list; prove it. */
#define VIGIL_EV_CHECK(NAME, name, nr, FIELDS)				\
	static_assert(ARRAY_SIZE(vigil_##name##_fields) ==		\
		      VIGIL_##NAME##__COUNT, #name " field count");
VIGIL_EVENTS(VIGIL_EV_CHECK)
#undef VIGIL_EV_CHECK

const struct vigil_event_desc *vigil_event_desc(unsigned int type)
{
	if (type == VIGIL_EV_NONE || type > VIGIL_EV_MAX)
		return NULL;
	return vigil_events[type].name ? &vigil_events[type] : NULL;
}

static bool vigil_name_eq(const char *a, const char *b, size_t len)
{
	return strlen(a) == len && !memcmp(a, b, len);
}

unsigned int vigil_event_type_by_name(const char *name, size_t len)
{
	unsigned int t;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		if (vigil_events[t].name &&
		    vigil_name_eq(vigil_events[t].name, name, len))
			return t;
	}
	return VIGIL_EV_NONE;
}

int vigil_field_by_name(unsigned int type, const char *name, size_t len)
{
	const struct vigil_event_desc *d = vigil_event_desc(type);
	unsigned int i;

	if (!d)
		return -1;
	for (i = 0; i < d->nfields; i++) {
		if (vigil_name_eq(d->fields[i].name, name, len))
			return i;
	}
	return -1;
}
