// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-chan helpers: arena, strings, files, numbers, addresses and loading
 * a channel file with a one-line reason on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct arena_blk {
	struct arena_blk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_BLK	(64 * 1024)

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fputs("vigil-chan: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		total = SIZE_MAX;
	p = realloc(p, total ? total : 1);
	if (!p) {
		fputs("vigil-chan: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_blk *b = a->head;
	size_t al = (size + sizeof(max_align_t) - 1) &
		    ~(sizeof(max_align_t) - 1);
	void *p;

	if (!b || b->size - b->used < al) {
		size_t bs = al > ARENA_BLK ? al : ARENA_BLK;

		b = xcalloc(1, sizeof(*b) + bs);
		b->size = bs;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += al;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_blk *n = a->head->next;

		free(a->head);
		a->head = n;
	}
}

static void sb_grow(struct sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap ? 2 * b->cap : 64;
	b->s = xrealloc(b->s, b->cap, 1);
}

void sb_add(struct sbuf *b, const char *s, size_t len)
{
	sb_grow(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = 0;
}

void sb_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_quote(struct sbuf *b, const char *s, size_t len)
{
	size_t i;

	sb_add(b, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			sb_addf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_addf(b, "\\x%02x", c);
		else
			sb_add(b, (const char *)&c, 1);
	}
	sb_add(b, "\"", 1);
}

const char *sb_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *p;
	int fd, e;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	p = xcalloc(1, cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (n > max)
				break;
			cap *= 2;
			p = xrealloc(p, cap + 1, 1);
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(p);
			close(fd);
			errno = e;
			return -1;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	p[n] = 0;
	*buf = p;
	*len = n;
	return 0;
}

int write_file_atomic(const char *path, const void *buf, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = xcalloc(1, plen + 32);
	const uint8_t *p = buf;
	int fd, e;

	static unsigned int seq;
	unsigned int tries;

	for (tries = 0; tries < 100; tries++) {
		snprintf(tmp, plen + 32, "%s.tmp%u.%u", path,
			 (unsigned int)getpid(), seq++);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		goto fail;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail_unlink;
		p += w;
		len -= w;
	}
	if (fsync(fd))
		goto fail_unlink;
	if (close(fd)) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
fail:
	e = errno;
	free(tmp);
	errno = e;
	return -1;
}

int parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (!len)
		return -1;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		i = 2;
	} else if (len > 1 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	for (; i < len; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (d >= base)
			return -1;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -1;
	}
	*out = v;
	return 0;
}

int parse_addr(const char *s, uint8_t addr[16], unsigned int *prefix,
	       const char **why)
{
	char txt[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int plen = 128, i;
	uint64_t n;
	bool v4;

	if (alen >= sizeof(txt)) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(txt, s, alen);
	txt[alen] = 0;
	memset(addr, 0, 16);
	v4 = inet_pton(AF_INET, txt, addr + 12) == 1;
	if (v4) {
		addr[10] = addr[11] = 0xff;
	} else if (inet_pton(AF_INET6, txt, addr) != 1) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	if (slash) {
		if (!prefix) {
			*why = "a prefix needs the cidr modifier";
			return -1;
		}
		const char *d = slash + 1;
		size_t dl = strspn(d, "0123456789");

		if (!dl || dl > 3 || d[dl] || (d[0] == '0' && dl > 1) ||
		    parse_u64(d, dl, &n) || n > (v4 ? 32 : 128)) {
			*why = "bad prefix length";
			return -1;
		}
		plen = (unsigned int)n + (v4 ? 96 : 0);
		for (i = plen; i < 128; i++) {
			if (addr[i / 8] & (0x80 >> (i % 8))) {
				*why = "address has bits set past the prefix";
				return -1;
			}
		}
	}
	if (prefix)
		*prefix = plen;
	return 0;
}

void format_addr(const uint8_t addr[16], char *out, size_t outlen)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (!memcmp(addr, mapped, sizeof(mapped))) {
		if (inet_ntop(AF_INET, addr + 12, out, outlen))
			return;
	} else if (inet_ntop(AF_INET6, addr, out, outlen)) {
		return;
	}
	snprintf(out, outlen, "?");
}

void hex_string(const uint8_t *p, size_t len, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * len] = 0;
}

void loader_reason(const struct vigil_error *e, char *out, size_t outlen)
{
	const char *msg = e->msg[0] ? e->msg : vigil_err_text(e->code);

	snprintf(out, outlen, "%s: %.*s%s", vigil_err_name(e->code),
		 (int)sizeof(e->msg), msg,
		 e->in_payload ? " (offset in the decompressed payload)" : "");
}

int load_channel_file(const char *path, const struct vigil_load_opts *opts,
		      struct vigil_channel **ch, uint8_t **raw,
		      size_t *raw_len, char *line, size_t linelen)
{
	struct vigil_error e;
	char reason[320];
	uint8_t *buf;
	size_t len;
	int rc;

	*ch = NULL;
	if (raw)
		*raw = NULL;
	if (read_file(path, VIGIL_MAX_FILE_SIZE, &buf, &len)) {
		snprintf(line, linelen, "%s: offset 0: cannot read: %s", path,
			 strerror(errno));
		return -1;
	}
	memset(&e, 0, sizeof(e));
	rc = vigil_channel_load(buf, len, opts, ch, &e);
	if (rc) {
		loader_reason(&e, reason, sizeof(reason));
		snprintf(line, linelen, "%s: offset %llu: %s", path,
			 (unsigned long long)e.offset, reason);
		*ch = NULL;
	}
	if (raw && !rc) {
		*raw = buf;
		*raw_len = len;
	} else {
		free(buf);
	}
	return rc;
}

int check_readable(const char *cmd, const char *opt, const char *path)
{
	if (!access(path, R_OK))
		return 0;
	vc_err(cmd, "%s %s: %s", opt, path, strerror(errno));
	return -1;
}

void vc_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigil-chan %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
