/* test_server_lease.c - address leases of pppssh serve sessions: locked while
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admit.h"
#include "child_pipes.h"
#include "lease.h"
#include "takeover.h"
#include "tmpdir.h"

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
    pid_t pid = fork_with_pipes(ready, report);
    if (pid == 0) {
        close(ready[0]);
        close(report[0]);
        stale_main(addr, user, terms, ready[1], report[1]);
    }
    close(ready[1]);
    close(report[1]);
    await_child_ready(ready[0]);
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

/* What a successful takeover from alice's stale session did. */
struct takeover_run {
    int fd;                     /* the lease, now ours */
    long long took_ms;          /* how long takeover_lease took */
    struct stale_report report; /* the SIGTERMs the stale session got */
    int status;                 /* its wait status */
};

/* alice takes ADDR over (waiting at most WAIT_MS) from her own stale
 * session, which leaves after TERMS SIGTERMs (0: never). */
static struct takeover_run takeover_from_stale(struct in_addr addr, int terms, int wait_ms)
{
    char err[256];
    struct takeover_run run;
    struct stale st = start_stale(addr, "alice", terms);
    long long t0 = now_ms();
    run.fd = takeover_lease(addr, "alice", wait_ms, err, sizeof(err));
    run.took_ms = now_ms() - t0;
    assert_true(run.fd >= 0);
    run.report = finish_stale(st, &run.status);
    return run;
}

static void stale_session_leaving_on_term_is_replaced(void **state)
{
    struct in_addr a = ip("198.18.255.6");
    struct takeover_run run = takeover_from_stale(a, 1, 3000);
    assert_true(run.took_ms < 900); /* no second TERM needed */
    assert_int_equal(run.report.terms, 1);
    assert_int_equal(run.report.first_value, TAKEOVER_SIGVAL); /* it can log cause=replaced */
    assert_true(WIFEXITED(run.status));
    struct lease_holder h;
    assert_int_equal(lease_read_holder(a, &h), 0);
    assert_int_equal(h.pid, getpid()); /* the lease is ours now */
    close(run.fd);
}

static void stale_session_waiting_for_its_peer_gets_a_second_term(void **state)
{
    struct takeover_run run = takeover_from_stale(ip("198.18.255.7"), 2, 3000);
    assert_true(run.took_ms >= TAKEOVER_POLITE_MS && run.took_ms < 2500);
    assert_int_equal(run.report.terms, 2);
    assert_true(WIFEXITED(run.status));
    close(run.fd);
}

static void stale_session_ignoring_term_is_killed(void **state)
{
    struct takeover_run run = takeover_from_stale(ip("198.18.255.8"), 0, 400);
    assert_true(run.took_ms >= 400 && run.took_ms < 2500);
    assert_true(WIFSIGNALED(run.status));
    assert_int_equal(WTERMSIG(run.status), SIGKILL);
    close(run.fd);
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
    char err[256];
    struct in_addr a = ip("198.18.255.10");
    struct stale st = start_stale(a, "alice", 1);
    /* The record names pid 1, which does not hold the lock: signalling it
     * would hit an innocent process. */
    tmpdir_write("leases/198.18.255.10", "alice\n1 1\n\n");
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

/* One session of erin: admitted (MaxSessions max) or not, it says which
 * on report, then holds its lease until a takeover's SIGTERM (or 20 s). */
static _Noreturn void session_main(unsigned max, int report)
{
    struct in_addr skip = ip("198.18.253.3"); /* someone's static address */
    struct admit_request r = {
        .user = "erin",
        .pool_first = ip("198.18.253.2"),
        .pool_last = ip("198.18.253.20"),
        .skip = &skip,
        .n_skip = 1,
        .max_sessions = max,
        .term_ms = 400,
    };
    char err[256];
    struct in_addr got;
    /* A newer session's SIGTERM may come at once: report first. */
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old);
    char ok = admit_session(&r, &got, err, sizeof(err)) >= 0 ? 'y' : 'n';
    (void)!write(report, &ok, 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sleep(20);
    _exit(0);
}

/* Issue 11: n sessions of one pool user started together; returns how
 * many addresses erin's sessions hold once all were admitted. */
static size_t start_together(int n, unsigned max, int *admitted)
{
    enum { MAX_CHILDREN = 8 };
    pid_t pids[MAX_CHILDREN];
    int report[2];
    assert_int_equal(pipe(report), 0);
    for (int i = 0; i < n && i < MAX_CHILDREN; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(report[0]);
            session_main(max, report[1]);
        }
    }
    close(report[1]);
    *admitted = 0;
    char c;
    for (int i = 0; i < n && read(report[0], &c, 1) == 1; i++)
        *admitted += c == 'y';
    close(report[0]);
    struct in_addr held[8];
    size_t count = lease_list_held(ip("198.18.253.2"), ip("198.18.253.20"), "erin", held, 8);
    for (int i = 0; i < n && i < MAX_CHILDREN; i++) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], NULL, 0);
    }
    return count;
}

