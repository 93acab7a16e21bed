import ImgmakeCore
import Synchronization

/// A `MemoryDisk` whose appends can run out of space: `appendBudget` bytes are written in all, then an append
/// writes what still fits and fails as a full disk does (a short write, then ENOSPC).
public final class FaultyDisk: DiskInterface {
    public let base: MemoryDisk
    private let faults = Mutex((appendBudget: Int?.none, failedAppends: 0))
    /// Bytes that appends may still write; nil: no limit.
    public var appendBudget: Int? {
        get { faults.withLock { $0.appendBudget } }
        set { faults.withLock { $0.appendBudget = newValue } }
    }
    public var failedAppends: Int { faults.withLock { $0.failedAppends } }

    public init(_ base: MemoryDisk) { self.base = base }

    public func append(_ path: String, _ bytes: [UInt8]) throws {
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

    public func stamp(_ path: String) -> FileStamp? { base.stamp(path) }
    public func list(_ directory: String) -> [DirectoryEntry]? { base.list(directory) }
    public func realPath(_ path: String) -> String? { base.realPath(path) }
    public func isDirectory(_ path: String) -> Bool { base.isDirectory(path) }
    public func directoryIdentity(_ path: String) -> DirectoryIdentity? { base.directoryIdentity(path) }
    public func read(_ path: String) throws -> [UInt8] { try base.read(path) }
    public func writeAtomically(_ path: String, _ bytes: [UInt8]) throws { try base.writeAtomically(path, bytes) }
    public func makeDirectories(_ path: String) throws { try base.makeDirectories(path) }
    public func remove(_ path: String) throws { try base.remove(path) }
    public func digest(_ path: String) -> String? { base.digest(path) }
    public func now() -> Int64 { base.now() }
}
