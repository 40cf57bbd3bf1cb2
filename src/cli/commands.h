/*
 * commands.h - the pppssh subcommands, one file each.  Every command gets
 * argv starting at its own name and returns the process exit status.
 */
#ifndef PPPSSH_CLI_COMMANDS_H
#define PPPSSH_CLI_COMMANDS_H

int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_helper(int argc, char **argv);
int cmd_serve_login(void); /* pppssh as a login shell: `serve` for this account */
int cmd_fdpass(int argc, char **argv); /* hidden: ssh's ProxyCommand */

/* Loads the tunnel configuration named by "NAME" or "-c FILE" at argv[0..]
 * into a new allocation; prints one line and returns NULL on error.
 * *used is how many arguments it consumed. */
struct tunnel_config;
struct tunnel_config *cli_load_tunnel(int argc, char **argv, int *used);

/* A random 64-bit seed for the engine (Magic-Number, identifiers). */
unsigned long long cli_seed(void);

#endif
