import ImgmakeCore

/// What completion needs to know about the recipe, libvips and the disk. The shell answers from its
/// current session and `VipsCatalog`; tests answer from fixed lists.
protocol ShellCompletionSource {
    /// Rule and group names.
    var targetNames: [String] { get }
    /// Output paths as the user types them (relative to the working directory).
    var outputPaths: [String] { get }
    /// Recipe variable names.
    var variableNames: [String] { get }
    var operationNames: [String] { get }
    /// Input argument names of an operation (not deprecated); nil for an unknown operation.
    func argumentNames(of operation: String) -> [String]?
    /// The values an operation's argument takes, when they can be listed (enum nicks, `true`/`false`); nil
    /// otherwise.
    func argumentValues(of operation: String, argument: String) -> [String]?
    /// Entries of a directory (relative to the working directory; "" is the working directory itself), or nil.
    func directoryEntries(_ directory: String) -> [(name: String, isDirectory: Bool)]?
}

/// Tab completion in context (pure: a line up to the cursor in, candidate words out).
///
/// - first word: command names;
/// - `build`, `watch`, `explain`, `clean`, `show`, `status`: rule and group names and output paths (one folder
///   level at a time, like file names), options (`-j`, `--pool` ...) after `-`, values after `--pool`;
/// - `help`: command and operation names, then the operation's argument names; `ops`: operation names;
/// - `info`: file paths; `set`: `jobs`, `pool`, `check`, variable names, then pool kinds and check modes; `unset`: variables.
struct ShellCompleter {
    let source: ShellCompletionSource
    /// Variables set with `set NAME VALUE` (for `unset`).
    var overriddenVariables: [String] = []

    /// Candidates that replace the word being typed at the end of `line` (the text before the cursor).
    func candidates(_ line: String) -> [String] {
        let (words, current) = ShellLexer.partial(line)
        guard let first = words.first else {
            return matching(ShellCommandInfo.allWords, current)
        }
        guard let command = ShellCommandInfo.named(first) else { return [] }
        let previous = words.count > 1 ? words.last : nil
        switch command.name {
        case .build, .watch:
            if let value = optionValues(after: previous, current) { return value }
            if current.hasPrefix("-") { return matching(Self.buildOptionNames, current) }
            return targets(current)
        case .clean:
            if current.hasPrefix("-") { return matching(Self.cleanOptionNames, current) }
            return targets(current)
        case .explain, .status:
            return targets(current)
        case .show:
            return words.count == 1 ? targets(current) : []
        case .ops:
            return words.count == 1 ? matching(source.operationNames, current) : []
        case .help:
            if words.count == 1 {
                return matching(ShellCommandInfo.allWords + ProgramSteps.helpNames, current) + matching(source.operationNames, current)
            }
            if words.count == 2, ShellCommandInfo.named(words[1]) == nil, let names = source.argumentNames(of: words[1]) {
                return matching(names, current)
            }
            return []
        case .info:
            return paths(current)
        case .set:
            if words.count == 1 { return matching(["jobs", "pool", "check", "preview"] + source.variableNames.sorted(), current) }
            if words.count == 2 && words[1] == "pool" { return matching(PoolKind.allCases.map(\.rawValue), current) }
            if words.count == 2 && words[1] == "check" { return matching(CheckMode.allCases.map(\.rawValue), current) }
            if words.count == 2 && words[1] == "preview" { return matching(["on", "off"], current) }
            return []
        case .unset:
            return words.count == 1 ? matching(overriddenVariables.sorted(), current) : []
        case .try:
            return trial(words, current)
        case .preview, .compare:
            return matching(["_"], current) + paths(current) + (current.isEmpty ? [] : targets(current).filter { $0.contains("/") })
        case .save:
            return words.count == 1 ? matching(["_"], current) : paths(current)
        case .add:
            return []
        case .list, .reload, .history, .quit:
            return []
        }
    }

    /// `try`: operation (and, first, rule) names where a step starts (after `try` or `|`), then the step's
    /// argument names (`crop=`) and their values (`crop=att` → `crop=attention`); paths and `_` after `on`,
    /// formats after `as`.
    private func trial(_ words: [String], _ current: String) -> [String] {
        let previous = words.last ?? ""
        if previous == "on" { return matching(["_"], current) + paths(current) }
        if previous == "as" { return matching(Self.formats, current) }
        // The words of the step being typed: those after the last `|` (a word of its own, or at a word's end).
        var step: [String] = []
        for word in words.dropFirst() {
            if word == "|" || word.hasSuffix("|") { step = [] } else { step.append(word) }
        }
        var typed = current
        if let bar = typed.lastIndex(of: "|") {
            step = []
            typed = String(typed[typed.index(after: bar)...])
        }
        let lead = String(current.dropLast(typed.count))
        guard let operation = step.first else {
            var names = source.operationNames
            if words.count == 1 && !current.contains("|") { names = source.targetNames + names }
            let found = matching(names, typed).map { lead + $0 }
            return found.isEmpty && words.count == 1 ? paths(current) : found
        }
        if let equals = typed.firstIndex(of: "=") {
            let name = String(typed[..<equals])
            let value = String(typed[typed.index(after: equals)...])
            return matching(source.argumentValues(of: operation, argument: name) ?? [], value).map { lead + name + "=" + $0 }
        }
        let given = Set(step.dropFirst().compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let names = (source.argumentNames(of: operation) ?? []).filter { !given.contains($0) }
        return matching(names, typed).map { lead + $0 + "=" } + (typed.isEmpty ? [] : matching(["on"], typed))
    }

    /// The extensions `try … as EXT` offers.
    static let formats = ["jpg", "png", "webp", "avif", "tif", "gif", "heic", "jxl"]

    static let buildOptionNames = ShellOptionNames.names(
        of: BuildCommand.self, excluding: RecipeOptions.self, also: ShellOptionNames.notInShell)
    static let cleanOptionNames = ShellOptionNames.names(of: CleanCommand.self, excluding: RecipeOptions.self)

    /// Values of the option just typed (`--pool` → thread, process); [] for an option whose value cannot be
    /// guessed (`-j`), nil when `previous` is no option that takes a value.
    private func optionValues(after previous: String?, _ current: String) -> [String]? {
        switch previous {
        case "--pool": return matching(PoolKind.allCases.map(\.rawValue), current)
        case "-j": return []
        default: return nil
        }
    }

    /// Rule and group names, then output paths one folder level at a time (`build/` before `build/a.webp`
    /// when there are many), so that a tree of 10,000 outputs completes like file names do.
    private func targets(_ current: String) -> [String] {
        TargetCandidates.complete(names: source.targetNames, outputs: source.outputPaths, current: current)
    }

    /// File and folder names below the folder typed so far; folders end with `/`. Hidden ones only when the
    /// name typed starts with a dot.
    private func paths(_ current: String) -> [String] {
        let slash = current.lastIndex(of: "/")
        let directory = slash.map { String(current[...$0]) } ?? ""
        let stem = slash.map { String(current[current.index(after: $0)...]) } ?? current
        guard let entries = source.directoryEntries(directory) else { return [] }
        return
            entries
            .filter { $0.name.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .map { directory + $0.name + ($0.isDirectory ? "/" : "") }
            .sorted()
    }

    private func matching(_ names: [String], _ prefix: String) -> [String] {
        var seen = Set<String>()
        return names.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
    }
}
