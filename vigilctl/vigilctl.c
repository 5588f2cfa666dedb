// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl: talk to the vigil sensor over its generic netlink family.
 *
 *	vigilctl [--json] status
 *	vigilctl [--json] channels list
 *	vigilctl [--json] channels load FILE...
 *	vigilctl [--json] channels remove ID
 *	vigilctl [--json] config get [KEY]
 *	vigilctl [--json] config set KEY VALUE
 *	vigilctl [--json] events [--count N] [--timeout SECONDS]
 *
 * Configuration keys: enabled, require_signature, rate_limit.  "events"
 * follows the match records as JSON lines until interrupted (or N records,
 * or SECONDS without a record).  Errors from the kernel are printed with
 * the extended ack's message as the kernel wrote it.
 *
 * Exit status: 0 success, 1 the kernel refused or failed, 2 usage.
 * Needs only the driver's UAPI header (driver/uapi/vigil.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <json-c/json.h>

#include "vigil.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* One attribute holds at most 64 KiB; files go in pieces this size. */
#define VC_PIECE	65000
/*
 * Larger files are refused here; up to this size the kernel decides (its
 * cap, VIGIL_MAX_FILE_SIZE, is 16 MiB).
 */
#define VC_MAX_FILE	(64U << 20)

struct vc_err {
	int error;		/* negative errno from the ack, 0 if none */
	char msg[512];		/* extended ack message */
	bool has_reject;
	struct vigil_reject reject;
	char reason[512];	/* VIGIL_A_LAST_REJECT of a rejected load */
};

struct vc {
	struct nl_sock *sk;
	int family;
	bool json;
	struct vc_err err;
};

static const char *prog = "vigilctl";

static const char *const severity_names[] = {
	"info", "low", "medium", "high", "critical",
};

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--json] status\n"
		"       %s [--json] channels list|load FILE...|remove ID\n"
		"       %s [--json] config get [KEY] | config set KEY VALUE\n"
		"       %s [--json] events [--count N] [--timeout SECONDS]\n"
		"keys: enabled, require_signature, rate_limit\n",
		prog, prog, prog, prog);
	exit(2);
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
}

/* --- talking to the kernel --------------------------------------------- */

static int vc_open(struct vc *vc)
{
	struct timeval tmo = { .tv_sec = 60 };
	int one = 1, ret;

	vc->sk = nl_socket_alloc();
	if (!vc->sk) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	ret = genl_connect(vc->sk);
	if (ret < 0) {
		fprintf(stderr, "%s: netlink: %s\n", prog, nl_geterror(ret));
		return -1;
	}
	vc->family = genl_ctrl_resolve(vc->sk, VIGIL_GENL_NAME);
	if (vc->family < 0) {
		fprintf(stderr, "%s: the vigil sensor is not loaded (no generic netlink family \"%s\")\n",
			prog, VIGIL_GENL_NAME);
		return -1;
	}
	/* extended acks, and acks that do not echo our (large) requests */
	setsockopt(nl_socket_get_fd(vc->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(vc->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_set_msg_buf_size(vc->sk, 1 << 16);
	/* a request never waits for its answer for ever */
	setsockopt(nl_socket_get_fd(vc->sk), SOL_SOCKET, SO_RCVTIMEO, &tmo,
		   sizeof(tmo));
	return 0;
}

static int vc_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct vc_err *err = arg;
	size_t off = sizeof(*e);
	struct nlattr *a;
	int rem;

	err->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return NL_STOP;
	a = (struct nlattr *)((char *)e + off);
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(err->msg, sizeof(err->msg), "%.*s",
				 (int)strnlen(nla_data(a), nla_len(a)),
				 (const char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_COOKIE:
			if (nla_len(a) >= (int)sizeof(err->reject)) {
				memcpy(&err->reject, nla_data(a),
				       sizeof(err->reject));
				err->has_reject = true;
			}
			break;
		}
	}
	return NL_STOP;
}

static int vc_done_cb(struct nl_msg *msg, void *arg)
{
	*(bool *)arg = true;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and read replies until the ack, the end of a dump
 * or an error; @valid sees each reply.  Return: 0 or a negative errno.
 */
static int vc_request(struct vc *vc, struct nl_msg *msg,
		      nl_recvmsg_msg_cb_t valid, void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	bool done = false;
	int ret;

	memset(&vc->err, 0, sizeof(vc->err));
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vc_done_cb, &done);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vc_done_cb, &done);
	nl_cb_err(cb, NL_CB_CUSTOM, vc_err_cb, &vc->err);

	ret = nl_send_auto(vc->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		snprintf(vc->err.msg, sizeof(vc->err.msg), "%s",
			 nl_geterror(ret));
		return vc->err.error = -EIO;
	}
	while (!done && !vc->err.error) {
		ret = nl_recvmsgs(vc->sk, cb);
		if (ret < 0 && !vc->err.error) {
			snprintf(vc->err.msg, sizeof(vc->err.msg), "%s",
				 nl_geterror(ret));
			vc->err.error = -EIO;
		}
	}
	nl_cb_put(cb);
	return vc->err.error;
}

static struct nl_msg *vc_msg(struct vc *vc, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, vc->family, 0,
				 flags | NLM_F_ACK, cmd, VIGIL_GENL_VERSION)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	return msg;
}

