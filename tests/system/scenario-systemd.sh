# scenario-systemd.sh - pppssh@NAME under systemd as PID 1 (sourced by
# run.sh, in a booted guest with the package installed).  The guest is the
# client, the host namespace's sshd serves.  What systemd and the kernel
# end up with after start, a killed ssh, stop, restart, `pppssh down`, a
# default route through the tunnel and a failed start; and that the
# journal has no doubled prefixes.
# shellcheck shell=sh

# unit_prop UNIT PROPERTY: its value, e.g. unit_prop pppssh@sys MainPID.
unit_prop() { vm "systemctl show -p $2 --value $1"; }

# The ssh process in the unit's cgroup (pppssh's child), by PID.
SSH_OF_UNIT='for p in $(cat /sys/fs/cgroup$(systemctl show -p ControlGroup --value pppssh@sys)/cgroup.procs); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = ssh ] && echo $p; done'

check "systemd: start returns with the interface, its address and route in place" \
    vm_says "timeout 100 systemctl start pppssh@sys && ip -4 -o addr show dev sys && ip -4 route show dev sys" \
    "inet 198\.18\.255\.2 peer 198\.18\.255\.1/32"
check "systemd: ... and the Route (198.19.0.0/24 dev sys) when start returned" \
    grep -q "^198\.19\.0\.0/24 " "$E2E_TMP/vm.out"
check "systemd: the unit is active" vm "systemctl is-active -q pppssh@sys"
check "systemd: the client's DNS is the link's resolver (resolvectl dns sys)" \
    vm_says "resolvectl dns sys" "198\.18\.255\.53"
check "systemd: guest pings the server's tunnel address" vm "ping -c 2 -W 3 198.18.255.1"
check "systemd: the host side pings the guest through the tunnel" in_srv ping -c 2 -W 3 198.18.255.2

main_pid=$(unit_prop pppssh@sys MainPID)
ssh_pid=$(vm "$SSH_OF_UNIT")
check "systemd: the unit's ssh child found ($ssh_pid)" test -n "$ssh_pid"
check "systemd: kill the ssh child" vm "kill $ssh_pid"
check "systemd: a new ssh and the link back within 30 s" \
    vm_until 30 "[ -n \"\$($SSH_OF_UNIT)\" ] && [ \"\$($SSH_OF_UNIT)\" != $ssh_pid ] && ping -c 1 -W 1 198.18.255.1"
check "systemd: the unit stayed active, same MainPID, not restarted by systemd" \
    vm "systemctl is-active -q pppssh@sys && [ \"\$(systemctl show -p MainPID --value pppssh@sys)\" = $main_pid ] &&
        [ \"\$(systemctl show -p NRestarts --value pppssh@sys)\" = 0 ]"

check "systemd: stop" vm "timeout 30 systemctl stop pppssh@sys"
check "systemd: after stop the unit is inactive, Result=success" \
    vm_says "systemctl is-active pppssh@sys; systemctl show -p Result --value pppssh@sys" "^inactive$"
check "systemd: ... Result=success (not failed)" grep -qx success "$E2E_TMP/vm.out"
check_not "systemd: after stop no interface sys" vm "ip link show sys"
check_not "systemd: after stop no route to 198.19.0.0/24" vm "ip -4 route | grep 198.19.0.0"
check_not "systemd: after stop no resolver 198.18.255.53" vm "resolvectl dns | grep 198.18.255.53"

check "systemd: start again" vm "timeout 100 systemctl start pppssh@sys"
main_pid=$(unit_prop pppssh@sys MainPID)
check "systemd: restart returns with a new process and the address in place" \
    vm_says "timeout 100 systemctl restart pppssh@sys && systemctl show -p MainPID --value pppssh@sys &&
             ip -4 -o addr show dev sys" "inet 198\.18\.255\.2 peer 198\.18\.255\.1/32"
check "systemd: ... a new MainPID after restart" \
    test "$(head -n 1 "$E2E_TMP/vm.out")" != "$main_pid"
check "systemd: active after restart, pings" vm "systemctl is-active -q pppssh@sys && ping -c 1 -W 3 198.18.255.1"

check "systemd: pppssh down sys while the unit runs" vm "pppssh down sys"
check "systemd: ... the unit ends within 10 s" vm_until 10 "! systemctl is-active -q pppssh@sys"
sleep 13   # the unit's RestartSec is 10 s: a restart would have happened by now
check "systemd: ... 13 s later still inactive, Result=success, never restarted" \
    vm_says "systemctl is-active pppssh@sys; systemctl show -p Result -p NRestarts pppssh@sys" "^inactive$"
check "systemd: ... Result=success" grep -qx "Result=success" "$E2E_TMP/vm.out"
check "systemd: ... NRestarts=0" grep -qx "NRestarts=0" "$E2E_TMP/vm.out"
check_not "systemd: ... no interface sys" vm "ip link show sys"

# Route = 0.0.0.0/0: the default goes through the tunnel, a policy rule
# keeps the SSH server (also where this test's ssh comes from) outside
# (pppssh(8), ROUTING); stop leaves rules and routes as they were.
ROUTING='ip rule; ip -4 route show table all | grep -v "^local\|^broadcast"'
routing_before=$(vm "$ROUTING")
check "systemd: start a tunnel with Route = 0.0.0.0/0" vm "timeout 100 systemctl start pppssh@def"
check "systemd: ... an address beyond the server goes through it" \
    vm_says "ip -4 route get 198.19.99.1" " dev def "
check "systemd: ... a rule keeps the SSH server in the main table" \
    vm_says "ip rule" "to 198\.18\.0\.1 lookup main"
check "systemd: ... the host side pings the guest through the tunnel" in_srv ping -c 2 -W 3 198.18.255.2
check "systemd: ... stop" vm "timeout 30 systemctl stop pppssh@def"
check "systemd: ... after stop the rules and routes are as before" \
    test "$(vm "$ROUTING")" = "$routing_before"

# An unreachable server: nothing answers ARP for 198.18.0.99 on the TAP.
# The first attempt is not retried by pppssh (exit 8); the unit's
# Restart=on-failure tries again every 10 s, so it is in auto-restart, not
# failed, and `systemctl status` shows the next attempt's (empty) log: the
# reason must be in its Status: line.
check_not "systemd: start of a tunnel to an unreachable server fails" \
    vm "timeout 100 systemctl start pppssh@bad"
check "systemd: ... not active, Result=exit-code" \
    vm "! systemctl is-active -q pppssh@bad && [ \"\$(systemctl show -p Result --value pppssh@bad)\" = exit-code ]"
check "systemd: ... systemctl status shows the reason in one line (Status:)" \
    vm_says "SYSTEMD_COLORS=0 systemctl status --no-pager -n 20 pppssh@bad" \
    "^ *Status: \".*198\.18\.0\.99.*(No route to host|timed out)"
sed 's/^/    status| /' "$E2E_TMP/vm.out"
check "systemd: ... stop ends the restart loop" \
    vm "timeout 30 systemctl stop pppssh@bad && ! systemctl is-active -q pppssh@bad"
check_not "systemd: no doubled prefix in the journal (pppssh: pppssh:, ssh: ssh:)" \
    vm_says "journalctl -q -o cat -u pppssh@sys -u pppssh@bad" "^pppssh: |ssh: ssh:"
check "systemd: ... ssh's own message is in the journal (the check above saw one)" \
    vm_says "journalctl -q -o cat -u pppssh@bad" "^ssh: .*198\.18\.0\.99"
