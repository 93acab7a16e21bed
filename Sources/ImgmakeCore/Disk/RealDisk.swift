import Foundation
import ImgmakeRecipe

/// The real file system, through POSIX calls (no Foundation file APIs in the hot paths).
package final class RealDisk: DiskInterface {
    package init() {}

    package func stamp(_ path: String) -> FileStamp? {
        path.withCString { stamp(cString: $0) }
    }

    package func stamp(cString path: UnsafePointer<CChar>) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Self.stamp(of: st)
    }

    package func stamps(inDirectory directory: String, names: [UnsafePointer<CChar>]) -> [FileStamp?] {
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return names.map { stamp(PathName.join(directory, String(cString: $0))) } }
        defer { close(folder) }
        var st = stat()
        return names.map { fstatat(folder, $0, &st, 0) == 0 ? Self.stamp(of: st) : nil }
    }

    /// A regular file's stamp (nil for anything else).
    private static func stamp(of st: stat) -> FileStamp? {
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileStamp(
            mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            size: Int64(st.st_size))
    }

    package func list(_ directory: String) -> [DirectoryEntry]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var entries: [DirectoryEntry] = []
        entries.reserveCapacity(64)
        while let entry = readdir(dir) {
            // `.` and `..` are skipped before any String is made.
            let isDotOrDotDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || name[1] == UInt8(ascii: ".") && name[2] == 0)
            }
            if isDotOrDotDot { continue }
            // The name is validated in place; bytes are copied only for a name that is not UTF-8.
            let name: String? = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0) }
            }
            guard let name else {
                // No String can name this file (a Latin-1 name from an old camera or a zip): it is listed
                // with its bad bytes escaped so that the walker can skip it with a warning naming it.
                let bytes = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
                }
                entries.append(
                    DirectoryEntry(
                        name: PathName.escapingInvalidUTF8(bytes),
                        isDirectory: entry.pointee.d_type == UInt8(DT_DIR), hasInvalidName: true))
                continue
            }
            var mode = Self.mode(ofType: entry.pointee.d_type)
            if mode == nil || mode == S_IFLNK {  // no type in the listing, or a link: the path is needed
                let path = String(concatenating: [directory, "/", name])
                var st = stat()
                if mode == nil, lstat(path, &st) == 0 { mode = st.st_mode & S_IFMT }
                if mode == S_IFLNK {  // what the link leads to
                    entries.append(Self.entry(name: name, mode: stat(path, &st) == 0 ? st.st_mode & S_IFMT : nil, isLink: true))
                    continue
                }
            }
            entries.append(Self.entry(name: name, mode: mode, isLink: false))
        }
        return entries
    }

    package func fileNames(_ directory: String) -> FileNames? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names = FileNames()
        while let entry = readdir(dir) {
            let kept = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Bool in
                guard let start = raw.baseAddress else { return false }
                let name = UnsafeRawBufferPointer(rebasing: raw[..<strnlen(start.assumingMemoryBound(to: CChar.self), raw.count)])
                if name.count <= 2, name.allSatisfy({ $0 == UInt8(ascii: ".") }) { return true }  // `.` and `..`
                guard entry.pointee.d_type == UInt8(DT_REG),
                    name.allSatisfy({ $0 < 0x80 }) || String(validating: name, as: UTF8.self) != nil
                else { return false }
                names.append(name)
                return true
            }
            if !kept { names.hasOthers = true }
        }
        return names
    }

    private static func entry(name: String, mode: mode_t?, isLink: Bool) -> DirectoryEntry {
        let isDirectory = mode == S_IFDIR
        let special = isDirectory || mode == S_IFREG ? nil : describe(mode: mode)
        return DirectoryEntry(name: name, isDirectory: isDirectory, isSymbolicLink: isLink, special: special)
    }

    /// The `S_IFMT` bits a listing's `d_type` stands for, nil when it does not say.
    private static func mode(ofType type: UInt8) -> mode_t? {
        switch Int32(type) {
        case Int32(DT_REG): S_IFREG
        case Int32(DT_DIR): S_IFDIR
        case Int32(DT_LNK): S_IFLNK
        case Int32(DT_FIFO): S_IFIFO
        case Int32(DT_CHR): S_IFCHR
        case Int32(DT_BLK): S_IFBLK
        case Int32(DT_SOCK): S_IFSOCK
        default: nil
        }
    }

    /// What a file that is neither a regular file nor a directory is, for warnings (nil: a dangling link).
    private static func describe(mode: mode_t?) -> String {
        switch mode {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case nil: "a link that leads nowhere"
        default: "not a regular file"
        }
    }

    package func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    package func directoryIdentity(_ path: String) -> DirectoryIdentity? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return DirectoryIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    package func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DiskError.errno(path) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DiskError.errno(path)
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    package func map(_ path: String) throws -> MappedFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DiskError.errno(path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DiskError.errno(path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw DiskError(path, String(cString: strerror((st.st_mode & S_IFMT) == S_IFDIR ? EISDIR : EINVAL)))
        }
        let size = Int(st.st_size)
        guard size > 0 else { return MappedFile(copying: []) }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else { throw DiskError.errno(path) }
        return MappedFile(bytes: UnsafeRawBufferPointer(start: address, count: size)) { bytes in
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
    }

    package func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DiskError.errno(temporary) }
        do {
            try writeAll(fd, bytes, path: temporary)
            fsync(fd)
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard Glibc.rename(temporary, path) == 0 else {
            let error = DiskError.errno(path)
            unlink(temporary)
            throw error
        }
    }

    package func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw DiskError.errno(to) }
    }

    package func append(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DiskError.errno(path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    package func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = PathName.directory(of: path)
        if parent != path && !parent.isEmpty { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw DiskError.errno(path) }
    }

    package func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw DiskError.errno(path) }
    }

    package func digest(_ path: String) -> String? { ContentDigest.sha256(ofFile: path) }

    package func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DiskError.errno(path)
            }
            offset += n
        }
    }
}
