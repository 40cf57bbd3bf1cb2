/* test_os_sdnotify.c - the readiness datagram reaches $NOTIFY_SOCKET
 * (a path and an abstract name) byte for byte; no socket, no-op. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

/* A datagram socket bound at name ('@' = abstract); returns its fd. */
static int listen_at(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(name);
    memcpy(sa.sun_path, name, len);
    if (name[0] == '@')
        sa.sun_path[0] = 0;
    assert_int_equal(
        bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)),
        0);
    return fd;
}

static void expect_datagram(int fd, const char *text)
{
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    assert_true(n >= 0);
    buf[n] = 0;
    assert_string_equal(buf, text);
}

static void path_socket_gets_exact_datagrams(void **state)
{
    char dir[] = "/tmp/pppssh-sdnotify.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/notify", dir);
    int fd = listen_at(path);
    setenv("NOTIFY_SOCKET", path, 1);

    assert_int_equal(sd_notify_ready("link up: 198.18.0.2 -> 198.18.0.1"), 1);
    expect_datagram(fd, "READY=1\nSTATUS=link up: 198.18.0.2 -> 198.18.0.1");
    assert_int_equal(sd_notify_status("reconnecting (attempt 2)"), 1);
    expect_datagram(fd, "STATUS=reconnecting (attempt 2)");
    assert_int_equal(sd_notify_stopping(NULL), 1);
    expect_datagram(fd, "STOPPING=1");
    assert_int_equal(sd_notify_mainpid(4242), 1);
    expect_datagram(fd, "MAINPID=4242");

    close(fd);
    unlink(path);
    rmdir(dir);
    unsetenv("NOTIFY_SOCKET");
}

static void abstract_socket_gets_datagram(void **state)
{
    char name[64];
    snprintf(name, sizeof(name), "@pppssh-sdnotify-test-%d", (int)getpid());
    int fd = listen_at(name);
    setenv("NOTIFY_SOCKET", name, 1);
    assert_int_equal(sd_notify_send("READY=1"), 1);
    expect_datagram(fd, "READY=1");
    close(fd);
    unsetenv("NOTIFY_SOCKET");
}

static void unset_is_noop_and_bad_values_fail(void **state)
{
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(sd_notify_ready("x"), 0);
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    assert_true(sd_notify_ready("x") < 0);
    setenv("NOTIFY_SOCKET", "/nonexistent-dir/notify", 1);
    assert_true(sd_notify_ready("x") < 0);
    unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_socket_gets_exact_datagrams),
        cmocka_unit_test(abstract_socket_gets_datagram),
        cmocka_unit_test(unset_is_noop_and_bad_values_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
