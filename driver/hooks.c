// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: event hooks.
 *
 * Every event is built by a tracepoint probe and filled only through the
 * vigil_fill_<event>() constructors of loader/schema.h, which take exactly
 * one argument per field the schema declares.  The probes:
 *
 *	sched_process_exec	exec: filename is d_path() of the file that
 *				was executed (symlinks resolved; for a script,
 *				its interpreter, the script being in argv);
 *				argv is read from the new image's argument
 *				area and joined by single spaces
 *	sched_process_fork	fork: the child's ids; parent_pid is the
 *				process that called fork/clone; clone_flags
 *				come from the caller's syscall registers
 *				(clone, clone3, fork, vfork; 0 otherwise)
 *	sched_process_exit	exit: exit_code is task->exit_code as the
 *				kernel keeps it (wait status encoding)
 *	raw_syscalls/sys_enter	x86_64 only, filtered by syscall number:
 *				open/openat/openat2 (open: the path as the
 *				caller passed it, relative or not, and the
 *				flags; an attempt, whether it succeeds or
 *				not), mknod/mknodat with S_IFIFO (fifo),
 *				connect on AF_INET/AF_INET6/AF_UNIX (abstract
 *				unix names get a leading '@'),
 *				init_module/finit_module (finit_module: d_path
 *				of the file), ptrace PTRACE_ATTACH/SEIZE
 *				credential changes: setuid, setgid, setreuid,
 *				setregid, setresuid, setresgid that changed
 *				uid, euid or gid: the credentials before the
 *				call are kept at its sys_enter and compared at
 *				the task's next sys_enter (or its exit), so
 *				the event comes when the task next makes a
 *				system call.  A call that fails changes
 *				nothing, so this reports the same calls as
 *				a check at sys_exit would, without a probe on
 *				the return of every system call.
 *
 * Probes run with preemption disabled.  User memory is read only with
 * copy_from_user_nofault(): a string on a page that is not resident is
 * cut there (possibly to nothing), never faulted in.  Strings are bounded
 * by VIGIL_MAX_FIELD_LEN and live in per-CPU scratch space allocated at
 * init, so the hot path allocates nothing.  32-bit (compat) syscalls are
 * not hooked.  Ids are those of the initial pid namespace, uids and gids
 * those of the initial user namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/socket.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/un.h>
#include <asm/syscall.h>
#include <asm/unaligned.h>
#include <asm/unistd.h>
#include <asm/word-at-a-time.h>

#include "sensor.h"

/**
 * struct vigil_scratch - per-CPU space of one probe invocation
 * @busy: a probe on this CPU is using it (guards against nesting)
 * @ev: the event being built
 * @comm: comm of the event's task
 * @comm2: a second comm (parent, ptrace target)
 * @buf1: first string field (paths)
 * @buf2: second string field (argv, module arguments)
 */
struct vigil_scratch {
	bool busy;
	struct vigil_event ev;
	char comm[TASK_COMM_LEN];
	char comm2[TASK_COMM_LEN];
	char buf1[VIGIL_MAX_FIELD_LEN];
	char buf2[VIGIL_MAX_FIELD_LEN];
};

static DEFINE_PER_CPU(struct vigil_scratch *, vigil_scratch);

/* The common fields, in schema order, as fill arguments. */
struct vigil_common {
	u64 pid, tgid, ppid, uid, gid;
	struct vigil_str comm;
};

static inline bool vigil_live(void)
{
	return vigil_enabled() && vigil_channels_active();
}

static struct vigil_scratch *vigil_get_scratch(void)
{
	struct vigil_scratch *s = this_cpu_read(vigil_scratch);

	if (unlikely(!s || s->busy))
		return NULL;
	s->busy = true;
	return s;
}

static void vigil_put_scratch(struct vigil_scratch *s)
{
	s->busy = false;
}

/* Index of the first NUL byte of word @w, sizeof(long) if it has none. */
static __always_inline unsigned int vigil_word_nul(unsigned long w)
{
	const struct word_at_a_time k = WORD_AT_A_TIME_CONSTANTS;
	unsigned long bits;

	if (!has_zero(w, &bits, &k))
		return sizeof(w);
	bits = prep_zero_mask(w, bits, &k);
	return find_zero(create_zero_mask(bits));
}

static struct vigil_str vigil_comm(const struct task_struct *t, char *buf)
{
	struct vigil_str s = { .ptr = buf };
	unsigned long w;
	unsigned int i, z;

