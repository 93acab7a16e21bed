#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// State that threads wait on: a lock with a condition, for a thread that blocks until another changes the
/// state (a pool's worker waiting for a job, the builder for an outcome, the worker for its next request line,
/// a wait for an interrupt, the libvips users' readers–writer lock).
///
/// Plain locks are `Mutex` (this module); a `Mutex` cannot wait, hence this one condition type, used the same
/// way everywhere: every change happens in `withLock`, which wakes all waiters when it ends, and a waiter
/// re-checks what it waits for in `withLock(waitingUntil:)` (so a wake-up it did not wait for, or a spurious
/// one, is harmless).
public final class ConditionLock<State: Sendable>: @unchecked Sendable {
    // Unchecked Sendable: `state` is read and written only with `mutex` locked (in the two methods below). The
    // mutex and the condition live in memory of their own, as `Mutex`'s (a pthread condition rather than
    // Foundation's NSCondition, its wrapper: this module needs no more than FoundationEssentials).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    public init(_ state: State) {
        self.state = state
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` on the state under the lock, then wakes every waiter.
    public func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Waits until `ready` holds for the state (or `deadline` passed: `body` then sees it unready), then runs
    /// `body` under the lock and wakes every waiter.
    public func withLock<T>(
        waitingUntil ready: (State) -> Bool, deadline: Date? = nil,
        _ body: (inout State) throws -> T
    ) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        // The deadline as the condition's clock (CLOCK_REALTIME, as NSCondition's `wait(until:)`) counts it.
        let limit = deadline.map { deadline -> timespec in
            let seconds = max(0, deadline.timeIntervalSince1970)
            let whole = seconds.rounded(.down)
            return timespec(tv_sec: Int(whole), tv_nsec: min(999_999_999, Int((seconds - whole) * 1e9)))
        }
        while !ready(state) {
            if var limit {
                if pthread_cond_timedwait(condition, mutex, &limit) == ETIMEDOUT { break }
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        return try body(&state)
    }
}
