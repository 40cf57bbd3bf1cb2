/*
 * helper_proto.c - the session <-> helper messages (helper_proto.h).
 *
 * Request, 48 bytes:  version, type, 0, 0, MTU (4, big-endian),
 *                     interface identifier (8), user (32, NUL-padded).
 * Answer, 1200 bytes: version, type, 0, 0, then by type:
 *   GRANTED  local (4), remote (4), DNS (2 x 4), flags (bit 0: offload),
 *            number of routes, 0, 0, interface name (16, NUL-padded),
 *            8 zero bytes, 64 routes of 18 (family 4 or 6, length,
 *            address 16; unused ones zero);
 *   REFUSED, FAILED  the reason (256, printable, NUL-padded);
 *   DONE     nothing.
 * Every byte a type does not use is zero, so that a decoded message
 * encodes back to the same bytes and nothing undefined is ever accepted.
 */
#include "helper_proto.h"

#include <string.h>

enum {
    REQ_MTU = 4,
    REQ_IFID = 8,
    REQ_USER = 16,
    ANS_BODY = 4,
    ANS_LOCAL = 4,
    ANS_REMOTE = 8,
    ANS_DNS = 12,
    ANS_FLAGS = 20,
    ANS_NROUTES = 21,
    ANS_IFNAME = 24,
    ANS_ROUTES = 48,
    ROUTE_LEN = 18,
    FLAG_OFFLOAD = 1,
};

_Static_assert(REQ_USER + HELPER_USER_MAX == HELPER_REQUEST_LEN, "request layout");
_Static_assert(ANS_ROUTES + HELPER_MAX_ROUTES * ROUTE_LEN == HELPER_ANSWER_LEN, "answer layout");

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A NUL-terminated text of at most size-1 characters, every one allowed by
 * ok(), NUL-padded to size: into out (size bytes). */
static bool text_decode(const uint8_t *in, size_t size, bool (*ok)(uint8_t), char *out)
{
    size_t n = 0;
    while (n < size && in[n])
        if (!ok(in[n++]))
            return false;
    if (n == size || !all_zero(in + n, size - n))
        return false;
    memcpy(out, in, size);
    return true;
}

static bool text_encode(const char *s, size_t size, uint8_t *out)
{
    size_t n = strnlen(s, size);
    if (n == size)
        return false;
    memset(out, 0, size);
    memcpy(out, s, n);
    return true;
}

static bool name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '@';
}

static bool printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

static bool ifname_char(uint8_t c)
{
    return printable(c) && c != '/' && c != ' ' && c != ':';
}

bool helper_user_valid(const char *name)
{
    size_t n = strnlen(name, HELPER_USER_MAX);
    if (n == 0 || n == HELPER_USER_MAX || name[0] == '-' || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char((uint8_t)name[i]))
            return false;
    return true;
}

bool helper_ifid_valid(const uint8_t ifid[8])
{
    static const uint8_t ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return !all_zero(ifid, 8) && memcmp(ifid, ones, 8) != 0;
}

uint32_t helper_clamp_mtu(uint32_t asked)
{
    if (asked < HELPER_MTU_MIN)
        return HELPER_MTU_MIN;
    return asked > HELPER_MTU_MAX ? HELPER_MTU_MAX : asked;
}

static bool is_request(int type)
{
    return type >= HELPER_OPEN && type <= HELPER_GSO_MAX;
}

static bool mtu_defined(uint32_t mtu)
{
    return mtu >= 1 && mtu <= HELPER_MTU_MAX;
}

/* The fields each request carries; every other one must be zero. */
static bool request_fields_ok(const struct helper_request *r, bool has_user)
{
    bool up = r->type == HELPER_IPV4_UP || r->type == HELPER_IPV6_UP || r->type == HELPER_GSO_MAX;
    bool v6 = r->type == HELPER_IPV6_UP;
    if (up ? !mtu_defined(r->mtu) : r->mtu != 0)
        return false;
    if (v6 ? !helper_ifid_valid(r->ifid) : !all_zero(r->ifid, 8))
        return false;
    return r->type == HELPER_OPEN ? has_user && helper_user_valid(r->user) : !has_user;
}

