/*
 * cmd_ctl.c - `pppssh down|status|check|reset NAME|-c FILE`: requests to
 * the running tunnel's control socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "exitcode.h"

#define STATUS_TIMEOUT_MS 5000
#define CHECK_TIMEOUT_MS 6000  /* the tunnel gives up on the Echo-Reply after 3 s */
#define RESET_TIMEOUT_MS 30000 /* a new ssh session and PPP negotiation */
#define DOWN_TIMEOUT_MS 15000  /* LCP Terminate may take Max-Terminate restarts */

/* The tunnel named as `up` takes it: NAME, or -c FILE whose tunnel is the
 * one `up -c FILE` started (the file is read for its name, as wg-quick
 * down FILE does).  NAME alone reads no file: a tunnel whose config is
 * gone can still be stopped. */
int cli_tunnel_name(int argc, char **argv, char *name, size_t size)
{
    if (argc == 2 && argv[1][0] != '-') {
        snprintf(name, size, "%s", argv[1]);
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "-c") != 0) {
        fprintf(stderr, "Usage: pppssh %s NAME|-c FILE\n", argv[0]);
        return -1;
    }
    int used;
    struct tunnel_config *cfg = cli_load_tunnel(argc - 1, argv + 1, &used);
    if (!cfg)
        return -1;
    snprintf(name, size, "%s", cfg->name);
    free(cfg);
    return 0;
}

static int request(int argc, char **argv, const char *what, int timeout_ms, int out_fd)
{
    char name[CONFIG_NAME_MAX];
    if (cli_tunnel_name(argc, argv, name, sizeof(name)) < 0)
        return RUN_EXIT_CONFIG;
    char err[256];
    int r = control_request(name, what, out_fd, timeout_ms, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "pppssh %s: %s\n", argv[0], err);
        return RUN_EXIT_FATAL;
    }
    return 0;
}

/* Runs the request with its answer captured in answer (NUL-terminated,
 * truncated to size). */
static int request_captured(int argc, char **argv, const char *what, int timeout_ms, char *answer,
                            size_t size)
{
    answer[0] = 0;
    int fd = memfd_create("pppssh-answer", MFD_CLOEXEC);
    if (fd < 0) {
        perror("pppssh: memfd_create");
        return RUN_EXIT_FATAL;
    }
    int r = request(argc, argv, what, timeout_ms, fd);
    ssize_t n = pread(fd, answer, size - 1, 0);
    answer[n > 0 ? n : 0] = 0;
    close(fd);
    return r;
}

int cmd_status(int argc, char **argv)
{
    return request(argc, argv, "status", STATUS_TIMEOUT_MS, STDOUT_FILENO);
}

/* What USR1 did to the VPN HOWTO's vpnd, and SIGUSR1 does to us: an LCP
 * Echo-Request now; 0 if the reply came. */
int cmd_check(int argc, char **argv)
{
    char answer[512];
    int r = request_captured(argc, argv, "check", CHECK_TIMEOUT_MS, answer, sizeof(answer));
    fputs(answer, stdout);
    if (r)
        return r;
    return strncmp(answer, "alive:", 6) == 0 ? 0 : RUN_EXIT_FATAL;
}

/* What HUP did to the VPN HOWTO's vpnd, and SIGHUP does to us: drop the
 * transport and reconnect now (interface, addresses and routes stay);
 * returns 0 once the link is up again. */
int cmd_reset(int argc, char **argv)
{
    char answer[512];
    int r = request_captured(argc, argv, "reset", RESET_TIMEOUT_MS, answer, sizeof(answer));
    if (r)
        return r;
    size_t len = strlen(answer);
    if (len >= 3 && strcmp(answer + len - 3, "up\n") == 0)
        return 0;
    fprintf(stderr, "pppssh reset: %s", len ? answer : "the link did not come back up\n");
    return RUN_EXIT_FATAL;
}

int cmd_down(int argc, char **argv)
{
    /* The tunnel answers "stopping NAME" at once and "down" when it is gone;
     * both are for scripts, the exit status is what matters. */
    int null = -1;
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull)
        null = fileno(devnull);
    int r = request(argc, argv, "down", DOWN_TIMEOUT_MS, null >= 0 ? null : STDOUT_FILENO);
    if (devnull)
        fclose(devnull);
    return r;
}
