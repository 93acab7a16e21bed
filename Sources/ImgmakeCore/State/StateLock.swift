import Foundation
import ImgmakeRecipe

/// A disk whose files can be locked between processes. `RealDisk` is one; `MemoryDisk` is not (one test
/// process, nothing to exclude), and a session on it builds without a lock.
protocol LockingDisk {
    func lockState(directory: String, wait: Bool, interrupts: InterruptSource, notice: (String) -> Void) throws -> StateLock
}

extension RealDisk: LockingDisk {
    func lockState(directory: String, wait: Bool, interrupts: InterruptSource, notice: (String) -> Void) throws -> StateLock {
        do { try makeDirectories(directory) } catch let error as DiskError { throw StateLock.Unavailable(error: error) }
        return try StateLock(path: PathName.join(directory, StateLock.fileName), wait: wait, interrupts: interrupts, notice: notice)
    }
}

/// One imgmake at a time writes a tree's build state: an exclusive `flock` on `.imgmake/lock`, held by a build
/// (from before it decides what is stale to after its last record) and by `clean`; not by `list`, `explain`
/// or `-n`, and not by the shell while it waits at its prompt. Without it, two builds of one tree both did
/// all the work, and a compaction by one dropped what the other appended meanwhile.
///
/// The kernel releases the lock when its holder ends in any way, `kill -9` included, so it is never left
/// behind; the descriptor is close-on-exec, so worker processes do not hold it. The holder writes its PID
/// into the file, for the message of the one that waits.
final class StateLock {
    static let fileName = "lock"
    private var descriptor: Int32
    /// Another build held the lock, and this one waited for it.
    let waited: Bool

    /// Another imgmake holds the lock, and the caller asked not to wait (`--no-wait`).
    struct Busy: StatusError {
        var holder: Int32?
        var status: ExitStatus { .busy }
        var description: String {
            "another build of this tree\(holder.map { " (pid \($0))" } ?? "") is running: not waiting for it (--no-wait)"
        }
    }

    /// The lock file cannot be made or locked (a read-only tree, `.imgmake` not a folder, a file system
    /// without locks): the caller goes on without it, as it goes on without a build state it cannot read.
    struct Unavailable: Error, CustomStringConvertible {
        var error: DiskError
        var description: String { "cannot lock \(error)" }
    }

    /// Ctrl-C (or SIGTERM) while waiting for the lock.
    struct Interrupted: StatusError {
        /// The signal that stopped the wait.
        var signal: Int32
        var status: ExitStatus { .interrupted(signal: signal) }
        var description: String { "interrupted while waiting for another build of this tree" }
    }

    /// Takes the lock on `path`. When another process holds it: with `wait`, says so once through `notice`
    /// and waits (Ctrl-C, from `interrupts`, stops the wait); without, throws `Busy`.
    init(path: String, wait: Bool, interrupts: InterruptSource, notice: (String) -> Void) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Unavailable(error: DiskError.errno(path)) }
        var waiting = false
        var polls = 0
        defer { if waiting { interrupts.disarm() } }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let error = DiskError.errno(path)
                close(descriptor)
                throw Unavailable(error: error)
            }
            guard wait else {
                let holder = Self.holder(descriptor)
                close(descriptor)
                throw Busy(holder: holder)
            }
            if !waiting {
                // Polling, not a blocking flock: the shell ignores SIGINT (it reads Ctrl-C from a dispatch
                // source), so only this loop can notice that the user gave up.
                do { try interrupts.arm {} } catch {
                    close(descriptor)
                    throw error
                }
                waiting = true
            }
            // The holder writes its PID right after it took the lock: give it a moment before saying "pid ?".
            if polls == 0 || polls == 5 {
                if let holder = Self.holder(descriptor) {
                    notice("waiting for another build of this tree (pid \(holder)) to finish")
                    polls = 6
                } else if polls == 5 {
                    notice("waiting for another build of this tree to finish")
                }
            }
            polls += 1
            if interrupts.isInterrupted {
                close(descriptor)
                throw Interrupted(signal: InterruptHandler.shared.signal)
            }
            usleep(polls < 20 ? 10_000 : 50_000)
        }
        self.waited = waiting
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock (closing the descriptor does it; the file stays, for the next holder).
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The PID written into the lock file by its holder, if any.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
