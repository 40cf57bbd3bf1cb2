/* test_lcp.c - LCP options, loopback detection and extra codes, alone and
 * back to back with a second LCP over the real automaton. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "lcp.h"
#include "options.h"
#include "protocols.h"
#include "wire.h"

#define MAX_SENT 64
#define PKT_CAP 1600

/* The link as LCP sees it: records what is sent and logged. */
struct fake_link {
    struct fsm_parent parent;
    struct lcp_hooks hooks;
    struct ppp_settings settings;
    struct lcp lcp;
    uint32_t random_state;
    uint8_t sent[MAX_SENT][PKT_CAP];
    size_t sent_len[MAX_SENT];
    int nsent;
    int ups, downs, finished;
    char log[8192];
    uint16_t rejected_proto;
    int rejected_calls;
    uint8_t echo_id;
    uint8_t echo_data[64];
    size_t echo_len;
    int echo_calls;
};

static void fake_send(void *owner, struct ppp_fsm *fsm, const uint8_t *pkt, size_t len)
{
    struct fake_link *f = owner;

    assert_true(f->nsent < MAX_SENT);
    assert_true(len <= PKT_CAP);
    memcpy(f->sent[f->nsent], pkt, len);
    f->sent_len[f->nsent++] = len;
}

static void fake_up(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake_link *)owner)->ups++;
}

static void fake_down(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake_link *)owner)->downs++;
}

static void fake_started(void *owner, struct ppp_fsm *fsm) {}

static void fake_finished(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake_link *)owner)->finished++;
}

/* Deterministic: xorshift32, never zero while the state is nonzero. */
static uint32_t fake_random(void *owner)
{
    struct fake_link *f = owner;
    uint32_t x = f->random_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return f->random_state = x;
}

static void fake_log(void *owner, enum ppp_log_level level, const char *fmt, ...)
{
    struct fake_link *f = owner;
    size_t used = strlen(f->log);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(f->log + used, sizeof(f->log) - used, fmt, ap);
    va_end(ap);
    used = strlen(f->log);
    if (used + 1 < sizeof(f->log))
        strcat(f->log, "\n");
}

static void fake_protocol_rejected(void *owner, uint16_t protocol, ppp_time now)
{
    struct fake_link *f = owner;

    f->rejected_proto = protocol;
    f->rejected_calls++;
}

static void fake_echo_reply(void *owner, uint8_t id, const uint8_t *data, size_t len, ppp_time now)
{
    struct fake_link *f = owner;

    f->echo_id = id;
    f->echo_len = len < sizeof(f->echo_data) ? len : sizeof(f->echo_data);
    memcpy(f->echo_data, data, f->echo_len);
    f->echo_calls++;
}

static void fake_init(struct fake_link *f, uint32_t seed)
{
    memset(f, 0, sizeof(*f));
    f->parent = (struct fsm_parent){
        .owner = f,
        .send = fake_send,
        .layer_up = fake_up,
        .layer_down = fake_down,
        .layer_started = fake_started,
        .layer_finished = fake_finished,
        .random = fake_random,
        .log = fake_log,
    };
    f->hooks = (struct lcp_hooks){
        .protocol_rejected = fake_protocol_rejected,
        .echo_reply = fake_echo_reply,
    };
    f->random_state = seed;
    ppp_settings_default(&f->settings);
}

static void fake_start(struct fake_link *f)
{
    lcp_init(&f->lcp, &f->settings, &f->parent, &f->hooks);
}

/* Shorthands for calling the ops LCP plugs into the automaton. */
static int judge(struct fake_link *f, const uint8_t *opts, size_t len, uint8_t *out,
                 size_t *out_len, bool reject_naks)
{
    return f->lcp.fsm.ops->judge_request(&f->lcp.fsm, opts, len, out, PKT_CAP, out_len,
                                         reject_naks);
}

static size_t build(struct fake_link *f, uint8_t *buf)
{
    f->lcp.fsm.ops->reset(&f->lcp.fsm);
    return f->lcp.fsm.ops->build_request(&f->lcp.fsm, buf, PKT_CAP);
}

static const uint8_t *last_sent(const struct fake_link *f, size_t *len)
{
    assert_true(f->nsent > 0);
    *len = f->sent_len[f->nsent - 1];
    return f->sent[f->nsent - 1];
}

/* ---- our request ---------------------------------------------------- */

static void request_defaults_like_pppd(void **state)
{
    struct fake_link f;
    uint8_t buf[PKT_CAP];
    size_t len;

    fake_init(&f, 1);
    fake_start(&f);
    len = build(&f, buf);
    /* no MRU (1500 is the default), ACCM 0, a nonzero magic */
    assert_int_equal(len, 12);
    assert_memory_equal(buf, ((uint8_t[]){2, 6, 0, 0, 0, 0, 5, 6}), 8);
    assert_int_equal(get32(buf + 8), f.lcp.want.magic);
    assert_int_not_equal(f.lcp.want.magic, 0);
}

