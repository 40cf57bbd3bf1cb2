/* test_show_format.c - show, dump, JSON and Prometheus text from a
 * tunnel's "fields" answer: dump's columns in the table's order, JSON that
 * python3's parser accepts with the values and types expected, and
 * exposition-format lines with HELP, TYPE and the tunnel label that the
 * Prometheus project's parser reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "show_format.h"

/* What ctl_fields.c sends for a tunnel that is up, plus a key from a
 * newer tunnel, in another order than the table's. */
static const char ANSWER[] = "state=up\n"
                             "tunnel=office\n"
                             "interface=office\n"
                             "pid=4242\n"
                             "local4=198.18.255.100\n"
                             "peer4=198.18.255.1\n"
                             "local6=fe80::1\n"
                             "peer6=fe80::2\n"
                             "uptime=3723\n"
                             "tx_bytes=12345\n"
                             "tx_packets=10\n"
                             "rx_bytes=23456\n"
                             "rx_packets=11\n"
                             "echo_rtt_us=1500\n"
                             "queue_packets=0\n"
                             "queue_delay_max_us=250\n"
                             "queue_drops=3\n"
                             "path_queue_delay_us=0\n"
                             "reconnects=2\n"
                             "last_error=ssh: \"gw\" said \\ no\n"
                             "from_the_future=1\n";

static char *capture(void (*print)(FILE *, const struct field_values *, size_t),
                     const struct field_values *fv, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    print(out, fv, n);
    fclose(out);
    return text;
}

static void print_dump(FILE *out, const struct field_values *fv, size_t n)
{
    for (size_t i = 0; i < n; i++)
        show_print_dump(out, &fv[i]);
}

static void parse_takes_known_keys_and_leaves_the_rest_absent(void **state)
{
    (void)state;
    struct field_values fv;
    show_parse(ANSWER, &fv);
    assert_string_equal(fv.v[FIELD_TUNNEL], "office");
    assert_string_equal(fv.v[FIELD_PEER4], "198.18.255.1");
    assert_string_equal(fv.v[FIELD_ADDRESS6], FIELD_ABSENT); /* not sent */
    assert_string_equal(fv.v[FIELD_PACER_RATE], FIELD_ABSENT);
    assert_string_equal(fv.v[FIELD_LAST_ERROR], "ssh: \"gw\" said \\ no");
}

static void dump_is_one_line_of_every_field_in_table_order(void **state)
{
    (void)state;
    struct field_values fv;
    show_parse(ANSWER, &fv);
    char *text = capture(print_dump, &fv, 1);
    /* The documented columns (pppssh(8), FIELDS): a change here is a
     * change of a stable interface. */
    assert_string_equal(text, "office\tup\toffice\t4242\t198.18.255.100\t198.18.255.1\tfe80::1\t"
                              "fe80::2\t-\t3723\t12345\t10\t23456\t11\t1500\t0\t250\t3\t0\t-\t2\t"
                              "ssh: \"gw\" said \\ no\n");
    free(text);
    assert_int_equal(FIELD_COUNT, 22);
    assert_string_equal(TUNNEL_FIELDS[FIELD_RX_BYTES].key, "rx_bytes");
}

/* python3's json module reads text; prints "ok" if check(obj) holds. */
static int python_accepts(const char *json, const char *check)
{
    char path[] = "/tmp/pppssh-json.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "python3 -m json.tool %s >/dev/null && python3 -c 'import json,sys; "
             "o = json.load(open(sys.argv[1])); sys.exit(0 if (%s) else 1)' %s",
             path, check, path);
    int r = system(cmd);
    unlink(path);
    return r;
}

static void json_is_valid_with_numbers_strings_and_nulls(void **state)
{
    (void)state;
    struct field_values fv[2];
    show_parse(ANSWER, &fv[0]);
    show_parse("tunnel=lab\nstate=backoff\nlast_error=a\ttab \x01 and \\n\n", &fv[1]);
    char *text = capture(show_print_json, fv, 2);
    assert_int_equal(python_accepts(text,
                                    "len(o) == 2 and o[0][\"tunnel\"] == \"office\" and "
                                    "o[0][\"rx_bytes\"] == 23456 and "
                                    "o[0][\"echo_rtt_us\"] == 1500 and "
                                    "o[0][\"address6\"] is None and "
                                    "o[0][\"last_error\"] == \"ssh: \\\"gw\\\" said \\\\ no\" and "
                                    "o[1][\"last_error\"] == \"a\\ttab \\x01 and \\\\n\" and "
                                    "o[1][\"rx_bytes\"] is None and "
                                    "list(o[0]) == [\"tunnel\", \"state\"] + list(o[0])[2:]"),
                     0);
    free(text);
    text = capture(show_print_json, fv, 0);
    assert_string_equal(text, "[]\n");
    free(text);
}

