// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: the active channel set.
 *
 * The active channels are one array, sorted by channel id, published with
 * rcu_assign_pointer().  The hooks read it under rcu_read_lock() and never
 * block; writers (netlink, module init) build a complete new array under
 * vigil_chan_mutex, swap it in, wait for a grace period and only then free
 * what they replaced.  A channel is validated and compiled completely by
 * the loader before the mutex is even taken, so a rejected channel never
 * touches the running set.
 *
 * When the sensor arms (config.c) the installed channels are read from
 * channels_dir (default VIGIL_CHANNELS_DIR, /etc/vigil/channels): the file
 * MANIFEST there lists channel file names, one per line, in load order;
 * empty lines and lines starting with '#' are skipped.  Names may not
 * contain '/'.  Files are read with kernel_read_file_from_path_initns(),
 * relative to the init task's root, so IMA appraisal and LoadPin apply to
 * them as to firmware.  A file that cannot be read or is rejected is
 * logged and counted, and the others still load.  channels_dir (an
 * absolute path, or "" for none) can be changed through
 * /sys/module/vigil/parameters/channels_dir until arming reads it; from
 * then on writes fail with EBUSY.
 *
 * Bounds for all active channels together: the loader proves for each
 * channel how many steps one event of each type can cost it at most
 * (vigil_ruleset_work()); a channel is activated only if, for every event
 * type, the bounds of the channels that would then be active add up to at
 * most VIGIL_MAX_EVENT_WORK.  Their memory together stays under
 * VIGIL_MAX_TOTAL_MEM: a load may use only what the others leave, checked
 * before each allocation.  At run time one budget of VIGIL_MAX_EVENT_WORK
 * steps is shared by all channels for each event; an event that runs out
 * is stopped, counted (events_over_budget) and reported with a notice
 * naming the channel; a channel that does so VIGIL_OVER_BUDGET_LIMIT
 * times is disabled at once and removed, with a notice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel_read_file.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "sensor.h"
#include "watch.h"

/* Events stopped at the budget after which a channel is disabled. */
#define VIGIL_OVER_BUDGET_LIMIT	8
/* Largest MANIFEST accepted and most entries read from it. */
#define VIGIL_MAX_MANIFEST	(64U << 10)
#define VIGIL_MAX_NAME		255

static char *channels_dir = VIGIL_CHANNELS_DIR;
/* Set when arming reads channels_dir; under kernel_param_lock(). */
static bool vigil_dir_frozen;

/*
 * Called with kernel_param_lock() held (module load, the sysfs file, or
 * the command line of a built-in sensor before anything else runs).  A
 * newline from "echo" is dropped.
 */
static int vigil_dir_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strlen(val);
	char *tmp;
	int ret;

	if (vigil_dir_frozen)
		return -EBUSY;
	if (len && val[len - 1] == '\n')
		len--;
	if (len && val[0] != '/')
		return -EINVAL;
	if (!val[len])
		return param_set_charp(val, kp);
	tmp = kstrndup(val, len, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	ret = param_set_charp(tmp, kp);
	kfree(tmp);
	return ret;
}

static const struct kernel_param_ops vigil_dir_ops = {
	.set = vigil_dir_set,
	.get = param_get_charp,
	.free = param_free_charp,
};

module_param_cb(channels_dir, &vigil_dir_ops, &channels_dir, 0644);
MODULE_PARM_DESC(channels_dir,
		 "Folder of installed channels and their MANIFEST (\"\": none); writable until armed");

/**
 * struct vigil_chan_rt - what the hooks count of one active channel
 * @over: events it stopped at the work budget
 * @disabled: it went over too often; the hooks skip it until it is gone
 */
struct vigil_chan_rt {
	atomic64_t over;
	bool disabled;
};

/**
 * struct vigil_active_ent - one active channel
 * @ch: the loaded channel (owned)
 * @rt: its counters (owned; shared by the copies of this entry that
 *	successive active sets hold)
 * @loaded_ns: when it became active, CLOCK_REALTIME
 */
