import ArgumentParser
import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// The shell's commands that build or remove outputs: `build`, `watch` (`ShellWatch`), `clean`.
extension Shell {
    func buildCommand(_ args: [String]) throws -> BuildCommand {
        // The shell's `set jobs`/`set pool` come first: options given on the line win (the last value counts).
        try parse(BuildCommand.self, ["-j", String(jobs), "--pool", pool.rawValue] + args)
    }

    func build(_ args: [String]) throws -> Outcome {
        let command = try buildCommand(args)
        let (targets, extra) = splitOverrides(command.words)
        guard let session = writableSession(extra: extra, verb: "building") else { return Outcome(.usage) }
        return try runBuild(
            session: session, targets: targets, options: command.build,
            reportPath: command.ci.report, junitPath: command.ci.junit, tracePath: command.ci.trace)
    }

    /// One build; Ctrl-C winds it down and comes back here.
    func runBuild(
        session: Session, targets: [String], options: BuildOptions, reportPath: String? = nil,
        junitPath: String? = nil, tracePath: String? = nil
    ) throws -> Outcome {
        defer { rearmInterrupts() }
        let reporter = ProgressReporter(
            verbosity: options.quiet ? .quiet : (options.verbose ? .verbose : .normal),
            output: out, errorOutput: err)
        let summary = try BuildRun.run(
            session: session, targets: targets, options: options, reporter: reporter,
            reportPath: reportPath, junitPath: junitPath, tracePath: tracePath)
        if summary.interrupted {
            TemporaryFiles.shared.removeAll()
            if interactive { out("build cancelled: finished outputs are kept, nothing half-written is left\n") }
        }
        return Outcome(summary.status)
    }

    func watch(_ args: [String]) throws -> Outcome {
        let command = try buildCommand(args)
        let (targets, extra) = splitOverrides(command.words)
        return try ShellWatch(shell: self, targets: targets, extra: extra, options: command.build).run()
    }

    func clean(_ args: [String]) throws -> Outcome {
        let command = try parse(CleanCommand.self, args)
        let (targets, extra) = splitOverrides(command.words)
        guard let session = writableSession(extra: extra, verb: "cleaning") else { return Outcome(.usage) }
        defer { rearmInterrupts() }  // waiting for the lock takes Ctrl-C over
        let removed = try Cleaner(session: session).clean(
            targets, orphans: command.orphans, dryRun: command.dryRun, wait: !command.noWait,
            interrupts: InterruptHandler.shared,
            notice: { err("imgmake: \($0)\n") }, report: { out($0 + "\n") })
        out("\(command.dryRun ? "would remove" : "removed") \(removed) file\(removed == 1 ? "" : "s")\n")
        return Outcome()
    }
}
