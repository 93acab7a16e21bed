import ArgumentParser
import ImgmakeCore

/// `imgmake shell`: the interactive shell (README's *The interactive shell*). With `-c COMMANDS`, or when standard input is not a
/// terminal, it runs commands as a script: no prompt, exit status non-zero when a command failed.
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Open the interactive shell over the recipe (or run shell commands with -c, or from standard input).",
        discussion: "Commands: \(ShellCommandInfo.all.map(\.name.rawValue).joined(separator: ", ")). Type `help` in the shell for more.")

    @OptionGroup var recipe: RecipeOptions

    @Option(
        name: .customShort("c"),
        help: ArgumentHelp(
            "Run COMMANDS (separated by ; or newlines) and exit, as a script.",
            valueName: "COMMANDS"))
    var commands: String?

    @Argument(help: ArgumentHelp("Variable overrides for the session (`set NAME VALUE` in the shell).", valueName: "NAME=VALUE"))
    var words: [String] = []

    func validate() throws {
        let (targets, _) = splitOverrides(words)
        if let word = targets.first {
            throw ValidationError("'\(word)' is not NAME=VALUE: the shell takes variable overrides, not targets")
        }
    }

    func run() throws {
        try withDirectory(recipe.directory) {
            let status = ShellMain.run(options: recipe, overrides: splitOverrides(words).overrides, commands: commands)
            if status != .success { throw ExitCode(status.code) }
        }
    }
}
