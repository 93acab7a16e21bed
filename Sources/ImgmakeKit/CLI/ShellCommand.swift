import ArgumentParser

/// `imgmake shell`: the interactive shell (SPEC §5).
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shell", abstract: "Open the interactive shell over the recipe.")

    @OptionGroup var recipe: RecipeOptions

    func run() throws {
        throw UsageError("the shell is not available in this version")
    }
}
