#!/bin/sh
# completion.sh SOURCE_DIR - the shell completions offer what pppssh takes:
# bash's _pppssh is run with COMP_WORDS set as bash sets it on TAB, and
# its candidates compared; zsh's file is parsed and its verb list and
# tunnel names read through stand-ins for _arguments and _describe.
set -u
src=$1
bash_file=$src/contrib/completion/pppssh.bash
zsh_file=$src/contrib/completion/_pppssh
dir=$(mktemp -d /tmp/pppssh-completion.XXXXXX)
trap 'rm -rf "$dir"' EXIT
: >"$dir/office.conf"
: >"$dir/lab.conf"
: >"$dir/server.conf"
: >"$dir/notes.txt"
failed=0

# complete WORD... : the candidates bash offers for the last word.
complete_bash() {
    PPPSSH_CONF_DIR=$dir bash -c '
        . "$0"
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        _pppssh
        [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "' \
        "$bash_file" "$@"
}

expect() {
    want=$1
    shift
    got=$(complete_bash "$@")
    if [ "$got" != "$want" ]; then
        echo "FAIL: pppssh ${*#pppssh} -> '$got', want '$want'"
        failed=1
    fi
}

expect "check config down dump helper keygen metrics reset serve show status up " pppssh ""
expect "--socket " pppssh helper --so
expect "status " pppssh st
expect "lab office " pppssh up ""
expect "office " pppssh down of
expect "lab office " pppssh status ""
expect "-c -d -f " pppssh up -
expect "lab office " pppssh up -f ""
expect "-d -f " pppssh up office -
expect "-d -f " pppssh up -c /x.conf -
expect "$dir/lab.conf " pppssh up -c "$dir/la"
expect "-c " pppssh config -
expect "-c " pppssh status -
expect "-c " pppssh down -
expect "" pppssh down office ""
expect "lab office " pppssh show ""
expect "--json -c " pppssh dump -
expect "--json " pppssh show office -
expect "--output -c " pppssh metrics -
expect "--server " pppssh keygen office -
expect "echo off " pppssh serve --pace ""
expect "--no-offload " pppssh serve --no
expect "--check " pppssh serve -c /etc/pppssh/server.conf --ch

if ! zsh -n "$zsh_file"; then
    echo "FAIL: $zsh_file does not parse"
    failed=1
fi
got=$(PPPSSH_CONF_DIR=$dir zsh -fc '
    _arguments() { state=verb; return 1 }
    _describe() { local a=$argv[-1]; print -l ${(P)a} }
    . "$0" | cut -d: -f1 | LC_ALL=C sort | tr "\n" " "
    print "|"
    . "$0" >/dev/null
    _pppssh_tunnels | LC_ALL=C sort | tr "\n" " "' "$zsh_file")
want="check config down dump helper keygen metrics reset serve show status up |
lab office "
if [ "$got" != "$want" ]; then
    echo "FAIL: zsh offers '$got', want '$want'"
    failed=1
fi

[ "$failed" = 0 ] && echo "ok: bash and zsh complete verbs, options, tunnel names"
exit "$failed"