struct vigil_active_ent {
	struct vigil_channel *ch;
	struct vigil_chan_rt *rt;
	u64 loaded_ns;
};

/**
 * struct vigil_active - the active set, replaced as a whole
 * @may: the prefilters of its channels merged (loader/may.c), asked once
 *	for all of them; NULL if there was no memory for it: each is asked
 * @n: number of entries
 * @ent: entries sorted by channel id
 */
struct vigil_active {
	struct vigil_may *may;
	unsigned int n;
	struct vigil_active_ent ent[];
};

static struct vigil_active __rcu *vigil_active;
static DEFINE_MUTEX(vigil_chan_mutex);
/* Serialises loads, so that each sees the memory the others left. */
static DEFINE_MUTEX(vigil_load_mutex);
/* Bytes the active channels hold; under vigil_chan_mutex to change. */
static atomic64_t vigil_mem_used = ATOMIC64_INIT(0);

static void vigil_disable_fn(struct work_struct *work);
static DECLARE_WORK(vigil_disable_work, vigil_disable_fn);

/* An entry's channel and counters, once no reader can see them. */
static void vigil_ent_free(struct vigil_active_ent *e)
{
	if (!e->ch)
		return;
	atomic64_sub(vigil_channel_mem(e->ch), &vigil_mem_used);
	vigil_channel_free(e->ch);
	kfree(e->rt);
	e->ch = NULL;
}

/* --- per-channel sysfs: /sys/kernel/vigil/channels/<id>/ ---------------- */

/**
 * struct vigil_chan_kobj - sysfs folder of one active channel
 * @kobj: the folder
 * @info: what it shows; written under vigil_chan_mutex and vigil_info_lock
 * @node: in vigil_chan_kobjs
 */
struct vigil_chan_kobj {
	struct kobject kobj;
	struct vigil_channel_info info;
	struct list_head node;
};

static struct kobject *vigil_channels_kobj;
static LIST_HEAD(vigil_chan_kobjs);
/*
 * show() must not take vigil_chan_mutex: removing a folder under the mutex
 * waits for running show() calls.
 */
static DEFINE_SPINLOCK(vigil_info_lock);

static struct vigil_channel_info vigil_kobj_info(struct kobject *kobj)
{
	struct vigil_chan_kobj *ck = container_of(kobj, struct vigil_chan_kobj,
						  kobj);
	struct vigil_channel_info info;

	spin_lock(&vigil_info_lock);
	info = ck->info;
	spin_unlock(&vigil_info_lock);
	return info;
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", vigil_kobj_info(kobj).channel_id);
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)vigil_kobj_info(kobj).content_version);
}

static ssize_t digest_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct vigil_channel_info info = vigil_kobj_info(kobj);

	return sysfs_emit(buf, "%*phN\n", VIGIL_CHAN_DIGEST_LEN, info.digest);
}

static ssize_t rules_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", vigil_kobj_info(kobj).nrules);
}

static ssize_t signed_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", vigil_kobj_info(kobj).signed_);
}

static ssize_t loaded_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)vigil_kobj_info(kobj).loaded_ns);
}

static struct kobj_attribute vigil_ch_id = __ATTR_RO(id);
static struct kobj_attribute vigil_ch_version = __ATTR_RO(version);
static struct kobj_attribute vigil_ch_digest = __ATTR_RO(digest);
static struct kobj_attribute vigil_ch_rules = __ATTR_RO(rules);
/* __ATTR(signed, ...) would read as the C type to checkpatch */
static struct kobj_attribute vigil_ch_signed = {
	.attr = { .name = "signed", .mode = 0444 },
	.show = signed_show,
};
static struct kobj_attribute vigil_ch_loaded = __ATTR_RO(loaded);

static struct attribute *vigil_ch_attrs[] = {
	&vigil_ch_id.attr,
	&vigil_ch_version.attr,
	&vigil_ch_digest.attr,
	&vigil_ch_rules.attr,
	&vigil_ch_signed.attr,
	&vigil_ch_loaded.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vigil_ch);

static void vigil_chan_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vigil_chan_kobj, kobj));
}

