// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: credential changes, at the last check before the kernel commits
 * them, with the old and the new credentials side by side.
 *
 *	task_fix_setuid		setuid(2), setreuid(2), setresuid(2),
 *				setfsuid(2) and their 32-bit forms
 *	task_fix_setgid		setgid(2) and its relatives
 *	bprm_committing_creds	an exec that changes the effective ids (a
 *				set-user-ID or set-group-ID program), past
 *				the point where it can fail
 *
 * An event is sent only when uid, euid, gid or egid changes.  syscall is the
 * number of the system call current is in, in the table of its calling
 * convention (32-bit calls have their own numbers).
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>

#include "event.h"
#include "hooks.h"

/* Return: 0, or -EPERM to refuse the change if @refusable. */
static int vigil_cred_change(const struct cred *old, const struct cred *new,
			     bool refusable)
{
	u64 uid = vigil_uid(old->uid), euid = vigil_uid(old->euid);
	u64 gid = vigil_gid(old->gid), egid = vigil_gid(old->egid);
	u64 new_uid = vigil_uid(new->uid), new_euid = vigil_uid(new->euid);
	u64 new_gid = vigil_gid(new->gid), new_egid = vigil_gid(new->egid);
	struct vigil_scratch *s;
	struct vigil_common c;
	u64 nr = 0;

	if (uid == new_uid && euid == new_euid && gid == new_gid &&
	    egid == new_egid)
		return 0;
	s = vigil_event_begin();
	if (!s)
		return 0;
	if (!(current->flags & PF_KTHREAD))
		nr = (u64)(u32)syscall_get_nr(current, task_pt_regs(current));
	vigil_event_common(s, &c, current);
	/* the common uid and gid are the ones before the change */
	vigil_fill_cred_change(&s->ev, c.pid, c.tgid, c.ppid, uid, gid, c.comm,
			       euid, new_uid, new_euid, new_gid, nr, c.exe);
	if (refusable)
		return vigil_event_decide(s);
	vigil_event_submit(s);
	return 0;
}

/**
 * vigil_task_fix_setuid() - current's uids are about to change
 * @new: the credentials it gets
 * @old: the ones it has
 * @flags: LSM_SETID_*
 *
 * Return: 0, or -EPERM to refuse the change.
 */
int vigil_task_fix_setuid(struct cred *new, const struct cred *old,
			  int flags)
{
	return vigil_cred_change(old, new, true);
}

/**
 * vigil_task_fix_setgid() - current's gids are about to change
 * @new: the credentials it gets
 * @old: the ones it has
 * @flags: LSM_SETID_*
 *
 * Return: 0, or -EPERM to refuse the change.
 */
int vigil_task_fix_setgid(struct cred *new, const struct cred *old,
			  int flags)
{
	return vigil_cred_change(old, new, true);
}

/**
 * vigil_bprm_committing_creds() - an exec is about to install its creds
 * @bprm: the exec; bprm->cred are the new credentials
 */
void vigil_bprm_committing_creds(struct linux_binprm *bprm)
{
	vigil_cred_change(current_cred(), bprm->cred, false);
}
