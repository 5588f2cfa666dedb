// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: watched files (watch.h).
 *
 * A path is one name of a file; a rule that names /etc/shadow means the
 * file, whatever it is called when opened.  The table holds every path eq
 * value of the active open rules (up to VIGIL_MAX_WATCHED_FILES), each
 * with the inode it resolved to from the initial mount namespace when the
 * table was built, and is published with RCU: the handlers look up an
 * opened inode (sorted by super block and inode number) and an opened
 * name (sorted by hash) without a lock.
 *
 * A watched inode opened under a name the table does not give it gets
 * that entry's name.  A watched name opened on another inode, or on any
 * inode when it resolved to none, means the table is stale (the file was
 * replaced, renamed or created since): the handler asks for a rebuild,
 * which runs from a work item, at most once a second.  Until then that
 * name still matches by name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringhash.h>
#include <linux/workqueue.h>

#include "watch.h"

/**
 * struct vigil_watch - one watched name
 * @sb: super block of the file it named at build time (compared, never
 *	dereferenced); NULL if the name did not resolve
 * @ino: its inode number
 * @gen: its inode's generation
 * @hash: full_name_hash() of the name
 * @len: the name's length
 * @name: offset of the name, NUL-terminated, in vigil_watches.names
 */
struct vigil_watch {
	const struct super_block *sb;
	unsigned long ino;
	u32 gen;
	u32 hash;
	u32 len;
	u32 name;
};

/**
 * struct vigil_watches - the table, replaced as a whole
 * @rcu: frees it once no handler can see it
 * @n: names
 * @by_name: @n entries, sorted by hash, then length and bytes
 * @by_ino: indexes into @by_name of the resolved entries, sorted by
 *	super block and inode number
 * @nino: how many
 * @names: the names
 */
struct vigil_watches {
	struct rcu_head rcu;
	u32 n;
	struct vigil_watch *by_name;
	u32 *by_ino;
	u32 nino;
	char *names;
};

static struct vigil_watches __rcu *vigil_watches;

static void vigil_watch_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vigil_watch_work, vigil_watch_fn);
/* vigil_watch_on: the work item may be queued; under vigil_watch_lock */
static DEFINE_SPINLOCK(vigil_watch_lock);
static bool vigil_watch_on;
/* no rebuild asked for by a handler before this time (jiffies) */
static unsigned long vigil_watch_next;

static u32 vigil_watch_hash(const char *s, u32 len)
{
	return full_name_hash(NULL, s, len);
}

/* Order of by_name: hash, then length, then bytes. */
static int vigil_watch_cmp(const struct vigil_watch *a, const char *an,
			   const struct vigil_watch *b, const char *bn)
{
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(an, bn, a->len);
}

