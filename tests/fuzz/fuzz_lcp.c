/* fuzz_lcp.c - LCP packets from a hostile peer into a whole engine in a
 * state the first byte picks (see fuzz_engine.h) */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_protocol(data, size, PPP_PROTO_LCP);
}
