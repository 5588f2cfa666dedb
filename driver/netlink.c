// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: the generic netlink family "vigil" (driver/uapi/vigil.h).
 *
 * Reading state is open to anyone; loading, removing and configuring need
 * CAP_SYS_ADMIN (and, through GENL_ADMIN_PERM, CAP_NET_ADMIN), and so does
 * subscribing to the "events" group.  The family lives in the initial
 * network namespace only.
 *
 * The family is registered at init, before the sensor is armed (config.c):
 * status, list and configuration work from then on, but loading and
 * removing channels are refused with EPERM and the extended-ack message
 * "sensor not armed" until the sensor is armed, so the channel set only
 * ever starts from the installed one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "sensor.h"

static struct genl_family vigil_genl_family;

static const struct nla_policy vigil_policy[VIGIL_A_MAX + 1] = {
	[VIGIL_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIGIL_A_REQUIRE_SIGNATURE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIGIL_A_RATE_LIMIT] = { .type = NLA_U32 },
	[VIGIL_A_CHANNEL_DATA] = { .type = NLA_BINARY },
	[VIGIL_A_CHANNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/**
 * vigil_genlmsg_put() - start a message of the vigil family
 * @skb: the message buffer
 * @portid: destination port, 0 for multicast
 * @seq: sequence number
 * @cmd: enum vigil_cmd
 * @flags: netlink flags
 *
 * Return: the user header, or NULL if @skb has no room.
 */
void *vigil_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, u8 cmd,
			int flags)
{
	return genlmsg_put(skb, portid, seq, &vigil_genl_family, flags, cmd);
}

/**
 * vigil_netlink_listeners() - anyone subscribed to the events group?
 *
 * Return: true if so.
 */
bool vigil_netlink_listeners(void)
{
	return genl_has_listeners(&vigil_genl_family, &init_net, 0);
}

/**
 * vigil_netlink_multicast() - send a message to the events group
 * @skb: a complete message; consumed
 *
 * Return: 0, -ESRCH if nobody listens, -ENOBUFS if some subscriber's
 * socket had no room.
 */
int vigil_netlink_multicast(struct sk_buff *skb)
{
	return genlmsg_multicast(&vigil_genl_family, skb, 0, 0, GFP_KERNEL);
}

/* A reply to @info's request; NULL if there is no memory. */
static struct sk_buff *vigil_reply_new(struct genl_info *info, u8 cmd,
				       void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = vigil_genlmsg_put(msg, info->snd_portid, info->snd_seq, cmd, 0);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int vigil_need_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack, "CAP_SYS_ADMIN required");
	return -EPERM;
}

/* Changes to the channel set wait for arming: see the top of the file. */
static int vigil_need_armed(struct genl_info *info)
{
	if (vigil_armed())
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "sensor not armed: write 1 to /sys/kernel/vigil/armed first");
	return -EPERM;
}

static int vigil_put_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, VIGIL_A_PAD);
}

static int vigil_put_config(struct sk_buff *skb)
{
	if (nla_put_u8(skb, VIGIL_A_ENABLED, vigil_enabled()) ||
	    nla_put_u8(skb, VIGIL_A_REQUIRE_SIGNATURE,
		       vigil_require_signature()) ||
	    nla_put_u32(skb, VIGIL_A_RATE_LIMIT, vigil_rate_limit()))
		return -EMSGSIZE;
	return 0;
}

