/*
 * fields.c - the table of what a tunnel reports (fields.h).
 */
#include <stddef.h>
#include <string.h>

#include "fields.h"

#define TEXT(k, h)                                                                                 \
    {                                                                                              \
        k, FIELD_KIND_TEXT, FIELD_UNIT_NONE, NULL, h                                               \
    }

const struct tunnel_field TUNNEL_FIELDS[FIELD_COUNT] = {
    [FIELD_TUNNEL] = TEXT("tunnel", "the tunnel's name"),
    [FIELD_STATE] = TEXT("state", "connecting, up, ending, backoff, stopping or done"),
    [FIELD_INTERFACE] = TEXT("interface", "the TUN interface"),
    [FIELD_PID] = {"pid", FIELD_KIND_GAUGE, FIELD_UNIT_NONE, NULL, "the tunnel's process"},
    [FIELD_LOCAL4] = TEXT("local4", "our IPv4 address (IPCP)"),
    [FIELD_PEER4] = TEXT("peer4", "the peer's IPv4 address (IPCP)"),
    [FIELD_LOCAL6] = TEXT("local6", "our IPv6 link-local address (IPV6CP interface identifier)"),
    [FIELD_PEER6] = TEXT("peer6", "the peer's IPv6 link-local address"),
    [FIELD_ADDRESS6] = TEXT("address6", "the configured IPv6 address and prefix (Address6)"),
    [FIELD_UPTIME] = {"uptime", FIELD_KIND_GAUGE, FIELD_UNIT_SECONDS, "pppssh_uptime_seconds",
                      "seconds since the link last came up"},
    [FIELD_TX_BYTES] = {"tx_bytes", FIELD_KIND_COUNTER, FIELD_UNIT_BYTES,
                        "pppssh_transmit_bytes_total", "IP bytes sent to the peer"},
    [FIELD_TX_PACKETS] = {"tx_packets", FIELD_KIND_COUNTER, FIELD_UNIT_NONE,
                          "pppssh_transmit_packets_total", "IP packets sent to the peer"},
    [FIELD_RX_BYTES] = {"rx_bytes", FIELD_KIND_COUNTER, FIELD_UNIT_BYTES,
                        "pppssh_receive_bytes_total", "IP bytes received from the peer"},
    [FIELD_RX_PACKETS] = {"rx_packets", FIELD_KIND_COUNTER, FIELD_UNIT_NONE,
                          "pppssh_receive_packets_total", "IP packets received from the peer"},
    [FIELD_ECHO_RTT] = {"echo_rtt_us", FIELD_KIND_GAUGE, FIELD_UNIT_MICROSECONDS,
                        "pppssh_echo_rtt_seconds",
                        "round trip of the last LCP Echo-Request answered"},
    [FIELD_QUEUE_PACKETS] = {"queue_packets", FIELD_KIND_GAUGE, FIELD_UNIT_NONE,
                             "pppssh_queue_packets", "packets waiting in the outbound queue"},
    [FIELD_QUEUE_DELAY_MAX] = {"queue_delay_max_us", FIELD_KIND_GAUGE, FIELD_UNIT_MICROSECONDS,
                               "pppssh_queue_delay_max_seconds",
                               "longest wait of a packet in the outbound queue"},
    [FIELD_QUEUE_DROPS] = {"queue_drops", FIELD_KIND_COUNTER, FIELD_UNIT_NONE,
                           "pppssh_queue_drops_total",
                           "packets the outbound queue dropped (CoDel and overflow)"},
    [FIELD_PATH_QUEUE_DELAY] = {"path_queue_delay_us", FIELD_KIND_GAUGE, FIELD_UNIT_MICROSECONDS,
                                "pppssh_path_queue_delay_seconds",
                                "queueing in the path below us, from the last RTT sample"},
    [FIELD_PACER_RATE] = {"pacer_rate_bps", FIELD_KIND_GAUGE, FIELD_UNIT_BITS_PER_SECOND,
                          "pppssh_pacer_rate_bits_per_second",
                          "the pacer's sending rate; absent while unlimited"},
    [FIELD_RECONNECTS] = {"reconnects", FIELD_KIND_COUNTER, FIELD_UNIT_NONE,
                          "pppssh_reconnects_total", "times the link came up again"},
    [FIELD_LAST_ERROR] = TEXT("last_error", "why the last session ended"),
};

void field_values_clear(struct field_values *fv)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        strcpy(fv->v[i], FIELD_ABSENT);
}

int field_find(const char *key, size_t len)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        if (strlen(TUNNEL_FIELDS[i].key) == len && memcmp(TUNNEL_FIELDS[i].key, key, len) == 0)
            return i;
    return -1;
}
