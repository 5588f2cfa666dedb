// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: process events.
 *
 *	sched_process_exec	exec: filename is the file the kernel executed
 *				(for a script, its interpreter, the script
 *				being in argv); argv is read from the new
 *				image's argument area, which the kernel has
 *				just written, and joined by single spaces
 *	sched_process_fork	fork: the child's ids; parent_pid is the
 *				process that called fork/clone; clone_flags
 *				come from the caller's syscall registers
 *				(clone, clone3, fork, vfork; 0 otherwise)
 *	sched_process_exit	exit: exit_code is task->exit_code as the
 *				kernel keeps it (wait status encoding); the
 *				task has released its memory by then, so its
 *				exe is empty
 *	ptrace_access_check	ptrace: an attach to another process's memory,
 *				on every route that asks for it
 *				(PTRACE_MODE_ATTACH: ptrace(2), process_vm_*,
 *				/proc/PID/mem and the like); request is
 *				ptrace(2)'s request on that route, else 0
 */
#include <linux/binfmts.h>
#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "event.h"
#include "hooks.h"

/* argv of the image current just executed, joined by spaces */
static struct vigil_str vigil_argv(char *buf)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end, off = 0;
	u32 i, n;

	if (!mm)
		return vigil_event_str(buf, 0);
	start = READ_ONCE(mm->arg_start);
	end = READ_ONCE(mm->arg_end);
	if (end <= start)
		return vigil_event_str(buf, 0);
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
	return vigil_event_str(buf, n);
}

/**
 * vigil_exec_probe() - sched_process_exec: current runs a new image
 * @data: unused
 * @p: current
 * @old_pid: its pid before a multi-threaded exec
 * @bprm: the exec
 */
void vigil_exec_probe(void *data, struct task_struct *p, pid_t old_pid,
		      struct linux_binprm *bprm)
{
	struct vigil_str filename, argv, pcomm;
	struct vigil_scratch *s;
	struct vigil_common c;
	u64 euid;

	s = vigil_event_begin();
	if (!s)
		return;
	vigil_event_common(s, &c, current);
	euid = vigil_uid(current_euid());
	rcu_read_lock();
	pcomm = vigil_event_comm(rcu_dereference(current->real_parent),
				 s->comm2);
	rcu_read_unlock();
	filename = bprm->file ? vigil_event_path(&bprm->file->f_path, s->buf1)
			      : vigil_event_str(s->buf1, 0);
	argv = vigil_argv(s->buf2);
	vigil_fill_exec(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			euid, filename, argv, pcomm, c.exe);
	vigil_event_submit(s);
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
	default:
		return 0;
	}
}

/**
 * vigil_fork_probe() - sched_process_fork: a new task, not yet running
 * @data: unused
 * @parent: current
 * @child: the new task
 */
void vigil_fork_probe(void *data, struct task_struct *parent,
		      struct task_struct *child)
{
	struct vigil_scratch *s;
	struct vigil_common c;

	s = vigil_event_begin();
	if (!s)
		return;
	vigil_event_common(s, &c, child);
	vigil_fill_fork(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			(u64)parent->tgid, vigil_clone_flags(), c.exe);
	vigil_event_submit(s);
}

/**
 * vigil_exit_probe() - sched_process_exit: a task is exiting
 * @data: unused
 * @p: current
 */
void vigil_exit_probe(void *data, struct task_struct *p)
{
	struct vigil_scratch *s;
	struct vigil_common c;

	s = vigil_event_begin();
	if (!s)
		return;
	vigil_event_common(s, &c, p);
	vigil_fill_exit(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			(u64)(u32)p->exit_code, c.exe);
	vigil_event_submit(s);
}

/* ptrace(2)'s request, if that is the system call current is in */
static u64 vigil_ptrace_request(void)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long a[6];

	if (current->flags & PF_KTHREAD)
		return 0;
#ifdef CONFIG_IA32_EMULATION
	/* ptrace is 26 in the i386 table */
	if (in_compat_syscall() && syscall_get_nr(current, regs) != 26)
		return 0;
#endif
	if (!in_compat_syscall() && syscall_get_nr(current, regs) != __NR_ptrace)
		return 0;
	syscall_get_arguments(current, regs, a);
	return (u32)a[0];
}

/**
 * vigil_ptrace_access_check() - current asks for access to @child
 * @child: the process whose memory it wants
 * @mode: PTRACE_MODE_*; only attaches are reported
 *
 * Context: under @child's task lock.
 *
 * Return: 0, or -EPERM to refuse the access.
 */
int vigil_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	struct vigil_scratch *s;
	struct vigil_common c;
	struct vigil_str tcomm;

	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	s = vigil_event_begin();
	if (!s)
		return 0;
	vigil_event_common(s, &c, current);
	tcomm = vigil_event_comm(child, s->comm2);
	vigil_fill_ptrace(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			  (u64)child->pid, vigil_ptrace_request(), tcomm,
			  c.exe);
	return vigil_event_decide(s);
}
