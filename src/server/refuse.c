/*
 * refuse.c - a refused session's reason, as an LCP Terminate-Request.
 */
#include "refuse.h"

#include <errno.h>
#include <unistd.h>

#include "ppp.h"

static void write_all(int fd, struct ppp_link *link)
{
    const uint8_t *data;
    size_t len;
    while ((len = ppp_link_tx_data(link, &data)) > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        ppp_link_tx_consume(link, (size_t)n);
    }
}

void refuse_in_band(int out_fd, const char *reason)
{
    struct ppp_settings settings;
    struct ppp_callbacks callbacks = {0};
    struct ppp_link *link;
    ppp_settings_default(&settings);
    if (ppp_link_new(&link, &settings, &callbacks, NULL) != PPP_OK)
        return;
    ppp_link_open(link, 0);
    ppp_link_close(link, 0, reason);
    write_all(out_fd, link);
    ppp_link_del(link);
}
