import Foundation

/// Writing a job's output file with plain POSIX calls: the file is the job's temporary, renamed into place only
/// after the job, so it is not synced here (Foundation's `Data.write` syncs the file to disk first: 1.4 ms an
/// output).
enum FileWriting {
    /// Writes `bytes` to `path`, created (mode 0644, as libvips' savers create files) or truncated. False on a
    /// failure, with `errno` set.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let saved = errno
                close(fd)
                errno = saved
                return false
            }
            done += n
        }
        return close(fd) == 0
    }
}
