#!/bin/bash
# Bash completion for imgmake, generated from its command-line definition by
# `imgmake --generate-completion-script bash` (scripts/generate-completions.sh): do not edit.
# One Tab runs at most one process (imgmake itself for targets and operation names, or compgen for file and
# folder names) and changes no shell option.

# __imgmake_command PATH: the definition of the (sub)command PATH (its names from the root): subcommands (one
# entry per subcommand: 'NAME|ALIAS|...|'), default_subcommand (run by a word that is no subcommand),
# positionals (how many positional arguments, -1 for any number) and arguments, one entry per flag or option:
# 'KS|NAME|...|' with K f a flag, F a repeating flag, o an option, O a repeating option; S + offered, - hidden.
__imgmake_command() {
    case "$1" in
    imgmake)
        subcommands=('build|' 'shell|' 'list|' 'explain|' 'graph|' 'clean|' 'ops|' 'help|')
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'o+|-j|--jobs|' 'o+|-l|--load-average|' 'o+|--pool|' 'o+|--job-timeout|' 'o+|--cache|' 'o+|--cache-max-size|' 'o+|--remote-cache|' 'f+|--remote-cache-read-only|' 'o+|--remote-cache-timeout|' 'o+|--max-jobs-per-worker|' 'o+|--stall-timeout|' 'f+|-n|--dry-run|' 'f+|--question|' 'f+|-k|--keep-going|' 'f+|-B|--always-make|' 'f+|--explain|' 'f+|--no-wait|' 'f+|-q|--quiet|' 'f+|-v|--verbose|' 'o+|--shard|' 'o+|--shard-count|' 'o+|--report|' 'o+|--junit|' 'o+|--trace|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake build')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'o+|-j|--jobs|' 'o+|-l|--load-average|' 'o+|--pool|' 'o+|--job-timeout|' 'o+|--cache|' 'o+|--cache-max-size|' 'o+|--remote-cache|' 'f+|--remote-cache-read-only|' 'o+|--remote-cache-timeout|' 'o+|--max-jobs-per-worker|' 'o+|--stall-timeout|' 'f+|-n|--dry-run|' 'f+|--question|' 'f+|-k|--keep-going|' 'f+|-B|--always-make|' 'f+|--explain|' 'f+|--no-wait|' 'f+|-q|--quiet|' 'f+|-v|--verbose|' 'o+|--shard|' 'o+|--shard-count|' 'o+|--report|' 'o+|--junit|' 'o+|--trace|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake shell')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'o+|-c|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake list'|'imgmake explain')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'f+|--json|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake graph')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'f+|--rules|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake clean')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('o+|-f|--file|' 'o+|-C|--directory|' 'o+|--max-pixels|' 'f+|--allow-outside|' 'o+|--check|' 'f+|--orphans|' 'f+|-n|--dry-run|' 'f+|--no-wait|' 'f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake ops')
        subcommands=()
        default_subcommand=''
        positionals=1
        arguments=('f+|--version|' 'f+|-h|--help|')
        ;;

    'imgmake help')
        subcommands=()
        default_subcommand=''
        positionals=-1
        arguments=('f-|-h|--help|-help|' 'f+|--version|')
        ;;

    esac
}

# __imgmake_value PATH WHAT: offers the values of option WHAT of PATH, or of its positional argument @N.
__imgmake_value() {
    case "$1" in
    imgmake)
        case "$2" in
        -f|--file|--report|--junit|--trace) __imgmake_compgen -f ;;
        -C|--directory|--cache) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        --pool) __imgmake_words thread process ;;
        '@'*) __imgmake_callback ---completion -- positional@0 ;;
        esac
        ;;

    'imgmake build')
        case "$2" in
        -f|--file|--report|--junit|--trace) __imgmake_compgen -f ;;
        -C|--directory|--cache) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        --pool) __imgmake_words thread process ;;
        '@'*) __imgmake_callback ---completion build -- positional@0 ;;
        esac
        ;;

    'imgmake shell'|'imgmake list')
        case "$2" in
        -f|--file) __imgmake_compgen -f ;;
        -C|--directory) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        esac
        ;;

    'imgmake explain')
        case "$2" in
        -f|--file) __imgmake_compgen -f ;;
        -C|--directory) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        '@'*) __imgmake_callback ---completion explain -- positional@0 ;;
        esac
        ;;

    'imgmake graph')
        case "$2" in
        -f|--file) __imgmake_compgen -f ;;
        -C|--directory) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        '@'*) __imgmake_callback ---completion graph -- positional@0 ;;
        esac
        ;;

    'imgmake clean')
        case "$2" in
        -f|--file) __imgmake_compgen -f ;;
        -C|--directory) __imgmake_compgen -d ;;
        --check) __imgmake_words mtime hash ;;
        '@'*) __imgmake_callback ---completion clean -- positional@0 ;;
        esac
        ;;

    'imgmake ops')
        case "$2" in
        @1) __imgmake_callback ---completion ops -- positional@0 ;;
        esac
        ;;

    esac
}

# __imgmake_words WORD...: offers the words that start with the word being completed.
__imgmake_words() {
    local word
    for word in "$@"; do
        if [[ "${word}" == "${cur}"* ]]; then COMPREPLY+=("${word}"); fi
    done
}

# __imgmake_lines TEXT: offers the lines of TEXT that start with the word being completed.
__imgmake_lines() {
    local -a lines
    mapfile -t lines <<< "$1"
    local line
    for line in "${lines[@]}"; do
        if [[ -n "${line}" && "${line}" == "${cur}"* ]]; then COMPREPLY+=("${line}"); fi
    done
}

