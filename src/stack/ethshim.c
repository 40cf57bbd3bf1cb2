/*
 * ethshim.c - see ethshim.h.
 */
#include "ethshim.h"

#include <string.h>

#include "icmp6.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ARP_LEN 28
#define ARP_REQUEST 1
#define ARP_REPLY 2
#define IPPROTO_ICMPV6_ 58
#define ICMPV6_NS 135
#define ICMPV6_NA 136
#define NS_LEN 24 /* type, code, checksum, reserved, target */
#define NA_LEN 32 /* and a target link-layer address option */

const uint8_t ethshim_client_mac[ETH_ADDR_LEN] = {0x52, 0x56, 0x00, 0x70, 0x70, 0x70};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

size_t ethshim_wrap(uint8_t *frame, size_t len)
{
    if (len < 1)
        return 0;
    int version = frame[ETH_HEADER_LEN] >> 4;
    if (version != 4 && version != 6)
        return 0;
    /* libslirp reads neither destination MAC nor source of an IP frame;
     * it learns the client's MAC from the ARP and NDP answers below. */
    memset(frame, 0xff, ETH_ADDR_LEN);
    memcpy(frame + ETH_ADDR_LEN, ethshim_client_mac, ETH_ADDR_LEN);
    put16(frame + 12, version == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    return len + ETH_HEADER_LEN;
}

/* An ARP request for any address but the stack's own (RFC 826): the
 * client has it. */
static size_t arp_answer(const uint8_t *frame, size_t len, uint8_t *reply)
{
    const uint8_t *arp = frame + ETH_HEADER_LEN;
    if (len < ETH_HEADER_LEN + ARP_LEN || get16(arp) != 1 || get16(arp + 2) != ETHERTYPE_IPV4 ||
        arp[4] != ETH_ADDR_LEN || arp[5] != 4 || get16(arp + 6) != ARP_REQUEST)
        return 0;
    const uint8_t *sha = arp + 8, *spa = arp + 14, *tpa = arp + 24;
    if (!memcmp(spa, tpa, 4))
        return 0; /* gratuitous: nobody asks */
    memcpy(reply, sha, ETH_ADDR_LEN);
    memcpy(reply + ETH_ADDR_LEN, ethshim_client_mac, ETH_ADDR_LEN);
    put16(reply + 12, ETHERTYPE_ARP);
    uint8_t *a = reply + ETH_HEADER_LEN;
    memcpy(a, arp, 6);
    put16(a + 6, ARP_REPLY);
    memcpy(a + 8, ethshim_client_mac, ETH_ADDR_LEN);
    memcpy(a + 14, tpa, 4);
    memcpy(a + 18, sha, ETH_ADDR_LEN);
    memcpy(a + 24, spa, 4);
    return ETH_HEADER_LEN + ARP_LEN;
}

/* A neighbour solicitation (RFC 4861 section 4.3) for any target: the
 * client answers it as a solicited advertisement (section 7.2.4), with
 * its link-layer address as the target option. */
static size_t ndp_answer(const uint8_t *frame, size_t len, uint8_t *reply)
{
    const uint8_t *ip = frame + ETH_HEADER_LEN, *ns = ip + IP6_HEADER_LEN;
    if (len < ETH_HEADER_LEN + IP6_HEADER_LEN + NS_LEN || ip[6] != IPPROTO_ICMPV6_ ||
        ns[0] != ICMPV6_NS || ip[7] != 255)
        return 0;
    const uint8_t *target = ns + 8;
    memcpy(reply, frame + ETH_ADDR_LEN, ETH_ADDR_LEN);
    memcpy(reply + ETH_ADDR_LEN, ethshim_client_mac, ETH_ADDR_LEN);
    put16(reply + 12, ETHERTYPE_IPV6);
    uint8_t *rip = reply + ETH_HEADER_LEN, *na = rip + IP6_HEADER_LEN;
    memset(rip, 0, IP6_HEADER_LEN + NA_LEN);
    rip[0] = 0x60;
    put16(rip + 4, NA_LEN);
    rip[6] = IPPROTO_ICMPV6_;
    rip[7] = 255;                 /* section 7.1.2: hop limit 255 */
    memcpy(rip + 8, target, 16);  /* from the address asked about */
    memcpy(rip + 24, ip + 8, 16); /* to the asker */
    na[0] = ICMPV6_NA;
    na[4] = 0x40 | 0x20; /* Solicited, Override */
    memcpy(na + 8, target, 16);
    na[24] = 2; /* target link-layer address */
    na[25] = 1; /* in units of 8 bytes */
    memcpy(na + 26, ethshim_client_mac, ETH_ADDR_LEN);
    put16(na + 2, icmp6_checksum(rip + 8, rip + 24, na, NA_LEN));
    return ETH_HEADER_LEN + IP6_HEADER_LEN + NA_LEN;
}

enum ethshim_verdict ethshim_from_stack(const uint8_t *frame, size_t len, uint8_t *reply,
                                        size_t room, const uint8_t **out, size_t *out_len)
{
    if (len < ETH_HEADER_LEN)
        return ETHSHIM_DROP;
    uint16_t type = get16(frame + 12);
    size_t n = 0;
    if (type == ETHERTYPE_ARP && room >= ETH_HEADER_LEN + ARP_LEN)
        n = arp_answer(frame, len, reply);
    else if (type == ETHERTYPE_IPV6 && room >= ETH_HEADER_LEN + IP6_HEADER_LEN + NA_LEN)
        n = ndp_answer(frame, len, reply);
    if (n) {
        *out = reply;
        *out_len = n;
        return ETHSHIM_REPLY;
    }
    if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
        return ETHSHIM_DROP;
    *out = frame + ETH_HEADER_LEN;
    *out_len = len - ETH_HEADER_LEN;
    return ETHSHIM_PACKET;
}
