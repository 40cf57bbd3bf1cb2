#!/usr/bin/env python3
"""pcap_check.py - the interop tests' view of a PPP capture, through Wireshark.

  pcap_check.py check PCAP [--min-frames N]
      Decode PCAP (link type 50, LINKTYPE_PPP_HDLC: un-stuffed frames from the
      Address field through the FCS) with tshark, asking it to verify each
      16-bit FCS itself (-o ppp.fcs_type:16-Bit).  Prints one line per frame
      and "frames=N fcs_good=N fcs_bad=N fcs_unverified=N malformed=N
      expert_errors=N" and facts the tests assert on (icmp_replies,
      icmpv6_replies, first_lcp_req_opts: option types of frame 1 when it is an
      LCP Configure-Request, ipcp_nak_addrs: addresses in IPCP Naks).  Exit 1 when a frame has a bad or unverified FCS, is
      malformed, carries an expert-info error, or when there are fewer than N
      frames (default 1).
  pcap_check.py flip IN OUT
      Copy IN to OUT with one bit flipped in the middle of the first record
      that has at least 8 bytes: a capture the check above must reject.
  pcap_check.py raw2pcap OUT RAW...
      Split raw async-HDLC byte logs at 0x7e flags, undo the 0x7d escapes and
      write every frame (FCS kept, bad ones too) into OUT, file after file.
"""
import struct
import subprocess
import sys

LINKTYPE_PPP_HDLC = 50
PI_ERROR = '8388608'  # Wireshark's expert severity "Error"


def tshark_fields(pcap, fields):
    cmd = ['tshark', '-n', '-r', pcap, '-o', 'ppp.fcs_type:16-Bit', '-T', 'fields',
           '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split('\t') for line in out.splitlines()]


FIELDS = ['frame.number', 'frame.protocols', 'ppp.fcs.status', '_ws.malformed',
          '_ws.expert.severity', 'ppp.code', 'lcp.opt.type', 'ipcp.opt.ip_address',
          'icmp.type', 'icmpv6.type', '_ws.col.Protocol', '_ws.col.Info']


def facts_of(rows):
    """What the tests ask about the traffic, from the same single tshark pass."""
    facts = {'icmp_replies': 0, 'icmpv6_replies': 0, 'first_lcp_req_opts': '-',
             'ipcp_nak_addrs': '-'}
    naks = []
    for r in rows:
        cps = r['frame.protocols'].split(':')
        facts['icmp_replies'] += r['icmp.type'].split(',')[:1] == ['0']
        facts['icmpv6_replies'] += r['icmpv6.type'].split(',')[:1] == ['129']
        if r['frame.number'] == '1' and cps[-1] == 'lcp' and r['ppp.code'] == '1':
            facts['first_lcp_req_opts'] = r['lcp.opt.type'] or 'none'
        if cps[-1] == 'ipcp' and r['ppp.code'] == '3':
            naks += [a for a in r['ipcp.opt.ip_address'].split(',') if a]
    if naks:
        facts['ipcp_nak_addrs'] = ','.join(naks)
    return facts


def check(pcap, min_frames):
    rows = [dict(zip(FIELDS, r)) for r in tshark_fields(pcap, FIELDS)]
    count = {'fcs_good': 0, 'fcs_bad': 0, 'fcs_unverified': 0, 'malformed': 0,
             'expert_errors': 0}
    for r in rows:
        verdict = {'1': 'fcs_good', '0': 'fcs_bad'}.get(r['ppp.fcs.status'], 'fcs_unverified')
        count[verdict] += 1
        flags = verdict
        if r['_ws.malformed']:
            count['malformed'] += 1
            flags += ' MALFORMED'
        if PI_ERROR in r['_ws.expert.severity'].split(','):
            count['expert_errors'] += 1
            flags += ' EXPERT-ERROR'
        print('#%-3s [%s] %s %s' % (r['frame.number'], flags, r['_ws.col.Protocol'],
                                    r['_ws.col.Info']))
    facts = facts_of(rows)
    print('frames=%d ' % len(rows) + ' '.join('%s=%s' % kv for kv in count.items()) + ' ' +
          ' '.join('%s=%s' % kv for kv in facts.items()))
    bad = count['fcs_bad'] + count['fcs_unverified'] + count['malformed'] + count['expert_errors']
    return 0 if bad == 0 and len(rows) >= min_frames else 1


def read_pcap(path):
    data = open(path, 'rb').read()
    header, at, records = data[:24], 24, []
    while at + 16 <= len(data):
        caplen = struct.unpack_from('<I', data, at + 8)[0]
        records.append([data[at:at + 16], bytearray(data[at + 16:at + 16 + caplen])])
        at += 16 + caplen
    return header, records


def flip(src, dst):
    header, records = read_pcap(src)
    victim = next(r for r in records if len(r[1]) >= 8)
    victim[1][len(victim[1]) // 2] ^= 0x04
    with open(dst, 'wb') as f:
        f.write(header)
        for rec_header, body in records:
            f.write(rec_header + body)
    return 0


def deframe(stream):
    frame, inside, escaped = bytearray(), False, False
    for b in stream:
        if b == 0x7e:
            if inside and len(frame) >= 4:
                yield bytes(frame)
            frame, inside, escaped = bytearray(), True, False
        elif not inside:
            continue  # before the first flag: login banner
        elif b == 0x7d:
            escaped = True
        else:
            frame.append(b ^ 0x20 if escaped else b)
            escaped = False


def raw2pcap(out, raws):
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, LINKTYPE_PPP_HDLC))
        for raw in raws:
            for frame in deframe(open(raw, 'rb').read()):
                f.write(struct.pack('<IIII', 0, 0, len(frame), len(frame)) + frame)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == 'check':
        min_frames = int(argv[argv.index('--min-frames') + 1]) if '--min-frames' in argv else 1
        return check(argv[1], min_frames)
    if len(argv) == 3 and argv[0] == 'flip':
        return flip(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == 'raw2pcap':
        return raw2pcap(argv[1], argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