/* Print a failed request; @what names it. */
static void vc_report(struct vc *vc, const char *what)
{
	const struct vc_err *e = &vc->err;

	if (vc->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "request",
				       json_object_new_string(what));
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "errno",
				       json_object_new_int(-e->error));
		json_object_object_add(o, "error",
				       json_object_new_string(strerror(-e->error)));
		if (e->msg[0])
			json_object_object_add(o, "extack",
					       json_object_new_string(e->msg));
		if (e->has_reject) {
			json_object_object_add(o, "code",
					       json_object_new_int(e->reject.code));
			json_object_object_add(o, "offset",
					       json_object_new_uint64(e->reject.offset));
			json_object_object_add(o, "in_payload",
					       json_object_new_boolean(e->reject.in_payload));
		}
		if (e->reason[0])
			json_object_object_add(o, "reason",
					       json_object_new_string(e->reason));
		print_json(o);
		json_object_put(o);
		return;
	}
	fprintf(stderr, "%s: %s: %s%s%s\n", prog, what, strerror(-e->error),
		e->msg[0] ? ": " : "", e->msg);
	if (e->has_reject)
		fprintf(stderr, "%s: %s: class %u, %s offset %" PRIu64 "\n",
			prog, what, e->reject.code,
			e->reject.in_payload ? "payload" : "file",
			(uint64_t)e->reject.offset);
	if (e->reason[0])
		fprintf(stderr, "%s: %s: %s\n", prog, what, e->reason);
}

static struct nlattr **vc_parse(struct nl_msg *msg, struct nlattr **tb)
{
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VIGIL_A_MAX, NULL) < 0)
		return NULL;
	return tb;
}

static void put_u64(struct json_object *o, const char *k, struct nlattr *a)
{
	if (a)
		json_object_object_add(o, k, json_object_new_uint64(nla_get_u64(a)));
}

static void put_u32(struct json_object *o, const char *k, struct nlattr *a)
{
	if (a)
		json_object_object_add(o, k, json_object_new_uint64(nla_get_u32(a)));
}

static void put_bool(struct json_object *o, const char *k, struct nlattr *a)
{
	if (a)
		json_object_object_add(o, k, json_object_new_boolean(nla_get_u8(a)));
}

static void put_strattr(struct json_object *o, const char *k, struct nlattr *a)
{
	if (a)
		json_object_object_add(o, k,
			json_object_new_string_len(nla_data(a),
						   strnlen(nla_data(a), nla_len(a))));
}

/* Print a flat JSON object as "key: value" lines. */
static void print_plain(struct json_object *o)
{
	json_object_object_foreach(o, k, v) {
		if (json_object_is_type(v, json_type_string))
			printf("%s: %s\n", k, json_object_get_string(v));
		else
			printf("%s: %s\n", k, json_object_to_json_string(v));
	}
}

/* --- status and config ------------------------------------------------- */

struct vc_obj {
	struct json_object *o;
};

