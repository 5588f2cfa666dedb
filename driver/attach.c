// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: attaching the handlers (hooks.h) to the kernel.
 *
 * The same handlers run however vigil is attached; only the attaching
 * differs:
 *
 * - Built in (CONFIG_VIGIL=y), vigil is a Linux security module
 *   ("vigil" in CONFIG_LSM or lsm=, stacked with the others): the LSM
 *   framework calls its hooks from security_*(), in the caller's context.
 *   Registered at boot, they stay inert until the sensor is armed.
 * - As a module, which cannot register LSM hooks, or built in but left
 *   out of lsm=, it puts a kprobe on each security_*() function of the
 *   same name when armed (with KPROBES_ON_FTRACE an ftrace call at its
 *   entry) and calls the handler with the function's arguments.
 *
 * Either way, execs, forks and exits come from the scheduler's
 * tracepoints.  Arming (config.c) calls vigil_hooks_init() after the
 * installed channels are loaded; vigil_hooks_exit() on unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/lsm_hooks.h>
#include <linux/ptrace.h>
#include <linux/tracepoint.h>

#include "event.h"
#include "hooks.h"
#include "watch.h"

/* --- LSM (built in) ---------------------------------------------------- */

#if IS_BUILTIN(CONFIG_VIGIL) && IS_ENABLED(CONFIG_SECURITY)
static struct security_hook_list vigil_lsm_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(file_open, vigil_file_open),
	LSM_HOOK_INIT(path_mknod, vigil_path_mknod),
	LSM_HOOK_INIT(path_link, vigil_path_link),
	LSM_HOOK_INIT(path_rename, vigil_path_rename),
	LSM_HOOK_INIT(socket_connect, vigil_socket_connect),
	LSM_HOOK_INIT(socket_sendmsg, vigil_socket_sendmsg),
	LSM_HOOK_INIT(ptrace_access_check, vigil_ptrace_access_check),
	LSM_HOOK_INIT(task_fix_setuid, vigil_task_fix_setuid),
	LSM_HOOK_INIT(task_fix_setgid, vigil_task_fix_setgid),
	LSM_HOOK_INIT(bprm_committing_creds, vigil_bprm_committing_creds),
	LSM_HOOK_INIT(kernel_read_file, vigil_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, vigil_kernel_load_data),
};

static bool vigil_lsm_on __ro_after_init;

static int __init vigil_lsm_init(void)
{
	security_add_hooks(vigil_lsm_hooks, ARRAY_SIZE(vigil_lsm_hooks),
			   "vigil");
	vigil_lsm_on = true;
	pr_info("LSM hooks registered, inert until armed\n");
	return 0;
}

DEFINE_LSM(vigil) = {
	.name = "vigil",
	.init = vigil_lsm_init,
};
#else
static const bool vigil_lsm_on;
#endif

/**
 * vigil_hooks_refuse() - whether a handler's return value is the hook's
 *
 * Return: true when attached as an LSM; kprobes cannot change what the
 * probed function returns.
 */
bool vigil_hooks_refuse(void)
{
	return vigil_lsm_on;
}

/* --- kprobes (module, or built in without the LSM) --------------------- */

/* argument @n of the probed function, as type @t */
#define VA(n, t)	((t)regs_get_kernel_argument(regs, n))

static int vigil_kp_file_open(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_file_open(VA(0, struct file *));
	return 0;
}

static int vigil_kp_path_mknod(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_path_mknod(VA(0, const struct path *), VA(1, struct dentry *),
			 VA(2, umode_t), VA(3, unsigned int));
	return 0;
}

static int vigil_kp_path_link(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_path_link(VA(0, struct dentry *), VA(1, const struct path *),
			VA(2, struct dentry *));
	return 0;
}

static int vigil_kp_path_rename(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_path_rename(VA(0, const struct path *), VA(1, struct dentry *),
			  VA(2, const struct path *), VA(3, struct dentry *),
			  VA(4, unsigned int));
	return 0;
}

static int vigil_kp_socket_connect(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_socket_connect(VA(0, struct socket *), VA(1, struct sockaddr *),
			     VA(2, int));
	return 0;
}

static int vigil_kp_socket_sendmsg(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_socket_sendmsg(VA(0, struct socket *), VA(1, struct msghdr *),
			     VA(2, int));
	return 0;
}

static int vigil_kp_ptrace_access_check(struct kprobe *kp,
					struct pt_regs *regs)
{
	vigil_ptrace_access_check(VA(0, struct task_struct *),
				  VA(1, unsigned int));
	return 0;
}