static const struct kobj_type vigil_chan_ktype = {
	.release = vigil_chan_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vigil_ch_groups,
};

static void vigil_fill_info(struct vigil_channel_info *info,
			    const struct vigil_active_ent *e)
{
	info->channel_id = e->ch->channel_id;
	info->content_version = e->ch->content_version;
	memcpy(info->digest, e->ch->digest, VIGIL_CHAN_DIGEST_LEN);
	info->nrules = e->ch->nrules;
	info->signed_ = e->ch->sig_verified;
	info->loaded_ns = e->loaded_ns;
	info->memory = vigil_channel_mem(e->ch);
	info->over_budget = atomic64_read(&e->rt->over);
}

static struct vigil_chan_kobj *vigil_find_kobj(u32 id)
{
	struct vigil_chan_kobj *ck;

	list_for_each_entry(ck, &vigil_chan_kobjs, node)
		if (ck->info.channel_id == id)
			return ck;
	return NULL;
}

/*
 * Show the channel in sysfs; under vigil_chan_mutex.  A failure here only
 * costs the folder: the channel itself is active already.
 */
static void vigil_sysfs_update(const struct vigil_active_ent *e)
{
	struct vigil_chan_kobj *ck = vigil_find_kobj(e->ch->channel_id);

	if (ck) {
		spin_lock(&vigil_info_lock);
		vigil_fill_info(&ck->info, e);
		spin_unlock(&vigil_info_lock);
		return;
	}
	if (!vigil_channels_kobj)
		return;
	ck = kzalloc(sizeof(*ck), GFP_KERNEL);
	if (!ck)
		goto fail;
	vigil_fill_info(&ck->info, e);
	if (kobject_init_and_add(&ck->kobj, &vigil_chan_ktype,
				 vigil_channels_kobj, "%u",
				 e->ch->channel_id)) {
		kobject_put(&ck->kobj);
		goto fail;
	}
	list_add_tail(&ck->node, &vigil_chan_kobjs);
	return;
fail:
	pr_warn("channel %u: no sysfs folder\n", e->ch->channel_id);
}

static void vigil_sysfs_remove(u32 id)
{
	struct vigil_chan_kobj *ck = vigil_find_kobj(id);

	if (!ck)
		return;
	list_del(&ck->node);
	kobject_put(&ck->kobj);
}

/* --- loading and removing ---------------------------------------------- */

/**
 * vigil_channels_reject() - reject a channel for a reason of the sensor's
 * @source: where it came from
 * @err: filled with @code, @offset and the formatted reason
 * @code: loader error class or VIGIL_REJECT_*
 * @offset: file offset of the problem
 * @fmt: printf format of the reason
 *
 * Counted and remembered like the loader's rejections.
 *
 * Return: -ENOMEM for VIGIL_E_NOMEM, else -EINVAL.
 */
int vigil_channels_reject(const char *source, struct vigil_error *err,
			  int code, u64 offset, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->offset = offset;
	err->in_payload = false;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	vigil_note_reject(source, err);
	return code == VIGIL_E_NOMEM ? -ENOMEM : -EINVAL;
}

/* errno for a loader error class */
static int vigil_err_errno(int code)
{
	switch (code) {
	case VIGIL_E_NOMEM:
		return -ENOMEM;
	case VIGIL_E_SIG_MISSING:
	case VIGIL_E_SIG_BAD:
		return -EKEYREJECTED;
	default:
		return -EINVAL;
	}
}

