/* tun.c - creating a TUN interface */
#include "tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "errtext.h"
#include "netlink.h"

static int check_name(const char *name, char *err, size_t errlen)
{
    size_t len = strlen(name);
    if (len >= IFNAMSIZ)
        return errtext_set(-EINVAL, err, errlen,
                           "interface name '%s' is too long (at most %d characters)", name,
                           IFNAMSIZ - 1);
    for (size_t i = 0; i < len; i++) {
        /* The kernel refuses '/', ':' and whitespace in interface names. */
        if (name[i] == '/' || name[i] == ':' || name[i] <= ' ' || name[i] == 0x7f)
            return errtext_set(-EINVAL, err, errlen, "interface name '%s' has invalid characters",
                               name);
    }
    return 0;
}

int tun_open(const char *want_name, char name_out[IFNAMSIZ], char *err, size_t errlen)
{
    struct ifreq ifr;
    bool named = want_name && *want_name;
    const char *shown = named ? want_name : "tun%d";

    if (named) {
        int rc = check_name(want_name, err, errlen);
        if (rc < 0)
            return rc;
        /* TUNSETIFF on an existing persistent tun would attach to it. */
        if (nl_link_exists(want_name))
            return errtext_set(-EEXIST, err, errlen, "interface name '%s' is already in use",
                               want_name);
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = -errno;
        return errtext_set(e, err, errlen,
                           "cannot create TUN interface '%s': cannot open "
                           "/dev/net/tun: %s%s",
                           shown, strerror(-e),
                           e == -ENOENT ? " (no TUN support: load the 'tun' module)"
                                        : errtext_priv_hint(e));
    }
    memset(&ifr, 0, sizeof(ifr));
    /* The vnet header carries segmentation and checksum offload both ways
     * (tun_pump.c); while offloads are off it reads as zero. */
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
    if (named)
        snprintf(ifr.ifr_name, IFNAMSIZ, "%s", want_name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = -errno;
        close(fd);
        if (e == -EBUSY || e == -EEXIST)
            return errtext_set(-EEXIST, err, errlen, "interface name '%s' is already in use",
                               shown);
        return errtext_set(e, err, errlen, "cannot create TUN interface '%s': %s%s", shown,
                           strerror(-e), errtext_priv_hint(e));
    }
    int little_endian = 1;
    if (ioctl(fd, TUNSETVNETLE, &little_endian) < 0) {
        int e = -errno;
        close(fd);
        return errtext_set(e, err, errlen, "cannot set up TUN interface '%s': TUNSETVNETLE: %s",
                           ifr.ifr_name, strerror(-e));
    }
    snprintf(name_out, IFNAMSIZ, "%s", ifr.ifr_name);
    return fd;
}

int tun_set_offload(int fd, const char *ifname, bool on, char *err, size_t errlen)
{
    /* TSO needs the checksum offload: a segment's checksum is the
     * kernel's to finish once it is cut. */
    unsigned long flags = on ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN : 0;
    if (ioctl(fd, TUNSETOFFLOAD, flags) < 0)
        return errtext_set(-errno, err, errlen, "cannot turn %s offloads on '%s': %s",
                           on ? "on" : "off", ifname, strerror(errno));
    return 0;
}
