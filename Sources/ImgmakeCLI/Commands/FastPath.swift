import ImgmakeCore

/// The answers `imgmake` gives without swift-argument-parser: the shell completion scripts' callbacks for
/// targets (`imgmake ---completion build -- positional@0 ...`, on every Tab). Building the command tree and
/// reflecting over every command's properties costs more than the answer itself, so `ImgmakeMain` asks here
/// first. Only exact argument lists for which swift-argument-parser prints the same bytes are answered
/// (`FastPathTests` compares both paths); everything else (`ops` completion, which needs libvips, malformed
/// callbacks) takes the parser's path.
enum FastPath {
    /// The first line of `--version` (`VersionReport`), and the version of `ImgmakeCommand`'s configuration.
    static let versionText = "imgmake \(ImgmakeVersion.current)"

    /// The commands whose first positional argument completes targets with `TargetCompletion` (the ones the
    /// generated scripts call back with `positional@0`).
    static let targetCompletingCommands: Set<String> = ["build", "explain", "clean"]

    /// The text to print on standard output (then exit 0) for `arguments`, or nil to parse them.
    /// `shell` is `SAP_SHELL`, which the completion scripts set (zsh's answers end with an extra " " line).
    static func answer(_ arguments: [String], shell: String?) -> String? {
        guard let words = completions(arguments) else { return nil }
        // swift-argument-parser's `CompletionShell.format(completions:)`, then `print`ed unless empty.
        let text = (shell == "zsh" ? words + [" "] : words).joined(separator: "\n")
        return text.isEmpty ? "" : text + "\n"
    }

    /// The completions of a callback `---completion COMMAND -- positional@0 INDEX CURSOR WORD...` for a
    /// target-completing command, as swift-argument-parser computes them: the prefix is the first CURSOR
    /// characters of the last word (none with no words and CURSOR 0). nil for any other argument list.
    static func completions(_ arguments: [String]) -> [String]? {
        // The root's own targets (`CompletionRoot`: `imgmake th<Tab>`) come with no command before `--`.
        let rest = arguments.count > 1 && arguments[1] == "--" ? Array(arguments.dropFirst(2)) : Array(arguments.dropFirst(3))
        guard arguments.count >= 5, arguments[0] == "---completion",
            arguments[1] == "--" || (targetCompletingCommands.contains(arguments[1]) && arguments[2] == "--"),
            rest.count >= 3, rest[0] == "positional@0", let index = Int(rest[1]), let cursor = Int(rest[2])
        else { return nil }
        let words = Array(rest[3...])
        let prefix: String
        if let last = words.last {
            // String.prefix traps on a negative count; the parser's own path says what it says about that.
            guard cursor >= 0 else { return nil }
            prefix = String(last.prefix(cursor))
        } else if cursor == 0 {
            prefix = ""
        } else {
            return nil
        }
        return TargetCompletion.complete(words, index, prefix)
    }

    /// The build that `arguments` ask for when they are of the simplest kind, as the parser would make it, or
    /// nil to parse them: an optional `build`, then targets, `NAME=VALUE` overrides, `-j N` (or `-jN`, N from
    /// 1 on, in digits), `-C DIR`, `-f FILE` (or joined, `-CDIR`), and the flags `-q`, `-v`, `-k`, `-n`, `-B`,
    /// `--explain`, `--no-wait` (short or long, each at most once). Any other option or spelling (`-qk`,
    /// `--jobs=2`), `--`, an empty word, an option value that starts with `-`, or a subcommand's name (which
    /// the parser may take for the subcommand, `ImgmakeCommand.subcommandFirst`) goes to the parser. This
    /// saves a plain `imgmake -C photos -q` the parser's reflection of its command tree (a fifth of a no-op's
    /// instructions); `FastPathTests` checks it against the parser's own `BuildCommand`.
    static func buildInvocation(_ arguments: [String]) -> BuildInvocation? {
        var words = arguments[...]
        if words.first == "build" { words = words.dropFirst() }
        var invocation = BuildInvocation()
        invocation.request.builder.cache = BuildOptions.cacheSettings(folder: nil, maxSize: nil)  // IMGMAKE_CACHE
        var flags: Set<String> = []
        var index = words.startIndex
        /// The value of an option: joined to it (`-jN`) or the next word; nil when it starts with `-`.
        func value(of word: String, option: String) -> String? {
            var value = String(word.dropFirst(option.count))
            if value.isEmpty {
                index += 1
                guard index < words.endIndex else { return nil }
                value = words[index]
            }
            return value.hasPrefix("-") ? nil : value
        }
        while index < words.endIndex {
            let word = words[index]
            guard let first = word.utf8.first, !subcommandNames.contains(word) else { return nil }
            if first != UInt8(ascii: "-") {
                invocation.words.append(word)
                index += 1
                continue
            }
            if let flag = flagNames[word] {
                guard flags.insert(flag).inserted else { return nil }
                switch flag {
                // As `BuildOptions.verbosity`: -q wins over -v.
                case "quiet": invocation.verbosity = .quiet
                case "verbose": if invocation.verbosity != .quiet { invocation.verbosity = .verbose }
                case "keep-going": invocation.request.builder.keepGoing = true
                case "dry-run": invocation.request.builder.dryRun = true
                case "always-make": invocation.request.builder.alwaysMake = true
                case "explain": invocation.request.builder.explain = true
                default: invocation.request.noWait = true
                }
            } else if word.hasPrefix("-j") {
                guard let value = value(of: word, option: "-j"), !value.isEmpty,
                    value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), value.utf8.count <= 9,
                    let jobs = Int(value), jobs >= 1
                else { return nil }
                invocation.request.builder.jobs = jobs
                invocation.jobsGiven = true
            } else if word.hasPrefix("-C") || word.hasPrefix("-f") {
                let option = String(word.prefix(2))
                guard let value = value(of: word, option: option), !value.isEmpty, !value.hasPrefix("=") else { return nil }
                if option == "-C" { invocation.directory = value } else { invocation.session.file = value }
            } else {
                return nil
            }
            index += 1
        }
        // Last: a warning about the variable is printed once, by the path that builds.
        invocation.request.builder.remoteCache = BuildOptions.remoteCacheSettings(url: nil, readOnly: false, timeout: nil)
        return invocation
    }

    /// The build flags `buildInvocation` knows, by spelling.
    private static let flagNames: [String: String] = [
        "-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose", "-k": "keep-going",
        "--keep-going": "keep-going", "-n": "dry-run", "--dry-run": "dry-run", "-B": "always-make",
        "--always-make": "always-make", "--explain": "explain", "--no-wait": "no-wait",
    ]

    /// The subcommands' names, and `help` (the parser's).
    static let subcommandNames: Set<String> = Set(
        ImgmakeCommand.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"])
}