static int status_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VIGIL_A_MAX + 1];
	struct json_object *o = ((struct vc_obj *)arg)->o;

	if (!vc_parse(msg, tb))
		return NL_SKIP;
	put_strattr(o, "version", tb[VIGIL_A_VERSION]);
	put_u32(o, "schema_version", tb[VIGIL_A_SCHEMA_VERSION]);
	put_bool(o, "armed", tb[VIGIL_A_ARMED]);
	put_bool(o, "enabled", tb[VIGIL_A_ENABLED]);
	put_bool(o, "require_signature", tb[VIGIL_A_REQUIRE_SIGNATURE]);
	put_u32(o, "rate_limit", tb[VIGIL_A_RATE_LIMIT]);
	put_u32(o, "channels", tb[VIGIL_A_NCHANNELS]);
	put_u64(o, "events_seen", tb[VIGIL_A_EVENTS_SEEN]);
	put_u64(o, "events_matched", tb[VIGIL_A_EVENTS_MATCHED]);
	put_u64(o, "events_dropped", tb[VIGIL_A_EVENTS_DROPPED]);
	put_u64(o, "channels_loaded", tb[VIGIL_A_CHANNELS_LOADED]);
	put_u64(o, "channels_rejected", tb[VIGIL_A_CHANNELS_REJECTED]);
	put_u64(o, "events_over_budget", tb[VIGIL_A_EVENTS_OVER_BUDGET]);
	put_u64(o, "events_refused", tb[VIGIL_A_EVENTS_REFUSED]);
	put_u64(o, "work_budget", tb[VIGIL_A_WORK_BUDGET]);
	put_u64(o, "memory_used", tb[VIGIL_A_MEMORY_USED]);
	put_u64(o, "memory_cap", tb[VIGIL_A_MEMORY_CAP]);
	put_strattr(o, "last_reject_reason", tb[VIGIL_A_LAST_REJECT]);
	return NL_OK;
}

static int cmd_status_or_config(struct vc *vc, uint8_t cmd, const char *key)
{
	struct vc_obj r = { json_object_new_object() };
	int ret = vc_request(vc, vc_msg(vc, cmd, 0), status_cb, &r);

	if (ret) {
		vc_report(vc, cmd == VIGIL_CMD_GET_STATUS ? "status" : "config get");
	} else if (key) {
		struct json_object *v;

		if (!json_object_object_get_ex(r.o, key, &v)) {
			fprintf(stderr, "%s: unknown key %s\n", prog, key);
			json_object_put(r.o);
			return 2;
		}
		if (vc->json)
			print_json(v);
		else
			puts(json_object_to_json_string(v));
	} else if (vc->json) {
		print_json(r.o);
	} else {
		print_plain(r.o);
	}
	json_object_put(r.o);
	return ret ? 1 : 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int cmd_config_set(struct vc *vc, const char *key, const char *val)
{
	struct nl_msg *msg = vc_msg(vc, VIGIL_CMD_SET_CONFIG, 0);
	uint32_t v;
	int attr;

	if (!strcmp(key, "enabled"))
		attr = VIGIL_A_ENABLED;
	else if (!strcmp(key, "require_signature"))
		attr = VIGIL_A_REQUIRE_SIGNATURE;
	else if (!strcmp(key, "rate_limit"))
		attr = VIGIL_A_RATE_LIMIT;
	else
		goto bad;
	if (parse_u32(val, &v))
		goto bad;
	if (attr == VIGIL_A_RATE_LIMIT)
		nla_put_u32(msg, attr, v);
	else if (v <= 1)
		nla_put_u8(msg, attr, v);
	else
		goto bad;
	if (vc_request(vc, msg, NULL, NULL)) {
		vc_report(vc, "config set");
		return 1;
	}
	if (vc->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, key, json_object_new_uint64(v));
		print_json(o);
		json_object_put(o);
	}
	return 0;
bad:
	nlmsg_free(msg);
	fprintf(stderr, "%s: config set: bad key or value: %s %s\n", prog, key,
		val);
	return 2;
}

/* --- channels ---------------------------------------------------------- */

