/*
 * cmd_ctl.c - `pppssh down NAME` and `pppssh status NAME`: requests to the
 * running tunnel's control socket.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "exitcode.h"

#define STATUS_TIMEOUT_MS 5000
#define DOWN_TIMEOUT_MS 15000 /* LCP Terminate may take Max-Terminate restarts */

static int request(int argc, char **argv, const char *what, int timeout_ms, int out_fd)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "Usage: pppssh %s NAME\n", argv[0]);
        return RUN_EXIT_CONFIG;
    }
    char err[256];
    int r = control_request(argv[1], what, out_fd, timeout_ms, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "pppssh %s: %s\n", argv[0], err);
        return RUN_EXIT_FATAL;
    }
    return 0;
}

int cmd_status(int argc, char **argv)
{
    return request(argc, argv, "status", STATUS_TIMEOUT_MS, STDOUT_FILENO);
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
