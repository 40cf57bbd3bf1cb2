/*
 * commands.h - the pppssh subcommands, one file each.  Every command gets
 * argv starting at its own name and returns the process exit status.
 */
#ifndef PPPSSH_CLI_COMMANDS_H
#define PPPSSH_CLI_COMMANDS_H

#include <stddef.h>

int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_show(int argc, char **argv); /* cmd_show.c: show, dump, metrics */
int cmd_dump(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_helper(int argc, char **argv);
int cmd_serve_login(void);             /* pppssh as a login shell: `serve` for this account */
int cmd_fdpass(int argc, char **argv); /* hidden: ssh's ProxyCommand */

/* Loads the tunnel configuration named by "NAME" or "-c FILE" at argv[0..]
 * into a new allocation; prints one line and returns NULL on error.
 * *used is how many arguments it consumed. */
struct tunnel_config;
struct tunnel_config *cli_load_tunnel(int argc, char **argv, int *used);

/* The tunnel named as `up` takes it (argv[1] NAME, or argv[1..2] -c
 * FILE, argc 2 or 3) into name; prints a usage line and returns -1 if
 * neither (cmd_ctl.c). */
int cli_tunnel_name(int argc, char **argv, char *name, size_t size);

/* A random 64-bit seed for the engine (Magic-Number, identifiers). */
unsigned long long cli_seed(void);

#endif
