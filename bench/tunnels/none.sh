# shellcheck shell=bash
# none - no tunnel: the client reaches the LAN through the server over the
# bare transport.  The reference every tunnel is held against.
ENGINE_CLI=""
ENGINE_SRV=""
tun_prepare() { :; }
tun_up() { cc_route "$NS_CLI" "$LAN_NET" via "$SRV_IP"; }
tun_down() { ip -n "$NS_CLI" route del "$LAN_NET" 2>/dev/null; return 0; }
