/*
 * test_fsm_table.c - every cell of the RFC 1661 section 4.1 state transition
 * table, checked against the automaton.
 *
 * The expected table below is the RFC's text, transcribed row by row
 * ("action,action/next-state", "-" for an impossible event, trailing
 * footnote letters p/r/x kept as printed) and parsed here; it shares nothing
 * with fsm.c's own table.
 *
 * How a cell is set up: a fresh fsm gets fsm->state set directly, with
 * restart_count = 5 (distinct from Max-Configure 10 and Max-Terminate 3, so
 * irc/zrc show), a running timer (deadline 777) in the states where section
 * 4.2 says it runs, and an outstanding request id.  Then fsm_event() raises
 * the event with identifier 0x99.
 *
 * "-" cells: the RFC calls them impossible; the automaton ignores them, so
 * the test asserts nothing at all changed.
 * ser: only LCP knows an Echo-Reply's Magic-Number, so the automaton sends
 * nothing for it (see fsm.h); the test asserts no packet and no change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>

#include "fsm_fake.h"

static const char *const rfc_table[FSM_NEVENTS][FSM_NSTATES] = {
    /*          Initial  Starting     Closed   Stopped          Closing  Stopping
     *          Req-Sent     Ack-Rcvd     Ack-Sent     Opened */
    [FSM_EV_UP] = {"2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-"},
    [FSM_EV_DOWN] = {"-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1"},
    [FSM_EV_OPEN] = {"tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8", "9r"},
    [FSM_EV_CLOSE] = {"0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4", "irc,str/4",
                      "tld,irc,str/4"},
    [FSM_EV_TO_PLUS] = {"-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-"},
    [FSM_EV_TO_MINUS] = {"-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-"},
    [FSM_EV_RCR_PLUS] = {"-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8", "sca,tlu/9",
                         "sca/8", "tld,scr,sca/8"},
    [FSM_EV_RCR_MINUS] = {"-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6", "scn/7", "scn/6",
                          "tld,scr,scn/6"},
    [FSM_EV_RCA] = {"-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x", "irc,tlu/9",
                    "tld,scr/6x"},
    [FSM_EV_RCN] = {"-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x", "irc,scr/8",
                    "tld,scr/6x"},
    [FSM_EV_RTR] = {"-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6", "sta/6", "sta/6",
                    "tld,zrc,sta/5"},
    [FSM_EV_RTA] = {"-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8", "tld,scr/6"},
    [FSM_EV_RUC] = {"-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8",
                    "scj/9"},
    [FSM_EV_RXJ_PLUS] = {"-", "-", "2", "3", "4", "5", "6", "6", "8", "9"},
    [FSM_EV_RXJ_MINUS] = {"-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3", "tlf/3", "tlf/3",
                          "tld,irc,str/5"},
    [FSM_EV_RXR] = {"-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9"},
};

struct expected {
    bool impossible;
    int next;
    bool tlu, tld, tls, tlf, irc, zrc, scr, sca, scn, str, sta, scj, ser;
};

static struct expected parse_cell(const char *text)
{
    struct expected e = {0};
    char buf[32];
    char *slash, *action, *save;

    if (strcmp(text, "-") == 0) {
        e.impossible = true;
        return e;
    }
    snprintf(buf, sizeof(buf), "%s", text);
    slash = strrchr(buf, '/');
    e.next = atoi(slash ? slash + 1 : buf); /* atoi stops at a footnote letter */
    if (!slash)
        return e;
    *slash = '\0';
    for (action = strtok_r(buf, ",", &save); action; action = strtok_r(NULL, ",", &save)) {
        bool *flag = !strcmp(action, "tlu")   ? &e.tlu
                     : !strcmp(action, "tld") ? &e.tld
                     : !strcmp(action, "tls") ? &e.tls
                     : !strcmp(action, "tlf") ? &e.tlf
                     : !strcmp(action, "irc") ? &e.irc
                     : !strcmp(action, "zrc") ? &e.zrc
                     : !strcmp(action, "scr") ? &e.scr
                     : !strcmp(action, "sca") ? &e.sca
                     : !strcmp(action, "scn") ? &e.scn
                     : !strcmp(action, "str") ? &e.str
                     : !strcmp(action, "sta") ? &e.sta
                     : !strcmp(action, "scj") ? &e.scj
                     : !strcmp(action, "ser") ? &e.ser
                                              : NULL;
        if (!flag)
            fail_msg("unknown action '%s' in '%s'", action, text);
        *flag = true;
    }
    return e;
}