static void request_everything(void **state)
{
    struct fake_link f;
    uint8_t buf[PKT_CAP];
    size_t len;

    fake_init(&f, 1);
    f.settings.mru = 4000;
    f.settings.accm = 0x000a0000;
    f.settings.pfc = f.settings.acfc = f.settings.fcs32 = true;
    f.settings.magic = false;
    fake_start(&f);
    len = build(&f, buf);
    const uint8_t want[] = {1, 4, 0x0f, 0xa0, 2, 6, 0, 0x0a, 0, 0, 7, 2, 8, 2, 9, 3, 4};
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
}

/* ---- the peer's request ---------------------------------------------- */

static void accepts_typical_pppd_request(void **state)
{
    struct fake_link f;
    const uint8_t req[] = {1, 4, 0x05, 0xd4, 2,    6,    0, 0, 0, 0,
                           5, 6, 0x12, 0x34, 0x56, 0x78, 7, 2, 8, 2};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_ACK);
    assert_int_equal(out_len, sizeof(req));
    assert_memory_equal(out, req, sizeof(req));
    assert_true(f.lcp.his.neg_mru);
    assert_int_equal(f.lcp.his.mru, 1492);
    assert_true(f.lcp.his.neg_accm);
    assert_int_equal(f.lcp.his.accm, 0);
    assert_int_equal(f.lcp.his.magic, 0x12345678);
    assert_true(f.lcp.his.neg_pfc);
    assert_true(f.lcp.his.neg_acfc);
}

static void naks_small_mru_with_minimum(void **state)
{
    struct fake_link f;
    const uint8_t req[] = {1, 4, 0, 64, 2, 6, 0, 0, 0, 0};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_NAK);
    assert_int_equal(out_len, 4);
    assert_memory_equal(out, ((uint8_t[]){1, 4, 0, 128}), 4);
    assert_false(f.lcp.his.neg_mru); /* nothing stored until we Ack */
}

static void rejects_authentication(void **state)
{
    struct fake_link f;
    const uint8_t chap[] = {2, 6, 0, 0, 0, 0, 3, 5, 0xc2, 0x23, 0x05, 7, 2};
    const uint8_t pap[] = {3, 4, 0xc0, 0x23};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, chap, sizeof(chap), out, &out_len, false), FSM_CONF_REJ);
    assert_int_equal(out_len, 5);
    assert_memory_equal(out, ((uint8_t[]){3, 5, 0xc2, 0x23, 0x05}), 5);
    assert_non_null(strstr(f.log, "peer requires authentication (CHAP"));
    assert_non_null(strstr(f.log, "noauth"));

    assert_int_equal(judge(&f, pap, sizeof(pap), out, &out_len, false), FSM_CONF_REJ);
    assert_int_equal(out_len, 4);
    assert_memory_equal(out, pap, 4);
    assert_non_null(strstr(f.log, "(PAP"));
}

static void rejects_quality_and_unknown(void **state)
{
    struct fake_link f;
    const uint8_t req[] = {4, 8, 0xc0, 0x25, 0, 0, 0, 100, 2, 6, 0, 0, 0, 0, 13, 3, 6};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_REJ);
    assert_int_equal(out_len, 11);
    assert_memory_equal(out, ((uint8_t[]){4, 8, 0xc0, 0x25, 0, 0, 0, 100, 13, 3, 6}), 11);
}

/* A Request of more unknown options than the reply holds (the peer's
 * MRU may be larger than ours): the Reject lists whole options only, as
 * many as fit (reply.h's overflow rule, shared with the NCPs). */
static void overflowing_reject_lists_whole_options(void **state)
{
    struct fake_link f;
    uint8_t req[600], out[PKT_CAP];
    size_t out_len, cap = 100;

    for (size_t i = 0; i < sizeof(req); i += 6)
        memcpy(req + i, ((uint8_t[]){0x20, 6, 1, 2, 3, (uint8_t)i}), 6);
    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(
        f.lcp.fsm.ops->judge_request(&f.lcp.fsm, req, sizeof(req), out, cap, &out_len, false),
        FSM_CONF_REJ);
    assert_int_equal(out_len, 96); /* 16 whole options, none cut */
    assert_true(opts_valid(out, out_len));
    assert_memory_equal(out, req, out_len);
}

static void reject_takes_precedence_over_nak(void **state)
{
    struct fake_link f;
    /* MRU 64 (Nak), CHAP (Reject), magic 0 (Nak), unknown 0x20 (Reject) */
    const uint8_t req[] = {1, 4, 0, 64, 3, 5, 0xc2, 0x23, 5, 5, 6, 0, 0, 0, 0, 0x20, 2};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_REJ);
    assert_int_equal(out_len, 7);
    assert_memory_equal(out, ((uint8_t[]){3, 5, 0xc2, 0x23, 5, 0x20, 2}), 7);
}

