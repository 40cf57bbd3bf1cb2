/*
 * refuse.h - telling a client in band why `pppssh serve` will not serve
 * it: an LCP Terminate-Request whose Data field carries the reason (RFC
 * 1661 section 5.5), which `pppssh up` quotes in its error (pppd logs a
 * peer's reason only in the Opened state).  A forced command's stderr may
 * go to syslog or /dev/null and never reach the client; its stdout is the
 * PPP link.
 */
#ifndef PPPSSH_RUN_REFUSE_H
#define PPPSSH_RUN_REFUSE_H

/* Writes a Configure-Request (a Terminate-Request is sent from Req-Sent,
 * RFC 1661 section 4.1's Close event) and the Terminate-Request carrying
 * reason (at most PPP_REASON_MAX bytes) to out_fd.  Best effort: the
 * session is over either way. */
void refuse_in_band(int out_fd, const char *reason);

#endif
