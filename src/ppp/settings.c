/* settings.c - the defaults documented in ppp.h and their range checks */
#include <string.h>

#include "link_internal.h"

void ppp_settings_default(struct ppp_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->mru = 1500;
    s->mru_max = 65535;
    s->accm = 0;
    s->magic = true;
    s->restart_ms = 3000;
    s->max_configure = 10;
    s->max_terminate = 2;
    s->max_failure = 5;
    s->max_loopback = 10;
    s->echo_interval_ms = 0;
    s->echo_failures = 4;
    s->ipv4 = true;
    s->ipv6 = true;
    s->tx_buffer = 256 * 1024;
}

/* RFC 1661 section 6.1 lets an implementation refuse tiny MRUs; 128 is
 * what pppd accepts (MINMRU). */
#define MIN_MRU 128
#define MAX_RESTART_MS (10u * 60 * 1000)
#define MIN_TX_BUFFER 4096u
#define MAX_TX_BUFFER (64u * 1024 * 1024)

bool settings_valid(const struct ppp_settings *s)
{
    if (s->mru < MIN_MRU || s->mru_max < MIN_MRU || s->mru_max < s->mru)
        return false;
    if (s->restart_ms == 0 || s->restart_ms > MAX_RESTART_MS)
        return false;
    if (s->max_configure == 0 || s->max_terminate == 0 || s->max_failure == 0)
        return false;
    if (s->echo_interval_ms && s->echo_failures == 0)
        return false;
    if (!s->ipv4 && !s->ipv6) /* nothing to carry */
        return false;
    return s->tx_buffer >= MIN_TX_BUFFER && s->tx_buffer <= MAX_TX_BUFFER;
}
