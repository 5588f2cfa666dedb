// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: file events, from the kernel's resolved objects.
 *
 *	file_open	open: every route that opens a file (open(2) and its
 *			relatives, creat(2), io_uring, open_by_handle_at(2),
 *			32-bit calls, exec), after the path was resolved and
 *			permission granted; the path is the opened file's,
 *			the flags its f_flags (O_LARGEFILE, which 64-bit
 *			kernels add to every open, left out), the mode its
 *			inode's
 *	path_mknod	fifo: a named pipe made by mknod(2)/mkfifo(3)
 *	path_link	a second name for a file (link(2), and linkat(2) of
 *	path_rename	an O_TMPFILE file), or a file moved to a new name:
 *			for a named pipe a fifo event, for a regular file an
 *			open of the new name for writing (O_WRONLY|O_CREAT),
 *			so that a rule on what is written to a name also
 *			sees a file written elsewhere and moved there
 *
 * A file that a rule names exactly is known by its inode too (watch.h):
 * reached by another name, it is reported under the rule's name.
 *
 * Opens are the most frequent events: the path is built first and asked
 * of the prefilter (vigil_channels_may_match()) before anything else.
 */
#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/path.h>

#include "event.h"
#include "hooks.h"
#include "watch.h"

/*
 * Report an open of @inode, which the caller resolved to @path.  A watched
 * file (watch.h) reached by another name is reported under its watched
 * name, with @path as via.  Return: 0, or -EPERM to refuse it.
 */
static int vigil_open(struct vigil_scratch *s, const struct inode *inode,
		       struct vigil_str path, u64 flags, u64 mode)
{
	struct vigil_str via = vigil_event_str(s->buf2, 0);
	struct vigil_str name;
	struct vigil_common c;
	bool watched;

	name = vigil_watch_alias(inode, path, s->buf2, &watched);
	if (name.len) {
		via = path;
		path = name;
	}
	if (!vigil_channels_may_match(VIGIL_EV_OPEN, VIGIL_OPEN_path,
				      path.ptr, path.len)) {
		vigil_event_end(s);
		return 0;
	}
	if (!watched)
		vigil_watch_check(path);
	vigil_event_common(s, &c, current);
	vigil_fill_open(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			path, flags, mode, via, c.exe);
	return vigil_event_decide(s);
}

static int vigil_fifo(struct vigil_scratch *s, struct vigil_str path,
		      u64 mode)
{
	struct vigil_common c;

	vigil_event_common(s, &c, current);
	vigil_fill_fifo(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			path, mode, c.exe);
	return vigil_event_decide(s);
}

/**
 * vigil_file_open() - a file was opened
 * @file: the new open file
 *
 * Return: 0, or -EPERM to refuse the open.
 */
int vigil_file_open(struct file *file)
{
	struct vigil_scratch *s = vigil_event_begin();

	if (!s)
		return 0;
	return vigil_open(s, file_inode(file),
			  vigil_event_path(&file->f_path, s->buf1),
			  file->f_flags & ~O_LARGEFILE,
			  file_inode(file)->i_mode);
}

/**
 * vigil_path_mknod() - a file system node is being made
 * @dir: its folder
 * @dentry: its name
 * @mode: its type and permissions (after the umask)
 * @dev: its device number
 *
 * Return: 0, or -EPERM to refuse making a FIFO.
 */
int vigil_path_mknod(const struct path *dir, struct dentry *dentry,
		     umode_t mode, unsigned int dev)
{
	struct vigil_scratch *s;

	if (!S_ISFIFO(mode))
		return 0;
	s = vigil_event_begin();
	if (!s)
		return 0;
	return vigil_fifo(s, vigil_event_child(dir, dentry, s->buf1), mode);
}

/*
 * The file @from is getting the name @name in folder @dir.
 * Return: 0, or -EPERM to refuse it.
 */
static int vigil_named(const struct dentry *from, const struct path *dir,
			const struct dentry *name)
{
	const struct inode *inode = d_backing_inode(from);
	struct vigil_scratch *s;
	umode_t mode;

	if (!inode)
		return 0;
	mode = READ_ONCE(inode->i_mode);
	if (!S_ISFIFO(mode) && !S_ISREG(mode))
		return 0;
	s = vigil_event_begin();
	if (!s)
		return 0;
	if (S_ISFIFO(mode))
		return vigil_fifo(s, vigil_event_child(dir, name, s->buf1),
				  mode);
	return vigil_open(s, inode, vigil_event_child(dir, name, s->buf1),
			  O_WRONLY | O_CREAT, mode);
}

/**
 * vigil_path_link() - a file is getting a second name
 * @old_dentry: the file
 * @new_dir: the folder of the new name
 * @new_dentry: the new name
 *
 * Return: 0, or -EPERM to refuse the link.
 */
int vigil_path_link(struct dentry *old_dentry, const struct path *new_dir,
		    struct dentry *new_dentry)
{
	return vigil_named(old_dentry, new_dir, new_dentry);
}

/**
 * vigil_path_rename() - a file is being moved to a new name
 * @old_dir: the folder of its name
 * @old_dentry: the file
 * @new_dir: the folder of the new name
 * @new_dentry: the new name
 * @flags: RENAME_*; with RENAME_EXCHANGE the file at the new name moves to
 *	the old one too
 *
 * Return: 0, or -EPERM to refuse the rename.
 */
int vigil_path_rename(const struct path *old_dir, struct dentry *old_dentry,
		      const struct path *new_dir, struct dentry *new_dentry,
		      unsigned int flags)
{
	int ret = vigil_named(old_dentry, new_dir, new_dentry);

	if (flags & RENAME_EXCHANGE)
		ret = vigil_named(new_dentry, old_dir, old_dentry) ?: ret;
	return ret;
}