static void naks_keep_peer_order(void **state)
{
    struct fake_link f;
    /* magic 0 first, then MRU 100, then an acceptable ACCM */
    const uint8_t req[] = {5, 6, 0, 0, 0, 0, 1, 4, 0, 100, 2, 6, 0, 0, 0, 0};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_NAK);
    assert_int_equal(out_len, 10);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 6);
    assert_int_not_equal(get32(out + 2), 0); /* RFC 1661 6.4: a usable magic */
    assert_memory_equal(out + 6, ((uint8_t[]){1, 4, 0, 128}), 4);
}

static void reject_naks_converts_all_but_magic(void **state)
{
    struct fake_link f;
    const uint8_t mru[] = {1, 4, 0, 64, 2, 6, 0, 0, 0, 0};
    const uint8_t magic0[] = {5, 6, 0, 0, 0, 0};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, mru, sizeof(mru), out, &out_len, true), FSM_CONF_REJ);
    assert_int_equal(out_len, 4);
    assert_memory_equal(out, mru, 4);
    /* pppd keeps Naking the Magic-Number so loopback stays detectable */
    assert_int_equal(judge(&f, magic0, sizeof(magic0), out, &out_len, true), FSM_CONF_NAK);
}

static void rejects_wrong_lengths(void **state)
{
    struct fake_link f;
    const uint8_t req[] = {1, 3, 5, 2, 5, 0, 0, 0, 5, 4, 1, 2, 7, 3, 0, 8, 2, 9, 2};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_REJ);
    /* all but ACFC: MRU len 3, ACCM len 5, magic len 4, PFC len 3, FCS-Alt len 2 */
    const uint8_t want[] = {1, 3, 5, 2, 5, 0, 0, 0, 5, 4, 1, 2, 7, 3, 0, 9, 2};
    assert_int_equal(out_len, sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
}

static void rejects_rest_of_malformed_list(void **state)
{
    struct fake_link f;
    /* ACCM fine, then an option whose Length runs past the end */
    const uint8_t req[] = {2, 6, 0, 0, 0, 0, 7, 9, 1, 2};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_REJ);
    assert_int_equal(out_len, 4);
    assert_memory_equal(out, req + 6, 4);
}

static void fcs_alternatives(void **state)
{
    struct fake_link f;
    const uint8_t fcs32[] = {9, 3, 4};
    const uint8_t fcs16[] = {9, 3, 2};
    const uint8_t null_fcs[] = {9, 3, 1};
    const uint8_t both[] = {9, 3, 6};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, fcs32, 3, out, &out_len, false), FSM_CONF_ACK);
    assert_true(f.lcp.his.neg_fcs32);
    assert_int_equal(judge(&f, fcs16, 3, out, &out_len, false), FSM_CONF_ACK);
    assert_false(f.lcp.his.neg_fcs32);
    assert_int_equal(judge(&f, null_fcs, 3, out, &out_len, false), FSM_CONF_NAK);
    assert_memory_equal(out, fcs32, 3);
    assert_int_equal(judge(&f, both, 3, out, &out_len, false), FSM_CONF_NAK);
    assert_memory_equal(out, fcs32, 3);
}

static void fcs32_request_dropped_on_nak(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP];
    const uint8_t nak16[] = {9, 3, 2};

    fake_init(&f, 1);
    f.settings.fcs32 = true;
    fake_start(&f);
    assert_int_equal(build(&f, req), 15);
    assert_memory_equal(req + 12, ((uint8_t[]){9, 3, 4}), 3);
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, nak16, 3));
    assert_int_equal(f.lcp.fsm.ops->build_request(&f.lcp.fsm, req, PKT_CAP), 12);
}

static void magic_zero_is_naked(void **state)
{
    struct fake_link f;
    const uint8_t req[] = {5, 6, 0, 0, 0, 0};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    fake_start(&f);
    assert_int_equal(judge(&f, req, sizeof(req), out, &out_len, false), FSM_CONF_NAK);
    assert_int_equal(out_len, 6);
    assert_int_not_equal(get32(out + 2), 0);
    assert_int_not_equal(get32(out + 2), f.lcp.want.magic);
    assert_int_equal(f.lcp.loopback_naks, 0);
}

static void our_magic_is_naked_and_counted(void **state)
{
    struct fake_link f;
    uint8_t req[6] = {5, 6};
    uint8_t out[PKT_CAP];
    size_t out_len;

    fake_init(&f, 1);
    f.settings.max_loopback = 3;
    fake_start(&f);
    put32(req + 2, f.lcp.want.magic);
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(judge(&f, req, 6, out, &out_len, false), FSM_CONF_NAK);
        assert_int_not_equal(get32(out + 2), f.lcp.want.magic);
        assert_int_equal(f.lcp.loopback_naks, i);
        assert_false(f.lcp.looped_back);
    }
    /* a different magic in between breaks the run */
    put32(req + 2, f.lcp.want.magic ^ 1);
    assert_int_equal(judge(&f, req, 6, out, &out_len, false), FSM_CONF_ACK);
    assert_int_equal(f.lcp.loopback_naks, 0);
    put32(req + 2, f.lcp.want.magic);
    for (int i = 0; i < 3; i++)
        judge(&f, req, 6, out, &out_len, false);
    assert_true(f.lcp.looped_back);
    assert_non_null(strstr(f.log, "Serial line is looped back"));
}