static int vigil_cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct vigil_counters *c = &vigil_counters;
	char reason[VIGIL_REASON_LEN];
	struct sk_buff *msg;
	void *hdr;

	msg = vigil_reply_new(info, VIGIL_CMD_GET_STATUS, &hdr);
	if (!msg)
		return -ENOMEM;
	vigil_last_reject(reason, sizeof(reason));
	if (nla_put_string(msg, VIGIL_A_VERSION, VIGIL_VERSION) ||
	    nla_put_u32(msg, VIGIL_A_SCHEMA_VERSION, VIGIL_SCHEMA_VERSION) ||
	    nla_put_u8(msg, VIGIL_A_ARMED, vigil_armed()) ||
	    vigil_put_config(msg) ||
	    nla_put_u32(msg, VIGIL_A_NCHANNELS, vigil_channels_count()) ||
	    vigil_put_u64(msg, VIGIL_A_EVENTS_SEEN,
			  atomic64_read(&c->events_seen)) ||
	    vigil_put_u64(msg, VIGIL_A_EVENTS_MATCHED,
			  atomic64_read(&c->events_matched)) ||
	    vigil_put_u64(msg, VIGIL_A_EVENTS_DROPPED,
			  atomic64_read(&c->events_dropped)) ||
	    vigil_put_u64(msg, VIGIL_A_CHANNELS_LOADED,
			  atomic64_read(&c->channels_loaded)) ||
	    vigil_put_u64(msg, VIGIL_A_CHANNELS_REJECTED,
			  atomic64_read(&c->channels_rejected)) ||
	    vigil_put_u64(msg, VIGIL_A_EVENTS_OVER_BUDGET,
			  atomic64_read(&c->events_over_budget)) ||
	    vigil_put_u64(msg, VIGIL_A_EVENTS_REFUSED,
			  atomic64_read(&c->events_refused)) ||
	    vigil_put_u64(msg, VIGIL_A_MEMORY_USED, vigil_channels_mem()) ||
	    vigil_put_u64(msg, VIGIL_A_MEMORY_CAP, VIGIL_MAX_TOTAL_MEM) ||
	    vigil_put_u64(msg, VIGIL_A_WORK_BUDGET, VIGIL_MAX_EVENT_WORK) ||
	    (reason[0] && nla_put_string(msg, VIGIL_A_LAST_REJECT, reason)))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int vigil_put_channel(struct sk_buff *skb,
			     const struct vigil_channel_info *ci)
{
	struct nlattr *nest = nla_nest_start(skb, VIGIL_A_CHANNEL);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VIGIL_CA_ID, ci->channel_id) ||
	    nla_put_u64_64bit(skb, VIGIL_CA_CONTENT_VERSION,
			      ci->content_version, VIGIL_CA_PAD) ||
	    nla_put(skb, VIGIL_CA_DIGEST, VIGIL_CHAN_DIGEST_LEN, ci->digest) ||
	    nla_put_u32(skb, VIGIL_CA_NRULES, ci->nrules) ||
	    nla_put_u8(skb, VIGIL_CA_SIGNED, ci->signed_) ||
	    nla_put_u64_64bit(skb, VIGIL_CA_LOADED_NS, ci->loaded_ns,
			      VIGIL_CA_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_CA_MEMORY, ci->memory,
			      VIGIL_CA_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_CA_OVER_BUDGET, ci->over_budget,
			      VIGIL_CA_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

struct vigil_find_ctx {
	u32 id;
	bool found;
	struct vigil_channel_info info;
};

static void vigil_find_fn(void *ctx, const struct vigil_channel_info *ci)
{
	struct vigil_find_ctx *f = ctx;

	if (ci->channel_id == f->id) {
		f->info = *ci;
		f->found = true;
	}
}

/*
 * Channel files are larger than one attribute can be (64 KiB): the request
 * may carry VIGIL_A_CHANNEL_DATA several times, and the pieces are joined
 * in order.  Sets *@len to the total even when it is over the cap, which
 * the caller rejects like the loader would.
 */
static void *vigil_join_data(struct genl_info *info, size_t *len)
{
	const struct nlattr *a;
	size_t total = 0, off = 0;
	void *buf;
	int rem;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == VIGIL_A_CHANNEL_DATA)
			total += nla_len(a);
	*len = total;
	if (total > VIGIL_MAX_FILE_SIZE)
		return NULL;
	/* an empty file is the loader's to reject (TRUNCATED) */
	buf = kvmalloc(max_t(size_t, total, 1), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != VIGIL_A_CHANNEL_DATA)
			continue;
		memcpy(buf + off, nla_data(a), nla_len(a));
		off += nla_len(a);
	}
	return buf;
}

/*
 * A rejected load: the extended ack carries the error class's description
 * (a static string: 6.1 has no formatted extack messages) and a struct
 * vigil_reject cookie; the full reason, as in last_reject_reason, comes
 * first as a VIGIL_CMD_LOAD_CHANNEL message with VIGIL_A_LAST_REJECT.
 */
static void vigil_load_rejected(struct genl_info *info,
				const struct vigil_error *err)
{
	struct vigil_reject rj = {
		.code = err->code,
		.in_payload = err->in_payload,
		.offset = err->offset,
	};
	char reason[VIGIL_REASON_LEN];
	struct sk_buff *msg;
	void *hdr;

	if (info->extack) {
		info->extack->_msg = err->code == VIGIL_REJECT_ROLLBACK ?
			"content version older than the active one" :
			vigil_err_text(err->code);
		BUILD_BUG_ON(sizeof(rj) > NETLINK_MAX_COOKIE_LEN);
		memcpy(info->extack->cookie, &rj, sizeof(rj));
		info->extack->cookie_len = sizeof(rj);
	}

	msg = vigil_reply_new(info, VIGIL_CMD_LOAD_CHANNEL, &hdr);
	if (!msg)
		return;
	vigil_last_reject(reason, sizeof(reason));
	if (nla_put_string(msg, VIGIL_A_LAST_REJECT, reason)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
}

static int vigil_cmd_load(struct sk_buff *skb, struct genl_info *info)
{
	struct vigil_find_ctx f = {};
	struct vigil_error err;
	struct sk_buff *msg;
	size_t len = 0;
	void *data, *hdr;
	int ret;

	ret = vigil_need_admin(skb, info);
	if (!ret)
		ret = vigil_need_armed(info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VIGIL_A_CHANNEL_DATA))
		return -EINVAL;
	data = vigil_join_data(info, &len);
	if (IS_ERR(data))
		return PTR_ERR(data);
	if (!data)
		ret = vigil_channels_reject("netlink", &err, VIGIL_E_SIZE_CAP, 0,
					    "file of %zu bytes, over the cap of %u",
					    len, VIGIL_MAX_FILE_SIZE);
	else
		ret = vigil_channels_load(data, len, &err);
	if (ret) {
		kvfree(data);
		vigil_load_rejected(info, &err);
		return ret;
	}
	f.id = le32_to_cpu(((const struct vigil_chan_header *)data)->channel_id);
	kvfree(data);

	msg = vigil_reply_new(info, VIGIL_CMD_LOAD_CHANNEL, &hdr);
	if (!msg)
		return 0;	/* loaded; only the description is lost */
	vigil_channels_list(vigil_find_fn, &f);
	if (f.found && vigil_put_channel(msg, &f.info)) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

struct vigil_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	long skip;
	long done;
	bool full;
};

