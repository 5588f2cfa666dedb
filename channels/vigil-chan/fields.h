/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schema as rule writers see it: names of field types, and the lists
 * of event types and fields that error messages and `fields` print.
 */
#ifndef VCHAN_FIELDS_H
#define VCHAN_FIELDS_H

#include "loader.h"
#include "util.h"

/* "u64", "str", "path", "addr" */
const char *ftype_name(unsigned int type);

/* "exec, fork, ..." appended to @b */
void event_names(struct sbuf *b);

/* "pid, tgid, ..." of @ev appended to @b */
void field_names(const struct vigil_event_desc *ev, struct sbuf *b);

#endif /* VCHAN_FIELDS_H */
