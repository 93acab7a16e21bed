#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The lock of imgmake's shared state: the value lives inside and is reached only under the lock, with the API
/// of the standard library's `Synchronization.Mutex` (`Mutex(value)`, `withLock { state in ... }`).
///
/// A pthread mutex rather than `Synchronization.Mutex`: on Linux that one waits in the kernel (FUTEX_LOCK_PI)
/// when the lock is contended, which ThreadSanitizer cannot see, so every contended lock was reported as a
/// race (56 "Swift access race" reports in CI's sanitizer run, all inside `withLock`). ThreadSanitizer
/// intercepts pthread mutexes, so real races stay visible.
public final class Mutex<Value>: @unchecked Sendable {
    // Unchecked Sendable: the value is read and written only between `pthread_mutex_lock` and `_unlock`, in
    // `withLock` (as the standard library's Mutex, it is Sendable whatever it holds). It lives in memory of its
    // own, not in a stored property: a property's inout access is a Swift "variable access" that
    // ThreadSanitizer matched against other threads' reads of the object before they took the lock (for a
    // `Mutex(())`, whose value has no bytes, at the object's own address).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    public init(_ value: Value) {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        self.value.initialize(to: value)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` on the value under the lock.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