/* Index of @id in @act, or of where it would go (ret < 0: ~position). */
static int vigil_find(const struct vigil_active *act, u32 id)
{
	unsigned int lo = 0, hi = act ? act->n : 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		u32 mid_id = act->ent[mid].ch->channel_id;

		if (mid_id == id)
			return mid;
		if (mid_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ~(int)lo;
}

/*
 * Publish @next and free what it replaces: @old once no reader can see it,
 * and @gone (a channel no longer in the set, or none) with it.
 */
static void vigil_publish(struct vigil_active *next, struct vigil_active *old,
			  struct vigil_active_ent gone)
{
	const struct vigil_ruleset *rs[VIGIL_MAX_CHANNELS];
	unsigned int i;

	if (next) {
		for (i = 0; i < next->n; i++)
			rs[i] = next->ent[i].ch->rules;
		next->may = vigil_may_build(rs, next->n);
	}
	rcu_assign_pointer(vigil_active, next);
	synchronize_rcu();
	if (old)
		vigil_may_free(old->may);
	kfree(old);
	vigil_ent_free(&gone);
	vigil_watch_changed();
}

/*
 * Whether the active set with @ch in the place of channel @skip (or added)
 * stays within the work budget for every event type; else reject, naming
 * the type, the sum and the new channel's costliest rule of that type.
 */
static int vigil_check_work(const char *source, const struct vigil_active *act,
			    int skip, const struct vigil_channel *ch,
			    struct vigil_error *err)
{
	u64 sum, own, rw;
	unsigned int i;
	u32 t, r;

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		own = vigil_ruleset_work(ch->rules, t);
		if (!own)
			continue;
		sum = own;
		for (i = 0; act && i < act->n; i++)
			if ((int)i != skip)
				sum += vigil_ruleset_work(act->ent[i].ch->rules,
							  t);
		if (sum <= VIGIL_MAX_EVENT_WORK)
			continue;
		r = vigil_ruleset_costliest(ch->rules, t, &rw);
		err->code = VIGIL_E_COST;
		err->in_payload = true;
		err->offset = sizeof(struct vigil_payload_header) +
			      (u64)r * sizeof(struct vigil_rule_rec);
		snprintf(err->msg, sizeof(err->msg),
			 "channel %u: %s events would cost all channels %llu steps (this one %llu), over the budget of %u; its costliest %s rule is %u (%llu steps)",
			 ch->channel_id, vigil_event_desc(t)->name,
			 (unsigned long long)sum, (unsigned long long)own,
			 VIGIL_MAX_EVENT_WORK, vigil_event_desc(t)->name, r,
			 (unsigned long long)rw);
		vigil_note_reject(source, err);
		return -EINVAL;
	}
	return 0;
}

/* Activate a validated channel; under vigil_chan_mutex. */
static int vigil_activate(const char *source, struct vigil_channel *ch,
			  struct vigil_error *err)
{
	struct vigil_active_ent gone = {};
	struct vigil_active *old, *next;
	struct vigil_chan_rt *rt;
	unsigned int n, pos;
	int i, ret;

	old = rcu_dereference_protected(vigil_active,
					lockdep_is_held(&vigil_chan_mutex));
	i = vigil_find(old, ch->channel_id);
	if (i >= 0) {
		const struct vigil_channel *cur = old->ent[i].ch;

		if (ch->content_version < cur->content_version ||
		    (ch->content_version == cur->content_version &&
		     memcmp(ch->digest, cur->digest, VIGIL_CHAN_DIGEST_LEN)))
			return vigil_channels_reject(source, err,
						     VIGIL_REJECT_ROLLBACK,
						     offsetof(struct vigil_chan_header,
							      content_version),
						     "channel %u content version %llu does not follow active version %llu",
						     ch->channel_id,
						     (unsigned long long)ch->content_version,
						     (unsigned long long)cur->content_version);
	}
	n = old ? old->n : 0;
	if (i < 0 && n >= VIGIL_MAX_CHANNELS)
		return vigil_channels_reject(source, err, VIGIL_E_COUNT_CAP, 0,
					     "%u channels are active already",
					     VIGIL_MAX_CHANNELS);
	if (i < 0)
		n++;
	ret = vigil_check_work(source, old, i, ch, err);
	if (ret)
		return ret;