/* ---- answers to our request ------------------------------------------ */

static void ack_must_match_request(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP];
    size_t len;

    fake_init(&f, 1);
    fake_start(&f);
    len = build(&f, req);
    assert_false(f.lcp.fsm.ops->ack(&f.lcp.fsm, req, len - 1));
    req[len - 1] ^= 1;
    assert_false(f.lcp.fsm.ops->ack(&f.lcp.fsm, req, len));
    assert_false(f.lcp.got.neg_magic);
    req[len - 1] ^= 1;
    assert_true(f.lcp.fsm.ops->ack(&f.lcp.fsm, req, len));
    assert_true(f.lcp.got.neg_magic);
    assert_int_equal(f.lcp.got.magic, f.lcp.want.magic);
}

static void nak_of_mru_is_bounded(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP];
    const uint8_t nak1400[] = {1, 4, 0x05, 0x78};
    const uint8_t nak9000[] = {1, 4, 0x23, 0x28};
    const uint8_t nak100[] = {1, 4, 0, 100};

    fake_init(&f, 1);
    f.settings.mru = 4000;
    f.settings.mru_max = 8000;
    fake_start(&f);
    build(&f, req);
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, nak1400, 4));
    assert_true(f.lcp.want.neg_mru);
    assert_int_equal(f.lcp.want.mru, 1400);
    /* above mru_max: give up asking, fall back to the default */
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, nak9000, 4));
    assert_false(f.lcp.want.neg_mru);
    build(&f, req);
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, nak100, 4));
    assert_false(f.lcp.want.neg_mru);
    assert_int_equal(f.lcp.fsm.ops->build_request(&f.lcp.fsm, req, PKT_CAP), 12);
    assert_int_equal(req[0], LCP_OPT_ACCM);
}

static void nak_of_accm_and_magic(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP];
    uint8_t nak[] = {2, 6, 0, 0x0a, 0, 0, 5, 6, 0, 0, 0, 0};
    uint32_t old_magic;

    fake_init(&f, 1);
    f.settings.accm = 0x1;
    fake_start(&f);
    build(&f, req);
    old_magic = f.lcp.want.magic;
    put32(nak + 8, old_magic);
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, nak, sizeof(nak)));
    assert_int_equal(f.lcp.want.accm, 0x000a0001); /* RFC 1662 7.1: the union */
    assert_int_not_equal(f.lcp.want.magic, old_magic);
    assert_int_not_equal(f.lcp.want.magic, 0);
}

static void nak_suggesting_auth_is_ignored_and_malformed_dropped(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP], again[PKT_CAP];
    size_t len;
    const uint8_t auth[] = {3, 4, 0xc0, 0x23};
    const uint8_t short_mru[] = {1, 3, 5};
    const uint8_t broken[] = {2, 9, 0};

    fake_init(&f, 1);
    fake_start(&f);
    len = build(&f, req);
    assert_true(f.lcp.fsm.ops->nak(&f.lcp.fsm, auth, sizeof(auth)));
    assert_int_equal(f.lcp.fsm.ops->build_request(&f.lcp.fsm, again, PKT_CAP), len);
    assert_memory_equal(again, req, len);
    assert_false(f.lcp.fsm.ops->nak(&f.lcp.fsm, short_mru, sizeof(short_mru)));
    assert_false(f.lcp.fsm.ops->nak(&f.lcp.fsm, broken, sizeof(broken)));
}

static void reject_must_be_subset_in_order(void **state)
{
    struct fake_link f;
    uint8_t req[PKT_CAP];
    uint8_t rej[12];
    size_t len;

    fake_init(&f, 1);
    f.settings.pfc = f.settings.acfc = true;
    fake_start(&f);
    len = build(&f, req); /* ACCM, magic, PFC, ACFC */
    assert_int_equal(len, 16);
    /* reordered: ACFC before PFC */
    assert_false(f.lcp.fsm.ops->reject(&f.lcp.fsm, (uint8_t[]){8, 2, 7, 2}, 4));
    /* not something we asked for */
    assert_false(f.lcp.fsm.ops->reject(&f.lcp.fsm, (uint8_t[]){1, 4, 5, 0xdc}, 4));
    /* changed value */
    memcpy(rej, req + 6, 6);
    rej[5] ^= 0xff;
    assert_false(f.lcp.fsm.ops->reject(&f.lcp.fsm, rej, 6));
    assert_true(f.lcp.want.neg_magic);
    /* magic and ACFC, in order */
    memcpy(rej, req + 6, 6);
    rej[6] = 8;
    rej[7] = 2;
    assert_true(f.lcp.fsm.ops->reject(&f.lcp.fsm, rej, 8));
    assert_false(f.lcp.want.neg_magic);
    assert_false(f.lcp.want.neg_acfc);
    assert_true(f.lcp.want.neg_pfc);
    assert_int_equal(f.lcp.fsm.ops->build_request(&f.lcp.fsm, req, PKT_CAP), 8);
    assert_memory_equal(req, ((uint8_t[]){2, 6, 0, 0, 0, 0, 7, 2}), 8);
}

