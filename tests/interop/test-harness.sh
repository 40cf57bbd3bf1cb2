#!/bin/bash
# test-harness.sh - proves the harness without our engine: stock pppd in the
# qemu guest and slirp, joined by socat.  Both reach IPCP Opened with the
# 198.18.254.0/24 addresses, pppd ends the link after 2 s (maxconnect) and
# slirp acknowledges, and the raw bytes of both directions decode in
# Wireshark with every FCS good.  The decoder must also reject the same
# capture with one bit flipped.
. "$(dirname "$0")/lib/common.sh"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
"$INTEROP_DIR/guest-build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "FAIL guest build"; exit 1; }

run_bg "$WORK/vm.log" "$INTEROP_DIR/pppd-vm.sh" --socket "$WORK/vm.sock" --console "$WORK/console.log" \
    --opts "noauth local passive debug lcp-restart 1 maxconnect 2 198.18.254.2:198.18.254.1"
VM=$BG_PID
run_bg "$WORK/slirp.log" "$INTEROP_DIR/slirp-peer.sh" --socket "$WORK/slirp.sock" --addr 198.18.254.1 --log-dir "$WORK/slirp"
wait_until 60 in_file READY "$WORK/vm.log"
guest_booted "$WORK/vm.log"
echo "pppd guest: $(head -n1 "$WORK/vm.log")"
check "slirp listens" wait_until 5 test -S "$WORK/slirp.sock"
run_bg "$WORK/socat.log" socat -r "$WORK/to-slirp.raw" -R "$WORK/to-pppd.raw" \
    "UNIX-CONNECT:$WORK/vm.sock" "UNIX-CONNECT:$WORK/slirp.sock"
wait_until 30 is_dead "$VM"
C=$WORK/console.log
check "pppd: IPCP up, local 198.18.254.2" in_file 'local  IP address 198.18.254.2' "$C"
check "pppd: IPCP up, slirp is 198.18.254.1" in_file 'remote IP address 198.18.254.1' "$C"
check "pppd: slirp acknowledged the Terminate-Request" in_file 'rcvd \[LCP TermAck' "$C"
check "pppd exited and the guest powered off" is_dead "$VM"
stop_all
python3 "$INTEROP_DIR/lib/pcap_check.py" raw2pcap "$WORK/link.pcap" "$WORK/to-slirp.raw" "$WORK/to-pppd.raw"
pcap_analyse "$WORK/link.pcap" 10
check "Wireshark decodes both directions clean: ${PCAP_SUMMARY%% icmp_replies=*}" pcap_clean
check "the checker catches one flipped bit" pcap_flip_is_caught "$WORK/link.pcap"
finish
