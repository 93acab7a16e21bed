import Foundation
import ImgmakeCore
import ImgmakeRecipe
import ImgmakeSync

/// An in-memory file system with a hand-driven clock, for tests of the graph, staleness and state.
/// Every write stamps the file with the current clock; `advance(by:)` moves the clock. Symbolic links
/// (`link`), entries that are not regular files (`makeSpecial`) and names that are not valid UTF-8
/// (`makeInvalidName`) are modelled so that the walker's handling of them runs here too.
package final class MemoryDisk: DiskInterface, Sendable {
    /// The files, folders and clock; every method works on them under the lock.
    fileprivate struct Storage {
        var files: [String: (bytes: [UInt8], mtime: Int64)] = [:]
        var directories: Set<String> = ["/"]
        /// Link path → target (absolute, or relative to the link's folder), resolved like the kernel does.
        var links: [String: String] = [:]
        /// Listed entries that are neither files, folders nor links: FIFOs, devices, bad names (by path).
        var oddEntries: [String: DirectoryEntry] = [:]
        /// Inode numbers of directories, handed out on first use.
        var inodes: [String: UInt64] = [:]
        var clock: Int64
    }
    private let storage: Mutex<Storage>

    package init(clock: Int64 = 1_700_000_000_000_000_000) { storage = Mutex(Storage(clock: clock)) }

    /// Moves the clock forward (nanoseconds).
    package func advance(by nanoseconds: Int64 = 1_000_000) {
        storage.withLock { s in s.clock += nanoseconds }
    }

    /// Writes a file at the current clock, creating its directories.
    package func write(_ path: String, _ text: String = "x") {
        storage.withLock { s in s.put(path, Array(text.utf8)) }
    }

    /// Writes a file of any bytes at the current clock, creating its directories.
    package func write(_ path: String, bytes: [UInt8]) {
        storage.withLock { s in s.put(path, bytes) }
    }

    /// Sets a file's mtime without changing its content (like `touch -d`).
    package func setMtime(_ path: String, _ mtime: Int64) {
        storage.withLock { s in if let file = s.files[path] { s.files[path] = (file.bytes, mtime) } }
    }

    /// Makes `path` a symbolic link to `target` (absolute, or relative to the link's folder), like `ln -s`.
    package func link(_ path: String, to target: String) {
        storage.withLock { s in
            s.addDirectories(PathName.directory(of: path))
            s.links[path] = target
        }
    }

    /// Puts an entry that is not a regular file at `path` (`kind`: "a FIFO", "a character device" ...).
    package func makeSpecial(_ path: String, _ kind: String) {
        storage.withLock { s in
            s.addDirectories(PathName.directory(of: path))
            s.oddEntries[path] = DirectoryEntry(name: PathName.fileName(path), isDirectory: false, special: kind)
        }
    }

    /// Lists a name that is not valid UTF-8 at `path` (its last segment written with `\xHH` escapes, as
    /// `RealDisk` lists such a name); no other call can reach it, as no path string names it.
    package func makeInvalidName(_ path: String, isDirectory: Bool = false) {
        storage.withLock { s in
            s.addDirectories(PathName.directory(of: path))
            s.oddEntries[path] = DirectoryEntry(name: PathName.fileName(path), isDirectory: isDirectory, hasInvalidName: true)
        }
    }

    package func exists(_ path: String) -> Bool { storage.withLock { s in s.resolve(path).map { s.files[$0] != nil } ?? false } }

    package func stamp(_ path: String) -> FileStamp? {
        storage.withLock { s in s.resolve(path).flatMap { s.files[$0] }.map { FileStamp(mtime: $0.mtime, size: Int64($0.bytes.count)) } }
    }

    package func list(_ directory: String) -> [DirectoryEntry]? {
        storage.withLock { s in
            guard let directory = s.resolve(directory), s.directories.contains(directory) else { return nil }
            let prefix = directory == "/" ? "/" : directory + "/"
            var seen: [String: Bool] = [:]
            for path in s.files.keys where path.hasPrefix(prefix) {
                let rest = path.dropFirst(prefix.count)
                if let slash = rest.firstIndex(of: "/") {
                    seen[String(rest[..<slash])] = true
                } else {
                    seen[String(rest)] = seen[String(rest)] ?? false
                }
            }
            for dir in s.directories where dir.hasPrefix(prefix) && dir != directory {
                let rest = dir.dropFirst(prefix.count)
                let first = rest.split(separator: "/").first.map(String.init) ?? String(rest)
                seen[first] = true
            }
            var entries = seen.map { DirectoryEntry(name: $0.key, isDirectory: $0.value) }
            for (path, _) in s.links where PathName.directory(of: path) == directory {
                let target = s.resolve(path)
                let isDirectory = target.map { s.directories.contains($0) } ?? false
                let isFile = target.map { s.files[$0] != nil } ?? false
                entries.append(
                    DirectoryEntry(
                        name: PathName.fileName(path), isDirectory: isDirectory, isSymbolicLink: true,
                        special: isDirectory || isFile ? nil : "a link that leads nowhere"))
            }
            for (path, entry) in s.oddEntries where PathName.directory(of: path) == directory { entries.append(entry) }
            return entries.sorted { $0.name < $1.name }
        }
    }

    package func realPath(_ path: String) -> String? {
        storage.withLock { s in s.resolve(path).flatMap { s.files[$0] != nil || s.directories.contains($0) ? $0 : nil } }
    }

    package func isDirectory(_ path: String) -> Bool {
        storage.withLock { s in s.resolve(path).map { s.directories.contains($0) } ?? false }
    }

    package func directoryIdentity(_ path: String) -> DirectoryIdentity? {
        storage.withLock { s in
            guard let real = s.resolve(path), s.directories.contains(real) else { return nil }
            if let inode = s.inodes[real] { return DirectoryIdentity(device: 1, inode: inode) }
            let inode = UInt64(s.inodes.count + 2)
            s.inodes[real] = inode
            return DirectoryIdentity(device: 1, inode: inode)
        }
    }

    package func read(_ path: String) throws -> [UInt8] {
        try storage.withLock { s in
            guard let file = s.resolve(path).flatMap({ s.files[$0] }) else { throw DiskError(path, "No such file or directory") }
            return file.bytes
        }
    }

    /// A copy of the file's bytes (nothing is mapped: a later write does not change them, as with a rename).
    package func map(_ path: String) throws -> MappedFile { MappedFile(copying: try read(path)) }

    package func writeAtomically(_ path: String, _ bytes: [UInt8]) throws { storage.withLock { s in s.put(path, bytes) } }

    package func append(_ path: String, _ bytes: [UInt8]) throws {
        storage.withLock { s in s.put(path, (s.resolve(path).flatMap { s.files[$0] }?.bytes ?? []) + bytes) }
    }

    package func makeDirectories(_ path: String) throws { storage.withLock { s in s.addDirectories(s.resolve(path) ?? path) } }

    package func remove(_ path: String) throws {
        storage.withLock { s in
            if s.links.removeValue(forKey: path) != nil { return }
            _ = s.files.removeValue(forKey: s.resolve(path) ?? path)
        }
    }

    package func rename(_ from: String, to: String) throws {
        try storage.withLock { s in
            guard let source = s.resolve(from), let file = s.files.removeValue(forKey: source) else {
                throw DiskError(from, "No such file or directory")
            }
            s.put(to, file.bytes)
            s.files[to]?.mtime = file.mtime
        }
    }

    package func digest(_ path: String) -> String? { (try? read(path)).map { ContentDigest.sha256(bytes: $0) } }

    package func now() -> Int64 { storage.withLock { s in s.clock } }
}

extension MemoryDisk.Storage {
    mutating func put(_ path: String, _ bytes: [UInt8]) {
        let path = resolve(path) ?? path
        addDirectories(PathName.directory(of: path))
        files[path] = (bytes, clock)
    }

    /// `path` with every link in it followed, segment by segment like the kernel; nil after 40 links
    /// (`ELOOP`). Paths without links are returned as they are.
    func resolve(_ path: String) -> String? {
        if links.isEmpty { return path }
        var pending = path.split(separator: "/").map(String.init)
        pending.reverse()
        var current = "/"
        var followed = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." {
                current = current == "/" ? "/" : PathName.directory(of: current)
                continue
            }
            let next = current == "/" ? "/" + part : current + "/" + part
            guard let target = links[next] else {
                current = next
                continue
            }
            followed += 1
            if followed > 40 { return nil }
            if target.hasPrefix("/") { current = "/" }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return current
    }

    mutating func addDirectories(_ path: String) {
        var current = path
        while !current.isEmpty && !directories.contains(current) {
            directories.insert(current)
            current = PathName.directory(of: current)
        }
    }
}
