#!/bin/bash
# test-pppd.sh --pppd-passive | --pppd-active
# Our engine (ppp_peer) against stock pppd 2.4.9 in a qemu guest, on the
# guest's serial line.  pppd runs with its defaults (CCP on, so our refusal
# of CCP is exercised) plus +ipv6:
#   --pppd-passive  pppd "passive"; its first Configure-Request is lost
#                   (nobody is connected yet), so our engine speaks first.
#   --pppd-active   pppd active, our engine --silent: pppd speaks first.
# Asserts: LCP, IPCP and IPV6CP Opened on both sides with the expected
# addresses; 3/3 ICMP echoes to pppd's address and 3/3 ICMPv6 echoes to its
# fe80:: address answered; 2 LCP echoes answered; our Terminate-Request
# acknowledged and pppd exits; the capture of both directions decodes in
# Wireshark with every FCS good and shows the echo replies.
. "$(dirname "$0")/lib/common.sh"
MODE=${1:-}
# The exchange gets 40 s.  With pppd active the peer connects while the
# guest still boots (so that it sees pppd's first request), and its deadline
# runs from then: it also covers pppd-vm.sh's boot bound (BOOT_S, 60 s),
# which a loaded 2-core machine under TCG does use (41.7 s seen).
case "$MODE" in
    --pppd-passive) PPPD_MODE=passive PEER_MODE=() FIRST=0 WHO=ours PEER_S=40 ;;
    --pppd-active) PPPD_MODE="" PEER_MODE=(--silent --passive) FIRST=1 WHO="pppd's" PEER_S=100 ;;
    *) echo "usage: $0 --pppd-passive|--pppd-active" >&2; exit 2 ;;
esac
need_peer
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
"$INTEROP_DIR/guest-build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "FAIL guest build"; exit 1; }

PPPD="198.18.255.1" US="198.18.255.2"
run_bg "$WORK/vm.log" "$INTEROP_DIR/pppd-vm.sh" --socket "$WORK/vm.sock" --console "$WORK/console.log" \
    --opts "noauth local $PPPD_MODE debug lcp-restart 1 +ipv6 $PPPD:$US"
VM=$BG_PID
if [ "$PPPD_MODE" = passive ]; then
    wait_until 60 in_file READY "$WORK/vm.log"
else
    wait_until 60 test -S "$WORK/vm.sock"   # connect before pppd starts: see its first request
fi
"$PPP_PEER" --connect "$WORK/vm.sock" "${PEER_MODE[@]}" --local "$US" --remote "$PPPD" \
    --ping "$PPPD" 3 --ping6 3 --echoes 2 --timeout "$PEER_S" --pcap "$WORK/link.pcap" \
    >"$WORK/summary.txt" 2>"$WORK/peer.log"
RC=$?
guest_booted "$WORK/vm.log"
wait_until 10 is_dead "$VM"
C=$WORK/console.log
echo "pppd guest: $(cat "$WORK/vm.log" | head -n1)"
sed 's/^/ppp_peer: /' "$WORK/summary.txt"
check "ppp_peer exits 0" [ "$RC" = 0 ]
check "engine: LCP, IPCP, IPV6CP opened" summary_has lcp=opened ipcp=opened ipv6cp=opened
check "engine: addresses $US <-> $PPPD" summary_has "local=$US" "remote=$PPPD"
check "engine: ICMP echo to $PPPD answered 3/3" summary_has ping=3/3
check "engine: ICMPv6 echo to pppd's fe80:: answered 3/3" summary_has ping6=3/3
check "engine: LCP echo answered 2/2" summary_has echo=2/2
check "engine: Terminate-Ack received, link closed cleanly" summary_has term_ack_rx=yes close=clean
check "pppd: IPCP up with the same addresses" \
    bash -c "grep -q 'local  IP address $PPPD' '$C' && grep -q 'remote IP address $US' '$C'"
check "pppd: IPV6CP up" in_file 'local  LL address fe80::' "$C"
check "pppd: its CCP was refused with a Protocol-Reject" grep -Eq 'rcvd \[LCP ProtRej id=0x[0-9a-f]+ 80 fd' "$C"
check "pppd: nothing it could not parse" bash -c "! grep -Eiq 'unsupported protocol|bad |invalid|malformed|too short' '$C'"
check "pppd: acknowledged our Terminate-Request" in_file 'sent \[LCP TermAck' "$C"
check "pppd exited ($(grep -o 'pppd exited rc=[0-9]*' "$C")), guest off" is_dead "$VM"
stop_all
pcap_analyse "$WORK/link.pcap" 15
echo "capture: $PCAP_SUMMARY"
check "Wireshark: every FCS good, nothing malformed, >= 15 frames" pcap_clean
# pppd asks for PFC (option 7), our engine does not: that tells who spoke first.
check "capture: the first frame is $WHO LCP Configure-Request" \
    [ "$(pcap_fact first_lcp_req_opts | tr , '\n' | grep -cx 7)" = "$FIRST" ]
check "capture: >= 3 ICMP echo replies" at_least "$(pcap_fact icmp_replies)" 3
check "capture: >= 3 ICMPv6 echo replies" at_least "$(pcap_fact icmpv6_replies)" 3
finish
