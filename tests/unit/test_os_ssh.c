/* test_os_ssh.c - the ssh command line and the classification of its errors */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "ssh.h"

static char err[256];

/* The argv joined by single spaces, for whole-line comparison. */
static const char *joined(const struct ssh_argv *a)
{
    static char line[2048];
    line[0] = '\0';
    for (size_t i = 0; i < a->argc; i++) {
        if (i)
            strcat(line, " ");
        strcat(line, a->argv[i]);
    }
    return line;
}

static void builds_default_argv(void **state)
{
    struct ssh_params p = {.server = "vpn@198.18.0.2"};
    struct ssh_argv a;
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), 0);
    assert_string_equal(joined(&a),
                        "ssh -e none -a -x -o BatchMode=yes -T -- vpn@198.18.0.2 pppssh serve");
    assert_null(a.argv[a.argc]);
}

static void builds_full_argv(void **state)
{
    const char *opts[] = {"StrictHostKeyChecking=yes", "UserKnownHostsFile=/tmp/kh"};
    struct ssh_params p = {.ssh_program = "/usr/bin/ssh",
                           .server = "host",
                           .port = 2222,
                           .identity_file = "/etc/pppssh/key",
                           .options = opts,
                           .n_options = 2,
                           .remote_command = "sudo /usr/sbin/pppd nodetach notty noauth",
                           .tty = true};
    struct ssh_argv a;
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), 0);
    assert_string_equal(joined(&a), "/usr/bin/ssh -e none -a -x -o BatchMode=yes -tt -p 2222 "
                                    "-i /etc/pppssh/key -o StrictHostKeyChecking=yes "
                                    "-o UserKnownHostsFile=/tmp/kh -- host "
                                    "sudo /usr/sbin/pppd nodetach notty noauth");
    /* The remote command stays one argument. */
    assert_string_equal(a.argv[a.argc - 1], "sudo /usr/sbin/pppd nodetach notty noauth");
}

/* RemoteCommand = none: no command at all, so that sshd runs the login
 * shell on the pty (the VPN HOWTO's `ssh -t` to an account whose shell is
 * pppd), not `$SHELL -c ""`. */
static void builds_argv_without_remote_command(void **state)
{
    struct ssh_params p = {.server = "vpn@198.18.0.2", .login_shell = true, .tty = true};
    struct ssh_argv a;
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), 0);
    assert_string_equal(joined(&a), "ssh -e none -a -x -o BatchMode=yes -tt -- vpn@198.18.0.2");
    assert_string_equal(a.argv[a.argc - 1], "vpn@198.18.0.2");
    assert_null(a.argv[a.argc]);
}

static void refuses_bad_server_and_too_many_options(void **state)
{
    struct ssh_params p = {.server = "-oProxyCommand=evil"};
    struct ssh_argv a;
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "ssh server '-oProxyCommand=evil' must not start with '-'");
    p.server = "";
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), -EINVAL);

    const char *opts[SSH_ARGV_MAX];
    for (size_t i = 0; i < SSH_ARGV_MAX; i++)
        opts[i] = "A=b";
    p.server = "h";
    p.options = opts;
    p.n_options = SSH_ARGV_MAX;
    assert_int_equal(ssh_build_argv(&p, &a, err, sizeof(err)), -E2BIG);
    assert_string_equal(err, "too many ssh arguments (at most 96)");
}

static void classifies_stderr_lines(void **state)
{
    static const struct {
        const char *line;
        enum ssh_failure failure;
    } cases[] = {
        {"vpn@198.18.0.2: Permission denied (publickey).\r\n", SSH_FAIL_AUTH},
        {"Host key verification failed.", SSH_FAIL_HOST_KEY},
        {"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @", SSH_FAIL_HOST_KEY},
        {"ssh: connect to host 198.18.0.2 port 22: Connection refused", SSH_FAIL_REFUSED},
        {"ssh: connect to host 198.18.0.9 port 22: No route to host", SSH_FAIL_UNREACHABLE},
        {"ssh: connect to host 198.18.0.9 port 22: Network is unreachable", SSH_FAIL_UNREACHABLE},
        {"ssh: connect to host 198.18.0.9 port 22: Connection timed out", SSH_FAIL_TIMEOUT},
        {"ssh: Could not resolve hostname nohost: Name or service not known", SSH_FAIL_RESOLVE},
        {"bash: line 1: pppssh: command not found", SSH_FAIL_COMMAND_MISSING},
        {"sh: 1: pppssh: not found", SSH_FAIL_COMMAND_MISSING},
        {"sudo: /usr/sbin/pppd: No such file or directory", SSH_FAIL_COMMAND_MISSING},
        {"sudo: a password is required", SSH_FAIL_NOT_PERMITTED},
        {"Connection closed by 198.18.0.2 port 22", SSH_FAIL_CLOSED},
        {"Warning: Identity file /nokey not accessible: No such file or directory.", SSH_FAIL_NONE},
        {"Warning: Permanently added '198.18.0.2' (ED25519) to the list of known hosts.",
         SSH_FAIL_NONE},
        {"", SSH_FAIL_NONE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (ssh_classify_line(cases[i].line) != cases[i].failure)
            fail_msg("'%s' classified as %d, want %d", cases[i].line,
                     ssh_classify_line(cases[i].line), cases[i].failure);
    }
    assert_string_equal(ssh_failure_text(SSH_FAIL_AUTH), "authentication refused by the server");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_default_argv),
        cmocka_unit_test(builds_full_argv),
        cmocka_unit_test(builds_argv_without_remote_command),
        cmocka_unit_test(refuses_bad_server_and_too_many_options),
        cmocka_unit_test(classifies_stderr_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
