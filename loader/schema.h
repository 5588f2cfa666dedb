/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil event schema: the one list of event types and their fields.
 *
 * Everything that knows about events takes it from here: the channel
 * validator checks every field reference against these tables, the matcher
 * reads values by these indexes, and the kernel hooks fill events through
 * the vigil_fill_<event>() constructors generated below, which take exactly
 * one argument per declared field.  A producer that passes a field too many
 * or too few does not compile.
 *
 * Adding a field or an event type changes what content may reference, so it
 * bumps VIGIL_SCHEMA_VERSION.  Fields are only ever appended.
 */
#ifndef VIGIL_SCHEMA_H
#define VIGIL_SCHEMA_H

#include "compat.h"

#define VIGIL_SCHEMA_VERSION	2

/**
 * enum vigil_ftype - type of an event field
 * @VIGIL_FT_U64: unsigned 64-bit integer (ids, flags, modes, ports)
 * @VIGIL_FT_STR: byte string, not NUL-terminated (comm, argv, names)
 * @VIGIL_FT_PATH: file system path; matched like a string
 * @VIGIL_FT_ADDR: network address, IPv6 or IPv4-mapped IPv6 (16 bytes)
 */
enum vigil_ftype {
	VIGIL_FT_U64 = 1,
	VIGIL_FT_STR = 2,
	VIGIL_FT_PATH = 3,
	VIGIL_FT_ADDR = 4,
};

/* Fields every event carries first, in this order. */
#define VIGIL_COMMON_FIELDS(F)			\
	F(pid, U64)				\
	F(tgid, U64)				\
	F(ppid, U64)				\
	F(uid, U64)				\
	F(gid, U64)				\
	F(comm, STR)

/*
 * Fields every event carries last (schema 2 on): the acting task's
 * executable, the canonical path of the file its memory maps as its
 * program (mm->exe_file), which no process chooses the way it chooses its
 * comm; empty for kernel threads.
 */
#define VIGIL_ACTOR_FIELDS(F)			\
	F(exe, PATH)

/*
 * A new program image: an execve(2)/execveat(2) that succeeded, on any
 * route.  filename is the file the kernel executed (for a script, its
 * interpreter; the script is in argv).
 */
#define VIGIL_EXEC_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(euid, U64)				\
	F(filename, PATH)			\
	F(argv, STR)		/* argv joined by spaces, bounded */	\
	F(pcomm, STR)		/* comm of the parent */		\
	VIGIL_ACTOR_FIELDS(F)

/* A new task: fork(2)/clone(2); pid/tgid are the child's. */
#define VIGIL_FORK_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(parent_pid, U64)			\
	F(clone_flags, U64)			\
	VIGIL_ACTOR_FIELDS(F)

/* A task exited. */
#define VIGIL_EXIT_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(exit_code, U64)			\
	VIGIL_ACTOR_FIELDS(F)

/*
 * A file was opened, on any route (open(2) and its relatives, creat(2),
 * io_uring, open_by_handle_at(2), exec), or a name was made to refer to a
 * file written elsewhere (rename(2), link(2)), which is reported as an
 * open of that name for writing.  path is canonical.  A file that a rule
 * names exactly (path eq), reached by another name (a hard link, a bind
 * mount, another mount of its file system), has that rule's name as path
 * and the name it was reached by as via; via is empty otherwise.
 */
#define VIGIL_OPEN_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(path, PATH)				\
	F(flags, U64)		/* O_* flags of the open file */	\
	F(mode, U64)		/* the file's type and permissions */	\
	F(via, PATH)				\
	VIGIL_ACTOR_FIELDS(F)

/*
 * A named pipe was created (mknod(2), mkfifo(3)), or given a new name
 * (rename(2), link(2)); path is the new name, canonical.
 */
#define VIGIL_FIFO_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(path, PATH)				\
	F(mode, U64)				\
	VIGIL_ACTOR_FIELDS(F)

/*
 * An outgoing connection on an inet, inet6 or unix socket: connect(2) and
 * io_uring's, or a datagram sent to an address (sendto(2), sendmsg(2)).
 */
#define VIGIL_CONNECT_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(family, U64)		/* AF_INET, AF_INET6, AF_UNIX */	\
	F(daddr, ADDR)		/* IPv4 as ::ffff:a.b.c.d; zero for unix */ \
	F(dport, U64)				\
	F(unix_path, PATH)	/* empty unless AF_UNIX */		\
	VIGIL_ACTOR_FIELDS(F)