	vigil_fault_activate(ch->channel_id);
	rt = kzalloc(sizeof(*rt), GFP_KERNEL_ACCOUNT);
	next = kmalloc(struct_size(next, ent, n), GFP_KERNEL_ACCOUNT);
	if (!next || !rt) {
		kfree(rt);
		kfree(next);
		return vigil_channels_reject(source, err, VIGIL_E_NOMEM, 0,
					     "no memory for the active set");
	}
	next->n = n;
	if (i >= 0) {
		memcpy(next->ent, old->ent, n * sizeof(next->ent[0]));
		gone = old->ent[i];
		pos = i;
	} else {
		pos = ~i;
		if (pos)
			memcpy(next->ent, old->ent, pos * sizeof(next->ent[0]));
		if (n - 1 > pos)
			memcpy(&next->ent[pos + 1], &old->ent[pos],
			       (n - 1 - pos) * sizeof(next->ent[0]));
	}
	next->ent[pos].ch = ch;
	next->ent[pos].rt = rt;
	next->ent[pos].loaded_ns = ktime_get_real_ns();
	atomic64_add(vigil_channel_mem(ch), &vigil_mem_used);

	vigil_publish(next, old, gone);
	vigil_sysfs_update(&next->ent[pos]);
	atomic64_inc(&vigil_counters.channels_loaded);
	pr_info("channel %u version %llu active (%s): %u rules%s\n",
		ch->channel_id, (unsigned long long)ch->content_version, source,
		ch->nrules, ch->sig_verified ? ", signed" : "");
	return 0;
}

static int vigil_channels_load_from(const char *source, const void *data,
				    size_t len, struct vigil_error *err)
{
	struct vigil_load_opts opts = {
		.require_signature = vigil_require_signature(),
		.verify = vigil_verify_sig,
	};
	struct vigil_channel *ch = NULL;
	s64 used;
	int code, ret;

	memset(err, 0, sizeof(*err));
	mutex_lock(&vigil_load_mutex);
	/*
	 * What the other channels leave, the one this may replace included:
	 * both are held while the new one takes its place.
	 */
	used = atomic64_read(&vigil_mem_used);
	if (used >= VIGIL_MAX_TOTAL_MEM) {
		mutex_unlock(&vigil_load_mutex);
		return vigil_channels_reject(source, err, VIGIL_E_MEM_CAP, 0,
					     "the active channels hold %lld bytes, the cap of them all is %lu",
					     used, VIGIL_MAX_TOTAL_MEM);
	}
	opts.mem_limit = VIGIL_MAX_TOTAL_MEM - used;
	code = vigil_channel_load(data, len, &opts, &ch, err);
	if (code != VIGIL_E_OK) {
		mutex_unlock(&vigil_load_mutex);
		if (err->code != code)
			err->code = code;
		vigil_note_reject(source, err);
		return vigil_err_errno(code);
	}

	mutex_lock(&vigil_chan_mutex);
	/* require_signature may have been switched on during the load */
	if (vigil_require_signature() && !ch->sig_verified)
		ret = vigil_channels_reject(source, err, VIGIL_E_SIG_MISSING,
					    len, "signature required but missing");
	else
		ret = vigil_activate(source, ch, err);
	mutex_unlock(&vigil_chan_mutex);
	mutex_unlock(&vigil_load_mutex);
	if (ret)
		vigil_channel_free(ch);
	return ret;
}

int vigil_channels_load(const void *data, size_t len, struct vigil_error *err)
{
	return vigil_channels_load_from("netlink", data, len, err);
}

int vigil_channels_remove(u32 channel_id)
{
	struct vigil_active *old, *next = NULL;
	struct vigil_active_ent gone;
	int i;

	mutex_lock(&vigil_chan_mutex);
	old = rcu_dereference_protected(vigil_active,
					lockdep_is_held(&vigil_chan_mutex));
	i = vigil_find(old, channel_id);
	if (i < 0) {
		mutex_unlock(&vigil_chan_mutex);
		return -ENOENT;
	}
	if (old->n > 1) {
		next = kmalloc(struct_size(next, ent, old->n - 1), GFP_KERNEL);
		if (!next) {
			mutex_unlock(&vigil_chan_mutex);
			return -ENOMEM;
		}
		next->n = old->n - 1;
		memcpy(next->ent, old->ent, i * sizeof(next->ent[0]));
		memcpy(&next->ent[i], &old->ent[i + 1],
		       (old->n - 1 - i) * sizeof(next->ent[0]));
	}
	gone = old->ent[i];
	vigil_publish(next, old, gone);
	vigil_sysfs_remove(channel_id);
	mutex_unlock(&vigil_chan_mutex);
	pr_info("channel %u removed\n", channel_id);
	return 0;
}