/* RFC 1661 section 4.2, state by state. */
static bool rfc_timer_runs(int state)
{
    return state == FSM_CLOSING || state == FSM_STOPPING || state == FSM_REQ_SENT ||
           state == FSM_ACK_RCVD || state == FSM_ACK_SENT;
}

#define PRESET_COUNT 5
#define PRESET_DEADLINE 777
#define PRESET_ID 0x40
#define EVENT_ID 0x99
#define NOW ((ppp_time)1000000)

static void put_in_state(struct fake *f, enum fsm_state state)
{
    fake_init(f, NULL);
    f->fsm.state = state;
    f->fsm.restart_count = PRESET_COUNT;
    f->fsm.deadline = rfc_timer_runs(state) ? PRESET_DEADLINE : PPP_TIME_NEVER;
    f->fsm.id = PRESET_ID;
    f->fsm.next_id = PRESET_ID + 1;
    f->fsm.reply_seen = false;
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail_msg("%s in %s (RFC '%s'): " #cond, fsm_event_name(ev), fsm_state_name(st),        \
                     rfc_table[ev][st]);                                                           \
    } while (0)

static size_t count_with_id(const struct fake *f, uint8_t code, uint8_t id)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nsent; i++)
        n += f->sent[i].code == code && f->sent[i].id == id;
    return n;
}

static void check_packets(const struct fake *f, const struct expected *e, enum fsm_state st,
                          enum fsm_event ev)
{
    size_t want = (size_t)e->scr + e->sca + e->scn + e->str + e->sta + e->scj;

    CHECK(f->nsent == want);
    CHECK(fake_count(f, FSM_CONF_REQ) == e->scr);
    CHECK(count_with_id(f, FSM_CONF_ACK, EVENT_ID) == e->sca);
    CHECK(count_with_id(f, FSM_CONF_NAK, EVENT_ID) == e->scn);
    CHECK(fake_count(f, FSM_TERM_REQ) == e->str);
    CHECK(count_with_id(f, FSM_TERM_ACK, EVENT_ID) == e->sta);
    CHECK(fake_count(f, FSM_CODE_REJ) == e->scj);
    /* Requests: a TO+ retransmission keeps the Identifier (pppd), every
     * other Configure- or Terminate-Request takes a fresh one. */
    if (e->scr) {
        uint8_t id = ev == FSM_EV_TO_PLUS ? PRESET_ID : PRESET_ID + 1;

        CHECK(count_with_id(f, FSM_CONF_REQ, id) == 1);
        CHECK(f->fsm.id == id);
        CHECK(f->builds == 1);
    }
    if (e->str) {
        CHECK(count_with_id(f, FSM_TERM_REQ, PRESET_ID + 1) == 1);
        CHECK(f->fsm.id == PRESET_ID + 1);
    }
}

static void check_layers(const struct fake *f, const struct expected *e, enum fsm_state st,
                         enum fsm_event ev)
{
    CHECK(f->layer_ups == e->tlu && f->ops_ups == e->tlu);
    CHECK(f->layer_downs == e->tld && f->ops_downs == e->tld);
    CHECK(f->layer_starts == e->tls);
    CHECK(f->layer_finishes == e->tlf);
}

static void check_counter_and_timer(const struct fake *f, const struct expected *e,
                                    enum fsm_state st, enum fsm_event ev)
{
    int count = PRESET_COUNT;

    if (e->irc) /* section 4.4: Max-Terminate before str, Max-Configure otherwise */
        count = e->str ? fake_default_config.max_terminate : fake_default_config.max_configure;
    if (e->zrc)
        count = 0;
    if (e->scr || e->str)
        count--; /* every transmission counts, the first too */
    CHECK(f->fsm.restart_count == count);

