import Foundation
import ImgmakeRecipe
import ImgmakeSync

/// Decides, for edges in dependency order, which outputs are stale and why (README's *How staleness works*; with
/// `Options.checkHash`, inputs and outputs whose stamps changed are compared by content with the digests recorded
/// when they were built). Every path is stat'ed at most once per run.
package final class StalenessChecker {
    struct Options {
        var alwaysMake = false
        var libraryVersion = ""
        /// `--check hash`: inputs are compared by content with the digests recorded at build time; mtimes
        /// alone never make work (where a digest was recorded).
        var checkHash = false
        init() {}
    }

    private let graph: BuildGraph
    private let state: BuildState
    private let disk: DiskInterface
    private let options: Options
    private let paths: PathTable
    /// Stamps of the graph's paths by ID, with `stampRead` saying which were read (each once).
    private var stampOf: [FileStamp?]
    private var stampRead: [Bool]
    /// Stamps of paths outside the graph.
    private var otherStamps: [String: FileStamp?] = [:]
    private var digests: [String: String?] = [:]
    /// Reasons of every evaluated edge; an empty list means up to date.
    package private(set) var reasons: Reasons
    /// With `--check hash`, edges whose record lacks an input's or the output's digest, or has an old stamp
    /// of a file whose content compared equal (see `refreshedRecord(of:)`).
    private var outdatedRecords: Set<Int> = []
    /// Up-to-date edges whose record names no recipe file (an older imgmake's): `Builder` gives them this one.
    private var recordsWithoutRecipe: Set<Int> = []
    /// What changed from a recorded fingerprint to an edge's job's (by the two fingerprints: a rule's outputs share them).
    private var recipeChanges: [[UInt64]: String?] = [:]

    /// The reasons of each edge evaluated so far, by edge index (nil: not evaluated).
    package struct Reasons {
        fileprivate var byEdge: [[StaleReason]?]
        package subscript(edge: Int) -> [StaleReason]? { byEdge[edge] }
    }
    /// Inputs whose modification time is in the future (more than `skewTolerance` after the disk's clock when
    /// the checker was made), with how far (ns): clock skew, for a warning.
    private(set) var futureInputs: [String: Int64] = [:]
    private let now: Int64
    /// A file system on another machine may be a little ahead: more than this is clock skew.
    static let skewTolerance: Int64 = 1_000_000_000

    /// What changed between the recorded fingerprint's lines (if the state kept them) and the edge's job's.
    private func recipeChange(from recorded: UInt64, edge index: Int) -> String? {
        let current = graph.fingerprint(of: index, libraryVersion: options.libraryVersion)
        if let known = recipeChanges[[recorded, current]] { return known }
        let change = state.recipeTexts.lines(of: recorded).flatMap { old in
            RecipeDiff.describe(
                old: old, new: RecipeFingerprint.lines(of: graph.edges[index].job, root: graph.root, libraryVersion: options.libraryVersion)
            )
        }
        recipeChanges[[recorded, current]] = change
        return change
    }

    init(graph: BuildGraph, state: BuildState, disk: DiskInterface, options: Options) {
        self.graph = graph
        self.state = state
        self.disk = disk
        self.options = options
        self.now = disk.now()
        self.paths = graph.paths
        self.stampOf = Array(repeating: nil, count: graph.paths.count)
        self.stampRead = Array(repeating: false, count: graph.paths.count)
        self.reasons = Reasons(byEdge: Array(repeating: nil, count: graph.edgeCount))
    }

    /// Takes the stamps read while the graph was built (`EarlyStamps`; `Session.lockState` drops them when
    /// another imgmake may have written since).
    func adopt(earlyStamps: [(id: PathTable.ID, stamp: FileStamp?)]) {
        for (id, stamp) in earlyStamps where Int(id) < stampRead.count {
            stampOf[Int(id)] = stamp
            stampRead[Int(id)] = true
        }
    }

    /// The stamp of a path, read once.
    func stamp(_ path: String) -> FileStamp? {
        if let id = paths.find(path), Int(id) < stampRead.count { return stamp(id) }
        if let cached = otherStamps[path] { return cached }
        let stamp = disk.stamp(path)
        otherStamps[path] = stamp
        return stamp
    }

    /// The stamp of one of the graph's paths, read once.
    func stamp(_ id: PathTable.ID) -> FileStamp? {
        let index = Int(id)
        if stampRead[index] { return stampOf[index] }
        let stamp = paths.withCString(id) { disk.stamp(cString: $0) }
        stampOf[index] = stamp
        stampRead[index] = true
        return stamp
    }

    /// The content digest of a path, computed once.
    func digest(_ path: String) -> String? {
        if let cached = digests[path] { return cached }
        let digest = disk.digest(path)
        digests[path] = digest
        return digest
    }

    /// Forgets what was read of a path (after a job wrote it, or before one reads it).
    func invalidate(_ path: String) {
        if let id = paths.find(path), Int(id) < stampRead.count { stampRead[Int(id)] = false }
        otherStamps[path] = nil
        digests[path] = nil
    }

    /// What the state records of an input when a job starts: its stamp, and with `--check hash` its digest
    /// (carried over from the last record when the stamp did not change, so unchanged files are not read).
    func inputRecord(_ path: String, previous: BuildRecord?) -> InputRecord {
        invalidate(path)
        let key = key(path)
        let current = stamp(path) ?? FileStamp(mtime: 0, size: 0)
        guard options.checkHash else { return InputRecord(path: key, stamp: current) }
        if let before = previous?.inputs.first(where: { $0.path == key }), before.stamp == current, !before.digest.isEmpty {
            return InputRecord(path: key, stamp: current, digest: before.digest)
        }
        return InputRecord(path: key, stamp: current, digest: digest(path) ?? "")
    }

    /// With `--check hash`, the record to write now for an up-to-date output whose record is out of date, or
    /// nil when it is not: an input recorded without a digest (built without `--check hash`) and unchanged
    /// since gets its digest; an input whose stamp changed but whose content compared equal (a fresh clone, a
    /// touch) gets its new stamp, so that it is not hashed again on every later run; and the same for the
    /// output (its digest when the record has none, its new stamp when it came back from a cache unchanged).
    func refreshedRecord(of index: Int) -> BuildRecord? {
        guard outdatedRecords.contains(index), reasons[index]?.isEmpty == true else { return nil }
        let edge = graph.edges[index]
        guard var record = state.newestRecord(of: key(edge.output)), let output = stamp(edge.output) else { return nil }
        let recorded = Dictionary(record.inputs.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var inputs: [InputRecord] = []
        inputs.reserveCapacity(edge.inputs.count)
        for input in edge.inputs {
            guard let before = recorded[key(input)], let current = stamp(input) else { return nil }
            if before.digest.isEmpty {
                guard before.stamp == current, let digest = digest(input) else { return nil }
                inputs.append(InputRecord(path: before.path, stamp: current, digest: digest))
            } else {
                inputs.append(InputRecord(path: before.path, stamp: current, digest: before.digest))  // equal content
            }
        }
        record.inputs = inputs
        if record.outputDigest.isEmpty || record.outputStamp != output {
            guard let digest = digest(edge.output) else { return nil }
            record.outputStamp = output
            record.outputDigest = digest
        }
        return record
    }

    /// Evaluates `order` (dependencies first, as `BuildGraph.closure` gives it).
    func evaluate(_ order: [Int]) {
        if order.count >= Self.prefetchThreshold { prefetchStamps(order) }
        for edge in order where reasons.byEdge[edge] == nil {
            reasons.byEdge[edge] = evaluate(edge: edge)
        }
    }

    /// From this many edges on, `evaluate` stats their files on all cores first.
    static let prefetchThreshold = 512

    /// Stats every output and source file of `order` not read yet, split over the cores: a no-op build of
    /// many inputs is mostly `stat` calls, which run in parallel in the kernel. The stamps go into the same
    /// cache `stamp(_:)` fills, so each path is still read once.
    func prefetchStamps(_ order: [Int]) {
        var ids: [PathTable.ID] = []
        ids.reserveCapacity(order.count * 2)
        var listed = [Bool](repeating: false, count: paths.count)
        func add(_ id: PathTable.ID) {
            guard !stampRead[Int(id)], !listed[Int(id)] else { return }
            listed[Int(id)] = true
            ids.append(id)
        }
        // Outputs first, then inputs: each comes folder by folder.
        for index in order where reasons.byEdge[index] == nil { add(graph.outputID(of: index)) }
        for index in order where reasons.byEdge[index] == nil {
            for input in graph.sourceIDs(of: index) { add(input) }
            for input in graph.imageInputIDs(of: index) { add(input) }
        }
        // Runs of paths in one folder (inputs come folder by folder from the walk, outputs in their order), each
        // stat'ed relative to its folder, opened once.
        var runs: [(folder: String, range: Range<Int>)] = []
        var runStart = 0
        var folderEnd = 0
        for (index, id) in ids.enumerated() {
            let end = paths.nameStart(id)
            let sameFolder =
                index > runStart && end == folderEnd
                && paths.withBytes(id) { path in
                    paths.withBytes(ids[runStart]) {
                        GraphBytes.equal(UnsafeBufferPointer(rebasing: $0[..<end]), UnsafeBufferPointer(rebasing: path[..<end]))
                    }
                }
            if index > 0, !sameFolder {
                runs.append((PathName.directory(of: paths.string(ids[runStart])), runStart..<index))
                runStart = index
            }
            folderEnd = end
        }
        if !ids.isEmpty { runs.append((PathName.directory(of: paths.string(ids[runStart])), runStart..<ids.count)) }
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, ids.count / 256, runs.count))
        // Lane L stats runs L, L + lanes, L + 2 lanes ... into an array of its own, handed over once at its end.
        let results = Mutex([[(run: Int, stamps: [FileStamp?])]](repeating: [], count: lanes))
        DispatchQueue.concurrentPerform(iterations: lanes) { [ids, disk, paths, runs] lane in
            var found: [(run: Int, stamps: [FileStamp?])] = []
            paths.withArena { base in
                for run in stride(from: lane, to: runs.count, by: lanes) {
                    let names = runs[run].range.map { k in
                        UnsafeRawPointer(base + paths.start(ids[k]) + paths.nameStart(ids[k])).assumingMemoryBound(to: CChar.self)
                    }
                    found.append((run, disk.stamps(inDirectory: runs[run].folder, names: names)))
                }
            }
            results.withLock { $0[lane] = found }
        }
        results.withLock { results in
            for laneResults in results {
                for (run, stamps) in laneResults {
                    for (k, stamp) in zip(runs[run].range, stamps) {
                        let id = Int(ids[k])
                        stampOf[id] = stamp
                        stampRead[id] = true
                    }
                }
            }
        }
    }

    package func isStale(_ edge: Int) -> Bool { !(reasons.byEdge[edge]?.isEmpty ?? true) }

    /// The root-relative key of a path in the state.
    func key(_ path: String) -> String { PathName.relative(path, to: graph.root) ?? path }

    /// The root-relative key of one of the graph's paths in the state.
    private func key(_ id: PathTable.ID) -> String {
        paths.withBytes(id) { bytes in
            guard let start = GraphBytes.offsetBelow(bytes, graph.root) else { return String(decoding: bytes, as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)
        }
    }

    /// Whether `recorded` (a root-relative key) names the graph's path `id`.
    private func names(_ recorded: String, _ id: PathTable.ID) -> Bool {
        var recorded = recorded
        return recorded.withUTF8 { key in
            paths.withBytes(id) { bytes in
                let start = GraphBytes.offsetBelow(bytes, graph.root) ?? 0
                return PathTable.compare(UnsafeBufferPointer(rebasing: bytes[start...]), key) == 0
            }
        }
    }

    private func display(_ id: PathTable.ID) -> String { graph.display(paths.string(id)) }

    /// How many edges `upToDateInPlace` found up to date (for tests: the snapshot's records are read in place).
    private(set) var decidedInPlace = 0

    /// Whether the edge is up to date by the snapshot's record of its output read in place, for the case a
    /// no-op meets on every edge: the record names the recipe file, its output stamp is the file's, its
    /// fingerprint is the job's, and every input is recorded with the stamp it has now and was not rebuilt.
    /// false is no verdict: anything else (no record, a journal's, a damaged one, an input recorded otherwise)
    /// is left to the full evaluation below, which says why.
    private func upToDateInPlace(
        _ index: Int, output: PathTable.ID, stamp outputStamp: FileStamp, sources: ArraySlice<PathTable.ID>,
        images: [PathTable.ID]
    ) -> Bool {
        let root = graph.root
        func belowRoot(_ id: PathTable.ID, _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
            paths.withBytes(id) { bytes in
                guard let start = GraphBytes.offsetBelow(bytes, root) else { return false }
                return body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
            }
        }
        return belowRoot(output) { key in
            guard let record = state.snapshotRecordInPlace(ofKey: key), record.hasRecipe, record.outputStamp == outputStamp,
                record.recipeFingerprint == graph.fingerprint(of: index, libraryVersion: options.libraryVersion)
            else { return false }
            func unchanged(_ input: PathTable.ID) -> Bool {
                if let producer = graph.producer(ofPath: input), isStale(producer) { return false }
                guard let current = stamp(input) else { return false }
                return belowRoot(input) { record.input($0)?.stamp == current }
            }
            return sources.allSatisfy(unchanged) && images.allSatisfy(unchanged)
        }
    }

    private func evaluate(edge index: Int) -> [StaleReason] {
        let sources = graph.sourceIDs(of: index)
        let images = graph.imageInputIDs(of: index)
        func noteFuture(_ input: PathTable.ID) {
            guard graph.producer(ofPath: input) == nil, let current = stamp(input), current.mtime > now + Self.skewTolerance else { return }
            futureInputs[display(input)] = current.mtime - now
        }
        for input in sources { noteFuture(input) }
        for input in images { noteFuture(input) }
        let outputID = graph.outputID(of: index)
        guard let output = stamp(outputID) else { return [.missing] }
        if !options.alwaysMake, !options.checkHash, state.isAvailable, !graph.isAggregate(index),
            upToDateInPlace(index, output: outputID, stamp: output, sources: sources, images: images)
        {
            decidedInPlace += 1
            return []
        }
        var found: [StaleReason] = []
        var outdated = false
        if options.alwaysMake { found.append(.alwaysMake) }
        let record = state.record(of: key(outputID), onDisk: output)
        if let record, state.isAvailable {
            // A truncated or replaced output has no record of its own stamp (the record that wins is the one
            // of the file on disk, else the newest): it is not what imgmake wrote. With `--check hash` an
            // output restored from a cache (a new mtime) is up to date if its content is the recorded one.
            if record.outputStamp != output {
                if options.checkHash, !record.outputDigest.isEmpty, digest(paths.string(outputID)) == record.outputDigest {
                    outdated = true
                } else {
                    found.append(.outputChanged)
                }
            } else if options.checkHash, record.outputDigest.isEmpty {
                outdated = true  // its digest can be recorded now
            }
        }
        let recordedInputs = record?.inputs ?? []
        // Most edges have one input: look it up in the record's list; many inputs get a table.
        let recordedTable =
            recordedInputs.count > 8
            ? Dictionary(recordedInputs.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }) : nil
        func recorded(_ input: PathTable.ID) -> InputRecord? {
            if let recordedTable { return recordedTable[key(input)] }
            return recordedInputs.first { names($0.path, input) }
        }
        func check(_ input: PathTable.ID) {
            if let producer = graph.producer(ofPath: input), isStale(producer) {
                found.append(.inputRebuilt(display(input)))
                return
            }
            guard let current = stamp(input) else {
                found.append(.inputMissing(display(input)))
                return
            }
            let before = recorded(input)
            if options.checkHash, let before, !before.digest.isEmpty {
                if before.stamp != current {
                    if digest(paths.string(input)) != before.digest {
                        found.append(.contentChanged(display(input)))
                    } else {
                        outdated = true
                    }
                }
            } else if let before {
                // The stamp recorded when the output was built decides, not "newer than": an input with an
                // mtime in the future (clock skew) is newer than any output written now, and would make its
                // outputs stale on every run.
                if before.stamp != current {
                    found.append(current.mtime > output.mtime ? .inputNewer(display(input)) : .inputReplaced(display(input)))
                } else if options.checkHash {
                    outdated = true  // recorded without a digest, and unchanged since: its digest can be recorded now
                }
            } else if current.mtime > output.mtime {
                found.append(.inputNewer(display(input)))
            }
        }
        for input in sources { check(input) }
        for input in images { check(input) }
        if outdated { outdatedRecords.insert(index) }
        guard state.isAvailable else { return found }
        guard let record else { return found + [.noRecord] }
        if record.recipeFingerprint != graph.fingerprint(of: index, libraryVersion: options.libraryVersion) {
            found.append(.recipeChanged(recipeChange(from: record.recipeFingerprint, edge: index)))
        }
        if graph.isAggregate(index) {
            let now = Set(sources.map(key))
            let before = Set(record.inputs.map(\.path))
            let imageKeys = Set(images.map(key))
            let added = now.subtracting(before).sorted()
            let removed = before.subtracting(now).subtracting(imageKeys).sorted()
            if !added.isEmpty || !removed.isEmpty {
                found.append(.inputSetChanged(added: added, removed: removed))
            }
        }
        if found.isEmpty, record.recipe == nil { recordsWithoutRecipe.insert(index) }
        return found
    }

    /// Whether `Builder` may have to write the record of an up-to-date edge again: with `--check hash`, a
    /// digest or stamp to bring up to date; or a record that names no recipe file.
    func mayNeedRecord(_ edge: Int) -> Bool {
        if outdatedRecords.isEmpty, recordsWithoutRecipe.isEmpty { return false }
        return outdatedRecords.contains(edge) || recordsWithoutRecipe.contains(edge)
    }
}
