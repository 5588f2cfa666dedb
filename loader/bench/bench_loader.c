// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and matcher benchmarks (userspace).  scripts/bench drives it;
 * BENCHMARKS.md explains the method and records the figures.
 *
 *	bench_loader gen N		YAML source of a channel of N rules
 *	bench_loader run FILE...	load, match and memory figures, one
 *					table row per channel file
 *	bench_loader count FILE ITERS	one decompression, one load and ITERS
 *					passes over the event mix, for
 *					callgrind to count instructions in
 *	bench_loader worst FILE...	the channels loaded together, and per
 *					event type the heaviest event found
 *					(fields at 4096 bytes): its steps, its
 *					time and the bound the loader proved
 *
 * The generated rules are the same for every N (rule i depends only on
 * i), so a smaller channel is a prefix of a larger one.  The event mix is
 * realistic benign events plus events that match each of the first ten
 * rules (and one that matches rule 11, which only the larger channels
 * have), so it sees nearly the same matches whatever the size.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader.h"

static const char *const syl[32] = {
	"ka", "zu", "mi", "to", "re", "vo", "pa", "ne", "lu", "shi", "go",
	"ra", "fe", "di", "xo", "ba", "qui", "ny", "te", "wo", "je", "hu",
	"sa", "ko", "mu", "ri", "pe", "da", "vi", "lo", "ze", "ga",
};

/*
 * A word unique for each (i < 32768, salt < 32), like a tool or file name:
 * four syllables from a bijective scramble of (i, salt), so that every
 * part of it varies from word to word, as real names do.
 */
static const char *word(unsigned int i, unsigned int salt)
{
	static char buf[8][32];
	static unsigned int n;
	char *b = buf[n++ % 8];
	unsigned int x = (i * 32 + salt) & 0xfffff;

	x = (x * 0x9e3b5) & 0xfffff;	/* odd multiplier: a bijection */
	x ^= x >> 10;			/* so is this */
	snprintf(b, sizeof(buf[0]), "%s%s%s%s", syl[x % 32],
		 syl[(x >> 5) % 32], syl[(x >> 10) % 32], syl[(x >> 15) % 32]);
	return b;
}

static void rule_head(unsigned int i, const char *event, const char *title)
{
	printf("  - id: %u\n    title: %s %u\n    event: %s\n", 100000 + i,
	       title, i, event);
	printf("    severity: %s\n    action: report\n",
	       i % 3 ? "high" : "medium");
	printf("    tags: [attack.t%u, bench]\n    detection:\n",
	       1000 + i % 600);
}

