#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # ctest runs "sh test-….sh"
# test-pppd.sh - pppssh against stock pppd 2.4.9 on a serial line (pppd
# on /dev/ttyS1 of a qemu guest, tests/interop/pppd-vm.sh; the line is a
# unix socket here), in both roles:
#   1. pppssh up as the client, `Command = socat - UNIX-CONNECT:<line>`,
#      pppd as the server ("passive", it assigns our address): the link
#      comes up, we ping pppd's address, `pppssh down` ends pppd too.
#   2. pppd as the client (active, "noipdefault": it takes the address we
#      give), `pppssh serve --local A --remote B` on the other end of the
#      line (socat joins them) in the server namespace: pppd's IPCP comes
#      up with our addresses, we ping the guest, and a SIGTERM makes
#      pppssh serve close the link (LCP Terminate, pppd exits) and log its
#      session.
#   3. as 2. with pppd's "+ipv6 mru 1200": IPv6 cannot work on an MTU of
#      1200, so serve gives up IPV6CP alone and IPv4 stays up.
# The guest kernel answers ICMP by itself.  Addresses: 198.18.253.0/24.
#   1b. As 1., through the bed's sshd, as the VPN HOWTO's server has it: the
#      account's login shell speaks PPP on the pty sshd gives it (here one
#      that sets the pty raw, as pppd does, and joins it to the guest's
#      pppd); pppssh up sends no command (`RemoteCommand = none`, ssh -tt).
#   PPPSSH=/abs/path/pppssh tests/e2e/test-pppd.sh
HERE=$(cd "$(dirname "$0")" && pwd); [ -e "$HERE/lib.sh" ] || HERE=$HERE/..   # also from pending/
. "$HERE/lib.sh"
VM=$(cd "$HERE/../interop" 2>/dev/null && pwd)/pppd-vm.sh
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
[ -x "$VM" ] || { echo "SKIP: no $VM"; exit 77; }
e2e_bed_setup
"$(dirname "$VM")/guest-build.sh" >"$E2E_TMP/guest-build.out" 2>&1 ||
    { cat "$E2E_TMP/guest-build.out"; echo "FAIL: guest build"; exit 1; }
PPPD=198.18.253.1 US=198.18.253.2

# start_vm NAME OPTS: pppd in a guest, its line on $E2E_TMP/NAME.sock;
# returns once pppd has the line (READY) or fails after 60 s.
start_vm() {
    "$VM" --socket "$E2E_TMP/$1.sock" --console "$E2E_TMP/$1.console" --opts "$2" \
        >"$E2E_TMP/$1.vm" 2>&1 &
    VM_PID=$!
    E2E_PIDS="$E2E_PIDS $VM_PID"
    x_i=0
    while ! grep -q READY "$E2E_TMP/$1.vm" && kill -0 $VM_PID 2>/dev/null && [ $x_i -lt 600 ]; do
        sleep 0.1
        x_i=$((x_i + 1))
    done
    grep -q READY "$E2E_TMP/$1.vm" || { cat "$E2E_TMP/$1.vm"; tail -n 20 "$E2E_TMP/$1.console"; return 1; }
    echo "    guest $1: $(cat "$E2E_TMP/$1.vm")"
}

# --- 1. pppssh client -> pppd server -------------------------------------
check "1: pppd guest boots (passive, $PPPD:$US)" \
    start_vm srv "noauth local passive debug lcp-restart 1 $PPPD:$US"
C=$E2E_TMP/srv.console
printf '[Tunnel]\nCommand = socat - UNIX-CONNECT:%s\nInterface = e2epppd\n' "$E2E_TMP/srv.sock" \
    >"$E2E_TMP/e2epppd.conf"
check "1: pppssh up against pppd exits 0" e2e_up "$NS_CLI" "$E2E_TMP/e2epppd.conf"
echo "    (up took $E2E_UP_MS ms)"
check "1: we got the address pppd assigned ($US peer $PPPD)" \
    bash -c "ip -n $NS_CLI -4 -o addr show dev e2epppd | grep -q 'inet $US peer $PPPD/32'"
