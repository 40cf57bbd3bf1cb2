/*
 * pty-redir - run a command with its stdin and stdout on a new pty master
 * and print the slave's name, as the Linux VPN HOWTO uses it:
 *
 *     pty-redir ssh -t -e none -o 'Batchmode yes' vpn@server > /tmp/vpn-device
 *     pppd $(cat /tmp/vpn-device) ...
 *
 * The command runs detached in its own session; pty-redir returns once it
 * is executing (0) or could not be started (1, with the reason).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: pty-redir COMMAND [ARGUMENT...]\n"
                 "Runs COMMAND in the background with its standard input and output on a new\n"
                 "pseudo-terminal master, and prints the slave's device name (e.g. /dev/pts/5).\n");
}

/* Opens the master and puts the pair in raw mode: PPP needs all 8 bits and
 * no echo or line editing on either side.  *slave_fd stays open. */
static int open_pty(char *slave, size_t size, int *slave_fd)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios tio;
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, size) != 0) {
        fprintf(stderr, "pty-redir: cannot open a pty: %s\n", strerror(errno));
        return -1;
    }
    int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0 || tcgetattr(s, &tio) < 0) {
        fprintf(stderr, "pty-redir: cannot open %s: %s\n", slave, strerror(errno));
        return -1;
    }
    cfmakeraw(&tio);
    tcsetattr(s, TCSANOW, &tio);
    *slave_fd = s;
    return m;
}

/* In the grandchild: become a daemon-like process and exec.  On failure
 * the errno goes up the close-on-exec pipe. */
static _Noreturn void run(int master, int slave, int report, char **argv)
{
    int e;
    if (dup2(master, STDIN_FILENO) < 0 || dup2(master, STDOUT_FILENO) < 0)
        goto fail;
    /* The command keeps one slave descriptor open: with no slave open at
     * all, its reads from the master would fail (EIO) before the user of
     * the printed device (pppd) has opened it. */
    if (fcntl(slave, F_SETFD, 0) < 0)
        goto fail;
    /* stderr stays ours, so the command's own error messages are seen. */
    close(master);
    signal(SIGHUP, SIG_DFL);
    execvp(argv[0], argv);
fail:
    e = errno;
    if (write(report, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

int main(int argc, char **argv)
{
    char slave[64];
    int report[2], e = 0;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    int start = strcmp(argv[1], "--") == 0 ? 2 : 1;
    if (start >= argc) {
        usage(stderr);
        return 2;
    }
    int slave_fd = -1;
    int master = open_pty(slave, sizeof(slave), &slave_fd);
    if (master < 0)
        return 1;
    if (pipe2(report, O_CLOEXEC) < 0) {
        fprintf(stderr, "pty-redir: cannot create pipe: %s\n", strerror(errno));
        return 1;
    }
    /* Double fork: the command is not our child, so it is never a zombie
     * of the shell that ran us, and it outlives us. */
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "pty-redir: cannot fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        close(report[0]);
        if (setsid() < 0)
            _exit(127);
        pid_t grandchild = fork();
        if (grandchild == 0)
            run(master, slave_fd, report[1], argv + start);
        _exit(grandchild < 0 ? 127 : 0);
    }
    close(report[1]);
    close(master);
    close(slave_fd);
    int status = 0;
    waitpid(pid, &status, 0);
    ssize_t n;
    do {
        n = read(report[0], &e, sizeof(e));
    } while (n < 0 && errno == EINTR);
    if (n == sizeof(e)) {
        fprintf(stderr, "pty-redir: cannot run '%s': %s\n", argv[start], strerror(e));
        return 1;
    }
    if (n < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pty-redir: cannot start '%s': fork failed\n", argv[start]);
        return 1;
    }
    printf("%s\n", slave);
    return fflush(stdout) == 0 ? 0 : 1;
}
