import Foundation
import ImgmakeCore
import ImgmakeRecipe

/// `imgmake shell`: the interactive loop at a terminal, or script mode (`-c`, or standard input that is not
/// a terminal): no prompt, one command per line or `;`, exit status non-zero when a command failed.
enum ShellMain {
    static let prompt = "imgmake> "
    /// What the real shell reads the tree with and checks recipes against (tests give `Shell` others).
    static var disk: DiskInterface { RealDisk() }
    static var catalog: ShellCatalog { .library(.vips) }

    /// Runs the shell in the current directory; returns the exit status.
    static func run(options: RecipeOptions, overrides: [String: String], commands: String?) -> ExitStatus {
        do { try InterruptHandler.shared.prepare() } catch {
            let message = ErrorMessage(error)
            StandardOutput.error(message.text + "\n")
            return message.status
        }
        let interrupts = ShellInterrupts()
        if let commands {
            var unread: String? = commands
            return script(options: options, overrides: overrides, interrupts: interrupts) {
                defer { unread = nil }
                return unread
            }
        }
        if isatty(STDIN_FILENO) == 0 {
            return script(options: options, overrides: overrides, interrupts: interrupts) { Swift.readLine(strippingNewline: false) }
        }
        return interactive(options: options, overrides: overrides, interrupts: interrupts)
    }

    private static func interactive(options: RecipeOptions, overrides: [String: String], interrupts: ShellInterrupts) -> ExitStatus {
        let shell = Shell(
            options: options, overrides: overrides, interactive: true, interrupts: interrupts,
            disk: disk, catalog: catalog)
        interrupts.becomeInteractive()
        interrupts.armForPipe()
        // The history goes beside the recipe; with none here, it is kept in memory only (nothing is written to a
        // folder that is not a recipe's).
        let recipePath = PathName.normalize(PathName.join(shell.cwd, options.file))
        let hasRecipe = FileManager.default.fileExists(atPath: recipePath)
        let historyFile = hasRecipe ? PathName.join(PathName.join(shell.rootDirectory, BuildState.directoryName), "history") : nil
        let editor = LineEditor(prompt: prompt, interrupts: interrupts, historyFile: historyFile)
        shell.historyEntries = { LineEditor.entries }
        shell.ask = { question in
            guard case .line(let answer) = editor.read(prompt: question) else { return nil }
            return answer
        }
        LineEditor.setCompleter { [unowned shell] line in
            var completer = ShellCompleter(source: ShellCompletionData(session: shell.sessionForCompletion()))
            completer.overriddenVariables = Array(shell.overrides.keys)
            return completer.candidates(line)
        }

        print("imgmake \(ImgmakeCommand.version) shell: `help` lists the commands, Tab completes, Ctrl-D leaves.")
        if !hasRecipe { print("(no \(options.file) here: the history of this session is not saved)") }
        if case .fresh(let session) = shell.load() {
            let rules = session.recipe.rules.count
            let outputs = session.graph.edges.count
            print("\(options.file): \(rules) rule\(rules == 1 ? "" : "s"), \(outputs) output\(outputs == 1 ? "" : "s")")
        }
        while true {
            interrupts.armForPipe()
            let input = editor.read()
            // SIGTERM, SIGHUP (or stdout a closed pipe): a build was wound down, the history is saved (every
            // line is appended as it is read); end with 128 + the signal.
            if let signal = InterruptHandler.shared.termination { return .interrupted(signal: signal) }
            switch input {
            case .endOfInput:
                return .success
            case .line(let text):
                editor.remember(text)
                let outcome = shell.run(line: text)
                if let signal = InterruptHandler.shared.termination { return .interrupted(signal: signal) }
                if outcome.quit { return .success }
            }
        }
    }

    /// Script mode: `next` gives the text to run, a line (or the whole `-c` argument) at a time.
    private static func script(
        options: RecipeOptions, overrides: [String: String], interrupts: ShellInterrupts,
        next: () -> String?
    ) -> ExitStatus {
        let shell = Shell(
            options: options, overrides: overrides, interactive: false, interrupts: interrupts,
            disk: disk, catalog: catalog)
        interrupts.armForExit()
        let historyFile = PathName.join(PathName.join(shell.rootDirectory, BuildState.directoryName), "history")
        shell.historyEntries = {
            ((try? String(contentsOfFile: historyFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        var status = ExitStatus.success
        var pending = ""
        while let text = next() {
            pending += text
            // A quote left open continues on the next line.
            if (try? ShellLexer.commands(pending)) == nil, pending.hasSuffix("\n") { continue }
            let outcome = shell.run(line: pending)
            pending = ""
            if outcome.status != .success && status == .success || outcome.interrupted { status = outcome.status }
            if outcome.quit || outcome.interrupted { return status }
        }
        if !pending.isEmpty {
            let outcome = shell.run(line: pending)
            if outcome.status != .success && status == .success { status = outcome.status }
        }
        return status
    }
}
