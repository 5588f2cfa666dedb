// SPDX-License-Identifier: GPL-2.0
/*
 * vth: the vigil selftests' helper, built static into the guest.  Each
 * subcommand makes exactly the system call a test wants to see, the way
 * busybox may not (or not by the same syscall):
 *
 *	vth noop [ARG...]			exit 0 (exec target)
 *	vth name COMM CMD...			set comm, then run the next
 *						subcommand
 *	vth repeat N CMD...			run the next subcommand N
 *						times, quietly
 *	vth fork				fork; the child exits 0
 *	vth exit CODE				exit(CODE)
 *	vth open PATH FLAGS			open(2)
 *	vth openlong LEN COUNT [PREFIX]		COUNT open(2)s of a LEN-byte path
 *	vth openat PATH FLAGS			openat(2), relative to cwd
 *	vth openat2 PATH FLAGS			openat2(2)
 *	vth mknod PATH				mknod(2) with S_IFIFO
 *	vth mknodat PATH			mknodat(2) with S_IFIFO
 *	vth connect4 ADDR PORT			connect(2), AF_INET
 *	vth connect6 ADDR PORT			connect(2), AF_INET6
 *	vth connectu PATH			connect(2), AF_UNIX ('@' abstract)
 *	vth finit PATH ARGS [FLAGS]		finit_module(2)
 *	vth init ARGS				init_module(2) of a bogus image
 *	vth ptrace attach|seize TARGETCOMM	fork a child named TARGETCOMM,
 *						attach to it, detach, reap
 *	vth setuid UID | setgid GID | setresuid R E S
 *						the call, from whoever runs it
 *	vth as UID GID CMD...			drop to UID/GID, exec CMD
 *	vth sleep SECONDS
 *
 * A failing syscall is not an error here (the sensor sees the attempt);
 * vth prints what the call returned and exits 0, except for usage errors
 * (2) and failures of the scaffolding around the call (1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: vth SUBCOMMAND ARGS... (see vth.c)\n");
	return 2;
}

static int quiet;

static int said(const char *what, long ret)
{
	if (quiet)
		return 0;
	if (ret < 0)
		printf("vth: %s: %s\n", what, strerror(errno));
	else
		printf("vth: %s: %ld\n", what, ret);
	return 0;
}

static int run(int argc, char **argv);

static int do_connect(int family, const void *sa, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		perror("vth: socket");
		return 1;
	}
	said("connect", connect(fd, sa, len));
	close(fd);
	return 0;
}

static int do_ptrace(const char *how, const char *comm)
{
	long req = strcmp(how, "seize") ? PTRACE_ATTACH : PTRACE_SEIZE;
	int pfd[2];
	pid_t child;
	char c;

	if (pipe(pfd))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (!child) {
		prctl(PR_SET_NAME, comm, 0, 0, 0);
		close(pfd[0]);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		return 1;
	said(req == PTRACE_SEIZE ? "ptrace seize" : "ptrace attach",
	     ptrace(req, child, 0, 0));
	if (req == PTRACE_ATTACH)
		waitpid(child, NULL, __WALL);
	ptrace(PTRACE_DETACH, child, 0, 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, __WALL);
	return 0;
}

/*
 * @count opens of a file whose path is @len bytes (at most 4095): @prefix
 * (a folder, made if missing), then folders of 200 0x7f bytes and a file,
 * made first.  Prints the mean time of one open in microseconds.
 */
