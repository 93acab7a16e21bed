import Foundation
import ImgmakeSync

/// The two queues between the builder and a pool's workers, under one lock: jobs waiting for a worker, and
/// outcomes waiting for the builder. Both pools (threads, processes) are built on it. `Pool` is the pool's
/// own state that must change with the queues (the process pool's busy workers), kept under the same lock.
package final class JobQueue<Pool: Sendable>: Sendable {
    private struct State: Sendable {
        var requests: [JobRequest] = []
        var outcomes: [JobOutcome] = []
        var woken = false
        /// Set by `stop()`: workers take no more jobs.
        var isStopping = false
        var pool: Pool
    }

    /// A `ConditionLock`: the builder waits for outcomes, the workers for jobs.
    private let state: ConditionLock<State>

    package init(pool: Pool) { state = ConditionLock(State(pool: pool)) }

    /// Set by `stop()`: workers take no more jobs.
    package var isStopping: Bool { state.withLock { $0.isStopping } }

    /// Runs `body` on the pool's state under the queue's lock.
    package func withPool<T>(_ body: (inout Pool) throws -> T) rethrows -> T { try state.withLock { try body(&$0.pool) } }

    package func submit(_ request: JobRequest) {
        state.withLock { $0.requests.append(request) }
    }

    /// For the builder: blocks until an outcome is ready (or `wake()` was called: nil).
    package func nextOutcome() -> JobOutcome? {
        state.withLock(waitingUntil: { !$0.outcomes.isEmpty || $0.woken }) { state in
            if state.woken && state.outcomes.isEmpty {
                state.woken = false
                return nil
            }
            return state.outcomes.removeFirst()
        }
    }

    /// Makes a waiting `nextOutcome()` return; `also` runs under the lock.
    package func wake<T>(also: (inout Pool) -> T) -> T {
        state.withLock { state in
            state.woken = true
            return also(&state.pool)
        }
    }

    /// Workers take no more jobs once the queue is empty; `also` runs under the lock.
    package func stop<T>(also: (inout Pool) -> T) -> T {
        state.withLock { state in
            state.isStopping = true
            return also(&state.pool)
        }
    }

    /// For a worker: blocks until there is a job, or returns nil once the pool stops.
    package func take() -> JobRequest? {
        state.withLock(waitingUntil: { !$0.requests.isEmpty || $0.isStopping }) { state in
            state.requests.isEmpty ? nil : state.requests.removeFirst()
        }
    }

    /// For a worker: hands an outcome to the builder; `also` runs under the lock.
    package func deliver(_ outcome: JobOutcome, also: (inout Pool) -> Void = { _ in }) {
        state.withLock { state in
            also(&state.pool)
            state.outcomes.append(outcome)
        }
    }
}

extension JobQueue where Pool == Void {
    /// A queue for a pool without state of its own.
    package convenience init() { self.init(pool: ()) }

    package func wake() { wake { _ in } }

    package func stop() { stop { _ in } }
}
