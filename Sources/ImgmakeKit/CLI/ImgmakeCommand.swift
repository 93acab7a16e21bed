import ArgumentParser
import ImgmakeVips

/// `imgmake`: the root of the command line. With no subcommand it builds.
public struct ImgmakeCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "imgmake",
        abstract: "A make-style build tool for images, on libvips.",
        discussion: """
            Reads the recipe (Imgmakefile), works out which outputs are stale, and builds them in parallel.
            `imgmake [TARGET...] [NAME=VALUE...]` builds; the subcommands below inspect and clean.
            `imgmake build --help` lists the build options (-j, --pool, -n, -k, -B, --explain, --check, --shard ...).
            """,
        version: "imgmake \(version)",
        subcommands: [BuildCommand.self, ShellCommand.self, ListCommand.self, ExplainCommand.self, CleanCommand.self,
                      OpsCommand.self, WorkerCommand.self],
        defaultSubcommand: BuildCommand.self
    )

    public init() {}
}

/// Splits words into targets and `NAME=VALUE` variable overrides.
func splitOverrides(_ words: [String]) -> (targets: [String], overrides: [String: String]) {
    var targets: [String] = []
    var overrides: [String: String] = [:]
    for word in words {
        if let equals = word.firstIndex(of: "="), word[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
           let first = word.first, first.isLetter || first == "_" {
            overrides[String(word[..<equals])] = String(word[word.index(after: equals)...])
        } else {
            targets.append(word)
        }
    }
    return (targets, overrides)
}
