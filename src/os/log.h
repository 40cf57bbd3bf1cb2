/*
 * log.h - log lines to stderr (foreground) or syslog (daemon).
 */
#ifndef PPPSSH_OS_LOG_H
#define PPPSSH_OS_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/*
 * Chooses the destination: stderr as "ident: message" (use_syslog false),
 * or syslog(3) with ident, LOG_PID and facility LOG_DAEMON, connected at
 * once (a sandboxed session may not open the socket later).  Messages less
 * important than max_level are dropped.  Before the first call: stderr,
 * ident "pppssh", LOG_LEVEL_INFO.
 */
void log_setup(const char *ident, bool use_syslog, enum log_level max_level);
/* After closing descriptors this process did not open itself (close_range
 * in a child): syslog's socket is one of them, and the next descriptor
 * opened takes its number, which syslog() would write to and, failing,
 * close.  Connects a new socket. */
void log_reconnect(void);

/* Logs one line (a trailing newline is added, not expected). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* true if a message at level would be emitted (to skip costly formatting). */
bool log_enabled(enum log_level level);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
