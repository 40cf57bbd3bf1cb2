/*
 * ending.c - how a tunnel ends: the first failure (its exit status and
 * line) and a stop asked for (down, INT, TERM).  Each closes the link;
 * the supervisor then sees it go Dead and finishes.
 */
#include "tunnel.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "sdnotify.h"

#define STOP_WAIT_MS 10000 /* for LCP Terminate to complete on down/INT/TERM */

void tunnel_fail(struct tunnel *t, int status, const char *fmt, ...)
{
    if (!t->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->exit_msg, sizeof(t->exit_msg), fmt, ap);
        va_end(ap);
        t->exit_status = status;
        t->failed = true;
        log_error("%s", t->exit_msg);
    }
    if (!tunnel_link_dead(t))
        ppp_link_close(t->link, t->now, "pppssh: local failure");
}

void tunnel_stop(struct tunnel *t, const char *reason)
{
    if (tunnel_stopping(t)) {
        log_warn("stopping now, without waiting for the peer");
        supervisor_set_state(&t->sup, SUP_DONE, reason);
        return;
    }
    log_info("stopping: %s", reason);
    snprintf(t->stop_reason, sizeof(t->stop_reason), "%s", reason);
    supervisor_set_state(&t->sup, SUP_STOPPING, reason);
    sd_notify_stopping(reason);
    t->deadline = t->now + (ppp_time)STOP_WAIT_MS * PPP_MS;
    if (!tunnel_link_dead(t))
        ppp_link_close(t->link, t->now, reason);
}
