#!/bin/sh
# install.sh BUILD SOURCE_DIR - `make install` with PREFIX and DESTDIR puts
# every file where it belongs, the unit's ExecStart names the installed
# pppssh, /etc/pppssh is 0755, and `make uninstall` removes exactly what
# was written.  The build's own install_manifest.txt (a real install's, for
# a later `make uninstall`) is kept.
set -u
build=$1 src=$2
dest=$(mktemp -d /tmp/pppssh-install.XXXXXX)
manifest=$build/install_manifest.txt
saved=""
if [ -f "$manifest" ]; then
    saved=$dest.manifest
    cp "$manifest" "$saved"
fi
cleanup() {
    rm -rf "$dest"
    if [ -n "$saved" ]; then mv "$saved" "$manifest"; else rm -f "$manifest"; fi
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

prefix=/opt/pppssh-test
DESTDIR=$dest cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"
root=$dest$prefix
for f in sbin/pppssh bin/pty-redir share/man/man8/pppssh.8 share/man/man5/pppssh.conf.5 \
         share/man/man1/pty-redir.1 lib/systemd/system/pppssh@.service \
         share/man/man8/pppssh-helper.8 share/man/man8/pppssh-stack.8 sbin/pppssh-stack \
         lib/systemd/system/pppssh-helper.service \
         lib/systemd/system/pppssh-helper.socket \
         share/doc/pppssh/examples/office.conf share/doc/pppssh/examples/server.conf \
         share/bash-completion/completions/pppssh share/zsh/vendor-completions/_pppssh; do
    [ -f "$root/$f" ] || fail "$prefix/$f not installed"
done
[ -x "$root/sbin/pppssh" ] || fail "pppssh not executable"
grep -qx "ExecStart=$prefix/sbin/pppssh up -f %i" "$root/lib/systemd/system/pppssh@.service" ||
    fail "the unit's ExecStart does not name $prefix/sbin/pppssh"
grep -qx "ExecStart=$prefix/sbin/pppssh helper" "$root/lib/systemd/system/pppssh-helper.service" ||
    fail "the helper unit's ExecStart does not name $prefix/sbin/pppssh"
grep -qx "SuccessExitStatus=5" "$root/lib/systemd/system/pppssh@.service" ||
    fail "the unit counts exit 5 (stop, down) as a failure"
mode=$(stat -c %a "$dest/etc/pppssh" 2>/dev/null)
[ "$mode" = 755 ] || fail "/etc/pppssh has mode '$mode', not 755"
# Nothing outside the prefix but /etc/pppssh.
outside=$(find "$dest" -mindepth 1 -path "$dest/opt" -prune -o -path "$dest/etc" -prune -o -print)
[ -z "$outside" ] || fail "installed outside the prefix: $outside"
etc=$(find "$dest/etc/pppssh" -mindepth 1)
[ -z "$etc" ] || fail "/etc/pppssh is not empty after install: $etc"

make -s -C "$src" uninstall BUILD="$build" DESTDIR="$dest" >/dev/null || fail "make uninstall"
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
[ -d "$dest/etc/pppssh" ] || fail "uninstall removed /etc/pppssh"

[ "$failed" = 0 ] && echo "ok: install under $prefix, unit ExecStart, /etc/pppssh 0755, uninstall"
exit "$failed"
