import ArgumentParser
import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe

/// The shell's state and the dispatch of its commands: settings (`-j`, `--pool`, variables) and the sessions
/// (`ShellSessions`: the last good one). Interactive or not, every command goes through `run(line:)`; one
/// method per command, by kind: ShellBuildCommands.swift, ShellQueryCommands.swift, ShellSettingCommands.swift.
final class Shell {
    /// The outcome of a command (or a line of them).
    struct Outcome {
        /// Success, or how the command failed: a job failed, a recipe or usage error, the build state could not be
        /// saved, interrupted.
        var status: ExitStatus
        var quit = false
        init(_ status: ExitStatus = .success, quit: Bool = false) {
            self.status = status
            self.quit = quit
        }
        var code: Int32 { status.code }
        /// Ctrl-C, SIGTERM, SIGHUP, a closed pipe.
        var interrupted: Bool { status.isInterrupted }
    }

    let options: RecipeOptions
    /// The working directory: the recipe file, output paths and `info` paths are relative to it.
    let cwd: String
    var overrides: [String: String]
    var jobs = OptionDefaults.jobs
    var pool = PoolKind.default
    /// `--check` of `imgmake shell`, then `set check`: how the sessions of later commands compare inputs.
    var check: CheckMode {
        get { sessions.check }
        set { sessions.check = newValue }
    }
    let interactive: Bool
    let interrupts: ShellInterrupts
    /// Asks the user a question at the terminal (`add`'s output pattern and glob); nil in scripts.
    var ask: ((String) -> String?)?
    /// The history, for `history` (the editor's when interactive, else the file's).
    var historyEntries: () -> [String] = { [] }

    /// The recipe as loaded now, the last good one, the one for completion (`ShellSessions`).
    let sessions: ShellSessions
    /// `try`'s results (`_`) and `set preview` (ShellTrialCommands.swift).
    let trials = ShellTrials()
    let out: (String) -> Void
    let err: (String) -> Void

    /// `disk` and `catalog` are what sessions read the tree and check the recipe with (`ShellMain` passes the
    /// real disk and libvips; tests a `MemoryDisk` and a `FakeCatalog`).
    init(
        options: RecipeOptions, overrides: [String: String], interactive: Bool, interrupts: ShellInterrupts,
        disk: DiskInterface, catalog: ShellCatalog,
        cwd: String = FileManager.default.currentDirectoryPath,
        out: @escaping (String) -> Void = StandardOutput.out,
        err: @escaping (String) -> Void = StandardOutput.error
    ) {
        self.options = options
        self.cwd = cwd
        self.overrides = overrides
        self.interactive = interactive
        self.interrupts = interrupts
        self.sessions = ShellSessions(
            options: options, cwd: cwd, interactive: interactive, disk: disk, catalog: catalog,
            out: out, err: err)
        self.out = out
        self.err = err
    }

    /// The last recipe that loaded without error, kept while the file is broken.
    var lastGood: Session? { sessions.lastGood }

    /// Where `.imgmake/` lives: the directory of the top recipe file.
    var rootDirectory: String {
        PathName.directory(of: PathName.normalize(PathName.join(cwd, options.file)))
    }

    // MARK: dispatch

    /// Runs every command of a line (`;` separates them). Stops early on `quit` and after an interrupted build.
    func run(line: String) -> Outcome {
        let commands: [(words: [String], raw: String, offset: Int)]
        do {
            commands = try ShellLexer.commandsWithText(line)
        } catch {
            return report(error)
        }
        var outcome = Outcome()
        for command in commands {
            let result = run(command.words, raw: command.raw, column: command.offset + 1, line: line)
            if result.status != .success && outcome.status == .success || result.interrupted { outcome.status = result.status }
            if result.quit || result.interrupted {
                outcome.quit = result.quit
                break
            }
        }
        return outcome
    }

