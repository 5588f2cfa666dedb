/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader is one code base built twice: into the kernel (lib/zstd,
 * lib/crypto) and into userspace (libzstd, libcrypto).  This header is the
 * only place that knows which; the rest of loader/ includes it and uses the
 * kernel's names for types, byte order, allocation and checked arithmetic.
 */
#ifndef VIGIL_COMPAT_H
#define VIGIL_COMPAT_H

#ifdef __KERNEL__
#include "compat-kernel.h"
#else
#include "compat-user.h"
#endif

#endif /* VIGIL_COMPAT_H */
