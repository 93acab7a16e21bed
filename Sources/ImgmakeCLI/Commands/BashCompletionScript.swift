import ArgumentParser
import ArgumentParserToolInfo

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// imgmake's bash completion script (`imgmake --generate-completion-script bash`, committed as
/// completions/imgmake.bash), generated from the command tree swift-argument-parser exposes (`ToolInfoV0`, what
/// `--experimental-dump-help` prints), so a new command or option appears in it with no edit. zsh and fish keep
/// swift-argument-parser's scripts.
///
/// It completes what swift-argument-parser's bash script completes (subcommands, each command's flags and
/// options, option values, `--`, the custom completions through the same `---completion` callback, so
/// `FastPath` answers the target ones), but one Tab runs at most one process: the callback itself (`imgmake
/// ---completion ...` right inside the command substitution), or `compgen` for file and folder names. The shell
/// version, the cursor's index in its word and the word lists are computed in the shell, and no shell option is
/// changed, so none is saved nor restored. A non-repeating flag or option is not offered again under any of its
/// names; the word being completed is the callback's last word, so a word in the middle of the line completes
/// too; a word that is no subcommand of a command with a default subcommand continues in the default one.
enum BashCompletionScript {
    /// The script for imgmake's own command line.
    static func imgmake() throws -> String {
        let json = CompletionRoot._dumpHelp()
        return script(for: try JSONDecoder().decode(ToolInfoV0.self, from: Data(json.utf8)).command)
    }

    /// The script for the command tree whose root is `root`.
    static func script(for root: CommandInfoV0) -> String {
        let tool = root.commandName
        var commands: [(path: [String], info: CommandInfoV0)] = []
        func walk(_ command: CommandInfoV0, _ path: [String]) {
            commands.append((path, command))
            for sub in command.subcommands ?? [] where sub.shouldDisplay { walk(sub, path + [sub.commandName]) }
        }
        walk(root, [tool])
        let definitions = branches(commands.map { ($0.path, definition(path: $0.path, $0.info)) })
        let values = branches(commands.compactMap { command in valueCases(path: command.path, command.info).map { (command.path, $0) } })
        return Self.template
            .replacing("@TOOL@", with: tool)
            .replacing("@ROOT@", with: quoted(tool))
            .replacing("@DEFINITIONS@\n", with: definitions)
            .replacing("@VALUES@\n", with: values)
    }

    /// The body of a `case` branch of `__TOOL_command`: the command's subcommands, default subcommand, positional count and
    /// flags and options.
    private static func definition(path: [String], _ command: CommandInfoV0) -> String {
        let arguments = command.arguments ?? []
        let positionals = arguments.filter { $0.kind == .positional }
        let subcommands = (command.subcommands ?? []).filter(\.shouldDisplay)
        let named = arguments.filter { $0.kind != .positional && !($0.names ?? []).isEmpty }
        let entries = named.map { argument in
            let kind = argument.kind == .flag ? (argument.isRepeating ? "F" : "f") : (argument.isRepeating ? "O" : "o")
            let names = (argument.names ?? []).map { $0.commonCompletionSynopsis + "|" }.joined()
            return quoted(kind + (argument.shouldDisplay ? "+" : "-") + "|" + names)
        }
        let names = subcommands.map { quoted(([$0.commandName] + ($0.aliases ?? [])).map { $0 + "|" }.joined()) }
        let defaultSubcommand = command.defaultSubcommand.flatMap { name in
            subcommands.first { $0.commandName == name || ($0.aliases ?? []).contains(name) }?.commandName
        }
        return """
                    subcommands=(\(names.joined(separator: " ")))
                    default_subcommand=\(quoted(defaultSubcommand ?? ""))
                    positionals=\(positionals.contains(where: \.isRepeating) ? -1 : positionals.count)
                    arguments=(\(entries.joined(separator: " ")))

            """
    }

    /// `case` branches for (command path, body) pairs, the commands with the same body in one branch.
    private static func branches(_ bodies: [(path: [String], body: String)]) -> String {
        var grouped: [(patterns: [String], body: String)] = []
        for (path, body) in bodies {
            let pattern = quoted(path.joined(separator: " "))
            if let index = grouped.firstIndex(where: { $0.body == body }) {
                grouped[index].patterns.append(pattern)
            } else {
                grouped.append(([pattern], body))
            }
        }
        return grouped.map { "    \($0.patterns.joined(separator: "|")))\n\($0.body)        ;;\n\n" }.joined()
    }

