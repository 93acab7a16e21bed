import Foundation
import ImgmakeCore

/// An in-memory file system with a hand-driven clock, for tests of the graph, staleness and state.
/// Every write stamps the file with the current clock; `advance(by:)` moves the clock. Symbolic links
/// (`link`), entries that are not regular files (`makeSpecial`) and names that are not valid UTF-8
/// (`makeInvalidName`) are modelled so that the walker's handling of them runs here too.
public final class MemoryDisk: DiskInterface, @unchecked Sendable {
    private var files: [String: (bytes: [UInt8], mtime: Int64)] = [:]
    private var directories: Set<String> = ["/"]
    /// Link path → target (absolute, or relative to the link's folder), resolved like the kernel does.
    private var links: [String: String] = [:]
    /// Listed entries that are neither files, folders nor links: FIFOs, devices, bad names (by path).
    private var oddEntries: [String: DirectoryEntry] = [:]
    /// Inode numbers of directories, handed out on first use.
    private var inodes: [String: UInt64] = [:]
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

    /// Writes a file of any bytes at the current clock, creating its directories.
    public func write(_ path: String, bytes: [UInt8]) {
        lock.withLock { put(path, bytes) }
    }

    /// Sets a file's mtime without changing its content (like `touch -d`).
    public func setMtime(_ path: String, _ mtime: Int64) {
        lock.withLock { if let file = files[path] { files[path] = (file.bytes, mtime) } }
    }

    /// Makes `path` a symbolic link to `target` (absolute, or relative to the link's folder), like `ln -s`.
    public func link(_ path: String, to target: String) {
        lock.withLock {
            addDirectories(PathName.directory(of: path))
            links[path] = target
        }
    }

    /// Puts an entry that is not a regular file at `path` (`kind`: "a FIFO", "a character device" ...).
    public func makeSpecial(_ path: String, _ kind: String) {
        lock.withLock {
            addDirectories(PathName.directory(of: path))
            oddEntries[path] = DirectoryEntry(name: PathName.fileName(path), isDirectory: false, special: kind)
        }
    }

    /// Lists a name that is not valid UTF-8 at `path` (its last segment written with `\xHH` escapes, as
    /// `RealDisk` lists such a name); no other call can reach it, as no path string names it.
    public func makeInvalidName(_ path: String, isDirectory: Bool = false) {
        lock.withLock {
            addDirectories(PathName.directory(of: path))
            oddEntries[path] = DirectoryEntry(name: PathName.fileName(path), isDirectory: isDirectory, hasInvalidName: true)
        }
    }

    public func exists(_ path: String) -> Bool { lock.withLock { resolve(path).map { files[$0] != nil } ?? false } }

    public func stamp(_ path: String) -> FileStamp? {
        lock.withLock { resolve(path).flatMap { files[$0] }.map { FileStamp(mtime: $0.mtime, size: Int64($0.bytes.count)) } }
    }

    public func list(_ directory: String) -> [DirectoryEntry]? {
        lock.withLock {
            guard let directory = resolve(directory), directories.contains(directory) else { return nil }
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
            var entries = seen.map { DirectoryEntry(name: $0.key, isDirectory: $0.value) }
            for (path, _) in links where PathName.directory(of: path) == directory {
                let target = resolve(path)
                let isDirectory = target.map { directories.contains($0) } ?? false
                let isFile = target.map { files[$0] != nil } ?? false
                entries.append(DirectoryEntry(name: PathName.fileName(path), isDirectory: isDirectory, isSymbolicLink: true,
                                              special: isDirectory || isFile ? nil : "a link that leads nowhere"))
            }
            for (path, entry) in oddEntries where PathName.directory(of: path) == directory { entries.append(entry) }
            return entries.sorted { $0.name < $1.name }
        }
    }

    public func realPath(_ path: String) -> String? {
        lock.withLock { resolve(path).flatMap { files[$0] != nil || directories.contains($0) ? $0 : nil } }
    }

    public func isDirectory(_ path: String) -> Bool { lock.withLock { resolve(path).map { directories.contains($0) } ?? false } }

    public func directoryIdentity(_ path: String) -> DirectoryIdentity? {
        lock.withLock {
            guard let real = resolve(path), directories.contains(real) else { return nil }
            if let inode = inodes[real] { return DirectoryIdentity(device: 1, inode: inode) }
            let inode = UInt64(inodes.count + 2)
            inodes[real] = inode
            return DirectoryIdentity(device: 1, inode: inode)
        }
    }

    public func read(_ path: String) throws -> [UInt8] {
        try lock.withLock {
            guard let file = resolve(path).flatMap({ files[$0] }) else { throw DiskError(path, "No such file or directory") }
            return file.bytes
        }
    }

    public func writeAtomically(_ path: String, _ bytes: [UInt8]) throws { lock.withLock { put(path, bytes) } }

    public func append(_ path: String, _ bytes: [UInt8]) throws {
        lock.withLock { put(path, (resolve(path).flatMap { files[$0] }?.bytes ?? []) + bytes) }
    }

    public func makeDirectories(_ path: String) throws { lock.withLock { addDirectories(resolve(path) ?? path) } }

    public func remove(_ path: String) throws {
        lock.withLock {
            if links.removeValue(forKey: path) != nil { return }
            _ = files.removeValue(forKey: resolve(path) ?? path)
        }
    }

    public func digest(_ path: String) -> String? { (try? read(path)).map { ContentDigest.sha256(bytes: $0) } }

    public func now() -> Int64 { lock.withLock { clock } }

    private func put(_ path: String, _ bytes: [UInt8]) {
        let path = resolve(path) ?? path
        addDirectories(PathName.directory(of: path))
        files[path] = (bytes, clock)
    }

    /// `path` with every link in it followed, segment by segment like the kernel; nil after 40 links
    /// (`ELOOP`). Paths without links are returned as they are.
    private func resolve(_ path: String) -> String? {
        if links.isEmpty { return path }
        var pending = path.split(separator: "/").map(String.init)
        pending.reverse()
        var current = "/"
        var followed = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." { current = current == "/" ? "/" : PathName.directory(of: current); continue }
            let next = current == "/" ? "/" + part : current + "/" + part
            guard let target = links[next] else { current = next; continue }
            followed += 1
            if followed > 40 { return nil }
            if target.hasPrefix("/") { current = "/" }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return current
    }

    private func addDirectories(_ path: String) {
        var current = path
        while !current.isEmpty && !directories.contains(current) {
            directories.insert(current)
            current = PathName.directory(of: current)
        }
    }
}
