#!/bin/sh
# docs_words.sh PPPSSH SOURCE_DIR - what users read says what it means and
# can be pasted as it is:
#  - `pppssh --help`, the README and docs/ never say "seed" (users never saw
#    one: they know the VPN HOWTO's vpnd and the mini-HOWTO's vpn-pppssh);
#  - every forced command in them (authorized_keys' command="...") is
#    restricted and names its program by absolute path.
pppssh=$1 src=$2
docs="$src/README.md $src/docs/*.md $src/docs/*.[158] $src/contrib/examples/*"
failed=0

help=$("$pppssh" --help 2>&1)
if printf '%s\n' "$help" | grep -inw 'seed'; then
    echo "FAIL: pppssh --help says \"seed\""
    failed=1
fi
# shellcheck disable=SC2086
if grep -inw 'seed' $docs; then
    echo "FAIL: the docs say \"seed\""
    failed=1
fi
# Roff's \- and \  are - and a space to whoever pastes the rendered page.
# shellcheck disable=SC2086
bad=$(sed 's/\\-/-/g; s/\\ / /g' $docs | grep -o '[a-z,-]*command="[^"]*"' |
      grep -v '^restrict,\([a-z-]*,\)*command="\(sudo -n \)\{0,1\}/')
if [ -n "$bad" ]; then
    printf '%s\n' "$bad"
    echo "FAIL: a forced command without restrict or an absolute path"
    failed=1
fi
[ "$failed" = 0 ] && echo "ok: no seed, every forced command restricted and absolute"
exit "$failed"
