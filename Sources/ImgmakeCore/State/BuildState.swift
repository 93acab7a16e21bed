import ImgmakeRecipe

/// The build state in `.imgmake/` beside the top recipe file: a binary snapshot of every live record
/// (`snapshot`, see `StateSnapshot`), read in place and decoded one record at a time as outputs are looked up,
/// and text journals (`log`, `log.shard-K-of-N`: one checksummed line per record, `BuildLogCodec`) for the
/// records written since the snapshot. Every journal is read and overlays the snapshot in memory, and this run
/// appends to its own one. That is what lets CI copy the `.imgmake/` folders of several shards into one tree with
/// no merge step: each shard wrote only its own `log.shard-K-of-N` (never the snapshot), and the next run reads
/// them all. A text log of an imgmake from before the snapshot is simply a journal.
///
/// Which record wins when several name one output: the newest of those whose output stamp is the file on
/// disk, else the newest. The order of the lines is the order of the appends, not of the renames: of two
/// builds that ran at once (an imgmake without the lock, a copied log), the one that renamed last may have
/// appended first, and its record, not the other's, says what the file was made from.
///
/// Crash safety: a record is appended, in one `write`, only after its output was renamed into place; each
/// line carries a checksum, so a torn last line (or garbage) is skipped with a warning and costs only the
/// records it held. Compaction reads the snapshot and the journals again from disk (what another build appended
/// meanwhile is kept), writes a new snapshot under a temporary name and renames it into place, and only then
/// removes the journals it folded in (its own is emptied instead): killed between the two, the next run reads the journals' records again
/// over the new snapshot, where they are the same records (or older ones, which lose as before).
///
/// Writers hold `StateLock` (`.imgmake/lock`); a build that waited calls `reloadIfChanged()`.
package final class BuildState {
    package static let directoryName = ".imgmake"

    let directory: String
    /// True when a build log or snapshot was found: records can be trusted to say "never built with this recipe".
    /// False when `.imgmake/` (or everything in it) is missing or unreadable: staleness goes by modification times.
    private(set) var isAvailable = false
    /// Problems met while loading (damaged lines or records, unreadable files), for the user.
    private(set) var warnings: [String] = []
    /// The state should be rewritten by this run's compaction, even if it built nothing: damaged lines or
    /// records were skipped in files it rewrites (so that the warning is not repeated on every run), or the
    /// journals are past the compaction threshold (the text log of an older imgmake: its first run migrates it).
    private(set) var needsRepair = false

    private let disk: DiskInterface
    private let root: String
    private let logName: String
    private let logPath: String
    private let snapshotPath: String
    private let isMainLog: Bool
    /// The snapshot as read at load (nil: none, or unreadable).
    private var snapshot: SnapshotReader?
    /// A damaged snapshot record was warned about (once per load).
    private var warnedAboutSnapshot = false
    /// The journals' records: the newest of every output a journal names (the snapshot's record of it
    /// included), or, once `record(of:onDisk:)` chose it, the record that describes the file on disk. Outputs
    /// not in here (nor in `removedAt`) are the snapshot's.
    private var overlay: [String: BuildRecord] = [:]
    /// When each output was last removed (`x` lines), so a later record or removal is stamped after it.
    private var removedAt: [String: Int64] = [:]
    /// The other live records of outputs that several records name, until `record(of:onDisk:)` chooses.
    private var others: [String: [BuildRecord]] = [:]
    /// Outputs whose chosen record is not the newest: the newest one's time, which a new record must pass.
    private var newestAt: [String: Int64] = [:]
    private var linesInOwnLog = 0
    /// Lines in all the journals (this run's own included).
    private var journalLines = 0
    /// The journals other than this run's own (paths).
    private var otherLogs: [String] = []
    private var logReady = false
    /// This run's log may end in a torn line (a crash, or an append that failed part way: a full disk): the
    /// next append starts a new line, so that it is not glued to the torn one.
    private var ownLogIsTorn = false
    /// The stamps of the snapshot and the journals when they were read (`reloadIfChanged` compares them).
    private var loadedStamps: [String: FileStamp?] = [:]

    /// Loads the state of the tree rooted at `root`. `logName` is this run's own journal (`log`, or
    /// `log.shard-K-of-N` for a sharded run).
    package init(root: String, disk: DiskInterface, logName: String = "log") {
        self.disk = disk
        self.root = root
        self.directory = PathName.join(root, Self.directoryName)
        self.logName = logName
        self.logPath = PathName.join(directory, logName)
        self.snapshotPath = PathName.join(directory, StateSnapshot.fileName)
        self.isMainLog = logName == "log"
        self.recipeTexts = RecipeTexts(directory: directory, logName: logName, disk: disk)
        load()
    }

    /// The steps each recorded fingerprint stands for, to say what changed in a recipe.
    let recipeTexts: RecipeTexts

    /// The newest record of `output` (root-relative), or the one `record(of:onDisk:)` chose for it.
    func newestRecord(of output: String) -> BuildRecord? {
        // (An empty dictionary is asked nothing: a no-op's journals are empty, and hashing the key costs.)
        if !overlay.isEmpty, let record = overlay[output] { return record }
        if !removedAt.isEmpty, removedAt[output] != nil { return nil }
        return snapshotRecord(output)
    }

    /// `newestRecord(of: output)?.outputStamp`, without decoding the rest of a snapshot's record (the set of
    /// outputs a previous build made needs only that).
    func newestOutputStamp(of output: String) -> FileStamp? {
        if !overlay.isEmpty, let record = overlay[output] { return record.outputStamp }
        if !removedAt.isEmpty, removedAt[output] != nil { return nil }
        switch snapshot?.outputStamp(output) {
        case .some(.some(let stamp)): return stamp
        case .some(.none):
            noteDamagedSnapshot(count: 1)
            return nil
        case .none: return nil
        }
    }

    /// The record `record(of:onDisk:)` would give for the output whose root-relative path is `key`, read in
    /// place, when the snapshot holds it and no journal names the output (then it is the only record, whatever
    /// the file on disk); nil in every other case (no record, a damaged one, a journal's), where a caller asks
    /// `record(of:onDisk:)`, which also says which.
    func snapshotRecordInPlace(ofKey key: UnsafeRawBufferPointer) -> SnapshotReader.RecordView? {
        guard let snapshot else { return nil }
        if !overlay.isEmpty || !removedAt.isEmpty {
            let output = String(decoding: key, as: UTF8.self)
            guard overlay[output] == nil, removedAt[output] == nil else { return nil }
        }
        return snapshot.inPlace(key)
    }

    /// The outputs (root-relative) with a live record written by `recipe` (a recipe file, root-relative).
    func outputs(recordedBy recipe: String) -> [String] {
        allRecords().filter { $0.value.recipe == recipe }.keys.sorted()
    }

    /// Every live record, decoded (the newest of each output, or the one `record(of:onDisk:)` chose): for
    /// `outputs(recordedBy:)` and tests. A build looks records up one by one instead.
    func allRecords() -> [String: BuildRecord] {
        var all: [String: BuildRecord] = [:]
        if let snapshot {
            all.reserveCapacity(snapshot.recordCount + overlay.count)
            let damaged = snapshot.forEachRecord { record in
                if overlay[record.output] == nil && removedAt[record.output] == nil { all[record.output] = record }
            }
            if damaged > 0 { noteDamagedSnapshot(count: damaged) }
        }
        for (output, record) in overlay { all[output] = record }
        return all
    }

    /// The record of `output` that describes the file on disk, given that file's stamp: when several records
    /// name the output, the newest whose output stamp is `stamp`, else the newest. The choice is kept.
    func record(of output: String, onDisk stamp: FileStamp?) -> BuildRecord? {
        guard !overlay.isEmpty, let newest = overlay[output] else {
            return removedAt.isEmpty || removedAt[output] == nil ? snapshotRecord(output) : nil
        }
        guard let older = others.removeValue(forKey: output) else { return newest }
        guard let stamp, newest.outputStamp != stamp,
            let match = older.filter({ $0.outputStamp == stamp }).max(by: { $0.builtAt < $1.builtAt })
        else { return newest }
        overlay[output] = match
        newestAt[output] = newest.builtAt
        return match
    }

    /// Reads the state again when the snapshot or a journal changed since they were read (another build
    /// wrote to them while this one waited for the lock).
    /// Whether it was reloaded.
    @discardableResult
    func reloadIfChanged() -> Bool {
        guard stateStamps() != loadedStamps else { return false }
        reset()
        load()
        return true
    }

    /// Remembers a finished output (appends one line to this run's journal).
    func record(_ record: BuildRecord) throws {
        // The newest record wins on load, so this one must be stamped after what it replaces, even when the
        // clock went back (or the log came from a machine whose clock was ahead): else a reload would
        // bring the old record back.
        var record = record
        let floor = max(
            newestRecord(of: record.output)?.builtAt ?? .min, removedAt[record.output] ?? .min, newestAt[record.output] ?? .min)
        if record.builtAt <= floor { record.builtAt = floor == .max ? .max : floor + 1 }  // a tie goes to the later line
        try ensureDirectory()
        try appendLine(BuildLogCodec.encode(record))
        overlay[record.output] = record
        others[record.output] = nil  // its output stamp was read right after the rename: it is the file on disk
        newestAt[record.output] = nil
        linesInOwnLog += 1
        journalLines += 1
    }

    /// A sharded run leaves its log even when it recorded nothing, so that the fan-in run knows the shard ran
    /// (`warnAboutMissingShards`).
    func markShardRan() throws {
        guard !isMainLog, disk.stamp(logPath) == nil else { return }
        try ensureDirectory()
        try disk.append(logPath, Array(BuildLogCodec.header.utf8))
    }

    /// Forgets an output that was removed (or that is no longer what imgmake wrote).
    func forget(_ output: String) throws {
        guard let existing = newestRecord(of: output) else { return }
        try ensureDirectory()
        let newest = max(existing.builtAt, newestAt[output] ?? .min)
        let time = max(disk.now(), newest == .max ? .max : newest + 1)  // after every record it removes
        try appendLine(BuildLogCodec.encodeRemoval(output: output, at: time))
        removedAt[output] = time
        overlay[output] = nil
        others[output] = nil
        newestAt[output] = nil
        linesInOwnLog += 1
        journalLines += 1
    }

    /// Whether the journals have grown enough to be folded into a new snapshot (a sharded run: its own journal
    /// rewritten). A plain run compacts when the journals hold more than 1,000 lines and more than a
    /// sixteenth of the snapshot's records (so a run rewrites the snapshot at most once per that many new
    /// records, and a no-op reads at most that many lines); a sharded run, which leaves the snapshot alone,
    /// when its own journal holds more than twice the journals' live records and removals, plus 1,000.
    private var compactionIsDue: Bool {
        if isMainLog { return journalLines > max(1000, (snapshot?.recordCount ?? 0) / 16) }
        return linesInOwnLog > 2 * (overlay.count + removedAt.count) + 1000
    }

    /// Folds the journals into a new snapshot when they have grown (`compactionIsDue`), or always with `force`:
    /// the snapshot and the journals are read again from disk (what another build appended since this one loaded
    /// stays, and an older record it replaced does not come back), the winners are written to a new snapshot
    /// (under a temporary name, renamed into place), then the journals folded in are removed (this run's own is
    /// emptied instead). A sharded run
    /// never writes the snapshot (another shard's copy of it would overwrite it): it rewrites its own journal
    /// with the journals' winners that the snapshot does not already say, and the removals.
    func compactIfNeeded(force: Bool = false) throws {
        guard isAvailable || linesInOwnLog > 0 else { return }
        guard force || compactionIsDue else { return }
        reset()
        load()
        for output in others.keys.sorted() {
            _ = record(of: output, onDisk: disk.stamp(PathName.normalize(PathName.join(root, output))))
        }
        try disk.makeDirectories(directory)
        if isMainLog {
            var writer = SnapshotWriter()
            var copied: Set<String> = []
            for (_, record) in overlay.sorted(by: { $0.key < $1.key }) { writer.add(record) }
            snapshot?.forEachRaw { key, hash, raw in
                let output = String(decoding: key, as: UTF8.self)
                // (Once per output: a damaged snapshot, repaired from a scan, may hold one twice.)
                if overlay[output] == nil && removedAt[output] == nil && copied.insert(output).inserted {
                    writer.add(raw: raw, keyHash: hash)
                }
            }
            try disk.writeAtomically(snapshotPath, try writer.finish())
            // The snapshot holds every journal's records now: a kill before these removals only leaves
            // journals whose records the next load finds again (the same, or older ones, which lose). This
            // run's own journal stays, emptied (its header only), for the records to come.
            for path in otherLogs { try? disk.remove(path) }
            try? disk.writeAtomically(logPath, Array(BuildLogCodec.header.utf8))
        } else {
            var bytes = Array(BuildLogCodec.header.utf8)
            for (output, record) in overlay.sorted(by: { $0.key < $1.key }) {
                if case .found(let known)? = snapshot?.lookup(output), known == record { continue }
                bytes += BuildLogCodec.encode(record)
            }
            // The other journals stay: keep the removals, or their older records of removed outputs would come back.
            for (output, time) in removedAt.sorted(by: { $0.key < $1.key }) where overlay[output] == nil {
                bytes += BuildLogCodec.encodeRemoval(output: output, at: time)
            }
            try disk.writeAtomically(logPath, bytes)
        }
        reset()
        load()
        needsRepair = false
    }

    // MARK: loading

    private func reset() {
        snapshot = nil
        warnedAboutSnapshot = false
        overlay = [:]
        others = [:]
        newestAt = [:]
        removedAt = [:]
        isAvailable = false
        warnings = []
        linesInOwnLog = 0
        journalLines = 0
        otherLogs = []
        logReady = false
        ownLogIsTorn = false
        needsRepair = false
        loadedStamps = [:]
    }

    /// The names of the state files in `.imgmake/` (the snapshot, then the journals, sorted); nil when the
    /// folder cannot be read.
    private func stateNames() -> [String]? {
        disk.list(directory).map { entries in
            let names = entries.map(\.name)
            let logs = names.filter { $0 == "log" || $0.hasPrefix("log.") && !$0.contains(".tmp") }.sorted()
            return (names.contains(StateSnapshot.fileName) ? [StateSnapshot.fileName] : []) + logs
        }
    }

    private func stateStamps() -> [String: FileStamp?] {
        guard disk.isDirectory(directory), let names = stateNames() else { return [:] }
        return Dictionary(uniqueKeysWithValues: names.map { ($0, disk.stamp(PathName.join(directory, $0))) })
    }

    /// The snapshot's record of `output`; a damaged one is absent (and warned about, once).
    private func snapshotRecord(_ output: String) -> BuildRecord? {
        switch snapshot?.lookup(output) {
        case .found(let record)?: return record
        case .damaged?:
            noteDamagedSnapshot(count: 1)
            return nil
        case .absent?, nil: return nil
        }
    }

    private func noteDamagedSnapshot(count: Int) {
        if isMainLog { needsRepair = true }
        guard !warnedAboutSnapshot else { return }
        warnedAboutSnapshot = true
        warnings.append("\(snapshotPath): skipped damaged record\(count == 1 ? "" : "s") (their outputs will be rebuilt)")
    }

    /// The fan-in run after sharded ones: the logs of some shards of N are there, not those of the others (a
    /// shard's job failed, or its `.imgmake/` was not gathered). `names`: the shard logs that hold records the
    /// snapshot does not.
    private func warnAboutMissingShards(_ names: [String]) {
        var present: [Int: Set<Int>] = [:]
        for shard in names.compactMap(Shard.init(logName:)) { present[shard.count, default: []].insert(shard.index) }
        for (n, shards) in present.sorted(by: { $0.key < $1.key }) {
            let missing = (1...n).filter { !shards.contains($0) }
            guard !missing.isEmpty else { continue }
            func list(_ numbers: [Int]) -> String {
                let words = numbers.map(String.init)
                return words.count == 1 ? words[0] : words.dropLast().joined(separator: ", ") + " and " + words[words.count - 1]
            }
            let files = missing.map { "log.shard-\($0)-of-\(n)" }.joined(separator: ", ")
            warnings.append(
                "\(directory) holds the logs of shard\(shards.count == 1 ? "" : "s") \(list(shards.sorted())) of \(n), not of shard"
                    + "\(missing.count == 1 ? "" : "s") \(list(missing)) (\(files) missing): "
                    + "their outputs are judged without their records (rebuilt, or adopted by modification times)")
        }
    }

    private func load() {
        guard disk.isDirectory(directory) else { return }
        guard let names = stateNames() else {
            warnings.append("cannot read \(directory): deciding by modification times only")
            return
        }
        isAvailable = !names.isEmpty
        // The shard logs there are, but not the leftovers of a compaction killed before it removed them all
        // (every record of theirs is the snapshot's): a shard's log with no record says the shard ran.
        var shardLogs: [String: Bool] = [:]  // name → holds a record the snapshot does not
        for name in names {
            let path = PathName.join(directory, name)
            loadedStamps[name] = disk.stamp(path)  // before the read: a write during it shows as a change
            if name == StateSnapshot.fileName {
                loadSnapshot(path)
                continue
            }
            let bytes: [UInt8]
            do { bytes = try disk.read(path) } catch {
                warnings.append("cannot read \(path): \(error); its records are ignored")
                continue
            }
            var damaged = 0
            var lines = 0
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                if line.first == UInt8(ascii: "#") { continue }
                lines += 1
                switch BuildLogCodec.decode(line) {
                case .record(let record)?:
                    if isMainLog, shardLogs[name] != true, Shard(logName: name) != nil {
                        shardLogs[name] = snapshot == nil || snapshotRecord(record.output) != record
                    }
                    add(record)
                case .removal(let output, let at)?:
                    removedAt[output] = max(removedAt[output] ?? at, at)
                case nil:
                    damaged += 1
                }
            }
            journalLines += lines
            if isMainLog, lines == 0, Shard(logName: name) != nil { shardLogs[name] = true }
            if name == logName {
                linesInOwnLog = lines
                ownLogIsTorn = bytes.last.map { $0 != UInt8(ascii: "\n") } ?? false
            } else {
                otherLogs.append(path)
            }
            if damaged > 0 {
                if isMainLog || name == logName { needsRepair = true }
                warnings.append("\(path): skipped \(damaged) damaged record\(damaged == 1 ? "" : "s") (their outputs will be rebuilt)")
            }
        }
        // The snapshot's record of an output a journal names is one of its records too.
        if snapshot != nil {
            for output in Set(overlay.keys).union(removedAt.keys) {
                if let record = snapshotRecord(output) { add(record, fromSnapshot: true) }
            }
        }
        for (output, time) in removedAt {
            if let newest = overlay[output], newest.builtAt <= time {
                overlay[output] = nil
                others[output] = nil  // older still
            } else if var older = others[output] {
                older.removeAll { $0.builtAt <= time }
                others[output] = older.isEmpty ? nil : older
            }
        }
        if compactionIsDue { needsRepair = true }
        if isMainLog { warnAboutMissingShards(shardLogs.filter(\.value).map(\.key)) }
    }

    private func loadSnapshot(_ path: String) {
        let file: MappedFile
        do { file = try disk.map(path) } catch {
            warnings.append("cannot read \(path): \(error); its records are ignored")
            return
        }
        let reader = SnapshotReader(file)
        if let version = reader.unknownVersion {
            warnings.append(
                "\(path): written by a newer imgmake (snapshot format \(version), this one reads \(StateSnapshot.version)); "
                    + "its records are ignored (their outputs will be rebuilt)")
            return
        }
        if let problem = reader.problem {
            warnings.append("\(path): \(problem); damaged records are skipped (their outputs will be rebuilt)")
            warnedAboutSnapshot = true
            if isMainLog { needsRepair = true }
        }
        snapshot = reader
    }

    /// One record read: the newest stays in `overlay`, the others wait in `others`. The journals were written
    /// after the snapshot, so a tie goes to theirs (as a tie goes to the later line).
    private func add(_ record: BuildRecord, fromSnapshot: Bool = false) {
        guard let existing = overlay[record.output] else {
            overlay[record.output] = record
            return
        }
        if existing == record { return }
        if existing.builtAt > record.builtAt || fromSnapshot && existing.builtAt == record.builtAt {
            others[record.output, default: []].append(record)
        } else {
            others[record.output, default: []].append(existing)
            overlay[record.output] = record
        }
    }

    private func ensureDirectory() throws {
        if !isAvailable {
            try disk.makeDirectories(directory)
            isAvailable = true
        }
        if !logReady {
            if disk.stamp(logPath) == nil { try appendLine(Array(BuildLogCodec.header.utf8)) }
            logReady = true
        }
    }

    /// Appends one line (in one write) to this run's log. After a torn line the line starts with a newline,
    /// else it would be glued to the torn one and both lost; after a failed append (a full disk, an I/O error)
    /// the log may end part way through the line, so the next append does the same. (An empty line that
    /// this makes when nothing was written is skipped on load.)
    private func appendLine(_ line: [UInt8]) throws {
        do {
            try disk.append(logPath, ownLogIsTorn ? [UInt8(ascii: "\n")] + line : line)
        } catch {
            ownLogIsTorn = true
            throw error
        }
        ownLogIsTorn = false
    }
}
