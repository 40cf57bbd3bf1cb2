/* prng.c - splitmix64: every seed, zero included, gives a full-period stream */
#include "prng.h"

void prng_seed(struct prng *prng, uint64_t seed)
{
    prng->state = seed;
}

uint64_t prng_next(struct prng *prng)
{
    uint64_t z = (prng->state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
