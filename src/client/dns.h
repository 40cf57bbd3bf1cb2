/*
 * dns.h - per-interface resolvers through resolvectl (systemd-resolved) or
 * resolvconf, whichever is installed, as wg-quick does.  The only place
 * pppssh runs a helper program: neither has a stable library interface.
 */
#ifndef PPPSSH_RUN_DNS_H
#define PPPSSH_RUN_DNS_H

#include <stddef.h>

#include "addr.h"

/* 0, or -errno with err set (-ENOENT: neither tool is installed). */
int dns_apply(const char *ifname, const struct os_ip *dns, size_t n, char *err, size_t errlen);
int dns_remove(const char *ifname, char *err, size_t errlen);

#endif
