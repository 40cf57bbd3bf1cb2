/*
 * peer_options.c - ppp_peer's command line.
 */
#include "peer_options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_ipv4(const char *text, uint32_t *out)
{
    struct in_addr in;
    if (inet_pton(AF_INET, text, &in) != 1)
        return false;
    *out = ntohl(in.s_addr);
    return true;
}

static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || end == text || v > max)
        return false;
    *out = v;
    return true;
}

enum {
    OPT_CONNECT = 256,
    OPT_LOCAL,
    OPT_REMOTE,
    OPT_PASSIVE,
    OPT_SILENT,
    OPT_MRU,
    OPT_RESTART,
    OPT_ECHO_INTERVAL,
    OPT_ECHOES,
    OPT_NO_IPV4,
    OPT_NO_IPV6,
    OPT_PING,
    OPT_PING6,
    OPT_PCAP,
    OPT_TIMEOUT,
    OPT_VERBOSE,
    OPT_HOLD,
    OPT_WAIT_PEER_CLOSE,
    OPT_CLOSE_REASON,
};

static const struct option long_options[] = {
    {"connect", required_argument, NULL, OPT_CONNECT},
    {"local", required_argument, NULL, OPT_LOCAL},
    {"remote", required_argument, NULL, OPT_REMOTE},
    {"passive", no_argument, NULL, OPT_PASSIVE},
    {"silent", no_argument, NULL, OPT_SILENT},
    {"mru", required_argument, NULL, OPT_MRU},
    {"restart", required_argument, NULL, OPT_RESTART},
    {"echo-interval", required_argument, NULL, OPT_ECHO_INTERVAL},
    {"echoes", required_argument, NULL, OPT_ECHOES},
    {"no-ipv4", no_argument, NULL, OPT_NO_IPV4},
    {"no-ipv6", no_argument, NULL, OPT_NO_IPV6},
    {"ping", required_argument, NULL, OPT_PING},
    {"ping6", required_argument, NULL, OPT_PING6},
    {"pcap", required_argument, NULL, OPT_PCAP},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"hold", required_argument, NULL, OPT_HOLD},
    {"wait-peer-close", no_argument, NULL, OPT_WAIT_PEER_CLOSE},
    {"close-reason", required_argument, NULL, OPT_CLOSE_REASON},
    {NULL, 0, NULL, 0},
};

/* One option; argv/optind give --ping its second argument. */
static bool apply_option(struct options *o, int c, char **argv, int argc)
{
    struct ppp_settings *s = &o->settings;
    unsigned long v;
    switch (c) {
    case OPT_CONNECT:
        o->connect_path = optarg;
        return true;
    case OPT_PCAP:
        o->pcap_path = optarg;
        return true;
    case OPT_LOCAL:
        return parse_ipv4(optarg, &s->local_ip);
    case OPT_REMOTE:
        return parse_ipv4(optarg, &s->remote_ip);
    case OPT_PASSIVE:
        s->passive = true;
        return true;
    case OPT_SILENT:
        s->silent = true;
        return true;
    case OPT_NO_IPV4:
        s->ipv4 = false;
        return true;
    case OPT_NO_IPV6:
        s->ipv6 = false;
        return true;
    case OPT_VERBOSE:
        o->verbose = true;
        return true;
    case OPT_WAIT_PEER_CLOSE:
        o->wait_peer_close = true;
        return true;
    case OPT_CLOSE_REASON:
        o->close_reason = optarg;
        return true;
    case OPT_MRU:
        return parse_uint(optarg, 65535, &v) && (s->mru = (uint16_t)v, true);
    case OPT_RESTART:
        return parse_uint(optarg, 600000, &v) && (s->restart_ms = (uint32_t)v, true);
    case OPT_ECHO_INTERVAL:
        return parse_uint(optarg, 600000, &v) && (s->echo_interval_ms = (uint32_t)v, true);
    case OPT_ECHOES:
        return parse_uint(optarg, 1000, &v) && (o->echoes = (unsigned)v, true);
    case OPT_PING6:
        return parse_uint(optarg, 1000, &v) && (o->ping6_count = (unsigned)v, true);
    case OPT_HOLD:
        return parse_uint(optarg, 600000, &v) && (o->hold_ms = (unsigned)v, true);
    case OPT_TIMEOUT:
        return parse_uint(optarg, 3600, &v) && (o->timeout_s = (unsigned)v, true);
    case OPT_PING:
        if (optind >= argc || !parse_ipv4(optarg, &o->ping_target) ||
            !parse_uint(argv[optind], 1000, &v))
            return false;
        optind++;
        o->ping_count = (unsigned)v;
        return true;
    default:
        return false;
    }
}

bool parse_options(struct options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    ppp_settings_default(&o->settings);
    o->timeout_s = 30;
    int c;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (!apply_option(o, c, argv, argc)) {
            fprintf(stderr, "ppp_peer: bad option %s (see the comment at the top of ppp_peer.c)\n",
                    argv[optind - 1]);
            return false;
        }
    }
    return optind == argc;
}
