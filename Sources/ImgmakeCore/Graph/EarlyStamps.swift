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
    private let state = ConditionLock(State())
    /// The reading thread started (else nothing is read early: the checker reads everything).
    private let started: Bool

    private struct Batch {
        var folder: String
        var ids: [PathTable.ID]
        var names: [UInt8]
    }

    private struct State {
        var pending: [Batch] = []
        var next = 0
        var found: [(ids: [PathTable.ID], stamps: [FileStamp?])] = []
        /// The reader is reading a batch.
        var busy = false
        /// `take()` was called (or the object went): folders not started are left to the checker, which
        /// reads them on all cores.
        var over = false
    }

    /// Starts the reading thread (a thread limit leaves every read to the checker).
    init(disk: DiskInterface) {
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
        state.withLock { $0.pending.append(Batch(folder: folder, ids: ids, names: names)) }
    }

    /// Waits until every folder handed over so far is read (for tests, which change files only after).
    func waitForReads() {
        state.withLock(waitingUntil: { $0.over || !$0.busy && $0.next == $0.pending.count }) { _ in }
    }

    /// Returns the stamps read by now, by path ID (each path once), after waiting for the folder being read:
    /// folders not started are not read. The reads are then over: a second call returns nothing.
    func take() -> [(id: PathTable.ID, stamp: FileStamp?)] {
        state.withLock { $0.over = true }
        return state.withLock(waitingUntil: { !$0.busy }) { state in
            var result: [(id: PathTable.ID, stamp: FileStamp?)] = []
            result.reserveCapacity(state.found.reduce(0) { $0 + $1.ids.count })
            for batch in state.found {
                for (id, stamp) in zip(batch.ids, batch.stamps) { result.append((id, stamp)) }
            }
            state.found = []
            state.pending = []
            return result
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
            let stamps = batch.names.withUnsafeBufferPointer { bytes -> [FileStamp?] in
                guard let base = bytes.baseAddress else { return [] }
                var pointers: [UnsafePointer<CChar>] = []
                pointers.reserveCapacity(batch.ids.count)
                var start = 0
                for (offset, byte) in bytes.enumerated() where byte == 0 {
                    pointers.append(UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self))
                    start = offset + 1
                }
                return disk.stamps(inDirectory: batch.folder, names: pointers)
            }
            state.withLock { state in
                state.found.append((batch.ids, stamps))
                state.busy = false
            }
        }
    }
}