# __imgmake_compgen OPTION...: offers what compgen finds (file and folder names).
__imgmake_compgen() {
    local found
    found="$(shopt -s extglob; compgen "$@" -- "${cur}")"
    __imgmake_lines "${found}"
}

# __imgmake_shell_command COMMAND: offers the lines COMMAND prints.
__imgmake_shell_command() {
    local found
    found="$(eval "$1")"
    __imgmake_lines "${found}"
}

# __imgmake_callback ---completion SUBCOMMAND... -- ARGUMENT: offers what imgmake's completion of ARGUMENT
# prints for the words up to the one being completed and the cursor's index in it.
__imgmake_callback() {
    local -a words=("${COMP_WORDS[@]::COMP_CWORD}")
    if [[ -z "${cur}" && -n "${COMP_WORDS[COMP_CWORD]-}" && "${COMP_LINE:COMP_POINT:1}" == ' ' ]]; then
        words+=('')
    else
        words+=("${COMP_WORDS[COMP_CWORD]-}")
    fi
    local rest="${COMP_LINE}" word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        rest="${rest#"${rest%%[![:space:]]*}"}"
        rest="${rest#"${word}"}"
    done
    rest="${rest#"${rest%%[![:space:]]*}"}"
    local -i cursor=$((COMP_POINT - ${#COMP_LINE} + ${#rest}))
    if ((cursor < 0)); then cursor=0; fi
    local found
    found="$("${COMP_WORDS[0]}" "$@" "${COMP_CWORD}" "${cursor}" "${words[@]}")"
    __imgmake_lines "${found}"
}

# __imgmake_callback_deprecated ---completion SUBCOMMAND... -- ARGUMENT: the same with the words only.
__imgmake_callback_deprecated() {
    local found
    found="$("${COMP_WORDS[0]}" "$@" "${COMP_WORDS[@]}")"
    __imgmake_lines "${found}"
}

_imgmake() {
    local -r cur="${2-}"
    COMPREPLY=()
    local -x SAP_SHELL=bash SAP_SHELL_VERSION
    printf -v SAP_SHELL_VERSION '%s.' "${BASH_VERSINFO[@]}"
    SAP_SHELL_VERSION="${SAP_SHELL_VERSION%.}"

    local path=imgmake default_subcommand word name entry rest value_of='' terminated=''
    local -a subcommands arguments used
    local -i positionals positional=0 i j
    __imgmake_command "${path}"
    # The words before the one being completed: flags and options (a non-repeating one is used up), option
    # values, positional arguments and subcommands, each subcommand starting its own count. A word that is
    # no subcommand is the first of the default subcommand, if there is one.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if [[ -n "${value_of}" ]]; then
            if [[ "${word}" != = ]]; then value_of=''; fi
            continue
        fi
        if [[ -z "${terminated}" ]]; then
            case "${word}" in
            --)
                terminated=1
                continue
                ;;
            -*)
                name="${word%%=*}"
                for ((j = 0; j < ${#arguments[@]}; j++)); do
                    if [[ "${arguments[j]}" == *"|${name}|"* ]]; then
                        used[j]=1
                        if [[ "${arguments[j]}" == [oO]* && "${word}" != *=* ]]; then value_of="${name}"; fi
                        break
                    fi
                done
                continue
                ;;
            esac
        fi
        # A subcommand's name before any positional argument (or after the last) is the subcommand (`imgmake
        # list`); between, a positional argument (`imgmake thumbs list` builds both).
        name=''
        if [[ -z "${terminated}" ]] && ((positional == 0 || (positionals >= 0 && positional >= positionals))); then
            for entry in "${subcommands[@]}"; do
                if [[ "|${entry}" == *"|${word}|"* ]]; then
                    name="${entry%%|*}"
                    break
                fi
            done
        fi
        if [[ -z "${name}" ]] && ((positionals < 0 || positional < positionals)); then
            positional+=1
            continue
        fi
        if [[ -z "${name}" ]]; then
            if [[ -z "${default_subcommand}" ]]; then return 0; fi
            name="${default_subcommand}"
            i=i-1
        fi
        path+=" ${name}"
        __imgmake_command "${path}"
        used=()
        positional=0
        terminated=''
    done

    # The word being completed: an option's value, a flag or an option, a positional argument or a subcommand.
    if [[ -n "${value_of}" ]]; then
        __imgmake_value "${path}" "${value_of}"
        return 0
    fi
    if [[ -z "${terminated}" ]]; then
        if [[ "${cur}" == -* || ( -z "${cur}" && positionals -ge 0 && positional -ge positionals ) ]]; then
            for ((j = 0; j < ${#arguments[@]}; j++)); do
                if [[ -z "${used[j]-}" || "${arguments[j]}" == [FO]* ]] && [[ "${arguments[j]}" == ?+* ]]; then
                    rest="${arguments[j]#*|}"
                    while [[ -n "${rest}" ]]; do
                        __imgmake_words "${rest%%|*}"
                        rest="${rest#*|}"
                    done
                fi
            done
        fi
        if [[ "${cur}" == -* ]]; then return 0; fi
    fi
    # Before any positional argument, the subcommands; then (or instead) the positional argument's values.
    if [[ -z "${terminated}" && positional -eq 0 ]] || ! ((positionals < 0 || positional < positionals)); then
        if [[ -z "${terminated}" ]]; then
            for entry in "${subcommands[@]}"; do
                __imgmake_words "${entry%%|*}"
            done
        fi
    fi
    if ((positionals < 0 || positional < positionals)); then
        __imgmake_value "${path}" "@$((positional + 1))"
    fi
    return 0
}

complete -o filenames -F _imgmake imgmake
