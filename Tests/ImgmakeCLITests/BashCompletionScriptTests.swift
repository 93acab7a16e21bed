import ArgumentParser
import ArgumentParserToolInfo
import Foundation
import Testing

@testable import ImgmakeCLI

/// The bash completion script is generated from the command tree (`ToolInfoV0`): whatever a command declares
/// is in it, with no edit of the generator.
@Suite struct BashCompletionScriptTests {
    /// A command line that is not imgmake's, with what imgmake's lacks: a list option, a repeating option, a
    /// hidden option, a file option with extensions, an option with aliases and a subcommand with an alias.
    struct Toy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "toy", subcommands: [Paint.self, Erase.self], defaultSubcommand: Paint.self)
    }

    struct Paint: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "paint", aliases: ["p"])
        @Option(name: [.customLong("colour"), .customLong("color")], completion: .list(["red", "it's"])) var colour: String?
        @Option(name: .customShort("t")) var tags: [String] = []
        @Option(name: .long, help: .hidden) var secret: String?
        @Option(name: .long, completion: .file(extensions: ["png", "jpg"])) var image: String?
        @Argument var canvas: String
        @Argument(completion: .custom { _, _, _ in [] }) var layers: [String] = []
    }

    struct Erase: ParsableCommand {
        @Flag(name: .shortAndLong) var all = false
    }

    func script() throws -> String {
        let info = try JSONDecoder().decode(ToolInfoV0.self, from: Data(Toy._dumpHelp().utf8))
        return BashCompletionScript.script(for: info.command)
    }

    @Test func everyCommandAndArgumentIsInTheScript() throws {
        let script = try script()
        #expect(script.contains("\n_toy() {\n"))
        #expect(script.hasSuffix("complete -o filenames -F _toy toy\n"))
        #expect(script.contains("subcommands=('paint|p|' 'erase|' 'help|')\n        default_subcommand=paint\n"))
        #expect(
            script.contains(
                """
                    'toy paint')
                        subcommands=()
                        default_subcommand=''
                        positionals=-1
                        arguments=('o+|--colour|--color|' 'O+|-t|' 'o-|--secret|' 'o+|--image|' 'f+|-h|--help|')
                """))
        #expect(script.contains("arguments=('f+|--all|-a|' 'f+|-h|--help|')"))
        #expect(script.contains("--colour|--color) __toy_words red 'it'\\''s' ;;"))
        #expect(script.contains("--image) __toy_compgen -o plusdirs -fX '!*.@(png|jpg)' ;;"))
        // The repeating second positional completes through the callback, every word from the second on; the first
        // has no completion, and its own empty case so that the second's does not catch it.
        #expect(script.contains("@1) : ;;\n        '@'*) __toy_callback ---completion paint -- positional@1 ;;"))
    }

    /// imgmake's own script names every flag and option of every command the parser shows.
    @Test func imgmakesScriptHasEveryOption() throws {
        let script = try BashCompletionScript.imgmake()
        let info = try JSONDecoder().decode(ToolInfoV0.self, from: Data(ImgmakeCommand._dumpHelp().utf8))
        var commands = [info.command]
        while let command = commands.popLast() {
            commands += (command.subcommands ?? []).filter(\.shouldDisplay)
            for argument in command.arguments ?? [] where argument.kind != .positional {
                for name in argument.names ?? [] {
                    let word = (name.kind == .long ? "--" : "-") + name.name
                    #expect(script.contains("|\(word)|"), "\(command.commandName) \(word)")
                }
            }
        }
        #expect(script.contains("'imgmake ops')"))
        #expect(!script.contains("'worker|'") && !script.contains("'imgmake worker'"), "the hidden worker command")
    }
}
