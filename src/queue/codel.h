/*
 * codel.h - the CoDel drop decision for one queue (RFC 8289), told one
 * head packet at a time by its owner (fq.c), which does the dropping.
 */
#ifndef PPPSSH_CODEL_H
#define PPPSSH_CODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp.h"

struct codel_params {
    ppp_time target;    /* acceptable standing queue delay (5 ms) */
    ppp_time interval;  /* how long it may stay above target (100 ms) */
    uint32_t maxpacket; /* a backlog this small is never "standing" */
};

struct codel {
    ppp_time first_above_time; /* 0: sojourn below target */
    ppp_time drop_next;        /* next drop while dropping */
    uint32_t count, lastcount; /* drops in this / the last dropping state */
    bool dropping;
};

enum codel_verdict { CODEL_SEND, CODEL_DROP };

/* The head packet waited sojourn; backlog bytes stay behind it.  CODEL_DROP
 * means drop (or ECN-mark and send) it. */
enum codel_verdict codel_judge(struct codel *c, const struct codel_params *p, ppp_time now,
                               ppp_time sojourn, uint32_t backlog);
/* The queue ran empty (RFC 8289 section 5.5: forget the episode). */
void codel_queue_empty(struct codel *c);

/* t + interval / sqrt(count), the control law (RFC 8289 section 5.4). */
ppp_time codel_control_law(ppp_time t, ppp_time interval, uint32_t count);

#endif
