#!/bin/sh
# deps.sh - install the Debian 12 packages that building, testing, the demo
# and the benchmarks need.  Idempotent: installs only what is missing and
# runs apt-get update only when it has to install something.
set -eu

PACKAGES="
build-essential cmake pkg-config clang libclang-rt-14-dev
libcmocka-dev libmnl-dev libinih-dev libseccomp-dev
openssh-client openssh-server iproute2 iputils-ping procps psmisc strace
ppp slirp qemu-system-x86 busybox-static socat cpio xz-utils python3 python3-prometheus-client tshark
iperf3 gnuplot-nox wireguard-go wireguard-tools ethtool zsh
libslirp-dev
nftables
debootstrap e2fsprogs debhelper dpkg-dev lintian
"
# debootstrap, e2fsprogs (mkfs.ext4 -d): the system tests' Debian 12 guest
# image; debhelper, dpkg-dev, lintian: `make deb`, whose package the system
# tests install in that guest (tests/system/README.md).
# nftables: the nft tool, for Masquerade (pppssh.conf(5)) and its e2e test
# libslirp-dev: pppssh-stack, serve's userspace network stack without root
# (docs/userspace-stack.md).  Not installed by this script: the other
# stacks issue 14 compared (bench/stack-compare.sh); install them by hand
# to rerun the comparison:
#   apt-get install passt slirp4netns

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
        missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default (no) is right.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
