import Foundation

/// The two queues between the builder and a pool's workers, under one lock: jobs waiting for a worker, and
/// outcomes waiting for the builder. Both pools (threads, processes) are built on it.
public final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var requests: [JobRequest] = []
    private var outcomes: [JobOutcome] = []
    private var woken = false
    /// Set by `stop()`: workers take no more jobs.
    public private(set) var isStopping = false

    public init() {}

    /// Runs `body` under the queue's lock (for a pool's own state that must change with the queues).
    public func withLock<T>(_ body: () throws -> T) rethrows -> T { try condition.withLock(body) }

    public func submit(_ request: JobRequest) {
        condition.withLock {
            requests.append(request)
            condition.broadcast()
        }
    }

    /// For the builder: blocks until an outcome is ready (or `wake()` was called: nil).
    public func nextOutcome() -> JobOutcome? {
        condition.withLock {
            while outcomes.isEmpty && !woken { condition.wait() }
            if woken && outcomes.isEmpty {
                woken = false
                return nil
            }
            return outcomes.removeFirst()
        }
    }

    /// Makes a waiting `nextOutcome()` return; `also` runs under the lock.
    public func wake<T>(also: () -> T) -> T {
        condition.withLock {
            woken = true
            condition.broadcast()
            return also()
        }
    }

    /// Workers take no more jobs once the queue is empty; `also` runs under the lock.
    public func stop<T>(also: () -> T) -> T {
        condition.withLock {
            isStopping = true
            condition.broadcast()
            return also()
        }
    }

    /// For a worker: blocks until there is a job, or returns nil once the pool stops.
    public func take() -> JobRequest? {
        condition.withLock {
            while requests.isEmpty && !isStopping { condition.wait() }
            return requests.isEmpty ? nil : requests.removeFirst()
        }
    }

    /// For a worker: hands an outcome to the builder; `also` runs under the lock.
    public func deliver(_ outcome: JobOutcome, also: () -> Void = {}) {
        condition.withLock {
            also()
            outcomes.append(outcome)
            condition.broadcast()
        }
    }
}
