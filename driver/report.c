// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: match records, from probe context to netlink subscribers.
 *
 * Each CPU owns a ring of queue_len fixed-size records, allocated at
 * init.  A probe (preemption disabled; one at a time per CPU, see hooks.c)
 * is the only producer of its CPU's ring; a single work item is the only
 * consumer of all rings.  The producer copies the event's values and
 * strings into the next free slot, publishes it by advancing head with
 * release semantics and raises an irq_work, which queues the work item;
 * the work item turns records into VIGIL_CMD_EVENT messages for the
 * "events" multicast group and gives the slots back.
 *
 * A record is dropped, and counted in events_dropped, when its CPU is over
 * the rate limit for the current second, when its ring is full, when no
 * message can be allocated for it, or when a subscriber's socket had no
 * room for it.  Records produced while nobody subscribes are discarded
 * without being counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "sensor.h"

/* Records each CPU can hold before the work item sends them. */
static unsigned int queue_len = 32;
module_param(queue_len, uint, 0444);
MODULE_PARM_DESC(queue_len,
		 "Match records queued per CPU, 8 KiB each (power of two, default 32)");

#define VIGIL_REC_SIZE		8192
#define VIGIL_TITLE_LEN		(VIGIL_MAX_TITLE_LEN + 1)

/**
 * struct vigil_rec_field - one value of a record
 * @truncated: the string was cut to fit the record
 * @off: string: offset of its bytes in vigil_rec.data
 * @len: string: number of bytes
 * @num: u64 value
 * @addr: address value
 */
struct vigil_rec_field {
	bool truncated;
	u32 off;
	u32 len;
	union {
		u64 num;
		struct vigil_addr addr;
	};
};

struct vigil_rec_head {
	u64 time_ns;
	u64 dropped;
	u64 content_version;
	u32 channel_id;
	u32 rule_id;
	u32 rule_index;
	u16 type;
	u16 nfields;
	u8 severity;
	u8 action;
	u8 notice;
	bool refused;
	u32 used;
	char title[VIGIL_TITLE_LEN];
	struct vigil_rec_field f[VIGIL_MAX_FIELDS];
};

#define VIGIL_REC_DATA	(VIGIL_REC_SIZE - sizeof(struct vigil_rec_head))

/**
 * struct vigil_rec - one queued match record
 * @h: what matched and the values
 * @data: the string values' bytes
 */
struct vigil_rec {
	struct vigil_rec_head h;
	char data[VIGIL_REC_DATA];
};

static_assert(sizeof(struct vigil_rec) == VIGIL_REC_SIZE);

/**
 * struct vigil_ring - one CPU's queue
 * @head: next slot the producer fills (free-running)
 * @tail: next slot the consumer reads (free-running)
 * @win_start: jiffies when the current rate-limit second began
 * @win_count: records queued in it
 * @slots: queue_len records
 */
struct vigil_ring {
	unsigned int head;
	unsigned int tail;
	unsigned long win_start;
	u32 win_count;
	struct vigil_rec *slots;
};

static DEFINE_PER_CPU(struct vigil_ring, vigil_rings);

static void vigil_report_work_fn(struct work_struct *work);
static DECLARE_WORK(vigil_report_work, vigil_report_work_fn);

static void vigil_report_irq_fn(struct irq_work *w)
{
	schedule_work(&vigil_report_work);
}

static struct irq_work vigil_report_irq = IRQ_WORK_INIT(vigil_report_irq_fn);

static void vigil_drop(void)
{
	atomic64_inc(&vigil_counters.events_dropped);
}

static bool vigil_rate_ok(struct vigil_ring *r)
{
	u32 rate = vigil_rate_limit();

	if (!rate)
		return true;
	if (time_after(jiffies, r->win_start + HZ)) {
		r->win_start = jiffies;
		r->win_count = 0;
	}
	if (r->win_count >= rate)
		return false;
	r->win_count++;
	return true;
}

static void vigil_rec_fill(struct vigil_rec *rec, const struct vigil_event *ev,
			   const struct vigil_event_desc *d)
{
	unsigned int i;

	rec->h.nfields = min_t(unsigned int, ev->nfields, d->nfields);
	rec->h.used = 0;
	for (i = 0; i < rec->h.nfields; i++) {
		struct vigil_rec_field *f = &rec->h.f[i];
		const union vigil_value *v = &ev->v[i];
		u32 room = VIGIL_REC_DATA - rec->h.used;

		memset(f, 0, sizeof(*f));
		switch (d->fields[i].type) {
		case VIGIL_FT_U64:
			f->num = v->num;
			break;
		case VIGIL_FT_ADDR:
			f->addr = v->addr;
			break;
		default:
			f->off = rec->h.used;
			f->len = min(v->str.len, room);
			f->truncated = f->len < v->str.len;
			memcpy(rec->data + f->off, v->str.ptr, f->len);
			rec->h.used += f->len;
			break;
		}
	}
}

