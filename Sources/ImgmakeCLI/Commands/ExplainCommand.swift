import ArgumentParser
import ImgmakeCore

/// `imgmake explain OUTPUT...`: why each output is (or is not) stale.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Say why each output is stale, or that it is up to date.")

    @OptionGroup var recipe: RecipeOptions
    @Argument(
        help: ArgumentHelp("Outputs (or rules and groups) to explain, and NAME=VALUE overrides.", valueName: "OUTPUT"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []
    @Flag(name: .long, help: "Print JSON, for scripts: each output's rule, whether it is stale, and every reason.")
    var json = false

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            guard !targets.isEmpty else { throw UsageError("explain needs at least one output (or rule)") }
            let session = try recipe.loadSession(overrides: overrides)
            if json {
                StandardOutput.out(String(decoding: try Explanation.json(session, targets: targets), as: UTF8.self))
            } else {
                print(try Explanation.text(session, targets: targets), terminator: "")
            }
        }
    }
}
