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

/// The pool that runs jobs.
enum PoolKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    case thread, process

    /// The thread pool, or the process pool under a memory limit (`MemoryLimit`): there a failed allocation
    /// would end the whole imgmake, where a worker process that dies of it fails only its job.
    static var `default`: PoolKind { MemoryLimit.current == nil ? .thread : .process }
}

/// Options of a build, shared by the command line and the shell's `build`.
struct BuildOptions: ParsableArguments {
    /// nil: the number of cores of the machine that runs the build (never the one that printed the help).
    @Option(
        name: [.customShort("j", allowingJoined: true), .customLong("jobs")],
        help: ArgumentHelp("Run N jobs at once (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    /// `-j N`, or the number of cores.
    var jobCount: Int { jobs ?? OptionDefaults.jobs }

    @Option(
        name: [.customShort("l", allowingJoined: true), .customLong("load-average")],
        help: ArgumentHelp("Start no new job while the load average is at least LOAD (make's -l), unless none runs.", valueName: "LOAD"))
    var loadAverage: Double?

    @Option(name: .long, help: "The pool that runs jobs: thread or process (process under a memory limit).")
    var pool: PoolKind = .default

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kill a job that runs longer than SECONDS, and fail it (with --pool thread: run, python, worker jobs only).",
            valueName: "SECONDS"))
    var jobTimeout: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Take outputs from, and keep them in, the shared cache folder DIR (default: $IMGMAKE_CACHE).", valueName: "DIR"),
        completion: .directory)
    var cache: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The cache's size limit (K, M, G suffixes; default 10G): least recently used entries go.", valueName: "SIZE"))
    var cacheMaxSize: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Take outputs from, and keep them on, a Bazel HTTP remote cache (nginx WebDAV, bazel-remote; default: $IMGMAKE_REMOTE_CACHE).",
            valueName: "URL"))
    var remoteCache: String?

    @Flag(
        name: .long,
        help: "Take outputs from the remote cache, never store in it, for untrusted jobs (or $IMGMAKE_REMOTE_CACHE_READ_ONLY=true).")
    var remoteCacheReadOnly = false

    @Option(
        name: .long,
        help: ArgumentHelp("Give up on the remote cache when it does not answer in SECONDS (default 60).", valueName: "SECONDS"))
    var remoteCacheTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("With --pool process: replace each worker process after N jobs.", valueName: "N"))
    var maxJobsPerWorker: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Stop and fail a job that makes no progress for SECONDS (no CPU, no bytes read or written, or only failing writes); 0: never.",
            valueName: "SECONDS"))
    var stallTimeout: Double = OptionDefaults.stallTimeout

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Show what would be built; build nothing.")
    var dryRun = false

    @Flag(
        name: .long,
        help: "Build nothing, print nothing: exit 0 when every target is up to date, 1 when something is stale, 2 on errors (make's -q).")
    var question = false

    @Flag(name: [.customShort("k"), .customLong("keep-going")], help: "Go on past failed jobs.")
    var keepGoing = false

    @Flag(name: [.customShort("B"), .customLong("always-make")], help: "Build every output, stale or not.")
    var alwaysMake = false

    @Flag(name: .long, help: "Print why each output is stale.")
    var explain = false

    @Flag(
        name: .customLong("no-wait"), help: "When another build of this tree is running, fail at once (exit 75) instead of waiting for it.")
    var noWait = false

    @Flag(name: [.customShort("q"), .long], help: "Print only errors.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Print more about each job.")
    var verbose = false

    init() {}

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("-j needs a number of jobs of at least 1") }
        if let loadAverage, !(loadAverage > 0 && loadAverage.isFinite) { throw ValidationError("-l needs a load average above 0") }
        if let jobTimeout, !(jobTimeout > 0 && jobTimeout.isFinite) {
            throw ValidationError("--job-timeout needs a number of seconds above 0")
        }
        if !(stallTimeout >= 0 && stallTimeout.isFinite) {
            throw ValidationError("--stall-timeout needs a number of seconds, 0 or more")
        }
        if let maxJobsPerWorker, maxJobsPerWorker < 1 { throw ValidationError("--max-jobs-per-worker needs a number of at least 1") }
        if let cacheMaxSize, ContentCache.parseSize(cacheMaxSize) == nil {
            throw ValidationError("--cache-max-size needs a size: a number of bytes, or with K, M, G or T (10G)")
        }
        if let remoteCache, !Self.isHTTPURL(remoteCache) {
            throw ValidationError("--remote-cache needs an http:// or https:// URL, not '\(remoteCache)'")
        }
        if let remoteCacheTimeout, !(remoteCacheTimeout > 0 && remoteCacheTimeout.isFinite) {
            throw ValidationError("--remote-cache-timeout needs a number of seconds above 0")
        }
        // A thread pool's user code (`run`, `python`, `worker`) runs in processes, which a timeout can stop.
        if pool == .thread && maxJobsPerWorker != nil {
            throw ValidationError("--max-jobs-per-worker needs --pool process (the thread pool has no worker processes)")
        }
    }
}