int helper_request_encode(const struct helper_request *r, uint8_t out[HELPER_REQUEST_LEN])
{
    memset(out, 0, HELPER_REQUEST_LEN);
    if (!is_request((int)r->type))
        return -1;
    bool has_user = strnlen(r->user, HELPER_USER_MAX) > 0;
    if (!request_fields_ok(r, has_user) ||
        (has_user && !text_encode(r->user, HELPER_USER_MAX, out + REQ_USER)))
        return -1;
    out[0] = HELPER_PROTO_VERSION;
    out[1] = (uint8_t)r->type;
    put32(out + REQ_MTU, r->mtu);
    memcpy(out + REQ_IFID, r->ifid, 8);
    return HELPER_REQUEST_LEN;
}

int helper_request_decode(const uint8_t *in, size_t len, struct helper_request *r)
{
    memset(r, 0, sizeof(*r));
    if (len != HELPER_REQUEST_LEN || in[0] != HELPER_PROTO_VERSION || !is_request(in[1]) || in[2] ||
        in[3])
        return -1;
    r->type = (enum helper_type)in[1];
    r->mtu = get32(in + REQ_MTU);
    memcpy(r->ifid, in + REQ_IFID, 8);
    if (!text_decode(in + REQ_USER, HELPER_USER_MAX, name_char, r->user))
        return -1;
    return request_fields_ok(r, r->user[0] != 0) ? HELPER_REQUEST_LEN : -1;
}

/* ---- answers ---- */

static bool route_encode(const struct os_prefix *p, uint8_t *out)
{
    if (p->ip.family == AF_INET && p->len <= 32) {
        out[0] = 4;
        memcpy(out + 2, &p->ip.v4, 4);
    } else if (p->ip.family == AF_INET6 && p->len <= 128) {
        out[0] = 6;
        memcpy(out + 2, &p->ip.v6, 16);
    } else {
        return false;
    }
    out[1] = (uint8_t)p->len;
    return true;
}

static bool route_decode(const uint8_t *in, struct os_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->len = in[1];
    if (in[0] == 4 && p->len <= 32 && all_zero(in + 6, 12)) {
        p->ip.family = AF_INET;
        memcpy(&p->ip.v4, in + 2, 4);
        return true;
    }
    if (in[0] == 6 && p->len <= 128) {
        p->ip.family = AF_INET6;
        memcpy(&p->ip.v6, in + 2, 16);
        return true;
    }
    return false;
}

static bool grant_encode(const struct helper_grant *g, uint8_t *out)
{
    if (g->n_routes > HELPER_MAX_ROUTES || !g->ifname[0] ||
        !text_encode(g->ifname, HELPER_IFNAME_MAX, out + ANS_IFNAME))
        return false;
    memcpy(out + ANS_LOCAL, &g->local, 4);
    memcpy(out + ANS_REMOTE, &g->remote, 4);
    memcpy(out + ANS_DNS, g->dns, 8);
    out[ANS_FLAGS] = g->offload ? FLAG_OFFLOAD : 0;
    out[ANS_NROUTES] = (uint8_t)g->n_routes;
    for (size_t i = 0; i < g->n_routes; i++)
        if (!route_encode(&g->routes[i], out + ANS_ROUTES + i * ROUTE_LEN))
            return false;
    uint8_t check[HELPER_IFNAME_MAX];
    char name[HELPER_IFNAME_MAX];
    memcpy(check, out + ANS_IFNAME, sizeof(check));
    return text_decode(check, sizeof(check), ifname_char, name);
}

