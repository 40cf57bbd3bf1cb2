/* fuzz_vsnp.c - pppssh's offloaded IP frames (VSNP, offload.h) from a
 * hostile peer into a whole engine in a state the first byte picks (see
 * fuzz_engine.h; a variant with bit 4 set has agreed on the option).
 * Whatever reaches the TUN callback must be of the version its NCP runs
 * and carry metadata that fits it and names, if anything, only its own
 * TCP or UDP checksum field (fuzz_ipcheck.h). */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_protocol(data, size, PPP_PROTO_VSNP);
}