static void concurrent_sessions_of_one_user_hold_one_address(void **state)
{
    int admitted;
    /* Every session gets in (the newest takes over), one address is held. */
    assert_int_equal(start_together(8, 1, &admitted), 1);
    assert_int_equal(admitted, 8);
}

static void concurrent_sessions_stay_within_max_sessions(void **state)
{
    int admitted;
    assert_int_equal(start_together(8, 3, &admitted), 3);
    assert_int_equal(admitted, 8);
}

static void user_lock_excludes_and_is_bounded(void **state)
{
    char err[256];
    int ready[2], done[2];
    pid_t pid = fork_with_pipes(ready, done);
    if (pid == 0) {
        close(ready[0]);
        close(done[1]);
        char ok = lease_lock_user("frank", 100, err, sizeof(err)) >= 0 ? 'y' : 'n';
        (void)!write(ready[1], &ok, 1);
        (void)!read(done[0], &ok, 1); /* holds the lock until told */
        _exit(0);
    }
    close(ready[1]);
    close(done[0]);
    await_child_ready(ready[0]);
    long long t0 = now_ms();
    assert_int_equal(lease_lock_user("frank", 200, err, sizeof(err)), -ETIMEDOUT);
    assert_true(now_ms() - t0 >= 200);
    int other = lease_lock_user("grace", 100, err, sizeof(err)); /* other users: not held up */
    assert_true(other >= 0);
    close(other);
    close(done[1]); /* the child lets go */
    waitpid(pid, NULL, 0);
    int fd = lease_lock_user("frank", 1000, err, sizeof(err));
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(lease_lock_user("../x", 100, err, sizeof(err)), -EINVAL);
}

/* Issue 11: a lease file that is a symbolic link is never followed. */
static void symlinked_lease_is_refused(void **state)
{
    char err[256], target[128], link[128];
    tmpdir_path(target, sizeof(target), "victim");
    tmpdir_write("victim", "untouched\n");
    tmpdir_path(link, sizeof(link), "leases/198.18.255.30");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(lease_take(ip("198.18.255.30"), "alice", err, sizeof(err)), -ELOOP);
    assert_non_null(strstr(err, "is a symbolic link: refused"));
    char text[64];
    assert_true(tmpdir_read("victim", text, sizeof(text)));
    assert_string_equal(text, "untouched\n");
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
        cmocka_unit_test(concurrent_sessions_of_one_user_hold_one_address),
        cmocka_unit_test(concurrent_sessions_stay_within_max_sessions),
        cmocka_unit_test(user_lock_excludes_and_is_bounded),
        cmocka_unit_test(symlinked_lease_is_refused),
    };
    return cmocka_run_group_tests(tests, tmpdir_make_run_dir, tmpdir_remove);
}
