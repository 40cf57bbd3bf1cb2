/*
 * hdlc_bench.c - throughput of HDLC encode and decode of 1400-byte packets
 * (a typical tunnel MTU's worth), beside memcpy of the same bytes, which is
 * the ceiling any framing could reach.
 *
 * Usage: hdlc_bench [seconds-per-case]   (default 0.3)
 * Output: one line per case, "name MB/s ratio-to-memcpy", and a final
 * machine-readable line per headline case for bench/run.sh:
 *   RESULT encode_random_accm0 <MB/s>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fcs.h"
#include "hdlc.h"

#define PACKET_LEN 1400
#define STREAM_PACKETS 64
#define PROTO_IP 0x0021

static double seconds_per_case = 0.3;

/* Keeps the compiler from dropping work whose result is otherwise unused. */
static volatile uint64_t sink;

/* CPU time of this thread, not wall time: the machines this runs on are
 * shared, and the question is what the framing costs in CPU. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct workload {
    const char *name;
    uint8_t packets[STREAM_PACKETS][PACKET_LEN];
};

/* The operations measured: each processes one batch of STREAM_PACKETS
 * packets and returns the information bytes it handled. */
typedef size_t (*batch_fn)(const struct workload *w, const struct hdlc_tx *tx);

static uint8_t out[STREAM_PACKETS][2 * PACKET_LEN + 32];
static uint8_t stream[STREAM_PACKETS * (2 * PACKET_LEN + 32)];
static size_t stream_len;

static size_t batch_memcpy(const struct workload *w, const struct hdlc_tx *tx)
{
    for (int i = 0; i < STREAM_PACKETS; i++) {
        memcpy(out[i], w->packets[i], PACKET_LEN);
        sink += out[i][i];
    }
    return STREAM_PACKETS * PACKET_LEN;
}

static size_t batch_fcs(const struct workload *w, const struct hdlc_tx *tx)
{
    for (int i = 0; i < STREAM_PACKETS; i++)
        sink += tx->fcs32 ? ppp_fcs32(PPP_FCS32_INIT, w->packets[i], PACKET_LEN)
                          : ppp_fcs16(PPP_FCS16_INIT, w->packets[i], PACKET_LEN);
    return STREAM_PACKETS * PACKET_LEN;
}

/* The table way alone, to show what the carry-less multiply adds. */
static size_t batch_fcs_slicing(const struct workload *w, const struct hdlc_tx *tx)
{
    for (int i = 0; i < STREAM_PACKETS; i++)
        sink += tx->fcs32 ? ppp_fcs32_slicing(PPP_FCS32_INIT, w->packets[i], PACKET_LEN)
                          : ppp_fcs16_slicing(PPP_FCS16_INIT, w->packets[i], PACKET_LEN);
    return STREAM_PACKETS * PACKET_LEN;
}

static size_t batch_encode(const struct workload *w, const struct hdlc_tx *tx)
{
    for (int i = 0; i < STREAM_PACKETS; i++)
        sink +=
            hdlc_encode(out[i], sizeof(out[i]), tx, PROTO_IP, w->packets[i], PACKET_LEN, i == 0);
    return STREAM_PACKETS * PACKET_LEN;
}

/* Encode the workload once into one stream (frames sharing flags). */
static void prepare_stream(const struct workload *w, const struct hdlc_tx *tx)
{
    stream_len = 0;
    for (int i = 0; i < STREAM_PACKETS; i++)
        stream_len += hdlc_encode(stream + stream_len, sizeof(stream) - stream_len, tx, PROTO_IP,
                                  w->packets[i], PACKET_LEN, i == 0);
}

static size_t batch_decode(const struct workload *w, const struct hdlc_tx *tx)
{
    static uint8_t buf[PACKET_LEN + 16];
    struct hdlc_decoder dec;
    size_t bytes = 0;

    hdlc_decoder_init(&dec, buf, sizeof(buf));
    dec.fcs32 = tx->fcs32;
    for (size_t off = 0; off < stream_len;) {
        const uint8_t *frame;
        size_t frame_len;
        off += hdlc_decode(&dec, stream + off, stream_len - off, &frame, &frame_len);
        if (frame)
            bytes += frame_len - 1; /* minus the 1-byte Protocol: information only */
    }
    if (dec.stats.frames != STREAM_PACKETS) {
        fprintf(stderr, "hdlc_bench: decoded %llu of %d frames\n",
                (unsigned long long)dec.stats.frames, STREAM_PACKETS);
        exit(1);
    }
    sink += bytes;
    return bytes;
}

static double measure(batch_fn fn, const struct workload *w, const struct hdlc_tx *tx)
{
    double start = now(), elapsed;
    uint64_t bytes = 0;

    fn(w, tx); /* warm caches */
    start = now();
    do {
        for (int i = 0; i < 16; i++)
            bytes += fn(w, tx);
        elapsed = now() - start;
    } while (elapsed < seconds_per_case);
    return (double)bytes / elapsed / 1e6;
}

static void fill_random(struct workload *w)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int p = 0; p < STREAM_PACKETS; p++)
        for (int i = 0; i < PACKET_LEN; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w->packets[p][i] = (uint8_t)(x >> 32);
        }
}

static void run_workload(const struct workload *w)
{
    const uint32_t accms[] = {0, 0xffffffffu};

    for (size_t a = 0; a < 2; a++) {
        const struct hdlc_tx tx = {accms[a], true, true, false};
        double copy = measure(batch_memcpy, w, &tx);
        double fcs = measure(batch_fcs, w, &tx);
        double fcs_tables = measure(batch_fcs_slicing, w, &tx);
        double enc = measure(batch_encode, w, &tx);
        prepare_stream(w, &tx);
        double dec = measure(batch_decode, w, &tx);

        printf("%-6s accm %08x  memcpy %8.0f  fcs16 %7.0f (tables %5.0f)  encode %7.0f (%4.2f of "
               "memcpy)"
               "  decode %7.0f (%4.2f)  MB/s\n",
               w->name, accms[a], copy, fcs, fcs_tables, enc, enc / copy, dec, dec / copy);
        printf("RESULT encode_%s_accm%s %.0f\n", w->name, a ? "ff" : "0", enc);
        printf("RESULT decode_%s_accm%s %.0f\n", w->name, a ? "ff" : "0", dec);
        printf("RESULT memcpy_%s %.0f\n", w->name, copy);
        printf("RESULT fcs16_%s %.0f\n", w->name, fcs);
        printf("RESULT fcs16_tables_%s %.0f\n", w->name, fcs_tables);
    }
}

int main(int argc, char **argv)
{
    static struct workload random_w = {.name = "random"}, zero_w = {.name = "zero"};

    if (argc > 1)
        seconds_per_case = atof(argv[1]);
    if (seconds_per_case <= 0 || seconds_per_case > 10) {
        fprintf(stderr, "usage: hdlc_bench [seconds-per-case (0-10]]\n");
        return 2;
    }
    fill_random(&random_w);
    printf("HDLC framing of %d-byte packets, 16-bit FCS, ACFC+PFC, MB/s of information\n",
           PACKET_LEN);
    run_workload(&random_w);
    run_workload(&zero_w);
    return 0;
}
