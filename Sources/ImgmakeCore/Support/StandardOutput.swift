import Foundation

/// Writes to stdout and stderr that never stop a build: with write(2), not `FileHandle` (whose `write` traps
/// on an error: a full disk or `/dev/full` killed the build with SIGILL, temporaries left). A write that fails
/// (ENOSPC, EIO) is dropped. EPIPE (the reader is gone: `imgmake | head`; SIGPIPE is ignored) is reported to
/// `InterruptHandler`, and the first one stops the build as SIGTERM does (exit 141).
package enum StandardOutput {
    package static func out(_ text: String) { write(text, to: STDOUT_FILENO) }

    package static func error(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Writes all of `text` to `fd`, or as much as the descriptor takes; true when all of it was written.
    @discardableResult
    static func write(_ text: String, to fd: Int32) -> Bool {
        // What `print` buffered goes first. (All streams: stdio's `stdout` is a C global variable, which Swift 6
        // does not let us name; it is the one stream that buffers here.)
        if fd == STDOUT_FILENO { fflush(nil) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN {
                // A non-blocking terminal (another program left it so): wait for room, a little.
                var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&ready, 1, 1000) > 0 { continue }
            }
            if n < 0 && errno == EPIPE { InterruptHandler.shared.brokenPipe() }
            return false
        }
        return true
    }
}
