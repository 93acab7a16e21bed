import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeSync

/// A recipe tree in a `MemoryDisk` at /t, with helpers to load a session and run builds with a fake pool.
package final class TestTree {
    package let disk = MemoryDisk()
    package let catalog = FakeCatalog()
    package let root = "/t"
    package var checkHash = false
    package var shard: Shard?
    /// The recipe file the session reads (relative to the root).
    package var file = OptionDefaults.recipeFile
    /// What the builds printed on stderr (warnings and errors), in order.
    package var stderr: [String] = []
    /// The disk sessions use: `disk`, or a wrapper of it that injects faults (`FaultyDisk`).
    package var sessionDisk: DiskInterface?
    /// Sessions read the walked files' stamps while the graph is built (`Session.Options.readsStampsEarly`).
    package var readsStampsEarly = false
    /// Whether the fake pool's outputs are a function of their sources' contents (early cutoff), rather than
    /// new bytes on every job.
    package var deterministicJobs = false
    /// `--cache`: the shared cache the builds use, if any.
    package var cache: CacheSettings?
    /// `--remote-cache`: the server's settings, and the transport that reaches it (a `FakeHTTPServer`).
    package var remoteCache: RemoteCacheSettings?
    package var transport: HTTPTransport?

    package init(recipe: String, files: [String] = []) {
        disk.write("/t/" + OptionDefaults.recipeFile, recipe)
        for file in files { disk.write("/t/" + file, "pixels of \(file)") }
        disk.advance()
    }

    package func session(overrides: [String: String] = [:], allowOutside: Bool = false) throws -> Session {
        var options = Session.Options()
        options.allowOutside = allowOutside
        options.checkHash = checkHash
        options.file = file
        options.readsStampsEarly = readsStampsEarly
        if let shard { options.logName = shard.logName }
        return try Session(options: options, overrides: overrides, disk: sessionDisk ?? disk, catalog: catalog, cwd: root)
    }

    /// Loads the recipe and returns every recipe error text, or [] when it loads.
    package func errors() -> [String] {
        do {
            _ = try session()
            return []
        } catch let error as RecipeErrors {
            return error.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    /// Builds targets with a fake pool that "writes" each output into the MemoryDisk.
    @discardableResult
    package func build(
        _ targets: [String] = [], alwaysMake: Bool = false, failing: Set<String> = [],
        keepGoing: Bool = false
    ) throws -> (summary: BuildSummary, built: [String]) {
        let (session, builder, executor) = try makeBuilder(failing: failing) { options in
            options.alwaysMake = alwaysMake
            options.keepGoing = keepGoing
        }
        let summary = try builder.build(session.edges(for: targets))
        disk.advance()
        return (summary, executor.written.map { String($0.dropFirst(root.count + 1)) }.sorted())
    }

    /// A session of the tree and a builder on it with the fake pool (2 jobs, the tree's shard, then `configure`),
    /// its warnings and errors going to `stderr`.
    package func makeBuilder(failing: Set<String> = [], _ configure: (inout Builder.Options) -> Void = { _ in }) throws
        -> (session: Session, builder: Builder, executor: FakeExecutor)
    {
        let session = try self.session()
        var options = Builder.Options()
        options.jobs = 2
        options.shard = shard
        options.cache = cache
        options.remoteCache = remoteCache
        configure(&options)
        let executor = FakeExecutor(disk: disk, failing: failing, deterministic: deterministicJobs)
        let builder = Builder(
            session: session, reporter: .quiet(errors: { self.stderr.append($0) }), options: options,
            interrupts: FakeInterrupts(), transport: transport
        ) { _ in executor }
        return (session, builder, executor)
    }

    /// Staleness reasons of one output (root-relative).
    package func reasons(_ output: String) throws -> [StaleReason] {
        let session = try self.session()
        let (_, checker) = session.staleness(of: Array(session.graph.edges.indices))
        guard let edge = session.graph.producer[root + "/" + output] else { return [.missing] }
        return checker.reasons[edge] ?? []
    }
}

/// Runs jobs at once by writing their outputs into a MemoryDisk.
package final class FakeExecutor: JobExecutor {
    package let disk: MemoryDisk
    package let failing: Set<String>
    /// Outcomes not taken yet, and the outputs written so far.
    private let state = Mutex((pending: [JobOutcome](), written: [String]()))
    package var pending: [JobOutcome] { state.withLock { $0.pending } }
    package var written: [String] { state.withLock { $0.written } }

    package init(disk: MemoryDisk, failing: Set<String>, deterministic: Bool = false) {
        self.disk = disk
        self.failing = failing
        self.deterministic = deterministic
    }

    /// What every job returns as its result (a `python` function's JSON), nil by default.
    package let result = Mutex<String?>(nil)
    /// Whether a job's output depends only on its sources' contents.
    package let deterministic: Bool
    /// Jobs run by every fake pool so far: each output is new bytes, across builds too.
    private static let jobsRun = Mutex(0)

    /// Called with each job as it is submitted, before its output is written.
    package let onSubmit = Mutex<(@Sendable (JobRequest) -> Void)?>(nil)

    package func submit(_ request: JobRequest) {
        onSubmit.withLock { $0 }?(request)
        if request.job.sources.contains(where: { failing.contains(PathName.fileName($0)) }) {
            let outcome = JobOutcome(
                id: request.id, summary: nil,
                error: ImageJobError(step: "jpegload", input: request.job.sources.first, message: "not a JPEG"),
                seconds: 0)
            return state.withLock { $0.pending.append(outcome) }
        }
        // A job's output differs from every earlier one (as a new encoder's would), unless the fake is
        // `deterministic`: then it is a function of its sources' contents (early cutoff's case).
        let content: String
        if deterministic {
            content =
                "image from "
                + request.job.sources.map { (try? disk.read($0)).map { String(decoding: $0, as: UTF8.self) } ?? "" }
                .joined(separator: ",")
        } else {
            let job = Self.jobsRun.withLock { count -> Int in
                count += 1
                return count
            }
            content = "image from \(request.job.sources.joined(separator: ",")), job \(job)"
        }
        disk.write(request.output, content)
        let outcome = JobOutcome(
            id: request.id, summary: ImageSummary(width: 1, height: 1, bands: 3, bytes: 10), error: nil, seconds: 0,
            result: result.withLock { $0 })
        state.withLock {
            $0.written.append(request.output)
            $0.pending.append(outcome)
        }
    }

    package func nextOutcome() -> JobOutcome? { state.withLock { $0.pending.isEmpty ? nil : $0.pending.removeFirst() } }
    package func wake() {}
    package func shutdown() {}
}

extension ProgressReporter {
    /// A reporter that prints nothing (`-q`, no terminal); what it would print on stderr goes to `errors`.
    package static func quiet(errors: @escaping (String) -> Void = { _ in }) -> ProgressReporter {
        ProgressReporter(verbosity: .quiet, isTerminal: false, output: { _ in }, errorOutput: errors, gitHub: nil)
    }
}
