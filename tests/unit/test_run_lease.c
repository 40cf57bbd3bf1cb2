/* test_run_lease.c - address leases of pppssh serve sessions: locked while
 * held, never shared, stable per user, pool exhaustion reported; the
 * holder recorded and verified; a stale session of the same user taken
 * over (TERM, a second TERM, then KILL), never another user's or an
 * unverifiable holder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lease.h"
#include "takeover.h"

static char dir[64];

static int make_dir(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/pppssh-lease-test.XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("PPPSSH_RUN_DIR", dir, 1);
    return 0;
}

static int remove_dir(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

static struct in_addr ip(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

static void static_address_is_exclusive(void **state)
{
    char err[256];
    int a = lease_take(ip("198.18.255.2"), "alice", err, sizeof(err));
    assert_true(a >= 0);
    assert_int_equal(lease_take(ip("198.18.255.2"), "alice", err, sizeof(err)), -EBUSY);
    assert_non_null(strstr(err, "in use by another session (user alice)"));
    close(a); /* the session ends: the lock goes with it */
    int again = lease_take(ip("198.18.255.2"), "alice", err, sizeof(err));
    assert_true(again >= 0);
    close(again);
}

static int from_pool(const char *user, struct in_addr *got, char *err)
{
    struct in_addr skip = ip("198.18.255.101"); /* someone's static address */
    return lease_from_pool(ip("198.18.255.100"), ip("198.18.255.103"), &skip, 1, user, got, err,
                           256);
}

static void pool_is_stable_and_bounded(void **state)
{
    char err[256], text[INET_ADDRSTRLEN];
    struct in_addr a, b, c, d;
    int fa = from_pool("alice", &a, err);
    assert_true(fa >= 0);
    assert_string_equal(inet_ntop(AF_INET, &a, text, sizeof(text)), "198.18.255.100");
    close(fa);
    /* A newcomer gets a never-used address rather than alice's last one. */
    int fb = from_pool("bob", &b, err);
    assert_true(fb >= 0);
    assert_string_equal(inet_ntop(AF_INET, &b, text, sizeof(text)), "198.18.255.102");
    /* alice comes back to the same address. */
    fa = from_pool("alice", &a, err);
    assert_true(fa >= 0);
    assert_string_equal(inet_ntop(AF_INET, &a, text, sizeof(text)), "198.18.255.100");
    int fc = from_pool("carol", &c, err);
    assert_true(fc >= 0);
    assert_string_equal(inet_ntop(AF_INET, &c, text, sizeof(text)), "198.18.255.103");
    /* .101 is static, the rest are held: exhausted. */
    assert_int_equal(from_pool("dave", &d, err), -ENOSPC);
    assert_string_equal(err, "address pool 198.18.255.100-198.18.255.103 is exhausted");
    close(fa);
    close(fb);
    close(fc);
}

static void holder_is_recorded_and_verified(void **state)
{
    char err[256];
    struct in_addr a = ip("198.18.255.5");
    int fd = lease_take(a, "alice", err, sizeof(err));
    assert_true(fd >= 0);
    assert_int_equal(lease_note_interface(fd, "pppssh-alice"), 0);
    struct lease_holder h;
    assert_int_equal(lease_read_holder(a, &h), 0);
    assert_string_equal(h.user, "alice");
    assert_int_equal(h.pid, getpid());
    assert_true(h.start_time > 0);
    assert_string_equal(h.ifname, "pppssh-alice");
    assert_int_equal(lease_is_held(a), 1);
    assert_true(lease_holder_verified(a, &h));
    /* Same pid, another start time: a reused pid is not the holder. */
    struct lease_holder other = h;
    other.start_time++;
    assert_false(lease_holder_verified(a, &other));
    close(fd);
    assert_int_equal(lease_is_held(a), 0);
    assert_false(lease_holder_verified(a, &h)); /* no longer has it open */
}

/* A stale session: a child holding addr's lease for user.  It exits after
 * `terms` SIGTERMs (0: it ignores TERM) or on SIGUSR2 from us, reporting on
 * the pipe how many TERMs it got and the value of the first one. */
struct stale {
    pid_t pid;
    int report; /* read end */
};

struct stale_report {
    int terms;
    int first_value;
};

static _Noreturn void stale_main(struct in_addr addr, const char *user, int terms, int ready,
                                 int report)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    if (terms > 0)
        sigaddset(&set, SIGTERM);
    else
        signal(SIGTERM, SIG_IGN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    char err[256];
    char ok = lease_take(addr, user, err, sizeof(err)) >= 0 ? 'y' : 'n';
    (void)!write(ready, &ok, 1);
    struct stale_report r = {0, 0};
    for (;;) {
        siginfo_t si;
        struct timespec limit = {20, 0}; /* never outlive the test */
        int sig = sigtimedwait(&set, &si, &limit);
        if (sig == SIGTERM) {
            if (r.terms++ == 0)
                r.first_value = si.si_code == SI_QUEUE ? si.si_value.sival_int : -1;
            if (r.terms < terms)
                continue;
        }
        (void)!write(report, &r, sizeof(r));
        _exit(0);
    }
}

