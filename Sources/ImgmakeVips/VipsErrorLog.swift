import Foundation

/// Gives each failing libvips call the error lines written while it ran.
///
/// libvips has one error buffer for the whole process. Some successful calls write to it too (heifload
/// leaves "FILE: bad seek to 591" while probing), and without draining the buffer fills up (its size is
/// fixed) and a later failure would report those stale lines. So every call drains the buffer into this log
/// when it ends, whatever the outcome, and a failing call takes the lines drained since it started: the lines
/// of a call that failed on another thread at the same moment stay findable by that call too. What remains
/// ambiguous is two calls failing at once; `VipsError.lines(_:excludingOtherFilesThan:)` then drops lines
/// that name another file.
enum VipsErrorLog {
    private static let lock = NSLock()
    /// Lines drained so far, oldest first, with their sequence numbers; guarded by `lock`.
    private static var recent: [(sequence: Int, line: String)] = []
    /// The sequence number the next drained line gets; guarded by `lock`.
    private static var nextSequence = 0
    /// How many lines are kept for calls still running.
    private static let capacity = 512

    /// A mark to pass to `lines(since:)`, taken when a call starts: what libvips wrote before is drained,
    /// so it falls before the mark.
    static func mark() -> Int {
        lock.lock()
        defer { lock.unlock() }
        drainLocked()
        return nextSequence
    }

    /// Moves what libvips' buffer holds into the log.
    static func drain() {
        lock.lock()
        defer { lock.unlock() }
        drainLocked()
    }

    /// The distinct lines drained since `mark` (the buffer is drained first), in order.
    static func lines(since mark: Int) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        drainLocked()
        var seen = Set<String>()
        return recent.filter { $0.sequence >= mark && seen.insert($0.line).inserted }.map(\.line)
    }

    private static func drainLocked() {
        let text = VipsRuntime.lastError()
        guard !text.isEmpty else { return }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            recent.append((nextSequence, trimmed))
            nextSequence += 1
        }
        if recent.count > capacity {
            recent.removeFirst(recent.count - capacity)
        }
    }
}
