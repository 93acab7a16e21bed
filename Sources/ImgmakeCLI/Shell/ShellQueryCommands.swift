import ArgumentParser
import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// The shell's commands that read the recipe, the tree or libvips and change nothing: `status`, `explain`,
/// `list`, `show`, `reload`, `ops`, `help`, `info`, `history`.
extension Shell {
    func status(_ args: [String]) throws -> Outcome {
        let (targets, extra) = splitOverrides(args)
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(.usage) }
        let edges = targets.isEmpty ? Array(session.graph.edges.indices) : try session.edges(for: targets)
        out(ShellReports.status(session, edges: edges))
        return Outcome(fresh ? .success : .usage)
    }

    func explain(_ args: [String]) throws -> Outcome {
        let command = try parse(ExplainCommand.self, args)
        let (targets, extra) = splitOverrides(command.words)
        guard !targets.isEmpty else { throw ShellUsage("explain needs at least one output (or rule): explain OUTPUT...") }
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(.usage) }
        out(try Explanation.text(session, targets: targets))
        return Outcome(fresh ? .success : .usage)
    }

    func list(_ args: [String]) throws -> Outcome {
        let command = try parse(ListCommand.self, args)
        guard let (session, fresh) = readableSession(extra: splitOverrides(command.words).overrides) else { return Outcome(.usage) }
        out(RecipeListing.text(session))
        return Outcome(fresh ? .success : .usage)
    }

    func show(_ args: [String]) throws -> Outcome {
        let (targets, extra) = splitOverrides(args)
        guard targets.count == 1, let target = targets.first else { throw ShellUsage("usage: show RULE|GROUP|OUTPUT") }
        guard let (session, fresh) = readableSession(extra: extra) else { return Outcome(.usage) }
        out(try ShellReports.show(session, target: target))
        return Outcome(fresh ? .success : .usage)
    }

    func reload(_ args: [String]) -> Outcome {
        guard args.isEmpty else { return report(UsageError("usage: reload")) }
        guard case .fresh(let session) = load() else { return Outcome(.usage) }
        let (order, checker) = session.staleness(of: Array(session.graph.edges.indices))
        let stale = order.filter { checker.isStale($0) }.count
        let rules = session.recipe.rules.count
        let groups = session.recipe.groups.count
        let outputs = session.graph.edges.count
        out(
            "loaded \(options.file): \(rules) rule\(rules == 1 ? "" : "s"), \(groups) group\(groups == 1 ? "" : "s"), "
                + "\(outputs) output\(outputs == 1 ? "" : "s") (\(stale) stale)\n")
        return Outcome()
    }

    func ops(_ args: [String]) throws -> Outcome {
        let command = try parse(OpsCommand.self, args)
        try command.run()
        return Outcome()
    }

    func help(_ args: [String]) throws -> Outcome {
        guard let topic = args.first else {
            out(ShellCommandInfo.overview)
            return Outcome()
        }
        if args.count == 1, let command = ShellCommandInfo.named(topic) {
            // `save` is a shell command (`save _ PATH`) and a recipe step (`save OPTIONS`): both are explained.
            let step = ProgramSteps.helpText(topic).map { "\nThe recipe step:\n" + $0 } ?? ""
            out(command.helpText + step)
            return Outcome()
        }
        if args.count == 1, let text = ProgramSteps.helpText(topic) {
            out(text)
            return Outcome()
        }
        guard args.count <= 2 else { throw ShellUsage("usage: help [COMMAND|OPERATION [ARGUMENT]]") }
        let catalog = sessions.catalog.operations
        guard let operation = catalog.operation(named: topic), let text = OperationHelp.describe(topic) else {
            let guess = Suggestions.closest(to: topic, in: ShellCommandInfo.allWords + ProgramSteps.helpNames + catalog.operationNames)
            throw ShellUsage(
                "no command or libvips operation called '\(topic)'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
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

    func info(_ args: [String]) -> Outcome {
        guard !args.isEmpty else { return report(UsageError("usage: info IMAGE...")) }
        var outcome = Outcome()
        let here = cwd == FileManager.default.currentDirectoryPath
        for (i, path) in args.enumerated() {
            if i > 0 { out("\n") }
            let resolved = here ? path : PathName.join(cwd, path)
            guard FileManager.default.fileExists(atPath: resolved) else {
                outcome.status = report(ErrorMessage(saying: "info: no file \(path)", status: .failure)).status
                continue
            }
            do {
                out(try OperationDocs.imageInfo(path: resolved))
            } catch {
                outcome.status = report(ErrorMessage(saying: "info: \(path): \(error)", status: .failure)).status
            }
        }
        return outcome
    }

    func history(_ args: [String]) -> Outcome {
        let entries = historyEntries()
        let width = String(entries.count).count
        for (i, entry) in entries.enumerated() {
            let number = String(i + 1)
            out(String(repeating: " ", count: width - number.count + 2) + number + "  " + entry + "\n")
        }
        return Outcome()
    }
}
