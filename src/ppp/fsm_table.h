/*
 * fsm_table.h - RFC 1661 section 4.1's state transition table as data
 * (fsm_table.c), read only by fsm.c's transition().
 */
#ifndef PPPSSH_FSM_TABLE_H
#define PPPSSH_FSM_TABLE_H

#include <stdint.h>

#include "fsm.h"

/* Actions of RFC 1661 section 4.4, one bit each. */
enum {
    A_TLU = 1 << 0,
    A_TLD = 1 << 1,
    A_TLS = 1 << 2,
    A_TLF = 1 << 3,
    A_IRC = 1 << 4,
    A_ZRC = 1 << 5,
    A_SCR = 1 << 6,
    A_SCA = 1 << 7,
    A_SCN = 1 << 8,
    A_STR = 1 << 9,
    A_STA = 1 << 10,
    A_SCJ = 1 << 11,
    A_SER = 1 << 12,
    /* Footnote p: with the passive option, TO- does not finish the layer. */
    F_PASSIVE = 1 << 13,
    /* pppd's silent option: Up/Open wait in Stopped instead of irc,scr/6. */
    F_SILENT = 1 << 14,
    /* "-": the event cannot happen in this state (section 4.1). */
    F_ILLEGAL = 1 << 15,
};

struct cell {
    uint8_t next;
    uint16_t actions;
};

extern const struct cell fsm_transitions[FSM_NSTATES][FSM_NEVENTS];

#endif