/* ---- Opened: results, Echo, Protocol-Reject, Discard ------------------ */

/* Drive one LCP to Opened by hand: Ack its request, Ack the peer's. */
static void open_alone(struct fake_link *f, const uint8_t *peer_req, size_t peer_len)
{
    uint8_t pkt[PKT_CAP];
    size_t len;
    const uint8_t *req;

    fake_start(f);
    fsm_up(&f->lcp.fsm, 0);
    fsm_open(&f->lcp.fsm, 0);
    req = last_sent(f, &len);
    assert_int_equal(req[0], FSM_CONF_REQ);
    memcpy(pkt, req, len);
    pkt[0] = FSM_CONF_ACK;
    lcp_input(&f->lcp, 1, pkt, len);
    pkt[0] = FSM_CONF_REQ;
    pkt[1] = 77;
    put16(pkt + 2, (uint16_t)(4 + peer_len));
    memcpy(pkt + 4, peer_req, peer_len);
    lcp_input(&f->lcp, 2, pkt, 4 + peer_len);
    assert_int_equal(f->lcp.fsm.state, FSM_OPENED);
    assert_int_equal(f->ups, 1);
}

static const uint8_t slirp_like_req[] = {2, 6, 0, 0, 0, 0, 5, 6, 0xca, 0xfe, 0xf0, 0x0d};

static void result_after_open(void **state)
{
    struct fake_link f;
    struct ppp_event ev;

    fake_init(&f, 7);
    f.settings.mru = 1400;
    f.settings.pfc = true;
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    lcp_result(&f.lcp, &ev);
    assert_int_equal(ev.type, PPP_EV_LCP_UP);
    assert_int_equal(ev.u.lcp.mru_rx, 1400);
    assert_int_equal(ev.u.lcp.mru_tx, 1500);
    assert_int_equal(ev.u.lcp.accm_rx, 0);
    assert_int_equal(ev.u.lcp.accm_tx, 0);
    assert_false(ev.u.lcp.pfc_tx); /* we asked PFC; the peer did not */
    assert_false(ev.u.lcp.acfc_tx);
    assert_int_equal(ev.u.lcp.magic_peer, 0xcafef00d);
    assert_int_equal(ev.u.lcp.magic_local, f.lcp.want.magic);
    assert_non_null(strstr(f.log, "LCP: peer asks MRU 1500, ACCM 0x0, magic 0xcafef00d"));
}

static void echo_request_answered(void **state)
{
    struct fake_link f;
    const uint8_t echo[] = {9, 42, 0, 11, 0xca, 0xfe, 0xf0, 0x0d, 'a', 'b', 'c'};
    const uint8_t *reply;
    size_t len;
    int before;

    fake_init(&f, 7);
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    before = f.nsent;
    lcp_input(&f.lcp, 3, echo, sizeof(echo));
    assert_int_equal(f.nsent, before + 1);
    reply = last_sent(&f, &len);
    assert_int_equal(len, 11);
    assert_int_equal(reply[0], LCP_ECHO_REPLY);
    assert_int_equal(reply[1], 42);
    assert_int_equal(get16(reply + 2), 11);
    assert_int_equal(get32(reply + 4), f.lcp.got.magic);
    assert_memory_equal(reply + 8, "abc", 3);
}

static void echo_of_our_own_magic_dropped(void **state)
{
    struct fake_link f;
    uint8_t echo[] = {9, 1, 0, 8, 0, 0, 0, 0};
    uint8_t reply[] = {10, 1, 0, 9, 0, 0, 0, 0, 'x'};
    int before;

    fake_init(&f, 7);
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    put32(echo + 4, f.lcp.got.magic);
    put32(reply + 4, f.lcp.got.magic);
    before = f.nsent;
    lcp_input(&f.lcp, 3, echo, sizeof(echo));
    lcp_input(&f.lcp, 3, reply, sizeof(reply));
    assert_int_equal(f.nsent, before);
    assert_int_equal(f.echo_calls, 0);
    assert_non_null(strstr(f.log, "looped back"));
}

