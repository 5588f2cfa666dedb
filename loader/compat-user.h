/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace side of loader/compat.h: the few kernel names the loader uses,
 * backed by libc, libzstd and libcrypto.
 */
#ifndef VIGIL_COMPAT_USER_H
#define VIGIL_COMPAT_USER_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>	/* __le16, __le32, __le64 */

#include <openssl/evp.h>
#include <openssl/sha.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)
#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define U32_MAX			UINT32_MAX
#define U64_MAX			UINT64_MAX
#define hweight32(x)		((unsigned int)__builtin_popcount(x))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)		static_assert(!(c), #c)
#ifndef min
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#endif
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __maybe_unused		__attribute__((unused))
#ifndef __always_inline		/* glibc's sys/cdefs.h has it */
#define __always_inline		inline __attribute__((always_inline))
#endif
#define fallthrough		__attribute__((fallthrough))

static inline void *vigil_alloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

/* For buffers the caller fills completely before reading them. */
static inline void *vigil_alloc_uninit(size_t size)
{
	return malloc(size ? size : 1);
}

/* A larger copy of @p (the new bytes not zeroed); NULL leaves @p alone. */
static inline void *vigil_realloc(void *p, size_t old, size_t size)
{
	(void)old;
	return realloc(p, size ? size : 1);
}

/* Userspace has a scheduler of its own and no fatal signals to check. */
static inline bool vigil_yield(void)
{
	return false;
}

static inline void vigil_free(const void *p)
{
	free((void *)p);
}

static inline void vigil_sort(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	qsort(base, n, size, cmp);
}

/*
 * One "CPU": in userspace a rule set is matched by one thread at a time
 * (its scratch, ruleset.h, is shared).
 */
static inline unsigned int vigil_ncpus(void)
{
	return 1;
}

static inline unsigned int vigil_cpu_get(void)
{
	return 0;
}

static inline void vigil_cpu_put(void)
{
}

static inline void vigil_sha256(const void *data, size_t len, u8 out[32])
{
	SHA256(data, len, out);
}

/*
 * SHA-256 of two pieces as if they were one: the channel digest covers the
 * header up to its digest field, then the frame.  Return: 0 or -ENOMEM.
 */
static inline int vigil_sha256_2(const void *a, size_t alen, const void *b,
				 size_t blen, u8 out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (!c)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(c, a, alen) && EVP_DigestUpdate(c, b, blen) &&
	     EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -ENOMEM;
}

/*
 * The kernel's zstd API (include/linux/zstd.h) on top of libzstd, so
 * loader code calls one set of names.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

typedef ZSTD_DCtx zstd_dctx;
typedef ZSTD_frameHeader zstd_frame_header;

static inline unsigned int zstd_is_error(size_t code)
{
	return ZSTD_isError(code);
}

static inline const char *zstd_get_error_name(size_t code)
{
	return ZSTD_getErrorName(code);
}

static inline size_t zstd_get_frame_header(zstd_frame_header *h,
					   const void *src, size_t len)
{
	return ZSTD_getFrameHeader(h, src, len);
}

static inline size_t zstd_find_frame_compressed_size(const void *src,
						     size_t len)
{
	return ZSTD_findFrameCompressedSize(src, len);
}

/*
 * The kernel decompresses with a caller-provided workspace; userspace lets
 * libzstd allocate.  vigil_zstd_decompress() hides the difference.
 */
static inline size_t vigil_zstd_decompress(void *dst, size_t dst_len,
					   const void *src, size_t src_len)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	size_t ret;

	if (!dctx)
		return (size_t)-ZSTD_error_memory_allocation;
	ret = ZSTD_decompressDCtx(dctx, dst, dst_len, src, src_len);
	ZSTD_freeDCtx(dctx);
	return ret;
}

#endif /* VIGIL_COMPAT_USER_H */
