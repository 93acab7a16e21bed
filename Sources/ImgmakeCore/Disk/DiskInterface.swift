import Foundation
import ImgmakeRecipe

/// A file's modification time (nanoseconds since the epoch) and size: what staleness compares.
package struct FileStamp: Hashable, Sendable, Codable {
    var mtime: Int64
    package var size: Int64
    package init(mtime: Int64, size: Int64) {
        self.mtime = mtime
        self.size = size
    }
}

/// One name in a directory listing.
package struct DirectoryEntry: Hashable, Sendable {
    /// The name; when it is not valid UTF-8 (`hasInvalidName`), the name with each bad byte written `\xe9`,
    /// for messages only (no file has that name).
    package var name: String
    /// A directory, or a link to one.
    package var isDirectory: Bool
    /// The entry itself is a symbolic link.
    package var isSymbolicLink: Bool
    /// What the entry is when it is neither a regular file, a directory, nor a link to one of them
    /// ("a FIFO", "a character device", "a socket", "a link to nothing" ...): such an entry is never an input.
    package var special: String?
    /// The name is not valid UTF-8, so no path string can name it (see `name`).
    package var hasInvalidName: Bool
    package init(
        name: String, isDirectory: Bool, isSymbolicLink: Bool = false, special: String? = nil,
        hasInvalidName: Bool = false
    ) {
        self.name = name
        self.isDirectory = isDirectory
        self.isSymbolicLink = isSymbolicLink
        self.special = special
        self.hasInvalidName = hasInvalidName
    }
}

/// The names of a directory's regular files (by the listing's type: a link is not one; hidden names
/// included, each valid UTF-8) as bytes, in the listing's order (`sort()` puts them in byte order), and whether the directory holds anything else (a
/// folder, a link, a special file, an entry the listing gives no type, a name that is not UTF-8), of which
/// `DiskInterface.list` says more. A folder of photos is listed without a `String` per file.
package struct FileNames: Sendable {
    /// Each name's bytes, then a NUL.
    package private(set) var bytes: [UInt8] = []
    /// Where each name starts in `bytes`, and where the next would.
    package private(set) var starts: [Int32] = [0]
    /// The directory holds entries that are not listed here.
    package var hasOthers = false

    package init() {}

    package var count: Int { starts.count - 1 }

    /// Name `index`, without its NUL.
    package func name(_ index: Int) -> Range<Int> { Int(starts[index])..<Int(starts[index + 1]) - 1 }

    /// Adds a name (without a NUL).
    package mutating func append<Name: Collection<UInt8>>(_ name: Name) {
        bytes.append(contentsOf: name)
        bytes.append(0)
        starts.append(Int32(bytes.count))
    }

    /// Puts the names in byte order (a shorter name before the longer it begins): by their first 8 bytes as
    /// one number, then by the rest.
    package mutating func sort() {
        let count = count
        guard count > 1 else { return }
        var order = [Int32](0..<Int32(count))
        let sorted = bytes.withUnsafeBufferPointer { bytes -> Bool in
            starts.withUnsafeBufferPointer { starts -> Bool in
                guard let base = bytes.baseAddress else { return true }
                // The first 8 bytes, big-endian, NULs after a shorter name: equal keys mean both names are
                // 8 bytes long or more (no two names are equal), so the rest compares from byte 8.
                var keys = [UInt64](repeating: 0, count: count)
                for index in 0..<count {
                    var key: UInt64 = 0
                    var offset = Int(starts[index])
                    for _ in 0..<8 {
                        let byte = base[offset]
                        key = key << 8 | UInt64(byte)
                        if byte != 0 { offset += 1 }
                    }
                    keys[index] = key
                }
                return keys.withUnsafeBufferPointer { keys -> Bool in
                    func precedes(_ a: Int32, _ b: Int32) -> Bool {
                        let x = keys[Int(a)]
                        let y = keys[Int(b)]
                        if x != y { return x < y }
                        return strcmp(
                            UnsafeRawPointer(base + Int(starts[Int(a)]) + 8).assumingMemoryBound(to: CChar.self),
                            UnsafeRawPointer(base + Int(starts[Int(b)]) + 8).assumingMemoryBound(to: CChar.self)) < 0
                    }
                    if (1..<count).allSatisfy({ precedes(Int32($0 - 1), Int32($0)) }) { return true }
                    order.withUnsafeMutableBufferPointer { $0.sort(by: precedes) }
                    return false
                }
            }
        }
        guard !sorted else { return }
        var result = FileNames()
        result.bytes.reserveCapacity(bytes.count)
        result.starts.reserveCapacity(starts.count)
        for index in order { result.append(bytes[name(Int(index))]) }
        result.hasOthers = hasOthers
        self = result
    }
}

