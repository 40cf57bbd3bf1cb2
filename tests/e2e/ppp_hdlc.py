"""ppp_hdlc.py - PPP in HDLC-like framing (RFC 1662) for the e2e tests'
scripted peers (flood_peer.py, ppp-inject.py): the FCS-16, a frame with
every control character escaped (the default ACCM), and its inverse."""

FLAG, ESC = 0x7E, 0x7D


def fcs16(data):
    """RFC 1662 appendix C.2, bit by bit; sent least significant byte first."""
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF


def frame(protocol, info, opening_flag=True):
    """Address, Control, Protocol, info and FCS, escaped (RFC 1662 section
    4.2), closed by a flag and, unless told otherwise, opened by one."""
    body = bytes([0xFF, 0x03]) + protocol.to_bytes(2, "big") + info
    body += fcs16(body).to_bytes(2, "little")
    out = bytearray([FLAG] if opening_flag else [])
    for b in body:
        if b < 0x20 or b in (FLAG, ESC):
            out += bytes([ESC, b ^ 0x20])
        else:
            out.append(b)
    out.append(FLAG)
    return bytes(out)


def deframe(raw):
    """One frame's bytes between flags: (protocol, info), or None when the
    FCS is bad or the frame too short."""
    body, esc = bytearray(), False
    for b in raw:
        if esc:
            body.append(b ^ 0x20)
            esc = False
        elif b == ESC:
            esc = True
        else:
            body.append(b)
    if len(body) < 4 or fcs16(body[:-2]) != int.from_bytes(body[-2:], "little"):
        return None
    body = body[:-2]
    if body[:2] == b"\xff\x03":
        body = body[2:]
    if not body:
        return None
    if body[0] & 1:  # a compressed protocol field
        return body[0], bytes(body[1:])
    return int.from_bytes(body[:2], "big"), bytes(body[2:])
