import ImgmakeCore

/// The answers `imgmake` gives without swift-argument-parser: `--version` and the shell completion scripts'
/// callbacks for targets (`imgmake ---completion build -- positional@0 ...`, on every Tab). Building the
/// command tree and reflecting over every command's properties costs more than the answer itself, so
/// `ImgmakeMain` asks here first. Only exact argument lists for which swift-argument-parser prints the same
/// bytes are answered (`FastPathTests` compares both paths); everything else (`ops` completion, which needs
/// libvips, `--version` among other words, malformed callbacks) takes the parser's path.
enum FastPath {
    /// What `--version` prints (the version of `ImgmakeCommand`'s configuration, too).
    static let versionText = "imgmake \(ImgmakeVersion.current)"

    /// The commands whose first positional argument completes targets with `TargetCompletion` (the ones the
    /// generated scripts call back with `positional@0`).
    static let targetCompletingCommands: Set<String> = ["build", "explain", "clean"]

    /// The text to print on standard output (then exit 0) for `arguments`, or nil to parse them.
    /// `shell` is `SAP_SHELL`, which the completion scripts set (zsh's answers end with an extra " " line).
    static func answer(_ arguments: [String], shell: String?) -> String? {
        if arguments == ["--version"] { return versionText + "\n" }
        guard let words = completions(arguments) else { return nil }
        // swift-argument-parser's `CompletionShell.format(completions:)`, then `print`ed unless empty.
        let text = (shell == "zsh" ? words + [" "] : words).joined(separator: "\n")
        return text.isEmpty ? "" : text + "\n"
    }

    /// The completions of a callback `---completion COMMAND -- positional@0 INDEX CURSOR WORD...` for a
    /// target-completing command, as swift-argument-parser computes them: the prefix is the first CURSOR
    /// characters of the last word (none with no words and CURSOR 0). nil for any other argument list.
    static func completions(_ arguments: [String]) -> [String]? {
        guard arguments.count >= 6, arguments[0] == "---completion", targetCompletingCommands.contains(arguments[1]),
            arguments[2] == "--", arguments[3] == "positional@0", let index = Int(arguments[4]), let cursor = Int(arguments[5])
        else { return nil }
        let words = Array(arguments[6...])
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
}
