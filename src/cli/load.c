/*
 * load.c - what several commands share: finding and loading a tunnel's
 * configuration, and a random seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "strictmodes.h"

struct tunnel_config *cli_load_tunnel(int argc, char **argv, int *used)
{
    char path[4096], err[512];
    const char *name = NULL;
    *used = 0;
    if (argc >= 2 && strcmp(argv[0], "-c") == 0) {
        snprintf(path, sizeof(path), "%s", argv[1]);
        *used = 2;
    } else if (argc >= 1 && argv[0][0] != '-') {
        name = argv[0];
        if (config_path_for_name(name, path, sizeof(path), err, sizeof(err)) < 0) {
            fprintf(stderr, "pppssh: %s\n", err);
            return NULL;
        }
        *used = 1;
    } else {
        fprintf(stderr, "pppssh: which tunnel? Give NAME or -c FILE\n");
        return NULL;
    }
    struct tunnel_config *cfg = malloc(sizeof(*cfg));
    if (!cfg) {
        fprintf(stderr, "pppssh: out of memory\n");
        return NULL;
    }
    if (config_load_tunnel(path, name, cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "pppssh: %s\n", err);
        free(cfg);
        return NULL;
    }
    /* Whoever could write it could run anything as us (sshd's StrictModes). */
    const char *runs = config_runs_commands(cfg);
    if (runs && strictmodes_check(path, getuid(), err, sizeof(err)) < 0) {
        fprintf(stderr, "pppssh: %s ('%s' runs commands)\n", err, runs);
        free(cfg);
        return NULL;
    }
    bool world = false;
    if (config_world_readable(path, &world, err, sizeof(err)) == 0 && world)
        fprintf(stderr, "pppssh: warning: %s is world-readable\n", path);
    return cfg;
}

unsigned long long cli_seed(void)
{
    unsigned long long seed;
    if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
        seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
    return seed;
}
