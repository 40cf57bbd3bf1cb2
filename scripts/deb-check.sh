#!/bin/sh
# deb-check.sh DEB - installs the package as a new user would (dpkg -i,
# maintainer scripts and all) into a throwaway copy-on-write overlay of /
# in a private mount namespace, and checks what it leaves: the files, the
# tunnel account, /run/pppssh 0711, no unit enabled or started, then
# that purge removes it all.  The host's dpkg database, /etc/passwd and
# /usr are never touched.  Needs root (mount namespace, overlayfs).
set -eu
deb=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (skipped)"; exit 77; }

# inside DEB: the part run in the namespace (this script, re-executed).
if [ "${DEB_CHECK_INSIDE:-}" != 1 ]; then
    top=$(mktemp -d /tmp/deb-check.XXXXXX)
    rc=0
    DEB_CHECK_INSIDE=1 DEB_CHECK_TOP=$top unshare -m --propagation private sh "$0" "$deb" || rc=$?
    rmdir "$top"
    exit "$rc"
fi

top=$DEB_CHECK_TOP
mount -t tmpfs deb-check "$top"
mkdir -p "$top/up" "$top/work" "$top/root"
mount -t overlay deb-check -o "lowerdir=/,upperdir=$top/up,workdir=$top/work" "$top/root"
mount -t proc proc "$top/root/proc"
cp "$deb" "$top/root/tmp/pppssh.deb"

chroot "$top/root" sh -eu -c '
failed=0
fail() { echo "FAIL: $*"; failed=1; }
dpkg -i /tmp/pppssh.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
for f in /usr/sbin/pppssh /usr/bin/pty-redir /lib/systemd/system/pppssh@.service \
         /usr/share/man/man8/pppssh.8.gz /usr/share/man/man5/pppssh.conf.5.gz \
         /usr/share/man/man1/pty-redir.1.gz /usr/share/bash-completion/completions/pppssh \
         /usr/share/zsh/vendor-completions/_pppssh /usr/lib/sysusers.d/pppssh.conf \
         /usr/lib/tmpfiles.d/pppssh.conf /usr/share/doc/pppssh/copyright \
         /usr/share/doc/pppssh/examples/office.conf /usr/share/doc/pppssh/examples/server.conf; do
    dpkg -L pppssh | grep -qx "$f" || fail "$f is not in the package"
    [ -e "$f" ] || fail "$f is not installed"
done
/usr/sbin/pppssh --help >/dev/null || fail "pppssh --help"
grep -qx "ExecStart=/usr/sbin/pppssh up -f %i" /lib/systemd/system/pppssh@.service ||
    fail "the unit does not start /usr/sbin/pppssh"
getent passwd pppssh >/dev/null || fail "no pppssh account"
[ "$(stat -c "%a %U" /run/pppssh 2>/dev/null)" = "711 root" ] || fail "/run/pppssh is not 0711 root"
[ "$(stat -c "%a %U" /etc/pppssh 2>/dev/null)" = "755 root" ] || fail "/etc/pppssh is not 0755 root"
[ -z "$(find /etc/systemd -name "pppssh*" 2>/dev/null)" ] || fail "a pppssh unit is enabled"
# The maintainer scripts start or restart nothing (dh_installsystemd
# --no-start --no-enable --no-stop-on-upgrade).  The lines debhelper adds that
# keep the administrator choice on upgrade (re-enable a unit only if it
# "was-enabled") stay; that nothing is enabled on a fresh install is the
# check on /etc/systemd above.
! grep -Eq "deb-systemd-invoke|systemctl (start|restart|enable)" /var/lib/dpkg/info/pppssh.* ||
    fail "a maintainer script starts a unit"
dpkg --purge pppssh >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
[ ! -e /usr/sbin/pppssh ] && [ ! -e /lib/systemd/system/pppssh@.service ] || fail "purge left files"
[ "$failed" = 0 ] && echo "deb-check: ok: installs, account and /run/pppssh made, nothing started, purged"
exit "$failed"
'
