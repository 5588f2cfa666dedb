// SPDX-License-Identifier: GPL-2.0
/*
 * evade: the routes an intruder takes past a sensor that reads system
 * call arguments, one command each, for the evasion suite
 * (selftests/evasion/guest-tests).  Static, so it needs nothing from the
 * guest.  Each command prints one line saying what it did.
 *
 *	evade open PATH			open(2)
 *	evade openat DIR NAME		openat(2) on a folder's descriptor
 *	evade unfaulted PATH		open(2) of a path on a mapped page
 *					not faulted in yet
 *	evade open32 PATH		open through int 0x80 (32-bit call)
 *	evade uring-open PATH		io_uring IORING_OP_OPENAT
 *	evade handle PATH		open_by_handle_at(2)
 *	evade creat PATH		creat(2)
 *	evade tmpfile-link DIR NAME	O_TMPFILE in DIR, then linkat(2) to NAME
 *	evade race PATH DECOY N		one thread flips a path buffer between
 *					DECOY and PATH, another opens it
 *					until N opens reached PATH's file (at
 *					most 200 N opens); prints how many did
 *	evade sendto ADDR PORT		a UDP datagram to ADDR:PORT
 *	evade uring-connect ADDR PORT	io_uring IORING_OP_CONNECT (TCP)
 *	evade vmread COMM		a child named COMM, read with
 *					process_vm_readv(2), then through
 *					/proc/PID/mem
 *	evade as UID CMD...		CMD with uid and gid UID
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: evade COMMAND ARGS (see evade.c)\n");
	return 2;
}

/* Print what a call gave: "NAME ok" or "NAME: error". */
static int said(const char *name, long ret)
{
	if (ret < 0) {
		printf("%s: %s\n", name, strerror(errno));
		return 1;
	}
	printf("%s ok\n", name);
	return 0;
}

static int opened(const char *name, int fd)
{
	int st = said(name, fd);

	if (fd >= 0)
		close(fd);
	return st;
}

/* A path on a page of a file mapping that this process never touched. */
static int open_unfaulted(const char *path)
{
	char tmp[] = "/tmp/evade-path.XXXXXX";
	size_t len = strlen(path) + 1;
	int fd = mkstemp(tmp);
	char *p;

	if (fd < 0 || write(fd, path, len) != (ssize_t)len)
		return said("mkstemp", -1);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	unlink(tmp);
	if (p == MAP_FAILED)
		return said("mmap", -1);
	/* the kernel faults the page in to read the path; nobody else did */
	return opened("open (unfaulted path)", open(p, O_RDONLY));
}

/* open(2) of the i386 table (5), through int 0x80, with 32-bit pointers */
static int open32(const char *path)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret;

	if (p == MAP_FAILED)
		return said("mmap", -1);
	strncpy(p, path, 4095);
	asm volatile ("int $0x80"
		      : "=a"(ret)
		      : "a"(5L), "b"((long)(uintptr_t)p), "c"((long)O_RDONLY),
			"d"(0L)
		      : "memory", "r8", "r9", "r10", "r11");
	if (ret < 0) {
		errno = -ret;
		ret = -1;
	}
	return opened("open (int 0x80)", ret);
}

/* One io_uring request, the rings mapped by hand; returns its result. */
static int uring_one(const struct io_uring_sqe *req)
{
	struct io_uring_params pr = {};
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail, mask;
	size_t sq_len, cq_len;
	char *sq, *cq;
	int fd, res;

	fd = syscall(__NR_io_uring_setup, 4, &pr);
	if (fd < 0)
		return -errno;
	sq_len = pr.sq_off.array + pr.sq_entries * sizeof(unsigned int);
	cq_len = pr.cq_off.cqes + pr.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, pr.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return -ENOMEM;
	sq_tail = (unsigned int *)(sq + pr.sq_off.tail);
	sq_array = (unsigned int *)(sq + pr.sq_off.array);
	mask = *(unsigned int *)(sq + pr.sq_off.ring_mask);
	cq_head = (unsigned int *)(cq + pr.cq_off.head);
	cq_tail = (unsigned int *)(cq + pr.cq_off.tail);
	cqes = (struct io_uring_cqe *)(cq + pr.cq_off.cqes);

	sqes[0] = *req;
	sq_array[*sq_tail & mask] = 0;
	atomic_store_explicit((_Atomic unsigned int *)sq_tail, *sq_tail + 1,
			      memory_order_release);
	if (syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -errno;
	if (atomic_load_explicit((_Atomic unsigned int *)cq_tail,
				 memory_order_acquire) == *cq_head)
		return -EAGAIN;
	res = cqes[*cq_head & *(unsigned int *)(cq + pr.cq_off.ring_mask)].res;
	close(fd);
	return res;
}

static int uring_open(const char *path)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_OPENAT,
		.fd = AT_FDCWD,
		.addr = (uintptr_t)path,
		.open_flags = O_RDONLY,
	};
	int res = uring_one(&sqe);

	if (res < 0)
		errno = -res;
	return opened("io_uring openat", res < 0 ? -1 : res);
}

