/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filling struct vigil_error: private to loader/.
 *
 * vigil_errf(err, code, offset, in_payload, fmt, ...) sets every member of
 * *err (which must not be NULL), formats the one-line reason with
 * snprintf() (truncating it if need be) and evaluates to code, so a check
 * reads "return vigil_errf(...);".  Pass u64 values with %llu and a cast
 * to unsigned long long: u64 is not the same C type in both builds.
 */
#ifndef VIGIL_ERRMSG_H
#define VIGIL_ERRMSG_H

#include "loader.h"

#define vigil_errf(err, c, off, inp, fmt, ...)				\
	({								\
		struct vigil_error *__ve = (err);			\
									\
		snprintf(__ve->msg, sizeof(__ve->msg), fmt, ##__VA_ARGS__); \
		__ve->code = (c);					\
		__ve->offset = (off);					\
		__ve->in_payload = (inp);				\
		__ve->code;						\
	})

#endif /* VIGIL_ERRMSG_H */
