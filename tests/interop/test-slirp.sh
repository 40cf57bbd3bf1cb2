#!/bin/bash
# test-slirp.sh - our engine (ppp_peer) against slirp's PPP (Debian's slirp
# 1.0.17, code derived from pppd 2.1), slirp in an empty network namespace.
# slirp prints its banner on the line first, asks IPCP for 0.0.0.0 plus VJ
# compression, keeps ff 03 on LCP frames and never answers IPV6CP.
# Asserts: LCP and IPCP Opened, slirp takes 198.18.254.1 from our Nak and
# answers 3/3 ICMP echoes there, 2/2 LCP echoes, the banner was skipped as
# bytes outside frames, our Terminate-Request is acknowledged and slirp exits;
# the capture decodes in Wireshark with every FCS good.
. "$(dirname "$0")/lib/common.sh"
need_peer
SLIRP="198.18.254.1" US="198.18.254.2"
run_bg "$WORK/slirp.log" "$INTEROP_DIR/slirp-peer.sh" --socket "$WORK/slirp.sock" --addr "$SLIRP" \
    --log-dir "$WORK/slirp"
SL=$BG_PID
check "slirp listens" wait_until 5 test -S "$WORK/slirp.sock"
"$PPP_PEER" --connect "$WORK/slirp.sock" --local "$US" --remote "$SLIRP" --ping "$SLIRP" 3 --echoes 2 \
    --timeout 20 --pcap "$WORK/link.pcap" >"$WORK/summary.txt" 2>"$WORK/peer.log"
RC=$?
wait_until 5 is_dead "$SL"
sed 's/^/ppp_peer: /' "$WORK/summary.txt"
check "ppp_peer exits 0" [ "$RC" = 0 ]
check "engine: LCP and IPCP opened" summary_has lcp=opened ipcp=opened
check "engine: addresses $US <-> $SLIRP" summary_has "local=$US" "remote=$SLIRP"
check "engine: ICMP echo to $SLIRP answered 3/3" summary_has ping=3/3
check "engine: LCP echo answered 2/2" summary_has echo=2/2
check "engine: Terminate-Ack received, link closed cleanly" summary_has term_ack_rx=yes close=clean
check "engine: slirp's banner counted as bytes outside frames" \
    at_least "$(grep -o 'rx_outside_frames=[0-9]*' "$WORK/summary.txt" | cut -d= -f2)" 100
check "slirp exited after the Terminate-Request" is_dead "$SL"
stop_all
check "Wireshark: $(pcap_verdict "$WORK/link.pcap")" pcap_clean "$WORK/link.pcap" 10
check "capture: >= 3 ICMP echo replies from $SLIRP" \
    at_least "$(pcap_count "$WORK/link.pcap" "icmp.type == 0 && ip.src == $SLIRP")" 3
check "capture: we Nak slirp's IPCP address 0.0.0.0 with $SLIRP" \
    at_least "$(pcap_count "$WORK/link.pcap" "ipcp && ppp.code == 3 && ipcp.opt.ip_address == $SLIRP")" 1
finish