static int vigil_kp_task_fix_setuid(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_task_fix_setuid(VA(0, struct cred *), VA(1, const struct cred *),
			      VA(2, int));
	return 0;
}

static int vigil_kp_task_fix_setgid(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_task_fix_setgid(VA(0, struct cred *), VA(1, const struct cred *),
			      VA(2, int));
	return 0;
}

static int vigil_kp_bprm_committing_creds(struct kprobe *kp,
					  struct pt_regs *regs)
{
	vigil_bprm_committing_creds(VA(0, struct linux_binprm *));
	return 0;
}

static int vigil_kp_kernel_read_file(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_kernel_read_file(VA(0, struct file *),
			       VA(1, enum kernel_read_file_id), VA(2, bool));
	return 0;
}

static int vigil_kp_kernel_load_data(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_kernel_load_data(VA(0, enum kernel_load_data_id), VA(1, bool));
	return 0;
}

#undef VA

#define VIGIL_KP(hook) { .kp = { .symbol_name = "security_" #hook, \
				 .pre_handler = vigil_kp_##hook } }

static struct vigil_kprobe {
	struct kprobe kp;
	bool registered;
} vigil_kprobes[] = {
	VIGIL_KP(file_open),
	VIGIL_KP(path_mknod),
	VIGIL_KP(path_link),
	VIGIL_KP(path_rename),
	VIGIL_KP(socket_connect),
	VIGIL_KP(socket_sendmsg),
	VIGIL_KP(ptrace_access_check),
	VIGIL_KP(task_fix_setuid),
	VIGIL_KP(task_fix_setgid),
	VIGIL_KP(bprm_committing_creds),
	VIGIL_KP(kernel_read_file),
	VIGIL_KP(kernel_load_data),
};

static void vigil_kprobes_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vigil_kprobes); i++) {
		struct vigil_kprobe *k = &vigil_kprobes[i];

		if (!k->registered)
			continue;
		unregister_kprobe(&k->kp);	/* waits for running handlers */
		k->registered = false;
		/* a kprobe can be registered again only from scratch */
		k->kp = (struct kprobe){ .symbol_name = k->kp.symbol_name,
					 .pre_handler = k->kp.pre_handler };
	}
}

static int vigil_kprobes_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vigil_kprobes); i++) {
		struct vigil_kprobe *k = &vigil_kprobes[i];

		ret = register_kprobe(&k->kp);
		if (ret) {
			pr_err("cannot probe %s: %d\n", k->kp.symbol_name, ret);
			vigil_kprobes_exit();
			return ret;
		}
		k->registered = true;
	}
	return 0;
}

/* --- tracepoints ------------------------------------------------------- */

static struct vigil_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} vigil_tps[] = {
	{ .name = "sched_process_exec", .probe = vigil_exec_probe },
	{ .name = "sched_process_fork", .probe = vigil_fork_probe },
	{ .name = "sched_process_exit", .probe = vigil_exit_probe },
};

static void vigil_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vigil_tps); i++)
		if (!strcmp(tp->name, vigil_tps[i].name))
			vigil_tps[i].tp = tp;
}

static void vigil_tps_exit(void)
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
}

static int vigil_tps_init(void)
{
	unsigned int i;
	int ret;

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
	vigil_tps_exit();
	return ret;
}

/* --- arming ------------------------------------------------------------ */

/**
 * vigil_hooks_exit() - detach every handler and wait for running ones
 *
 * LSM hooks cannot be removed; they find no scratch space and return.
 * Safe to call after a partial vigil_hooks_init().
 */
void vigil_hooks_exit(void)
{
	vigil_tps_exit();
	vigil_kprobes_exit();
	vigil_watch_exit();
	vigil_event_exit();
}

/**
 * vigil_hooks_init() - allocate what handlers use, then attach them
 *
 * Return: 0, or a negative errno with nothing attached.
 */
int vigil_hooks_init(void)
{
	int ret;

	ret = vigil_event_init();
	if (ret)
		return ret;
	vigil_watch_init();
	ret = vigil_tps_init();
	if (ret)
		goto fail;
	if (vigil_lsm_on) {
		pr_info("attached as an LSM\n");
		return 0;
	}
	ret = vigil_kprobes_init();
	if (ret)
		goto fail;
	pr_info("attached by kprobes on %zu security functions\n",
		ARRAY_SIZE(vigil_kprobes));
	return 0;
fail:
	vigil_hooks_exit();
	return ret;
}
