/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigil-chan subcommands.  Each takes the arguments after "vigil-chan"
 * (argv[0] is the subcommand's name) and returns the exit code:
 * VC_EXIT_OK, VC_EXIT_FAIL or VC_EXIT_USAGE.
 */
#ifndef VCHAN_CMDS_H
#define VCHAN_CMDS_H

#include <stdio.h>

int cmd_build(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_fields(int argc, char **argv);

/**
 * usage() - print the manual, or one subcommand's part of it
 * @f: stdout for --help, stderr after a usage error
 * @cmd: subcommand name, or NULL for the whole page
 */
void usage(FILE *f, const char *cmd);

/* Print "try --help" for @cmd to stderr and return VC_EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VCHAN_CMDS_H */
