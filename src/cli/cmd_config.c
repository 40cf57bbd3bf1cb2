/*
 * cmd_config.c - `pppssh config NAME|-c FILE`: the effective configuration.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "exitcode.h"

int cmd_config(int argc, char **argv)
{
    int used;
    struct tunnel_config *cfg = cli_load_tunnel(argc - 1, argv + 1, &used);
    if (!cfg)
        return RUN_EXIT_CONFIG;
    if (used != argc - 1) {
        fprintf(stderr, "pppssh config: unexpected argument '%s'\n", argv[1 + used]);
        free(cfg);
        return RUN_EXIT_CONFIG;
    }
    config_print_tunnel(stdout, cfg);
    free(cfg);
    return 0;
}
