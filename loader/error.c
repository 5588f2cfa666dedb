// SPDX-License-Identifier: GPL-2.0
/*
 * Names and descriptions of the loader's error classes, generated from
 * VIGIL_ERRORS in loader.h.
 */
#include "loader.h"

#define VIGIL_ERR_ROW(n, nr, t) \
	[nr] = { .name = #n, .text = t },

static const struct {
	const char *name;
	const char *text;
} vigil_err_table[] = {
	VIGIL_ERRORS(VIGIL_ERR_ROW)
};

#undef VIGIL_ERR_ROW

const char *vigil_err_name(int code)
{
	if (code < 0 || code >= (int)ARRAY_SIZE(vigil_err_table) ||
	    !vigil_err_table[code].name)
		return "UNKNOWN";
	return vigil_err_table[code].name;
}

const char *vigil_err_text(int code)
{
	if (code < 0 || code >= (int)ARRAY_SIZE(vigil_err_table) ||
	    !vigil_err_table[code].text)
		return "unknown error";
	return vigil_err_table[code].text;
}