/* A kernel module load: init_module(2)/finit_module(2). */
#define VIGIL_MODULE_LOAD_FIELDS(F)		\
	VIGIL_COMMON_FIELDS(F)			\
	F(path, PATH)		/* file of finit_module, empty otherwise */ \
	F(args, STR)		/* module parameters */			\
	F(flags, U64)				\
	VIGIL_ACTOR_FIELDS(F)

/*
 * An attach to another process's memory: ptrace(2) PTRACE_ATTACH and
 * PTRACE_SEIZE, process_vm_readv(2)/process_vm_writev(2), /proc/PID/mem;
 * request is ptrace(2)'s, 0 on the other routes.
 */
#define VIGIL_PTRACE_FIELDS(F)			\
	VIGIL_COMMON_FIELDS(F)			\
	F(target_pid, U64)			\
	F(request, U64)				\
	F(target_comm, STR)			\
	VIGIL_ACTOR_FIELDS(F)

/*
 * A credential change: setuid(2) and its relatives, setgid(2) and its
 * relatives, an exec of a set-user-ID or set-group-ID program; uid/gid
 * are the old ones.
 */
#define VIGIL_CRED_CHANGE_FIELDS(F)		\
	VIGIL_COMMON_FIELDS(F)			\
	F(euid, U64)				\
	F(new_uid, U64)				\
	F(new_euid, U64)			\
	F(new_gid, U64)				\
	F(syscall, U64)		/* the system call that made it */	\
	VIGIL_ACTOR_FIELDS(F)

/*
 * The event types: E(NAME, name, number, FIELDS).  Numbers are part of the
 * channel format and never reused.
 */
#define VIGIL_EVENTS(E)						\
	E(EXEC, exec, 1, VIGIL_EXEC_FIELDS)			\
	E(FORK, fork, 2, VIGIL_FORK_FIELDS)			\
	E(EXIT, exit, 3, VIGIL_EXIT_FIELDS)			\
	E(OPEN, open, 4, VIGIL_OPEN_FIELDS)			\
	E(FIFO, fifo, 5, VIGIL_FIFO_FIELDS)			\
	E(CONNECT, connect, 6, VIGIL_CONNECT_FIELDS)		\
	E(MODULE_LOAD, module_load, 7, VIGIL_MODULE_LOAD_FIELDS) \
	E(PTRACE, ptrace, 8, VIGIL_PTRACE_FIELDS)		\
	E(CRED_CHANGE, cred_change, 9, VIGIL_CRED_CHANGE_FIELDS)

enum vigil_event_type {
	VIGIL_EV_NONE = 0,
#define VIGIL_EV_ENUM(NAME, name, nr, FIELDS) VIGIL_EV_##NAME = nr,
	VIGIL_EVENTS(VIGIL_EV_ENUM)
#undef VIGIL_EV_ENUM
	VIGIL_EV_LAST_PLUS_ONE,
};
#define VIGIL_EV_MAX	(VIGIL_EV_LAST_PLUS_ONE - 1)

/* Field indexes: VIGIL_EXEC_pid, VIGIL_EXEC_filename, ..., VIGIL_EXEC__COUNT */
#define VIGIL_EV_FIELD_ENUM(NAME, name, nr, FIELDS)			\
	enum vigil_##name##_field {					\
		FIELDS(VIGIL_FIELD_ENUM##_##NAME)			\
		VIGIL_##NAME##__COUNT					\
	};
/* one helper per event so the enumerators get the event's prefix */
#define VIGIL_FIELD_ENUM_EXEC(n, t)		VIGIL_EXEC_##n,
#define VIGIL_FIELD_ENUM_FORK(n, t)		VIGIL_FORK_##n,
#define VIGIL_FIELD_ENUM_EXIT(n, t)		VIGIL_EXIT_##n,
#define VIGIL_FIELD_ENUM_OPEN(n, t)		VIGIL_OPEN_##n,
#define VIGIL_FIELD_ENUM_FIFO(n, t)		VIGIL_FIFO_##n,
#define VIGIL_FIELD_ENUM_CONNECT(n, t)		VIGIL_CONNECT_##n,
#define VIGIL_FIELD_ENUM_MODULE_LOAD(n, t)	VIGIL_MODULE_LOAD_##n,
#define VIGIL_FIELD_ENUM_PTRACE(n, t)		VIGIL_PTRACE_##n,
#define VIGIL_FIELD_ENUM_CRED_CHANGE(n, t)	VIGIL_CRED_CHANGE_##n,
VIGIL_EVENTS(VIGIL_EV_FIELD_ENUM)
#undef VIGIL_EV_FIELD_ENUM

