/// What else limits how many jobs run at once, besides `-j`: a GNU make jobserver (imgmake under `make -j`,
/// `MakeJobserver`) and `-l LOAD` (`LoadLimit`). The builder asks before it starts each job, and says when
/// one ended; the first job always runs (a make client's own token), so a build never stops for want of one.
package protocol JobSlots: AnyObject {
    /// Whether one more job may start now, with `running` jobs running; takes what it needs (a token).
    func acquire(running: Int) -> Bool
    /// A job ended and `running` still run: gives back what is no longer needed.
    func release(running: Int)
}

/// Several limits at once: a job starts when every one allows it.
package final class CombinedSlots: JobSlots {
    private let limits: [JobSlots]
    package init(_ limits: [JobSlots]) { self.limits = limits }

    package func acquire(running: Int) -> Bool {
        for (index, limit) in limits.enumerated() where !limit.acquire(running: running) {
            // Give back what the limits before it took for this job.
            for earlier in limits[..<index] { earlier.release(running: running) }
            return false
        }
        return true
    }

    package func release(running: Int) {
        for limit in limits { limit.release(running: running) }
    }
}

/// `-l LOAD` (make's `--load-average`): no new job while the system's load average is at least LOAD, unless
/// none is running.
package final class LoadLimit: JobSlots {
    private let limit: Double
    private let loadAverage: () -> Double?

    package init(_ limit: Double, loadAverage: @escaping () -> Double?) {
        self.limit = limit
        self.loadAverage = loadAverage
    }

    package func acquire(running: Int) -> Bool {
        guard running > 0, let load = loadAverage() else { return true }
        return load < limit
    }

    package func release(running: Int) {}
}
