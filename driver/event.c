// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: building events from kernel objects (event.h).
 *
 * Paths are canonical: d_absolute_path() of the kernel's struct path,
 * from the root of the mount namespace the file is mounted in, whatever
 * the caller's working directory or chroot, after every symlink and "..".
 * A built-in sensor calls it directly.  The module finds it at init
 * through a kprobe on it (the kernel does not export it), and only where
 * an indirect call to an unexported function is safe: not with indirect
 * branch tracking (X86_KERNEL_IBT) or control-flow integrity, which would
 * trap on it.  Where it is missing, or for a file in a detached mount,
 * d_path() is used: relative to the caller's root.
 *
 * Strings live in per-CPU scratch space allocated at init, so the hot
 * path allocates nothing.  Ids are those of the initial pid namespace,
 * uids and gids those of the initial user namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <asm/word-at-a-time.h>

#include "event.h"

static DEFINE_PER_CPU(struct vigil_scratch *, vigil_scratch);
/* the scratch space is allocated and handlers may take it */
static bool vigil_scratch_open;

#ifdef MODULE
static char *(*vigil_abs_path_fn)(const struct path *path, char *buf,
				  int len);

static char *vigil_abs_path(const struct path *path, char *buf, int len)
{
	if (!vigil_abs_path_fn)
		return ERR_PTR(-EOPNOTSUPP);
	return vigil_abs_path_fn(path, buf, len);
}
#elif IS_ENABLED(CONFIG_SECURITY)
#define vigil_abs_path d_absolute_path
#else
static char *vigil_abs_path(const struct path *path, char *buf, int len)
{
	return ERR_PTR(-EOPNOTSUPP);
}
#endif

/**
 * vigil_event_begin() - take this CPU's scratch space for a new event
 *
 * Disables preemption until vigil_event_submit() or vigil_event_end().
 *
 * Return: the scratch space, or NULL if the sensor is not live or the
 * space is in use by a handler this one interrupted (the event is lost).
 */
struct vigil_scratch *vigil_event_begin(void)
{
	struct vigil_scratch *s;

	if (!vigil_enabled() || !vigil_channels_active())
		return NULL;
	preempt_disable();
	/* pairs with the release in vigil_event_init() */
	s = smp_load_acquire(&vigil_scratch_open) ?
	    this_cpu_read(vigil_scratch) : NULL;
	if (unlikely(!s || s->busy)) {
		preempt_enable();
		return NULL;
	}
	s->busy = true;
	return s;
}

/**
 * vigil_event_end() - give the scratch space back without matching
 * @s: from vigil_event_begin()
 */
void vigil_event_end(struct vigil_scratch *s)
{
	s->busy = false;
	preempt_enable();
}

/**
 * vigil_event_submit() - match the event built in @s, give @s back
 * @s: from vigil_event_begin(), its event filled
 *
 * For an operation that has happened, or that the caller cannot refuse.
 */
void vigil_event_submit(struct vigil_scratch *s)
{
	vigil_channels_match(&s->ev, false);
	vigil_event_end(s);
}

/**
 * vigil_event_decide() - match the event built in @s, give @s back
 * @s: from vigil_event_begin(), its event filled
 *
 * For an LSM hook that can make its operation fail: as an LSM, a match of
 * a kill or deny rule refuses it.  Attached by kprobes the sensor cannot
 * refuse, and reports only.
 *
 * Return: -EPERM to refuse the operation, else 0.
 */
int vigil_event_decide(struct vigil_scratch *s)
{
	bool refuse = vigil_channels_match(&s->ev, vigil_hooks_refuse());

	vigil_event_end(s);
	return refuse ? -EPERM : 0;
}

/**
 * vigil_event_str() - a string field of @len bytes at @p
 * @p: the bytes
 * @len: how many
 *
 * Return: the field.
 */
struct vigil_str vigil_event_str(const char *p, u32 len)
{
	struct vigil_str s = { .ptr = p, .len = len };

	return s;
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

/**
 * vigil_event_comm() - copy the comm of @t
 * @t: the task
 * @buf: TASK_COMM_LEN bytes
 *
 * Return: the field.  comm may change under us; it is always
 * NUL-terminated in place.
 */
struct vigil_str vigil_event_comm(const struct task_struct *t, char *buf)
{
	unsigned long w;
	unsigned int i, z;

	BUILD_BUG_ON(TASK_COMM_LEN % sizeof(w));
	memcpy(buf, t->comm, TASK_COMM_LEN);
	buf[TASK_COMM_LEN - 1] = '\0';
	for (i = 0;; i += sizeof(w)) {
		memcpy(&w, buf + i, sizeof(w));
		z = vigil_word_nul(w);
		if (z < sizeof(w))
			break;
	}
	return vigil_event_str(buf, i + z);
}

/* The string d_path() and its relatives wrote at @p, ending in @buf. */
static struct vigil_str vigil_event_tail(const char *p, char *buf)
{
	if (IS_ERR_OR_NULL(p))
		return vigil_event_str(buf, 0);
	return vigil_event_str(p, buf + VIGIL_MAX_FIELD_LEN - 1 - p);
}

/**
 * vigil_event_path() - the canonical path of @path
 * @path: a file's path, pinned by the caller (an open file, a hook's
 *	argument)
 * @buf: VIGIL_MAX_FIELD_LEN bytes
 *
 * Return: the field; empty if the path does not fit.  Pseudo files
 * (pipes, sockets, anonymous inodes) get their names, such as "pipe:[7]".
 */
struct vigil_str vigil_event_path(const struct path *path, char *buf)
{
	const struct dentry *d = path->dentry;
	char *p = ERR_PTR(-EINVAL);