static int open_long(int len, int count, const char *prefix)
{
	static char path[4096];
	struct timespec t0, t1;
	int i, fd, p = strlen(prefix);

	if (len < 2 || len > 4095 || count < 1 || p >= len)
		return usage();
	memcpy(path, prefix, p);
	for (i = p; i < len; i++)
		path[i] = (i - p) % 201 == 200 ? '/' : 0x7f;
	if (path[len - 1] == '/')
		path[len - 1] = 0x7f;
	for (i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			perror("vth: mkdir");
			return 1;
		}
		path[i] = '/';
	}
	path[len] = '\0';
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0) {
		perror("vth: open");
		return 1;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		fd = syscall(SYS_open, path, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("openlong %d x %d: %.0f us each\n", len, count,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
	       count / 1e3);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "noop"))
		return 0;
	if (!strcmp(cmd, "openlong") && (argc == 4 || argc == 5))
		return open_long(atoi(argv[2]), atoi(argv[3]),
				 argc == 5 ? argv[4] : "");
	if (!strcmp(cmd, "name") && argc > 3) {
		prctl(PR_SET_NAME, argv[2], 0, 0, 0);
		return run(argc - 2, argv + 2);
	}
	if (!strcmp(cmd, "repeat") && argc > 3) {
		int i, n = atoi(argv[2]), ret = 0;

		quiet = 1;
		for (i = 0; i < n && !ret; i++)
			ret = run(argc - 2, argv + 2);
		return ret;
	}
	if (!strcmp(cmd, "fork")) {
		pid_t p = fork();

		if (p < 0)
			return 1;
		if (!p)
			_exit(0);
		waitpid(p, NULL, 0);
		printf("vth: fork: %d\n", p);
		return 0;
	}
	if (!strcmp(cmd, "exit") && argc == 3)
		exit(atoi(argv[2]));
	if (!strcmp(cmd, "open") && argc == 4)
		return said("open", syscall(SYS_open, argv[2],
					    strtol(argv[3], NULL, 0), 0600));
	if (!strcmp(cmd, "openat") && argc == 4)
		return said("openat", syscall(SYS_openat, AT_FDCWD, argv[2],
					      strtol(argv[3], NULL, 0), 0600));
	if (!strcmp(cmd, "openat2") && argc == 4) {
		struct open_how how = {
			.flags = strtoull(argv[3], NULL, 0),
			.mode = (strtoull(argv[3], NULL, 0) & O_CREAT) ? 0640 : 0,
		};

		return said("openat2", syscall(SYS_openat2, AT_FDCWD, argv[2],
					       &how, sizeof(how)));
	}
	if (!strcmp(cmd, "mknod") && argc == 3)
		return said("mknod", syscall(SYS_mknod, argv[2],
					     S_IFIFO | 0600, 0));
	if (!strcmp(cmd, "mknodat") && argc == 3)
		return said("mknodat", syscall(SYS_mknodat, AT_FDCWD, argv[2],
					       S_IFIFO | 0600, 0));
	if (!strcmp(cmd, "connect4") && argc == 4) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(atoi(argv[3])),
		};

		if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
			return usage();
		return do_connect(AF_INET, &sin, sizeof(sin));
	}
	if (!strcmp(cmd, "connect6") && argc == 4) {
		struct sockaddr_in6 sin6 = {
			.sin6_family = AF_INET6,
			.sin6_port = htons(atoi(argv[3])),
		};

		if (inet_pton(AF_INET6, argv[2], &sin6.sin6_addr) != 1)
			return usage();
		return do_connect(AF_INET6, &sin6, sizeof(sin6));
	}
	if (!strcmp(cmd, "connectu") && argc == 3) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		size_t n = strlen(argv[2]);

		if (n >= sizeof(sun.sun_path))
			return usage();
		memcpy(sun.sun_path, argv[2], n);
		if (argv[2][0] == '@') {
			sun.sun_path[0] = '\0';	/* abstract: exact length */
			return do_connect(AF_UNIX, &sun,
					  offsetof(struct sockaddr_un, sun_path) + n);
		}
		return do_connect(AF_UNIX, &sun, sizeof(sun));
	}
	if (!strcmp(cmd, "finit") && (argc == 4 || argc == 5)) {
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0) {
			perror("vth: open");
			return 1;
		}
		said("finit_module", syscall(SYS_finit_module, fd, argv[3],
					     argc == 5 ? atoi(argv[4]) : 0));
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "init") && argc == 3) {
		static const char image[64] = "not an ELF image";

		return said("init_module", syscall(SYS_init_module, image,
						   sizeof(image), argv[2]));
	}
	if (!strcmp(cmd, "ptrace") && argc == 4)
		return do_ptrace(argv[2], argv[3]);
	if (!strcmp(cmd, "setuid") && argc == 3)
		return said("setuid", syscall(SYS_setuid, atoi(argv[2])));
	if (!strcmp(cmd, "setgid") && argc == 3)
		return said("setgid", syscall(SYS_setgid, atoi(argv[2])));
	if (!strcmp(cmd, "setresuid") && argc == 5)
		return said("setresuid", syscall(SYS_setresuid, atoi(argv[2]),
						 atoi(argv[3]), atoi(argv[4])));
	if (!strcmp(cmd, "as") && argc > 4) {
		if (setgroups(0, NULL) || setgid(atoi(argv[3])) ||
		    setuid(atoi(argv[2]))) {
			perror("vth: as");
			return 1;
		}
		execvp(argv[4], argv + 4);
		perror("vth: exec");
		return 127;
	}
	if (!strcmp(cmd, "sleep") && argc == 3) {
		sleep(atoi(argv[2]));
		return 0;
	}
	return usage();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	return run(argc, argv);
}
