import ArgumentParser
import CReadline
import ImgmakeCore
import ImgmakeRecipe
import ImgmakeVips

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Entry point of the `imgmake` executable: parses the command line, runs the command, and ends with the
/// README's exit codes. swift-argument-parser's own errors (usage mistakes, `--help`, `--version`) are rendered
/// here; every other error by `ErrorMessage`, as the shell renders them.
public enum ImgmakeMain {
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // `--version` anywhere before `--`: imgmake's version, and libvips' (VersionReport loads libvips).
        if arguments.prefix(while: { $0 != "--" }).contains("--version") {
            signal(SIGPIPE, SIG_IGN)
            StandardOutput.out(VersionReport.text())
            exit(ExitStatus.success.code)
        }
        // The completion scripts' callbacks, answered before the parser builds its command tree.
        if let answer = FastPath.answer(arguments, shell: getenv("SAP_SHELL").map { String(cString: $0) }) {
            signal(SIGPIPE, SIG_IGN)
            StandardOutput.out(answer)
            exit(ExitStatus.success.code)
        }
        setvbuf(imgmake_stdout(), nil, _IOLBF, 0)
        VipsRuntime.limitArenasUnderAnAddressSpaceLimit()
        // The bash completion script is imgmake's own (BashCompletionScript); zsh's and fish's are the parser's;
        // all three of `CompletionRoot`'s tree (targets and build options at the top level too).
        if let shell = completionScriptRequest(arguments) {
            signal(SIGPIPE, SIG_IGN)
            do {
                let script =
                    switch shell {
                    case .bash: try BashCompletionScript.imgmake()
                    case .zsh: try CompletionRoot.zshScript()
                    default: CompletionRoot.completionScript(for: shell)
                    }
                StandardOutput.out(script)
                exit(ExitStatus.success.code)
            } catch {
                let message = ErrorMessage(error)
                StandardOutput.error(message.text + "\n")
                exit(message.status.code)
            }
        }
        // The manual pages (ManualPages): `--generate-manual DIR`, hidden, as the completion scripts' option is.
        if arguments.count == 2, arguments[0] == ManualPages.option {
            runCommand {
                for path in try ManualPages.write(to: arguments[1]) { StandardOutput.error("wrote \(path)\n") }
            }
        }
        // A closed pipe on stdout or stderr is an EPIPE from write, not a silent death (StandardOutput).
        signal(SIGPIPE, SIG_IGN)
        // `imgmake --help`: a build's usage and options, then the subcommands (TopLevelHelp).
        if TopLevelHelp.requests.contains(arguments) {
            StandardOutput.out(TopLevelHelp.text())
            exit(ExitStatus.success.code)
        }
        // A plain build (`imgmake`, `imgmake build -j8 thumbs`), made without the parser's reflection.
        if let invocation = FastPath.buildInvocation(arguments) { runCommand { try invocation.run() } }
        var command: any ParsableCommand
        do {
            command = try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(arguments))
        } catch {
            exitParsing(error)
        }
        runCommand { try command.run() }
    }

    /// Runs a command and exits with its status, its error said the one way every error is.
    private static func runCommand(_ run: () throws -> Void) -> Never {
        do {
            try run()
            exit(ExitStatus.success.code)
        } catch let error as ExitCode {
            // A command's own status (a build's summary), already reported.
            exit(error.rawValue)
        } catch let error where isArgumentParsers(error) {
            exitParsing(error)  // `imgmake help`, `--help` (a help command) and the commands' validation errors
        } catch {
            let message = ErrorMessage(error)
            StandardOutput.error(message.text + "\n")
            annotateForGitHub(error)
            exit(message.status.code)
        }
    }

    /// Under GitHub Actions, each recipe error as an `::error` annotation on its line too (stdout).
    private static func annotateForGitHub(_ error: Error) {
        guard let gitHub = ProgressReporter.gitHubFromEnvironment else { return }
        let errors = (error as? RecipeErrors)?.errors ?? (error as? RecipeError).map { [$0] } ?? []
        let cwd = FileManager.default.currentDirectoryPath
        for error in errors {
            let text = ([error.message] + error.notes).joined(separator: "\n")
            StandardOutput.out(
                GitHubActions.errorAnnotation(
                    text, at: error.location, title: "imgmake: recipe error", cwd: cwd, workspace: gitHub.workspace)
                    + "\n")
        }
    }

    /// The shell whose completion script `arguments` ask for: `--generate-completion-script SHELL` (or
    /// `=SHELL`), or with no shell named the one swift-argument-parser detects; nil for anything else.
    static func completionScriptRequest(_ arguments: [String]) -> CompletionShell? {
        let option = "--generate-completion-script"
        switch arguments.count {
        case 1 where arguments[0] == option: return CompletionShell.autodetected()
        case 1 where arguments[0].hasPrefix(option + "="):
            return CompletionShell(rawValue: String(arguments[0].dropFirst(option.count + 1)))
        case 2 where arguments[0] == option: return CompletionShell(rawValue: arguments[1])
        default: return nil
        }
    }

    /// Whether swift-argument-parser made the error (its help command throws one it keeps internal).
    private static func isArgumentParsers(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// swift-argument-parser's errors: `--help` and `--version` print and exit 0; a usage mistake is said with
    /// the usage, prefixed like every other error, and exits 2.
    private static func exitParsing(_ error: any Error) -> Never {
        let code = ImgmakeCommand.exitCode(for: error)
        if code == .success {
            ImgmakeCommand.exit(withError: error)
        }
        var message = ImgmakeCommand.fullMessage(for: error)
        let label = "Error: "
        if message.hasPrefix(label) { message = ErrorMessage.prefix + message.dropFirst(label.count) }
        StandardOutput.error(message + "\n")
        exit(code == .validationFailure ? ExitStatus.usage.code : code.rawValue)
    }
}
