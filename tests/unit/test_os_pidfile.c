/* test_os_pidfile.c - the pid file: a second start is refused naming the
 * running pid, a stale file (holder gone, or a number reused by an
 * unrelated live process) is taken over, removal on exit, and the
 * claim of an ended tunnel's parent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_pipes.h"
#include "pidfile.h"
#include "tmpdir.h"

static void read_file(const char *name, char *buf, size_t size)
{
    char file[64];
    snprintf(file, sizeof(file), "%s.pid", name);
    assert_true(tmpdir_read(file, buf, size));
}

/* A child that takes the pid file and holds it until told (write to
 * *release) to exit without removing it, like a crash. */
static pid_t holder(const char *name, int *release)
{
    int ready[2], go[2];
    pid_t pid = fork_with_pipes(ready, go);
    if (pid == 0) {
        close(go[1]); /* else our own copy keeps the pipe open forever */
        close(ready[0]);
        struct pidfile pf;
        char err[256];
        char ok = pidfile_create(&pf, tmpdir, name, err, sizeof(err)) == 0 ? 'y' : 'n';
        (void)!write(ready[1], &ok, 1);
        char c;
        (void)!read(go[0], &c, 1);
        _exit(0); /* no pidfile_remove: the file stays, stale */
    }
    close(ready[1]);
    close(go[0]);
    await_child_ready(ready[0]);
    *release = go[1];
    return pid;
}

static void second_start_is_refused_then_stale_file_is_taken_over(void **state)
{
    int release;
    pid_t first = holder("vpn", &release);
    assert_int_equal(pidfile_running(tmpdir, "vpn"), first);

    struct pidfile pf;
    char err[256], expect[128], text[32];
    assert_int_equal(pidfile_create(&pf, tmpdir, "vpn", err, sizeof(err)), -EEXIST);
    snprintf(expect, sizeof(expect), "tunnel vpn is already running (pid %d)", (int)first);
    assert_string_equal(err, expect);
    assert_int_equal(pf.fd, -1);

    /* The holder dies without cleaning up: the file stays, with its pid. */
    close(release);
    assert_int_equal(waitpid(first, NULL, 0), first);
    read_file("vpn", text, sizeof(text));
    assert_int_equal(atoi(text), first);
    assert_int_equal(pidfile_running(tmpdir, "vpn"), 0);

    assert_int_equal(pidfile_create(&pf, tmpdir, "vpn", err, sizeof(err)), 0);
    assert_int_equal(pidfile_running(tmpdir, "vpn"), getpid());
    read_file("vpn", text, sizeof(text));
    assert_int_equal(atoi(text), getpid());
    pidfile_remove(&pf);
    assert_int_equal(pidfile_running(tmpdir, "vpn"), 0);
    char path[256];
    tmpdir_path(path, sizeof(path), "vpn.pid");
    assert_int_equal(access(path, F_OK), -1);
}

static void live_unrelated_pid_in_file_is_stale(void **state)
{
    /* pid 1 is alive but holds no lock on our file: not a tunnel. */
    tmpdir_write("old.pid", "1\n");
    assert_int_equal(pidfile_running(tmpdir, "old"), 0);
    struct pidfile pf;
    char err[256];
    assert_int_equal(pidfile_create(&pf, tmpdir, "old", err, sizeof(err)), 0);
    assert_int_equal(pidfile_update(&pf, 12345), 0);
    char text[32];
    read_file("old", text, sizeof(text));
    assert_string_equal(text, "12345\n");
    pidfile_remove(&pf);
    pidfile_remove(&pf); /* twice is harmless */
}

static void unwritable_dir_is_a_clear_error(void **state)
{
    struct pidfile pf;
    char err[256];
    assert_int_equal(pidfile_create(&pf, "/nonexistent-dir", "vpn", err, sizeof(err)), -ENOENT);
    assert_string_equal(err, "cannot create /nonexistent-dir/vpn.pid: No such file or directory");
}

/* The parent of an ended tunnel removes its name only while the tunnel
 * itself, or nobody, holds it: never a new tunnel's of the same name. */
static void claim_takes_the_owners_or_a_stale_file_only(void **state)
{
    struct pidfile pf;
    char path[256];
    tmpdir_path(path, sizeof(path), "gone.pid");
    assert_int_equal(pidfile_claim(&pf, tmpdir, "gone", 1), -ENOENT);
    assert_int_equal(pf.fd, -1);

    int release;
    pid_t running = holder("gone", &release);
    assert_int_equal(pidfile_claim(&pf, tmpdir, "gone", running + 1), -EEXIST);
    assert_int_equal(pf.fd, -1);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(pidfile_claim(&pf, tmpdir, "gone", running), 0); /* its owner's */
    pidfile_remove(&pf);
    assert_int_equal(access(path, F_OK), -1);
    close(release);
    assert_int_equal(waitpid(running, NULL, 0), running);

    running = holder("gone", &release);
    close(release);
    assert_int_equal(waitpid(running, NULL, 0), running);
    assert_int_equal(pidfile_claim(&pf, tmpdir, "gone", 1), 0); /* stale: nobody's */
    pidfile_remove(&pf);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_start_is_refused_then_stale_file_is_taken_over),
        cmocka_unit_test(live_unrelated_pid_in_file_is_stale),
        cmocka_unit_test(unwritable_dir_is_a_clear_error),
        cmocka_unit_test(claim_takes_the_owners_or_a_stale_file_only),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