static void echo_ignored_when_not_opened(void **state)
{
    struct fake_link f;
    const uint8_t echo[] = {9, 42, 0, 8, 1, 2, 3, 4};
    const uint8_t reply[] = {10, 42, 0, 8, 1, 2, 3, 4};
    int before;

    fake_init(&f, 7);
    fake_start(&f);
    fsm_up(&f.lcp.fsm, 0);
    fsm_open(&f.lcp.fsm, 0);
    assert_int_equal(f.lcp.fsm.state, FSM_REQ_SENT);
    before = f.nsent;
    lcp_input(&f.lcp, 1, echo, sizeof(echo));
    lcp_input(&f.lcp, 1, reply, sizeof(reply));
    assert_int_equal(f.nsent, before);
    assert_int_equal(f.echo_calls, 0);
}

static void echo_reply_reaches_hook(void **state)
{
    struct fake_link f;
    const uint8_t reply[] = {10, 5, 0, 12, 0xca, 0xfe, 0xf0, 0x0d, 1, 2, 3, 4};
    const uint8_t *req;
    size_t len;

    fake_init(&f, 7);
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    lcp_send_echo_request(&f.lcp, 5, (const uint8_t[]){1, 2, 3, 4}, 4);
    req = last_sent(&f, &len);
    assert_int_equal(len, 12);
    assert_int_equal(req[0], LCP_ECHO_REQ);
    assert_int_equal(req[1], 5);
    assert_int_equal(get32(req + 4), f.lcp.got.magic);
    lcp_input(&f.lcp, 4, reply, sizeof(reply));
    assert_int_equal(f.echo_calls, 1);
    assert_int_equal(f.echo_id, 5);
    assert_int_equal(f.echo_len, 4);
    assert_memory_equal(f.echo_data, ((uint8_t[]){1, 2, 3, 4}), 4);
}

static void protocol_reject_and_discard(void **state)
{
    struct fake_link f;
    const uint8_t prej[] = {8, 3, 0, 10, 0x80, 0x57, 1, 4, 0, 10};
    const uint8_t discard[] = {11, 4, 0, 8, 0, 0, 0, 0};
    int before;

    fake_init(&f, 7);
    fake_start(&f);
    fsm_up(&f.lcp.fsm, 0);
    fsm_open(&f.lcp.fsm, 0);
    lcp_input(&f.lcp, 1, prej, sizeof(prej)); /* not Opened: discarded */
    assert_int_equal(f.rejected_calls, 0);

    fake_init(&f, 7);
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    lcp_input(&f.lcp, 3, prej, sizeof(prej));
    assert_int_equal(f.rejected_calls, 1);
    assert_int_equal(f.rejected_proto, PPP_PROTO_IPV6CP);
    before = f.nsent;
    lcp_input(&f.lcp, 3, discard, sizeof(discard));
    assert_int_equal(f.nsent, before);
    assert_int_equal(f.lcp.fsm.state, FSM_OPENED);
}

static void unknown_code_is_code_rejected(void **state)
{
    struct fake_link f;
    const uint8_t ident[] = {12, 9, 0, 8, 1, 2, 3, 4};
    const uint8_t *rej;
    size_t len;

    fake_init(&f, 7);
    open_alone(&f, slirp_like_req, sizeof(slirp_like_req));
    lcp_input(&f.lcp, 3, ident, sizeof(ident));
    rej = last_sent(&f, &len);
    assert_int_equal(rej[0], FSM_CODE_REJ);
    assert_int_equal(len, 4 + sizeof(ident));
    assert_memory_equal(rej + 4, ident, sizeof(ident));
    assert_int_equal(f.lcp.fsm.state, FSM_OPENED);
}

static void code_reject_fatality(void **state)
{
    struct fake_link f;

    fake_init(&f, 7);
    fake_start(&f);
    for (uint8_t code = FSM_CONF_REQ; code <= FSM_CODE_REJ; code++)
        assert_true(f.lcp.fsm.ops->code_reject_fatal(&f.lcp.fsm, code));
    for (uint8_t code = LCP_PROTO_REJ; code <= LCP_DISCARD_REQ; code++)
        assert_false(f.lcp.fsm.ops->code_reject_fatal(&f.lcp.fsm, code));
}

static void protocol_reject_fits_peer_mru(void **state)
{
    struct fake_link f;
    const uint8_t small_mru_req[] = {1, 4, 0, 200};
    uint8_t info[1000];
    const uint8_t *pkt;
    size_t len;

    memset(info, 0xab, sizeof(info));
    fake_init(&f, 7);
    open_alone(&f, small_mru_req, sizeof(small_mru_req));
    lcp_send_protocol_reject(&f.lcp, 0x80fd, info, sizeof(info));
    pkt = last_sent(&f, &len);
    assert_int_equal(len, 200);
    assert_int_equal(pkt[0], LCP_PROTO_REJ);
    assert_int_equal(get16(pkt + 2), 200);
    assert_int_equal(get16(pkt + 4), 0x80fd);
    assert_int_equal(pkt[6], 0xab);
    lcp_send_protocol_reject(&f.lcp, 0x80fd, info, 10);
    pkt = last_sent(&f, &len);
    assert_int_equal(len, 16);
    assert_int_not_equal(pkt[1], f.sent[f.nsent - 2][1]); /* a fresh identifier */
}

