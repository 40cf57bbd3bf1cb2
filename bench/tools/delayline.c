/*
 * delayline - bridge two interfaces, holding every frame DELAY_MS before
 * passing it on (both directions).  The kernel here lacks sch_netem, so the
 * bench's shaped path is tbf (rate and queue, in the kernel) plus this
 * program (delay).  Frames leave through the egress qdisc of the other
 * interface: when tbf's queue is full, that is the path's tail drop.
 *
 *   delayline IF_A IF_B DELAY_MS MAX_SECONDS [LOSS_PER_10000 [JITTER_MS]]
 *
 * LOSS_PER_10000 drops that many frames in 10000 at random (both ways),
 * the bench's lossy path (netem's `loss`, which this kernel lacks).
 *
 * JITTER_MS makes the path's delay vary by itself, as Wi-Fi's does (a
 * station waits for the air, then sends what queued as one aggregate) or
 * a busy host's: each direction stops now and then for a random 0 to
 * JITTER_MS, then passes on, in order and at once, what came due
 * meanwhile.  The pauses start at random, on average after 3 JITTER_MS of
 * passing, so a seventh of the time is paused.  No frame is lost or
 * reordered.  The RTT then varies by up to JITTER_MS whatever the rate:
 * a sender that reads a queue from the RTT sees one that cutting its
 * rate cannot drain.
 *
 * Memory is bounded: SLOTS frames per direction; a frame arriving when
 * they are all taken is dropped.  Exits on TERM/INT or after MAX_SECONDS,
 * printing what it forwarded and dropped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum { SLOTS = 4096, FRAME_MAX = 1600 };

struct frame {
    uint64_t due_ns;
    uint16_t len;
    unsigned char data[FRAME_MAX];
};

/* One direction: frames read from `from` wait in a FIFO, then go out `to`. */
struct lane {
    int from, to;
    struct frame *ring;
    unsigned head, count;
    uint64_t paused_until, next_pause; /* JITTER_MS: this lane's pauses */
    unsigned long long passed, dropped, lost, pauses;
};

static unsigned loss_per_10000;
static uint64_t jitter_ns;
static uint64_t rng_state = 88172645463325252ull;

/* xorshift64 (Marsaglia 2003): uniform enough to drop frames by. */
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static bool lose_one(void)
{
    return loss_per_10000 != 0 && next_random() % 10000 < loss_per_10000;
}

/* Uniform in [0, max_ns]. */
static uint64_t random_ns(uint64_t max_ns)
{
    return max_ns ? next_random() % (max_ns + 1) : 0;
}

/* Is the lane paused at `now`?  A pause that ended schedules the next
 * one: uniform gaps of 0 to 6 JITTER_MS, pauses of 0 to JITTER_MS. */
static bool lane_paused(struct lane *l, uint64_t now)
{
    if (jitter_ns == 0 || now < l->next_pause)
        return now < l->paused_until;
    l->paused_until = now + random_ns(jitter_ns);
    l->next_pause = l->paused_until + random_ns(6 * jitter_ns);
    l->pauses++;
    return true;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_raw(const char *ifname)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    struct sockaddr_ll addr = {.sll_family = AF_PACKET,
                               .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(ifname)};
    if (fd < 0 || addr.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror(ifname);
        exit(1);
    }
    return fd;
}

/* Queue every frame the interface has for us, stamped with its due time. */
static void lane_take(struct lane *l, uint64_t delay_ns)
{
    for (int budget = 0; budget < SLOTS; budget++) {
        struct frame *f = &l->ring[(l->head + l->count) % SLOTS];
        struct sockaddr_ll src;
        socklen_t srclen = sizeof src;
        ssize_t n =
            recvfrom(l->from, f->data, FRAME_MAX, MSG_TRUNC, (struct sockaddr *)&src, &srclen);
        if (n < 0)
            return;
        /* Our own sends show up as outgoing on the other socket: skip them. */
        if (src.sll_pkttype == PACKET_OUTGOING)
            continue;
        if (n > FRAME_MAX || l->count == SLOTS) {
            l->dropped++;
            continue;
        }
        if (lose_one()) {
            l->lost++;
            continue;
        }
        f->len = (uint16_t)n;
        f->due_ns = now_ns() + delay_ns;
        l->count++;
    }
}

/* Send what is due; return ns until the next frame is (or -1: none held). */
static int64_t lane_give(struct lane *l, uint64_t now)
{
    while (l->count > 0) {
        struct frame *f = &l->ring[l->head];
        if (f->due_ns > now)
            return (int64_t)(f->due_ns - now);
        if (lane_paused(l, now))
            return (int64_t)(l->paused_until - now);
        if (send(l->to, f->data, f->len, MSG_DONTWAIT) < 0)
            l->dropped++;
        else
            l->passed++;
        l->head = (l->head + 1) % SLOTS;
        l->count--;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7) {
        fprintf(stderr,
                "usage: delayline IF_A IF_B DELAY_MS MAX_SECONDS [LOSS_PER_10000 [JITTER_MS]]\n");
        return 2;
    }
    if (argc >= 6)
        loss_per_10000 = (unsigned)strtoul(argv[5], NULL, 10);
    if (argc == 7)
        jitter_ns = strtoull(argv[6], NULL, 10) * 1000000u;
    rng_state = (rng_state ^ now_ns()) | 1; /* never the all-zero state */
    uint64_t delay_ns = strtoull(argv[3], NULL, 10) * 1000000u;
    uint64_t end_ns = now_ns() + strtoull(argv[4], NULL, 10) * 1000000000u;
    int a = open_raw(argv[1]), b = open_raw(argv[2]);
    struct lane lanes[2] = {{.from = a, .to = b}, {.from = b, .to = a}};
    for (int i = 0; i < 2; i++) {
        lanes[i].ring = calloc(SLOTS, sizeof(struct frame));
        if (lanes[i].ring == NULL) {
            perror("calloc");
            return 1;
        }
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct pollfd fds[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
    while (!stopping) {
        uint64_t now = now_ns();
        if (now >= end_ns)
            break;
        int64_t wait_ns = 100000000; /* wake at least every 100 ms */
        for (int i = 0; i < 2; i++) {
            int64_t next = lane_give(&lanes[i], now);
            if (next >= 0 && next < wait_ns)
                wait_ns = next;
        }
        struct timespec timeout = {.tv_sec = 0, .tv_nsec = wait_ns};
        if (ppoll(fds, 2, &timeout, NULL) > 0) {
            for (int i = 0; i < 2; i++)
                if (fds[i].revents & POLLIN)
                    lane_take(&lanes[i], delay_ns);
        }
    }
    for (int i = 0; i < 2; i++)
        fprintf(stderr, "delayline %s->%s: passed %llu dropped %llu lost %llu pauses %llu\n",
                argv[1 + i], argv[2 - i], lanes[i].passed, lanes[i].dropped, lanes[i].lost,
                lanes[i].pauses);
    return 0;
}