    /// The body of a `case` branch of `__TOOL_value` for a command whose options or positional arguments complete values,
    /// nil for none. An option is matched by any of its names, the Nth positional argument by `@N`.
    private static func valueCases(path: [String], _ command: CommandInfoV0) -> String? {
        let arguments = command.arguments ?? []
        let positionals = arguments.filter { $0.kind == .positional }
        var cases: [(patterns: [String], action: String)] = []
        func add(_ pattern: String, _ action: String) {
            if let index = cases.firstIndex(where: { $0.action == action }) {
                cases[index].patterns.append(pattern)
            } else {
                cases.append(([pattern], action))
            }
        }
        for option in arguments where option.kind == .option {
            guard let action = completion(option, path: path, positionals: positionals) else { continue }
            for name in option.names ?? [] { add(quoted(name.commonCompletionSynopsis), action) }
        }
        // Positional arguments by position up to the first repeating one, which completes every later word. As
        // swift-argument-parser's script, the callback names the argument by its index among the positionals.
        var rest: String?
        var earlier: [(Int, String?)] = []
        for (index, argument) in positionals.enumerated() {
            let action = completion(argument, path: path, positionals: positionals)
            if argument.isRepeating {
                rest = action
                break
            }
            earlier.append((index + 1, action))
        }
        for (position, action) in earlier {
            // A position with no completion needs its own (empty) case only before a repeating one.
            if let action = action ?? (rest == nil ? nil : ":") { add(quoted("@\(position)"), action) }
        }
        var branches = cases.map { "        \($0.patterns.joined(separator: "|"))) \($0.action) ;;\n" }
        if let rest { branches.append("        '@'*) \(rest) ;;\n") }
        guard !branches.isEmpty else { return nil }
        return """
                    case "$2" in
            \(branches.joined())\
                    esac

            """
    }

    /// The shell command that offers an argument's values (filtered by the word being completed), nil for none.
    private static func completion(_ argument: ArgumentInfoV0, path: [String], positionals: [ArgumentInfoV0]) -> String? {
        let prefix = "__" + path[0]
        switch argument.completionKind {
        case .none:
            return nil
        case .file(let extensions) where extensions.isEmpty:
            return "\(prefix)_compgen -f"
        case .file(let extensions):
            let pattern = "!*.@(" + extensions.joined(separator: "|") + ")"
            return "\(prefix)_compgen -o plusdirs -fX \(quoted(pattern))"
        case .directory:
            return "\(prefix)_compgen -d"
        case .list(let values):
            return values.isEmpty ? nil : "\(prefix)_words \(values.map(quoted).joined(separator: " "))"
        case .shellCommand(let command):
            return "\(prefix)_shell_command \(quoted(command))"
        case .custom, .customAsync, .customDeprecated:
            let name: String
            if argument.kind == .positional {
                name = "positional@\(positionals.firstIndex(of: argument) ?? 0)"
            } else {
                name = argument.preferredName?.commonCompletionSynopsis ?? "---"
            }
            let call = (["---completion"] + path.dropFirst() + ["--", name]).map(quoted).joined(separator: " ")
            if case .customDeprecated = argument.completionKind { return "\(prefix)_callback_deprecated \(call)" }
            return "\(prefix)_callback \(call)"
        }
    }

