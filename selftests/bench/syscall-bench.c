// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-bench: the in-guest syscall microbenchmarks of make bench
 * (selftests/bench/run, BENCHMARKS.md).  Built static, so it needs nothing
 * from the guest.
 *
 *	syscall-bench [-n SCALE] [NAME...]	time each benchmark (default:
 *						all), print "NAME ITERS NS/OP"
 *	syscall-bench noop			exit 0 (the exec target)
 *
 * Benchmarks, each timed with CLOCK_MONOTONIC around its whole loop:
 *	open	open(O_RDONLY) + close of a file in the current folder
 *	fifo	mkfifo + unlink in the current folder
 *	exec	fork + execve of this program with "noop" + waitpid
 *	connect	socket + connect to a listening loopback TCP socket of
 *		this process + close (the accepted end is closed too)
 * SCALE multiplies the iteration counts (default 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char self[4096];
/* bench-file by its absolute name */
static char abs_file[4096];

static void die(const char *what)
{
	fprintf(stderr, "syscall-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime");
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void bench_open(unsigned long n)
{
	unsigned long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open("bench-file", O_RDONLY);
		if (fd < 0)
			die("open bench-file");
		close(fd);
	}
}

static void bench_open_abs(unsigned long n)
{
	unsigned long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(abs_file, O_RDONLY);
		if (fd < 0)
			die("open bench-file by its absolute path");
		close(fd);
	}
}

static void bench_fifo(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (mkfifo("bench-fifo", 0600))
			die("mkfifo bench-fifo");
		if (unlink("bench-fifo"))
			die("unlink bench-fifo");
	}
}

static void bench_exec(unsigned long n)
{
	char *argv[] = { self, "noop", NULL };
	char *envp[] = { NULL };
	unsigned long i;
	pid_t pid;
	int st;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve(self, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "syscall-bench: exec child failed\n");
			exit(1);
		}
	}
}

static void bench_connect(unsigned long n)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	unsigned long i;
	int ls, s, a;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(ls, 64) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len))
		die("listen on loopback");
	for (i = 0; i < n; i++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			die("socket");
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
		a = accept(ls, NULL, NULL);
		if (a < 0)
			die("accept");
		close(a);
		close(s);
	}
	close(ls);
}

struct bench {
	const char *name;
	unsigned long iters;
	void (*run)(unsigned long n);
};

static const struct bench benches[] = {
	{ "open", 20000, bench_open },
	{ "open-abs", 20000, bench_open_abs },
	{ "fifo", 10000, bench_fifo },
	{ "exec", 200, bench_exec },
	{ "connect", 2000, bench_connect },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void run_one(const struct bench *b, unsigned long scale)
{
	unsigned long n = b->iters * scale;
	unsigned long long t0, t1;

	b->run(n / 10 + 1);		/* warm caches and dentries */
	t0 = now_ns();
	b->run(n);
	t1 = now_ns();
	printf("%s %lu %.1f\n", b->name, n, (double)(t1 - t0) / n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long scale = 1;
	ssize_t len;
	size_t i;
	int fd, a, found;

	if (argc == 2 && !strcmp(argv[1], "noop"))
		return 0;
	a = 1;
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		scale = strtoul(argv[2], NULL, 10);
		if (!scale)
			scale = 1;
		a = 3;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		die("readlink /proc/self/exe");
	self[len] = '\0';
	if (!getcwd(abs_file, sizeof(abs_file) - sizeof("/bench-file")))
		die("getcwd");
	strcat(abs_file, "/bench-file");
	fd = open("bench-file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("create bench-file");
	close(fd);
	unlink("bench-fifo");

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		if (a < argc) {
			int j;

			found = 0;
			for (j = a; j < argc; j++)
				if (!strcmp(argv[j], benches[i].name))
					found = 1;
			if (!found)
				continue;
		}
		run_one(&benches[i], scale);
	}
	unlink("bench-file");
	return 0;
}
