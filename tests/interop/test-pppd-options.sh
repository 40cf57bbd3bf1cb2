#!/bin/bash
# test-pppd-options.sh - our engine against stock pppd with non-default
# options, and pppd ending the link:
#   mru 576                  our MRU towards pppd must become 576
#   asyncmap 0x000a0000      we must escape 0x11 and 0x13 (XON/XOFF): the ping
#                            payload holds both, and pppd's ppp_async drops
#                            such bytes unescaped, so a lost FCS = lost ping
#   lcp-echo-interval 1      pppd's keepalive must be answered
#   noipv6 noccp             pppd Protocol-Rejects our IPV6CP; IPCP goes on
#   maxconnect 4             pppd sends Terminate-Request; we must Ack it
# and ppp_peer --mru 1400, which pppd must accept.
. "$(dirname "$0")/lib/common.sh"
need_peer
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
"$INTEROP_DIR/guest-build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "FAIL guest build"; exit 1; }

PPPD="198.18.255.1" US="198.18.255.2"
run_bg "$WORK/vm.log" "$INTEROP_DIR/pppd-vm.sh" --socket "$WORK/vm.sock" --console "$WORK/console.log" \
    --opts "noauth local passive debug lcp-restart 1 mru 576 asyncmap 0x000a0000 lcp-echo-interval 1 noipv6 noccp maxconnect 4 $PPPD:$US"
VM=$BG_PID
wait_until 60 in_file READY "$WORK/vm.log"
guest_booted "$WORK/vm.log"
"$PPP_PEER" --connect "$WORK/vm.sock" --local "$US" --remote "$PPPD" --mru 1400 --ping "$PPPD" 3 \
    --wait-peer-close --timeout 30 --pcap "$WORK/link.pcap" >"$WORK/summary.txt" 2>"$WORK/peer.log"
RC=$?
wait_until 10 is_dead "$VM"
C=$WORK/console.log
echo "pppd guest: $(head -n1 "$WORK/vm.log")"
sed 's/^/ppp_peer: /' "$WORK/summary.txt"
check "ppp_peer exits 0" [ "$RC" = 0 ]
check "engine: LCP and IPCP opened" summary_has lcp=opened ipcp=opened ipv6cp=never
check "engine: sends at most 576-byte frames, takes 1400" summary_has mru_tx=576 mru_rx=1400
check "engine: escapes 0x11 and 0x13 for pppd" summary_has accm_tx=0x000a0000
check "engine: ICMP echo with 0x11/0x13 in it answered 3/3" summary_has ping=3/3
check "engine: answered pppd's Terminate-Request" summary_has close=clean term_ack_tx=yes cause=terminated-by-peer
check "pppd: took our MRU 1400" grep -q 'sent \[LCP ConfAck id=0x[0-9a-f]* <mru 1400>' "$C"
check "pppd: Protocol-Rejected our IPV6CP" grep -Eq 'sent \[LCP ProtRej id=0x[0-9a-f]+ 80 57' "$C"
check "pppd: its LCP echoes answered ($(grep -c 'rcvd \[LCP EchoRep' "$C"))" at_least "$(grep -c 'rcvd \[LCP EchoRep' "$C")" 1
check "pppd: no echo went unanswered" bash -c "! grep -q 'No response to' '$C'"
check "pppd: got our Terminate-Ack" in_file 'rcvd \[LCP TermAck' "$C"
check "pppd exited ($(grep -o 'pppd exited rc=[0-9]*' "$C")), guest off" is_dead "$VM"
stop_all
pcap_analyse "$WORK/link.pcap" 15
echo "capture: $PCAP_SUMMARY"
check "Wireshark: every FCS good, nothing malformed, >= 15 frames" pcap_clean
check "capture: >= 3 ICMP echo replies" at_least "$(pcap_fact icmp_replies)" 3
finish
