import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeSync

/// The outcome of one output in a build, for the summary and the report.
struct OutputResult: Sendable {
    /// `wouldBuild`: stale in a dry run (`-n`), so not built. `interrupted`: running when the build was
    /// interrupted, and stopped (its worker ended by the same signal, or by imgmake winding down).
    enum Status: String, Sendable {
        case built, failed
        case upToDate = "up-to-date"
        case skipped
        case wouldBuild = "would-build"
        case interrupted
    }
    var edge: Int
    var status: Status
    var reason: String
    var seconds: Double = 0
    var summary: ImageSummary?
    var error: String?
    /// Built by taking it from a cache (`--cache`, `--remote-cache`), not by a job.
    var fromCache = false
    /// What the output's function returned (JSON text), for an output built now; the report takes an up-to-date
    /// output's from the state.
    var result: String?
    /// For a job that ran (or an output from a cache): when it started (`TracePhase.now()`'s clock) and the
    /// worker that ran it, for `--trace` and the report.
    var start: UInt64?
    var worker: Int?
}

/// Runs a build: decides what is stale, hands ready jobs to a pool in dependency order, records every
/// finished output in the state, and reports. The one place that schedules and writes state, whichever pool runs.
package final class Builder {
    package struct Options: Equatable {
        package var jobs = OptionDefaults.jobs
        package var keepGoing = false
        package var dryRun = false
        package var explain = false
        package var alwaysMake = false
        /// `--shard K/N`: only per-input outputs whose source falls in the shard; aggregates are deferred.
        package var shard: Shard?
        /// `--cache DIR`, `--cache-max-size`: the shared cache, and its limit.
        package var cache: CacheSettings?
        /// `--remote-cache URL` and its options: the server's cache (after the folder's).
        package var remoteCache: RemoteCacheSettings?
        package init() {}
    }

    private let session: Session
    private var graph: BuildGraph { session.graph }
    private var state: BuildState { session.state }
    private let reporter: ProgressReporter
    private let options: Options
    /// Ctrl-C and the other stopping signals: the process' `InterruptHandler` (command line, shell), a fake in tests.
    private let interrupts: InterruptSource
    private let makeExecutor: (Int) -> JobExecutor
    /// How `--remote-cache` reaches its server (libcurl in the command line, a fake in tests).
    private let transport: HTTPTransport?
    /// A make jobserver's tokens and `-l`'s load limit, asked before each job starts.
    private let slots: JobSlots?
    private(set) var results: [OutputResult] = []
    /// When deciding what is stale and running the jobs began and ended (`--trace`).
    private(set) var phases: [TracePhase] = []
    /// The first outputs whose records could not be saved, for the message.
    private var unrecordedOutputs: [String] = []

    package init(
        session: Session, reporter: ProgressReporter, options: Options, interrupts: InterruptSource,
        transport: HTTPTransport? = nil, slots: JobSlots? = nil, makeExecutor: @escaping (Int) -> JobExecutor
    ) {
        self.session = session
        self.transport = transport
        self.slots = slots
        self.reporter = reporter
        self.options = options
        self.interrupts = interrupts
        self.makeExecutor = makeExecutor
    }

    /// Builds the given edges and what they depend on. Throws when the signal handling cannot start (a thread
    /// limit), before any job runs.
    package func build(_ targets: [Int]) throws -> BuildSummary {
        let clock = DispatchTime.now().uptimeNanoseconds
        var summary = BuildSummary()
        summary.dryRun = options.dryRun
        let stalenessStart = TracePhase.now()
        var (order, checker) = session.staleness(of: targets, alwaysMake: options.alwaysMake)
        phases.append(TracePhase(name: "staleness", start: stalenessStart, end: TracePhase.now()))
        // One result per output: room for them at once (grown by doubling, the list of a 100,000-output no-op
        // was, for a moment, two lists: the no-op's peak memory).
        results.reserveCapacity(results.count + order.count)
        if let shard = options.shard {
            let (deferred, otherShards) = ShardPlan(graph: graph, shard: shard).split(order)
            order.removeAll { deferred.contains($0) || otherShards.contains($0) }
            summary.deferred = deferred.count
            for edge in deferred.sorted() {
                results.append(
                    OutputResult(edge: edge, status: .skipped, reason: "left for an unsharded run (--shard \(shard.index)/\(shard.count))"))
            }
        }
        let hadState = state.isAvailable
        let (adopted, refreshed) = options.dryRun ? (0, 0) : recordUpToDate(order, checker, summary: &summary)
        warnAboutMissingState(order, checker, hadState: hadState, adopted: adopted)
        warnAboutClockSkew(checker)

        let stale = order.filter { checker.isStale($0) }
        summary.upToDate = order.count - stale.count
        for edge in order where !checker.isStale(edge) {
            results.append(OutputResult(edge: edge, status: .upToDate, reason: ""))
        }
        if options.explain || options.dryRun {
            for edge in stale {
                guard let reasons = checker.reasons[edge], let first = reasons.first else {
                    preconditionFailure("a stale edge has at least one reason")
                }
                let text = options.explain ? StaleReason.explain(reasons, inputs: graph.edges[edge].inputs.count) : first.description
                reporter.info("\(options.dryRun ? "would build" : "explain:") \(graph.display(graph.edges[edge].output)): \(text)")
            }
        }
        if options.dryRun {
            summary.wouldBuild = stale.count
            for edge in stale {
                results.append(OutputResult(edge: edge, status: .wouldBuild, reason: checker.reasons[edge]?.first?.description ?? ""))
            }
            summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            return summary
        }
        // A killed build's temporaries are removed by the next run, a no-op too (else they would stay until a later
        // one builds in their folder). The folders of outputs are listed for them only when the marker says that
        // a run may have left some: a run after runs that ended lists nothing.
        let marker = PathName.join(state.directory, TemporaryFiles.markerName)
        var othersWriting = false
        if session.disk.stamp(marker) != nil {
            let (removed, running) = TemporaryFiles.removeStale(in: graph.outputDirectories(), disk: session.disk)
            if removed > 0 { reporter.detail("removed \(removed) temporary file(s) left by an imgmake that was killed") }
            othersWriting = running > 0
            if stale.isEmpty, !othersWriting { try? session.disk.remove(marker) }
        }
        if !stale.isEmpty {
            // Made before the first job can write a temporary; removed once every job has ended (each temporary
            // renamed into place or removed), unless another imgmake's temporaries were seen.
            try? session.disk.makeDirectories(state.directory)
            try? session.disk.writeAtomically(marker, [])
            defer { if !othersWriting { try? session.disk.remove(marker) } }
            let buildStart = TracePhase.now()
            defer { phases.append(TracePhase(name: "build", start: buildStart, end: TracePhase.now())) }
            try run(stale, checker: checker, summary: &summary)
        }
        if options.shard != nil {
            do { try state.markShardRan() } catch { reporter.warning("cannot write this shard's build log: \(error)") }
        }
        if let error = summary.stateError {
            // Once, not per record: the outputs are fine, the next run's knowledge of them is not.
            let others = summary.unrecorded - unrecordedOutputs.count
            let names = unrecordedOutputs.joined(separator: ", ") + (others > 0 ? " and \(others) more" : "")
            let what = summary.unrecorded == 1 ? "1 output is" : "\(summary.unrecorded) outputs are"
            reporter.error(
                "cannot save the build state: \(error): \(what) not recorded (\(names)); the files are fine, but the next "
                    + "run builds \(summary.unrecorded == 1 ? "it" : "them") again")
        } else if adopted + refreshed + summary.built > 0 || state.needsRepair {
            // Damaged lines were skipped (and warned about) on load: rewrite the log once, so the next run is quiet.
            do { try state.compactIfNeeded(force: state.needsRepair) } catch { reporter.warning("cannot compact the build log: \(error)") }
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        return summary
    }

    /// make's "Clock skew detected": an input's mtime is in the future. Its outputs are built once and then
    /// judged by the recorded stamps (not by "newer than", which would rebuild them on every run), but any
    /// decision by time alone (no record) is unreliable while the clocks disagree.
    private func warnAboutClockSkew(_ checker: StalenessChecker) {
        guard let (first, ahead) = checker.futureInputs.min(by: { $0.key < $1.key }) else { return }
        let others = checker.futureInputs.count - 1
        let more = others > 0 ? " (and \(others) more input\(others == 1 ? "" : "s"))" : ""
        reporter.warning(
            "clock skew detected: \(first) has a modification time \(Self.seconds(ahead)) s in the future\(more); "
                + "its outputs are judged by the stamps recorded when they were built, not by time")
    }

    private static func seconds(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds) / 1e9
        return value >= 10 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }

    /// Appends a record; a failure is counted (with its first error and the first outputs) for one message at the end.
    private func save(_ record: BuildRecord, of edge: Edge, summary: inout BuildSummary) {
        do {
            try state.record(record)
            // What the fingerprint stands for, so that a later change of the recipe can be named.
            state.recipeTexts.remember(record.recipeFingerprint) {
                RecipeFingerprint.lines(of: edge.job, root: graph.root, libraryVersion: session.catalog.libraryVersion)
            }
        } catch {
            summary.unrecorded += 1
            if summary.stateError == nil { summary.stateError = "\(error)" }
            if unrecordedOutputs.count < 3 { unrecordedOutputs.append(graph.display(edge.output)) }
        }
    }

    private func warnAboutMissingState(_ order: [Int], _ checker: StalenessChecker, hadState: Bool, adopted: Int) {
        for warning in state.warnings { reporter.warning(warning) }
        guard !hadState, order.contains(where: { checker.stamp(graph.edges[$0].output) != nil }) else { return }
        let what = adopted > 0 ? "\(adopted) up-to-date output\(adopted == 1 ? "" : "s") adopted" : "deciding by modification times only"
        reporter.warning("no build state in \(graph.display(state.directory))/: \(what)")
    }

    /// Records up-to-date outputs that the state does not know well enough; returns how many records it
    /// adopted and refreshed. Without a build state (`.imgmake/` lost), every output that is up to date by modification times is
    /// adopted (its stamps and fingerprint recorded now), so the next run sees recipe changes again instead of
    /// warning forever. With `--check hash`, a record that lacks a digest, or holds an input's old stamp
    /// though the content compared equal, is written again with the current ones; a record that names no
    /// recipe file gets this one's.
    private func recordUpToDate(_ order: [Int], _ checker: StalenessChecker, summary: inout BuildSummary) -> (adopted: Int, refreshed: Int)
    {
        var adopted = 0
        var refreshed = 0
        let adopting = !state.isAvailable
        for edge in order where !checker.isStale(edge) && (adopting || checker.mayNeedRecord(edge)) {
            let item = graph.edges[edge]
            var record: BuildRecord
            if adopting {
                guard let stamp = checker.stamp(item.output) else { continue }
                record = BuildRecord(
                    output: checker.key(item.output), outputStamp: stamp, recipeFingerprint: fingerprint(item),
                    inputs: item.inputs.map { checker.inputRecord($0, previous: nil) }, builtAt: session.disk.now(),
                    outputDigest: outputDigest(item, checker))
            } else if let old = state.newestRecord(of: checker.key(item.output)) {
                // A record of an older imgmake names no recipe file: an output this recipe makes with the
                // recorded steps is this recipe's (else `clean --orphans` would never remove it).
                let refreshedRecord = checker.refreshedRecord(of: edge)
                guard refreshedRecord != nil || old.recipe == nil else { continue }
                record = refreshedRecord ?? old
            } else {
                continue
            }
            record.recipe = session.recipeFile
            let failures = summary.unrecorded
            save(record, of: item, summary: &summary)
            if summary.unrecorded > failures { continue }
            if adopting { adopted += 1 } else { refreshed += 1 }
        }
        return (adopted, refreshed)
    }

    /// With `--check hash`, the output's content digest (recorded, so that an output restored from a cache
    /// with a new mtime is known by its content); else empty.
    private func outputDigest(_ edge: Edge, _ checker: StalenessChecker) -> String {
        session.options.checkHash ? checker.digest(edge.output) ?? "" : ""
    }

    private func fingerprint(_ edge: Edge) -> UInt64 {
        RecipeFingerprint.of(edge.job, root: graph.root, libraryVersion: session.catalog.libraryVersion)
    }

    private func run(_ stale: [Int], checker: StalenessChecker, summary: inout BuildSummary) throws {
        let staleSet = Set(stale)
        var waitingOn: [Int: Int] = [:]
        var dependents: [Int: [Int]] = [:]
        for edge in stale {
            let pending = Set(graph.edges[edge].dependencies.filter { staleSet.contains($0) })
            waitingOn[edge] = pending.count
            for dependency in pending { dependents[dependency, default: []].append(edge) }
        }
        var ready = stale.filter { waitingOn[$0] == 0 }
        ready.reverse()  // popLast takes them in dependency order
        // Armed before the pool starts, so that a signal while it starts is seen (the loop below checks).
        let waker = ExecutorWaker()
        try interrupts.arm { waker.wake() }
        defer { interrupts.disarm() }
        // Made when the first job runs: a build whose every output comes from the cache starts no pool (and
        // no libvips).
        var pool: JobExecutor?
        func executor() -> JobExecutor {
            if let pool { return pool }
            let made = makeExecutor(min(options.jobs, stale.count))
            waker.set(made)
            pool = made
            return made
        }
        let cache = makeCache()
        var cacheKeys: [Int: String] = [:]

        var inFlight: [Int: [InputRecord]] = [:]
        var stopping = false
        var skipped: Set<Int> = []
        var finished = 0
        let total = stale.count
        // Early cutoff (ninja's restat, redo-stamp): the digest of the output a job replaces, for jobs that other
        // stale edges wait on; the edges whose output came out byte-identical (or that were cut off themselves).
        var replacedDigests: [Int: String] = [:]
        var unchanged: Set<Int> = []
        /// Marks a finished edge's dependents as no longer waiting on it; those now ready run, or are cut off
        /// when every reason they had was an input rebuilt by this run and each such input came out unchanged.
        func release(_ edge: Int) {
            var pending = [edge]
            while let done = pending.popLast() {
                for dependent in dependents[done] ?? [] {
                    waitingOn[dependent, default: 0] -= 1  // set for every stale edge, and dependents are stale
                    guard waitingOn[dependent] == 0, !skipped.contains(dependent) else { continue }
                    if cutOff(dependent, staleSet: staleSet, unchanged: unchanged, checker: checker, summary: &summary) {
                        unchanged.insert(dependent)
                        finished += 1
                        pending.append(dependent)
                    } else {
                        ready.insert(dependent, at: 0)
                    }
                }
            }
        }
        /// Records an output just written, by its job or from the cache: its record (with the function's result),
        /// whether it came out as the file it replaced (early cutoff), its result and progress line; then its
        /// dependents are released.
        func built(_ edge: Int, inputs: [InputRecord], result: OutputResult) {
            let item = graph.edges[edge]
            checker.invalidate(item.output)
            let stamp = checker.stamp(item.output) ?? FileStamp(mtime: 0, size: 0)
            if let replaced = replacedDigests.removeValue(forKey: edge), checker.digest(item.output) == replaced {
                unchanged.insert(edge)
            }
            let record = BuildRecord(
                output: checker.key(item.output), outputStamp: stamp, recipeFingerprint: fingerprint(item),
                inputs: inputs, builtAt: session.disk.now(), recipe: session.recipeFile,
                outputDigest: outputDigest(item, checker), result: result.result)
            save(record, of: item, summary: &summary)
            summary.built += 1
            var result = result
            if result.reason.isEmpty { result.reason = checker.reasons[edge]?.first?.description ?? "" }
            results.append(result)
            reporter.progress(
                done: finished, total: total, rule: item.rule.name, output: graph.display(item.output), seconds: result.seconds)
            release(edge)
        }
        while true {
            if interrupts.isInterrupted && !summary.interrupted {
                stopping = true
                summary.interrupted = true
                summary.interruptSignal = interrupts.signal
                if !inFlight.isEmpty {
                    let again = interrupts.exitsOnRepeat ? " (Ctrl-C again to stop now)" : ""
                    reporter.info("interrupted: waiting for \(inFlight.count) running job(s)\(again)")
                }
            }
            while !stopping, inFlight.count < options.jobs, !ready.isEmpty {
                // A cache hit runs no job: the slot it took is given back at once (below).
                if let slots, !slots.acquire(running: inFlight.count) { break }
                guard let edge = ready.popLast() else { break }
                let item = graph.edges[edge]
                let previous = state.record(of: checker.key(item.output), onDisk: checker.stamp(item.output))
                let inputs = item.inputs.map { checker.inputRecord($0, previous: previous) }
                if let waiting = dependents[edge], waiting.contains(where: { Self.mayBeCutOff($0, checker) }), let previous,
                    previous.outputStamp == checker.stamp(item.output)
                {
                    // The file imgmake wrote last (its record's stamp): its content, recorded or read now.
                    if let digest = previous.outputDigest.isEmpty ? checker.digest(item.output) : previous.outputDigest {
                        replacedDigests[edge] = digest
                    }
                }
                if let cache, let key = cacheKey(item, checker) {
                    if let hit = cache.lookup(key), restore(hit.bytes, to: item.output) {
                        finished += 1
                        summary.fromCache += 1
                        summary.bytesWritten += Int64(hit.bytes.count)
                        if options.explain { reporter.info("explain: \(graph.display(item.output)): from \(hit.source)") }
                        built(
                            edge, inputs: inputs,
                            result: OutputResult(
                                edge: edge, status: .built, reason: "", fromCache: true, result: hit.result, start: TracePhase.now()))
                        slots?.release(running: inFlight.count)
                        continue
                    }
                    cacheKeys[edge] = key
                }
                inFlight[edge] = inputs
                executor().submit(JobRequest(id: edge, output: item.output, job: item.job, verbose: reporter.isVerbose))
            }
            if inFlight.isEmpty { break }
            guard let outcome = executor().nextOutcome() else { continue }
            let edge = outcome.id
            let item = graph.edges[edge]
            let inputs = inFlight.removeValue(forKey: edge) ?? []
            slots?.release(running: inFlight.count)
            finished += 1
            let reason = checker.reasons[edge]?.first?.description ?? ""
            // The job began its `seconds` before its outcome came (the worker took it when it was submitted).
            let started = TracePhase.now() &- UInt64(max(0, outcome.seconds) * 1e9)
            if let printed = outcome.output, !printed.isEmpty { reporter.jobOutput(printed) }
            if outcome.error != nil, let signal = outcome.stoppedBy, jobWasInterrupted(by: signal) {
                // Stopped by the interrupt (a process-group or cgroup stop signals the workers too): not a
                // failure, and its dependents are simply not started.
                stopping = true
                summary.stopped += 1
                results.append(
                    OutputResult(
                        edge: edge, status: .interrupted, reason: reason, seconds: outcome.seconds,
                        summary: nil, error: "interrupted (\(WaitStatus.name(of: signal)))", start: started, worker: outcome.worker))
                continue
            }
            if let error = outcome.error {
                summary.failed += 1
                results.append(
                    OutputResult(
                        edge: edge, status: .failed, reason: reason, seconds: outcome.seconds,
                        summary: nil, error: error.description, start: started, worker: outcome.worker))
                let input = error.input.map { graph.display($0) } ?? Listing.names(item.sources.map { graph.display($0) })
                reporter.error("\(graph.display(item.output)) (rule \(item.rule.name), from \(input)): \(error.step): \(error.message)")
                reporter.annotate(
                    "\(graph.display(item.output)) (from \(input)): \(error.step): \(error.message)", at: item.rule.syntax.name.location,
                    title: "imgmake: rule \(item.rule.name) failed")
                if !options.keepGoing { stopping = true }
                summary.skipped += skipDependents(of: edge, dependents: dependents, skipped: &skipped)
                continue
            }
            if let cache, let key = cacheKeys.removeValue(forKey: edge) {
                do {
                    let bytes = try session.disk.read(item.output)
                    cache.store(key, path: checker.key(item.output), bytes: bytes, result: outcome.result)
                } catch {
                    reporter.warning("cannot read \(graph.display(item.output)) to keep it in the cache: \(error)")
                }
            }
            built(
                edge, inputs: inputs,
                result: OutputResult(
                    edge: edge, status: .built, reason: reason, seconds: outcome.seconds, summary: outcome.summary,
                    result: outcome.result, start: started, worker: outcome.worker))
            summary.bytesWritten += Int64(outcome.summary?.bytes ?? 0)
            if reporter.isVerbose {
                for line in jobDetails(item, outcome.summary) { reporter.detail("    " + line) }
            }
        }
        pool?.shutdown()
        slots?.release(running: 0)  // every token back to the jobserver
        if summary.interrupted { TemporaryFiles.shared.removeAll() }
        if let cache {
            let evicted = cache.finish()
            if evicted > 0 {
                reporter.detail("removed \(evicted) least recently used cache entr\(evicted == 1 ? "y" : "ies") (--cache-max-size)")
            }
        }
    }

    /// The caches the options ask for, or nil for none.
    private func makeCache() -> BuildCache? {
        let local = options.cache.map { ContentCache(directory: $0.directory, maxBytes: $0.maxBytes, disk: session.disk) }
        var remote: RemoteCache?
        if let settings = options.remoteCache {
            if let transport {
                remote = RemoteCache(settings: settings, transport: transport) { [reporter] in reporter.warning($0) }
            } else {
                reporter.warning(
                    "remote cache \(RemoteCache.withoutCredentials(settings.url)): no HTTP client here; this build goes on without it")
            }
        }
        guard local != nil || remote != nil else { return nil }
        return BuildCache(local: local, remote: remote) { [reporter] in reporter.warning($0) }
    }

    /// `-v`, after a job's line (as `make` echoes commands, `ninja -v`): its steps as they ran, expanded; its
    /// source (the loader libvips picked, the header's size, the file's bytes) and what it wrote.
    private func jobDetails(_ edge: Edge, _ summary: ImageSummary?) -> [String] {
        var lines = [edge.job.stepsText { graph.display($0) }]
        guard let summary else { return lines }
        let written =
            "\(summary.width)×\(summary.height), \(summary.bands) band\(summary.bands == 1 ? "" : "s"), \(ByteCount.text(summary.bytes))"
        let from: String
        if let source = summary.source, let path = edge.sources.first {
            from =
                "\(graph.display(path)) (\(source.loader), \(source.width)×\(source.height), \(source.bands) band\(source.bands == 1 ? "" : "s"), "
                + "\(ByteCount.text(source.bytes)))"
        } else {
            from = edge.sources.count == 1 ? graph.display(edge.sources[0]) : "\(edge.sources.count) inputs"
        }
        lines.append("\(from) → \(graph.display(edge.output)) (\(written))")
        return lines
    }

    /// The cache key of an edge's output (`ContentCache.key`): nil when an input cannot be read.
    private func cacheKey(_ edge: Edge, _ checker: StalenessChecker) -> String? {
        var inputs: [(path: String, digest: String)] = []
        for input in edge.inputs {
            guard let digest = checker.digest(input) else { return nil }
            inputs.append((checker.key(input), digest))
        }
        return ContentCache.key(fingerprint: fingerprint(edge), inputs: inputs)
    }

    /// Writes an output taken from the cache into place: a temporary beside it, then a rename.
    private func restore(_ bytes: [UInt8], to output: String) -> Bool {
        let temporary = TemporaryFiles.shared.make(for: output)
        defer { TemporaryFiles.shared.release(temporary) }
        do {
            try session.disk.makeDirectories(PathName.directory(of: output))
            try session.disk.writeAtomically(temporary, bytes)
            try session.disk.rename(temporary, to: output)
            return true
        } catch {
            try? session.disk.remove(temporary)
            reporter.warning("cannot write \(graph.display(output)) from the cache: \(error); the job runs")
            return false
        }
    }

    /// Whether a stale edge could be cut off: its every reason is an input this run rebuilds (not `-B`, nor a
    /// reason of its own). Only then is the old content of what it waits on worth reading.
    private static func mayBeCutOff(_ edge: Int, _ checker: StalenessChecker) -> Bool {
        guard let reasons = checker.reasons[edge], !reasons.isEmpty else { return false }
        return reasons.allSatisfy { if case .inputRebuilt = $0 { true } else { false } }
    }

    /// Early cutoff: a stale edge whose every reason is an input this run rebuilt (`inputRebuilt`), each of which
    /// came out byte-identical to the file it replaced, is up to date after all. Its record is written again
    /// with its inputs' new stamps (so the next run sees nothing changed), and it counts as up to date.
    private func cutOff(
        _ edge: Int, staleSet: Set<Int>, unchanged: Set<Int>, checker: StalenessChecker, summary: inout BuildSummary
    ) -> Bool {
        guard Self.mayBeCutOff(edge, checker) else { return false }
        let item = graph.edges[edge]
        let rebuilt = item.dependencies.filter(staleSet.contains)
        guard !rebuilt.isEmpty, rebuilt.allSatisfy(unchanged.contains), let stamp = checker.stamp(item.output),
            let previous = state.record(of: checker.key(item.output), onDisk: stamp), previous.outputStamp == stamp
        else { return false }
        var record = previous
        record.inputs = item.inputs.map { checker.inputRecord($0, previous: previous) }
        record.builtAt = session.disk.now()
        record.recipe = session.recipeFile
        save(record, of: item, summary: &summary)
        summary.upToDate += 1
        let inputs = rebuilt.map { graph.display(graph.edges[$0].output) }
        let reason =
            "early cutoff: \(inputs.count == 1 ? "its input" : "its inputs") \(inputs.joined(separator: ", ")) "
            + "came out byte-identical"
        results.append(OutputResult(edge: edge, status: .upToDate, reason: reason))
        let line = "\(graph.display(item.output)): not rebuilt, \(reason)"
        if options.explain { reporter.info("explain: " + line) } else { reporter.detail(line) }
        return true
    }

    /// Whether a job whose worker ended by `signal` (SIGTERM, SIGINT, SIGHUP) was stopped by the interrupt of
    /// this build rather than failed. A stop of the whole process group or cgroup signals every process at
    /// about the same moment, and the worker's death may be seen before our own signal arrives: wait for it
    /// a little.
    private func jobWasInterrupted(by signal: Int32) -> Bool {
        interrupts.isInterrupted || interrupts.waitForInterrupt(seconds: 2)
    }

    /// Marks everything that depends on a failed output as skipped; returns how many.
    private func skipDependents(of edge: Int, dependents: [Int: [Int]], skipped: inout Set<Int>) -> Int {
        var count = 0
        var stack = dependents[edge] ?? []
        while let next = stack.popLast() {
            guard skipped.insert(next).inserted else { continue }
            count += 1
            let failedInput = graph.display(graph.edges[edge].output)
            results.append(OutputResult(edge: next, status: .skipped, reason: "its input \(failedInput) failed"))
            reporter.error("\(graph.display(graph.edges[next].output)): skipped, its input \(failedInput) failed")
            stack += dependents[next] ?? []
        }
        return count
    }
}

/// Lets the interrupt handler, armed before the pool exists, wake the pool once it does.
private final class ExecutorWaker: Sendable {
    private let executor = Mutex<JobExecutor?>(nil)

    func set(_ executor: JobExecutor) { self.executor.withLock { $0 = executor } }

    func wake() { executor.withLock { $0 }?.wake() }
}
