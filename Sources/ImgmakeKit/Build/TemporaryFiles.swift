import Foundation

/// The temporary files being written right now, so that an interrupted build can remove them.
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private let lock = NSLock()
    private var paths: Set<String> = []
    private var counter = 0

    /// A fresh hidden name in the output's directory: `.NAME.imgmake-PID-N.tmp`. Hidden, so no glob matches it.
    public func make(for output: String) -> String {
        let n = lock.withLock { () -> Int in
            counter += 1
            return counter
        }
        let directory = PathName.directory(of: output)
        let path = PathName.join(directory, ".\(PathName.fileName(output)).imgmake-\(getpid())-\(n).tmp")
        lock.withLock { _ = paths.insert(path) }
        return path
    }

    public func release(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Unlinks every temporary still registered (async-signal-tolerant enough for a last-resort exit path).
    public func removeAll() {
        let all = lock.withLock { paths }
        for path in all { unlink(path) }
    }
}

extension TemporaryFiles {
    /// Removes temporaries that a killed imgmake left behind (`kill -9` gives no chance to clean up) in the
    /// given directories: hidden `.NAME.imgmake-PID-N.tmp` files whose process is gone.
    public static func removeStale(in directories: Set<String>, disk: DiskInterface) -> Int {
        var removed = 0
        for directory in directories {
            for entry in disk.list(directory) ?? [] where entry.name.hasPrefix(".") && entry.name.hasSuffix(".tmp") {
                guard let marker = entry.name.range(of: ".imgmake-", options: .backwards) else { continue }
                let rest = entry.name[marker.upperBound...]
                guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]) else { continue }
                if pid == getpid() || (kill(pid, 0) == 0 || errno == EPERM) { continue }
                if (try? disk.remove(PathName.join(directory, entry.name))) != nil { removed += 1 }
            }
        }
        return removed
    }
}
