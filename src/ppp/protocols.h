/*
 * protocols.h - PPP protocol numbers (RFC 1661 section 2, IANA PPP DLL
 * protocol numbers) that the engine speaks or refuses by name.
 */
#ifndef PPPSSH_PROTOCOLS_H
#define PPPSSH_PROTOCOLS_H

#define PPP_PROTO_IP 0x0021
#define PPP_PROTO_VJ_COMP 0x002d
#define PPP_PROTO_VJ_UNCOMP 0x002f
#define PPP_PROTO_IPV6 0x0057
#define PPP_PROTO_VSNP 0x005b /* RFC 3772: pppssh's offloaded IP (offload.h) */
#define PPP_PROTO_IPCP 0x8021
#define PPP_PROTO_IPV6CP 0x8057
#define PPP_PROTO_CCP 0x80fd
#define PPP_PROTO_LCP 0xc021
#define PPP_PROTO_PAP 0xc023
#define PPP_PROTO_CHAP 0xc223

#endif
