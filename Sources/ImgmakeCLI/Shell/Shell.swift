import ImgmakeCore
import ArgumentParser
import Foundation
import ImgmakeRecipe
import ImgmakeJob
import ImgmakeVips

/// The shell's state and its commands: settings (`-j`, `--pool`, variables), the last good session, and one
/// method per command. Interactive or not, every command goes through `run(line:)`.
final class Shell {
    /// The outcome of a command (or a line of them).
    struct Outcome {
        /// 0, or the exit code of a build: 1 a job failed, 2 a recipe or usage error, 74 the build state could not
        /// be saved, 130 interrupted.
        var code: Int32 = 0
        var quit = false
        /// 128 + a signal: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP, 141 a closed pipe.
        var interrupted: Bool { code > 128 }
    }

    let options: RecipeOptions
    /// The working directory: the recipe file, output paths and `info` paths are relative to it.
    let cwd: String
    var overrides: [String: String]
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    var pool = PoolKind.default
    let interactive: Bool
    let interrupts: ShellInterrupts
    /// The history, for `history` (the editor's when interactive, else the file's).
    var historyEntries: () -> [String] = { [] }

    /// The last recipe that loaded without error, kept while the file is broken.
    private(set) var lastGood: Session?
    private var lastGoodStamps: [String: FileStamp?] = [:]
    private var completionSession: (session: Session, time: DispatchTime)?
    /// Overrides already warned about as unknown to the recipe: a `set` (or `imgmake shell NAME=VALUE`) one
    /// until it is set again; a command's own `NAME=VALUE` words until the next command (a `watch` reloads
    /// the recipe on every change without saying it again).
    private var warnedSettings: Set<String> = []
    private var warnedThisCommand: Set<String> = []
    private let disk = RealDisk()
    private let out: (String) -> Void
    private let err: (String) -> Void

    init(options: RecipeOptions, overrides: [String: String], interactive: Bool, interrupts: ShellInterrupts,
         cwd: String = FileManager.default.currentDirectoryPath,
         out: @escaping (String) -> Void = StandardOutput.out,
         err: @escaping (String) -> Void = StandardOutput.error) {
        self.options = options
        self.cwd = cwd
        self.overrides = overrides
        self.interactive = interactive
        self.interrupts = interrupts
        self.out = out
        self.err = err
    }

    /// Where `.imgmake/` lives: the directory of the top recipe file.
    var rootDirectory: String {
        PathName.directory(of: PathName.normalize(PathName.join(cwd, options.file)))
    }

    // MARK: lines and commands

    /// Runs every command of a line (`;` separates them). Stops early on `quit` and after an interrupted build.
    func run(line: String) -> Outcome {
        let commands: [[String]]
        do {
            commands = try ShellLexer.commands(line)
        } catch {
            err("error: \(error)\n")
            return Outcome(code: 2)
        }
        var outcome = Outcome()
        for words in commands {
            let result = run(words)
            if result.code != 0 && outcome.code == 0 || result.interrupted { outcome.code = result.code }
            if result.quit || result.interrupted {
                outcome.quit = result.quit
                break
            }
        }
        return outcome
    }

