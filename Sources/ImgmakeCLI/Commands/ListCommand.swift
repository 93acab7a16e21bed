import ArgumentParser
import ImgmakeCore

/// `imgmake list`: rules, groups, counts of outputs, stale counts.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List rules and groups, with their outputs and how many are stale.")

    @OptionGroup var recipe: RecipeOptions
    @Argument(help: ArgumentHelp("NAME=VALUE variable overrides.", valueName: "NAME=VALUE")) var words: [String] = []
    @Flag(name: .long, help: "Print JSON, for scripts: every rule with its outputs (stale or not, and why), the groups.")
    var json = false

    func run() throws {
        try withDirectory(recipe.directory) {
            // Every output's staleness right after loading: the inputs' stamps are read while the graph is built.
            let session = try recipe.loadSession(overrides: splitOverrides(words).overrides, readsStampsEarly: true)
            if json {
                StandardOutput.out(String(decoding: try RecipeListing.json(session), as: UTF8.self))
            } else {
                print(RecipeListing.text(session), terminator: "")
            }
        }
    }
}
