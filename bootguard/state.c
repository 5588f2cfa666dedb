// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: the persistent state and its text form.
 *
 * The state file is plain text, one "key=value" per line, in a fixed
 * order, and ends with "checksum=<SHA-256 of every byte before that
 * line>".  The parser is strict: unknown keys, a key out of place, a
 * number out of range, a malformed digest or boot id, a missing or wrong
 * checksum or anything after it is an error with the line number, never a
 * guess.  Free text (reasons, summaries) is stored with control characters
 * replaced by spaces, so it can never break a line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "state.h"

/**
 * bg_state_init() - a fresh state: armed, every try left, no history
 * @st: the state
 * @tries: tries allowed (1..BG_TRIES_MAX; clamped)
 */
void bg_state_init(struct bg_state *st, unsigned int tries)
{
	memset(st, 0, sizeof(*st));
	if (tries < 1)
		tries = 1;
	if (tries > BG_TRIES_MAX)
		tries = BG_TRIES_MAX;
	st->tries_max = tries;
	st->tries_left = tries;
	strcpy(st->lkg, BG_EMPTY_DIGEST);
}

const char *bg_set_name(enum bg_set set)
{
	switch (set) {
	case BG_SET_PENDING:
		return "pending";
	case BG_SET_LKG:
		return "lkg";
	default:
		return "none";
	}
}

int bg_set_parse(const char *s, enum bg_set *set)
{
	if (!strcmp(s, "pending"))
		*set = BG_SET_PENDING;
	else if (!strcmp(s, "lkg"))
		*set = BG_SET_LKG;
	else if (!strcmp(s, "none"))
		*set = BG_SET_NONE;
	else
		return -EINVAL;
	return 0;
}