	BUILD_BUG_ON(TASK_COMM_LEN % sizeof(w));
	/* comm may change under us; it is always NUL-terminated in place */
	memcpy(buf, t->comm, TASK_COMM_LEN);
	buf[TASK_COMM_LEN - 1] = '\0';
	for (i = 0;; i += sizeof(w)) {
		memcpy(&w, buf + i, sizeof(w));
		z = vigil_word_nul(w);
		if (z < sizeof(w))
			break;
	}
	s.len = i + z;
	return s;
}

/*
 * Ids in the initial user namespace, as from_kuid_munged(&init_user_ns)
 * gives them: kernel ids are that namespace's ids, whose map is the
 * identity on everything but (uid_t)-1, which has no mapping.
 */
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

/* Common fields of task @t; the caller holds rcu_read_lock(). */
static void vigil_common(struct vigil_common *c, struct task_struct *t,
			 char *comm)
{
	const struct cred *cred = __task_cred(t);

	c->pid = t->pid;
	c->tgid = t->tgid;
	c->ppid = rcu_dereference(t->real_parent)->tgid;
	c->uid = vigil_uid(cred->uid);
	c->gid = vigil_gid(cred->gid);
	c->comm = vigil_comm(t, comm);
}

/*
 * Copy a NUL-terminated user string of at most @max bytes to @dst
 * without sleeping or faulting: a word at a time where a word lies
 * within one page, else a byte at a time; a page that is not
 * resident ends the string where it begins.  Words may be read past the
 * NUL, never past its page.  Returns the length copied (no NUL is stored
 * for it).  The user access is open around the loop only, which calls
 * nothing.
 */
static u32 vigil_user_str(char *dst, u32 max, unsigned long src)
{
	const char __user *p = (const char __user *)src;
	unsigned long w;
	u32 n = 0, z;
	char c;

	if (src >= TASK_SIZE_MAX)
		return 0;
	max = min_t(unsigned long, max, TASK_SIZE_MAX - src);
	pagefault_disable();
	if (!user_read_access_begin(p, max))
		goto out;
	while (n < max) {
		if (max - n >= sizeof(w) &&
		    offset_in_page(src + n) <= PAGE_SIZE - sizeof(w)) {
			unsafe_get_user(w, (const unsigned long __user *)(p + n),
					fault);
			put_unaligned(w, (unsigned long *)(dst + n));
			z = vigil_word_nul(w);
			n += z;
			if (z < sizeof(w))
				break;
			continue;
		}
		unsafe_get_user(c, p + n, fault);
		dst[n] = c;
		if (!c)
			break;
		n++;
	}
fault:
	user_read_access_end();
out:
	pagefault_enable();
	return n;
}

static struct vigil_str vigil_str_of(const char *p, u32 len)
{
	struct vigil_str s = { .ptr = p, .len = len };

	return s;
}

/* d_path() into @buf; empty on error (e.g. name too long). */
static struct vigil_str vigil_path(const struct path *path, char *buf)
{
	char *p = d_path(path, buf, VIGIL_MAX_FIELD_LEN);

	if (IS_ERR(p))
		return vigil_str_of(buf, 0);
	return vigil_str_of(p, buf + VIGIL_MAX_FIELD_LEN - 1 - p);
}

/*
 * Start an event about task @t: NULL if the sensor is not live or this
 * CPU's scratch space is in use; else the scratch space, with @c filled.
 */
static struct vigil_scratch *vigil_begin(struct task_struct *t,
					 struct vigil_common *c)
{
	struct vigil_scratch *s;

	if (!vigil_live())
		return NULL;
	s = vigil_get_scratch();
	if (!s)
		return NULL;
	rcu_read_lock();
	vigil_common(c, t, s->comm);
	rcu_read_unlock();
	return s;
}

/* Match the event built in @s and give the scratch space back. */
static void vigil_submit(struct vigil_scratch *s)
{
	vigil_channels_match(&s->ev);
	vigil_put_scratch(s);
}

/* --- process events ---------------------------------------------------- */

#ifdef CONFIG_X86_64
static void vigil_cred_flush(void);
#else
static inline void vigil_cred_flush(void) { }
#endif