extension BuildOptions {
    /// The scheduler's options from these (the shard, which is a CI option, is added by the caller).
    var builderOptions: Builder.Options {
        var options = Builder.Options()
        options.jobs = jobCount
        options.keepGoing = keepGoing
        options.cache = Self.cacheSettings(folder: cache, maxSize: cacheMaxSize)
        options.remoteCache = Self.remoteCacheSettings(url: remoteCache, readOnly: remoteCacheReadOnly, timeout: remoteCacheTimeout)
        options.dryRun = dryRun || question
        options.explain = explain
        options.alwaysMake = alwaysMake
        return options
    }

    /// The pool these options ask for, with `workers` workers.
    func makeExecutor(workers: Int) -> JobExecutor {
        ExecutorFactory.make(pool, workers: workers, settings: poolSettings)
    }

    /// What the process pool is told (--job-timeout, --max-jobs-per-worker, --stall-timeout).
    var poolSettings: ProcessPool.Settings {
        ProcessPool.Settings(
            jobTimeout: jobTimeout, maxJobsPerWorker: maxJobsPerWorker, stallTimeout: stallTimeout > 0 ? stallTimeout : nil)
    }

    /// How much a build with these options prints (-q, -v).
    var verbosity: ProgressReporter.Verbosity { quiet || question ? .quiet : (verbose ? .verbose : .normal) }

    /// The progress reporter of a build with these options.
    var reporter: ProgressReporter { ProgressReporter(verbosity: verbosity) }
}

extension BuildOptions {
    /// The cache a build uses: `--cache DIR`, else `IMGMAKE_CACHE`, relative to the current folder (every build:
    /// the parser's, the fast path's, the shell's).
    static func cacheSettings(folder: String?, maxSize: String?) -> CacheSettings? {
        let environment = ProcessInfo.processInfo.environment["IMGMAKE_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let folder = folder ?? environment else { return nil }
        return CacheSettings(
            directory: PathName.absolute(folder, from: FileManager.default.currentDirectoryPath),
            maxBytes: maxSize.flatMap(ContentCache.parseSize) ?? ContentCache.defaultMaxBytes)
    }
}

extension BuildOptions {
    /// The remote cache a build uses: `--remote-cache URL`, else `IMGMAKE_REMOTE_CACHE` (an empty value: none; a
    /// value that is no http(s) URL: a warning, and none). Read-only with `--remote-cache-read-only` or
    /// `IMGMAKE_REMOTE_CACHE_READ_ONLY=true` (or 1, yes: what a CI expression for "is a pull request" gives).
    static func remoteCacheSettings(url: String?, readOnly: Bool, timeout: Double?) -> RemoteCacheSettings? {
        let environment = ProcessInfo.processInfo.environment
        var url = url
        if url == nil, let variable = environment["IMGMAKE_REMOTE_CACHE"], !variable.isEmpty {
            guard isHTTPURL(variable) else {
                StandardOutput.error(
                    "imgmake: warning: IMGMAKE_REMOTE_CACHE is no http:// or https:// URL ('\(variable)'): no remote cache\n")
                return nil
            }
            url = variable
        }
        guard let url else { return nil }
        let readOnlyVariable = ["true", "1", "yes"].contains(environment["IMGMAKE_REMOTE_CACHE_READ_ONLY"]?.lowercased() ?? "")
        return RemoteCacheSettings(
            url: url, readOnly: readOnly || readOnlyVariable, timeout: timeout ?? RemoteCacheSettings.defaultTimeout)
    }

    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return (lower.hasPrefix("http://") && lower.count > 7) || (lower.hasPrefix("https://") && lower.count > 8)
    }
}

extension RemoteCacheSettings {
    /// The client of this server.
    var transport: HTTPTransport { CurlTransport(timeout: timeout) }
}

extension BuildRun {
    /// A build with command-line options, as `imgmake build` and the shell's `build` run it.
    @discardableResult
    static func run(
        session: Session, targets: [String], options build: BuildOptions, reporter: ProgressReporter? = nil,
        shard: Shard? = nil, reportPath: String? = nil, junitPath: String? = nil, tracePath: String? = nil
    ) throws -> BuildSummary {
        var request = Request()
        request.targets = targets
        request.builder = build.builderOptions
        request.builder.shard = shard
        request.noWait = build.noWait
        request.reportPath = reportPath
        request.junitPath = junitPath
        request.tracePath = tracePath
        return try run(
            session: session, request: request, reporter: reporter ?? build.reporter,
            interrupts: InterruptHandler.shared, transport: request.builder.remoteCache?.transport,
            slots: build.loadAverage.map { LoadLimit($0, loadAverage: systemLoadAverage) }, makeExecutor: build.makeExecutor(workers:))
    }
}
