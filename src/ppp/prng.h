/*
 * prng.h - a small deterministic pseudo-random generator (splitmix64).
 *
 * The engine must be reproducible from its seed (tests replay whole
 * sessions), so Magic-Numbers and identifiers come from here, never from
 * the OS.  Not for cryptography: PPP needs none.
 */
#ifndef PPPSSH_PRNG_H
#define PPPSSH_PRNG_H

#include <stdint.h>

struct prng {
    uint64_t state;
};

void prng_seed(struct prng *prng, uint64_t seed);
uint64_t prng_next(struct prng *prng);

#endif
