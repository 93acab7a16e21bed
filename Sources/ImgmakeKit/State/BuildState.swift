/// The build state in `.imgmake/` beside the top recipe file: every `log*` file there is read and merged
/// (the newest record per output wins), and this run appends to its own log file. That is what lets CI copy
/// the `.imgmake/` folders of several shards into one tree with no merge step: each shard wrote its own
/// `log.shard-K-of-N`, and the next run reads them all.
///
/// Crash safety: a record is appended, in one `write`, only after its output was renamed into place; each
/// line carries a checksum, so a torn last line (or garbage) is skipped with a warning and costs only the
/// records it held. Compaction writes a new file and renames it over the old one.
public final class BuildState {
    public static let directoryName = ".imgmake"

    public let directory: String
    /// The newest record of every output, keyed by its root-relative path.
    public private(set) var records: [String: BuildRecord] = [:]
    /// True when a build log was found and read: records can be trusted to say "never built with this recipe".
    /// False when `.imgmake/` (or any log in it) is missing or unreadable: staleness goes by modification times.
    public private(set) var isAvailable = false
    /// Problems met while loading (damaged lines, unreadable files), for the user.
    public private(set) var warnings: [String] = []

    private let disk: DiskInterface
    private let logPath: String
    private var linesInOwnLog = 0
    private var otherLogs: [String] = []
    private var logReady = false
    /// This run's log ends in a line torn by a crash (no final newline): the next append starts a new line.
    private var ownLogIsTorn = false
    private let isMainLog: Bool
    /// When each output was last removed (`x` lines), so a later record or removal is stamped after it.
    private var removedAt: [String: Int64] = [:]

    /// Loads the state of the tree rooted at `root`. `logName` is this run's own log file (`log`, or
    /// `log.shard-K-of-N` for a sharded run).
    public init(root: String, disk: DiskInterface, logName: String = "log") {
        self.disk = disk
        self.directory = PathName.join(root, Self.directoryName)
        self.logPath = PathName.join(directory, logName)
        self.isMainLog = logName == "log"
        load(ownLog: logName)
    }

    private func load(ownLog: String) {
        guard disk.isDirectory(directory) else { return }
        guard let entries = disk.list(directory) else {
            warnings.append("cannot read \(directory): deciding by modification times only")
            return
        }
        let logs = entries.map(\.name).filter { $0 == "log" || $0.hasPrefix("log.") && !$0.contains(".tmp") }.sorted()
        isAvailable = !logs.isEmpty
        for name in logs {
            let path = PathName.join(directory, name)
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
                case let .record(record)?:
                    if let existing = records[record.output], existing.builtAt > record.builtAt { continue }
                    records[record.output] = record
                case let .removal(output, at)?:
                    removedAt[output] = max(removedAt[output] ?? at, at)
                case nil:
                    damaged += 1
                }
            }
            if name == ownLog {
                linesInOwnLog = lines
                ownLogIsTorn = bytes.last.map { $0 != UInt8(ascii: "\n") } ?? false
            } else {
                otherLogs.append(path)
            }
            if damaged > 0 {
                warnings.append("\(path): skipped \(damaged) damaged record\(damaged == 1 ? "" : "s") (their outputs will be rebuilt)")
            }
        }
        for (output, time) in removedAt where (records[output]?.builtAt ?? .min) <= time {
            records[output] = nil
        }
    }

    /// Remembers a finished output (appends one line to this run's log).
    public func record(_ record: BuildRecord) throws {
        // The newest record wins on load, so this one must be stamped after what it replaces, even when the
        // clock went back (or the log came from a machine whose clock was ahead): else a reload would
        // bring the old record back.
        var record = record
        let floor = max(records[record.output]?.builtAt ?? .min, removedAt[record.output] ?? .min)
        if record.builtAt <= floor { record.builtAt = floor == .max ? .max : floor + 1 }  // a tie goes to the later line
        try ensureDirectory()
        try disk.append(logPath, BuildLogCodec.encode(record))
        records[record.output] = record
        linesInOwnLog += 1
    }

    /// Forgets an output that was removed.
    public func forget(_ output: String) throws {
        guard let existing = records[output] else { return }
        try ensureDirectory()
        let time = max(disk.now(), existing.builtAt == .max ? .max : existing.builtAt + 1)  // after the record it removes
        try disk.append(logPath, BuildLogCodec.encodeRemoval(output: output, at: time))
        removedAt[output] = time
        records[output] = nil
        linesInOwnLog += 1
    }

    /// Rewrites this run's log with one line per live record when it has grown well past that, folding the
    /// other logs in (they are deleted only after the new log is in place).
    public func compactIfNeeded(force: Bool = false) throws {
        guard isAvailable || linesInOwnLog > 0 else { return }
        guard force || linesInOwnLog + otherLogs.count * 1000 > 2 * records.count + 1000 else { return }
        var bytes = Array(BuildLogCodec.header.utf8)
        for output in records.keys.sorted() { bytes += BuildLogCodec.encode(records[output]!) }
        if !isMainLog {
            // The other logs stay: keep the removals, or their older records of removed outputs would come back.
            for (output, time) in removedAt.sorted(by: { $0.key < $1.key }) where records[output] == nil {
                bytes += BuildLogCodec.encodeRemoval(output: output, at: time)
            }
        }
        try ensureDirectory()
        try disk.writeAtomically(logPath, bytes)
        logReady = true
        if isMainLog {
            for path in otherLogs { try? disk.remove(path) }
            otherLogs = []
        }
        linesInOwnLog = records.count
    }

    private func ensureDirectory() throws {
        if !isAvailable {
            try disk.makeDirectories(directory)
            isAvailable = true
        }
        if !logReady {
            if disk.stamp(logPath) == nil {
                try disk.append(logPath, Array(BuildLogCodec.header.utf8))
            } else if ownLogIsTorn {
                try disk.append(logPath, [UInt8(ascii: "\n")])  // else the next record would be glued to the torn line
                ownLogIsTorn = false
            }
            logReady = true
        }
    }
}