static void vigil_queue(const struct vigil_event *ev, u32 channel_id,
			u64 content_version, const struct vigil_match *m,
			const char *title, u32 title_len, u8 notice,
			bool refused)
{
	const struct vigil_event_desc *d = vigil_event_desc(ev->type);
	struct vigil_ring *r = this_cpu_ptr(&vigil_rings);
	struct vigil_rec *rec;
	unsigned int head;

	if (!d || !r->slots)
		return;
	if (!vigil_rate_ok(r)) {
		vigil_drop();
		return;
	}
	head = r->head;
	/* pairs with the consumer's release of tail: the slot is free */
	if (head - smp_load_acquire(&r->tail) >= queue_len) {
		vigil_drop();
		return;
	}
	rec = &r->slots[head % queue_len];
	rec->h.time_ns = ktime_get_real_ns();
	rec->h.dropped = atomic64_read(&vigil_counters.events_dropped);
	rec->h.content_version = content_version;
	rec->h.channel_id = channel_id;
	rec->h.rule_id = m->rule_id;
	rec->h.rule_index = m->rule_index;
	rec->h.type = ev->type;
	rec->h.severity = m->severity;
	rec->h.action = m->action;
	rec->h.notice = notice;
	rec->h.refused = refused;
	title_len = min_t(u32, title_len, VIGIL_TITLE_LEN - 1);
	memcpy(rec->h.title, title, title_len);
	rec->h.title[title_len] = '\0';
	vigil_rec_fill(rec, ev, d);
	/* publish the record: pairs with the consumer's acquire of head */
	smp_store_release(&r->head, head + 1);
	irq_work_queue(&vigil_report_irq);
}

void vigil_report_match(const struct vigil_event *ev, u32 channel_id,
			u64 content_version, const struct vigil_match *m,
			const char *title, u32 title_len, bool refused)
{
	if (m->action == VIGIL_ACTION_KILL &&
	    !(current->flags & PF_KTHREAD) && !is_global_init(current))
		send_sig(SIGKILL, current, 0);
	vigil_queue(ev, channel_id, content_version, m, title, title_len,
		    VIGIL_NOTICE_NONE, refused);
}

void vigil_report_notice(const struct vigil_event *ev, u32 channel_id,
			 u64 content_version, u8 notice)
{
	const struct vigil_match m = {
		.rule_index = U32_MAX,
		.action = VIGIL_ACTION_REPORT,
		.severity = VIGIL_SEV_HIGH,
	};

	vigil_queue(ev, channel_id, content_version, &m, "", 0, notice, false);
}

/* --- the consumer ------------------------------------------------------ */

