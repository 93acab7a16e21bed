import ArgumentParser
import ImgmakeCore
import ImgmakeRecipe

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]`: build what is stale.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build targets (the default command): rules, groups or output paths.")

    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var build: BuildOptions
    @OptionGroup var ci: CIOptions

    @Argument(
        help: ArgumentHelp(
            "Rules, groups or outputs to build, and NAME=VALUE variable overrides.",
            valueName: "TARGET|NAME=VALUE"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        var invocation = self.invocation
        if ci.shard == .auto, let (shard, notice) = try ci.resolvedShard(environment: ProcessInfo.processInfo.environment) {
            if let notice { StandardOutput.error("imgmake: \(notice)\n") }
            invocation.session.logName = shard.logName
            invocation.request.builder.shard = shard
        }
        try invocation.run()
    }

    /// What the parsed options ask for, in plain values (`FastPath.buildInvocation` makes the same from the
    /// simplest argument lists without the parser).
    var invocation: BuildInvocation {
        var invocation = BuildInvocation()
        invocation.directory = recipe.directory
        invocation.session = recipe.sessionOptions
        // `--shard auto` is resolved from the environment in `run`.
        if case .fixed(let shard)? = ci.shard { invocation.session.logName = shard.logName }
        invocation.words = words
        invocation.request.builder = build.builderOptions
        if case .fixed(let shard)? = ci.shard { invocation.request.builder.shard = shard }
        invocation.request.noWait = build.noWait
        invocation.request.reportPath = ci.report
        invocation.request.junitPath = ci.junit
        invocation.request.tracePath = ci.trace
        invocation.pool = build.pool
        invocation.settings = build.poolSettings
        invocation.verbosity = build.verbosity
        invocation.question = build.question
        invocation.jobsGiven = build.jobs != nil
        invocation.loadAverage = build.loadAverage
        return invocation
    }
}

/// One command-line build, in plain values: the directory, the session's options, the words (targets and
/// overrides), the request, the pool and the verbosity.
struct BuildInvocation: Equatable {
    var directory: String?
    var session = Session.Options()
    var words: [String] = []
    var request = BuildRun.Request()
    var pool = PoolKind.default
    var settings = ProcessPool.Settings(stallTimeout: OptionDefaults.stallTimeout > 0 ? OptionDefaults.stallTimeout : nil)
    var verbosity = ProgressReporter.Verbosity.normal
    /// `--question`: a dry run that prints nothing and answers with its status (0 up to date, 1 stale, 2 errors).
    var question = false
    /// `-j N` was given: a make jobserver in `MAKEFLAGS` is not used (as a sub-make given `-j` does not).
    var jobsGiven = false
    /// `-l LOAD`.
    var loadAverage: Double?

    /// Runs the build, for a process that exits after it (its session is never freed). With `--question`, make's
    /// `-q`: every error is said as usual and exits 2, whatever its own status, so that 1 means "stale" only.
    func run() throws {
        guard question else { return try build() }
        do { try build() } catch let error as ExitCode {
            throw error
        } catch {
            StandardOutput.error(ErrorMessage(error).text + "\n")
            throw ExitCode(ExitStatus.usage.code)
        }
    }

    private func build() throws {
        try withDirectory(directory) {
            let (targets, overrides) = splitOverrides(words)
            var sessionOptions = session
            // One build right after loading: the inputs' stamps are read while the graph is built.
            sessionOptions.readsStampsEarly = true
            let session = try Session(options: sessionOptions, overrides: overrides, library: .vips)
            let reporter = ProgressReporter(verbosity: verbosity)
            session.warnAboutOverrides(reporter)
            var request = request
            request.targets = targets
            let environment = ProcessInfo.processInfo.environment
            if environment["GITHUB_ACTIONS"] == "true", let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty, !question {
                request.stepSummaryPath = path
            }
            var limits: [JobSlots] = []
            if !jobsGiven, let makeflags = environment["MAKEFLAGS"],
                let jobserver = MakeJobserver.from(makeflags: makeflags, warn: reporter.warning)
            {
                limits.append(jobserver)
                // make's -j is the whole make's: imgmake may run that many, as tokens allow.
                if let jobs = jobserver.jobs { request.builder.jobs = max(1, jobs) }
                reporter.detail("make's jobserver: up to \(request.builder.jobs) jobs, one per token")
            }
            if let loadAverage { limits.append(LoadLimit(loadAverage, loadAverage: systemLoadAverage)) }
            let summary = try BuildRun.run(
                session: session, request: request, reporter: reporter, interrupts: InterruptHandler.shared,
                transport: request.builder.remoteCache?.transport, slots: limits.isEmpty ? nil : CombinedSlots(limits)
            ) { [pool, settings] workers in
                ExecutorFactory.make(pool, workers: workers, settings: settings)
            }
            // The process ends right after: its graph and state (objects by the ten thousand) are left to the
            // exit, as make and ninja leave theirs, instead of being freed one by one on the no-op's last stretch.
            _ = Unmanaged.passRetained(session)
            if question {
                if summary.status != .success { throw ExitCode(ExitStatus.usage.code) }
                if summary.wouldBuild > 0 { throw ExitCode(ExitStatus.failure.code) }
                return
            }
            if summary.status != .success { throw ExitCode(summary.status.code) }
        }
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
