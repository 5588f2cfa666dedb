/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' pseudo-random numbers: xorshift32, from a seed each test
 * file picks (RND_SEED, defined before this header), so that every run
 * draws the same cases and a failure repeats.
 */
#ifndef VIGIL_TEST_RND_H
#define VIGIL_TEST_RND_H

#include <stdint.h>

#ifndef RND_SEED
#define RND_SEED	4242U
#endif

static uint32_t rnd_state = RND_SEED;

static inline uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

#endif /* VIGIL_TEST_RND_H */