static struct json_object *channel_json(struct nlattr *nest)
{
	struct nlattr *tb[VIGIL_CA_MAX + 1];
	struct json_object *o;
	char hex[2 * 32 + 1] = "";

	if (!nest || nla_parse_nested(tb, VIGIL_CA_MAX, nest, NULL) < 0)
		return NULL;
	o = json_object_new_object();
	put_u32(o, "id", tb[VIGIL_CA_ID]);
	put_u64(o, "version", tb[VIGIL_CA_CONTENT_VERSION]);
	put_u32(o, "rules", tb[VIGIL_CA_NRULES]);
	put_bool(o, "signed", tb[VIGIL_CA_SIGNED]);
	put_u64(o, "loaded_ns", tb[VIGIL_CA_LOADED_NS]);
	put_u64(o, "memory", tb[VIGIL_CA_MEMORY]);
	put_u64(o, "over_budget", tb[VIGIL_CA_OVER_BUDGET]);
	if (tb[VIGIL_CA_DIGEST] && nla_len(tb[VIGIL_CA_DIGEST]) == 32) {
		const unsigned char *d = nla_data(tb[VIGIL_CA_DIGEST]);
		int i;

		for (i = 0; i < 32; i++)
			sprintf(hex + 2 * i, "%02x", d[i]);
		json_object_object_add(o, "digest", json_object_new_string(hex));
	}
	return o;
}

static int list_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VIGIL_A_MAX + 1];
	struct json_object *c;

	if (!vc_parse(msg, tb))
		return NL_SKIP;
	c = channel_json(tb[VIGIL_A_CHANNEL]);
	if (c)
		json_object_array_add(((struct vc_obj *)arg)->o, c);
	return NL_OK;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ?
		json_object_get_string(v) : "-";
}

static void print_channel_row(struct json_object *c)
{
	printf("%-10s %-8s %-6s %-6s %s\n", jstr(c, "id"), jstr(c, "version"),
	       jstr(c, "rules"), jstr(c, "signed"), jstr(c, "digest"));
}

static int cmd_list(struct vc *vc)
{
	struct vc_obj r = { json_object_new_array() };
	size_t i;

	if (vc_request(vc, vc_msg(vc, VIGIL_CMD_LIST_CHANNELS, NLM_F_DUMP),
		       list_cb, &r)) {
		vc_report(vc, "channels list");
		json_object_put(r.o);
		return 1;
	}
	if (vc->json) {
		print_json(r.o);
	} else {
		printf("%-10s %-8s %-6s %-6s %s\n", "ID", "VERSION", "RULES",
		       "SIGNED", "DIGEST");
		for (i = 0; i < json_object_array_length(r.o); i++)
			print_channel_row(json_object_array_get_idx(r.o, i));
	}
	json_object_put(r.o);
	return 0;
}