static struct stale start_stale(struct in_addr addr, const char *user, int terms)
{
    int ready[2], report[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(report), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        close(report[0]);
        stale_main(addr, user, terms, ready[1], report[1]);
    }
    close(ready[1]);
    close(report[1]);
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    assert_int_equal(ok, 'y');
    close(ready[0]);
    return (struct stale){pid, report[0]};
}

/* Ends the child if still there; its report, and *status. */
static struct stale_report finish_stale(struct stale st, int *status)
{
    kill(st.pid, SIGUSR2);
    struct stale_report r = {-1, 0};
    if (read(st.report, &r, sizeof(r)) != sizeof(r))
        r.terms = -1; /* killed before it could report */
    close(st.report);
    assert_int_equal(waitpid(st.pid, status, 0), st.pid);
    return r;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stale_session_leaving_on_term_is_replaced(void **state)
{
    char err[256];
    struct in_addr a = ip("198.18.255.6");
    struct stale st = start_stale(a, "alice", 1);
    long long t0 = now_ms();
    int fd = takeover_lease(a, "alice", 3000, err, sizeof(err));
    assert_true(fd >= 0);
    assert_true(now_ms() - t0 < 900); /* no second TERM needed */
    int status;
    struct stale_report r = finish_stale(st, &status);
    assert_int_equal(r.terms, 1);
    assert_int_equal(r.first_value, TAKEOVER_SIGVAL); /* it can log cause=replaced */
    assert_true(WIFEXITED(status));
    struct lease_holder h;
    assert_int_equal(lease_read_holder(a, &h), 0);
    assert_int_equal(h.pid, getpid()); /* the lease is ours now */
    close(fd);
}

static void stale_session_waiting_for_its_peer_gets_a_second_term(void **state)
{
    char err[256];
    struct in_addr a = ip("198.18.255.7");
    struct stale st = start_stale(a, "alice", 2);
    long long t0 = now_ms();
    int fd = takeover_lease(a, "alice", 3000, err, sizeof(err));
    long long took = now_ms() - t0;
    assert_true(fd >= 0);
    assert_true(took >= TAKEOVER_POLITE_MS && took < 2500);
    int status;
    struct stale_report r = finish_stale(st, &status);
    assert_int_equal(r.terms, 2);
    assert_true(WIFEXITED(status));
    close(fd);
}

static void stale_session_ignoring_term_is_killed(void **state)
{
    char err[256];
    struct in_addr a = ip("198.18.255.8");
    struct stale st = start_stale(a, "alice", 0);
    long long t0 = now_ms();
    int fd = takeover_lease(a, "alice", 400, err, sizeof(err));
    long long took = now_ms() - t0;
    assert_true(fd >= 0);
    assert_true(took >= 400 && took < 2500);
    int status;
    finish_stale(st, &status);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    close(fd);
}

static void other_users_session_is_never_touched(void **state)
{
    char err[256];
    struct in_addr a = ip("198.18.255.9");
    struct stale st = start_stale(a, "bob", 1);
    assert_int_equal(takeover_lease(a, "alice", 400, err, sizeof(err)), -EBUSY);
    assert_string_equal(err, "address 198.18.255.9 is in use by another session (user bob)");
    int status;
    struct stale_report r = finish_stale(st, &status);
    assert_int_equal(r.terms, 0);
}

static void unverifiable_holder_is_not_signalled(void **state)
{
    char err[256], path[256];
    struct in_addr a = ip("198.18.255.10");
    struct stale st = start_stale(a, "alice", 1);
    /* The record names pid 1, which does not hold the lock: signalling it
     * would hit an innocent process. */
    snprintf(path, sizeof(path), "%s/leases/198.18.255.10", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("alice\n1 1\n\n", f);
    fclose(f);
    assert_int_equal(takeover_lease(a, "alice", 400, err, sizeof(err)), -EBUSY);
    assert_non_null(strstr(err, "cannot be verified: not replacing it"));
    int status;
    struct stale_report r = finish_stale(st, &status);
    assert_int_equal(r.terms, 0);
}

static void held_pool_lease_of_user_is_found(void **state)
{
    struct in_addr a = ip("198.18.254.12"), got;
    struct stale st = start_stale(a, "carol", 1);
    assert_int_equal(lease_find_held(ip("198.18.254.10"), ip("198.18.254.20"), "carol", &got), 1);
    assert_int_equal(got.s_addr, a.s_addr);
    assert_int_equal(lease_find_held(ip("198.18.254.10"), ip("198.18.254.20"), "dave", &got), 0);
    int status;
    finish_stale(st, &status);
    /* Free again: nothing to take over. */
    assert_int_equal(lease_find_held(ip("198.18.254.10"), ip("198.18.254.20"), "carol", &got), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_address_is_exclusive),
        cmocka_unit_test(pool_is_stable_and_bounded),
        cmocka_unit_test(holder_is_recorded_and_verified),
        cmocka_unit_test(stale_session_leaving_on_term_is_replaced),
        cmocka_unit_test(stale_session_waiting_for_its_peer_gets_a_second_term),
        cmocka_unit_test(stale_session_ignoring_term_is_killed),
        cmocka_unit_test(other_users_session_is_never_touched),
        cmocka_unit_test(unverifiable_holder_is_not_signalled),
        cmocka_unit_test(held_pool_lease_of_user_is_found),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
