/*
 * outage.h - packets from the TUN interface while the link is down.
 *
 * During a reconnect the interface, its addresses and routes stay (issue
 * 4), so the hosts behind it keep sending.  We keep reading the TUN then,
 * so that what waits is held and counted by us, not left in the kernel's
 * TUN queue: packets go into the same fair queue as ever (fq.h), but only
 * up to OUTAGE_QUEUE_MAX bytes of its arena (or the whole arena if that is
 * smaller); beyond, they are dropped and counted.  When the link is up
 * again the queue drains into it; CoDel drops what waited too long by its
 * own rule (RFC 8289), TCP retransmits the rest of the gap.  It drains
 * only once every network protocol that was up before is up again (or
 * OUTAGE_NCP_GRACE_MS after the first): IPCP and IPV6CP reopen one after
 * the other, and the engine refuses IPv4 packets until IPCP is Opened.
 *
 * The bound is small on purpose: a few hundred kilobytes bridge a
 * reconnect of a TCP flow or two (their windows are in flight anyway);
 * more would only be seconds-old data sent in a burst on a fresh link.
 */
#ifndef PPPSSH_RUN_OUTAGE_H
#define PPPSSH_RUN_OUTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

#define OUTAGE_QUEUE_MAX (256u * 1024u) /* arena bytes held while the link is down */
#define OUTAGE_NCP_GRACE_MS 2000        /* for the other NCP after the first is up */

struct outage_queue {
    size_t limit;        /* arena bytes: min(OUTAGE_QUEUE_MAX, the queue's capacity) */
    uint64_t queued;     /* packets taken into the queue while the link was down */
    uint64_t dropped;    /* packets refused while the link was down: over the limit */
    bool had_v4, had_v6; /* IPCP / IPV6CP have been up */
    ppp_time back_at;    /* when the first NCP came up again; PPP_TIME_NEVER: down */
};

/* capacity: the fair queue's arena bytes (fq_capacity()). */
void outage_init(struct outage_queue *o, size_t capacity);

/* A packet of len bytes arrived while the link is down and the queue's
 * arena holds arena_used bytes (chunks in use x chunk size); chunk: the
 * arena's chunk size.  True (counted as queued) if it may be enqueued,
 * false (counted as dropped) if it would take the queue past the limit. */
bool outage_admit(struct outage_queue *o, size_t arena_used, size_t len, size_t chunk);

/* May the queue drain into the engine now?  v4_up, v6_up: IPCP, IPV6CP are
 * up.  False while neither is, and after a reconnect until each that had
 * been up is up again or the grace time since the first has passed. */
bool outage_may_drain(struct outage_queue *o, bool v4_up, bool v6_up, ppp_time now);
/* When a refusal of outage_may_drain() runs out (PPP_TIME_NEVER if none). */
ppp_time outage_drain_at(const struct outage_queue *o);

#endif