static int load_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VIGIL_A_MAX + 1];
	struct vc_obj *r = arg;

	if (!vc_parse(msg, tb))
		return NL_SKIP;
	if (tb[VIGIL_A_CHANNEL]) {
		if (r->o)
			json_object_put(r->o);
		r->o = channel_json(tb[VIGIL_A_CHANNEL]);
	}
	if (tb[VIGIL_A_LAST_REJECT] && r->o == NULL) {
		/* the reason comes before the error ack */
		r->o = json_object_new_string_len(nla_data(tb[VIGIL_A_LAST_REJECT]),
			strnlen(nla_data(tb[VIGIL_A_LAST_REJECT]),
				nla_len(tb[VIGIL_A_LAST_REJECT])));
	}
	return NL_OK;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *nb;

			if (cap > VC_MAX_FILE) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int load_one(struct vc *vc, const char *path)
{
	struct vc_obj r = { NULL };
	struct nl_msg *msg;
	unsigned char *data;
	size_t len, off;
	int sndbuf, ret;

	data = read_file(path, &len);
	if (!data) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	msg = nlmsg_alloc_size(len + len / VC_PIECE * NLA_HDRLEN + 4096);
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, vc->family, 0,
				 NLM_F_ACK, VIGIL_CMD_LOAD_CHANNEL,
				 VIGIL_GENL_VERSION)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	for (off = 0; off < len || (off == 0 && len == 0); off += VC_PIECE) {
		size_t n = len - off < VC_PIECE ? len - off : VC_PIECE;

		if (nla_put(msg, VIGIL_A_CHANNEL_DATA, n, data + off) < 0) {
			fprintf(stderr, "%s: %s: message too large\n", prog, path);
			exit(1);
		}
		if (!len)
			break;
	}
	free(data);
	/* room for the request: SO_SNDBUFFORCE works for root */
	sndbuf = (int)nlmsg_hdr(msg)->nlmsg_len + 65536;
	if (setsockopt(nl_socket_get_fd(vc->sk), SOL_SOCKET, SO_SNDBUFFORCE,
		       &sndbuf, sizeof(sndbuf)))
		setsockopt(nl_socket_get_fd(vc->sk), SOL_SOCKET, SO_SNDBUF,
			   &sndbuf, sizeof(sndbuf));

	ret = vc_request(vc, msg, load_cb, &r);
	if (ret) {
		if (r.o && json_object_is_type(r.o, json_type_string))
			snprintf(vc->err.reason, sizeof(vc->err.reason), "%s",
				 json_object_get_string(r.o));
		vc_report(vc, path);
	} else if (vc->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "request", json_object_new_string(path));
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		if (r.o && json_object_is_type(r.o, json_type_object))
			json_object_object_add(o, "channel", json_object_get(r.o));
		print_json(o);
		json_object_put(o);
	} else if (r.o && json_object_is_type(r.o, json_type_object)) {
		printf("%s: channel %s version %s active, %s rules\n", path,
		       jstr(r.o, "id"), jstr(r.o, "version"), jstr(r.o, "rules"));
	}
	json_object_put(r.o);
	return ret ? 1 : 0;
}

static int cmd_remove(struct vc *vc, const char *arg)
{
	struct nl_msg *msg;
	uint32_t id;

	if (parse_u32(arg, &id) || !id) {
		fprintf(stderr, "%s: bad channel id: %s\n", prog, arg);
		return 2;
	}
	msg = vc_msg(vc, VIGIL_CMD_REMOVE_CHANNEL, 0);
	nla_put_u32(msg, VIGIL_A_CHANNEL_ID, id);
	if (vc_request(vc, msg, NULL, NULL)) {
		vc_report(vc, "channels remove");
		return 1;
	}
	if (vc->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "removed", json_object_new_uint64(id));
		print_json(o);
		json_object_put(o);
	}
	return 0;
}

/* --- events ------------------------------------------------------------ */

