/*
 * peerlog.c - the engine's lines about what the peer sent (log_peer) and
 * the text the far end writes on the transport's stderr: rate-limited and
 * deduplicated (loglimit.h), so that a peer's flood of junk cannot push
 * our own lines, the session's accounting line among them, past
 * journald's rate limit.  Our own lines never come here.
 */
#include "tunnel.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static void write_line(void *ctx, enum log_level level, const char *line)
{
    (void)ctx;
    log_msg(level, "%s", line);
}

void peerlog_start(struct tunnel *t)
{
    log_limit_init(&t->peer_log, write_line, t);
}

void peerlog_line(void *user, enum ppp_log_level level, const char *line)
{
    static const enum log_level map[] = {
        [PPP_LOG_ERROR] = LOG_LEVEL_ERROR,
        [PPP_LOG_WARN] = LOG_LEVEL_WARN,
        [PPP_LOG_INFO] = LOG_LEVEL_INFO,
        [PPP_LOG_DEBUG] = LOG_LEVEL_DEBUG,
    };
    struct tunnel *t = user;

    log_limit_line(&t->peer_log, t->now, map[level], line);
}

ppp_time peerlog_expiry(const struct tunnel *t)
{
    uint64_t when = log_limit_expiry(&t->peer_log);
    return when == LOG_LIMIT_NEVER ? PPP_TIME_NEVER : (ppp_time)when;
}

void peerlog_timer(struct tunnel *t, ppp_time now)
{
    log_limit_tick(&t->peer_log, now);
}

void peerlog_text(struct tunnel *t, enum log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_limit_line(&t->peer_log, t->now, level, line);
}

void peerlog_flush(struct tunnel *t)
{
    log_limit_flush(&t->peer_log);
}
