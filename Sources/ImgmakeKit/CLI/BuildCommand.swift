import ArgumentParser
import Foundation

/// `imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]`: build what is stale.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build targets (the default command): rules, groups or output paths.")

    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var build: BuildOptions
    @OptionGroup var ci: CIOptions

    @Argument(help: ArgumentHelp("Rules, groups or outputs to build, and NAME=VALUE variable overrides.",
                                 valueName: "TARGET|NAME=VALUE"),
              completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            var sessionOptions = recipe.sessionOptions
            if let shard = ci.shard { sessionOptions.logName = shard.logName }
            let session = try Session(options: sessionOptions, overrides: overrides)
            let reporter = BuildRun.reporter(for: build)
            session.warnAboutOverrides(reporter)
            let summary = try BuildRun.run(session: session, targets: targets, options: build, reporter: reporter,
                                           shard: ci.shard, reportPath: ci.report, junitPath: ci.junit)
            if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
        }
    }
}

/// One build over a loaded session, as the command line and the shell's `build` both run it.
public enum BuildRun {
    @discardableResult
    public static func run(session: Session, targets: [String], options build: BuildOptions,
                           reporter: ProgressReporter? = nil, shard: Shard? = nil, reportPath: String? = nil,
                           junitPath: String? = nil) throws -> BuildSummary {
        let edges = try session.edges(for: targets)
        let reporter = reporter ?? Self.reporter(for: build)
        for warning in session.graph.warnings { reporter.warning(warning) }
        if shard == nil { try session.graph.requireInputs(session.graph.closure(of: edges)) }
        // From before deciding what is stale to after the last record: a second build waits, then finds it done.
        let lock = build.dryRun ? nil : try session.lockState(wait: !build.noWait, notice: reporter.notice)
        defer { lock?.release() }
        var options = Builder.Options()
        options.jobs = build.jobs
        options.keepGoing = build.keepGoing
        options.dryRun = build.dryRun
        options.explain = build.explain
        options.alwaysMake = build.alwaysMake
        options.shard = shard
        let builder = Builder(session: session, reporter: reporter, options: options) { workers in
            // Jobs are about to run, so libvips starts anyway: the cached answers the recipe was checked with
            // are compared with libvips' now (a job whose saver is wrong fails in `JobRunner`).
            verifyCatalogCache(session, reporter)
            return ExecutorFactory.make(build.pool, workers: workers,
                                        settings: ProcessPool.Settings(jobTimeout: build.jobTimeout, maxJobsPerWorker: build.maxJobsPerWorker,
                                                                       stallTimeout: build.stallTimeout > 0 ? build.stallTimeout : nil))
        }
        var summary = try builder.build(edges)
        reporter.summary(summary.line)
        // Each report through a temporary beside it and a rename: a full disk leaves the old file (or none),
        // never a partial one, and is an error that names the file (exit 74 when nothing else failed).
        var reports: [(path: String, bytes: () throws -> [UInt8])] = []
        if let reportPath {
            reports.append((reportPath, { [UInt8](try BuildReport.json(results: builder.results, graph: session.graph, summary: summary)) }))
        }
        if let junitPath {
            reports.append((junitPath, { Array(BuildReport.junit(results: builder.results, graph: session.graph, summary: summary).utf8) }))
        }
        for (path, bytes) in reports {
            do { try session.disk.writeAtomically(PathName.join(session.cwd, path), try bytes()) } catch {
                reporter.error("cannot write report \(path): \((error as? DiskError)?.message ?? "\(error)")")
                summary.reportFailed = true
            }
        }
        return summary
    }

    /// Warns when `.imgmake/catalog.json` disagreed with libvips (it is then rewritten from libvips).
    private static func verifyCatalogCache(_ session: Session, _ reporter: ProgressReporter) {
        guard let cached = session.catalog as? CachedCatalog else { return }
        let differences = cached.verifiedAgainstLibrary()
        guard !differences.isEmpty else { return }
        let file = PathName.relative(cached.file, to: session.cwd) ?? cached.file
        reporter.warning("\(file) disagreed with libvips (\(differences.joined(separator: "; "))): rewritten from libvips; "
                         + "jobs planned from it fail, the next build plans them again")
    }

    /// The progress reporter of a build with these options (-q, -v).
    public static func reporter(for build: BuildOptions) -> ProgressReporter {
        ProgressReporter(verbosity: build.quiet ? .quiet : (build.verbose ? .verbose : .normal))
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