/* Rule i of the generated channel. */
static void gen_rule(unsigned int i)
{
	const char *w = word(i, 0), *w2 = word(i, 1), *w3 = word(i, 2);

	if (i == 0) {
		rule_head(i, "cred_change", "Ordinary user becomes root");
		printf("      from_user:\n        uid|gte: 1000\n");
		printf("      to_root:\n        new_euid|lt: 1\n");
		printf("      condition: from_user and to_root\n");
		return;
	}
	if (i == 1) {
		rule_head(i, "exec", "Program run with a lowered euid");
		printf("      sel:\n        uid|lt: 1000\n");
		printf("      root:\n        euid|gt: 60000\n");
		printf("      condition: sel and root\n");
		return;
	}
	/* the first ten rules hold the templates 0..7 */
	switch ((i + 8) % 10) {
	case 0:
		rule_head(i, "exec", "Tool started with a connect-back option");
		printf("      tool:\n        filename|endswith: [/%s, /%s.bin]\n",
		       w, w);
		printf("      opt:\n        argv|contains: [\" --%s=\", \" -%s \"]\n",
		       w2, w3);
		printf("      condition: tool and opt\n");
		break;
	case 1:
		rule_head(i, "exec", "Script run from a temporary folder");
		printf("      sel:\n        filename|glob: \"/tmp/*/%s*.sh\"\n",
		       w);
		printf("      condition: sel\n");
		break;
	case 2:
		rule_head(i, "exec", "Interpreter one-liner");
		printf("      interp:\n        comm|startswith: %s\n", w);
		printf("      code:\n        argv|contains|nocase: [%s, %s]\n",
		       w2, w3);
		printf("      parent:\n        pcomm: [sshd, cron]\n");
		printf("      condition: interp and code and not parent\n");
		break;
	case 3:
		rule_head(i, "open", "Secret file read");
		printf("      file:\n        path: [/etc/%s/%s.conf, /var/lib/%s/secret]\n",
		       w, w2, w);
		printf("      owner:\n        comm: %s\n", w3);
		printf("      condition: file and not owner\n");
		break;
	case 4:
		rule_head(i, "open", "Hidden folder written");
		printf("      hidden:\n        path|contains: /.%s/\n", w);
		printf("      write:\n        flags|mask_any: 0x241\n");
		printf("      condition: hidden and write\n");
		break;
	case 5:
		rule_head(i, "fifo", "Named pipe with a tool name");
		printf("      temp:\n        path|startswith: [/tmp/, /dev/shm/, /var/tmp/]\n");
		printf("      name:\n        path|contains|nocase: [%s, %s]\n",
		       w, w2);
		printf("      pkg:\n        comm: [dpkg, apt-get]\n");
		printf("      condition: temp and name and not pkg\n");
		break;
	case 6:
		rule_head(i, "exec", "Dropper command line");
		printf("      sel_flag:\n        argv|contains: \"%s -x\"\n", w);
		printf("      sel_py:\n        argv|endswith: /%s.py\n", w2);
		printf("      condition: 1 of sel_*\n");
		break;
	case 7:
		rule_head(i, "module_load", "Known rootkit module");
		printf("      file:\n        path|endswith: /%s.ko\n", w);
		printf("      param:\n        args|contains: \"%s=\"\n", w2);
		printf("      condition: file or param\n");
		break;
	case 8:
		rule_head(i, "exec", "Privileged tool run as root");
		printf("      tool:\n        filename|endswith: /%s\n", w);
		printf("      root:\n        uid: 0\n");
		printf("      condition: tool and root\n");
		break;
	default:
		rule_head(i, "connect", "Connection to a tool's port");
		printf("      port:\n        dport: %u\n", 20000 + i);
		printf("      net:\n        daddr|cidr: 10.0.0.0/8\n");
		printf("      tool:\n        comm|glob: \"%s*\"\n", w3);
		printf("      condition: port and (net or tool)\n");
		break;
	}
}

static int gen(unsigned int n)
{
	unsigned int i;

	printf("# generated by bench_loader gen %u\nchannel:\n", n);
	printf("  id: 900\n  version: 1\n  name: bench-%u\n\nrules:\n", n);
	for (i = 0; i < n; i++)
		gen_rule(i);
	return 0;
}

/* The event mix. */
#define MAXEV	64

static struct vigil_event events[MAXEV];
static unsigned int nevents;
static char strs[MAXEV * 4][160];
static unsigned int nstrs;

static struct vigil_str vs(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct vigil_str vs(const char *fmt, ...)
{
	char *b = strs[nstrs++];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(strs[0]), fmt, ap);
	va_end(ap);
	return (struct vigil_str){ .ptr = b, .len = strlen(b) };
}

static struct vigil_addr v4(u8 a, u8 b, u8 c, u8 d)
{
	struct vigil_addr x = { .a = { [10] = 0xff, [11] = 0xff,
				       [12] = a, [13] = b, [14] = c,
				       [15] = d } };

	return x;
}

static struct vigil_event *ev(void)
{
	return &events[nevents++];
}

static void exec_ev(const char *comm, const char *file, const char *argv,
		    const char *pcomm, u64 uid)
{
	vigil_fill_exec(ev(), 4000 + nevents, 4000 + nevents, 1200, uid, uid,
			vs("%s", comm), uid, vs("%s", file), vs("%s", argv),
			vs("%s", pcomm), vs("%s", file));
}

static void open_ev(const char *comm, const char *path, u64 flags)
{
	vigil_fill_open(ev(), 5000, 5000, 1, 1000, 1000, vs("%s", comm),
			vs("%s", path), flags, 0100644, vs("%s", ""),
			vs("/usr/bin/%s", comm));
}