/// Which directory a path leads to, following links (`st_dev`, `st_ino`): two paths that reach the same
/// directory have the same identity, which is how a walk notices a link back into a folder it is inside.
package struct DirectoryIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

/// Everything imgmake asks of the file system, so that the graph, staleness and state can be tested against
/// `MemoryDisk` with an injected clock instead of real files and sleeps. Paths are absolute. Sendable: the
/// staleness checker reads stamps on all cores, and the pools' threads reach the disk too.
package protocol DiskInterface: AnyObject, Sendable {
    /// The stamp of a regular file (following links), or nil when there is none.
    func stamp(_ path: String) -> FileStamp?
    /// `stamp(_:)` of a path given as a NUL-terminated C string (what the no-op path has: interned bytes).
    func stamp(cString path: UnsafePointer<CChar>) -> FileStamp?
    /// The stamps of files in one directory, by name (NUL-terminated, no `/`): `stamp(_:)` of each joined
    /// path, in one go (`RealDisk` opens the directory once and stats each name relative to it, which saves
    /// the kernel walking the directory's path again for every file).
    func stamps(inDirectory directory: String, names: [UnsafePointer<CChar>]) -> [FileStamp?]
    /// The entries of a directory (hidden ones included), or nil when it cannot be read.
    func list(_ directory: String) -> [DirectoryEntry]?
    /// A directory's listing as a walk wants it most (`FileNames`), or nil when it cannot be read.
    func fileNames(_ directory: String) -> FileNames?
    /// The path with every link resolved, or nil when it does not exist.
    func realPath(_ path: String) -> String?
    func isDirectory(_ path: String) -> Bool
    /// The identity of the directory `path` leads to (links followed), or nil when it is no directory.
    func directoryIdentity(_ path: String) -> DirectoryIdentity?
    func read(_ path: String) throws -> [UInt8]
    /// A whole regular file's bytes, read in place where the system can map it (`mmap`, read only): the state's
    /// snapshot is read this way, so that only the records a run looks up are touched. The file must not be
    /// changed in place while mapped (imgmake replaces such files by a rename only).
    func map(_ path: String) throws -> MappedFile
    /// Writes a whole file through a temporary name and a rename: readers see the old or the new file.
    func writeAtomically(_ path: String, _ bytes: [UInt8]) throws
    /// Appends bytes in one write (O_APPEND), creating the file when missing.
    func append(_ path: String, _ bytes: [UInt8]) throws
    func makeDirectories(_ path: String) throws
    func remove(_ path: String) throws
    /// Renames a file (replacing `to`), atomically within one file system.
    func rename(_ from: String, to: String) throws
    /// SHA-256 of a file's content (hex), or nil when it cannot be read.
    func digest(_ path: String) -> String?
    /// Current time in nanoseconds since the epoch.
    func now() -> Int64
}

extension DiskInterface {
    package func fileNames(_ directory: String) -> FileNames? {
        guard let entries = list(directory) else { return nil }
        let files = entries.filter { !$0.isDirectory && !$0.isSymbolicLink && $0.special == nil && !$0.hasInvalidName }
        var names = FileNames()
        for file in files { names.append(Array(file.name.utf8)) }
        names.hasOthers = files.count != entries.count
        return names
    }

    package func stamp(cString path: UnsafePointer<CChar>) -> FileStamp? { stamp(String(cString: path)) }

    package func stamps(inDirectory directory: String, names: [UnsafePointer<CChar>]) -> [FileStamp?] {
        names.map { stamp(PathName.join(directory, String(cString: $0))) }
    }
}

/// The bytes of a file from `DiskInterface.map`: mapped memory (released with the object) or a copy.
package final class MappedFile: @unchecked Sendable {
    // (Sendable: the bytes are never written, and released only when no reference is left.)
    package let bytes: UnsafeRawBufferPointer
    private let release: (UnsafeRawBufferPointer) -> Void

    /// Memory that `release` gives back (e.g. `munmap`) when the object goes.
    package init(bytes: UnsafeRawBufferPointer, release: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.bytes = bytes
        self.release = release
    }

    /// A copy of `bytes` in memory of its own (8-byte aligned, as a mapping is).
    package convenience init(copying bytes: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0) }
        self.init(bytes: UnsafeRawBufferPointer(rebasing: memory[0..<bytes.count])) { _ in memory.deallocate() }
    }

    deinit { release(bytes) }
}

/// A file-system error with the path and the system's message (exit 1 when it ends a command: a file
/// `clean` cannot remove).
package struct DiskError: StatusError, Sendable {
    var path: String
    var message: String
    package init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    static func errno(_ path: String) -> DiskError {
        DiskError(path, String(cString: strerror(Foundation.errno)))
    }
    package var description: String { "\(path): \(message)" }
    package var status: ExitStatus { .failure }
}