int vigil_channels_list(void (*fn)(void *ctx,
				   const struct vigil_channel_info *info),
			void *ctx)
{
	const struct vigil_active *act;
	struct vigil_channel_info info;
	unsigned int i, n = 0;

	rcu_read_lock();
	act = rcu_dereference(vigil_active);
	for (i = 0; act && i < act->n; i++, n++) {
		vigil_fill_info(&info, &act->ent[i]);
		fn(ctx, &info);
	}
	rcu_read_unlock();
	return n;
}

int vigil_channels_each_eq(vigil_eq_fn fn, void *ctx)
{
	const struct vigil_active *act;
	unsigned int i;
	int ret = 0;

	mutex_lock(&vigil_chan_mutex);
	act = rcu_dereference_protected(vigil_active,
					lockdep_is_held(&vigil_chan_mutex));
	for (i = 0; act && i < act->n && !ret; i++)
		ret = vigil_ruleset_each_eq(act->ent[i].ch->rules, fn, ctx);
	mutex_unlock(&vigil_chan_mutex);
	return ret;
}

/**
 * vigil_channels_count() - number of active channels
 *
 * Return: the number.
 */
unsigned int vigil_channels_count(void)
{
	const struct vigil_active *act;
	unsigned int n;

	rcu_read_lock();
	act = rcu_dereference(vigil_active);
	n = act ? act->n : 0;
	rcu_read_unlock();
	return n;
}

/**
 * vigil_channels_active() - whether any channel is active
 *
 * A cheap test for the hooks, which build no event when nothing could
 * match it.
 *
 * Return: true if at least one channel is active.
 */
bool vigil_channels_active(void)
{
	return rcu_access_pointer(vigil_active) != NULL;
}

/* --- matching (probe context) ------------------------------------------ */

struct vigil_match_ctx {
	const struct vigil_event *ev;
	const struct vigil_channel *ch;
	bool refusable;
	bool refuse;
};

/*
 * A rule matched: the record takes its title now, the channel may go.
 * Kill and deny refuse the operation where the caller can.
 */
static int vigil_on_match(void *ctx, const struct vigil_match *m)
{
	struct vigil_match_ctx *mc = ctx;
	bool refuse = mc->refusable && (m->action == VIGIL_ACTION_KILL ||
					m->action == VIGIL_ACTION_DENY);
	const char *title;
	u32 len;

	atomic64_inc(&vigil_counters.events_matched);
	if (refuse) {
		atomic64_inc(&vigil_counters.events_refused);
		mc->refuse = true;
	}
	title = vigil_ruleset_title(mc->ch->rules, m->rule_index, &len);
	vigil_report_match(mc->ev, mc->ch->channel_id,
			   mc->ch->content_version, m, title, len, refuse);
	return 0;
}

/*
 * An event stopped at the budget in channel @e: count it, say so, and
 * disable the channel the time it reaches VIGIL_OVER_BUDGET_LIMIT.
 */
static void vigil_over_budget(const struct vigil_event *ev,
			      const struct vigil_active_ent *e)
{
	u32 id = e->ch->channel_id;
	u64 ver = e->ch->content_version;

	atomic64_inc(&vigil_counters.events_over_budget);
	vigil_report_notice(ev, id, ver, VIGIL_NOTICE_OVER_BUDGET);
	if (atomic64_inc_return(&e->rt->over) != VIGIL_OVER_BUDGET_LIMIT)
		return;
	WRITE_ONCE(e->rt->disabled, true);
	vigil_report_notice(ev, id, ver, VIGIL_NOTICE_CHANNEL_DISABLED);
	schedule_work(&vigil_disable_work);
}

