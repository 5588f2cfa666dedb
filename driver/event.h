/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building one event: what every hooked area (files.c, net.c, tasks.c,
 * creds.c, modules.c) needs to fill the schema's fields from kernel
 * objects.  event.c implements it.
 *
 * A handler takes this CPU's scratch space with vigil_event_begin(),
 * fills its event through a vigil_fill_<event>() constructor (schema.h)
 * and hands it over with vigil_event_submit().  In between it runs with
 * preemption disabled, so it never sleeps, and reads nothing from user
 * memory but what no kernel object holds (argv, module parameters).
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <linux/sched.h>

#include "sensor.h"

struct path;
struct dentry;

/**
 * struct vigil_scratch - per-CPU space of one event being built
 * @busy: a handler on this CPU is using it (guards against nesting)
 * @ev: the event
 * @comm: comm of the event's task
 * @comm2: a second comm (parent, ptrace target)
 * @buf1: first string field (paths)
 * @buf2: second string field (argv, module parameters)
 * @exe: the acting task's executable
 */
struct vigil_scratch {
	bool busy;
	struct vigil_event ev;
	char comm[TASK_COMM_LEN];
	char comm2[TASK_COMM_LEN];
	char buf1[VIGIL_MAX_FIELD_LEN];
	char buf2[VIGIL_MAX_FIELD_LEN];
	char exe[VIGIL_MAX_FIELD_LEN];
};

/**
 * struct vigil_common - the fields every event carries, as fill arguments
 * @pid: thread id, initial pid namespace
 * @tgid: process id
 * @ppid: the parent's process id
 * @uid: real uid, initial user namespace
 * @gid: real gid
 * @comm: the task's comm, which it chooses
 * @exe: canonical path of its executable, empty for kernel threads
 */
struct vigil_common {
	u64 pid, tgid, ppid, uid, gid;
	struct vigil_str comm;
	struct vigil_str exe;
};

struct vigil_scratch *vigil_event_begin(void);
void vigil_event_submit(struct vigil_scratch *s);
int vigil_event_decide(struct vigil_scratch *s);
void vigil_event_end(struct vigil_scratch *s);
void vigil_event_common(struct vigil_scratch *s, struct vigil_common *c,
			struct task_struct *t);

struct vigil_str vigil_event_str(const char *p, u32 len);
struct vigil_str vigil_event_comm(const struct task_struct *t, char *buf);
struct vigil_str vigil_event_path(const struct path *path, char *buf);
struct vigil_str vigil_event_child(const struct path *dir,
				   const struct dentry *dentry, char *buf);
u32 vigil_event_user_str(char *dst, u32 max, unsigned long src);

/* Ids in the initial user namespace, (uid_t)-1 as the overflow id. */
static inline u64 vigil_uid(kuid_t uid)
{
	uid_t u = __kuid_val(uid);

	return u == (uid_t)-1 ? (u64)overflowuid : u;
}

static inline u64 vigil_gid(kgid_t gid)
{
	gid_t g = __kgid_val(gid);

	return g == (gid_t)-1 ? (u64)overflowgid : g;
}

int vigil_event_init(void);
void vigil_event_exit(void);

#endif /* VIGIL_EVENT_H */