    /// Runs one command.
    func run(_ words: [String]) -> Outcome {
        guard let word = words.first else { return Outcome() }
        let args = Array(words.dropFirst())
        warnedThisCommand = []
        guard let command = ShellCommandInfo.named(word) else {
            var message = "error: unknown command '\(word)'"
            if lastGood?.recipe.targetNames.contains(word) == true {
                message += " (to build it: build \(word))"
            } else if let guess = Suggestions.closest(to: word, in: ShellCommandInfo.allWords) {
                message += " (did you mean '\(guess)'?)"
            }
            err(message + "; `help` lists the commands\n")
            return Outcome(code: 2)
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
            case .quit: return Outcome(quit: true)
            }
        } catch let error as RecipeErrors {
            err(error.description + "\n")
        } catch let error as RecipeError {
            err(error.description + "\n")
        } catch let error as ShellUsage {
            err("error: \(error.message)\n")
        } catch let error as UsageError {
            err("error: \(error.description)\n")
        } catch let error as StateLock.Busy {
            err("error: \(error.description)\n")
            return Outcome(code: 75)
        } catch let error as StateLock.Interrupted {
            err("\(error.description)\n")
            return Outcome(code: InterruptHandler.exitCode(for: InterruptHandler.shared.signal))
        } catch {
            err("error: \(error)\n")
        }
        return Outcome(code: 2)
    }

    // MARK: sessions

    enum Loaded {
        /// The recipe as the files are now.
        case fresh(Session)
        /// The recipe is broken now (the error was printed): the last one that loaded.
        case lastGood(Session)
        case none
    }

    /// Loads the recipe as the files are now, with the shell's variables and `extra` ones. A recipe error is
    /// printed, and the last good session stands in for it.
    func load(extra: [String: String] = [:]) -> Loaded {
        let merged = overrides.merging(extra) { $1 }
        do {
            let session = try Session(options: options.sessionOptions, overrides: merged, library: .vips, cwd: cwd)
            let reporter = ProgressReporter(verbosity: .normal, isTerminal: false, output: out, errorOutput: err)
            session.warnAboutOverrides(reporter) { name in
                extra[name] != nil ? warnedThisCommand.insert(name).inserted : warnedSettings.insert(name).inserted
            }
            if extra.isEmpty {
                if interactive, lastGood != nil, stamps(of: session) != lastGoodStamps {
                    out("(\(PathName.fileName(options.file)) changed: reloaded)\n")
                }
                lastGood = session
                lastGoodStamps = stamps(of: session)
            }
            return .fresh(session)
        } catch {
            switch error {
            case let error as RecipeErrors: err(error.description + "\n")
            case let error as RecipeError: err(error.description + "\n")
            case let error as UsageError: err("error: \(error.description)\n")
            default: err("error: \(error)\n")
            }
            if let lastGood {
                err("(the recipe has errors: the shell keeps the last good one; fix the file and go on)\n")
                return .lastGood(lastGood)
            }
            return .none
        }
    }

    /// A session to read from (the last good one when the recipe is broken), and whether it is fresh.
    private func readableSession(extra: [String: String] = [:]) -> (Session, Bool)? {
        switch load(extra: extra) {
        case let .fresh(session): return (session, true)
        case let .lastGood(session): return (session, false)
        case .none: return nil
        }
    }

    /// A session to build or clean with: only a recipe that loads now.
    private func writableSession(extra: [String: String] = [:], verb: String) -> Session? {
        switch load(extra: extra) {
        case let .fresh(session): return session
        case .lastGood, .none:
            err("error: not \(verb): the recipe has errors\n")
            return nil
        }
    }

    /// For completion: a recent session, so that pressing Tab does not load the recipe every time.
    func sessionForCompletion() -> Session? {
        if let (session, time) = completionSession, DispatchTime.now().uptimeNanoseconds - time.uptimeNanoseconds < 2_000_000_000 {
            return session
        }
        let session = (try? Session(options: options.sessionOptions, overrides: overrides, library: .vips, cwd: cwd)) ?? lastGood
        if let session { completionSession = (session, DispatchTime.now()) }
        return session
    }

    private func stamps(of session: Session) -> [String: FileStamp?] {
        Dictionary(session.recipe.recipe.files.map { ($0, disk.stamp($0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Parses a command's words with the command line's own definition. The recipe options (`-f`, `-C` ...)
    /// belong to `imgmake shell` itself.
    private func parse<Command: ParsableCommand>(_ type: Command.Type, _ args: [String]) throws -> Command {
        let recipeNames = ShellOptionNames.names(of: RecipeOptions.self) + ShellOptionNames.notInShell
        for arg in args {
            if let name = recipeNames.first(where: { arg == $0 || arg.hasPrefix($0 + "=") || ($0.count == 2 && arg.hasPrefix($0) && !arg.hasPrefix("--")) }) {
                throw ShellUsage(ShellOptionNames.notInShell.contains(name)
                    ? "\(name) is for CI runs of `imgmake`, not for the shell"
                    : "\(name) is an option of `imgmake shell`, not of a shell command")
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

    // MARK: commands

    private func buildCommand(_ args: [String]) throws -> BuildCommand {
        // The shell's `set jobs`/`set pool` come first: options given on the line win (the last value counts).
        try parse(BuildCommand.self, ["-j", String(jobs), "--pool", pool.rawValue] + args)
    }

    private func build(_ args: [String]) throws -> Outcome {
        let command = try buildCommand(args)
        let (targets, extra) = splitOverrides(command.words)
        guard let session = writableSession(extra: extra, verb: "building") else { return Outcome(code: 2) }
        return try runBuild(session: session, targets: targets, options: command.build,
                            reportPath: command.ci.report, junitPath: command.ci.junit)
    }

    /// One build; Ctrl-C winds it down and comes back here.
    func runBuild(session: Session, targets: [String], options: BuildOptions, reportPath: String? = nil,
                  junitPath: String? = nil) throws -> Outcome {
        defer { rearmInterrupts() }
        let reporter = ProgressReporter(verbosity: options.quiet ? .quiet : (options.verbose ? .verbose : .normal),
                                        output: out, errorOutput: err)
        let summary = try BuildRun.run(session: session, targets: targets, options: options, reporter: reporter,
                                       reportPath: reportPath, junitPath: junitPath)
        if summary.interrupted {
            TemporaryFiles.shared.removeAll()
            if interactive { out("build cancelled: finished outputs are kept, nothing half-written is left\n") }
        }
        return Outcome(code: summary.exitCode)
    }

    private func watch(_ args: [String]) throws -> Outcome {
        let command = try buildCommand(args)
        let (targets, extra) = splitOverrides(command.words)
        return try ShellWatch(shell: self, targets: targets, extra: extra, options: command.build).run()
    }

    private func status(_ args: [String]) throws -> Outcome {
        let (targets, extra) = splitOverrides(args)
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(code: 2) }
        let edges = targets.isEmpty ? Array(session.graph.edges.indices) : try session.edges(for: targets)
        out(ShellReports.status(session, edges: edges))
        return Outcome(code: fresh ? 0 : 2)
    }

    private func explain(_ args: [String]) throws -> Outcome {
        let command = try parse(ExplainCommand.self, args)
        let (targets, extra) = splitOverrides(command.words)
        guard !targets.isEmpty else { throw ShellUsage("explain needs at least one output (or rule): explain OUTPUT...") }
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(code: 2) }
        out(try Explanation.text(session, targets: targets))
        return Outcome(code: fresh ? 0 : 2)
    }

    private func list(_ args: [String]) throws -> Outcome {
        let command = try parse(ListCommand.self, args)
        guard let (session, fresh) = readableSession(extra: splitOverrides(command.words).overrides) else { return Outcome(code: 2) }
        out(RecipeListing.text(session))
        return Outcome(code: fresh ? 0 : 2)
    }

    private func show(_ args: [String]) throws -> Outcome {
        let (targets, extra) = splitOverrides(args)
        guard targets.count == 1, let target = targets.first else { throw ShellUsage("usage: show RULE|GROUP|OUTPUT") }
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(code: 2) }
        out(try ShellReports.show(session, target: target))
        return Outcome(code: fresh ? 0 : 2)
    }

    private func ops(_ args: [String]) throws -> Outcome {
        let command = try parse(OpsCommand.self, args)
        try command.run()
        return Outcome()
    }

    private func help(_ args: [String]) throws -> Outcome {
        guard let topic = args.first else {
            out(ShellCommandInfo.overview)
            return Outcome()
        }
        if args.count == 1, let command = ShellCommandInfo.named(topic) {
            out(command.helpText)
            return Outcome()
        }
        guard args.count <= 2 else { throw ShellUsage("usage: help [COMMAND|OPERATION [ARGUMENT]]") }
        let catalog = VipsCatalog.shared
        guard let operation = catalog.operation(named: topic), let text = OperationDocs.describe(topic) else {
            let guess = Suggestions.closest(to: topic, in: ShellCommandInfo.allWords + catalog.operationNames)
            throw ShellUsage("no command or libvips operation called '\(topic)'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
                + "; `help` lists the commands, `ops` the operations")
        }
        if args.count == 2 {
            let name = ArgumentInfo.canonicalName(args[1])  // no_rotate is no-rotate
            guard let entry = ShellReports.argumentEntry(text, name: name, operation: operation) else {
                let names = operation.arguments.filter { $0.isInput && !$0.isDeprecated }.map(\.name)
                let guess = Suggestions.closest(to: name, in: names)
                throw ShellUsage("\(topic) has no argument '\(name)'" + (guess.map { " (did you mean '\($0)'?)" } ?? ""))
            }
            out(entry)
            return Outcome()
        }
        out(text.hasSuffix("\n") ? text : text + "\n")
        return Outcome()
    }

    private func info(_ args: [String]) -> Outcome {
        guard !args.isEmpty else {
            err("error: usage: info IMAGE...\n")
            return Outcome(code: 2)
        }
        var outcome = Outcome()
        let here = cwd == FileManager.default.currentDirectoryPath
        for (i, path) in args.enumerated() {
            if i > 0 { out("\n") }
            let resolved = here ? path : PathName.join(cwd, path)
            guard FileManager.default.fileExists(atPath: resolved) else {
                err("error: info: no file \(path)\n")
                outcome.code = 1
                continue
            }
            do {
                out(try OperationDocs.imageInfo(path: resolved))
            } catch {
                err("error: info: \(path): \(error)\n")
                outcome.code = 1
            }
        }
        return outcome
    }

    private func set(_ args: [String]) throws -> Outcome {
        guard let name = args.first else {
            out(settingsText())
            return Outcome()
        }
        let values = Array(args.dropFirst())
        switch name {
        case "jobs", "pool":
            guard values.count == 1 else { throw ShellUsage(name == "jobs" ? "usage: set jobs N" : "usage: set pool thread|process") }
            // The command line's own definitions check the value (-j at least 1; a known pool).
            let parsed: BuildOptions
            do {
                parsed = try BuildOptions.parse(name == "jobs" ? ["-j", values[0]] : ["--pool", values[0]])
            } catch {
                throw ShellUsage(BuildOptions.message(for: error))
            }
            if name == "jobs" { jobs = parsed.jobs } else { pool = parsed.pool }
            out("\(name) = \(name == "jobs" ? String(jobs) : pool.rawValue)\n")
            return Outcome()
        default:
            guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ShellUsage("'\(name)' is not a setting (jobs, pool) or a variable name")
            }
            guard !values.isEmpty else {
                let value = overrides[name] ?? lastGood?.recipe.recipe.variables[name]
                out(value.map { "\(name) = \($0)\n" } ?? "\(name) is not set\n")
                return Outcome()
            }
            overrides[name] = values.joined(separator: " ")
            out("\(name) = \(overrides[name]!)\n")
            warnedSettings.remove(name)  // a name the recipe does not know is said again at each `set`
            if case .fresh = load() { return Outcome() }
            return Outcome(code: 2)
        }
    }

    private func unset(_ args: [String]) throws -> Outcome {
        guard args.count == 1 else { throw ShellUsage("usage: unset NAME") }
        guard overrides.removeValue(forKey: args[0]) != nil else {
            throw ShellUsage("\(args[0]) was not set with `set`")
        }
        out("\(args[0]) is the recipe's again\n")
        return Outcome()
    }

    private func settingsText() -> String {
        var text = "jobs = \(jobs)\npool = \(pool.rawValue)\n"
        let variables = lastGood?.recipe.recipe.variables ?? [:]
        let names = Set(variables.keys).union(overrides.keys).sorted()
        if !names.isEmpty {
            text += "variables:\n"
            for name in names {
                text += "  \(name) = \(overrides[name] ?? variables[name] ?? "")" + (overrides[name] != nil ? "   (set here)" : "") + "\n"
            }
        }
        return text
    }

    private func reload(_ args: [String]) -> Outcome {
        guard args.isEmpty else {
            err("error: usage: reload\n")
            return Outcome(code: 2)
        }
        guard case let .fresh(session) = load() else { return Outcome(code: 2) }
        let (order, checker) = session.staleness(of: Array(session.graph.edges.indices))
        let stale = order.filter { checker.isStale($0) }.count
        let rules = session.recipe.rules.count, groups = session.recipe.groups.count, outputs = session.graph.edges.count
        out("loaded \(options.file): \(rules) rule\(rules == 1 ? "" : "s"), \(groups) group\(groups == 1 ? "" : "s"), "
            + "\(outputs) output\(outputs == 1 ? "" : "s") (\(stale) stale)\n")
        return Outcome()
    }

    private func clean(_ args: [String]) throws -> Outcome {
        let command = try parse(CleanCommand.self, args)
        let (targets, extra) = splitOverrides(command.words)
        guard let session = writableSession(extra: extra, verb: "cleaning") else { return Outcome(code: 2) }
        defer { rearmInterrupts() }  // waiting for the lock takes Ctrl-C over
        let removed = try Cleaner(session: session).clean(targets, orphans: command.orphans, dryRun: command.dryRun, wait: !command.noWait,
                                                          interrupts: InterruptHandler.shared,
                                                          notice: { err("imgmake: \($0)\n") }, report: { out($0 + "\n") })
        out("\(command.dryRun ? "would remove" : "removed") \(removed) file\(removed == 1 ? "" : "s")\n")
        return Outcome()
    }

    private func history(_ args: [String]) -> Outcome {
        let entries = historyEntries()
        let width = String(entries.count).count
        for (i, entry) in entries.enumerated() {
            let number = String(i + 1)
            out(String(repeating: " ", count: width - number.count + 2) + number + "  " + entry + "\n")
        }
        return Outcome()
    }
}

/// A mistake in a shell command (exit status 2 in scripts).
struct ShellUsage: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
