/*
 * fuzz_helper_proto.c - arbitrary bytes as a request to the helper and as
 * its answer (helper_proto.h).  Whatever decodes must mean something: it
 * encodes back to exactly the same bytes, an OPEN names a valid user, an
 * UP's MTU clamps into the helper's bounds, an IPV6_UP's interface
 * identifier is neither zero nor all ones, a grant's routes are IPv4 or
 * IPv6 prefixes of a valid length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void request(const uint8_t *data, size_t size)
{
    struct helper_request r;
    uint8_t again[HELPER_REQUEST_LEN];
    if (helper_request_decode(data, size, &r) < 0)
        return;
    if (helper_request_encode(&r, again) != HELPER_REQUEST_LEN || size != HELPER_REQUEST_LEN ||
        memcmp(again, data, size) != 0)
        abort();
    if (r.type == HELPER_OPEN && !helper_user_valid(r.user))
        abort();
    if (r.type == HELPER_IPV4_UP || r.type == HELPER_IPV6_UP || r.type == HELPER_GSO_MAX) {
        uint32_t mtu = helper_clamp_mtu(r.mtu);
        if (mtu < HELPER_MTU_MIN || mtu > HELPER_MTU_MAX)
            abort();
    }
    if (r.type == HELPER_IPV6_UP && !helper_ifid_valid(r.ifid))
        abort();
}

static void answer(const uint8_t *data, size_t size)
{
    struct helper_answer a;
    static uint8_t again[HELPER_ANSWER_LEN];
    if (helper_answer_decode(data, size, &a) < 0)
        return;
    if (helper_answer_encode(&a, again) != HELPER_ANSWER_LEN || size != HELPER_ANSWER_LEN ||
        memcmp(again, data, size) != 0)
        abort();
    for (size_t i = 0; a.type == HELPER_GRANTED && i < a.grant.n_routes; i++) {
        const struct os_prefix *p = &a.grant.routes[i];
        if (!(p->ip.family == AF_INET && p->len <= 32) &&
            !(p->ip.family == AF_INET6 && p->len <= 128))
            abort();
    }
}

/* Both parsers see every input; an answer-sized input is padded so that
 * the fuzzer reaches the grant's fields from short inputs too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t padded[HELPER_ANSWER_LEN];
    request(data, size);
    answer(data, size);
    if (size >= 2 && size < HELPER_ANSWER_LEN) {
        memset(padded, 0, sizeof(padded));
        memcpy(padded, data, size);
        answer(padded, sizeof(padded));
    }
    return 0;
}
