import Foundation
import ImgmakeJob
import ImgmakeSync

/// Gives each failing libvips call the error lines written while it ran.
///
/// libvips has one error buffer for the whole process. Some successful calls write to it too (heifload
/// leaves "FILE: bad seek to 591" while probing), and without draining the buffer fills up (its size is
/// fixed) and a later failure would report those stale lines. So every call drains the buffer into this log
/// when it ends, whatever the outcome, and a failing call takes the lines drained since it started.
///
/// Those lines are the call's own only when nothing else used libvips meanwhile: a loader failing on
/// another thread writes to the same buffer, from that thread or from libvips' worker threads. Lines do
/// not say whose they are, so no filter can tell them apart; `sharing` and `exclusively` make it exact
/// instead (see `sharing`).
enum VipsErrorLog {
    /// Lines drained so far, oldest first, with their sequence numbers, and the sequence number the next
    /// drained line gets.
    private struct Drained {
        var recent: [(sequence: Int, line: String)] = []
        var nextSequence = 0
    }
    private static let drained = Mutex(Drained())
    /// How many lines are kept for calls still running.
    private static let capacity = 512

    /// A mark to pass to `lines(since:)`, taken when a call starts: what libvips wrote before is drained,
    /// so it falls before the mark.
    static func mark() -> Int {
        drained.withLock { log in
            drainLocked(&log)
            return log.nextSequence
        }
    }

    /// Moves what libvips' buffer holds into the log.
    static func drain() {
        drained.withLock { drainLocked(&$0) }
    }

    /// The distinct lines drained since `mark` (the buffer is drained first), in order.
    static func lines(since mark: Int) -> [String] {
        drained.withLock { log in
            drainLocked(&log)
            var seen = Set<String>()
            return log.recent.filter { $0.sequence >= mark && seen.insert($0.line).inserted }.map(\.line)
        }
    }

    private static func drainLocked(_ log: inout Drained) {
        let text = VipsRuntime.lastError()
        guard !text.isEmpty else { return }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            log.recent.append((log.nextSequence, trimmed))
            log.nextSequence += 1
        }
        if log.recent.count > capacity {
            log.recent.removeFirst(log.recent.count - capacity)
        }
    }

    // MARK: Who uses libvips

    /// Runs `body`, which calls libvips, as one user among others; returns its result and whether it had
    /// libvips to itself from start to end (no other user was inside `sharing` or `exclusively` meanwhile).
    ///
    /// Every function of this module that calls libvips runs inside `sharing` (a job, a loader lookup, a
    /// single operation; nested uses on one thread count once). The error lines a user reads are then
    /// exactly its own when it was alone: libvips writes to the buffer only while some call runs, every
    /// call runs inside a user, and libvips' worker threads work only for the call that started them, which
    /// waits for them before it returns. A failure that was not alone is run again `exclusively`.
    static func sharing<T>(_ body: () throws -> T) -> (result: Result<T, Error>, alone: Bool) {
        if Users.depth > 0 { return (Result(catching: body), false) }
        let ticket = Users.enterShared()
        Users.depth = 1
        let result = Result(catching: body)
        Users.depth = 0
        return (result, Users.leaveShared(ticket))
    }

    /// `sharing` for a call that does not need to know whether it was alone.
    static func shared<T>(_ body: () throws -> T) rethrows -> T {
        if Users.depth > 0 { return try body() }
        let ticket = Users.enterShared()
        Users.depth = 1
        defer {
            Users.depth = 0
            _ = Users.leaveShared(ticket)
        }
        return try body()
    }

    /// Runs `body` while no other user of libvips runs: it waits for the users inside `sharing` to leave,
    /// and new ones wait for it to end. Everything libvips writes to its error buffer meanwhile comes from
    /// `body`. Must not be called from inside `sharing` (that would wait for itself): it then runs `body`
    /// without the exclusion.
    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        if Users.depth > 0 { return try body() }
        Users.enterExclusive()
        Users.depth = 1
        defer {
            Users.depth = 0
            Users.leaveExclusive()
        }
        return try body()
    }

    /// The users of libvips: a readers–writer lock that prefers the writer (an exclusive run waits only for
    /// the users already inside), and counts entries so that a user can tell whether another came in.
    private enum Users {
        /// A `ConditionLock`: users wait for an exclusive run to end, an exclusive run for the users inside.
        private struct Counts {
            var inside = 0
            var exclusiveRunning = false
            var exclusiveWaiting = 0
            /// Entries into `sharing` so far.
            var entries = 0
        }
        private static let counts = ConditionLock(Counts())

        /// An entry: whether others were inside when it came in, and the entry count then.
        struct Ticket {
            var othersInside: Bool
            var entry: Int
        }

        static func enterShared() -> Ticket {
            counts.withLock(waitingUntil: { !$0.exclusiveRunning && $0.exclusiveWaiting == 0 }) { counts in
                let ticket = Ticket(othersInside: counts.inside > 0, entry: counts.entries)
                counts.inside += 1
                counts.entries += 1
                return ticket
            }
        }

        /// Leaves; true when nobody else was inside at any time since the ticket's entry.
        static func leaveShared(_ ticket: Ticket) -> Bool {
            counts.withLock { counts in
                counts.inside -= 1
                return !ticket.othersInside && counts.entries == ticket.entry + 1
            }
        }

        static func enterExclusive() {
            counts.withLock { $0.exclusiveWaiting += 1 }
            counts.withLock(waitingUntil: { !$0.exclusiveRunning && $0.inside == 0 }) { counts in
                counts.exclusiveWaiting -= 1
                counts.exclusiveRunning = true
            }
        }

        static func leaveExclusive() {
            counts.withLock { $0.exclusiveRunning = false }
        }

        /// How deep this thread is inside `sharing`/`exclusively` (0: outside).
        static var depth: Int {
            get { Int(bitPattern: pthread_getspecific(depthKey)) }
            set { pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: newValue)) }
        }

        private static let depthKey: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            return key
        }()
    }
}
