import ArgumentParser
import Foundation

/// `imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]`: build what is stale.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build targets (the default command): rules, groups or output paths.")

    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var build: BuildOptions

    @Argument(help: ArgumentHelp("Rules, groups or outputs to build, and NAME=VALUE variable overrides.",
                                 valueName: "TARGET|NAME=VALUE"),
              completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            let session = try Session(options: recipe.sessionOptions, overrides: overrides)
            let summary = try BuildRun.run(session: session, targets: targets, options: build)
            if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
        }
    }
}

/// One build over a loaded session, as the command line and the shell's `build` both run it.
public enum BuildRun {
    @discardableResult
    public static func run(session: Session, targets: [String], options build: BuildOptions,
                           reporter: ProgressReporter? = nil) throws -> BuildSummary {
        let edges = try session.edges(for: targets)
        let reporter = reporter ?? ProgressReporter(verbosity: build.quiet ? .quiet : (build.verbose ? .verbose : .normal))
        var options = Builder.Options()
        options.jobs = build.jobs
        options.keepGoing = build.keepGoing
        options.dryRun = build.dryRun
        options.explain = build.explain
        options.alwaysMake = build.alwaysMake
        let builder = Builder(session: session, reporter: reporter, options: options) { workers in
            ExecutorFactory.make(build.pool, workers: workers)
        }
        let summary = builder.build(edges)
        reporter.summary(summary.line)
        return summary
    }
}

/// Runs `body` in `directory` (the `-C` option).
func withDirectory<T>(_ directory: String?, _ body: () throws -> T) throws -> T {
    if let directory {
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw UsageError("cannot change to directory \(directory)")
        }
    }
    return try body()
}