/* argv of the image current just executed, joined by spaces */
static struct vigil_str vigil_argv(char *buf)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end, off = 0;
	u32 i, n = 0;

	if (!mm)
		return vigil_str_of(buf, 0);
	start = READ_ONCE(mm->arg_start);
	end = READ_ONCE(mm->arg_end);
	if (end <= start)
		return vigil_str_of(buf, 0);
	end = min(end, start + VIGIL_MAX_FIELD_LEN);
	while (start + off < end) {
		size_t chunk = min(end - start - off,
				   PAGE_SIZE - ((start + off) & ~PAGE_MASK));

		if (copy_from_user_nofault(buf + off,
					   (const void __user *)(start + off),
					   chunk))
			break;
		off += chunk;
	}
	n = off;
	while (n && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return vigil_str_of(buf, n);
}

static void vigil_exec_probe(void *data, struct task_struct *p, pid_t old_pid,
			     struct linux_binprm *bprm)
{
	struct vigil_scratch *s;
	struct vigil_common c;
	struct vigil_str filename, argv, pcomm;
	u64 euid;

	s = vigil_begin(current, &c);
	if (!s)
		return;
	euid = from_kuid_munged(&init_user_ns, current_euid());
	rcu_read_lock();
	pcomm = vigil_comm(rcu_dereference(current->real_parent), s->comm2);
	rcu_read_unlock();
	filename = bprm->file ? vigil_path(&bprm->file->f_path, s->buf1)
			      : vigil_str_of(s->buf1, 0);
	argv = vigil_argv(s->buf2);
	vigil_fill_exec(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			euid, filename, argv, pcomm);
	vigil_submit(s);
}

/* clone flags of the fork/clone current is in, from its syscall registers */
static u64 vigil_clone_flags(void)
{
	struct pt_regs *regs;
	u64 flags = 0;

	if ((current->flags & PF_KTHREAD) || in_compat_syscall())
		return 0;
	regs = task_pt_regs(current);
	switch (syscall_get_nr(current, regs)) {
#ifdef CONFIG_X86_64
	case __NR_clone:
		return regs->di;
	case __NR_clone3:
		/* struct clone_args starts with the flags */
		if (copy_from_user_nofault(&flags, (const void __user *)regs->di,
					   sizeof(flags)))
			return 0;
		return flags;
	case __NR_fork:
		return SIGCHLD;
	case __NR_vfork:
		return CLONE_VFORK | CLONE_VM | SIGCHLD;
#endif
	default:
		return 0;
	}
}

static void vigil_fork_probe(void *data, struct task_struct *parent,
			     struct task_struct *child)
{
	struct vigil_scratch *s;
	struct vigil_common c;

	s = vigil_begin(child, &c);
	if (!s)
		return;
	vigil_fill_fork(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			(u64)parent->tgid, vigil_clone_flags());
	vigil_submit(s);
}

static void vigil_exit_probe(void *data, struct task_struct *p)
{
	struct vigil_scratch *s;
	struct vigil_common c;

	/* a set*id call just before a fatal signal: report it first */
	if (p == current)
		vigil_cred_flush();
	s = vigil_begin(p, &c);
	if (!s)
		return;
	vigil_fill_exit(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			(u64)(u32)p->exit_code);
	vigil_submit(s);
}

/* --- syscalls (x86_64) ------------------------------------------------- */

#ifdef CONFIG_X86_64

/*
 * Common fields of current, from a syscall probe: its own credentials
 * need no lock, and a probe runs with preemption disabled, which makes it
 * an RCU reader for real_parent.
 */
static __always_inline void vigil_current_common(struct vigil_common *c,
						 char *comm)
{
	struct task_struct *t = current;
	const struct cred *cred = current_cred();

	c->pid = t->pid;
	c->tgid = t->tgid;
	c->ppid = rcu_dereference_sched(t->real_parent)->tgid;
	c->uid = vigil_uid(cred->uid);
	c->gid = vigil_gid(cred->gid);
	c->comm = vigil_comm(t, comm);
}

static __always_inline void vigil_open(struct vigil_scratch *s,
				       unsigned long upath, u64 flags, u64 mode)
{
	struct vigil_common c;
	struct vigil_str path;

	path = vigil_str_of(s->buf1, vigil_user_str(s->buf1,
						    VIGIL_MAX_FIELD_LEN, upath));
	/* most opens: no rule can match this path, build nothing more */
	if (!vigil_channels_may_match(VIGIL_EV_OPEN, VIGIL_OPEN_path,
				      path.ptr, path.len))
		return;
	vigil_current_common(&c, s->comm);
	vigil_fill_open(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			path, flags, mode);
	vigil_channels_match(&s->ev);
}