bool vigil_channels_match(const struct vigil_event *ev, bool refusable)
{
	struct vigil_work work = { .left = vigil_fault_work_budget() };
	const struct vigil_active *act;
	struct vigil_match_ctx mc = { .ev = ev, .refusable = refusable };
	unsigned int i;

	rcu_read_lock();
	act = rcu_dereference(vigil_active);
	if (act) {
		atomic64_inc(&vigil_counters.events_seen);
		for (i = 0; i < act->n && !work.over; i++) {
			if (READ_ONCE(act->ent[i].rt->disabled))
				continue;
			mc.ch = act->ent[i].ch;
			vigil_match_work(mc.ch->rules, ev, vigil_on_match, &mc,
					 &work);
			if (work.over)
				vigil_over_budget(ev, &act->ent[i]);
		}
	}
	rcu_read_unlock();
	return mc.refuse;
}

/* Remove the channels the hooks disabled (process context). */
static void vigil_disable_fn(struct work_struct *work)
{
	const struct vigil_active *act;
	u32 id;

	for (;;) {
		unsigned int i;

		id = 0;
		rcu_read_lock();
		act = rcu_dereference(vigil_active);
		for (i = 0; act && i < act->n && !id; i++)
			if (READ_ONCE(act->ent[i].rt->disabled))
				id = act->ent[i].ch->channel_id;
		rcu_read_unlock();
		if (!id)
			return;
		pr_warn("channel %u disabled: %u events stopped at the work budget\n",
			id, VIGIL_OVER_BUDGET_LIMIT);
		if (vigil_channels_remove(id))
			return;
	}
}

/**
 * vigil_channels_mem() - bytes the active channels hold together
 *
 * Return: the sum of vigil_channel_mem() over them.
 */
u64 vigil_channels_mem(void)
{
	return atomic64_read(&vigil_mem_used);
}

bool vigil_channels_may_match(u32 type, u32 field, const char *s, u32 len)
{
	const struct vigil_active *act;
	unsigned int i;
	bool may = false;

	/*
	 * probes run with preemption disabled: a sched-RCU section is free,
	 * and synchronize_rcu() waits for it like for rcu_read_lock()
	 */
	rcu_read_lock_sched();
	act = rcu_dereference_sched(vigil_active);
	/* a disabled channel may still say yes: vigil_channels_match() skips it */
	if (act && act->may)
		may = vigil_may_match(act->may, type, field, (const u8 *)s,
				      len);
	for (i = 0; act && !act->may && i < act->n && !may; i++)
		may = vigil_match_may(act->ent[i].ch->rules, type, field,
				      (const u8 *)s, len);
	if (act && !may)
		atomic64_inc(&vigil_counters.events_seen);
	rcu_read_unlock_sched();
	return may;
}

/* --- the installed set ------------------------------------------------- */

static bool vigil_name_ok(const char *name, size_t len)
{
	if (!len || len > VIGIL_MAX_NAME)
		return false;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return false;
	return !(len == 1 && name[0] == '.') &&
	       !(len == 2 && name[0] == '.' && name[1] == '.');
}

static void vigil_load_file(const char *dir, const char *name)
{
	struct vigil_error err = {};
	void *buf = NULL;
	ssize_t got;
	char *path;

	path = kasprintf(GFP_KERNEL, "%s/%s", dir, name);
	if (!path)
		return;
	got = kernel_read_file_from_path_initns(path, 0, &buf,
						VIGIL_MAX_FILE_SIZE, NULL,
						READING_UNKNOWN);
	if (got < 0) {
		vigil_channels_reject(name, &err, VIGIL_REJECT_READ, 0,
				      "cannot read %s: error %zd", path, got);
	} else {
		vigil_channels_load_from(name, buf, got, &err);
		vfree(buf);
	}
	kfree(path);
}

/*
 * Load every channel MANIFEST lists.  Returns nothing: a missing manifest
 * means no installed channels, a bad entry costs only that entry.
 */
