import ImgmakeRecipe

/// The build state in `.imgmake/` beside the top recipe file: every `log*` file there is read and merged,
/// and this run appends to its own log file. That is what lets CI copy the `.imgmake/` folders of several
/// shards into one tree with no merge step: each shard wrote its own `log.shard-K-of-N`, and the next run
/// reads them all.
///
/// Which record wins when several name one output: the newest of those whose output stamp is the file on
/// disk, else the newest. The order of the lines is the order of the appends, not of the renames: of two
/// builds that ran at once (an imgmake without the lock, a copied log), the one that renamed last may have
/// appended first, and its record, not the other's, says what the file was made from.
///
/// Crash safety: a record is appended, in one `write`, only after its output was renamed into place; each
/// line carries a checksum, so a torn last line (or garbage) is skipped with a warning and costs only the
/// records it held. Compaction reads the logs again from disk (what another build appended meanwhile is
/// kept), writes a new file and renames it over the old one.
///
/// Writers hold `StateLock` (`.imgmake/lock`); a build that waited for it calls `reloadIfChanged()`.
package final class BuildState {
    package static let directoryName = ".imgmake"

    let directory: String
    /// The newest record of every output, keyed by its root-relative path (or, once `record(of:onDisk:)`
    /// chose it, the record that describes the file on disk).
    private(set) var records: [String: BuildRecord] = [:]
    /// True when a build log was found and read: records can be trusted to say "never built with this recipe".
    /// False when `.imgmake/` (or any log in it) is missing or unreadable: staleness goes by modification times.
    private(set) var isAvailable = false
    /// Problems met while loading (damaged lines, unreadable files), for the user.
    private(set) var warnings: [String] = []

    private let disk: DiskInterface
    private let root: String
    private let logName: String
    private let logPath: String
    private var linesInOwnLog = 0
    private var otherLogs: [String] = []
    private var logReady = false
    /// This run's log may end in a torn line (a crash, or an append that failed part way: a full disk): the
    /// next append starts a new line, so that it is not glued to the torn one.
    private var ownLogIsTorn = false
    /// Damaged lines were skipped in a log that this run's compaction rewrites: `repairIfNeeded` compacts once,
    /// so that the warning is not repeated on every run.
    private(set) var needsRepair = false
    private let isMainLog: Bool
    /// When each output was last removed (`x` lines), so a later record or removal is stamped after it.
    private var removedAt: [String: Int64] = [:]
    /// The other live records of outputs that several records name, until `record(of:onDisk:)` chooses.
    private var others: [String: [BuildRecord]] = [:]
    /// Outputs whose chosen record is not the newest: the newest one's time, which a new record must pass.
    private var newestAt: [String: Int64] = [:]
    /// The stamps of the log files when they were read (`reloadIfChanged` compares them).
    private var loadedStamps: [String: FileStamp?] = [:]

    /// Loads the state of the tree rooted at `root`. `logName` is this run's own log file (`log`, or
    /// `log.shard-K-of-N` for a sharded run).
    package init(root: String, disk: DiskInterface, logName: String = "log") {
        self.disk = disk
        self.root = root
        self.directory = PathName.join(root, Self.directoryName)
        self.logName = logName
        self.logPath = PathName.join(directory, logName)
        self.isMainLog = logName == "log"
        load()
    }

    /// The newest record of `output` (root-relative), or the one `record(of:onDisk:)` chose for it.
    func newestRecord(of output: String) -> BuildRecord? { records[output] }

    /// The outputs (root-relative) with a live record written by `recipe` (a recipe file, root-relative).
    func outputs(recordedBy recipe: String) -> [String] {
        records.filter { $0.value.recipe == recipe }.keys.sorted()
    }

    /// The record of `output` that describes the file on disk, given that file's stamp: when several records
    /// name the output, the newest whose output stamp is `stamp`, else the newest. The choice is kept.
    func record(of output: String, onDisk stamp: FileStamp?) -> BuildRecord? {
        guard let newest = records[output] else { return nil }
        guard let older = others.removeValue(forKey: output) else { return newest }
        guard let stamp, newest.outputStamp != stamp,
            let match = older.filter({ $0.outputStamp == stamp }).max(by: { $0.builtAt < $1.builtAt })
        else { return newest }
        records[output] = match
        newestAt[output] = newest.builtAt
        return match
    }

    /// Reads the logs again when one of them changed since they were read (another build wrote to them while
    /// this one waited for the lock).
    func reloadIfChanged() {
        guard logStamps() != loadedStamps else { return }
        reset()
        load()
    }

    /// Remembers a finished output (appends one line to this run's log).
    func record(_ record: BuildRecord) throws {
        // The newest record wins on load, so this one must be stamped after what it replaces, even when the
        // clock went back (or the log came from a machine whose clock was ahead): else a reload would
        // bring the old record back.
        var record = record
        let floor = max(records[record.output]?.builtAt ?? .min, removedAt[record.output] ?? .min, newestAt[record.output] ?? .min)
        if record.builtAt <= floor { record.builtAt = floor == .max ? .max : floor + 1 }  // a tie goes to the later line
        try ensureDirectory()
        try appendLine(BuildLogCodec.encode(record))
        records[record.output] = record
        others[record.output] = nil  // its output stamp was read right after the rename: it is the file on disk
        newestAt[record.output] = nil
        linesInOwnLog += 1
    }

    /// Forgets an output that was removed (or that is no longer what imgmake wrote).
    func forget(_ output: String) throws {
        guard let existing = records[output] else { return }
        try ensureDirectory()
        let newest = max(existing.builtAt, newestAt[output] ?? .min)
        let time = max(disk.now(), newest == .max ? .max : newest + 1)  // after every record it removes
        try appendLine(BuildLogCodec.encodeRemoval(output: output, at: time))
        removedAt[output] = time
        records[output] = nil
        others[output] = nil
        newestAt[output] = nil
        linesInOwnLog += 1
    }

    /// Rewrites this run's log with one line per live record when it has grown well past that, folding the
    /// other logs in (they are deleted only after the new log is in place). The records written are the ones
    /// on disk now, not this run's memory of them: what another build appended since this one loaded stays,
    /// and an older record it replaced does not come back.
    func compactIfNeeded(force: Bool = false) throws {
        guard isAvailable || linesInOwnLog > 0 else { return }
        guard force || linesInOwnLog + otherLogs.count * 1000 > 2 * records.count + 1000 else { return }
        reset()
        load()
        for output in others.keys.sorted() {
            _ = record(of: output, onDisk: disk.stamp(PathName.normalize(PathName.join(root, output))))
        }
        var bytes = Array(BuildLogCodec.header.utf8)
        for (_, record) in records.sorted(by: { $0.key < $1.key }) { bytes += BuildLogCodec.encode(record) }
        if !isMainLog {
            // The other logs stay: keep the removals, or their older records of removed outputs would come back.
            for (output, time) in removedAt.sorted(by: { $0.key < $1.key }) where records[output] == nil {
                bytes += BuildLogCodec.encodeRemoval(output: output, at: time)
            }
        }
        try ensureDirectory()
        try disk.writeAtomically(logPath, bytes)
        logReady = true
        ownLogIsTorn = false
        needsRepair = false
        if isMainLog {
            for path in otherLogs { try? disk.remove(path) }
            otherLogs = []
        }
        linesInOwnLog = records.count
        loadedStamps = logStamps()
    }

    // MARK: loading

    private func reset() {
        records = [:]
        others = [:]
        newestAt = [:]
        removedAt = [:]
        isAvailable = false
        warnings = []
        linesInOwnLog = 0
        otherLogs = []
        logReady = false
        ownLogIsTorn = false
        needsRepair = false
        loadedStamps = [:]
    }

    /// The names of the log files in `.imgmake/`, sorted; nil when the folder cannot be read.
    private func logNames() -> [String]? {
        disk.list(directory).map { entries in
            entries.map(\.name).filter { $0 == "log" || $0.hasPrefix("log.") && !$0.contains(".tmp") }.sorted()
        }
    }

    private func logStamps() -> [String: FileStamp?] {
        guard disk.isDirectory(directory), let names = logNames() else { return [:] }
        return Dictionary(uniqueKeysWithValues: names.map { ($0, disk.stamp(PathName.join(directory, $0))) })
    }

    private func load() {
        guard disk.isDirectory(directory) else { return }
        guard let logs = logNames() else {
            warnings.append("cannot read \(directory): deciding by modification times only")
            return
        }
        isAvailable = !logs.isEmpty
        for name in logs {
            let path = PathName.join(directory, name)
            loadedStamps[name] = disk.stamp(path)  // before the read: a write during it shows as a change
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
                    add(record)
                case .removal(let output, let at)?:
                    removedAt[output] = max(removedAt[output] ?? at, at)
                case nil:
                    damaged += 1
                }
            }
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
        for (output, time) in removedAt {
            if let newest = records[output], newest.builtAt <= time {
                records[output] = nil
                others[output] = nil  // older still
            } else if var older = others[output] {
                older.removeAll { $0.builtAt <= time }
                others[output] = older.isEmpty ? nil : older
            }
        }
    }

    /// One record read: the newest stays in `records`, the others wait in `others`.
    private func add(_ record: BuildRecord) {
        guard let existing = records[record.output] else {
            records[record.output] = record
            return
        }
        if existing == record { return }
        if existing.builtAt > record.builtAt {
            others[record.output, default: []].append(record)
        } else {
            others[record.output, default: []].append(existing)
            records[record.output] = record
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