static struct json_object *addr_json(const unsigned char *a)
{
	static const unsigned char v4map[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	char buf[INET6_ADDRSTRLEN];

	if (!memcmp(a, v4map, 12))
		inet_ntop(AF_INET, a + 12, buf, sizeof(buf));
	else
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static void event_fields(struct json_object *o, struct nlattr *fields)
{
	struct json_object *f = json_object_new_object();
	struct json_object *trunc = NULL;
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, fields, rem) {
		struct nlattr *tb[VIGIL_FA_MAX + 1];
		char name[64];

		if (nla_type(a) != VIGIL_A_FIELD ||
		    nla_parse_nested(tb, VIGIL_FA_MAX, a, NULL) < 0 ||
		    !tb[VIGIL_FA_NAME])
			continue;
		snprintf(name, sizeof(name), "%.*s",
			 (int)strnlen(nla_data(tb[VIGIL_FA_NAME]),
				      nla_len(tb[VIGIL_FA_NAME])),
			 (const char *)nla_data(tb[VIGIL_FA_NAME]));
		if (tb[VIGIL_FA_U64])
			json_object_object_add(f, name,
				json_object_new_uint64(nla_get_u64(tb[VIGIL_FA_U64])));
		else if (tb[VIGIL_FA_ADDR] && nla_len(tb[VIGIL_FA_ADDR]) == 16)
			json_object_object_add(f, name,
				addr_json(nla_data(tb[VIGIL_FA_ADDR])));
		else if (tb[VIGIL_FA_STR])
			json_object_object_add(f, name,
				json_object_new_string_len(nla_data(tb[VIGIL_FA_STR]),
							   nla_len(tb[VIGIL_FA_STR])));
		if (tb[VIGIL_FA_TRUNCATED]) {
			if (!trunc)
				trunc = json_object_new_array();
			json_object_array_add(trunc, json_object_new_string(name));
		}
	}
	json_object_object_add(o, "fields", f);
	if (trunc)
		json_object_object_add(o, "truncated", trunc);
}

static int seq_ok_cb(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

struct ev_state {
	long count;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[VIGIL_A_MAX + 1];
	struct ev_state *st = arg;
	struct json_object *o;

	if (gh->cmd != VIGIL_CMD_EVENT || !vc_parse(msg, tb))
		return NL_SKIP;
	o = json_object_new_object();
	put_u64(o, "time_ns", tb[VIGIL_A_TIME_NS]);
	put_u32(o, "channel", tb[VIGIL_A_CHANNEL_ID]);
	put_u64(o, "content_version", tb[VIGIL_A_CONTENT_VERSION]);
	put_u32(o, "rule", tb[VIGIL_A_RULE_ID]);
	put_strattr(o, "title", tb[VIGIL_A_RULE_TITLE]);
	if (tb[VIGIL_A_NOTICE]) {
		unsigned int n = nla_get_u8(tb[VIGIL_A_NOTICE]);

		json_object_object_add(o, "notice",
			n == VIGIL_NOTICE_OVER_BUDGET ?
				json_object_new_string("over_budget") :
			n == VIGIL_NOTICE_CHANNEL_DISABLED ?
				json_object_new_string("channel_disabled") :
				json_object_new_int(n));
	}
	if (tb[VIGIL_A_SEVERITY]) {
		unsigned int s = nla_get_u8(tb[VIGIL_A_SEVERITY]);

		json_object_object_add(o, "severity",
			s < 5 ? json_object_new_string(severity_names[s]) :
				json_object_new_int(s));
	}
	if (tb[VIGIL_A_ACTION]) {
		unsigned int a = nla_get_u8(tb[VIGIL_A_ACTION]);

		json_object_object_add(o, "action",
			a == 1 ? json_object_new_string("report") :
			a == 2 ? json_object_new_string("kill") :
			a == 3 ? json_object_new_string("deny") :
				 json_object_new_int(a));
	}
	put_bool(o, "refused", tb[VIGIL_A_REFUSED]);
	put_strattr(o, "event", tb[VIGIL_A_EVENT_NAME]);
	put_u64(o, "pid", tb[VIGIL_A_PID]);
	put_u64(o, "tgid", tb[VIGIL_A_TGID]);
	put_u64(o, "ppid", tb[VIGIL_A_PPID]);
	put_u64(o, "uid", tb[VIGIL_A_UID]);
	if (tb[VIGIL_A_COMM])
		json_object_object_add(o, "comm",
			json_object_new_string_len(nla_data(tb[VIGIL_A_COMM]),
						   nla_len(tb[VIGIL_A_COMM])));
	put_u64(o, "dropped", tb[VIGIL_A_EVENTS_DROPPED]);
	if (tb[VIGIL_A_FIELDS])
		event_fields(o, tb[VIGIL_A_FIELDS]);
	print_json(o);
	json_object_put(o);
	st->count++;
	return NL_OK;
}

static int cmd_events(struct vc *vc, long count, int timeout)
{
	struct ev_state st = { 0 };
	struct nl_cb *cb;
	int grp, ret, rcvbuf = 4 << 20, one = 1;

	grp = genl_ctrl_resolve_grp(vc->sk, VIGIL_GENL_NAME,
				    VIGIL_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "%s: events: no group %s: %s\n", prog,
			VIGIL_MCGRP_EVENTS, nl_geterror(grp));
		return 1;
	}
	if (setsockopt(nl_socket_get_fd(vc->sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)))
		setsockopt(nl_socket_get_fd(vc->sk), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	/*
	 * Without this the kernel cannot tell that a record did not fit in
	 * our buffer, and could not count it in events_dropped.
	 */
	setsockopt(nl_socket_get_fd(vc->sk), SOL_NETLINK, NETLINK_BROADCAST_ERROR,
		   &one, sizeof(one));
	ret = nl_socket_add_membership(vc->sk, grp);
	if (ret < 0) {
		fprintf(stderr, "%s: events: cannot subscribe: %s\n", prog,
			nl_geterror(ret));
		return 1;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return 1;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &st);
	/* multicast messages carry no sequence numbers of ours */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok_cb, NULL);

	/*
	 * SIGINT and SIGTERM keep their default action: libnl retries a
	 * recvmsg() a signal interrupted, so a handler could leave us
	 * waiting.  Every record is flushed as it is printed.  Reads do not
	 * block: poll() waits.
	 */
	nl_socket_set_nonblocking(vc->sk);
	/* tell a waiting script we are subscribed */
	if (!vc->json)
		fprintf(stderr, "%s: following events\n", prog);

	while (count <= 0 || st.count < count) {
		struct pollfd p = { .fd = nl_socket_get_fd(vc->sk),
				    .events = POLLIN };
		int n = poll(&p, 1, timeout > 0 ? timeout * 1000 : -1);

		if (n < 0) {
			perror("poll");
			break;
		}
		if (n == 0)
			break;	/* timeout without a record */
		ret = nl_recvmsgs(vc->sk, cb);
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: our socket overflowed; records were lost */
			fprintf(stderr, "%s: events: receive buffer overflow, records lost\n",
				prog);
			continue;
		}
		if (ret < 0 && ret != -NLE_AGAIN) {
			fprintf(stderr, "%s: events: %s\n", prog, nl_geterror(ret));
			break;
		}
	}
	nl_cb_put(cb);
	return 0;
}