    /// Runs one command. `raw` is its text as typed, from column `column` of `line` (`try` reads its steps
    /// from it, as recipe text, and points at their columns).
    func run(_ words: [String], raw: String? = nil, column: Int = 1, line: String? = nil) -> Outcome {
        guard let word = words.first else { return Outcome() }
        let args = Array(words.dropFirst())
        sessions.startCommand()
        guard let command = ShellCommandInfo.named(word) else {
            var message = "unknown command '\(word)'"
            if lastGood?.recipe.targetNames.contains(word) == true {
                message += " (to build it: build \(word))"
            } else if let guess = Suggestions.closest(to: word, in: ShellCommandInfo.allWords) {
                message += " (did you mean '\(guess)'?)"
            }
            return report(UsageError(message + "; `help` lists the commands"))
        }
        if args.contains("--help") || (args.contains("-h") && command.name != .help) {
            out(command.helpText)
            return Outcome()
        }
        do {
            switch command.name {
            case .build: return try build(args)
            case .watch: return try watch(args)
            case .status: return try status(args)
            case .explain: return try explain(args)
            case .list: return try list(args)
            case .show: return try show(args)
            case .ops: return try ops(args)
            case .help: return try help(args)
            case .info: return info(args)
            case .set: return try set(args)
            case .unset: return try unset(args)
            case .reload: return reload(args)
            case .clean: return try clean(args)
            case .history: return history(args)
            case .try:
                let text = raw ?? words.map(ShellLexer.quote).joined(separator: " ")
                return try trial(raw: text, column: column, line: line ?? text)
            case .save: return try saveResult(args)
            case .preview: return try preview(args)
            case .compare: return try compare(args)
            case .add: return try add(args)
            case .quit: return Outcome(quit: true)
            }
        } catch {
            return report(error)
        }
    }

    /// Prints what ends a command, as `ErrorMessage` renders it (as the command line does); its outcome.
    @discardableResult
    func report(_ error: any Error) -> Outcome { report(ErrorMessage(error)) }

    @discardableResult
    func report(_ message: ErrorMessage) -> Outcome {
        err(message.text + "\n")
        return Outcome(message.status)
    }

    // MARK: sessions (ShellSessions.swift)

    /// Loads the recipe as the files are now, with the shell's variables and `extra` ones (`ShellSessions.load`).
    func load(extra: [String: String] = [:]) -> ShellSessions.Loaded {
        sessions.load(overrides: overrides, extra: extra)
    }

    /// A session to read from (the last good one when the recipe is broken), and whether it is fresh.
    func readableSession(extra: [String: String] = [:]) -> (Session, Bool)? {
        sessions.readableSession(overrides: overrides, extra: extra)
    }

    /// A session to build or clean with: only a recipe that loads now.
    func writableSession(extra: [String: String] = [:], verb: String) -> Session? {
        sessions.writableSession(overrides: overrides, extra: extra, verb: verb)
    }

    /// For completion: a recent session, so that pressing Tab does not load the recipe every time.
    func sessionForCompletion() -> Session? {
        sessions.sessionForCompletion(overrides: overrides)
    }

    /// Parses a command's words with the command line's own definition. The recipe options (`-f`, `-C` ...)
    /// belong to `imgmake shell` itself.
    func parse<Command: ParsableCommand>(_ type: Command.Type, _ args: [String]) throws -> Command {
        let recipeNames = ShellOptionNames.names(of: RecipeOptions.self) + ShellOptionNames.notInShell
        for arg in args {
            if let name = recipeNames.first(where: {
                arg == $0 || arg.hasPrefix($0 + "=") || ($0.count == 2 && arg.hasPrefix($0) && !arg.hasPrefix("--"))
            }) {
                throw ShellUsage(
                    ShellOptionNames.notInShell.contains(name)
                        ? "\(name) is for CI runs of `imgmake`, not for the shell"
                        : "\(name) is an option of `imgmake shell`, not of a shell command"
                            + (name == "--check" ? " (`set check mtime|hash` sets it in the shell)" : ""))
            }
        }
        do {
            return try Command.parse(args)
        } catch {
            throw ShellUsage(Command.message(for: error))
        }
    }

    /// After a build the Builder has disarmed Ctrl-C: hand it back to the prompt (or the script).
    func rearmInterrupts() {
        if interactive { interrupts.armForPipe() } else { interrupts.armForExit() }
    }
}

/// A mistake in a shell command (exit status 2 in scripts).
struct ShellUsage: StatusError {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
    var status: ExitStatus { .usage }
}

/// A shell command that could not do its work (exit status 1 in scripts): a missing file, a failed write.
struct ShellFailure: StatusError {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
    var status: ExitStatus { .failure }
}