static void build_events(void)
{
	exec_ev("ls", "/usr/bin/ls", "ls -la /home/user/projects", "bash",
		1000);
	exec_ev("git", "/usr/bin/git", "git status --porcelain", "bash", 1000);
	exec_ev("python3", "/usr/bin/python3.11",
		"/usr/bin/python3 /usr/lib/command-not-found -- gti", "bash",
		1000);
	exec_ev("bash", "/usr/bin/bash",
		"bash -c for f in /var/log/app/*.log; do gzip -9 $f; done",
		"cron", 0);
	exec_ev("curl", "/usr/bin/curl",
		"curl -fsSL https://deb.debian.org/debian/dists/bookworm/InRelease -o /tmp/tmp.Xq81/InRelease",
		"apt-helper", 0);
	exec_ev("systemctl", "/usr/bin/systemctl",
		"systemctl status nginx.service --no-pager", "sudo", 0);
	exec_ev("ssh", "/usr/bin/ssh",
		"ssh -o BatchMode=yes backup@10.0.0.5 rsync --server -logDtpre.iLsfxCIvu . /srv/backup",
		"rsync", 1000);
	exec_ev("grep", "/usr/bin/grep", "grep -rn TODO src/ include/",
		"bash", 1000);
	exec_ev("make", "/usr/bin/make", "make -j2 all", "bash", 1000);
	exec_ev("cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
		"/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet -I include src/main.c -O2 -o /tmp/ccX8a2.s",
		"gcc", 1000);
	exec_ev("sh", "/usr/bin/dash", "sh -c /usr/lib/update-notifier/update-motd-updates-available",
		"run-parts", 0);
	/* matching rules 2, 3, 4 and 8; 4 again but from sshd: no match */
	exec_ev("xyz", vs("/opt/bin/%s", word(2, 0)).ptr,
		vs("%s --%s=10.1.2.3:443", word(2, 0), word(2, 1)).ptr,
		"bash", 1000);
	exec_ev("sh", vs("/tmp/build.1/%s-setup.sh", word(3, 0)).ptr,
		"sh ./setup.sh", "bash", 1000);
	exec_ev(word(4, 0), "/usr/bin/python3",
		vs("python3 -c import %s", word(4, 2)).ptr, "bash", 1000);
	exec_ev(word(4, 0), "/usr/bin/python3",
		vs("python3 -c import %s", word(4, 2)).ptr, "sshd", 1000);
	exec_ev("bash", "/usr/bin/bash",
		vs("bash /home/u/%s -x now", word(8, 0)).ptr, "bash", 1000);

	open_ev("sshd", "/etc/passwd", 0);
	open_ev("ls", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x80000);
	open_ev("ps", "/proc/self/status", 0);
	open_ev("bash", "/home/user/.bashrc", 0);
	open_ev("rsyslogd", "/var/log/syslog", 0x441);
	open_ev("mktemp", "/tmp/tmp.Xa81Qz", 0xc2);
	open_ev("nginx", "/var/lib/nginx/body/0000000017", 0x241);
	open_ev("systemd", "/run/systemd/units/invocation:nginx.service", 0);
	/* matching rules 5 and 6 */
	open_ev("cat", vs("/etc/%s/%s.conf", word(5, 0), word(5, 1)).ptr, 0);
	open_ev("sh", vs("/home/u/.%s/run", word(6, 0)).ptr, 0x41);

	vigil_fill_fifo(ev(), 600, 600, 1, 0, 0, vs("systemd-logind"),
			vs("/run/systemd/inhibit/12.ref"), 010600,
			vs("/usr/lib/systemd/systemd-logind"));
	vigil_fill_fifo(ev(), 601, 601, 1, 1000, 1000, vs("make"),
			vs("/tmp/GMfifo4211"), 010600, vs("/usr/bin/make"));
	/* matching rule 7 */
	vigil_fill_fifo(ev(), 602, 602, 1, 33, 33, vs("sh"),
			vs("/dev/shm/.%s", word(7, 1)), 010666, vs("/usr/bin/dash"));

	vigil_fill_connect(ev(), 700, 700, 1, 1000, 1000, vs("curl"), 2,
			   v4(151, 101, 2, 132), 443, vs("%s", ""),
			   vs("/usr/bin/curl"));
	vigil_fill_connect(ev(), 701, 701, 1, 101, 101,
			   vs("systemd-resolve"), 2, v4(10, 0, 0, 1), 53,
			   vs("%s", ""),
			   vs("/usr/lib/systemd/systemd-resolved"));
	vigil_fill_connect(ev(), 702, 702, 1, 1000, 1000, vs("dbus-send"), 1,
			   v4(0, 0, 0, 0), 0,
			   vs("/run/dbus/system_bus_socket"),
			   vs("/usr/bin/dbus-send"));
	/* matching rule 11, which only the larger channels have */
	vigil_fill_connect(ev(), 703, 703, 1, 1000, 1000, vs("nc"), 2,
			   v4(10, 9, 8, 7), 20011, vs("%s", ""),
			   vs("/usr/bin/nc.openbsd"));

	vigil_fill_module_load(ev(), 800, 800, 1, 0, 0, vs("modprobe"),
			       vs("/lib/modules/6.1.0-18-amd64/kernel/drivers/net/virtio_net.ko"),
			       vs("%s", ""), 0, vs("/usr/sbin/modprobe"));
	/* matching rule 9 */
	vigil_fill_module_load(ev(), 801, 801, 1, 0, 0, vs("insmod"),
			       vs("/tmp/%s.ko", word(9, 0)), vs("hide=1"), 0,
			       vs("/usr/sbin/insmod"));

	vigil_fill_cred_change(ev(), 900, 900, 1, 1000, 1000, vs("sudo"),
			       1000, 0, 0, 0, 105, vs("/usr/bin/sudo"));
	vigil_fill_cred_change(ev(), 901, 901, 1, 0, 0, vs("sshd"), 0, 1000,
			       1000, 1000, 105, vs("/usr/sbin/sshd"));
	vigil_fill_fork(ev(), 1000, 1000, 999, 1000, 1000, vs("bash"), 999,
			0x1200011, vs("/usr/bin/bash"));
	vigil_fill_exit(ev(), 1001, 1001, 999, 1000, 1000, vs("ls"), 0,
			vs("/usr/bin/ls"));
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	u8 *buf;

	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(1);
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = n;
	return buf;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static struct vigil_channel *load(const u8 *d, size_t len, const char *name)
{
	struct vigil_channel *ch;
	struct vigil_error err;

	if (vigil_channel_load(d, len, NULL, &ch, &err)) {
		fprintf(stderr, "%s: offset %llu: %s\n", name,
			(unsigned long long)err.offset, err.msg);
		exit(1);
	}
	return ch;
}

static int count_cb(void *ctx, const struct vigil_match *m)
{
	(*(unsigned long *)ctx)++;
	return 0;
}

/*
 * bench_*: the units that are timed, and that callgrind counts by name,
 * so they stay out of line (userspace: no kernel noinline macro here).
 */

/* @iters passes over the event mix; returns the matches. */
static __attribute__((noinline))
unsigned long bench_events(const struct vigil_ruleset *rs, unsigned long iters)
{
	unsigned long i, matches = 0;
	unsigned int e;

	for (i = 0; i < iters; i++) {
		for (e = 0; e < nevents; e++) {
			if (vigil_match(rs, &events[e], count_cb, &matches) < 0)
				abort();
		}
	}
	return matches;
}

/* Decompress the file's frame, as the baseline for loading it. */
static __attribute__((noinline))
void bench_zstd_once(const u8 *file, u8 *dst)
{
	const struct vigil_chan_header *h = (const void *)file;
	size_t us = le32_to_cpu(h->uncompressed_size);

	if (ZSTD_decompress(dst, us, file + VIGIL_CHAN_HEADER_SIZE,
			    le32_to_cpu(h->compressed_size)) != us)
		abort();
}

/* Load the channel: everything vigil_channel_load() does. */
static __attribute__((noinline))
struct vigil_channel *bench_load_once(const u8 *file, size_t len)
{
	return load(file, len, "channel");
}

struct timing {
	double best;
};

static void check(int ret)
{
	if (ret)
		abort();
}

/* Run batches of a unit until a batch lasts 10 ms; keep the best. */
#define TIME_BATCH(tm, body)						\
	do {								\
		unsigned long __n = 0;					\
		double __t0 = now(), __t;				\
									\
		do {							\
			body;						\
			__n++;						\
		} while ((__t = now() - __t0) < 0.01);			\
		if (__t / __n < (tm).best)				\
			(tm).best = __t / __n;				\
	} while (0)

#define ROUNDS	9

static int run(int argc, char **argv)
{
	int f, r;

	build_events();
	printf("%7s %9s %8s %8s %6s | %7s %7s %7s | %8s %7s | %7s %7s\n",
	       "rules", "payload", "zstd_us", "load_us", "ratio", "sha_us",
	       "val_us", "comp_us", "match_ns", "matches", "B/rule",
	       "rs/rule");
	for (f = 0; f < argc; f++) {
		struct timing tz = { 1e9 }, tl = { 1e9 }, tm = { 1e9 };
		struct timing ts = { 1e9 }, tv = { 1e9 }, tc = { 1e9 };

		const struct vigil_chan_header *h;
		struct vigil_ruleset *rs;
		struct vigil_channel *ch;
		struct vigil_error err;
		unsigned long matches;
		size_t len, us, cs;
		u8 *d, *dst, dig[32];

		d = read_file(argv[f], &len);
		h = (const void *)d;
		cs = le32_to_cpu(h->compressed_size);
		us = le32_to_cpu(h->uncompressed_size);
		dst = aligned_alloc(64, (us + 63) & ~63UL);
		if (!dst)
			abort();
		ch = load(d, len, argv[f]);
		/* interleaved, so that load on the machine hits all alike */
		for (r = 0; r < ROUNDS; r++) {
			TIME_BATCH(tz, bench_zstd_once(d, dst));
			TIME_BATCH(tl, vigil_channel_free(bench_load_once(d,
									 len)));
			TIME_BATCH(tm, bench_events(ch->rules, 1));
			TIME_BATCH(ts, vigil_sha256_2(d, VIGIL_CHAN_DIGEST_OFFSET,
						      d + VIGIL_CHAN_HEADER_SIZE,
						      cs, dig));
			TIME_BATCH(tv, check(vigil_payload_validate(dst, us,
								    &err)));
			TIME_BATCH(tc, check(vigil_ruleset_compile(dst, us, &rs,
								   &err));
				       vigil_ruleset_free(rs));
		}
		matches = bench_events(ch->rules, 1);
		printf("%7u %9zu %8.1f %8.1f %6.2f | %7.1f %7.1f %7.1f | %8.1f %7lu | %7.1f %7.1f\n",
		       ch->nrules, us, tz.best * 1e6, tl.best * 1e6,
		       tz.best / tl.best, ts.best * 1e6, tv.best * 1e6,
		       tc.best * 1e6, tm.best / nevents * 1e9, matches,
		       (double)vigil_channel_mem(ch) / ch->nrules,
		       (double)vigil_ruleset_mem(ch->rules) / ch->nrules);
		vigil_channel_free(ch);
		free(dst);
		free(d);
	}
	printf("(%u events in the mix; ratio = zstd_us / load_us)\n",
	       nevents);
	return 0;
}

/*
 * One of each unit, @iters passes over the events: for callgrind with
 * --collect-atstart=no --toggle-collect='bench_*', so that the first load
 * (which also initialises libcrypto) is not counted.
 */
static int count(const char *path, unsigned long iters)
{
	const struct vigil_chan_header *h;
	struct vigil_channel *ch;
	unsigned long matches;
	size_t len;
	u8 *d, *dst;

	build_events();
	d = read_file(path, &len);
	h = (const void *)d;
	dst = malloc(le32_to_cpu(h->uncompressed_size));
	if (!dst)
		abort();
	vigil_channel_free(load(d, len, path));
	bench_zstd_once(d, dst);
	ch = bench_load_once(d, len);
	matches = bench_events(ch->rules, iters);
	printf("events %lu matches %lu\n", iters * nevents, matches);
	vigil_channel_free(ch);
	free(dst);
	free(d);
	return 0;
}

/*
 * Heavy events of one type: every string field VIGIL_MAX_FIELD_LEN bytes,
 * either of the channels' string tables over and over (so their anchors
 * occur everywhere and the prefilter gives up) or of one byte.
 */
static char heavy_text[VIGIL_MAX_FIELDS][VIGIL_MAX_FIELD_LEN];

static void heavy_event(struct vigil_event *ev, u32 type,
			struct vigil_channel **ch, int nch, int variant)
{
	const struct vigil_event_desc *d = vigil_event_desc(type);
	const struct vigil_payload_header *ph;
	const u8 *tab = (const u8 *)"\x7f";
	size_t tlen = 1, off;
	u32 f, i;

	if (variant > 0 && variant <= nch) {
		ph = (const void *)ch[variant - 1]->payload;
		off = sizeof(*ph) +
		      (size_t)le32_to_cpu(ph->nrules) * sizeof(struct vigil_rule_rec) +
		      (size_t)le32_to_cpu(ph->nnodes) * sizeof(struct vigil_node_rec) +
		      (size_t)le32_to_cpu(ph->nvalues) * sizeof(struct vigil_value_rec);
		if (le32_to_cpu(ph->strtab_size)) {
			tab = ch[variant - 1]->payload + off;
			tlen = le32_to_cpu(ph->strtab_size);
		}
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->nfields = d->nfields;
	for (f = 0; f < d->nfields; f++) {
		if (d->fields[f].type != VIGIL_FT_STR &&
		    d->fields[f].type != VIGIL_FT_PATH)
			continue;
		for (i = 0; i < VIGIL_MAX_FIELD_LEN; i++) {
			u8 c = tab[(i + f * 7) % tlen];

			heavy_text[f][i] = c ? c : 'a';
		}
		ev->v[f].str.ptr = heavy_text[f];
		ev->v[f].str.len = VIGIL_MAX_FIELD_LEN;
	}
}

/* One event through every channel with one budget, as the sensor does. */
static __attribute__((noinline))
u64 bench_worst_once(struct vigil_channel **ch, int nch,
		     const struct vigil_event *ev)
{
	struct vigil_work w = { .left = VIGIL_MAX_EVENT_WORK };
	int i;

	for (i = 0; i < nch && !w.over; i++)
		vigil_match_work(ch[i]->rules, ev, NULL, NULL, &w);
	if (w.over)
		abort();	/* the bound of an accepted set was wrong */
	return VIGIL_MAX_EVENT_WORK - w.left;
}

static int worst(int argc, char **argv)
{
	struct vigil_channel *ch[64];
	struct vigil_event ev;
	u64 bound, steps, best_steps;
	int i, v, best_v;
	u32 t;

	if (argc > 64)
		argc = 64;
	for (i = 0; i < argc; i++) {
		size_t len;
		u8 *d = read_file(argv[i], &len);

		ch[i] = load(d, len, argv[i]);
		free(d);
	}
	printf("%-12s %10s %10s %6s %10s %8s\n", "event", "bound", "steps",
	       "%", "us", "ns/step");
	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		struct timing tm = { 1e9 };

		bound = 0;
		for (i = 0; i < argc; i++)
			bound += vigil_ruleset_work(ch[i]->rules, t);
		if (!bound)
			continue;
		best_steps = 0;
		best_v = 0;
		for (v = 0; v <= argc; v++) {
			heavy_event(&ev, t, ch, argc, v);
			steps = bench_worst_once(ch, argc, &ev);
			if (steps > bound)
				abort();
			if (steps >= best_steps) {
				best_steps = steps;
				best_v = v;
			}
		}
		heavy_event(&ev, t, ch, argc, best_v);
		for (i = 0; i < 3; i++)
			TIME_BATCH(tm, bench_worst_once(ch, argc, &ev));
		printf("%-12s %10llu %10llu %6.1f %10.1f %8.3f\n",
		       vigil_event_desc(t)->name, (unsigned long long)bound,
		       (unsigned long long)best_steps,
		       100.0 * best_steps / bound, tm.best * 1e6,
		       tm.best * 1e9 / (best_steps ? best_steps : 1));
	}
	for (i = 0; i < argc; i++)
		vigil_channel_free(ch[i]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "gen"))
		return gen(strtoul(argv[2], NULL, 0));
	if (argc >= 3 && !strcmp(argv[1], "run"))
		return run(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "count"))
		return count(argv[2], strtoul(argv[3], NULL, 0));
	if (argc >= 3 && !strcmp(argv[1], "worst"))
		return worst(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: bench_loader gen N | run FILE... | count FILE ITERS | worst FILE...\n");
	return 2;
}
