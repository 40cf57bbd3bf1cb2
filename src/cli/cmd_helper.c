/*
 * cmd_helper.c - `pppssh helper`: the privileged daemon that lets
 * `pppssh serve` run from an ordinary account (helper.h, pppssh-helper(8)).
 * server.conf is checked once here, then read again for every session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "helper.h"
#include "log.h"
#include "strictmodes.h"

struct helper_args {
    const char *config_path;
    const char *socket_path; /* --socket; NULL = server.conf's Helper */
    const char *run_dir;     /* --run-dir; NULL = /run/pppssh (the leases) */
    bool log_stderr, debug;
};

static int parse_args(int argc, char **argv, struct helper_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(arg, "-c") && has_value)
            a->config_path = argv[++i];
        else if (!strcmp(arg, "--socket") && has_value)
            a->socket_path = argv[++i];
        else if (!strcmp(arg, "--run-dir") && has_value)
            a->run_dir = argv[++i];
        else if (!strcmp(arg, "--stderr"))
            a->log_stderr = true;
        else if (!strcmp(arg, "--debug"))
            a->debug = true;
        else {
            fprintf(stderr, "pppssh helper: unexpected argument '%s' (see pppssh-helper(8))\n",
                    arg);
            return -1;
        }
    }
    return 0;
}

int cmd_helper(int argc, char **argv)
{
    struct helper_args a = {.config_path = CONFIG_SERVER_PATH};
    char err[512];
    if (parse_args(argc, argv, &a) < 0)
        return 2;
    log_setup("pppssh-helper", !a.log_stderr, a.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    control_use_run_dir(a.run_dir, true);
    struct server_config *cfg = malloc(sizeof(*cfg));
    if (!cfg || strictmodes_check(a.config_path, 0, err, sizeof(err)) < 0 ||
        config_load_server(a.config_path, cfg, err, sizeof(err)) < 0) {
        log_error("%s", cfg ? err : "out of memory");
        free(cfg);
        return 2;
    }
    const char *path = a.socket_path ? a.socket_path : cfg->helper;
    static char bound_path[CONFIG_STR_MAX];
    bool bound;
    int fd = helper_listen(path, &bound, err, sizeof(err));
    if (fd < 0) {
        log_error("%s", err);
        free(cfg);
        return 1;
    }
    log_info("helper: listening on %s", path);
    snprintf(bound_path, sizeof(bound_path), "%s", path);
    free(cfg); /* each session reads the file again */
    int status = helper_serve(fd, a.config_path);
    if (bound)
        unlink(bound_path); /* a socket systemd passed is systemd's to remove */
    return status;
}
