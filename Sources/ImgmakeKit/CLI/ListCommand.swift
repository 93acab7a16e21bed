import ArgumentParser

/// `imgmake list`: rules, groups, counts of outputs, stale counts.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List rules and groups, with their outputs and how many are stale.")

    @OptionGroup var recipe: RecipeOptions
    @Argument(help: ArgumentHelp("NAME=VALUE variable overrides.", valueName: "NAME=VALUE")) var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let session = try Session(options: recipe.sessionOptions, overrides: splitOverrides(words).overrides)
            session.warnAboutOverrides(ProgressReporter(verbosity: .normal))
            print(RecipeListing.text(session), terminator: "")
        }
    }
}

/// The text of `list` (shared with the shell).
enum RecipeListing {
    static func text(_ session: Session) -> String {
        let graph = session.graph
        let (_, checker) = session.staleness(of: Array(graph.edges.indices))
        let width = max(8, session.recipe.targetNames.map(\.count).max() ?? 0)
        var text = "rules:\n"
        for rule in session.recipe.rules {
            let edges = graph.edgesByRule[rule.index]
            let stale = edges.filter { checker.isStale($0) }.count
            let counts = "\(edges.count) output\(edges.count == 1 ? "" : "s"), \(stale) stale"
            let shape = "\(rule.syntax.outputPattern.value) <- \(rule.syntax.inputGlobs.map(\.value).joined(separator: " "))"
            text += "  \(rule.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(counts.padding(toLength: 24, withPad: " ", startingAt: 0))  \(shape)\n"
        }
        if !session.recipe.groups.isEmpty {
            text += "groups:\n"
            for group in session.recipe.groups {
                text += "  \(group.name.value.padding(toLength: width, withPad: " ", startingAt: 0))  \(group.targets.map(\.value).joined(separator: " "))\n"
            }
        }
        if let target = session.recipe.recipe.defaultTarget { text += "default target: \(target)\n" }
        return text
    }
}
