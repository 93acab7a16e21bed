import ArgumentParser
import ImgmakeCore

/// `imgmake graph [TARGET...]`: the build graph as Graphviz dot (`imgmake graph | dot -Tsvg > graph.svg`), as
/// `ninja -t graph` prints it.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the build graph as Graphviz dot: files, in clusters by rule (--rules: one node per rule).",
        discussion: "imgmake graph | dot -Tsvg > graph.svg")

    @OptionGroup var recipe: RecipeOptions
    @Flag(name: .long, help: "One node per rule (and per folder of sources), not per file.")
    var rules = false
    @Argument(
        help: ArgumentHelp("Targets whose graph to print (default: the whole recipe), and NAME=VALUE overrides.", valueName: "TARGET"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            let session = try recipe.loadSession(overrides: overrides)
            StandardOutput.out(try GraphDot.text(session, targets: targets, rules: rules))
        }
    }
}