/* The widest event; event records reserve this many values. */
#define VIGIL_MAX_FIELDS	16
#define VIGIL_EV_ASSERT_WIDTH(NAME, name, nr, FIELDS)			\
	static_assert(VIGIL_##NAME##__COUNT <= VIGIL_MAX_FIELDS,	\
		      #name " has more fields than VIGIL_MAX_FIELDS");
VIGIL_EVENTS(VIGIL_EV_ASSERT_WIDTH)
#undef VIGIL_EV_ASSERT_WIDTH

/**
 * struct vigil_str - a bounded byte string in an event
 * @ptr: first byte; need not be NUL-terminated
 * @len: number of bytes
 */
struct vigil_str {
	const char *ptr;
	u32 len;
};

/**
 * struct vigil_addr - a network address in an event
 * @a: IPv6 address in network byte order; IPv4 is mapped (::ffff:a.b.c.d)
 */
struct vigil_addr {
	u8 a[16];
};

/**
 * union vigil_value - one field value; its type comes from the schema
 * @num: VIGIL_FT_U64
 * @str: VIGIL_FT_STR and VIGIL_FT_PATH
 * @addr: VIGIL_FT_ADDR
 */
union vigil_value {
	u64 num;
	struct vigil_str str;
	struct vigil_addr addr;
};

/**
 * struct vigil_event - an event record as the matcher sees it
 * @type: enum vigil_event_type
 * @nfields: number of values filled, the schema's count for @type
 * @v: the values, in schema order
 *
 * Fill it only through vigil_fill_<event>().  The matcher checks @type and
 * @nfields again before every read.
 */
struct vigil_event {
	u16 type;
	u16 nfields;
	union vigil_value v[VIGIL_MAX_FIELDS];
};

/*
 * Generated constructors.  vigil_fill_exec(ev, pid, tgid, ppid, uid, gid,
 * comm, euid, filename, argv, pcomm) and so on: one parameter per field, of
 * the field's C type, in schema order.
 */
#define VIGIL_CTYPE_U64		u64
#define VIGIL_CTYPE_STR		struct vigil_str
#define VIGIL_CTYPE_PATH	struct vigil_str
#define VIGIL_CTYPE_ADDR	struct vigil_addr
#define VIGIL_MEMBER_U64	num
#define VIGIL_MEMBER_STR	str
#define VIGIL_MEMBER_PATH	str
#define VIGIL_MEMBER_ADDR	addr

#define VIGIL_FILL_PARAM(name, type)	, VIGIL_CTYPE_##type name
#define VIGIL_FILL_STORE(name, type)	ev->v[i++].VIGIL_MEMBER_##type = name;
#define VIGIL_EV_FILL_FN(NAME, name, nr, FIELDS)			\
static inline void vigil_fill_##name(struct vigil_event *ev		\
				     FIELDS(VIGIL_FILL_PARAM))		\
{									\
	unsigned int i = 0;						\
									\
	ev->type = VIGIL_EV_##NAME;					\
	FIELDS(VIGIL_FILL_STORE)					\
	ev->nfields = i;						\
}
VIGIL_EVENTS(VIGIL_EV_FILL_FN)
#undef VIGIL_EV_FILL_FN

/**
 * struct vigil_field_desc - one field as content sees it
 * @name: the name rules use
 * @type: enum vigil_ftype
 */
struct vigil_field_desc {
	const char *name;
	u8 type;
};

/**
 * struct vigil_event_desc - one event type as content sees it
 * @name: the name rules use ("exec", "open", ...)
 * @nfields: number of fields
 * @fields: @nfields descriptors, in schema order
 */
struct vigil_event_desc {
	const char *name;
	u16 nfields;
	const struct vigil_field_desc *fields;
};

/**
 * vigil_event_desc() - the schema of an event type
 * @type: event type number from content or an event record
 *
 * Return: the descriptor, or NULL if @type is not an event type of
 * VIGIL_SCHEMA_VERSION.
 */
const struct vigil_event_desc *vigil_event_desc(unsigned int type);

/**
 * vigil_event_type_by_name() - look up an event type by its rule name
 * @name: name, not necessarily NUL-terminated
 * @len: length of @name
 *
 * Return: the type number, or VIGIL_EV_NONE.
 */
unsigned int vigil_event_type_by_name(const char *name, size_t len);

/**
 * vigil_field_by_name() - look up a field of an event type by name
 * @type: event type number
 * @name: field name, not necessarily NUL-terminated
 * @len: length of @name
 *
 * Return: the field index, or -1 if @type has no such field.
 */
int vigil_field_by_name(unsigned int type, const char *name, size_t len);

#endif /* VIGIL_SCHEMA_H */