check "1: ping pppd's address $PPPD" e2e_ping "$NS_CLI" "$PPPD"
check "1: pppd says IPCP is up with the same addresses" \
    bash -c "grep -q 'local  IP address $PPPD' '$C' && grep -q 'remote IP address $US' '$C'"
# Our Vendor-Specific option (OUI 02-50-53, offload): pppd Rejects it, we
# ask again without it, and keep to plain IP frames.
check "1: pppd Rejected our offload option" \
    bash -c "grep -Eq 'sent \[LCP ConfRej id=0x[0-9a-f]+ < 00 06 02 50 53 01>\]' '$C'"
check "1: pppssh status says offloads are off" \
    bash -c "ip netns exec $NS_CLI '$PPPSSH' status e2epppd | grep -q '^offload: off;'"
check "1: pppssh down exits 0" e2e_down "$NS_CLI" "$E2E_TMP/e2epppd.conf"
check "1: pppd received our Terminate-Request" e2e_wait_file_text "$C" "rcvd [LCP TermReq" 10
check "1: pppd exited, guest off" e2e_wait_dead "$VM_PID" 20
check "1: e2epppd is gone" wait_gone ip -n "$NS_CLI" link show e2epppd
[ "$E2E_FAILED" = 0 ] || tail -n 30 "$C"

# --- 1b. pppssh client, RemoteCommand = none -> pppd behind a login shell -
F0=$E2E_FAILED
check "1b: pppd guest boots (passive, $PPPD:$US)" \
    start_vm ls "noauth local passive debug lcp-restart 1 $PPPD:$US"
C=$E2E_TMP/ls.console
cat >"$E2E_TMP/pppd-shell" <<SH
#!/bin/sh
stty raw -echo
exec socat - UNIX-CONNECT:$E2E_TMP/ls.sock
SH
chmod 755 "$E2E_TMP/pppd-shell"
e2e_login_shell "$E2E_TMP/pppd-shell"
sed -i 's/^command="[^"]*" //' "$E2E_TMP/authorized_keys" # the login shell decides
e2e_conf "$E2E_TMP/e2els.conf" "Interface = e2els" "RemoteCommand = none"
check "1b: pppssh up with RemoteCommand = none exits 0" e2e_up "$NS_CLI" "$E2E_TMP/e2els.conf"
echo "    (up took $E2E_UP_MS ms)"
check "1b: we got the address pppd assigned ($US peer $PPPD)" \
    bash -c "ip -n $NS_CLI -4 -o addr show dev e2els | grep -q 'inet $US peer $PPPD/32'"
check "1b: ping pppd's address $PPPD" e2e_ping "$NS_CLI" "$PPPD"
check "1b: pppssh down exits 0" e2e_down "$NS_CLI" "$E2E_TMP/e2els.conf"
check "1b: pppd received our Terminate-Request" e2e_wait_file_text "$C" "rcvd [LCP TermReq" 10
check "1b: pppd exited, guest off" e2e_wait_dead "$VM_PID" 20
[ "$E2E_FAILED" = "$F0" ] || tail -n 30 "$C"

# --- 2. pppd client -> pppssh serve ----------------------------------------
F0=$E2E_FAILED
check "2: pppd guest boots (active client, noipdefault)" \
    start_vm cli "noauth local noipdefault debug lcp-restart 1"
C=$E2E_TMP/cli.console
# socat joins the guest's line to pppssh serve in the server namespace.
ip netns exec "$NS_SRV" socat "UNIX-CONNECT:$E2E_TMP/cli.sock" \
    "EXEC:$PPPSSH serve --local $PPPD --remote $US --stderr" \
    2>"$E2E_TMP/serve-pppd.log" &
SOCAT_PID=$!
E2E_PIDS="$E2E_PIDS $SOCAT_PID"
check "2: pppd's IPCP comes up with the address we gave ($US)" \
    e2e_wait_file_text "$C" "local  IP address $US" 30
