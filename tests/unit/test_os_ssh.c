/* test_os_ssh.c - the ssh command line and the classification of its errors */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sanitize.h"
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

/* Feeds lines (each may hold any bytes) into a fresh ssh_stderr. */
static void feed_lines(struct ssh_stderr *s, const char *const *lines, size_t n)
{
    ssh_stderr_init(s);
    for (size_t i = 0; i < n; i++)
        ssh_stderr_add(s, lines[i], strlen(lines[i]));
}

/* pppd as the account's login shell (the VPN HOWTO): its reason, not
 * the usage listing and trailer after it. */
static void keeps_the_reason_above_a_usage_trailer(void **state)
{
    static const char *const pppd[] = {
        "pppd: unrecognized option '-c'",
        "pppd version 2.4.9",
        "Usage: pppd [ options ], where options are:",
        "\t<device>\tCommunicate over the named device",
        "See pppd(8) for more options.",
    };
    static const char *const serve[] = {"pppssh serve: unknown command '-c'",
                                        "See pppssh(8) and pppssh.conf(5)."};
    struct ssh_stderr s;

    feed_lines(&s, pppd, 5);
    assert_string_equal(s.reason, "pppd: unrecognized option '-c'");
    assert_int_equal(s.rank, SSH_RANK_REASON);
    assert_int_equal(s.failure, SSH_FAIL_NONE);
    feed_lines(&s, serve, 2);
    assert_string_equal(s.reason, "pppssh serve: unknown command '-c'");
}

/* ssh's own lines: the cause beats the warning before it and the
 * "Connection closed" after it; among plain lines the last one says most. */
static void ranks_ssh_lines(void **state)
{
    static const char *const auth[] = {
        "Warning: Identity file /nokey not accessible: No such file or directory.",
        "root@198.18.0.2: Permission denied (publickey).",
        "Connection closed by 198.18.0.2 port 22",
    };
    static const char *const kex[] = {
        "kex_exchange_identification: Connection closed by remote host",
        "Connection closed by UNKNOWN port 65535",
    };
    static const char *const plain[] = {"starting", "giving up now"};
    struct ssh_stderr s;

    feed_lines(&s, auth, 3);
    assert_string_equal(s.reason, auth[1]);
    assert_int_equal(s.failure, SSH_FAIL_AUTH);
    assert_string_equal(s.failure_line, auth[1]);
    feed_lines(&s, kex, 2);
    assert_string_equal(s.reason, kex[0]);
    assert_int_equal(s.rank, SSH_RANK_CLOSED);
    assert_int_equal(s.failure, SSH_FAIL_CLOSED);
    feed_lines(&s, plain, 2);
    assert_string_equal(s.reason, "giving up now");
    ssh_stderr_note(&s, "cannot run ssh: No such file or directory");
    assert_string_equal(s.reason, "cannot run ssh: No such file or directory");
    assert_int_equal(ssh_rank_line(""), SSH_RANK_NOISE);
    assert_int_equal(ssh_rank_line("See pppd(8) for more options."), SSH_RANK_NOISE);
}

/* The server's bytes never reach a terminal as they are. */
static void escapes_control_characters(void **state)
{
    static const char *const evil[] = {"\033]0;owned\007\033[2Jerror: \033[31mbad\r\n"};
    char out[64];
    struct ssh_stderr s;

    assert_int_equal(text_sanitize(out, sizeof(out), "a\tb\x7f\xc3\xa9\r\n", 9), 18);
    assert_string_equal(out, "a\\x09b\\x7f\\xc3\\xa9");
    assert_int_equal(text_sanitize(out, sizeof(out), "one\0two", 7), 3);
    assert_string_equal(out, "one");
    /* cut at a whole escape: "ab" fits, "\x01" (4 more) does not */
    assert_int_equal(text_sanitize(out, 6, "ab\001cd", 5), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(text_sanitize(out, sizeof(out), NULL, 0), 0);
    feed_lines(&s, evil, 1);
    assert_string_equal(s.reason, "\\x1b]0;owned\\x07\\x1b[2Jerror: \\x1b[31mbad");
    assert_int_equal(s.rank, SSH_RANK_REASON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_default_argv),
        cmocka_unit_test(builds_full_argv),
        cmocka_unit_test(builds_argv_without_remote_command),
        cmocka_unit_test(refuses_bad_server_and_too_many_options),
        cmocka_unit_test(classifies_stderr_lines),
        cmocka_unit_test(keeps_the_reason_above_a_usage_trailer),
        cmocka_unit_test(ranks_ssh_lines),
        cmocka_unit_test(escapes_control_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