static void send_peer_request(struct fake_link *f, uint8_t id, const uint8_t *opts, size_t len)
{
    uint8_t pkt[PKT_CAP];

    pkt[0] = FSM_CONF_REQ;
    pkt[1] = id;
    put16(pkt + 2, (uint16_t)(4 + len));
    memcpy(pkt + 4, opts, len);
    lcp_input(&f->lcp, 5, pkt, 4 + len);
}

static void ack_last_request(struct fake_link *f)
{
    uint8_t pkt[PKT_CAP];
    size_t len;

    for (int i = f->nsent - 1; i >= 0; i--) {
        if (f->sent[i][0] != FSM_CONF_REQ)
            continue;
        len = f->sent_len[i];
        memcpy(pkt, f->sent[i], len);
        pkt[0] = FSM_CONF_ACK;
        lcp_input(&f->lcp, 6, pkt, len);
        return;
    }
    fail_msg("no Configure-Request sent");
}

/* The peer's request may be judged just before our negotiation (re)starts:
 * what we Acked must survive into the result. */
static void peer_request_first_then_renegotiation(void **state)
{
    struct fake_link f;
    const uint8_t mru1000[] = {1, 4, 0x03, 0xe8, 7, 2};
    struct ppp_event ev;

    fake_init(&f, 9);
    f.settings.silent = true;
    fake_start(&f);
    fsm_up(&f.lcp.fsm, 0);
    fsm_open(&f.lcp.fsm, 0);
    send_peer_request(&f, 1, slirp_like_req, sizeof(slirp_like_req));
    ack_last_request(&f);
    assert_int_equal(f.lcp.fsm.state, FSM_OPENED);
    lcp_result(&f.lcp, &ev);
    assert_int_equal(ev.u.lcp.magic_peer, 0xcafef00d);
    assert_int_equal(ev.u.lcp.accm_tx, 0);

    /* RFC 1661 section 4.3 RCR in Opened: renegotiate */
    send_peer_request(&f, 2, mru1000, sizeof(mru1000));
    assert_int_equal(f.downs, 1);
    ack_last_request(&f);
    assert_int_equal(f.lcp.fsm.state, FSM_OPENED);
    lcp_result(&f.lcp, &ev);
    assert_int_equal(ev.u.lcp.mru_tx, 1000);
    assert_true(ev.u.lcp.pfc_tx);
    assert_int_equal(ev.u.lcp.accm_tx, 0xffffffff); /* no longer negotiated */
    assert_int_equal(ev.u.lcp.magic_peer, 0);
}

/* ---- loopback and back to back --------------------------------------- */

static void looped_back_line_closes(void **state)
{
    struct fake_link f;
    int delivered = 0;

    fake_init(&f, 3);
    /* defaults: max_loopback 10 outlasts max_failure 5, since a clashing
     * magic is Naked even after Max-Failure */
    fake_start(&f);
    fsm_up(&f.lcp.fsm, 0);
    fsm_open(&f.lcp.fsm, 0);
    /* everything we send comes straight back */
    while (delivered < f.nsent && delivered < MAX_SENT && f.lcp.fsm.state != FSM_CLOSED) {
        uint8_t pkt[PKT_CAP];
        size_t len = f.sent_len[delivered];

        memcpy(pkt, f.sent[delivered++], len);
        lcp_input(&f.lcp, (ppp_time)delivered, pkt, len);
    }
    assert_true(f.lcp.looped_back);
    assert_int_equal(f.lcp.fsm.cause, PPP_CAUSE_LOOPBACK);
    assert_true(f.lcp.fsm.state == FSM_CLOSING || f.lcp.fsm.state == FSM_CLOSED);
    assert_int_equal(f.ups, 0);
    assert_non_null(strstr(f.log, "Serial line is looped back"));
}

/* Two LCPs joined by memory; returns when both are quiet. */
static void pump(struct fake_link *a, struct fake_link *b)
{
    int da = 0, db = 0;

    for (int round = 0; round < 100 && (da < a->nsent || db < b->nsent); round++) {
        while (da < a->nsent)
            lcp_input(&b->lcp, (ppp_time)round, a->sent[da], a->sent_len[da]), da++;
        while (db < b->nsent)
            lcp_input(&a->lcp, (ppp_time)round, b->sent[db], b->sent_len[db]), db++;
    }
}

