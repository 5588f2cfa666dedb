// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: match records, from probe context to netlink subscribers.
 *
 * Each CPU owns a ring of bytes, allocated at init, that holds records of
 * the size they need: a head, then the rule's title and the string values
 * (a match on a short path takes about 600 bytes, the largest record
 * VIGIL_REC_SIZE).  A probe (preemption disabled; one at a time per CPU,
 * see event.c) is the only producer of its CPU's ring; a single work item
 * is the only consumer of all rings.  The producer writes the next record
 * at head where VIGIL_REC_SIZE bytes are free, publishes it by advancing
 * head by its size with release semantics and raises an irq_work, which
 * queues the work item; the work item turns records into VIGIL_CMD_EVENT
 * messages for the "events" multicast group and gives the bytes back.
 * head and tail run free, in bytes; a record is never split: the buffer
 * has VIGIL_REC_SIZE bytes of slack past its end, where a record that
 * begins near the end continues, and the ring's first bytes it stands for
 * stay unused for that lap.
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

/*
 * The ring of each CPU, in records of the largest size: it holds at least
 * that many, and as many more as the records are smaller.
 */
static unsigned int queue_len = 32;
module_param(queue_len, uint, 0444);
MODULE_PARM_DESC(queue_len,
		 "Ring per CPU, in records of the largest size, 8 KiB (power of two, default 32; a typical record takes under 1 KiB)");

/* The most bytes one record takes in a ring. */
#define VIGIL_REC_SIZE		8192
/* Records start at multiples of this. */
#define VIGIL_REC_ALIGN		8

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
	u32 size;
	u32 used;
	u32 title_len;
	struct vigil_rec_field f[VIGIL_MAX_FIELDS];
};

#define VIGIL_REC_DATA	(VIGIL_REC_SIZE - sizeof(struct vigil_rec_head))

/**
 * struct vigil_rec - one queued match record, of h.size bytes in its ring
 * @h: what matched and the values
 * @data: the rule's title (h.title_len bytes), then the string values'
 *	bytes (h.used in all)
 */
struct vigil_rec {
	struct vigil_rec_head h;
	char data[];
};

static_assert(sizeof(struct vigil_rec_head) + VIGIL_MAX_TITLE_LEN +
	      VIGIL_MAX_FIELD_LEN <= VIGIL_REC_SIZE);
static_assert(sizeof(struct vigil_rec_head) % VIGIL_REC_ALIGN == 0);

/**
 * struct vigil_ring - one CPU's queue
 * @head: where the producer writes the next record (bytes, free-running)
 * @tail: where the consumer reads the next record (bytes, free-running)
 * @win_start: jiffies when the current rate-limit second began
 * @win_count: records queued in it
 * @buf: ring_size bytes, and VIGIL_REC_SIZE of slack
 */
struct vigil_ring {
	unsigned int head;
	unsigned int tail;
	unsigned long win_start;
	u32 win_count;
	u8 *buf;
};

/* Bytes of each ring, slack aside: a power of two. */
static unsigned int ring_size;

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
	rec->h.used = rec->h.title_len;
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
	rec->h.size = ALIGN(sizeof(rec->h) + rec->h.used, VIGIL_REC_ALIGN);
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

	if (!d || !r->buf)
		return;
	if (!vigil_rate_ok(r)) {
		vigil_drop();
		return;
	}
	head = r->head;
	/*
	 * Room for the largest record; pairs with the consumer's release of
	 * tail: the bytes before it are read.
	 */
	if (head - smp_load_acquire(&r->tail) > ring_size - VIGIL_REC_SIZE) {
		vigil_drop();
		return;
	}
	rec = (struct vigil_rec *)(r->buf + (head & (ring_size - 1)));
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
	rec->h.title_len = min_t(u32, title_len, VIGIL_MAX_TITLE_LEN);
	memcpy(rec->data, title, rec->h.title_len);
	vigil_rec_fill(rec, ev, d);
	/* publish the record: pairs with the consumer's acquire of head */
	smp_store_release(&r->head, head + rec->h.size);
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

/* The title, NUL-terminated as the attribute's type wants. */
static int vigil_put_title(struct sk_buff *skb, const struct vigil_rec *rec)
{
	struct nlattr *a = nla_reserve(skb, VIGIL_A_RULE_TITLE,
				       rec->h.title_len + 1);

	if (!a)
		return -EMSGSIZE;
	memcpy(nla_data(a), rec->data, rec->h.title_len);
	((char *)nla_data(a))[rec->h.title_len] = '\0';
	return 0;
}

/* An upper bound of the message vigil_rec_msg() builds for @rec. */
static size_t vigil_rec_msg_size(const struct vigil_rec *rec,
				 const struct vigil_event_desc *d)
{
	size_t n = 0;
	unsigned int i;

	/* the ids, the counters, the flags and the common fields */
	n += 16 * nla_total_size_64bit(sizeof(u64));
	n += nla_total_size(strlen(d->name) + 1);
	n += nla_total_size(rec->h.title_len + 1);
	n += nla_total_size(TASK_COMM_LEN) + nla_total_size(0);
	for (i = 0; i < rec->h.nfields; i++)
		n += nla_total_size(0) +
		     nla_total_size(strlen(d->fields[i].name) + 1) +
		     nla_total_size(sizeof(u8)) +
		     nla_total_size_64bit(sizeof(struct vigil_addr)) +
		     nla_total_size(rec->h.f[i].len) + nla_total_size(0);
	return n;
}

static struct sk_buff *vigil_rec_msg(const struct vigil_rec *rec)
{
	const struct vigil_event_desc *d = vigil_event_desc(rec->h.type);
	struct sk_buff *skb;
	struct nlattr *fields;
	unsigned int i;
	void *hdr;

	skb = genlmsg_new(vigil_rec_msg_size(rec, d), GFP_KERNEL);
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
	    (rec->h.title_len && vigil_put_title(skb, rec)) ||
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
		const struct vigil_rec *rec;
		u32 size;

		/* the size is read before the bytes are given back */
		for (; tail != head; tail += size) {
			struct sk_buff *skb;

			rec = (const struct vigil_rec *)(r->buf +
							 (tail & (ring_size - 1)));
			size = rec->h.size;
			if (!vigil_netlink_listeners())
				continue;
			skb = vigil_rec_msg(rec);
			/*
			 * -ENOBUFS: a subscriber with NETLINK_BROADCAST_ERROR
			 * had no room; -ESRCH: nobody took it, which is also
			 * what a full subscriber without that option gives.
			 * Either way a listener lost the record.
			 */
			if (!skb || vigil_netlink_multicast(skb))
				vigil_drop();
			/* done reading: give the bytes back to the producer */
			smp_store_release(&r->tail, tail + size);
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

	/* a power of two, so the free-running offsets wrap cleanly */
	queue_len = roundup_pow_of_two(clamp(queue_len, 2U, 4096U));
	ring_size = queue_len * VIGIL_REC_SIZE;
	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&vigil_rings, cpu);

		r->head = 0;
		r->tail = 0;
		r->win_start = jiffies;
		r->win_count = 0;
		r->buf = kvzalloc_node(ring_size + VIGIL_REC_SIZE, GFP_KERNEL,
				       cpu_to_node(cpu));
		if (!r->buf) {
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

		kvfree(r->buf);
		r->buf = NULL;
	}
}