static void vigil_openat2(struct vigil_scratch *s, unsigned long upath,
			  unsigned long uhow, unsigned long size)
{
	struct open_how how = {};

	if (size < sizeof(how.flags) + sizeof(how.mode) ||
	    copy_from_user_nofault(&how, (const void __user *)uhow,
				   sizeof(how.flags) + sizeof(how.mode)))
		return;
	vigil_open(s, upath, how.flags, how.mode);
}

static void vigil_fifo(struct vigil_scratch *s, unsigned long upath,
		       unsigned long mode)
{
	struct vigil_common c;
	struct vigil_str path;

	if (!S_ISFIFO(mode))
		return;
	vigil_current_common(&c, s->comm);
	path = vigil_str_of(s->buf1, vigil_user_str(s->buf1,
						    VIGIL_MAX_FIELD_LEN, upath));
	vigil_fill_fifo(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			path, (u64)mode);
	vigil_channels_match(&s->ev);
}

static void vigil_connect(struct vigil_scratch *s, unsigned long uaddr,
			  unsigned long ulen)
{
	struct sockaddr_storage ss;
	struct vigil_addr daddr = {};
	struct vigil_str upath = vigil_str_of(s->buf1, 0);
	struct vigil_common c;
	size_t len = min_t(unsigned long, ulen, sizeof(ss));
	u64 dport = 0;

	if (len < sizeof(sa_family_t) ||
	    copy_from_user_nofault(&ss, (const void __user *)uaddr, len))
		return;
	switch (ss.ss_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const void *)&ss;

		if (len < sizeof(*sin))
			return;
		daddr.a[10] = 0xff;
		daddr.a[11] = 0xff;
		memcpy(&daddr.a[12], &sin->sin_addr, 4);
		dport = ntohs(sin->sin_port);
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *sin6 = (const void *)&ss;

		if (len < offsetofend(struct sockaddr_in6, sin6_addr))
			return;
		memcpy(daddr.a, &sin6->sin6_addr, 16);
		dport = ntohs(sin6->sin6_port);
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *sun = (const void *)&ss;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);

		if (len <= offsetof(struct sockaddr_un, sun_path))
			break;
		memcpy(s->buf1, sun->sun_path, n);
		if (s->buf1[0] == '\0')
			s->buf1[0] = '@';	/* abstract name */
		else
			n = strnlen(s->buf1, n);
		upath.len = n;
		break;
	}
	default:
		return;
	}
	vigil_current_common(&c, s->comm);
	vigil_fill_connect(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			   (u64)ss.ss_family, daddr, dport, upath);
	vigil_channels_match(&s->ev);
}

static void vigil_module_load(struct vigil_scratch *s, int fd,
			      unsigned long uargs, u64 flags)
{
	struct vigil_str path = vigil_str_of(s->buf1, 0), args;
	struct vigil_common c;

	if (fd >= 0) {
		struct file *f = fget(fd);

		if (f) {
			path = vigil_path(&f->f_path, s->buf1);
			fput(f);
		}
	}
	args = vigil_str_of(s->buf2, vigil_user_str(s->buf2,
						    VIGIL_MAX_FIELD_LEN, uargs));
	vigil_current_common(&c, s->comm);
	vigil_fill_module_load(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			       path, args, flags);
	vigil_channels_match(&s->ev);
}

static void vigil_ptrace(struct vigil_scratch *s, long request, pid_t pid)
{
	struct vigil_str tcomm = vigil_str_of(s->comm2, 0);
	struct task_struct *t;
	struct vigil_common c;
	u64 target = (u64)pid;

	if (request != PTRACE_ATTACH && request != PTRACE_SEIZE)
		return;
	rcu_read_lock();
	vigil_common(&c, current, s->comm);
	t = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (t) {
		target = t->pid;
		tcomm = vigil_comm(t, s->comm2);
	}
	rcu_read_unlock();
	vigil_fill_ptrace(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			  target, (u64)request, tcomm);
	vigil_channels_match(&s->ev);
}

/*
 * Credentials before a set*id call, kept from its sys_enter to the task's
 * next sys_enter.  A task may sleep and move between CPUs in between, so
 * the slots are shared, indexed by pid; a collision loses the older entry
 * and with it that one event.  set*id calls are rare: while no slot is in
 * use, the check at sys_enter is one load of vigil_cred_used.
 */