static int vigil_put_field(struct sk_buff *skb, const struct vigil_rec *rec,
			   const struct vigil_field_desc *fd, unsigned int i)
{
	const struct vigil_rec_field *f = &rec->h.f[i];
	struct nlattr *nest = nla_nest_start(skb, VIGIL_A_FIELD);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, VIGIL_FA_NAME, fd->name) ||
	    nla_put_u8(skb, VIGIL_FA_TYPE, fd->type))
		return -EMSGSIZE;
	switch (fd->type) {
	case VIGIL_FT_U64:
		if (nla_put_u64_64bit(skb, VIGIL_FA_U64, f->num, VIGIL_FA_PAD))
			return -EMSGSIZE;
		break;
	case VIGIL_FT_ADDR:
		if (nla_put(skb, VIGIL_FA_ADDR, sizeof(f->addr), &f->addr))
			return -EMSGSIZE;
		break;
	default:
		if (nla_put(skb, VIGIL_FA_STR, f->len, rec->data + f->off))
			return -EMSGSIZE;
		if (f->truncated && nla_put_flag(skb, VIGIL_FA_TRUNCATED))
			return -EMSGSIZE;
		break;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The common fields lead every event: pid, tgid, ppid, uid, gid, comm. */
static int vigil_put_common(struct sk_buff *skb, const struct vigil_rec *rec)
{
	const struct vigil_rec_field *f = rec->h.f;
	static const int attr[] = {
		VIGIL_A_PID, VIGIL_A_TGID, VIGIL_A_PPID, VIGIL_A_UID,
	};
	unsigned int i;

	if (rec->h.nfields < 6)
		return 0;
	for (i = 0; i < ARRAY_SIZE(attr); i++)
		if (nla_put_u64_64bit(skb, attr[i], f[i].num, VIGIL_A_PAD))
			return -EMSGSIZE;
	if (nla_put(skb, VIGIL_A_COMM, f[5].len, rec->data + f[5].off))
		return -EMSGSIZE;
	return 0;
}

static struct sk_buff *vigil_rec_msg(const struct vigil_rec *rec)
{
	const struct vigil_event_desc *d = vigil_event_desc(rec->h.type);
	struct sk_buff *skb;
	struct nlattr *fields;
	unsigned int i;
	void *hdr;

	skb = genlmsg_new(VIGIL_REC_SIZE + 2048, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = vigil_genlmsg_put(skb, 0, 0, VIGIL_CMD_EVENT, 0);
	if (!hdr)
		goto fail;
	if (nla_put_u32(skb, VIGIL_A_RULE_ID, rec->h.rule_id) ||
	    nla_put_u32(skb, VIGIL_A_CHANNEL_ID, rec->h.channel_id) ||
	    nla_put_u64_64bit(skb, VIGIL_A_CONTENT_VERSION,
			      rec->h.content_version, VIGIL_A_PAD) ||
	    nla_put_u8(skb, VIGIL_A_SEVERITY, rec->h.severity) ||
	    nla_put_u8(skb, VIGIL_A_ACTION, rec->h.action) ||
	    nla_put_u16(skb, VIGIL_A_EVENT_TYPE, rec->h.type) ||
	    nla_put_string(skb, VIGIL_A_EVENT_NAME, d->name) ||
	    nla_put_u64_64bit(skb, VIGIL_A_TIME_NS, rec->h.time_ns,
			      VIGIL_A_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_A_EVENTS_DROPPED, rec->h.dropped,
			      VIGIL_A_PAD) ||
	    (rec->h.title[0] &&
	     nla_put_string(skb, VIGIL_A_RULE_TITLE, rec->h.title)) ||
	    (rec->h.notice &&
	     nla_put_u8(skb, VIGIL_A_NOTICE, rec->h.notice)) ||
	    (rec->h.refused && nla_put_u8(skb, VIGIL_A_REFUSED, 1)) ||
	    vigil_put_common(skb, rec))
		goto fail;
	fields = nla_nest_start(skb, VIGIL_A_FIELDS);
	if (!fields)
		goto fail;
	for (i = 0; i < rec->h.nfields; i++)
		if (vigil_put_field(skb, rec, &d->fields[i], i))
			goto fail;
	nla_nest_end(skb, fields);
	genlmsg_end(skb, hdr);
	return skb;
fail:
	nlmsg_free(skb);
	return NULL;
}

static void vigil_report_work_fn(struct work_struct *work)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&vigil_rings, cpu);
		unsigned int tail = r->tail;
		/* pairs with the producer's release: records are complete */
		unsigned int head = smp_load_acquire(&r->head);

		for (; tail != head; tail++) {
			struct vigil_rec *rec;
			struct sk_buff *skb;

			if (!vigil_netlink_listeners())
				continue;
			rec = &r->slots[tail % queue_len];
			skb = vigil_rec_msg(rec);
			/*
			 * -ENOBUFS: a subscriber with NETLINK_BROADCAST_ERROR
			 * had no room; -ESRCH: nobody took it, which is also
			 * what a full subscriber without that option gives.
			 * Either way a listener lost the record.
			 */
			if (!skb || vigil_netlink_multicast(skb))
				vigil_drop();
			/* done reading the slot: give it back to the producer */
			smp_store_release(&r->tail, tail + 1);
		}
		/* records skipped (no listener) are given back as well */
		smp_store_release(&r->tail, tail);
		cond_resched();
	}
}

/**
 * vigil_report_init() - allocate every CPU's ring
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_report_init(void)
{
	int cpu;

	/* a power of two, so the free-running indexes wrap cleanly */
	queue_len = roundup_pow_of_two(clamp(queue_len, 2U, 4096U));
	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&vigil_rings, cpu);

		r->head = 0;
		r->tail = 0;
		r->win_start = jiffies;
		r->win_count = 0;
		r->slots = kvzalloc_node(array_size(queue_len,
						    sizeof(*r->slots)),
					 GFP_KERNEL, cpu_to_node(cpu));
		if (!r->slots) {
			vigil_report_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * vigil_report_exit() - flush and free; the hooks are gone already
 */
void vigil_report_exit(void)
{
	int cpu;

	irq_work_sync(&vigil_report_irq);
	cancel_work_sync(&vigil_report_work);
	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&vigil_rings, cpu);

		kvfree(r->slots);
		r->slots = NULL;
	}
}