    /// `word` as one shell word: as is when it needs no quoting, in single quotes otherwise.
    static func quoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { $0.isASCII && (isAlphanumeric($0) || "-_./@=,+:%".unicodeScalars.contains($0)) }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The script; @TOOL@ is the command's name, @DEFINITIONS@ and @VALUES@ the generated `case` branches.
    private static let template = """
        #!/bin/bash
        # Bash completion for @TOOL@, generated from its command-line definition by
        # `@TOOL@ --generate-completion-script bash` (scripts/generate-completions.sh): do not edit.
        # One Tab runs at most one process (@TOOL@ itself for targets and operation names, or compgen for file and
        # folder names) and changes no shell option.

        # __@TOOL@_command PATH: the definition of the (sub)command PATH (its names from the root): subcommands (one
        # entry per subcommand: 'NAME|ALIAS|...|'), default_subcommand (run by a word that is no subcommand),
        # positionals (how many positional arguments, -1 for any number) and arguments, one entry per flag or option:
        # 'KS|NAME|...|' with K f a flag, F a repeating flag, o an option, O a repeating option; S + offered, - hidden.
        __@TOOL@_command() {
            case "$1" in
        @DEFINITIONS@
            esac
        }

        # __@TOOL@_value PATH WHAT: offers the values of option WHAT of PATH, or of its positional argument @N.
        __@TOOL@_value() {
            case "$1" in
        @VALUES@
            esac
        }

        # __@TOOL@_words WORD...: offers the words that start with the word being completed.
        __@TOOL@_words() {
            local word
            for word in "$@"; do
                if [[ "${word}" == "${cur}"* ]]; then COMPREPLY+=("${word}"); fi
            done
        }

        # __@TOOL@_lines TEXT: offers the lines of TEXT that start with the word being completed.
        __@TOOL@_lines() {
            local -a lines
            mapfile -t lines <<< "$1"
            local line
            for line in "${lines[@]}"; do
                if [[ -n "${line}" && "${line}" == "${cur}"* ]]; then COMPREPLY+=("${line}"); fi
            done
        }

        # __@TOOL@_compgen OPTION...: offers what compgen finds (file and folder names).
        __@TOOL@_compgen() {
            local found
            found="$(shopt -s extglob; compgen "$@" -- "${cur}")"
            __@TOOL@_lines "${found}"
        }

        # __@TOOL@_shell_command COMMAND: offers the lines COMMAND prints.
        __@TOOL@_shell_command() {
            local found
            found="$(eval "$1")"
            __@TOOL@_lines "${found}"
        }

        # __@TOOL@_callback ---completion SUBCOMMAND... -- ARGUMENT: offers what @TOOL@'s completion of ARGUMENT
        # prints for the words up to the one being completed and the cursor's index in it.
        __@TOOL@_callback() {
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
            __@TOOL@_lines "${found}"
        }

        # __@TOOL@_callback_deprecated ---completion SUBCOMMAND... -- ARGUMENT: the same with the words only.
        __@TOOL@_callback_deprecated() {
            local found
            found="$("${COMP_WORDS[0]}" "$@" "${COMP_WORDS[@]}")"
            __@TOOL@_lines "${found}"
        }

        _@TOOL@() {
            local -r cur="${2-}"
            COMPREPLY=()
            local -x SAP_SHELL=bash SAP_SHELL_VERSION
            printf -v SAP_SHELL_VERSION '%s.' "${BASH_VERSINFO[@]}"
            SAP_SHELL_VERSION="${SAP_SHELL_VERSION%.}"

            local path=@ROOT@ default_subcommand word name entry rest value_of='' terminated=''
            local -a subcommands arguments used
            local -i positionals positional=0 i j
            __@TOOL@_command "${path}"
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
                __@TOOL@_command "${path}"
                used=()
                positional=0
                terminated=''
            done

            # The word being completed: an option's value, a flag or an option, a positional argument or a subcommand.
            if [[ -n "${value_of}" ]]; then
                __@TOOL@_value "${path}" "${value_of}"
                return 0
            fi
            if [[ -z "${terminated}" ]]; then
                if [[ "${cur}" == -* || ( -z "${cur}" && positionals -ge 0 && positional -ge positionals ) ]]; then
                    for ((j = 0; j < ${#arguments[@]}; j++)); do
                        if [[ -z "${used[j]-}" || "${arguments[j]}" == [FO]* ]] && [[ "${arguments[j]}" == ?+* ]]; then
                            rest="${arguments[j]#*|}"
                            while [[ -n "${rest}" ]]; do
                                __@TOOL@_words "${rest%%|*}"
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
                        __@TOOL@_words "${entry%%|*}"
                    done
                fi
            fi
            if ((positionals < 0 || positional < positionals)); then
                __@TOOL@_value "${path}" "@$((positional + 1))"
            fi
            return 0
        }

        complete -o filenames -F _@TOOL@ @TOOL@

        """
}

extension ArgumentInfoV0.NameInfoV0 {
    /// The name as typed: `--long`, `-s` or `-longWithSingleDash` (the completion script's, the manual's).
    var commonCompletionSynopsis: String {
        kind == .long ? "--" + name : "-" + name
    }
}
