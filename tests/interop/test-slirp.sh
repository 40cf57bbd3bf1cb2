#!/bin/bash
# test-slirp.sh - our engine (ppp_peer) against slirp's PPP (Debian's slirp
# 1.0.17, code derived from pppd 2.1), slirp in an empty network namespace.
# slirp prints its banner on the line first, asks IPCP for 0.0.0.0 plus VJ
# compression, keeps ff 03 on LCP frames and never answers IPV6CP (nor
# Protocol-Rejects it), so our IPV6CP runs into Max-Configure.
# Asserts: LCP and IPCP Opened, slirp takes 198.18.254.1 from our Nak and
# answers 3/3 ICMP echoes there, 2/2 LCP echoes, the banner was skipped as
# bytes outside frames, the link stays up after IPV6CP gives up, our
# Terminate-Request is acknowledged and slirp exits;
# the capture decodes in Wireshark with every FCS good.
. "$(dirname "$0")/lib/common.sh"
need_peer
SLIRP="198.18.254.1" US="198.18.254.2"
run_bg "$WORK/slirp.log" "$INTEROP_DIR/slirp-peer.sh" --socket "$WORK/slirp.sock" --addr "$SLIRP" \
    --log-dir "$WORK/slirp"
SL=$BG_PID
check "slirp listens" wait_until 5 test -S "$WORK/slirp.sock"
# A short restart timer makes our unanswered IPV6CP reach Max-Configure
# (10 tries) within the 4 s hold: IPCP and the link must stay up regardless.
"$PPP_PEER" --connect "$WORK/slirp.sock" --local "$US" --remote "$SLIRP" --ping "$SLIRP" 3 --echoes 2 \
    --restart 300 --echo-interval 1000 --hold 4000 --timeout 20 --pcap "$WORK/link.pcap" >"$WORK/summary.txt" 2>"$WORK/peer.log"
RC=$?
wait_until 5 is_dead "$SL"
sed 's/^/ppp_peer: /' "$WORK/summary.txt"
check "ppp_peer exits 0" [ "$RC" = 0 ]
check "engine: LCP and IPCP opened" summary_has lcp=opened ipcp=opened
check "engine: addresses $US <-> $SLIRP" summary_has "local=$US" "remote=$SLIRP"
check "engine: ICMP echo to $SLIRP answered 3/3" summary_has ping=3/3
stat() { grep -o " $1=[0-9]*" "$WORK/summary.txt" | cut -d= -f2; }
check "engine: 2 LCP echoes + keepalive every 1 s, all answered ($(stat echo_replies)/$(stat echo_sent))" \
    bash -c "[ '$(stat echo_replies)' = '$(stat echo_sent)' ] && [ '$(stat echo_sent)' -ge 5 ]"
check "engine: link still up 4 s later, after IPV6CP gave up unanswered" summary_has up_at_end=yes
check "engine: Terminate-Ack received, link closed cleanly" summary_has term_ack_rx=yes close=clean
check "engine: slirp's banner counted as bytes outside frames" \
    at_least "$(stat rx_outside_frames)" 100
check "slirp exited after the Terminate-Request" is_dead "$SL"
stop_all
pcap_analyse "$WORK/link.pcap" 10
echo "capture: $PCAP_SUMMARY"
check "Wireshark: every FCS good, nothing malformed, >= 10 frames" pcap_clean
check "capture: >= 3 ICMP echo replies" at_least "$(pcap_fact icmp_replies)" 3
check "capture: we Nak slirp's IPCP address 0.0.0.0 with $SLIRP" \
    [ "$(pcap_fact ipcp_nak_addrs)" = "$SLIRP" ]
finish