	if (!(d->d_op && d->d_op->d_dname))
		p = vigil_abs_path(path, buf, VIGIL_MAX_FIELD_LEN);
	if (IS_ERR(p))
		p = d_path(path, buf, VIGIL_MAX_FIELD_LEN);
	return vigil_event_tail(p, buf);
}

/**
 * vigil_event_child() - the canonical path of name @dentry in folder @dir
 * @dir: the folder
 * @dentry: a name in it, which may not exist yet (mknod, rename target)
 * @buf: VIGIL_MAX_FIELD_LEN bytes
 *
 * Return: the field; empty if it does not fit.
 */
struct vigil_str vigil_event_child(const struct path *dir,
				   const struct dentry *dentry, char *buf)
{
	struct vigil_str d = vigil_event_path(dir, buf);
	const char *name;
	u32 len, n;

	if (!d.len)
		return d;
	/* the folder's path ends @buf; move it to the front */
	memmove(buf, d.ptr, d.len);
	n = d.len;
	if (n > 1 || buf[0] != '/')
		buf[n++] = '/';
	rcu_read_lock();	/* the name may change under a rename */
	name = READ_ONCE(dentry->d_name.name);
	len = READ_ONCE(dentry->d_name.len);
	len = strnlen(name, min_t(u32, len, VIGIL_MAX_FIELD_LEN - 1 - n));
	memcpy(buf + n, name, len);
	rcu_read_unlock();
	return vigil_event_str(buf, n + len);
}

/* The canonical path of @t's executable; empty for kernel threads. */
static struct vigil_str vigil_event_exe(struct task_struct *t, char *buf)
{
	struct vigil_str s = vigil_event_str(buf, 0);
	struct mm_struct *mm;
	struct file *exe;

	/* @t is current or a new child: its mm cannot go away under us */
	mm = t->mm;
	if (!mm || (t->flags & PF_KTHREAD))
		return s;
	rcu_read_lock();	/* a file and its path are freed after RCU */
	exe = rcu_dereference(mm->exe_file);
	if (exe)
		s = vigil_event_path(&exe->f_path, buf);
	rcu_read_unlock();
	return s;
}

/**
 * vigil_event_common() - the common fields of task @t
 * @s: the scratch space, for the strings
 * @c: out
 * @t: current, or a task whose mm current keeps alive (a new child)
 */
void vigil_event_common(struct vigil_scratch *s, struct vigil_common *c,
			struct task_struct *t)
{
	const struct cred *cred;

	rcu_read_lock();
	cred = __task_cred(t);
	c->pid = t->pid;
	c->tgid = t->tgid;
	c->ppid = rcu_dereference(t->real_parent)->tgid;
	c->uid = vigil_uid(cred->uid);
	c->gid = vigil_gid(cred->gid);
	rcu_read_unlock();
	c->comm = vigil_event_comm(t, s->comm);
	c->exe = vigil_event_exe(t, s->exe);
}

/**
 * vigil_event_user_str() - copy a user string without sleeping or faulting
 * @dst: at least @max bytes
 * @max: the most to copy
 * @src: its user address
 *
 * A word at a time where a word lies within one page, else a byte at a
 * time; a page that is not resident ends the string where it begins.
 * Words may be read past the NUL, never past its page.  The user access
 * is open around the loop only, which calls nothing.
 *
 * Return: the length copied (no NUL is stored for it).
 */
u32 vigil_event_user_str(char *dst, u32 max, unsigned long src)
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

#ifdef MODULE
/*
 * The address of a kernel function the kernel does not export, from a
 * kprobe placed on it and removed again; NULL where calling it through a
 * pointer would trap (IBT, CFI) or it cannot be probed.
 */
static void *vigil_event_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) || IS_ENABLED(CONFIG_CFI_CLANG))
		return NULL;
	if (register_kprobe(&kp))
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}
#endif

/*
 * Free the scratch space.  An LSM hook cannot be removed: close the
 * space first, then wait for every handler that may still use it (each
 * holds preemption disabled, an RCU read section).
 */
static void vigil_event_free(void)
{
	int cpu;

	WRITE_ONCE(vigil_scratch_open, false);
	synchronize_rcu();
	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(vigil_scratch, cpu));
		per_cpu(vigil_scratch, cpu) = NULL;
	}
}

/**
 * vigil_event_init() - allocate the scratch space, find d_absolute_path()
 *
 * Return: 0 or -ENOMEM, with nothing allocated.
 */
int vigil_event_init(void)
{
	int cpu;

#ifdef MODULE
	vigil_abs_path_fn = vigil_event_lookup("d_absolute_path");
	if (!vigil_abs_path_fn)
		pr_warn("d_absolute_path() not found: paths are relative to the caller's root\n");
#endif
	for_each_possible_cpu(cpu) {
		struct vigil_scratch *s = kvzalloc_node(sizeof(*s), GFP_KERNEL,
							cpu_to_node(cpu));

		if (!s) {
			vigil_event_free();
			return -ENOMEM;
		}
		per_cpu(vigil_scratch, cpu) = s;
	}
	/* the pointers above before the flag: vigil_event_begin() */
	smp_store_release(&vigil_scratch_open, true);
	return 0;
}

/**
 * vigil_event_exit() - free the scratch space
 *
 * Context: after every handler has returned.
 */
void vigil_event_exit(void)
{
	vigil_event_free();
}
