import ImgmakeCore
import ImgmakeSync

/// A `MemoryDisk` whose appends can run out of space: `appendBudget` bytes are written in all, then an append
/// writes what still fits and fails as a full disk does (a short write, then ENOSPC). Whole-file writes can run
/// out too (`writeBudget`): one larger than what is left fails as `RealDisk`'s does, leaving the old file.
package final class FaultyDisk: DiskInterface {
    package let base: MemoryDisk
    private let faults = Mutex((appendBudget: Int?.none, failedAppends: 0, writeBudget: Int?.none, failedWrites: 0))
    /// Bytes that appends may still write; nil: no limit.
    package var appendBudget: Int? {
        get { faults.withLock { $0.appendBudget } }
        set { faults.withLock { $0.appendBudget = newValue } }
    }
    package var failedAppends: Int { faults.withLock { $0.failedAppends } }
    /// Bytes that `writeAtomically` may still write; nil: no limit.
    package var writeBudget: Int? {
        get { faults.withLock { $0.writeBudget } }
        set { faults.withLock { $0.writeBudget = newValue } }
    }
    package var failedWrites: Int { faults.withLock { $0.failedWrites } }

    package init(_ base: MemoryDisk) { self.base = base }

    package func append(_ path: String, _ bytes: [UInt8]) throws {
        let budget = faults.withLock { faults -> Int? in
            guard let budget = faults.appendBudget, budget < bytes.count else {
                faults.appendBudget = faults.appendBudget.map { $0 - bytes.count }
                return nil
            }
            faults.appendBudget = 0
            faults.failedAppends += 1
            return budget
        }
        guard let budget else { return try base.append(path, bytes) }
        if budget > 0 { try base.append(path, Array(bytes.prefix(budget))) }
        throw DiskError(path, "No space left on device")
    }

    package func stamp(_ path: String) -> FileStamp? { base.stamp(path) }
    package func list(_ directory: String) -> [DirectoryEntry]? { base.list(directory) }
    package func realPath(_ path: String) -> String? { base.realPath(path) }
    package func isDirectory(_ path: String) -> Bool { base.isDirectory(path) }
    package func directoryIdentity(_ path: String) -> DirectoryIdentity? { base.directoryIdentity(path) }
    package func read(_ path: String) throws -> [UInt8] { try base.read(path) }
    package func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let fits = faults.withLock { faults -> Bool in
            guard let budget = faults.writeBudget else { return true }
            guard budget >= bytes.count else {
                faults.failedWrites += 1
                return false
            }
            faults.writeBudget = budget - bytes.count
            return true
        }
        // The temporary file is removed after the failed write; the file at `path` is untouched.
        guard fits else { throw DiskError(path + ".tmp", "No space left on device") }
        try base.writeAtomically(path, bytes)
    }
    package func map(_ path: String) throws -> MappedFile { try base.map(path) }
    package func makeDirectories(_ path: String) throws { try base.makeDirectories(path) }
    package func remove(_ path: String) throws { try base.remove(path) }
    package func rename(_ from: String, to: String) throws { try base.rename(from, to: to) }
    package func digest(_ path: String) -> String? { base.digest(path) }
    package func now() -> Int64 { base.now() }
}