    if (!rfc_timer_runs(e->next))
        CHECK(f->fsm.deadline == PPP_TIME_NEVER);
    else if (e->scr || e->str || e->zrc)
        CHECK(f->fsm.deadline == NOW + fake_default_config.restart);
    else
        CHECK(f->fsm.deadline == PRESET_DEADLINE); /* kept running, not restarted */
}

static void check_unchanged(const struct fake *f, enum fsm_state st, enum fsm_event ev)
{
    CHECK(f->fsm.state == st);
    CHECK(f->nsent == 0);
    CHECK(f->layer_ups + f->layer_downs + f->layer_starts + f->layer_finishes == 0);
    CHECK(f->fsm.restart_count == PRESET_COUNT);
    CHECK(f->fsm.deadline == (rfc_timer_runs(st) ? PRESET_DEADLINE : PPP_TIME_NEVER));
}

static void every_cell_matches_rfc1661(void **state)
{
    int cells = 0, impossible = 0;

    for (int s = 0; s < FSM_NSTATES; s++) {
        for (int v = 0; v < FSM_NEVENTS; v++) {
            enum fsm_state st = (enum fsm_state)s;
            enum fsm_event ev = (enum fsm_event)v;
            struct expected e = parse_cell(rfc_table[ev][st]);
            struct fake f;

            put_in_state(&f, st);
            fsm_event(&f.fsm, NOW, ev, EVENT_ID);
            cells++;
            if (e.impossible) {
                impossible++;
                check_unchanged(&f, st, ev);
                continue;
            }
            CHECK((int)f.fsm.state == e.next);
            check_packets(&f, &e, st, ev);
            check_layers(&f, &e, st, ev);
            check_counter_and_timer(&f, &e, st, ev);
        }
    }
    assert_int_equal(cells, 160);
    assert_int_equal(impossible, 40); /* the RFC's "-" cells */
}

/* Footnote p with pppd's passive option: TO- still leads to Stopped, but
 * This-Layer-Finished is skipped so the link keeps waiting. */
static void passive_to_minus_skips_tlf(void **state)
{
    const enum fsm_state from[] = {FSM_REQ_SENT, FSM_ACK_RCVD, FSM_ACK_SENT};

    for (size_t i = 0; i < ARRAY_SIZE(from); i++) {
        struct fake f;
        struct fsm_config config = fake_default_config;

        config.passive = true;
        fake_init(&f, &config);
        f.fsm.state = from[i];
        f.fsm.deadline = PRESET_DEADLINE;
        fsm_event(&f.fsm, NOW, FSM_EV_TO_MINUS, 0);
        assert_int_equal(f.fsm.state, FSM_STOPPED);
        assert_int_equal(f.layer_finishes, 0);
        assert_int_equal(f.nsent, 0);
        assert_true(f.fsm.deadline == PPP_TIME_NEVER);
    }
}

/* pppd's silent option replaces irc,scr/6 on Up in Starting and on Open in
 * Closed by a silent wait in Stopped. */
static void silent_up_and_open_wait_in_stopped(void **state)
{
    struct fsm_config config = fake_default_config;
    struct fake f;

    config.silent = true;
    fake_init(&f, &config);
    f.fsm.state = FSM_STARTING;
    fsm_event(&f.fsm, NOW, FSM_EV_UP, 0);
    assert_int_equal(f.fsm.state, FSM_STOPPED);
    assert_int_equal(f.nsent, 0);
    assert_true(f.fsm.silent_waiting);
    assert_true(f.fsm.deadline == PPP_TIME_NEVER);

    fake_init(&f, &config);
    f.fsm.state = FSM_CLOSED;
    fsm_event(&f.fsm, NOW, FSM_EV_OPEN, 0);
    assert_int_equal(f.fsm.state, FSM_STOPPED);
    assert_int_equal(f.nsent, 0);
    assert_true(f.fsm.silent_waiting);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_cell_matches_rfc1661),
        cmocka_unit_test(passive_to_minus_skips_tlf),
        cmocka_unit_test(silent_up_and_open_wait_in_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
