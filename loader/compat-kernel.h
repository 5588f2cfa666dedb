/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel side of loader/compat.h: the kernel's own facilities. */
#ifndef VIGIL_COMPAT_KERNEL_H
#define VIGIL_COMPAT_KERNEL_H

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/zstd.h>
#include <asm/byteorder.h>
#include <asm/unaligned.h>
#include <crypto/sha2.h>

/*
 * Large buffers (payloads, tables) may come from vmalloc.  Everything a
 * channel makes the kernel allocate is charged to the memory cgroup of
 * the process that loads it, and fails rather than wake the OOM killer:
 * content never takes memory from the rest of the host by force.
 */
#define VIGIL_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static inline void *vigil_alloc(size_t size)
{
	return kvzalloc(size, VIGIL_GFP);
}

/* For buffers the caller fills completely before reading them. */
static inline void *vigil_alloc_uninit(size_t size)
{
	return kvmalloc(size, VIGIL_GFP);
}

/*
 * Long loops of the loader (validating, compiling) call this now and
 * then: it yields the CPU, and true means the loading task has been sent
 * a fatal signal, so the load should stop.
 */
static inline bool vigil_yield(void)
{
	cond_resched();
	return fatal_signal_pending(current);
}

/* A larger copy of @p (the new bytes not zeroed); NULL leaves @p alone. */
static inline void *vigil_realloc(void *p, size_t old, size_t size)
{
	return kvrealloc(p, old, size, VIGIL_GFP);
}

static inline void vigil_free(const void *p)
{
	kvfree(p);
}

static inline void vigil_sort(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	sort(base, n, size, cmp, NULL);
}

/*
 * The matcher's scratch is per CPU: vigil_cpu_get() pins the caller to
 * its CPU (preemption off) until vigil_cpu_put().  The sensor matches in
 * probes, one at a time per CPU and never from interrupts, so the scratch
 * of a CPU has one user at a time.
 */
static inline unsigned int vigil_ncpus(void)
{
	return nr_cpu_ids;
}

static inline unsigned int vigil_cpu_get(void)
{
	return get_cpu();
}

static inline void vigil_cpu_put(void)
{
	put_cpu();
}

static inline void vigil_sha256(const void *data, size_t len, u8 out[32])
{
	sha256(data, len, out);
}

/* SHA-256 of two pieces as if they were one; cannot fail here. */
static inline int vigil_sha256_2(const void *a, size_t alen, const void *b,
				 size_t blen, u8 out[32])
{
	struct sha256_state st;

	sha256_init(&st);
	sha256_update(&st, a, alen);
	sha256_update(&st, b, blen);
	sha256_final(&st, out);
	return 0;
}

/*
 * One-shot decompression into an exactly sized buffer.  The workspace is
 * allocated per call: channels load rarely, and nothing is kept.
 */
static inline size_t vigil_zstd_decompress(void *dst, size_t dst_len,
					   const void *src, size_t src_len)
{
	size_t wksp_len = zstd_dctx_workspace_bound();
	void *wksp = kvmalloc(wksp_len, GFP_KERNEL);
	zstd_dctx *dctx;
	size_t ret;

	if (!wksp)
		return (size_t)-ZSTD_error_memory_allocation;
	dctx = zstd_init_dctx(wksp, wksp_len);
	ret = dctx ? zstd_decompress_dctx(dctx, dst, dst_len, src, src_len)
		   : (size_t)-ZSTD_error_memory_allocation;
	kvfree(wksp);
	return ret;
}

#endif /* VIGIL_COMPAT_KERNEL_H */
