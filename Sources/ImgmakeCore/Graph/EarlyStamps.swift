import Foundation
import ImgmakeSync

/// Stamps of the files a walk finds, read on a thread of their own while the main thread goes on building the
/// graph (`BuildGraph.Options.readsStampsEarly`): a no-op of many inputs is mostly `stat` calls, and these
/// then run beside the walk, the expansion and the edges instead of after them.
///
/// The walker hands over each folder's matched files once it has listed the folder, and the graph builder
/// each folder of outputs once the rules are expanded (a copy of their names: the path table grows
/// meanwhile). `take()` gives the stamps read by then, by path ID; the checker reads the rest on all cores.
/// They are a moment older than the checker's own reads would be. A build drops them when another imgmake
/// may have written a file since the state was loaded (`Session.lockState`): it had to wait for the lock,
/// the state changed, or a killed build's `writing` marker is there. An imgmake that wrote an output either
/// recorded it (the state changed) or was killed with the marker in place.
final class EarlyStamps {
    private let disk: DiskInterface
    private let state = ConditionLock(State())
    /// The reading thread started (else nothing is read early: the checker reads everything).
    private let started: Bool

    /// One folder's files to read: made by the main thread with room for the stamps, filled by the reader,
    /// which allocates nothing (memory a second thread allocates stays in its malloc arena, out of the main
    /// thread's reach, and would add to the no-op's peak memory).
    final class Batch: @unchecked Sendable {
        // (Unchecked Sendable: `stamps` is written by the reader before it marks the batch read, under the
        // state's lock, and read by the main thread only after; the rest is set once, in `init`.)
        let folder: String
        let ids: [PathTable.ID]
        /// The names, each ended by a NUL.
        let names: [UInt8]
        /// `ids[k]`'s stamp, once read.
        let stamps: UnsafeMutableBufferPointer<FileStamp?>

        init(folder: String, ids: [PathTable.ID], names: [UInt8]) {
            self.folder = folder
            self.ids = ids
            self.names = names
            stamps = .allocate(capacity: ids.count)
            stamps.initialize(repeating: nil)
        }

        deinit { stamps.deallocate() }
    }

    private struct State: @unchecked Sendable {
        var pending: [Batch] = []
        var next = 0
        /// How many of `pending` are read (the first ones).
        var read = 0
        /// The reader is reading a batch.
        var busy = false
        /// `take()` was called (or the object went): folders not started are left to the checker, which
        /// reads them on all cores.
        var over = false
    }

    /// Starts the reading thread (a thread limit leaves every read to the checker).
    init(disk: DiskInterface) {
        self.disk = disk
        let state = state
        do {
            try CheckedThread.start(name: "imgmake-stamps", stackSize: 256 << 10) {
                Self.read(from: state, disk: disk)
            }
            started = true
        } catch {
            started = false
        }
    }

    deinit { state.withLock { $0.over = true } }

    /// Reads, on the reader's thread, the stamps of `ids`: files in `folder` whose names are `names`, one after
    /// the other, each ended by a NUL.
    func read(folder: String, ids: [PathTable.ID], names: [UInt8]) {
        guard started, !ids.isEmpty else { return }
        let batch = Batch(folder: folder, ids: ids, names: names)
        state.withLock { $0.pending.append(batch) }
    }

    /// Waits until every folder handed over so far is read (for tests, which change files only after).
    func waitForReads() {
        state.withLock(waitingUntil: { $0.over || !$0.busy && $0.next == $0.pending.count }) { _ in }
    }

    /// Returns the folders read by now (`ids[k]`'s stamp is `stamps[k]`), after waiting for the folder being
    /// read: folders not started are not read. The reads are then over: a second call returns nothing.
    func take() -> [Batch] {
        state.withLock { $0.over = true }
        return state.withLock(waitingUntil: { !$0.busy }) { state in
            defer { state.pending = [] }
            return Array(state.pending[..<state.read])
        }
    }

    /// The reading thread: one folder at a time, until `over`.
    private static func read(from state: ConditionLock<State>, disk: DiskInterface) {
        while true {
            let batch = state.withLock(waitingUntil: { $0.over || $0.next < $0.pending.count }) { state -> Batch? in
                guard !state.over else { return nil }
                state.busy = true
                state.next += 1
                return state.pending[state.next - 1]
            }
            guard let batch else { return }
            batch.names.withUnsafeBufferPointer { names in
                disk.stamps(inDirectory: batch.folder, names: names, into: batch.stamps)
            }
            state.withLock { state in
                state.read += 1
                state.busy = false
            }
        }
    }
}