static void vigil_dump_fn(void *ctx, const struct vigil_channel_info *ci)
{
	struct vigil_dump_ctx *d = ctx;
	void *hdr;

	if (d->full || d->skip-- > 0)
		return;
	hdr = vigil_genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
				d->cb->nlh->nlmsg_seq,
				VIGIL_CMD_LIST_CHANNELS, NLM_F_MULTI);
	if (!hdr) {
		d->full = true;
		return;
	}
	if (vigil_put_channel(d->skb, ci)) {
		genlmsg_cancel(d->skb, hdr);
		d->full = true;
		return;
	}
	genlmsg_end(d->skb, hdr);
	d->done++;
}

static int vigil_dump_channels(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct vigil_dump_ctx d = {
		.skb = skb,
		.cb = cb,
		.skip = cb->args[0],
	};

	vigil_channels_list(vigil_dump_fn, &d);
	cb->args[0] += d.done;
	return skb->len;
}

static int vigil_cmd_remove(struct sk_buff *skb, struct genl_info *info)
{
	int ret = vigil_need_admin(skb, info);

	if (!ret)
		ret = vigil_need_armed(info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VIGIL_A_CHANNEL_ID))
		return -EINVAL;
	ret = vigil_channels_remove(nla_get_u32(info->attrs[VIGIL_A_CHANNEL_ID]));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VIGIL_A_CHANNEL_ID],
				    "no active channel with this id");
	return ret;
}

static int vigil_cmd_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = vigil_reply_new(info, VIGIL_CMD_GET_CONFIG, &hdr);
	if (!msg)
		return -ENOMEM;
	if (vigil_put_config(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vigil_cmd_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	bool enabled, sig;
	u32 rate;
	int ret = vigil_need_admin(skb, info);

	if (ret)
		return ret;
	if (a[VIGIL_A_ENABLED])
		enabled = nla_get_u8(a[VIGIL_A_ENABLED]);
	if (a[VIGIL_A_REQUIRE_SIGNATURE])
		sig = nla_get_u8(a[VIGIL_A_REQUIRE_SIGNATURE]);
	if (a[VIGIL_A_RATE_LIMIT])
		rate = nla_get_u32(a[VIGIL_A_RATE_LIMIT]);
	ret = vigil_set_config(a[VIGIL_A_ENABLED] ? &enabled : NULL,
			       a[VIGIL_A_REQUIRE_SIGNATURE] ? &sig : NULL,
			       a[VIGIL_A_RATE_LIMIT] ? &rate : NULL);
	if (ret == -EPERM)
		NL_SET_ERR_MSG_ATTR(info->extack, a[VIGIL_A_REQUIRE_SIGNATURE],
				    "require_signature is one-way: it stays on until reboot");
	return ret;
}

static const struct genl_small_ops vigil_ops[] = {
	{
		.cmd = VIGIL_CMD_GET_STATUS,
		.doit = vigil_cmd_get_status,
	},
	{
		.cmd = VIGIL_CMD_LOAD_CHANNEL,
		.doit = vigil_cmd_load,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VIGIL_CMD_LIST_CHANNELS,
		.dumpit = vigil_dump_channels,
	},
	{
		.cmd = VIGIL_CMD_REMOVE_CHANNEL,
		.doit = vigil_cmd_remove,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VIGIL_CMD_GET_CONFIG,
		.doit = vigil_cmd_get_config,
	},
	{
		.cmd = VIGIL_CMD_SET_CONFIG,
		.doit = vigil_cmd_set_config,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vigil_mcgrps[] = {
	{ .name = VIGIL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family vigil_genl_family = {
	.name = VIGIL_GENL_NAME,
	.version = VIGIL_GENL_VERSION,
	.maxattr = VIGIL_A_MAX,
	.policy = vigil_policy,
	.module = THIS_MODULE,
	.small_ops = vigil_ops,
	.n_small_ops = ARRAY_SIZE(vigil_ops),
	.mcgrps = vigil_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vigil_mcgrps),
};

/**
 * vigil_netlink_init() - register the family
 *
 * Return: 0 or a negative errno.
 */
int vigil_netlink_init(void)
{
	return genl_register_family(&vigil_genl_family);
}

/** vigil_netlink_exit() - unregister the family */
void vigil_netlink_exit(void)
{
	genl_unregister_family(&vigil_genl_family);
}