/* Index of the entry for name @s, or -1. */
static int vigil_watch_find_name(const struct vigil_watches *w,
				 const char *s, u32 len)
{
	struct vigil_watch key = { .hash = vigil_watch_hash(s, len),
				   .len = len };
	u32 lo = 0, hi = w->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct vigil_watch *e = &w->by_name[mid];
		int c = vigil_watch_cmp(e, w->names + e->name, &key, s);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool vigil_watch_ino_less(const struct vigil_watch *a,
				 const struct super_block *sb,
				 unsigned long ino)
{
	return a->sb != sb ? (unsigned long)a->sb < (unsigned long)sb :
			     a->ino < ino;
}

/* First position in by_ino whose entry is not below (@sb, @ino). */
static u32 vigil_watch_find_ino(const struct vigil_watches *w,
				const struct super_block *sb,
				unsigned long ino)
{
	u32 lo = 0, hi = w->nino;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (vigil_watch_ino_less(&w->by_name[w->by_ino[mid]], sb, ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void vigil_watch_queue(unsigned long delay)
{
	unsigned long flags;

	spin_lock_irqsave(&vigil_watch_lock, flags);
	if (vigil_watch_on)
		queue_delayed_work(system_unbound_wq, &vigil_watch_work, delay);
	spin_unlock_irqrestore(&vigil_watch_lock, flags);
}

/* A handler saw the table out of date. */
static void vigil_watch_stale(void)
{
	unsigned long next = READ_ONCE(vigil_watch_next);

	/* every open of the name asks until it runs: skip the lock then */
	if (delayed_work_pending(&vigil_watch_work))
		return;
	/*
	 * A tenth of a second at least: a rename's hook runs before the
	 * rename, and the rebuild should see it done.
	 */
	vigil_watch_queue(max_t(long, HZ / 10, (long)(next - jiffies)));
}

/**
 * vigil_watch_alias() - the name a rule knows an opened file by
 * @inode: the file
 * @path: the canonical name it was opened by
 * @buf: VIGIL_MAX_FIELD_LEN bytes for the name
 * @watched: out: @inode is a watched file
 *
 * Context: a handler, preemption disabled.
 *
 * Return: in @buf, the watched name of @inode if @path is none of its
 * watched names; else empty.
 */
struct vigil_str vigil_watch_alias(const struct inode *inode,
				   struct vigil_str path, char *buf,
				   bool *watched)
{
	const struct vigil_watches *w;
	struct vigil_str out = { .ptr = buf, .len = 0 };
	const struct vigil_watch *e, *first = NULL;
	u32 i;

	*watched = false;
	rcu_read_lock();
	w = rcu_dereference(vigil_watches);
	if (!w)
		goto out;
	for (i = vigil_watch_find_ino(w, inode->i_sb, inode->i_ino);
	     i < w->nino; i++) {
		e = &w->by_name[w->by_ino[i]];
		if (e->sb != inode->i_sb || e->ino != inode->i_ino)
			break;
		if (e->gen != inode->i_generation)
			continue;
		*watched = true;
		if (e->len == path.len &&
		    !memcmp(w->names + e->name, path.ptr, path.len))
			goto out;	/* opened by a name it is watched under */
		if (!first)
			first = e;
	}
	if (first) {
		memcpy(buf, w->names + first->name, first->len);
		out.len = first->len;
	}
out:
	rcu_read_unlock();
	return out;
}

/**
 * vigil_watch_check() - see whether an opened name is a watched one
 * @path: the canonical name a file that is not watched was opened by
 *
 * A watched name on another inode, or on a file it did not name when the
 * table was built (created since), makes the table resolve it again.  A
 * name is only watched if an open rule names it exactly, so a handler
 * asks only after the prefilter said a rule may match @path.
 *
 * Context: a handler, preemption disabled.
 */
void vigil_watch_check(struct vigil_str path)
{
	const struct vigil_watches *w;

	rcu_read_lock();
	w = rcu_dereference(vigil_watches);
	if (w && vigil_watch_find_name(w, path.ptr, path.len) >= 0)
		vigil_watch_stale();
	rcu_read_unlock();
}

/* --- building the table (work item) ------------------------------------ */

struct vigil_watch_build {
	struct vigil_watches *w;
	u32 cap;	/* entries room */
	size_t bytes;	/* names room */
	size_t used;
	bool capped;
};

/* Whether a rule's exact value on @type's @field is a watched file. */
static bool vigil_watch_field(u32 type, u32 field, const u8 *s, u32 len)
{
	return type == VIGIL_EV_OPEN && field == VIGIL_OPEN_path &&
	       s[0] == '/' && !memchr(s, '\0', len);
}

static int vigil_watch_count(void *ctx, u32 type, u32 field, const u8 *s,
			     u32 len)
{
	struct vigil_watch_build *b = ctx;

	if (vigil_watch_field(type, field, s, len)) {
		b->cap++;
		b->bytes += len + 1;
	}
	return 0;
}

static int vigil_watch_add(void *ctx, u32 type, u32 field, const u8 *s,
			   u32 len)
{
	struct vigil_watch_build *b = ctx;
	struct vigil_watches *w = b->w;
	struct vigil_watch *e;

	if (!vigil_watch_field(type, field, s, len))
		return 0;
	/* the set may have grown since it was counted: a rebuild follows */
	if (w->n == b->cap || b->used + len + 1 > b->bytes) {
		b->capped = true;
		return 0;
	}
	e = &w->by_name[w->n++];
	memcpy(w->names + b->used, s, len);
	w->names[b->used + len] = '\0';
	e->name = b->used;
	e->len = len;
	e->hash = vigil_watch_hash((const char *)s, len);
	b->used += len + 1;
	return 0;
}

/* sort_r() orders, @priv the table */
static int vigil_watch_sort_name(const void *a, const void *b,
				 const void *priv)
{
	const char *names = ((const struct vigil_watches *)priv)->names;
	const struct vigil_watch *x = a, *y = b;

	return vigil_watch_cmp(x, names + x->name, y, names + y->name);
}

static int vigil_watch_sort_ino(const void *a, const void *b,
				const void *priv)
{
	const struct vigil_watch *by_name =
		((const struct vigil_watches *)priv)->by_name;
	const struct vigil_watch *x = &by_name[*(const u32 *)a];
	const struct vigil_watch *y = &by_name[*(const u32 *)b];

	if (vigil_watch_ino_less(x, y->sb, y->ino))
		return -1;
	return vigil_watch_ino_less(y, x->sb, x->ino) ? 1 : 0;
}

static void vigil_watch_free(struct vigil_watches *w)
{
	if (!w)
		return;
	kvfree(w->by_name);
	kvfree(w->by_ino);
	kvfree(w->names);
	kfree(w);
}

static void vigil_watch_free_rcu(struct rcu_head *head)
{
	vigil_watch_free(container_of(head, struct vigil_watches, rcu));
}

/* Sort, drop repeated names, resolve each name and index the inodes. */
static void vigil_watch_index(struct vigil_watches *w)
{
	u32 i, n = 0;

	sort_r(w->by_name, w->n, sizeof(*w->by_name), vigil_watch_sort_name,
	       NULL, w);
	for (i = 0; i < w->n; i++) {
		struct vigil_watch *e = &w->by_name[i];
		struct path p;

		if (n && !vigil_watch_sort_name(&w->by_name[n - 1], e, w))
			continue;
		w->by_name[n++] = *e;
		e = &w->by_name[n - 1];
		e->sb = NULL;
		if (kern_path(w->names + e->name, LOOKUP_FOLLOW, &p))
			continue;
		if (d_really_is_positive(p.dentry)) {
			const struct inode *inode = d_backing_inode(p.dentry);

			e->sb = inode->i_sb;
			e->ino = inode->i_ino;
			e->gen = inode->i_generation;
			w->by_ino[w->nino++] = n - 1;
		}
		path_put(&p);
		cond_resched();
	}
	w->n = n;
	sort_r(w->by_ino, w->nino, sizeof(*w->by_ino), vigil_watch_sort_ino,
	       NULL, w);
}

/* The table for the active channels; NULL if they name no file. */
static struct vigil_watches *vigil_watch_build(void)
{
	struct vigil_watch_build b = { .cap = 0 };
	struct vigil_watches *w;

	vigil_channels_each_eq(vigil_watch_count, &b);
	if (!b.cap)
		return NULL;
	if (b.cap > VIGIL_MAX_WATCHED_FILES) {
		pr_warn("the channels name %u files exactly; %u are watched by inode\n",
			b.cap, VIGIL_MAX_WATCHED_FILES);
		b.cap = VIGIL_MAX_WATCHED_FILES;
		b.bytes = min_t(size_t, b.bytes,
				(size_t)b.cap * (VIGIL_MAX_PATTERN_LEN + 1));
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		goto nomem;
	w->by_name = kvcalloc(b.cap, sizeof(*w->by_name), GFP_KERNEL_ACCOUNT);
	w->by_ino = kvcalloc(b.cap, sizeof(*w->by_ino), GFP_KERNEL_ACCOUNT);
	w->names = kvmalloc(b.bytes, GFP_KERNEL_ACCOUNT);
	if (!w->by_name || !w->by_ino || !w->names)
		goto nomem;
	b.w = w;
	vigil_channels_each_eq(vigil_watch_add, &b);
	vigil_watch_index(w);
	if (b.capped)
		vigil_watch_stale();
	return w;
nomem:
	vigil_watch_free(w);
	pr_warn("no memory to watch files by inode; rules match them by name\n");
	return NULL;
}

static void vigil_watch_fn(struct work_struct *work)
{
	struct vigil_watches *w = vigil_watch_build(), *old;

	/* the work item is the only writer */
	old = rcu_replace_pointer(vigil_watches, w, true);
	if (old)
		call_rcu(&old->rcu, vigil_watch_free_rcu);
	WRITE_ONCE(vigil_watch_next, jiffies + HZ);
}

/**
 * vigil_watch_changed() - the active channels changed: rebuild the table
 */
void vigil_watch_changed(void)
{
	vigil_watch_queue(0);
}

/**
 * vigil_watch_init() - build the table for the active channels
 *
 * Called before the handlers are attached; until the work item has run,
 * files match by name only.
 */
void vigil_watch_init(void)
{
	spin_lock_irq(&vigil_watch_lock);
	vigil_watch_on = true;
	spin_unlock_irq(&vigil_watch_lock);
	vigil_watch_changed();
}

/**
 * vigil_watch_exit() - stop rebuilding and free the table
 *
 * Context: after every handler has returned.
 */
void vigil_watch_exit(void)
{
	struct vigil_watches *old;

	spin_lock_irq(&vigil_watch_lock);
	vigil_watch_on = false;
	spin_unlock_irq(&vigil_watch_lock);
	cancel_delayed_work_sync(&vigil_watch_work);
	old = rcu_replace_pointer(vigil_watches, NULL, true);
	if (old) {
		synchronize_rcu();
		vigil_watch_free(old);
	}
	/* tables handed to call_rcu() earlier */
	rcu_barrier();
}
