/* fuzz_link.c - the raw byte stream into a whole engine: framing,
 * escaping, FCS, demultiplexing and every protocol behind them.  The first
 * byte picks the state; then [len8][bytes] chunks, the clock moving. */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script *sc = &fuzz_sc;

    if (size < 1)
        return 0;
    fuzz_begin(sc, data[0]);
    data++, size--;
    while (size >= 1) {
        size_t len = data[0] & 0x3f ? (size_t)(data[0] & 0x3f) * 16 : 1;
        uint8_t tick = data[0] >> 6;

        data++, size--;
        if (len > size)
            len = size;
        ppp_link_input(sc->us.link, data, len, sc->now);
        data += len, size -= len;
        fuzz_tick(sc, tick);
        fuzz_invariants(sc);
        sc_read(sc);
    }
    sc_free(sc);
    return 0;
}
