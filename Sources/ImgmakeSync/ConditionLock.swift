import Foundation

/// State that threads wait on: a lock with a condition, for a thread that blocks until another changes the
/// state (a pool's worker waiting for a job, the builder for an outcome, the worker for its next request line,
/// a wait for an interrupt, the libvips users' readers–writer lock).
///
/// Plain locks are `Mutex` (this module); a `Mutex` cannot wait, hence this one condition type, used the same
/// way everywhere: every change happens in `withLock`, which wakes all waiters when it ends, and a waiter
/// re-checks what it waits for in `withLock(waitingUntil:)` (so a wake-up it did not wait for, or a spurious
/// one, is harmless).
public final class ConditionLock<State: Sendable>: @unchecked Sendable {
    // Unchecked Sendable: `state` is read and written only with `condition` locked (in the two methods below).
    private let condition = NSCondition()
    private var state: State

    public init(_ state: State) { self.state = state }

    /// Runs `body` on the state under the lock, then wakes every waiter.
    public func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&state)
    }

    /// Waits until `ready` holds for the state (or `deadline` passed: `body` then sees it unready), then runs
    /// `body` under the lock and wakes every waiter.
    public func withLock<T>(
        waitingUntil ready: (State) -> Bool, deadline: Date? = nil,
        _ body: (inout State) throws -> T
    ) rethrows -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        while !ready(state) {
            if let deadline {
                if !condition.wait(until: deadline) { break }
            } else {
                condition.wait()
            }
        }
        return try body(&state)
    }
}
