#!/bin/bash
# test-fcs-negative.sh - the capture check must be able to fail: take a
# capture ppp_peer made against slirp, check it is clean, flip one bit in a
# copy of one frame and require Wireshark to report exactly one bad FCS.
. "$(dirname "$0")/lib/common.sh"
need_peer
run_bg "$WORK/slirp.log" "$INTEROP_DIR/slirp-peer.sh" --socket "$WORK/slirp.sock" --addr 198.18.254.1 \
    --log-dir "$WORK/slirp"
wait_until 5 test -S "$WORK/slirp.sock"
"$PPP_PEER" --connect "$WORK/slirp.sock" --local 198.18.254.2 --remote 198.18.254.1 --ping 198.18.254.1 1 \
    --timeout 20 --pcap "$WORK/link.pcap" >"$WORK/summary.txt" 2>"$WORK/peer.log"
stop_all
pcap_analyse "$WORK/link.pcap" 5
check "captured frames decode clean: ${PCAP_SUMMARY%% icmp_replies=*}" pcap_clean
check "one flipped bit is reported as a bad FCS" pcap_flip_is_caught "$WORK/link.pcap"
finish