check "2: pppd sees our end as $PPPD" e2e_wait_file_text "$C" "remote IP address $PPPD" 5
srv_if() { ip -n "$NS_SRV" -4 -o addr show | awk -v a="$PPPD" '$4 == a {print $2; exit}'; }
check "2: our tunnel interface has $PPPD peer $US" \
    bash -c "ip -n $NS_SRV -4 -o addr show | grep -q 'inet $PPPD peer $US/32'"
check "2: ping the guest (pppd client) at $US" e2e_ping "$NS_SRV" "$US"
# Stop pppssh serve itself (socat's child): it closes the link with an LCP
# Terminate-Request while socat still relays, then socat sees the end.
SERVE_PID=$(pgrep -P "$SOCAT_PID" | head -n1)
check "2: pppssh serve runs under socat (pid $SERVE_PID)" test -n "$SERVE_PID"
[ -n "$SERVE_PID" ] && kill "$SERVE_PID"
check "2: pppssh serve ends with the line and logs its session" \
    e2e_wait_file_text "$E2E_TMP/serve-pppd.log" "session " 10
echo "    $(grep 'session ' "$E2E_TMP/serve-pppd.log")"
check "2: pppd received our Terminate-Request" e2e_wait_file_text "$C" "rcvd [LCP TermReq" 10
check "2: pppd exited, guest off" e2e_wait_dead "$VM_PID" 20
check "2: no tunnel interface left in the server namespace" \
    wait_gone bash -c "ip -n $NS_SRV -4 -o addr show | grep -q 'inet $PPPD'"
[ "$E2E_FAILED" = "$F0" ] || { tail -n 30 "$C"; sed 's/^/    serve| /' "$E2E_TMP/serve-pppd.log"; }

# --- 3. pppd with +ipv6 and the HOWTOs' "mru 1200" -> pppssh serve ----------
# Our interface MTU is 1200, which has no IPv6 (RFC 8200 section 5): serve
# gives up IPV6CP (Protocol-Reject) and IPv4 stays up, as pppd's does.
F0=$E2E_FAILED
check "3: pppd guest boots (active client, +ipv6 mru 1200)" \
    start_vm low "noauth local noipdefault debug lcp-restart 1 +ipv6 mru 1200"
C=$E2E_TMP/low.console
ip netns exec "$NS_SRV" socat "UNIX-CONNECT:$E2E_TMP/low.sock" \
    "EXEC:$PPPSSH serve --local $PPPD --remote $US --stderr" \
    2>"$E2E_TMP/serve-low.log" &
SOCAT_PID=$!
E2E_PIDS="$E2E_PIDS $SOCAT_PID"
check "3: pppd's IPCP comes up" e2e_wait_file_text "$C" "local  IP address $US" 30
check "3: ping the guest at $US" e2e_ping "$NS_SRV" "$US"
check "3: pppd stopped IPV6CP on our Protocol-Reject" \
    e2e_wait_file_text "$C" "Protocol-Reject for 'IPv6 Control Protocol'" 5
sleep 2   # IPV6CP settles within milliseconds of IPCP
check "3: 2 s later the guest still answers (the link stayed up)" e2e_ping "$NS_SRV" "$US"
LOW_IF=$(srv_if)
check "3: our interface ($LOW_IF) has MTU 1200" \
    bash -c "ip -n $NS_SRV link show dev '$LOW_IF' | grep -q 'mtu 1200 '"
check "3: no IPv6 address on it" \
    bash -c "! ip -n $NS_SRV -6 -o addr show dev '$LOW_IF' | grep -q inet6"
SERVE_PID=$(pgrep -P "$SOCAT_PID" | head -n1)
[ -n "$SERVE_PID" ] && kill "$SERVE_PID"
check "3: pppd exited, guest off" e2e_wait_dead "$VM_PID" 20
[ "$E2E_FAILED" = "$F0" ] || { tail -n 30 "$C"; sed 's/^/    serve| /' "$E2E_TMP/serve-low.log"; }

e2e_summary
