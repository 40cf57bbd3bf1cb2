/*
 * net4.c - the stack's inner IPv4 network as serve and pppssh-stack
 * spell it on pppssh-stack's command line (stack.h).
 */
#include "stack.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int stack_net4_parse(const char *text, uint32_t *net4)
{
    char addr[INET_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : 0;
    struct in_addr a;
    if (!slash || n >= sizeof(addr) || strcmp(slash + 1, "24"))
        return -1;
    memcpy(addr, text, n);
    addr[n] = '\0';
    if (inet_pton(AF_INET, addr, &a) != 1 || (ntohl(a.s_addr) & 0xff))
        return -1;
    *net4 = ntohl(a.s_addr);
    return 0;
}

const char *stack_net4_format(uint32_t net4, char *buf, size_t size)
{
    struct in_addr a = {.s_addr = htonl(net4)};
    return inet_ntop(AF_INET, &a, buf, (socklen_t)size);
}