static bool grant_decode(const uint8_t *in, struct helper_grant *g)
{
    if ((in[ANS_FLAGS] & ~FLAG_OFFLOAD) || in[ANS_NROUTES] > HELPER_MAX_ROUTES ||
        in[ANS_NROUTES + 1] || in[ANS_NROUTES + 2] ||
        !all_zero(in + ANS_IFNAME + HELPER_IFNAME_MAX,
                  ANS_ROUTES - ANS_IFNAME - HELPER_IFNAME_MAX) ||
        !text_decode(in + ANS_IFNAME, HELPER_IFNAME_MAX, ifname_char, g->ifname) || !g->ifname[0])
        return false;
    memcpy(&g->local, in + ANS_LOCAL, 4);
    memcpy(&g->remote, in + ANS_REMOTE, 4);
    memcpy(g->dns, in + ANS_DNS, 8);
    g->offload = in[ANS_FLAGS] & FLAG_OFFLOAD;
    g->n_routes = in[ANS_NROUTES];
    for (size_t i = 0; i < HELPER_MAX_ROUTES; i++) {
        const uint8_t *r = in + ANS_ROUTES + i * ROUTE_LEN;
        if (i < g->n_routes ? !route_decode(r, &g->routes[i]) : !all_zero(r, ROUTE_LEN))
            return false;
    }
    return true;
}

static bool is_answer(int type)
{
    return type >= HELPER_GRANTED && type <= HELPER_FAILED;
}

static bool has_reason(enum helper_type t)
{
    return t == HELPER_REFUSED || t == HELPER_FAILED;
}

int helper_answer_encode(const struct helper_answer *a, uint8_t out[HELPER_ANSWER_LEN])
{
    memset(out, 0, HELPER_ANSWER_LEN);
    if (!is_answer((int)a->type))
        return -1;
    out[0] = HELPER_PROTO_VERSION;
    out[1] = (uint8_t)a->type;
    if (a->type == HELPER_GRANTED && !grant_encode(&a->grant, out))
        return -1;
    if (has_reason(a->type)) {
        char check[HELPER_REASON_MAX];
        if (!text_encode(a->reason, HELPER_REASON_MAX, out + ANS_BODY) ||
            !text_decode(out + ANS_BODY, HELPER_REASON_MAX, printable, check))
            return -1;
    }
    return HELPER_ANSWER_LEN;
}

int helper_answer_decode(const uint8_t *in, size_t len, struct helper_answer *a)
{
    memset(a, 0, sizeof(*a));
    if (len != HELPER_ANSWER_LEN || in[0] != HELPER_PROTO_VERSION || !is_answer(in[1]) || in[2] ||
        in[3])
        return -1;
    a->type = (enum helper_type)in[1];
    if (a->type == HELPER_GRANTED)
        return grant_decode(in, &a->grant) ? HELPER_ANSWER_LEN : -1;
    if (has_reason(a->type))
        return text_decode(in + ANS_BODY, HELPER_REASON_MAX, printable, a->reason) &&
                       all_zero(in + ANS_BODY + HELPER_REASON_MAX,
                                HELPER_ANSWER_LEN - ANS_BODY - HELPER_REASON_MAX)
                   ? HELPER_ANSWER_LEN
                   : -1;
    return all_zero(in + ANS_BODY, HELPER_ANSWER_LEN - ANS_BODY) ? HELPER_ANSWER_LEN : -1;
}

const char *helper_type_name(enum helper_type t)
{
    switch (t) {
    case HELPER_OPEN:
        return "OPEN";
    case HELPER_IPV4_UP:
        return "IPV4_UP";
    case HELPER_IPV6_UP:
        return "IPV6_UP";
    case HELPER_IPV4_DOWN:
        return "IPV4_DOWN";
    case HELPER_IPV6_DOWN:
        return "IPV6_DOWN";
    case HELPER_BYE:
        return "BYE";
    case HELPER_GSO_MAX:
        return "GSO_MAX";
    case HELPER_GRANTED:
        return "GRANTED";
    case HELPER_REFUSED:
        return "REFUSED";
    case HELPER_DONE:
        return "DONE";
    case HELPER_FAILED:
        return "FAILED";
    }
    return "?";
}