bool bg_digest_ok(const char *s)
{
	size_t i;

	for (i = 0; i < BG_DIGEST_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[i] == '\0';
}

bool bg_boot_id_ok(const char *s)
{
	size_t i;

	for (i = 0; i < BG_BOOT_ID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' :
		    !((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[i] == '\0';
}

/**
 * bg_text_copy() - copy free text for the state file
 * @dst: destination
 * @size: its size (> 0)
 * @src: source, may be NULL
 *
 * Control characters become spaces, leading and trailing spaces go, and the
 * text is cut to fit.
 */
void bg_text_copy(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	while (src && *src == ' ')
		src++;
	for (; src && *src && n + 1 < size; src++) {
		unsigned char c = *src;

		dst[n++] = (c < 0x20 || c == 0x7f) ? ' ' : c;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

void bg_sha256_hex(const void *data, size_t len, char out[BG_DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256(data, len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[BG_DIGEST_LEN] = '\0';
}

/* Append, dropping the oldest entry when full. */
void bg_state_add_failure(struct bg_state *st, const struct bg_failure *f)
{
	if (st->nfail == BG_MAX_FAILURES) {
		memmove(&st->fail[0], &st->fail[1],
			(BG_MAX_FAILURES - 1) * sizeof(st->fail[0]));
		st->nfail--;
	}
	st->fail[st->nfail++] = *f;
}

void bg_state_add_quarantine(struct bg_state *st, const char *digest,
			     int64_t at, const char *reason)
{
	struct bg_quarantine *q;

	if (bg_state_quarantined(st, digest))
		return;
	if (st->nquar == BG_MAX_QUARANTINE) {
		memmove(&st->quar[0], &st->quar[1],
			(BG_MAX_QUARANTINE - 1) * sizeof(st->quar[0]));
		st->nquar--;
	}
	q = &st->quar[st->nquar++];
	memset(q, 0, sizeof(*q));
	snprintf(q->digest, sizeof(q->digest), "%s", digest);
	q->at = at;
	bg_text_copy(q->reason, sizeof(q->reason), reason);
}

bool bg_state_quarantined(const struct bg_state *st, const char *digest)
{
	unsigned int i;

	for (i = 0; i < st->nquar; i++)
		if (!strcmp(st->quar[i].digest, digest))
			return true;
	return false;
}

/* Counted failures since the last bless or reset. */
unsigned int bg_state_counted_failures(const struct bg_state *st)
{
	unsigned int i, n = 0;

	for (i = 0; i < st->nfail; i++)
		n += st->fail[i].counted;
	return n;
}

/* -- formatting -------------------------------------------------------- */

struct bg_buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void __attribute__((format(printf, 2, 3)))
bprintf(struct bg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if ((size_t)n < b->cap - b->len)
			break;
		b->cap = 2 * b->cap + n;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			b->failed = true;
			return;
		}
	}
	b->len += n;
}

/* A text field: "-" stands for the empty string. */
static const char *field(const char *s)
{
	return s[0] ? s : "-";
}

/**
 * bg_state_format() - the state file's text
 * @st: the state
 * @len: set to the length
 *
 * Return: a malloc'd NUL-terminated buffer, or NULL when out of memory.
 */
char *bg_state_format(const struct bg_state *st, size_t *len)
{
	struct bg_buf b = { .cap = 1024 };
	char sum[BG_DIGEST_LEN + 1];
	char text[BG_TEXT_MAX];
	unsigned int i;

	b.p = malloc(b.cap);
	if (!b.p)
		return NULL;
	bprintf(&b, "# vigil-bootguard state: written by vigil-bootguard, "
		"do not edit (vigil-bootguard reset re-arms)\n");
	bprintf(&b, "version=%d\n", BG_STATE_VERSION);
	bprintf(&b, "state=%s\n", st->disabled ? "disabled" : "armed");
	bprintf(&b, "tries_max=%u\n", st->tries_max);
	bprintf(&b, "tries_left=%u\n", st->tries_left);
	if (st->charged)
		bprintf(&b, "charge=%s %" PRId64 " %s %s\n",
			st->charge_boot_id, st->charge_at,
			bg_set_name(st->charge_set), st->charge_digest);
	else
		bprintf(&b, "charge=none\n");
	bprintf(&b, "lkg=%s\n", st->lkg);
	if (st->disabled) {
		bg_text_copy(text, sizeof(text), st->disabled_reason);
		bprintf(&b, "disabled=%" PRId64 " %u %s\n", st->disabled_at,
			st->disabled_failed_boots, field(text));
	} else {
		bprintf(&b, "disabled=none\n");
	}
	for (i = 0; i < st->nfail; i++) {
		const struct bg_failure *f = &st->fail[i];
		char file[BG_FILE_MAX];

		bg_text_copy(text, sizeof(text), f->ev.summary);
		bg_text_copy(file, sizeof(file), f->ev.file);
		/* a file name never holds a space: it is one field */
		for (char *c = file; *c; c++)
			if (*c == ' ')
				*c = '_';
		bprintf(&b, "failure=%" PRId64 " %s %s %s %d %s %d %s %s\n",
			f->at, f->boot_id, bg_set_name(f->set), f->digest,
			f->counted, f->ev.source[0] ? f->ev.source : "none",
			f->ev.involves_vigil, field(file), field(text));
	}
	for (i = 0; i < st->nquar; i++) {
		bg_text_copy(text, sizeof(text), st->quar[i].reason);
		bprintf(&b, "quarantine=%s %" PRId64 " %s\n",
			st->quar[i].digest, st->quar[i].at, field(text));
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	bg_sha256_hex(b.p, b.len, sum);
	bprintf(&b, "checksum=%s\n", sum);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* -- parsing ----------------------------------------------------------- */

struct bg_parser {
	char *err;
	size_t errsize;
	unsigned int line;
};

static int __attribute__((format(printf, 2, 3)))
perr(struct bg_parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->line)
		n = snprintf(ps->err, ps->errsize, "line %u: ", ps->line);
	if (n < 0 || (size_t)n >= ps->errsize)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errsize - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Cut the next space-separated word off *s. */
static char *word(char **s)
{
	char *w = *s, *sp;

	if (!w || !*w)
		return NULL;
	sp = strchr(w, ' ');
	if (sp) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = NULL;
	}
	return w;
}

static int parse_i64(struct bg_parser *ps, const char *what, const char *s,
		     int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || (s[0] == '0' && s[1]) || !((*s >= '0' && *s <= '9') ||
	    *s == '-'))
		return perr(ps, "%s: not a number", what);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return perr(ps, "%s: \"%s\" out of range", what, s);
	*out = v;
	return 0;
}

static int parse_uint(struct bg_parser *ps, const char *what, const char *s,
		      unsigned int max, unsigned int *out)
{
	int64_t v;
	int ret = parse_i64(ps, what, s, 0, max, &v);

	if (!ret)
		*out = v;
	return ret;
}

static int parse_bool(struct bg_parser *ps, const char *what, const char *s,
		      bool *out)
{
	if (!s || (strcmp(s, "0") && strcmp(s, "1")))
		return perr(ps, "%s: want 0 or 1", what);
	*out = s[0] == '1';
	return 0;
}

static int parse_digest(struct bg_parser *ps, const char *what, const char *s,
			char *out)
{
	if (!s || !bg_digest_ok(s))
		return perr(ps, "%s: not a SHA-256 digest", what);
	memcpy(out, s, BG_DIGEST_LEN + 1);
	return 0;
}

static int parse_set(struct bg_parser *ps, const char *what, const char *s,
		     enum bg_set *set)
{
	if (!s || bg_set_parse(s, set))
		return perr(ps, "%s: want pending, lkg or none", what);
	return 0;
}

/* The rest of the line as free text ("-": empty). */
static int parse_text(struct bg_parser *ps, const char *what, char *s,
		      char *out, size_t size)
{
	if (!s || !*s)
		return perr(ps, "%s: missing", what);
	if (strlen(s) >= size)
		return perr(ps, "%s: too long", what);
	strcpy(out, strcmp(s, "-") ? s : "");
	return 0;
}

#define MAX_TIME	((int64_t)1 << 40)	/* about 36,000 years */

static int parse_charge(struct bg_parser *ps, char *v, struct bg_state *st)
{
	char *id;
	int64_t at;

	if (!strcmp(v, "none")) {
		st->charged = false;
		return 0;
	}
	id = word(&v);
	if (!id || !bg_boot_id_ok(id))
		return perr(ps, "charge: bad boot id");
	strcpy(st->charge_boot_id, id);
	if (parse_i64(ps, "charge time", word(&v), 0, MAX_TIME, &at) ||
	    parse_set(ps, "charge set", word(&v), &st->charge_set) ||
	    parse_digest(ps, "charge digest", word(&v), st->charge_digest))
		return -EINVAL;
	if (v)
		return perr(ps, "charge: trailing text");
	if (st->charge_set == BG_SET_NONE)
		return perr(ps, "charge: a charged boot runs a set");
	st->charge_at = at;
	st->charged = true;
	return 0;
}

static int parse_disabled(struct bg_parser *ps, char *v, struct bg_state *st)
{
	if (!strcmp(v, "none")) {
		if (st->disabled)
			return perr(ps, "disabled: state is disabled");
		return 0;
	}
	if (!st->disabled)
		return perr(ps, "disabled: state is armed");
	if (parse_i64(ps, "disabled time", word(&v), 0, MAX_TIME,
		      &st->disabled_at) ||
	    parse_uint(ps, "failed boots", word(&v), 1000000,
		       &st->disabled_failed_boots))
		return -EINVAL;
	return parse_text(ps, "disabled reason", v, st->disabled_reason,
			  sizeof(st->disabled_reason));
}

static int parse_failure(struct bg_parser *ps, char *v, struct bg_state *st)
{
	struct bg_failure f;
	char *id, *src, *file;

	memset(&f, 0, sizeof(f));
	if (st->nfail == BG_MAX_FAILURES)
		return perr(ps, "more than %d failures", BG_MAX_FAILURES);
	if (parse_i64(ps, "failure time", word(&v), 0, MAX_TIME, &f.at))
		return -EINVAL;
	id = word(&v);
	if (!id || !bg_boot_id_ok(id))
		return perr(ps, "failure: bad boot id");
	strcpy(f.boot_id, id);
	if (parse_set(ps, "failure set", word(&v), &f.set) ||
	    parse_digest(ps, "failure digest", word(&v), f.digest) ||
	    parse_bool(ps, "failure counted", word(&v), &f.counted))
		return -EINVAL;
	src = word(&v);
	if (!src || (strcmp(src, "pstore") && strcmp(src, "health") &&
		     strcmp(src, "none")))
		return perr(ps, "failure: evidence source is pstore, health "
			    "or none");
	strcpy(f.ev.source, src);
	if (parse_bool(ps, "involves_vigil", word(&v), &f.ev.involves_vigil))
		return -EINVAL;
	file = word(&v);
	if (!file)
		return perr(ps, "failure: evidence file missing");
	if (parse_text(ps, "evidence file", file, f.ev.file,
		       sizeof(f.ev.file)) ||
	    parse_text(ps, "summary", v, f.ev.summary, sizeof(f.ev.summary)))
		return -EINVAL;
	if (strchr(f.ev.file, '/'))
		return perr(ps, "failure: evidence file name holds '/'");
	st->fail[st->nfail++] = f;
	return 0;
}

static int parse_quarantine(struct bg_parser *ps, char *v, struct bg_state *st)
{
	struct bg_quarantine *q;

	if (st->nquar == BG_MAX_QUARANTINE)
		return perr(ps, "more than %d quarantined sets",
			    BG_MAX_QUARANTINE);
	q = &st->quar[st->nquar];
	memset(q, 0, sizeof(*q));
	if (parse_digest(ps, "quarantine digest", word(&v), q->digest) ||
	    parse_i64(ps, "quarantine time", word(&v), 0, MAX_TIME, &q->at) ||
	    parse_text(ps, "quarantine reason", v, q->reason,
		       sizeof(q->reason)))
		return -EINVAL;
	if (bg_state_quarantined(st, q->digest))
		return perr(ps, "quarantine: digest listed twice");
	st->nquar++;
	return 0;
}

/* The keys in the order they must appear; "+" ones may repeat (or not be). */
static const char *const keys[] = {
	"version", "state", "tries_max", "tries_left", "charge", "lkg",
	"disabled", "+failure", "+quarantine",
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static int parse_line(struct bg_parser *ps, unsigned int k, char *v,
		      struct bg_state *st)
{
	int64_t ver;

	switch (k) {
	case 0:
		if (parse_i64(ps, "version", v, 0, 1000, &ver))
			return -EINVAL;
		if (ver != BG_STATE_VERSION)
			return perr(ps, "version %" PRId64 " not supported",
				    ver);
		return 0;
	case 1:
		if (!strcmp(v, "disabled"))
			st->disabled = true;
		else if (strcmp(v, "armed"))
			return perr(ps, "state: want armed or disabled");
		return 0;
	case 2:
		if (parse_uint(ps, "tries_max", v, BG_TRIES_MAX, &st->tries_max))
			return -EINVAL;
		if (!st->tries_max)
			return perr(ps, "tries_max: at least 1");
		return 0;
	case 3:
		if (parse_uint(ps, "tries_left", v, st->tries_max,
			       &st->tries_left))
			return -EINVAL;
		return 0;
	case 4:
		return parse_charge(ps, v, st);
	case 5:
		return parse_digest(ps, "lkg", v, st->lkg);
	case 6:
		return parse_disabled(ps, v, st);
	case 7:
		return parse_failure(ps, v, st);
	default:
		return parse_quarantine(ps, v, st);
	}
}

static int parse_body(struct bg_parser *ps, char *p, char *end,
		      struct bg_state *st)
{
	unsigned int k = 0;

	ps->line = 1;
	if (p == end || *p != '#')
		return perr(ps, "not a vigil-bootguard state file");
	p = memchr(p, '\n', end - p) + 1;
	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		char *eq;
		size_t klen;
		unsigned int j;

		ps->line++;
		*nl = '\0';
		eq = strchr(p, '=');
		if (!eq)
			return perr(ps, "no '=' in \"%.40s\"", p);
		klen = eq - p;
		for (j = k; j < NKEYS; j++) {
			const char *name = keys[j] + (keys[j][0] == '+');

			if (strlen(name) == klen && !memcmp(name, p, klen))
				break;
		}
		if (j == NKEYS)
			return perr(ps, "unexpected key \"%.*s\"",
				    (int)(klen > 40 ? 40 : klen), p);
		for (; k < j; k++)
			if (keys[k][0] != '+')
				return perr(ps, "\"%s\" missing before "
					    "\"%.*s\"", keys[k], (int)klen, p);
		if (parse_line(ps, j, eq + 1, st))
			return -EINVAL;
		if (keys[j][0] != '+')
			k = j + 1;
		p = nl + 1;
	}
	for (; k < NKEYS; k++)
		if (keys[k][0] != '+')
			return perr(ps, "\"%s\" missing", keys[k]);
	if (st->charged && st->disabled)
		return perr(ps, "a disabled sensor holds no charge");
	if (st->tries_left + st->charged > st->tries_max)
		return perr(ps, "tries_left plus the charge exceed tries_max");
	return 0;
}

/**
 * bg_state_parse() - read the state file's text, strictly
 * @buf: the file's bytes (need not be NUL-terminated)
 * @len: their number
 * @st: filled on success (undefined on error)
 * @err: on error, a one-line reason ("line N: ...")
 * @errsize: its size
 *
 * Return: 0, or -EINVAL with @err set.
 */
int bg_state_parse(const char *buf, size_t len, struct bg_state *st,
		   char *err, size_t errsize)
{
	static const char ck[] = "checksum=";
	struct bg_parser ps = { .err = err, .errsize = errsize };
	char want[BG_DIGEST_LEN + 1];
	size_t body, cklen = sizeof(ck) - 1 + BG_DIGEST_LEN + 1;
	char *copy;
	int ret;

	memset(st, 0, sizeof(*st));
	if (len > BG_STATE_MAX_SIZE)
		return perr(&ps, "larger than %u bytes", BG_STATE_MAX_SIZE);
	if (!len)
		return perr(&ps, "empty");
	if (memchr(buf, '\0', len))
		return perr(&ps, "holds a NUL byte");
	if (buf[len - 1] != '\n')
		return perr(&ps, "cut short (no final newline)");
	if (len < cklen || memcmp(buf + len - cklen, ck, sizeof(ck) - 1) ||
	    (len > cklen && buf[len - cklen - 1] != '\n'))
		return perr(&ps, "no checksum line at the end");
	body = len - cklen;
	bg_sha256_hex(buf, body, want);
	if (memcmp(want, buf + body + sizeof(ck) - 1, BG_DIGEST_LEN))
		return perr(&ps, "checksum mismatch: the file is damaged");

	copy = malloc(body + 1);
	if (!copy)
		return perr(&ps, "out of memory");
	memcpy(copy, buf, body);
	copy[body] = '\0';
	ret = parse_body(&ps, copy, copy + body, st);
	free(copy);
	return ret;
}
