# bash completion for pppssh(8): subcommands, their options, and tunnel
# names from /etc/pppssh/*.conf (server.conf is the server's file, not a
# tunnel).  Installed as /usr/share/bash-completion/completions/pppssh.
# PPPSSH_CONF_DIR names another directory (the tests use it).

# The tunnels NAME may name, one per line.
_pppssh_tunnels()
{
    local f
    for f in "${PPPSSH_CONF_DIR:-/etc/pppssh}"/*.conf; do
        [[ -e $f ]] || continue
        f=${f##*/}
        f=${f%.conf}
        [[ $f == server ]] || printf '%s\n' "$f"
    done
}

# Whether words 2..cword-1 already name a tunnel (NAME or -c FILE).
_pppssh_has_tunnel()
{
    local i w
    for ((i = 2; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        [[ $w == -c || $w != -* ]] && return 0
    done
    return 1
}

_pppssh()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local IFS=$'\n'
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W $'up\ndown\nstatus\nshow\ndump\nmetrics\ncheck\nreset\nconfig\nkeygen\nserve\nhelper' -- "$cur"))
        return
    fi
    case $prev in
    -c | --output | --socket)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --run-dir)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --pace)
        COMPREPLY=($(compgen -W $'off\necho' -- "$cur"))
        return
        ;;
    --user)
        COMPREPLY=($(compgen -u -- "$cur"))
        return
        ;;
    --local | --remote | --server) return ;;
    esac
    local opts=""
    case ${COMP_WORDS[1]} in
    serve)
        opts=$'-c\n--user\n--local\n--remote\n--run-dir\n--pace\n--no-offload\n--userspace\n--grace\n--stack-network\n--port-forward\n--check\n--stderr\n--debug'
        ;;
    helper)
        opts=$'-c\n--socket\n--run-dir\n--stderr\n--debug'
        ;;
    keygen)
        [[ $cur == -* ]] && opts=--server
        ;;
    show | dump)
        opts=--json
        ;& # and a tunnel, as every verb below
    metrics)
        [[ ${COMP_WORDS[1]} == metrics ]] && opts=--output
        ;&
    up)
        [[ ${COMP_WORDS[1]} == up ]] && opts=$'-f\n-d'
        ;&
    down | status | check | reset | config)
        if ! _pppssh_has_tunnel; then
            if [[ $cur == -* ]]; then
                opts+=${opts:+$'\n'}-c
            else
                COMPREPLY=($(compgen -W "$(_pppssh_tunnels)" -- "$cur"))
                return
            fi
        fi
        ;;
    *) return ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _pppssh pppssh
