import ArgumentParser
import ImgmakeCore

/// What the shell knows about each of its commands: names, usage and help. The options of `build`, `watch`
/// and `clean` come from the command line's own definitions (`BuildOptions`, `CleanCommand`), so the two
/// cannot drift.
struct ShellCommandInfo {
    enum Name: String, CaseIterable {
        case build, status, explain, list, show, ops, help, info, `try`, save, preview, compare, add, set, unset, reload, clean,
            history, watch, quit
    }

    var name: Name
    var aliases: [String] = []
    var usage: String
    var summary: String
    var details: String = ""

    static let all: [ShellCommandInfo] = [
        ShellCommandInfo(
            name: .build, usage: "build [TARGET...] [NAME=VALUE...] [-j N] [--pool P] [-n] [-k] [-B] [--explain] [-q] [-v]",
            summary: "Build targets (rules, groups, outputs; default: the first rule or group). Ctrl-C cancels.",
            details: "`set jobs N` and `set pool P` change the defaults of -j and --pool for the session; `set check hash` compares "
                + "inputs by content (as `imgmake --check hash`)."),
        ShellCommandInfo(name: .status, usage: "status [TARGET...]", summary: "Show the stale outputs and why they are stale."),
        ShellCommandInfo(
            name: .explain, usage: "explain OUTPUT...", summary: "Say why each output (or every output of a rule) is stale, or up to date."),
        ShellCommandInfo(name: .list, usage: "list", summary: "List rules and groups, with counts of outputs and of stale ones."),
        ShellCommandInfo(
            name: .show, usage: "show RULE|GROUP|OUTPUT", summary: "Show a rule's steps, inputs and outputs (or a group's targets)."),
        ShellCommandInfo(
            name: .ops, usage: "ops [FILTER|OPERATION]", summary: "List libvips operations (those matching FILTER), or show one operation."),
        ShellCommandInfo(
            name: .help, usage: "help [COMMAND|OPERATION [ARGUMENT]]",
            summary: "Show this list, a command's usage, or a libvips operation's arguments."),
        ShellCommandInfo(name: .info, usage: "info IMAGE...", summary: "Show an image's size, bands, format and metadata (header only)."),
        ShellCommandInfo(
            name: .try, usage: "try STEP [| STEP]... on IMAGE [as EXT] | try IMAGE | STEP... | try RULE on IMAGE",
            summary: "Run steps (or a rule's steps) on an image; the result is `_`.",
            details: """
                Steps are written as in a recipe (`thumbnail 200 crop=attention | sharpen sigma=0.5`) and checked the same way;
                the recipe's variables can be used. The result goes to a temporary file in the image's format (`as webp`
                picks another), and its size, bands, format, bytes and time are printed. IMAGE may be `_`, the last result.
                `set preview on` draws each result.
                """),
        ShellCommandInfo(
            name: .save, usage: "save _ PATH",
            summary: "Save the last `try` result as PATH (another extension runs the steps again with its saver)."),
        ShellCommandInfo(
            name: .preview, usage: "preview IMAGE|OUTPUT|_",
            summary: "Draw an image in the terminal (kitty, iTerm2 or sixel graphics when supported, else colour blocks)."),
        ShellCommandInfo(
            name: .compare, usage: "compare A B",
            summary: "Draw two images side by side, with their sizes, the PSNR and the largest sample difference."),
        ShellCommandInfo(
            name: .add, usage: "add RULE [OUTPUT-PATTERN <- GLOB...]",
            summary: "Write the last tried steps into the recipe as a new rule (asks for its output and glob), then reload."),
        ShellCommandInfo(
            name: .set, usage: "set [jobs N | pool thread|process | check mtime|hash | preview on|off | NAME VALUE...]",
            summary: "Show the settings, or set the default -j, the default --pool, --check, or a recipe variable.",
            details: "`set check hash` compares inputs by content from the next command on, like `imgmake --check hash`.\n"
                + "A variable set here overrides the recipe's `NAME = value` from the next command on, like `imgmake NAME=VALUE`."),
        ShellCommandInfo(name: .unset, usage: "unset NAME", summary: "Forget a variable set with `set NAME VALUE`."),
        ShellCommandInfo(
            name: .reload, usage: "reload", summary: "Load the recipe again and say what it holds (every command does this anyway)."),
        ShellCommandInfo(
            name: .clean, usage: "clean [TARGET...] [--orphans] [-n]", summary: "Remove outputs of targets (default: all); never sources."),
        ShellCommandInfo(name: .history, usage: "history", summary: "List the commands typed before (kept in .imgmake/history)."),
        ShellCommandInfo(
            name: .watch, usage: "watch [TARGET...] [build options]",
            summary: "Build, then build again whenever an input or the recipe changes, until Ctrl-C."),
        ShellCommandInfo(name: .quit, aliases: ["exit"], usage: "quit", summary: "Leave the shell (so do `exit` and Ctrl-D)."),
    ]