#define VIGIL_CRED_SLOTS	64

struct vigil_cred_slot {
	pid_t pid;
	long nr;
	u64 uid, euid, gid;
};

static struct vigil_cred_slot vigil_cred_slots[VIGIL_CRED_SLOTS];
static unsigned int vigil_cred_used;	/* slots with a pid */
static DEFINE_RAW_SPINLOCK(vigil_cred_lock);

static void vigil_cred_stash(long nr)
{
	const struct cred *cred = current_cred();
	struct vigil_cred_slot *slot;
	unsigned long flags;

	slot = &vigil_cred_slots[current->pid % VIGIL_CRED_SLOTS];
	raw_spin_lock_irqsave(&vigil_cred_lock, flags);
	if (!slot->pid)
		WRITE_ONCE(vigil_cred_used, vigil_cred_used + 1);
	slot->pid = current->pid;
	slot->nr = nr;
	slot->uid = vigil_uid(cred->uid);
	slot->euid = vigil_uid(cred->euid);
	slot->gid = vigil_gid(cred->gid);
	raw_spin_unlock_irqrestore(&vigil_cred_lock, flags);
}

/*
 * Current's set*id call, if it made one since its last check, is over:
 * report it if it changed the credentials.  The slot is always cleared;
 * the event is reported only while the sensor is live.  The task itself
 * stashed the slot, so it sees vigil_cred_used set by its own store.
 */
static void vigil_cred_check(void)
{
	struct vigil_cred_slot old, *slot;
	u64 new_uid, new_euid, new_gid;
	const struct cred *cred;
	struct vigil_scratch *s;
	struct vigil_common c;
	unsigned long flags;

	slot = &vigil_cred_slots[current->pid % VIGIL_CRED_SLOTS];
	if (READ_ONCE(slot->pid) != current->pid)
		return;
	raw_spin_lock_irqsave(&vigil_cred_lock, flags);
	old = *slot;
	if (slot->pid == current->pid) {
		slot->pid = 0;
		WRITE_ONCE(vigil_cred_used, vigil_cred_used - 1);
	}
	raw_spin_unlock_irqrestore(&vigil_cred_lock, flags);
	if (old.pid != current->pid || !vigil_live())
		return;

	cred = current_cred();
	new_uid = vigil_uid(cred->uid);
	new_euid = vigil_uid(cred->euid);
	new_gid = vigil_gid(cred->gid);
	if (new_uid == old.uid && new_euid == old.euid && new_gid == old.gid)
		return;
	s = vigil_get_scratch();
	if (!s)
		return;
	vigil_current_common(&c, s->comm);
	/* the common uid and gid are the ones before the change */
	c.uid = old.uid;
	c.gid = old.gid;
	vigil_fill_cred_change(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			       old.euid, new_uid, new_euid, new_gid,
			       (u64)old.nr);
	vigil_submit(s);
}

/* A set*id call of current may be over: check when any slot is in use. */
static void vigil_cred_flush(void)
{
	if (unlikely(READ_ONCE(vigil_cred_used)))
		vigil_cred_check();
}

/* Every watched system call but open and openat, which take a shorter path. */
static noinline void vigil_sys_enter_other(struct pt_regs *regs, long id)
{
	struct vigil_scratch *s;
	unsigned long a[6];

	if (!vigil_live() || in_compat_syscall())
		return;
	switch (id) {
	case __NR_setuid:
	case __NR_setgid:
	case __NR_setreuid:
	case __NR_setregid:
	case __NR_setresuid:
	case __NR_setresgid:
		vigil_cred_stash(id);
		return;
	}
	s = vigil_get_scratch();
	if (!s)
		return;
	syscall_get_arguments(current, regs, a);
	switch (id) {
	case __NR_openat2:
		vigil_openat2(s, a[1], a[2], a[3]);
		break;
	case __NR_mknod:
		vigil_fifo(s, a[0], a[1]);
		break;
	case __NR_mknodat:
		vigil_fifo(s, a[1], a[2]);
		break;
	case __NR_connect:
		vigil_connect(s, a[1], a[2]);
		break;
	case __NR_init_module:
		vigil_module_load(s, -1, a[2], 0);
		break;
	case __NR_finit_module:
		vigil_module_load(s, (int)a[0], a[1], a[2]);
		break;
	case __NR_ptrace:
		vigil_ptrace(s, (long)a[0], (pid_t)a[1]);
		break;
	}
	vigil_put_scratch(s);
}