static int inet_addr_of(const char *addr, const char *port,
			struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

static int uring_connect(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	struct io_uring_sqe sqe = { .opcode = IORING_OP_CONNECT };
	int s = socket(AF_INET, SOCK_STREAM, 0), res;

	if (s < 0 || inet_addr_of(addr, port, &sin))
		return usage();
	sqe.fd = s;
	sqe.addr = (uintptr_t)&sin;
	sqe.off = sizeof(sin);
	res = uring_one(&sqe);
	/* no one listens there: what counts is that the kernel tried */
	printf("io_uring connect: %s\n", res < 0 ? strerror(-res) : "ok");
	close(s);
	return 0;
}

static int handle_open(const char *path)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id, mfd, fd;

	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0))
		return said("name_to_handle_at", -1);
	mfd = open("/", O_RDONLY | O_DIRECTORY);
	fd = open_by_handle_at(mfd, h, O_RDONLY);
	close(mfd);
	free(h);
	return opened("open_by_handle_at", fd);
}

static int tmpfile_link(const char *dir, const char *name)
{
	char proc[64], to[4096];
	int fd = open(dir, O_TMPFILE | O_WRONLY, 0600);

	if (fd < 0)
		return said("open O_TMPFILE", -1);
	if (write(fd, "* * * * * root true\n", 20) != 20)
		return said("write", -1);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	said("linkat", linkat(AT_FDCWD, proc, AT_FDCWD, to, AT_SYMLINK_FOLLOW));
	close(fd);
	return 0;
}

/* --- a path buffer flipped under the opener ----------------------------- */

static char race_buf[4096];
static const char *race_names[2];
static atomic_int race_stop, race_started;

static void *race_flipper(void *arg)
{
	unsigned int i = 0;

	while (!atomic_load(&race_stop)) {
		/* both names fit; the NUL is written last, so a reader sees
		 * one of them or a mix that names no file */
		strcpy(race_buf, race_names[i++ & 1]);
		if (i == 2)
			atomic_store(&race_started, 1);
	}
	return arg;
}

/*
 * Opens until @n of them reached @path's file, so that a run proves
 * something however the two threads are scheduled (the opener alone on
 * its CPU for a while, the flipper not started yet), and no more, so
 * that the records fit in the sensor's rings.
 */
static int race(const char *path, const char *decoy, int n)
{
	struct stat target, st;
	pthread_t t;
	int i, fd, hits = 0;

	if (stat(path, &target))
		return said("stat", -1);
	race_names[0] = decoy;
	race_names[1] = path;
	strcpy(race_buf, decoy);
	errno = pthread_create(&t, NULL, race_flipper, NULL);
	if (errno)
		return said("pthread_create", -1);
	while (!atomic_load(&race_started))
		sched_yield();
	for (i = 0; i < 200 * n && hits < n; i++) {
		fd = open(race_buf, O_RDONLY);
		if (fd < 0)
			continue;
		if (!fstat(fd, &st) && st.st_ino == target.st_ino &&
		    st.st_dev == target.st_dev)
			hits++;
		close(fd);
	}
	atomic_store(&race_stop, 1);
	pthread_join(t, NULL);
	printf("race: %d of %d opens reached %s\n", hits, i, path);
	return 0;
}

static int udp_sendto(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || inet_addr_of(addr, port, &sin))
		return usage();
	said("sendto", sendto(s, "x", 1, 0, (struct sockaddr *)&sin,
			      sizeof(sin)));
	close(s);
	return 0;
}

static int vmread(const char *comm)
{
	static volatile char secret[64] = "secret";
	char buf[64], path[64];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)secret, sizeof(secret) };
	int p[2], fd;
	pid_t child;

	if (pipe(p))
		return said("pipe", -1);
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, comm);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], buf, 1) != 1)
		return said("read", -1);
	said("process_vm_readv", process_vm_readv(child, &local, 1, &remote,
						  1, 0));
	snprintf(path, sizeof(path), "/proc/%d/mem", child);
	fd = open(path, O_RDONLY);
	if (fd >= 0)
		said("pread /proc/PID/mem", pread(fd, buf, sizeof(buf),
						 (off_t)(uintptr_t)secret));
	else
		said("open /proc/PID/mem", -1);
	if (fd >= 0)
		close(fd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "open") && argc == 3)
		return opened("open", open(argv[2], O_RDONLY));
	if (!strcmp(cmd, "openat") && argc == 4) {
		int dfd = open(argv[2], O_RDONLY | O_DIRECTORY);

		if (dfd < 0)
			return said("open folder", -1);
		return opened("openat", openat(dfd, argv[3], O_RDONLY));
	}
	if (!strcmp(cmd, "unfaulted") && argc == 3)
		return open_unfaulted(argv[2]);
	if (!strcmp(cmd, "open32") && argc == 3)
		return open32(argv[2]);
	if (!strcmp(cmd, "uring-open") && argc == 3)
		return uring_open(argv[2]);
	if (!strcmp(cmd, "handle") && argc == 3)
		return handle_open(argv[2]);
	if (!strcmp(cmd, "creat") && argc == 3)
		return opened("creat", creat(argv[2], 0644));
	if (!strcmp(cmd, "tmpfile-link") && argc == 4)
		return tmpfile_link(argv[2], argv[3]);
	if (!strcmp(cmd, "race") && argc == 5)
		return race(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(cmd, "sendto") && argc == 4)
		return udp_sendto(argv[2], argv[3]);
	if (!strcmp(cmd, "uring-connect") && argc == 4)
		return uring_connect(argv[2], argv[3]);
	if (!strcmp(cmd, "vmread") && argc == 3)
		return vmread(argv[2]);
	if (!strcmp(cmd, "as") && argc >= 4) {
		gid_t id = atoi(argv[2]);

		if (setgroups(0, NULL) || setgid(id) || setuid(id))
			return said("setuid", -1);
		execv(argv[3], argv + 3);
		return said("execv", -1);
	}
	return usage();
}
