import ArgumentParser
import ImgmakeCore

/// The command tree the completion scripts are generated from (`--generate-completion-script`): imgmake's own
/// (`ImgmakeCommand`), whose root also takes the build's options and targets, as `imgmake [OPTIONS] [TARGET...]`
/// builds: `imgmake th<Tab>` completes a target and `imgmake -<Tab>` the build options, at the top level as after
/// `build`. Never parsed: the callbacks its scripts make (`imgmake ---completion -- positional@0 …` for the root's
/// targets) are answered by `FastPath`, and a build by `ImgmakeCommand`, whose default subcommand is `build`.
struct CompletionRoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ImgmakeCommand.configuration.commandName, abstract: ImgmakeCommand.configuration.abstract,
        version: FastPath.versionText, subcommands: ImgmakeCommand.configuration.subcommands)

    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var build: BuildOptions
    @OptionGroup var ci: CIOptions

    @Argument(
        help: ArgumentHelp("Rules, groups, outputs or folders to build, and NAME=VALUE overrides.", valueName: "TARGET|NAME=VALUE"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    /// The zsh script: swift-argument-parser's, with the root's targets moved where zsh takes them (`_arguments`
    /// takes one "rest" specification per command, and the root's is the subcommands'): the first word
    /// completes to a subcommand or a target, and after a target (no subcommand) the words are targets too.
    /// Throws when the parser's script no longer has the shape this edits, so that a new swift-argument-parser
    /// cannot quietly break it.
    static func zshScript() throws -> String {
        var script = completionScript(for: .zsh)
        let targets =
            #"__imgmake_custom_complete ---completion -- positional@0 "${current_word_index}" "$(__imgmake_cursor_index_in_current_word)""#
        let edits: [(String, String)] = [
            ("        '*:TARGET|NAME=VALUE:{\(targets)}'\n", ""),
            (
                "        _describe -V subcommand subcommands && ret=0\n",
                "        _describe -V subcommand subcommands && ret=0\n        \(targets) && ret=0\n"
            ),
            (
                "            \"_imgmake_${words[1]}\" && ret=0\n            ;;\n        esac",
                "            \"_imgmake_${words[1]}\" && ret=0\n            ;;\n        *)\n            \(targets) && ret=0\n            ;;\n        esac"
            ),
        ]
        for (old, new) in edits {
            guard let range = script.range(of: old) else {
                throw UsageError(
                    "the zsh completion script of this swift-argument-parser has no '\(old.prefix(60))': update CompletionRoot.zshScript")
            }
            script.replaceSubrange(range, with: new)
        }
        return script
    }
}