/* --- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct vc vc = { 0 };
	const char *cmd;
	int i = 1, ret = 0;

	if (argc > 0 && argv[0][0]) {
		const char *s = strrchr(argv[0], '/');

		prog = s ? s + 1 : argv[0];
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json"))
			vc.json = true;
		else
			usage();
	}
	if (i >= argc)
		usage();
	cmd = argv[i++];
	if (strcmp(cmd, "status") && strcmp(cmd, "channels") &&
	    strcmp(cmd, "config") && strcmp(cmd, "events"))
		usage();
	/* --json may also follow the command */
	for (int j = i; j < argc; j++) {
		if (!strcmp(argv[j], "--json")) {
			vc.json = true;
			memmove(&argv[j], &argv[j + 1],
				(argc - j) * sizeof(argv[0]));
			argc--;
			j--;
		}
	}
	if (vc_open(&vc))
		return 1;

	if (!strcmp(cmd, "status")) {
		if (i != argc)
			usage();
		ret = cmd_status_or_config(&vc, VIGIL_CMD_GET_STATUS, NULL);
	} else if (!strcmp(cmd, "channels")) {
		if (i >= argc)
			usage();
		if (!strcmp(argv[i], "list") && i + 1 == argc) {
			ret = cmd_list(&vc);
		} else if (!strcmp(argv[i], "load") && i + 1 < argc) {
			for (i++; i < argc; i++)
				ret |= load_one(&vc, argv[i]);
		} else if (!strcmp(argv[i], "remove") && i + 2 == argc) {
			ret = cmd_remove(&vc, argv[i + 1]);
		} else {
			usage();
		}
	} else if (!strcmp(cmd, "config")) {
		if (i < argc && !strcmp(argv[i], "get") && i + 2 >= argc)
			ret = cmd_status_or_config(&vc, VIGIL_CMD_GET_CONFIG,
						   i + 1 < argc ? argv[i + 1] : NULL);
		else if (i < argc && !strcmp(argv[i], "set") && i + 3 == argc)
			ret = cmd_config_set(&vc, argv[i + 1], argv[i + 2]);
		else
			usage();
	} else {
		long count = 0;
		int timeout = 0;

		for (; i < argc; i++) {
			if (!strcmp(argv[i], "--count") && i + 1 < argc)
				count = strtol(argv[++i], NULL, 10);
			else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
				timeout = atoi(argv[++i]);
			else
				usage();
		}
		ret = cmd_events(&vc, count, timeout);
	}
	nl_socket_free(vc.sk);
	return ret;
}