    /// Every word that names a command, aliases included, in table order.
    static var allWords: [String] { all.flatMap { [$0.name.rawValue] + $0.aliases } }

    static func named(_ word: String) -> ShellCommandInfo? {
        all.first { $0.name.rawValue == word || $0.aliases.contains(word) }
    }

    /// `help` with no argument.
    static var overview: String {
        let width = all.map { ($0.name.rawValue + ($0.aliases.isEmpty ? "" : ", " + $0.aliases.joined(separator: ", "))).count }.max() ?? 8
        var text = "commands:\n"
        for info in all {
            let names = info.name.rawValue + (info.aliases.isEmpty ? "" : ", " + info.aliases.joined(separator: ", "))
            text += "  " + names.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + info.summary + "\n"
        }
        text += "`help COMMAND` shows its usage; `help OPERATION` a libvips operation's arguments. Tab completes.\n"
        text += "Several commands can go on one line, separated by `;`. Ctrl-C cancels a build; Ctrl-D leaves.\n"
        return text
    }

    /// `help COMMAND`.
    var helpText: String {
        var text = "usage: \(usage)\n\(summary)\n"
        if !details.isEmpty { text += details + "\n" }
        switch name {
        case .build, .watch:
            text += ShellOptionNames.optionsSection(of: BuildCommand.self, excluding: RecipeOptions.self, also: ShellOptionNames.notInShell)
        case .clean:
            text += ShellOptionNames.optionsSection(of: CleanCommand.self, excluding: RecipeOptions.self)
        default:
            break
        }
        return text
    }
}

/// Option names and help lines of the command line's definitions, read from swift-argument-parser's help.
enum ShellOptionNames {
    /// Options of `imgmake build` that a shell `build` refuses (CI sharding writes its own build log).
    static let notInShell = ["--shard", "--shard-count"]

    /// Option names (`-j`, `--pool`, `-n`, `--dry-run` ...) of a definition, without `-h/--help`/`--version`,
    /// and without those of `excluding`.
    static func names(of type: ParsableArguments.Type, excluding: ParsableArguments.Type? = nil, also: [String] = []) -> [String] {
        let excluded = Set(excluding.map { names(of: $0) } ?? []).union(also)
        var result: [String] = []
        for line in optionLines(of: type) {
            for name in namesOnLine(line) where !excluded.contains(name) && !result.contains(name) {
                result.append(name)
            }
        }
        return result
    }

    /// The `OPTIONS:` part of a definition's help, without help/version and without `excluding`'s options.
    static func optionsSection(of type: ParsableArguments.Type, excluding: ParsableArguments.Type? = nil, also: [String] = []) -> String {
        let excluded = Set(excluding.map { names(of: $0) } ?? []).union(also)
        var text = "options:\n"
        var keep = false
        for line in optionLines(of: type, keepContinuations: true) {
            let names = namesOnLine(line)
            if !names.isEmpty || !line.hasPrefix("   ") {
                keep = !names.isEmpty && excluded.isDisjoint(with: names)
            }
            if keep { text += line + "\n" }
        }
        return text
    }

    private static func optionLines(of type: ParsableArguments.Type, keepContinuations: Bool = false) -> [String] {
        let help = type.helpMessage(columns: 100)
        var lines: [String] = []
        var inOptions = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasSuffix(":") && !line.hasPrefix(" ") {
                inOptions = line == "OPTIONS:"
                continue
            }
            guard inOptions, !line.isEmpty else { continue }
            if line.contains("--help") || line.contains("--version") { continue }
            if !keepContinuations && namesOnLine(line).isEmpty { continue }
            lines.append(line)
        }
        return lines
    }

    /// The option names at the start of one help line: `  -n, --dry-run   Show ...` gives `-n`, `--dry-run`.
    private static func namesOnLine(_ line: String) -> [String] {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.hasPrefix("-"), line.count - trimmed.count <= 4 else { return [] }
        let head = trimmed.components(separatedBy: "  ").first ?? ""
        return head.split(whereSeparator: { $0 == "," || $0 == " " })
            .map(String.init)
            .filter { $0.hasPrefix("-") && $0.count > 1 }
    }
}
