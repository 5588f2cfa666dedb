/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handlers: one per kernel function vigil watches, each with the
 * signature of the LSM hook of that name, so that attach.c can register
 * them as LSM hooks (a built-in sensor) or call them from kprobes on the
 * security_*() function of the same name (the module, or a built-in
 * sensor left out of lsm=).  Each hooked area has its file:
 *
 *	files.c		file_open, path_mknod, path_link, path_rename
 *	net.c		socket_connect, socket_sendmsg
 *	tasks.c		exec, fork and exit (tracepoints), ptrace_access_check
 *	creds.c		task_fix_setuid, task_fix_setgid, bprm_committing_creds
 *	modules.c	kernel_read_file, kernel_load_data
 *
 * A handler returns 0, or -EPERM when a kill or deny rule matched and the
 * operation can still be refused (vigil_event_decide()): as an LSM, the
 * kernel then fails the operation; kprobes ignore the value, and the
 * record says it went ahead.  Handlers run in the hooked function's
 * context (with a kprobe, preemption disabled) and never sleep.
 */
#ifndef VIGIL_HOOKS_H
#define VIGIL_HOOKS_H

#include <linux/kernel_read_file.h>
#include <linux/security.h>
#include <linux/types.h>

struct cred;
struct dentry;
struct file;
struct linux_binprm;
struct msghdr;
struct path;
struct sockaddr;
struct socket;
struct task_struct;

/* files.c */
int vigil_file_open(struct file *file);
int vigil_path_mknod(const struct path *dir, struct dentry *dentry,
		     umode_t mode, unsigned int dev);
int vigil_path_link(struct dentry *old_dentry, const struct path *new_dir,
		    struct dentry *new_dentry);
int vigil_path_rename(const struct path *old_dir, struct dentry *old_dentry,
		      const struct path *new_dir, struct dentry *new_dentry,
		      unsigned int flags);

/* net.c */
int vigil_socket_connect(struct socket *sock, struct sockaddr *address,
			 int addrlen);
int vigil_socket_sendmsg(struct socket *sock, struct msghdr *msg, int size);

/* tasks.c */
void vigil_exec_probe(void *data, struct task_struct *p, pid_t old_pid,
		      struct linux_binprm *bprm);
void vigil_fork_probe(void *data, struct task_struct *parent,
		      struct task_struct *child);
void vigil_exit_probe(void *data, struct task_struct *p);
int vigil_ptrace_access_check(struct task_struct *child, unsigned int mode);

/* creds.c */
int vigil_task_fix_setuid(struct cred *new, const struct cred *old,
			  int flags);
int vigil_task_fix_setgid(struct cred *new, const struct cred *old,
			  int flags);
void vigil_bprm_committing_creds(struct linux_binprm *bprm);

/* modules.c */
int vigil_kernel_read_file(struct file *file, enum kernel_read_file_id id,
			   bool contents);
int vigil_kernel_load_data(enum kernel_load_data_id id, bool contents);

#endif /* VIGIL_HOOKS_H */
