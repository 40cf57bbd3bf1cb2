/*
 * peer_pcap.c - RFC 1662 deframing of both directions into a pcap file.
 */
#include "peer_pcap.h"

#include <string.h>
#include <time.h>

#define LINKTYPE_PPP_HDLC 50
#define PROTO_LCP 0xc021

static void put_le32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
    fwrite(b, 1, sizeof b, f);
}

static void put_le16(FILE *f, uint16_t v)
{
    uint8_t b[2] = {v & 0xff, v >> 8};
    fwrite(b, 1, sizeof b, f);
}

bool wire_tap_open(struct wire_tap *tap, const char *path)
{
    memset(tap, 0, sizeof *tap);
    if (path == NULL)
        return true;
    tap->pcap = fopen(path, "wb");
    if (tap->pcap == NULL)
        return false;
    put_le32(tap->pcap, 0xa1b2c3d4); /* classic pcap, microseconds */
    put_le16(tap->pcap, 2);
    put_le16(tap->pcap, 4);
    put_le32(tap->pcap, 0); /* thiszone */
    put_le32(tap->pcap, 0); /* sigfigs */
    put_le32(tap->pcap, WIRE_FRAME_MAX);
    put_le32(tap->pcap, LINKTYPE_PPP_HDLC);
    return fflush(tap->pcap) == 0;
}

static void write_record(FILE *f, const uint8_t *frame, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    put_le32(f, (uint32_t)ts.tv_sec);
    put_le32(f, (uint32_t)(ts.tv_nsec / 1000));
    put_le32(f, (uint32_t)len);
    put_le32(f, (uint32_t)len);
    fwrite(frame, 1, len, f);
    fflush(f);
}

/* Remember LCP codes so the driver can tell, e.g., that a Terminate-Ack
 * really arrived.  Address/Control and a compressed Protocol are allowed
 * (LCP itself never uses PFC, RFC 1661 section 6.5, but look anyway). */
static void note_lcp_code(struct wire_deframer *d)
{
    const uint8_t *p = d->frame;
    size_t n = d->len - 2; /* FCS */
    if (n >= 2 && p[0] == 0xff && p[1] == 0x03) {
        p += 2;
        n -= 2;
    }
    if (n >= 3 && ((p[0] << 8) | p[1]) == PROTO_LCP && p[2] < 16)
        d->lcp_codes_seen |= (uint16_t)(1u << p[2]);
}

static void end_frame(struct wire_tap *tap, struct wire_deframer *d)
{
    /* Shorter than Protocol + FCS is flag fill or noise, not a frame. */
    if (d->inside && !d->overflow && !d->escaped && d->len >= 4) { /* 7d 7e aborts */
        d->frames++;
        note_lcp_code(d);
        if (tap->pcap != NULL)
            write_record(tap->pcap, d->frame, d->len);
    }
    d->len = 0;
    d->inside = true;
    d->escaped = false;
    d->overflow = false;
}

void wire_tap_feed(struct wire_tap *tap, enum wire_direction dir, const uint8_t *data, size_t len)
{
    struct wire_deframer *d = &tap->dir[dir];
    for (size_t i = 0; i < len; i++) {
        uint8_t b = data[i];
        if (b == 0x7e) {
            end_frame(tap, d);
        } else if (!d->inside) {
            continue;
        } else if (b == 0x7d) {
            d->escaped = true;
        } else if (d->len == sizeof d->frame) {
            d->overflow = true;
        } else {
            d->frame[d->len++] = d->escaped ? b ^ 0x20 : b;
            d->escaped = false;
        }
    }
}

void wire_tap_close(struct wire_tap *tap)
{
    if (tap->pcap != NULL)
        fclose(tap->pcap);
    tap->pcap = NULL;
}
