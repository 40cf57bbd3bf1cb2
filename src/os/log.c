/* log.c - log lines to stderr or syslog */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "sanitize.h"

static const char *log_ident = "pppssh";
static bool log_to_syslog;
static bool log_to_journal; /* stderr is systemd's journal stream */
static enum log_level log_max = LOG_LEVEL_INFO;

/* systemd names the journal stream it gave a service as JOURNAL_STREAM
 * = "DEVICE:INODE" (systemd.exec(5)); the journal prefixes each line
 * with the unit's own identifier, so ours would be said twice. */
static bool stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (!stream || sscanf(stream, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
        return false;
    return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(const char *ident, bool use_syslog, enum log_level max_level)
{
    if (log_to_syslog)
        closelog();
    log_ident = ident ? ident : "pppssh";
    log_to_syslog = use_syslog;
    log_max = max_level;
    log_to_journal = !use_syslog && stderr_is_journal();
    /* LOG_NDELAY: the socket to /dev/log is connected now, not at the
     * first line, which may come after the session's seccomp filter
     * forbids creating a socket (sandbox.h). */
    if (use_syslog)
        openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_reconnect(void)
{
    if (!log_to_syslog)
        return;
    closelog(); /* its descriptor is closed already: only forgotten here */
    openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_enabled(enum log_level level)
{
    return level <= log_max;
}

static int syslog_priority(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_ERROR:
        return LOG_ERR;
    case LOG_LEVEL_WARN:
        return LOG_WARNING;
    case LOG_LEVEL_INFO:
        return LOG_INFO;
    default:
        return LOG_DEBUG;
    }
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char raw[1024], line[1024];
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* Lines quote what the peer said (ssh's stderr, Terminate reasons):
     * never its escape sequences on a terminal or in the journal. */
    text_sanitize_str(line, sizeof(line), raw);
    if (log_to_syslog)
        syslog(syslog_priority(level), "%s", line);
    else if (log_to_journal)
        fprintf(stderr, "%s\n", line);
    else
        fprintf(stderr, "%s: %s\n", log_ident, line);
}
