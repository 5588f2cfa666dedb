// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: kernel module loads.
 *
 *	kernel_read_file	finit_module(2): the file the kernel reads the
 *				module from (READING_MODULE)
 *	kernel_load_data	init_module(2): an image from user memory
 *				(LOADING_MODULE); path is empty
 *
 * No kernel object holds the module's parameters yet at these hooks: they
 * are read from the system call's argument, without faulting (a string
 * on a page that is not resident is cut there).  flags are
 * finit_module(2)'s.
 */
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>

#include "event.h"
#include "hooks.h"

/* @file is NULL for init_module(2).  Return: 0, or -EPERM to refuse. */
static int vigil_module_load(const struct file *file)
{
	struct vigil_str path, args;
	struct vigil_scratch *s;
	struct vigil_common c;
	unsigned long a[6];
	u64 flags = 0;

	if (current->flags & PF_KTHREAD)
		return 0;
	s = vigil_event_begin();
	if (!s)
		return 0;
	syscall_get_arguments(current, task_pt_regs(current), a);
	if (file) {
		/* finit_module(fd, uargs, flags) */
		path = vigil_event_path(&file->f_path, s->buf1);
		args = vigil_event_str(s->buf2, vigil_event_user_str(s->buf2,
						VIGIL_MAX_FIELD_LEN, a[1]));
		flags = (u32)a[2];
	} else {
		/* init_module(umod, len, uargs) */
		path = vigil_event_str(s->buf1, 0);
		args = vigil_event_str(s->buf2, vigil_event_user_str(s->buf2,
						VIGIL_MAX_FIELD_LEN, a[2]));
	}
	vigil_event_common(s, &c, current);
	vigil_fill_module_load(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid,
			       c.comm, path, args, flags, c.exe);
	return vigil_event_decide(s);
}

/**
 * vigil_kernel_read_file() - the kernel is about to read a file for itself
 * @file: the file
 * @id: what for; only READING_MODULE is reported
 * @contents: whether the whole file is read
 *
 * Return: 0, or -EPERM to refuse loading the module.
 */
int vigil_kernel_read_file(struct file *file, enum kernel_read_file_id id,
			   bool contents)
{
	return id == READING_MODULE ? vigil_module_load(file) : 0;
}

/**
 * vigil_kernel_load_data() - the kernel is about to take data from memory
 * @id: what for; only LOADING_MODULE is reported
 * @contents: whether the data itself follows
 *
 * Return: 0, or -EPERM to refuse loading the module.
 */
int vigil_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	return id == LOADING_MODULE ? vigil_module_load(NULL) : 0;
}