static void metrics_have_help_type_and_tunnel_labels(void **state)
{
    (void)state;
    struct field_values fv[2];
    show_parse(ANSWER, &fv[0]);
    show_parse("tunnel=l\"ab\nstate=backoff\n", &fv[1]);
    char *text = capture(show_print_metrics, fv, 2);
    assert_non_null(strstr(text, "# HELP pppssh_receive_bytes_total IP bytes received from the "
                                 "peer\n# TYPE pppssh_receive_bytes_total counter\n"
                                 "pppssh_receive_bytes_total{tunnel=\"office\"} 23456\n"));
    /* Base units: seconds. */
    assert_non_null(strstr(text, "# TYPE pppssh_echo_rtt_seconds gauge\n"
                                 "pppssh_echo_rtt_seconds{tunnel=\"office\"} 0.001500\n"));
    assert_non_null(
        strstr(text, "pppssh_up{tunnel=\"office\"} 1\npppssh_up{tunnel=\"l\\\"ab\"} 0\n"));
    assert_non_null(strstr(text, "pppssh_tunnel_info{tunnel=\"office\",state=\"up\","
                                 "interface=\"office\",local4=\"198.18.255.100\""));
    /* An absent value is no sample, not a zero. */
    assert_null(strstr(text, "pppssh_receive_bytes_total{tunnel=\"l\\\"ab\"}"));
    assert_null(strstr(text, "pppssh_pacer_rate_bits_per_second{"));
    /* Every line is a comment or "name{labels} value". */
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        assert_true(line[0] == '#' || (strstr(line, "pppssh_") == line &&
                                       strstr(line, "{tunnel=\"") && strstr(line, "} ")));
    free(text);
}

/* The Prometheus project's own parser (Debian's python3-prometheus-client)
 * reads every family with its type, and the samples' values. */
static void metrics_parse_with_the_prometheus_parser(void **state)
{
    (void)state;
    struct field_values fv[2];
    show_parse(ANSWER, &fv[0]);
    show_parse("tunnel=lab\nstate=backoff\nreconnects=7\n", &fv[1]);
    char *text = capture(show_print_metrics, fv, 2);
    char path[] = "/tmp/pppssh-prom.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    free(text);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 -c 'import sys\n"
             "from prometheus_client.parser import text_string_to_metric_families as parse\n"
             "f = {m.name: m for m in parse(open(sys.argv[1]).read())}\n"
             "s = lambda n, t: [x.value for x in f[n].samples if x.labels[\"tunnel\"] == t]\n"
             "assert f[\"pppssh_receive_bytes\"].type == \"counter\", f\n"
             "assert s(\"pppssh_receive_bytes\", \"office\") == [23456.0]\n"
             "assert s(\"pppssh_receive_bytes\", \"lab\") == []\n"
             "assert s(\"pppssh_reconnects\", \"lab\") == [7.0]\n"
             "assert s(\"pppssh_echo_rtt_seconds\", \"office\") == [0.0015]\n"
             "assert f[\"pppssh_uptime_seconds\"].type == \"gauge\"\n"
             "assert s(\"pppssh_up\", \"lab\") == [0.0]\n"
             "assert f[\"pppssh_tunnel_info\"].samples[0].labels[\"peer4\"] == \"198.18.255.1\"\n"
             "' %s",
             path);
    int r = system(cmd);
    unlink(path);
    assert_int_equal(r, 0);
}

static void show_block_leaves_out_absent_fields(void **state)
{
    (void)state;
    struct field_values fv;
    show_parse(ANSWER, &fv);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    show_print_block(out, &fv);
    fclose(out);
    assert_true(strncmp(text, "tunnel: office\n  state: up\n", 27) == 0);
    assert_non_null(strstr(text, "  uptime: 0d 01h 02m 03s\n"));
    assert_non_null(strstr(text, "  echo_rtt: 1.500 ms\n"));
    assert_null(strstr(text, "address6"));
    free(text);
}

/* pppssh(8) documents every field, in dump's order. */
static void the_man_page_lists_every_field_in_order(void **state)
{
    (void)state;
    FILE *f = fopen(PPPSSH_SOURCE_DIR "/docs/pppssh.8", "r");
    assert_non_null(f);
    char line[512];
    int next = 0;
    while (fgets(line, sizeof(line), f) && next < FIELD_COUNT) {
        char want[128];
        snprintf(want, sizeof(want), ".B %s\n", TUNNEL_FIELDS[next].key);
        if (strcmp(line, want) == 0)
            next++;
    }
    fclose(f);
    if (next < FIELD_COUNT)
        fail_msg("pppssh.8 lacks \".B %s\" (in dump order)", TUNNEL_FIELDS[next].key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_takes_known_keys_and_leaves_the_rest_absent),
        cmocka_unit_test(dump_is_one_line_of_every_field_in_table_order),
        cmocka_unit_test(json_is_valid_with_numbers_strings_and_nulls),
        cmocka_unit_test(metrics_have_help_type_and_tunnel_labels),
        cmocka_unit_test(metrics_parse_with_the_prometheus_parser),
        cmocka_unit_test(show_block_leaves_out_absent_fields),
        cmocka_unit_test(the_man_page_lists_every_field_in_order),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