static void vigil_load_installed(const char *dir)
{
	char name[VIGIL_MAX_NAME + 1];
	char *manifest, *p, *end, *line;
	void *buf = NULL;
	ssize_t got;

	if (!dir || !dir[0])
		return;
	manifest = kasprintf(GFP_KERNEL, "%s/%s", dir, VIGIL_MANIFEST_NAME);
	if (!manifest)
		return;
	got = kernel_read_file_from_path_initns(manifest, 0, &buf,
						VIGIL_MAX_MANIFEST, NULL,
						READING_UNKNOWN);
	if (got < 0) {
		if (got == -ENOENT)
			pr_info("no %s: no installed channels\n", manifest);
		else
			pr_warn("cannot read %s: error %zd\n", manifest, got);
		kfree(manifest);
		return;
	}
	kfree(manifest);

	p = buf;
	end = p + got;
	while (p < end) {
		size_t len;

		line = p;
		p = memchr(line, '\n', end - line);
		p = p ? p + 1 : end;
		len = p - line;
		while (len && isspace(line[len - 1]))
			len--;
		while (len && isspace(*line)) {
			line++;
			len--;
		}
		if (!len || line[0] == '#')
			continue;
		if (!vigil_name_ok(line, len)) {
			pr_warn("%s: bad entry \"%.*s\" skipped\n",
				VIGIL_MANIFEST_NAME, (int)min_t(size_t, len, 64),
				line);
			continue;
		}
		memcpy(name, line, len);
		name[len] = '\0';
		vigil_load_file(dir, name);
	}
	vfree(buf);
}

/**
 * vigil_channels_load_installed() - activate what channels_dir's MANIFEST
 *	lists, and freeze channels_dir
 *
 * The first step of arming.  From here on channels_dir cannot change,
 * unless vigil_channels_dir_unfreeze() undoes a failed arming.
 *
 * Return: 0 or -ENOMEM; failing to load channels is not an error.
 */
int vigil_channels_load_installed(void)
{
	char *dir = NULL;
	int ret = 0;

	kernel_param_lock(THIS_MODULE);
	vigil_dir_frozen = true;
	if (channels_dir && channels_dir[0]) {
		dir = kstrdup(channels_dir, GFP_KERNEL);
		if (!dir) {
			vigil_dir_frozen = false;
			ret = -ENOMEM;
		}
	}
	kernel_param_unlock(THIS_MODULE);
	if (dir) {
		pr_info("loading the installed channels from %s\n", dir);
		vigil_load_installed(dir);
		kfree(dir);
	}
	return ret;
}

/**
 * vigil_channels_dir_unfreeze() - channels_dir writable again
 *
 * For an arming that failed after vigil_channels_load_installed().
 */
void vigil_channels_dir_unfreeze(void)
{
	kernel_param_lock(THIS_MODULE);
	vigil_dir_frozen = false;
	kernel_param_unlock(THIS_MODULE);
}

/**
 * vigil_channels_init() - the sysfs folder of the channels
 * @parent: /sys/kernel/vigil
 *
 * No channel is active until the sensor arms.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_channels_init(struct kobject *parent)
{
	vigil_channels_kobj = kobject_create_and_add("channels", parent);
	return vigil_channels_kobj ? 0 : -ENOMEM;
}

/**
 * vigil_channels_clear() - drop every channel
 *
 * For unloading and for an arming that failed: the hooks are not
 * registered (any more).
 */
void vigil_channels_clear(void)
{
	struct vigil_active *old;
	unsigned int i;

	mutex_lock(&vigil_chan_mutex);
	old = rcu_dereference_protected(vigil_active,
					lockdep_is_held(&vigil_chan_mutex));
	rcu_assign_pointer(vigil_active, NULL);
	synchronize_rcu();
	for (i = 0; old && i < old->n; i++) {
		vigil_sysfs_remove(old->ent[i].ch->channel_id);
		vigil_ent_free(&old->ent[i]);
	}
	if (old)
		vigil_may_free(old->may);
	kfree(old);
	mutex_unlock(&vigil_chan_mutex);
}

/**
 * vigil_channels_exit() - drop every channel and the sysfs folder
 */
void vigil_channels_exit(void)
{
	cancel_work_sync(&vigil_disable_work);
	vigil_channels_clear();
	kobject_put(vigil_channels_kobj);
}
