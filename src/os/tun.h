/*
 * tun.h - creating a TUN interface (layer 3, no packet-information header,
 * a struct virtio_net_hdr in front of every packet) and switching its
 * offloads.
 */
#ifndef PPPSSH_OS_TUN_H
#define PPPSSH_OS_TUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Creates a new TUN interface (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, the
 * header little-endian: TUNSETVNETLE) and returns its file
 * descriptor (>= 0), non-blocking and close-on-exec.  want_name is the
 * interface name to create, or NULL / "" to let the kernel pick ("tun%d").
 * The actual name is written to name_out.  The interface is left down and
 * is not persistent: closing the descriptor deletes it.
 *
 * Refuses (-EEXIST, "interface name 'vpn0' is already in use") when an
 * interface of that name exists, because TUNSETIFF would otherwise attach
 * to an existing persistent TUN device.  On failure returns -errno and
 * writes one line into err (e.g. "cannot create TUN interface 'vpn0':
 * Operation not permitted (needs CAP_NET_ADMIN: run as root)").
 */
int tun_open(const char *want_name, char name_out[IFNAMSIZ], char *err, size_t errlen);

/* Let the kernel hand us (on) TCP packets of up to the interface's
 * gso_max_size with a partial checksum, to be segmented by whoever writes
 * them out at the far end; or (off) only whole, checksummed packets.
 * Returns 0 or -errno with one line in err. */
int tun_set_offload(int fd, const char *ifname, bool on, char *err, size_t errlen);

#endif
