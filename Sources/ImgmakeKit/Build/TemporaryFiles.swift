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
