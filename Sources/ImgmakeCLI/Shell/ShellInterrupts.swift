import Foundation
import ImgmakeCore

/// Ctrl-C in the shell. Every SIGINT goes through `InterruptHandler` (its signal thread): while a build runs
/// the Builder arms it to wind the build down; between builds the shell arms it to write a byte into a pipe,
/// which the prompt loop and `watch` wait on next to their input. So Ctrl-C at the prompt clears the line, in
/// `watch` it stops watching, and it never kills the interactive shell. SIGTERM and SIGHUP do the same, then
/// the shell ends (`InterruptHandler.termination`), with 128 + the signal.
final class ShellInterrupts: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fatalError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// The descriptor that becomes readable on Ctrl-C (after `armForPipe`).
    var fileDescriptor: Int32 { readEnd }

    /// The interactive shell: a repeated Ctrl-C must never `_exit` it.
    func becomeInteractive() {
        InterruptHandler.shared.exitsOnRepeat = false
    }

    /// From now until the next build, Ctrl-C (and SIGTERM, SIGHUP: see `InterruptHandler.termination`)
    /// writes to the pipe. (`ShellMain` installed the handlers first: arming cannot fail after that.)
    func armForPipe() {
        let fd = writeEnd
        try? InterruptHandler.shared.arm {
            var byte: UInt8 = 3
            _ = write(fd, &byte, 1)
        }
    }

    /// Scripts: Ctrl-C (SIGTERM, SIGHUP) between builds ends the script with 128 + the signal (during a build
    /// the Builder winds down first).
    func armForExit() {
        try? InterruptHandler.shared.arm(signal: { signal in
            TemporaryFiles.shared.removeAll()
            StandardOutput.error("\nimgmake: interrupted\(signal == SIGINT ? "" : " (\(WaitStatus.name(of: signal)))")\n")
            _exit(ExitStatus.interrupted(signal: signal).code)
        })
    }

    /// Empties the pipe; true when there was a Ctrl-C in it.
    @discardableResult
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var any = false
        while read(readEnd, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}
