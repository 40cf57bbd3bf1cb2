#!/bin/bash
# guest-build.sh - make (once) the kernel and initramfs of the pppd test guest
# and print where they are, as shell assignments:
#     GUEST_KERNEL=/path/vmlinux  GUEST_INITRD=/path/initramfs-HASH.cpio
#
# Kernel: Debian's linux-image-amd64 (its generic flavour ships ppp_async; the
# cloud flavour has no PPP), fetched with `apt-get download` and unpacked into
# the cache, nothing installed.  Falls back to a /boot kernel whose modules
# include ppp_async.  Initramfs: busybox-static, the host's /usr/sbin/pppd with
# its libraries, the PPP modules, guest/init; rebuilt when any input changes.
#
# Cache: $PPP_INTEROP_CACHE, default tests/interop/cache (git-ignored).
# Exit status: 0, 1 = no kernel or a tool missing (message on stderr).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PPP_INTEROP_CACHE:-$HERE/cache}
MODS="slhc ppp_generic ppp_async ppp_deflate bsd_comp"
say() { echo "guest-build: $*" >&2; }
for tool in pppd busybox cpio dpkg-deb python3; do
    command -v "$tool" >/dev/null || { say "$tool missing (scripts/deps.sh installs it)"; exit 1; }
done
mkdir -p "$CACHE/kernel"
exec 9>"$CACHE/.lock"
flock 9   # two tests starting together must not build the same files at once
rm -rf "$CACHE"/.dl.* "$CACHE"/.root.* "$CACHE"/.unpack.*   # left by an interrupted build

# unpack_kernel IMAGE MODULE_TREE DEST: the kernel, an ELF copy for PVH boot,
# and the PPP modules (decompressed: busybox insmod wants a plain .ko).
unpack_kernel() {
    local image=$1 tree=$2 dest=$3 tmp m ko
    tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
    mkdir "$tmp/modules"
    cp "$image" "$tmp/vmlinuz"
    for m in $MODS; do
        ko=$(find "$tree" -name "$m.ko*" | head -n1)
        [ -n "$ko" ] || { say "module $m not in $tree"; rm -rf "$tmp"; return 1; }
        case "$ko" in
            *.xz) xz -dc "$ko" >"$tmp/modules/$m.ko" ;;
            *.zst) zstd -qdc "$ko" >"$tmp/modules/$m.ko" ;;
            *) cp "$ko" "$tmp/modules/$m.ko" ;;
        esac
    done
    python3 "$HERE/lib/extract_vmlinux.py" "$tmp/vmlinuz" "$tmp/vmlinux" || rm -f "$tmp/vmlinux"
    rm -rf "$dest"
    mv "$tmp" "$dest"
}

# Debian names the kernel package by ABI (linux-image-6.1.0-NN-amd64) and moves
# the meta-package along, so resolve it each time the cache is cold.
kernel_from_debian() {
    local pkg ver dest dl
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    if [ -z "$pkg" ]; then
        say "apt lists empty: apt-get update"
        apt-get update -qq >&2 || true
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    fi
    [ -n "$pkg" ] || return 1
    ver=$(apt-cache show "$pkg" | awk '/^Version:/ {print $2; exit}')
    dest=$CACHE/kernel/${pkg}_$ver
    [ -f "$dest/vmlinuz" ] && { echo "$dest"; return 0; }
    say "downloading $pkg $ver"
    dl=$(mktemp -d "$CACHE/.dl.XXXXXX")
    chmod 0755 "$dl"   # apt-get download drops privileges to _apt when it can
    (cd "$dl" && apt-get download -qq "$pkg=$ver" >&2) || { rm -rf "$dl"; return 1; }
    mkdir "$dl/x"
    dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -x -C "$dl/x" --wildcards \
        './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/net/ppp/*' './lib/modules/*/kernel/drivers/net/slip/*'
    unpack_kernel "$(echo "$dl"/x/boot/vmlinuz-*)" "$dl/x/lib/modules" "$dest" || { rm -rf "$dl"; return 1; }
    rm -rf "$dl"
    echo "$dest"
}

kernel_from_host() {
    local image ver best=""
    for image in /boot/vmlinuz-*; do
        ver=${image#/boot/vmlinuz-}
        ls /lib/modules/"$ver"/kernel/drivers/net/ppp/ppp_async.ko* >/dev/null 2>&1 && best=$ver
    done
    [ -n "$best" ] || return 1
    [ -f "$CACHE/kernel/host-$best/vmlinuz" ] ||
        unpack_kernel "/boot/vmlinuz-$best" "/lib/modules/$best/kernel" "$CACHE/kernel/host-$best" || return 1
    echo "$CACHE/kernel/host-$best"
}

KDIR=$(ls -d "$CACHE"/kernel/linux-image-*/ 2>/dev/null | sort -V | tail -n1 || true)
KDIR=${KDIR%/}
[ -n "$KDIR" ] && [ -f "$KDIR/vmlinuz" ] || KDIR=$(kernel_from_debian) || KDIR=$(kernel_from_host) ||
    { say "no guest kernel: apt-get download linux-image-amd64 failed and no /boot kernel has ppp_async"; exit 1; }
KERNEL=$KDIR/vmlinuz
[ -f "$KDIR/vmlinux" ] && KERNEL=$KDIR/vmlinux

libs_of() { ldd "$1" 2>/dev/null | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'; }
BUSYBOX=$(command -v busybox)
FILES=$( { echo /usr/sbin/pppd "$BUSYBOX"; libs_of /usr/sbin/pppd; } | tr ' ' '\n' | sort -u)
KEY=$(cat $FILES "$KDIR"/modules/*.ko "$HERE"/guest/* | sha256sum | cut -c1-16)
INITRD=$CACHE/initramfs-$KEY.cpio
if [ ! -f "$INITRD" ]; then
    say "building $INITRD"
    root=$(mktemp -d "$CACHE/.root.XXXXXX")
    mkdir -p "$root"/{bin,usr/sbin,lib/modules,etc/ppp,proc,sys,dev,tmp,var/run,var/lock}
    for f in $FILES; do
        [ "$f" = "$BUSYBOX" ] && continue
        mkdir -p "$root$(dirname "$f")"
        cp -L "$f" "$root$f"
    done
    cp "$BUSYBOX" "$root/bin/busybox"
    for applet in $("$BUSYBOX" --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
    cp "$KDIR"/modules/*.ko "$root/lib/modules/"
    cp "$HERE/guest/init" "$root/init"
    cp "$HERE/guest/ip-up" "$root/etc/ppp/ip-up"
    cp "$HERE/guest/ip-up" "$root/etc/ppp/ipv6-up"
    : >"$root/etc/ppp/options"   # compiled-in defaults only, not the host's options
    echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
    echo 'root:x:0:' >"$root/etc/group"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
    rm -rf "$root"
    # Old images of changed inputs are dead weight (15 MB each).
    for old in "$CACHE"/initramfs-*.cpio; do [ "$old" = "$INITRD" ] || rm -f "$old"; done
fi
echo "GUEST_KERNEL=$KERNEL"
echo "GUEST_INITRD=$INITRD"
