/*
 * fuzz_config.c - arbitrary text through both configuration parsers.
 * The first byte picks the parser; every result must be a clean accept or
 * a clean refusal with a one-line "source:..." message, and an accepted
 * file must print back to text that parses to the same values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_message(int rc, const char *err)
{
    if (rc == 0)
        return;
    if (strncmp(err, "fuzz.conf", 9) != 0 || strchr(err, '\n'))
        abort();
}

static void tunnel(const char *text, size_t len)
{
    static struct tunnel_config a, b;
    char err[512], *out = NULL;
    size_t outlen = 0;
    int rc = config_parse_tunnel(text, len, "fuzz.conf", "fuzz0", &a, err, sizeof(err));
    check_message(rc, err);
    if (rc != 0)
        return;
    FILE *f = open_memstream(&out, &outlen);
    config_print_tunnel(f, &a);
    fclose(f);
    if (config_parse_tunnel(out, outlen, "fuzz.conf", "fuzz0", &b, err, sizeof(err)) != 0 ||
        memcmp(&a, &b, sizeof(a)) != 0)
        abort();
    free(out);
}

static void server(const char *text, size_t len)
{
    static struct server_config a, b;
    char err[512], *out = NULL;
    size_t outlen = 0;
    int rc = config_parse_server(text, len, "fuzz.conf", &a, err, sizeof(err));
    check_message(rc, err);
    if (rc != 0)
        return;
    FILE *f = open_memstream(&out, &outlen);
    config_print_server(f, &a);
    fclose(f);
    if (config_parse_server(out, outlen, "fuzz.conf", &b, err, sizeof(err)) != 0 ||
        memcmp(&a, &b, sizeof(a)) != 0)
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > CONFIG_FILE_MAX)
        return 0;
    if (data[0] & 1)
        server((const char *)data + 1, size - 1);
    else
        tunnel((const char *)data + 1, size - 1);
    return 0;
}