/*
 * open and openat, by far the most frequent of the calls watched, take
 * the shortest path, reading their arguments straight from the registers
 * (x86_64: di, si, dx, r10).
 */
static noinline void vigil_sys_enter_open(struct pt_regs *regs, long id)
{
	struct vigil_scratch *s;
	unsigned long upath;
	u64 flags, mode;

	if (!vigil_live() || in_compat_syscall())
		return;
	s = vigil_get_scratch();
	if (!s)
		return;
	if (id == __NR_open) {
		upath = regs->di;
		flags = regs->si;
		mode = regs->dx;
	} else {
		upath = regs->si;
		flags = regs->dx;
		mode = regs->r10;
	}
	vigil_open(s, upath, flags, mode);
	vigil_put_scratch(s);
}

/*
 * Filtered by syscall number first.  Every system call passes here, so
 * the work is in the callees: this frame stays small.
 */
static void vigil_sys_enter_probe(void *data, struct pt_regs *regs, long id)
{
	vigil_cred_flush();
	switch (id) {
	case __NR_open:
	case __NR_openat:
		vigil_sys_enter_open(regs, id);
		return;
	case __NR_openat2:
	case __NR_mknod:
	case __NR_mknodat:
	case __NR_connect:
	case __NR_init_module:
	case __NR_finit_module:
	case __NR_ptrace:
	case __NR_setuid:
	case __NR_setgid:
	case __NR_setreuid:
	case __NR_setregid:
	case __NR_setresuid:
	case __NR_setresgid:
		vigil_sys_enter_other(regs, id);
		return;
	default:
		return;
	}
}

#endif /* CONFIG_X86_64 */

/* --- registration ------------------------------------------------------ */

struct vigil_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct vigil_tp vigil_tps[] = {
	{ .name = "sched_process_exec", .probe = vigil_exec_probe },
	{ .name = "sched_process_fork", .probe = vigil_fork_probe },
	{ .name = "sched_process_exit", .probe = vigil_exit_probe },
#ifdef CONFIG_X86_64
	{ .name = "sys_enter", .probe = vigil_sys_enter_probe },
#endif
};

static void vigil_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vigil_tps); i++)
		if (!strcmp(tp->name, vigil_tps[i].name))
			vigil_tps[i].tp = tp;
}

static void vigil_free_scratch(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(vigil_scratch, cpu));
		per_cpu(vigil_scratch, cpu) = NULL;
	}
}

/**
 * vigil_hooks_exit() - unregister every probe and wait for running ones
 *
 * Safe to call after a partial vigil_hooks_init().
 */
void vigil_hooks_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vigil_tps); i++) {
		if (!vigil_tps[i].registered)
			continue;
		tracepoint_probe_unregister(vigil_tps[i].tp, vigil_tps[i].probe,
					    NULL);
		vigil_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
	vigil_free_scratch();
}

/**
 * vigil_hooks_init() - allocate the per-CPU scratch space, register probes
 *
 * Return: 0, or a negative errno with nothing left registered.
 */
int vigil_hooks_init(void)
{
	unsigned int i;
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct vigil_scratch *s = kvzalloc_node(sizeof(*s), GFP_KERNEL,
							cpu_to_node(cpu));

		if (!s) {
			vigil_free_scratch();
			return -ENOMEM;
		}
		per_cpu(vigil_scratch, cpu) = s;
	}

#ifdef CONFIG_X86_64
	/* nothing stashed by an earlier registration counts */
	memset(vigil_cred_slots, 0, sizeof(vigil_cred_slots));
	WRITE_ONCE(vigil_cred_used, 0);
#endif
	for_each_kernel_tracepoint(vigil_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(vigil_tps); i++) {
		if (!vigil_tps[i].tp) {
			pr_err("tracepoint %s not found\n", vigil_tps[i].name);
			ret = -ENOENT;
			goto fail;
		}
		ret = tracepoint_probe_register(vigil_tps[i].tp,
						vigil_tps[i].probe, NULL);
		if (ret) {
			pr_err("cannot register on %s: %d\n",
			       vigil_tps[i].name, ret);
			goto fail;
		}
		vigil_tps[i].registered = true;
	}
	return 0;
fail:
	vigil_hooks_exit();
	return ret;
}
