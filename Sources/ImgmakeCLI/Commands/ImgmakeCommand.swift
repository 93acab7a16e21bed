import ArgumentParser
import ImgmakeCore

/// `imgmake`: the root of the command line. With no subcommand it builds.
struct ImgmakeCommand: ParsableCommand {
    static let version = ImgmakeVersion.current

    static let configuration = CommandConfiguration(
        commandName: "imgmake",
        abstract: "A make-style build tool for images, on libvips.",
        // The usage of a build, the default command, whose options `imgmake --help` lists (TopLevelHelp).
        usage: "imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]",
        discussion: """
            Reads the recipe (Imgmakefile), works out which outputs are stale, and builds them in parallel.
            `imgmake [TARGET...] [NAME=VALUE...]` builds, with the options below; the subcommands inspect and clean.
            Options may come before a subcommand too (`imgmake -C DIR list`); `imgmake build list` builds a target \
            called list. The manual: `man -l man/imgmake.1` in imgmake's repository.
            """,
        version: FastPath.versionText,
        subcommands: [
            BuildCommand.self, ShellCommand.self, ListCommand.self, ExplainCommand.self, GraphCommand.self, CleanCommand.self,
            OpsCommand.self, WorkerCommand.self,
        ],
        defaultSubcommand: BuildCommand.self
    )

    /// The arguments with leading options moved after the subcommand they precede, so that `imgmake -C DIR
    /// list` (as git, cargo and make users type) runs `list -C DIR`; swift-argument-parser only looks for a
    /// subcommand in the first word, and would build targets `-C DIR list` otherwise. The subcommand is the
    /// first subcommand name whose preceding words all parse as options of a build (the default command, which
    /// has -f, -C, --check and the rest) and `NAME=VALUE` overrides, with no target among them: an option's
    /// value (`-f list`) is never a subcommand, nor is a word after a target (`imgmake thumbs list` builds
    /// both) or after `--`. The subcommand then parses the moved options itself, so one it does not have is
    /// its usual usage error. `imgmake build list` builds a target called list.
    static func subcommandFirst(_ arguments: [String]) -> [String] {
        let names = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
        for (index, word) in arguments.enumerated() {
            if word == "--" || index == 0 && names.contains(word) { break }
            guard names.contains(word) else { continue }
            let leading = Array(arguments[..<index])
            guard let parsed = try? BuildCommand.parse(leading) else { continue }
            guard splitOverrides(parsed.words).targets.isEmpty else { break }
            return [word] + leading + arguments[(index + 1)...]
        }
        return arguments
    }
}

/// Splits words into targets and `NAME=VALUE` variable overrides.
func splitOverrides(_ words: [String]) -> (targets: [String], overrides: [String: String]) {
    var targets: [String] = []
    var overrides: [String: String] = [:]
    for word in words {
        if let equals = word.firstIndex(of: "="), word[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            let first = word.first, first.isLetter || first == "_"
        {
            overrides[String(word[..<equals])] = String(word[word.index(after: equals)...])
        } else {
            targets.append(word)
        }
    }
    return (targets, overrides)
}
