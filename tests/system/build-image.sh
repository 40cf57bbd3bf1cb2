#!/bin/bash
# build-image.sh - make (once) the Debian 12 guest of the system tests and
# print its directory.  A debootstrap (minbase) of bookworm with systemd as
# PID 1, systemd-resolved, sshd, sudo, kernel PPP (ppp, the Debian kernel)
# and the libraries the pppssh package depends on, in a sparse ext4 image
# made with mkfs.ext4 -d (no loop mounts).  The kernel comes out as an
# uncompressed ELF: under TCG it boots through PVH at once (a bzImage spends
# seconds decompressing itself; under a nested KVM it never gets past
# "Probing EDD").  Root logs in with IMG/id_vm only.
#
# Cache: $SYSTEM_CACHE (default /var/tmp/pppssh-vm)/img-HASH, HASH = this
# script's own hash: a changed recipe is a new image, an unchanged one is
# never rebuilt.  Older img-* directories are removed once a new one is
# complete.  About 2-2.5 min and 120 MB of downloads from the mirror apt
# already uses; nothing else leaves the machine.
#
# IMG/: disk.raw, vmlinux, initrd.img, id_vm{,.pub}, debs/ (resolvconf, for
# the scenario that replaces systemd-resolved with it), build.log.
# Needs root, debootstrap, mkfs.ext4 (e2fsprogs >= 1.43), python3.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SYSTEM_CACHE:-/var/tmp/pppssh-vm}
HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
IMG=$CACHE/img-$HASH
say() { echo "build-image: $*" >&2; }

[ -s "$IMG/complete" ] && { echo "$IMG"; exit 0; }
for tool in debootstrap mkfs.ext4 python3 ssh-keygen; do
    command -v "$tool" >/dev/null || { say "$tool missing (scripts/deps.sh installs it)"; exit 1; }
done
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
[ -s "$IMG/complete" ] && { echo "$IMG"; exit 0; }   # built while we waited

# Guest packages.  libslirp0: pppssh-stack links it; the rest are what the
# scenarios drive (systemd, resolvectl, sshd, sudo, pppd, ip, ping, ps).
PKGS=systemd,systemd-sysv,systemd-resolved,dbus,udev,kmod,openssh-server,openssh-client
PKGS=$PKGS,sudo,ppp,iproute2,iputils-ping,procps,libmnl0,libinih1,libslirp0,linux-image-amd64
# The mirror this machine's apt uses (deb822 or one-line sources).
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb / && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

t0=$(date +%s)
rm -rf "$IMG"
mkdir -p "$IMG"
ROOT=$IMG/rootfs
say "debootstrap bookworm from $MIRROR into $IMG (about 2 min)"
debootstrap --variant=minbase --include="$PKGS" bookworm "$ROOT" "$MIRROR" >"$IMG/build.log" 2>&1 ||
    { tail -n 30 "$IMG/build.log" >&2; exit 1; }

echo vm >"$ROOT/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 vm\n' >"$ROOT/etc/hosts"
cat >"$ROOT/etc/fstab" <<'EOF'
/dev/vda  /          ext4  defaults,errors=remount-ro  0 1
host      /mnt/host  9p    trans=virtio,version=9p2000.L,ro,nofail,x-systemd.device-timeout=5s  0 0
EOF
mkdir -p "$ROOT/mnt/host"
echo 9pnet_virtio >"$ROOT/etc/modules-load.d/9p.conf"
# The guest's one link: the TAP in the tests' namespace (lib.sh).  No
# gateway; DNS= is "the LAN's resolver" the DNS scenario ranks against.
cat >"$ROOT/etc/systemd/network/10-eth0.network" <<'EOF'
[Match]
Name=eth0

[Network]
Address=198.18.0.2/24
Address=fd00:18::2/64
DNS=198.18.0.53
IPv6AcceptRA=no
EOF
# Boot must not wait for a network that is up at once.
mkdir -p "$ROOT/etc/systemd/system/systemd-networkd-wait-online.service.d"
printf '[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=20\n' \
    >"$ROOT/etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf"
chroot "$ROOT" systemctl enable systemd-networkd systemd-resolved ssh >/dev/null 2>&1
chroot "$ROOT" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
    fstrim.timer man-db.timer >/dev/null 2>&1 || true
# Root by key only; sshd without reverse lookups (there is no DNS).
ssh-keygen -q -t ed25519 -N '' -C pppssh-system-test -f "$IMG/id_vm"
install -d -m 700 "$ROOT/root/.ssh"
install -m 600 "$IMG/id_vm.pub" "$ROOT/root/.ssh/authorized_keys"
printf 'UseDNS no\nPermitRootLogin prohibit-password\n' >"$ROOT/etc/ssh/sshd_config.d/10-system-test.conf"
# A root shell on the serial console, for post-mortems from console.log.
mkdir -p "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d"
printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --keep-baud 115200 %%I $TERM\n' \
    >"$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
# resolvconf conflicts with systemd-resolved: kept aside, installed by the
# scenario that needs it (the guest has no route to a mirror).
mkdir -p "$IMG/debs" "$ROOT/var/local/debs"
(cd "$IMG/debs" && chmod 777 . && apt-get download -qq resolvconf lsb-base >/dev/null 2>&1) ||
    { apt-get update -qq >&2 && cd "$IMG/debs" && apt-get download -qq resolvconf lsb-base >/dev/null; }
cp "$IMG"/debs/*.deb "$ROOT/var/local/debs/"
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*

cp -L "$ROOT/initrd.img" "$IMG/initrd.img"
python3 "$HERE/../interop/lib/extract_vmlinux.py" "$ROOT/vmlinuz" "$IMG/vmlinux"
mkfs.ext4 -q -F -L root -d "$ROOT" "$IMG/disk.raw" 2G >&2
rm -rf "$ROOT"
echo "built in $(( $(date +%s) - t0 )) s" >"$IMG/complete"
say "$(cat "$IMG/complete")"
for old in "$CACHE"/img-*; do
    [ "$old" = "$IMG" ] || rm -rf "$old"
done
echo "$IMG"
