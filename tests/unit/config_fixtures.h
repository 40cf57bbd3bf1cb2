/*
 * config_fixtures.h - a tunnel configuration that sets every [Tunnel] key
 * (twice where a key repeats), shared by test_config and test_config_keys.
 */
#ifndef PPPSSH_TEST_CONFIG_FIXTURES_H
#define PPPSSH_TEST_CONFIG_FIXTURES_H

static const char full_tunnel[] = "# office link\n"
                                  "[Tunnel]\n"
                                  "Server = vpn@198.18.0.2\n"
                                  "Port = 2222\n"
                                  "IdentityFile = /etc/pppssh/id_ed25519\n"
                                  "SSHOption = StrictHostKeyChecking=yes\n"
                                  "SSHOption = ConnectTimeout=10\n"
                                  "RemoteCommand = sudo /usr/sbin/pppd nodetach notty noauth\n"
                                  "SSHTTY = yes\n"
                                  "Interface = office0\n"
                                  "User = nobody\n"
                                  "LocalAddress = 198.18.255.2\n"
                                  "RemoteAddress = 198.18.255.1   ; the server end\n"
                                  "Address6 = fd00:5353::2/64\n"
                                  "Route = 198.19.0.0/24\n"
                                  "Route = fd00:5353:1::/64\n"
                                  "MTU = 1400\n"
                                  "DNS = 198.19.0.53\n"
                                  "DNS = fd00:5353:1::53\n"
                                  "UsePeerDNS = yes\n"
                                  "Offload = no\n"
                                  "Forward = yes\n"
                                  "Masquerade = tunnel\n"
                                  "KeepaliveInterval = 5\n"
                                  "KeepaliveFailures = 4\n"
                                  "Persist = no\n"
                                  "MaxFail = 10\n"
                                  "Holdoff = 30\n"
                                  "UpScript = /etc/pppssh/up.sh\n"
                                  "DownScript = /etc/pppssh/down.sh\n";

#endif
