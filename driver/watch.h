/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watched files: the files that open rules name exactly (path eq), known
 * by inode, so that an open of one of them under another name (a hard
 * link, a bind mount, a second mount of its file system) is reported
 * under the rule's name, with the name it was reached by as via.
 * watch.c implements it.
 *
 * The set is resolved again, from a work item, whenever the active
 * channels change and whenever a handler sees a watched name on another
 * inode (the file was replaced, as passwd(1) replaces /etc/shadow) or
 * on a file it did not name before (created since), at most once a
 * second.
 */
#ifndef VIGIL_WATCH_H
#define VIGIL_WATCH_H

#include "sensor.h"

struct inode;

struct vigil_str vigil_watch_alias(const struct inode *inode,
				   struct vigil_str path, char *buf,
				   bool *watched);
void vigil_watch_check(struct vigil_str path);
void vigil_watch_changed(void);
void vigil_watch_init(void);
void vigil_watch_exit(void);

#endif /* VIGIL_WATCH_H */
