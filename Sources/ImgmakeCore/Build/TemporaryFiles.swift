import Foundation
import ImgmakeRecipe
import ImgmakeSync

/// The temporary files being written right now, so that an interrupted build can remove them.
package final class TemporaryFiles: Sendable {
    package static let shared = TemporaryFiles()
    /// The paths registered, and the last number given to a name.
    private let state = Mutex((paths: Set<String>(), counter: 0))

    /// A fresh hidden name in the output's directory: `.NAME.imgmake-PID-START-N.tmp`, where START is when this
    /// process started (so a later process that reuses the PID is not taken for the writer). Hidden, so no
    /// glob matches it.
    package func make(for output: String, keepingExtension: Bool = false) -> String {
        let n = state.withLock { state -> Int in
            state.counter += 1
            return state.counter
        }
        let directory = PathName.directory(of: output)
        let ext = keepingExtension && !PathName.fileExtension(output).isEmpty ? "." + PathName.fileExtension(output) : ""
        let path = PathName.join(
            directory, ".\(PathName.fileName(output)).imgmake-\(getpid())-\(ProcessStart.own)-\(n).tmp\(ext)")
        state.withLock { _ = $0.paths.insert(path) }
        return path
    }

    package func release(_ path: String) { state.withLock { _ = $0.paths.remove(path) } }

    /// Unlinks every temporary still registered (async-signal-tolerant enough for a last-resort exit path).
    package func removeAll() {
        let all = state.withLock { $0.paths }
        for path in all { unlink(path) }
    }
}

extension TemporaryFiles {
    /// The marker in `.imgmake/` that is there from before a build's first job until all its jobs have ended:
    /// after a build that was killed (`kill -9`, a power cut), it tells the next run to look for the temporaries
    /// left behind. Without it a run lists no folder of outputs for them.
    static let markerName = "writing"

    /// Removes temporaries that a killed imgmake left behind (`kill -9` gives no chance to clean up) in the
    /// given directories: hidden `.NAME.imgmake-PID-START-N.tmp` files whose writer is gone. The writer is
    /// the process PID only if it started at START: PIDs are reused (this machine's `pid_max` is 32,768, and
    /// a build with many workers goes through them fast), and a temporary whose dead writer's PID had been
    /// reused was left behind (found by scripts/stress.sh). Names without START (older imgmake) go by the PID.
    /// Returns how many were removed, and how many were kept because their writer is running.
    static func removeStale(in directories: Set<String>, disk: DiskInterface) -> (removed: Int, running: Int) {
        var removed = 0
        var running = 0
        for directory in directories {
            for entry in disk.list(directory) ?? []
            where entry.name.utf8.first == UInt8(ascii: ".") && entry.name.contains(".tmp") {
                guard let writer = writer(ofTemporary: entry.name) else { continue }
                if ProcessStart.isRunning(writer.pid, startedAt: writer.start) {
                    running += 1
                } else if (try? disk.remove(PathName.join(directory, entry.name))) != nil {
                    removed += 1
                }
            }
        }
        return (removed, running)
    }

    /// Removes the temporaries of `output` that process `pid` named (a worker that died mid-job).
    package static func remove(of output: String, writtenBy pid: pid_t) {
        let directory = PathName.directory(of: output).isEmpty ? "." : PathName.directory(of: output)
        let prefix = ".\(PathName.fileName(output)).imgmake-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) && writer(ofTemporary: name)?.pid == pid {
            unlink(PathName.join(directory, name))
        }
    }

    /// The PID and start time (when the name has one) of the process that named a temporary file
    /// (`….imgmake-PID-START-N.tmp`, or `.tmp.EXT`).
    static func writer(ofTemporary name: String) -> (pid: Int32, start: UInt64?)? {
        guard let marker = name.range(of: ".imgmake-", options: .backwards),
            let tmp = name.range(of: ".tmp", options: .backwards, range: marker.upperBound..<name.endIndex),
            tmp.upperBound == name.endIndex
                || (name[tmp.upperBound] == "." && !name[name.index(after: tmp.upperBound)...].contains("."))
        else { return nil }
        let numbers = name[marker.upperBound..<tmp.lowerBound].split(separator: "-")
        guard numbers.count == 2 || numbers.count == 3, let pid = Int32(numbers[0]), pid > 0,
            numbers.allSatisfy({ UInt64($0) != nil })
        else { return nil }
        return (pid, numbers.count == 3 ? UInt64(numbers[1]) : nil)
    }
}

/// When processes started (`/proc/PID/stat` field 22, in clock ticks since boot): a PID and its start time
/// name one process for good, where a PID alone may name a later one.
enum ProcessStart {
    /// This process' start time (0 when /proc cannot tell).
    static let own: UInt64 = of(getpid())?.start ?? 0

    /// The state letter and start time of a process, or nil when there is no such process.
    static func of(_ pid: Int32) -> (state: Character, start: UInt64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "PID (COMM) ": field 3 (state) is the first; field 22 (starttime) the 20th.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 20, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }

    /// Whether the process that wrote with this PID (and start time, when known) is still running. This
    /// process counts as running; a zombie does not; without /proc, any process with the PID does.
    static func isRunning(_ pid: Int32, startedAt start: UInt64?) -> Bool {
        if pid == getpid() { return start == nil || start == 0 || start == own }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let process = of(pid) else { return true }
        if process.state == "Z" || process.state == "X" { return false }
        guard let start, start != 0 else { return true }
        return process.start == start
    }
}
