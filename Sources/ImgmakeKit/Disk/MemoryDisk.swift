import Foundation

/// An in-memory file system with a hand-driven clock, for tests of the graph, staleness and state.
/// Every write stamps the file with the current clock; `advance(by:)` moves the clock.
public final class MemoryDisk: DiskInterface, @unchecked Sendable {
    private var files: [String: (bytes: [UInt8], mtime: Int64)] = [:]
    private var directories: Set<String> = ["/"]
    private var clock: Int64
    private let lock = NSLock()

    public init(clock: Int64 = 1_700_000_000_000_000_000) { self.clock = clock }

    /// Moves the clock forward (nanoseconds).
    public func advance(by nanoseconds: Int64 = 1_000_000) {
        lock.withLock { clock += nanoseconds }
    }

    /// Writes a file at the current clock, creating its directories.
    public func write(_ path: String, _ text: String = "x") {
        lock.withLock { put(path, Array(text.utf8)) }
    }

    /// Sets a file's mtime without changing its content (like `touch -d`).
    public func setMtime(_ path: String, _ mtime: Int64) {
        lock.withLock { if let file = files[path] { files[path] = (file.bytes, mtime) } }
    }

    public func exists(_ path: String) -> Bool { lock.withLock { files[path] != nil } }

    public func stamp(_ path: String) -> FileStamp? {
        lock.withLock { files[path].map { FileStamp(mtime: $0.mtime, size: Int64($0.bytes.count)) } }
    }

    public func list(_ directory: String) -> [DirectoryEntry]? {
        lock.withLock {
            guard directories.contains(directory) else { return nil }
            let prefix = directory == "/" ? "/" : directory + "/"
            var seen: [String: Bool] = [:]
            for path in files.keys where path.hasPrefix(prefix) {
                let rest = path.dropFirst(prefix.count)
                if let slash = rest.firstIndex(of: "/") { seen[String(rest[..<slash])] = true } else { seen[String(rest)] = seen[String(rest)] ?? false }
            }
            for dir in directories where dir.hasPrefix(prefix) && dir != directory {
                let rest = dir.dropFirst(prefix.count)
                let first = rest.split(separator: "/").first.map(String.init) ?? String(rest)
                seen[first] = true
            }
            return seen.map { DirectoryEntry(name: $0.key, isDirectory: $0.value) }.sorted { $0.name < $1.name }
        }
    }

    public func realPath(_ path: String) -> String? {
        lock.withLock { files[path] != nil || directories.contains(path) ? path : nil }
    }

    public func isDirectory(_ path: String) -> Bool { lock.withLock { directories.contains(path) } }

    public func read(_ path: String) throws -> [UInt8] {
        try lock.withLock {
            guard let file = files[path] else { throw DiskError(path, "No such file or directory") }
            return file.bytes
        }
    }

    public func writeAtomically(_ path: String, _ bytes: [UInt8]) throws { lock.withLock { put(path, bytes) } }

    public func append(_ path: String, _ bytes: [UInt8]) throws {
        lock.withLock { put(path, (files[path]?.bytes ?? []) + bytes) }
    }

    public func makeDirectories(_ path: String) throws { lock.withLock { addDirectories(path) } }

    public func remove(_ path: String) throws { lock.withLock { _ = files.removeValue(forKey: path) } }

    public func digest(_ path: String) -> String? { (try? read(path)).map { ContentDigest.sha256(bytes: $0) } }

    public func now() -> Int64 { lock.withLock { clock } }

    private func put(_ path: String, _ bytes: [UInt8]) {
        addDirectories(PathName.directory(of: path))
        files[path] = (bytes, clock)
    }

    private func addDirectories(_ path: String) {
        var current = path
        while !current.isEmpty && !directories.contains(current) {
            directories.insert(current)
            current = PathName.directory(of: current)
        }
    }
}
