/* fuzz_peerfilter.c - the last check on a hostile peer's packet before the
 * TUN (src/session/peerfilter.c, what tun_ip_packet asks).  The first byte
 * picks the frame's family, which NCPs are open, the end (the server
 * checks sources) and whether offload metadata (the next 10 bytes) comes
 * with the packet (the rest).
 *
 * A packet that passes has the frame's version, an open NCP, a source the
 * client owns (server), no router message in it, and metadata naming only
 * its own TCP or UDP checksum field; a refusal names a reason that holds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ipcheck.h"
#include "offload.h"
#include "peerfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

/* The client's addresses, as serve would set them up: 198.18.255.2 and
 * 198.19.1.0/24; fd00:5353::2 and fd00:5353:1::/64; any fe80::/10. */
static struct spoof_filter client(struct os_prefix routes[2])
{
    struct spoof_filter f = {.routes = routes, .n_routes = 2, .has_peer6 = true};
    if (os_ip_parse("198.18.255.2", &f.peer4) || os_prefix_parse("fd00:5353::2/64", &f.peer6) ||
        os_prefix_parse("198.19.1.0/24", &routes[0]) ||
        os_prefix_parse("fd00:5353:1::/64", &routes[1]))
        abort();
    return f;
}

static bool client_source(const uint8_t *p, size_t len)
{
    static const uint8_t own6[16] = {0xfd, 0, 0x53, 0x53, [15] = 2};
    static const uint8_t net6[8] = {0xfd, 0, 0x53, 0x53, 0, 1};
    if (p[0] >> 4 == 4)
        return len >= 20 && ((p[12] == 198 && p[13] == 18 && p[14] == 255 && p[15] == 2) ||
                             (p[12] == 198 && p[13] == 19 && p[14] == 1));
    return len >= 40 && ((p[8] == 0xfe && (p[9] & 0xc0) == 0x80) || !memcmp(p + 8, own6, 16) ||
                         !memcmp(p + 8, net6, 8));
}

static void check_pass(const struct peer_filter *f, int family, const struct ppp_offload *off,
                       const uint8_t *p, size_t len)
{
    struct oracle_l4 o;
    check(len > 0 && p[0] >> 4 == family);
    check(family == 4 ? f->ipv4_open : f->ipv6_open);
    check(oracle_l4(p, len, &o));
    check(!oracle_router_message(p, len, &o));
    check(!f->spoof || client_source(p, len));
    if (off) {
        check(oracle_offload_placed(off, p, len));
        check(oracle_checksum_writes_only_its_field(off, p, len));
    }
}

static void check_refusal(enum peer_verdict v, const struct peer_filter *f, int family,
                          const struct ppp_offload *off, const uint8_t *p, size_t len)
{
    struct oracle_l4 o;
    switch (v) {
    case PEER_WRONG_VERSION:
        check(len == 0 || p[0] >> 4 != family);
        break;
    case PEER_NCP_CLOSED:
        check(!(family == 4 ? f->ipv4_open : f->ipv6_open));
        break;
    case PEER_UNREADABLE:
        check(!oracle_l4(p, len, &o) || (!o.later && o.proto == (family == 4 ? 1 : 58)));
        break;
    case PEER_SPOOFED:
        check(f->spoof && !client_source(p, len));
        break;
    case PEER_ROUTER:
        check(oracle_l4(p, len, &o) && oracle_router_message(p, len, &o));
        break;
    case PEER_BAD_OFFLOAD:
        check(off != NULL);
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct os_prefix routes[2];
    static struct spoof_filter spoof;
    static bool ready;
    struct ppp_offload meta, *off = NULL;

    if (!ready)
        spoof = client(routes), ready = true;
    if (size < 1)
        return 0;
    uint8_t how = data[0];
    data++, size--;
    const struct peer_filter f = {
        .ipv4_open = how & 2, .ipv6_open = how & 4, .spoof = how & 8 ? &spoof : NULL};
    int family = how & 1 ? 6 : 4;
    if (how & 16) {
        if (size < PPP_OFFLOAD_HEADER_LEN)
            return 0;
        offload_get(data, &meta);
        off = &meta;
        data += PPP_OFFLOAD_HEADER_LEN, size -= PPP_OFFLOAD_HEADER_LEN;
    }
    /* exactly the packet's bytes, so that ASan sees a read past them */
    uint8_t *pkt = malloc(size ? size : 1);
    check(pkt != NULL);
    memcpy(pkt, data, size);
    enum peer_verdict v = peer_filter_check(&f, family, off, pkt, size);
    if (v == PEER_PASS)
        check_pass(&f, family, off, pkt, size);
    else
        check_refusal(v, &f, family, off, pkt, size);
    free(pkt);
    return 0;
}