static void back_to_back_negotiation(void **state)
{
    struct fake_link a, b;
    struct ppp_event ea, eb;

    fake_init(&a, 11);
    a.settings.mru = 4000;
    a.settings.accm = 0x000a0000;
    a.settings.pfc = a.settings.acfc = true;
    fake_init(&b, 12345);
    b.settings.fcs32 = true;
    fake_start(&a);
    fake_start(&b);
    fsm_up(&a.lcp.fsm, 0);
    fsm_up(&b.lcp.fsm, 0);
    fsm_open(&a.lcp.fsm, 0);
    fsm_open(&b.lcp.fsm, 0);
    pump(&a, &b);
    assert_int_equal(a.lcp.fsm.state, FSM_OPENED);
    assert_int_equal(b.lcp.fsm.state, FSM_OPENED);
    lcp_result(&a.lcp, &ea);
    lcp_result(&b.lcp, &eb);
    assert_int_equal(ea.u.lcp.mru_rx, 4000);
    assert_int_equal(eb.u.lcp.mru_tx, 4000);
    assert_int_equal(ea.u.lcp.mru_tx, 1500);
    assert_int_equal(eb.u.lcp.mru_rx, 1500);
    assert_int_equal(ea.u.lcp.accm_rx, 0x000a0000);
    assert_int_equal(eb.u.lcp.accm_tx, 0x000a0000);
    assert_int_equal(ea.u.lcp.accm_tx, 0);
    assert_int_equal(eb.u.lcp.accm_rx, 0);
    assert_true(eb.u.lcp.pfc_tx && eb.u.lcp.acfc_tx);
    assert_false(ea.u.lcp.pfc_tx || ea.u.lcp.acfc_tx);
    assert_true(eb.u.lcp.fcs32_rx && ea.u.lcp.fcs32_tx);
    assert_false(ea.u.lcp.fcs32_rx || eb.u.lcp.fcs32_tx);
    assert_int_equal(ea.u.lcp.magic_local, eb.u.lcp.magic_peer);
    assert_int_equal(eb.u.lcp.magic_local, ea.u.lcp.magic_peer);
    assert_int_not_equal(ea.u.lcp.magic_local, ea.u.lcp.magic_peer);
}

static void back_to_back_against_auth_demanding_peer(void **state)
{
    struct fake_link a;
    uint8_t req[] = {1, 1, 0, 15, 2, 6, 0, 0, 0, 0, 3, 5, 0xc2, 0x23, 5};
    const uint8_t *rej;
    size_t len;

    fake_init(&a, 11);
    fake_start(&a);
    fsm_up(&a.lcp.fsm, 0);
    fsm_open(&a.lcp.fsm, 0);
    lcp_input(&a.lcp, 1, req, sizeof(req));
    rej = last_sent(&a, &len);
    assert_int_equal(rej[0], FSM_CONF_REJ);
    assert_int_equal(rej[1], 1);
    assert_int_equal(len, 9);
    assert_memory_equal(rej + 4, req + 10, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_defaults_like_pppd),
        cmocka_unit_test(request_everything),
        cmocka_unit_test(accepts_typical_pppd_request),
        cmocka_unit_test(naks_small_mru_with_minimum),
        cmocka_unit_test(rejects_authentication),
        cmocka_unit_test(rejects_quality_and_unknown),
        cmocka_unit_test(overflowing_reject_lists_whole_options),
        cmocka_unit_test(reject_takes_precedence_over_nak),
        cmocka_unit_test(naks_keep_peer_order),
        cmocka_unit_test(reject_naks_converts_all_but_magic),
        cmocka_unit_test(rejects_wrong_lengths),
        cmocka_unit_test(rejects_rest_of_malformed_list),
        cmocka_unit_test(fcs_alternatives),
        cmocka_unit_test(fcs32_request_dropped_on_nak),
        cmocka_unit_test(magic_zero_is_naked),
        cmocka_unit_test(our_magic_is_naked_and_counted),
        cmocka_unit_test(ack_must_match_request),
        cmocka_unit_test(nak_of_mru_is_bounded),
        cmocka_unit_test(nak_of_accm_and_magic),
        cmocka_unit_test(nak_suggesting_auth_is_ignored_and_malformed_dropped),
        cmocka_unit_test(reject_must_be_subset_in_order),
        cmocka_unit_test(result_after_open),
        cmocka_unit_test(echo_request_answered),
        cmocka_unit_test(echo_of_our_own_magic_dropped),
        cmocka_unit_test(echo_ignored_when_not_opened),
        cmocka_unit_test(echo_reply_reaches_hook),
        cmocka_unit_test(protocol_reject_and_discard),
        cmocka_unit_test(unknown_code_is_code_rejected),
        cmocka_unit_test(code_reject_fatality),
        cmocka_unit_test(protocol_reject_fits_peer_mru),
        cmocka_unit_test(peer_request_first_then_renegotiation),
        cmocka_unit_test(looped_back_line_closes),
        cmocka_unit_test(back_to_back_negotiation),
        cmocka_unit_test(back_to_back_against_auth_demanding_peer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
