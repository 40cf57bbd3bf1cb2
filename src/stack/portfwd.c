/*
 * portfwd.c - see portfwd.h.
 */
#include "portfwd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUEST "forward"
#define OK "ok"
#define ERROR "error "

static int parse_port(const char *text, size_t len, uint16_t *out)
{
    char digits[6];
    if (len == 0 || len >= sizeof(digits) || strspn(text, "0123456789") < len)
        return -1;
    memcpy(digits, text, len);
    digits[len] = '\0';
    unsigned long v = strtoul(digits, NULL, 10);
    if (v < 1 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

int portfwd_parse(const char *text, struct portfwd *out)
{
    struct portfwd f = {0};
    if (!strncmp(text, "udp:", 4))
        f.udp = true;
    else if (strncmp(text, "tcp:", 4))
        return -1;
    const char *host = text + 4, *colon = strchr(host, ':');
    size_t host_len = colon ? (size_t)(colon - host) : strlen(host);
    if (parse_port(host, host_len, &f.host_port) < 0)
        return -1;
    f.client_port = f.host_port;
    if (colon && parse_port(colon + 1, strlen(colon + 1), &f.client_port) < 0)
        return -1;
    *out = f;
    return 0;
}

const char *portfwd_format(const struct portfwd *f, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%u:%u", f->udp ? "udp" : "tcp", f->host_port, f->client_port);
    return buf;
}

bool portfwd_equal(const struct portfwd *a, const struct portfwd *b)
{
    return a->udp == b->udp && a->host_port == b->host_port && a->client_port == b->client_port;
}

size_t portfwd_request(const struct portfwd *f, size_t n, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%c" REQUEST, 0);
    for (size_t i = 0; i < n && len < size; i++) {
        char one[PORTFWD_TEXT_MAX];
        len +=
            (size_t)snprintf(buf + len, size - len, " %s", portfwd_format(&f[i], one, sizeof(one)));
    }
    return len < size ? len : size - 1;
}

int portfwd_request_parse(const uint8_t *msg, size_t len, struct portfwd *f, size_t *n)
{
    if (len == 0 || msg[0] != 0)
        return 0;
    char text[PORTFWD_MSG_MAX + 1];
    if (len > PORTFWD_MSG_MAX || len < 1 + sizeof(REQUEST) - 1)
        return -1;
    memcpy(text, msg + 1, len - 1);
    text[len - 1] = '\0';
    if (strncmp(text, REQUEST, sizeof(REQUEST) - 1) || memchr(text, 0, len - 1))
        return -1;
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(text + sizeof(REQUEST) - 1, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (*n == PORTFWD_MAX || portfwd_parse(tok, &f[*n]) < 0)
            return -1;
        (*n)++;
    }
    return 1;
}

size_t portfwd_answer(const char *why, char *buf, size_t size)
{
    int len = why ? snprintf(buf, size, "%c" ERROR "%s", 0, why) : snprintf(buf, size, "%c" OK, 0);
    return (size_t)len < size ? (size_t)len : size - 1;
}

int portfwd_answer_parse(const uint8_t *msg, size_t len, char *why, size_t whysize)
{
    if (len < 1 || msg[0] != 0)
        return 0;
    const char *text = (const char *)msg + 1;
    size_t n = len - 1;
    if (n == sizeof(OK) - 1 && !memcmp(text, OK, n))
        return 1;
    if (n < sizeof(ERROR) - 1 || memcmp(text, ERROR, sizeof(ERROR) - 1))
        return 0;
    n -= sizeof(ERROR) - 1;
    if (n >= whysize)
        n = whysize - 1;
    memcpy(why, text + sizeof(ERROR) - 1, n);
    why[n] = '\0';
    return -1;
}
