import Foundation
import ImgmakeSync

import struct Synchronization.Atomic

/// What the scheduler (and a wait for the state's lock) needs of interrupts: injected, so that the builder's
/// unit tests pass a fake (`FakeInterrupts`) and leave the test process's signal handling alone. The command
/// line and the shell pass the process' `InterruptHandler.shared`.
package protocol InterruptSource: Sendable {
    /// Sets what the first interrupt from now on does (clearing earlier ones); throws when interrupts cannot
    /// be received (`InterruptHandler`: its thread cannot start).
    func arm(_ action: @escaping @Sendable () -> Void) throws
    /// Stops reacting.
    func disarm()
    /// Whether there was an interrupt since the last `arm`.
    var isInterrupted: Bool { get }
    /// The first signal since the last `arm` (SIGINT when there was none).
    var signal: Int32 { get }
    /// Whether a second interrupt ends the process at once (the command line) or is one more call of the
    /// action (the interactive shell).
    var exitsOnRepeat: Bool { get }
    /// Waits at most `seconds` for an interrupt; true when there was one.
    func waitForInterrupt(seconds: Double) -> Bool
}

/// The signals that stop a build: Ctrl-C (SIGINT), SIGTERM (`kill`, a CI runner or cgroup stop), SIGHUP (the
/// terminal or ssh session closed), and a broken pipe on stdout or stderr (`imgmake | head`: SIGPIPE is ignored,
/// so the write fails with EPIPE and `StandardOutput` reports it here). The first asks the build to stop
/// starting jobs and wind down; a second one removes the temporaries being written and exits at once. Either
/// way the exit code is 128 + the first signal: 130, 143, 129, 141.
///
/// No libdispatch here: a dispatch signal source needs a dispatch thread, and under a thread or address-space
/// limit libdispatch retries making it forever, with SIGINT already ignored (the build hung, Ctrl-C too). The
/// handlers write the signal's number into a pipe; one thread of ours, started with `pthread_create` whose
/// result is checked, reads it. When that thread cannot start, `arm` throws and no handler is installed, so the
/// signals keep their default actions.
package final class InterruptHandler: InterruptSource {
    package static let shared = InterruptHandler()
    /// The signals handled, besides SIGPIPE (ignored; its EPIPE is an interrupt).
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private struct State: Sendable {
        var count = 0
        var first: Int32 = SIGINT
        var installed = false
        var onInterrupt: (@Sendable (Int32) -> Void)?
        var stopSignal: Int32?
        var repeatExits = true
        var pipeBroken = false
    }
    /// A `ConditionLock`: `waitForInterrupt` waits for the signal thread.
    private let state = ConditionLock(State())

    /// True (the default): a second interrupt removes the temporaries and exits at once. The interactive
    /// shell sets it false, so that every interrupt calls the armed action and the shell survives.
    package var exitsOnRepeat: Bool {
        get { state.withLock { $0.repeatExits } }
        set { state.withLock { $0.repeatExits = newValue } }
    }

    package var isInterrupted: Bool { state.withLock { $0.count > 0 } }

    /// The first signal since the handler was last armed (SIGINT when there was none).
    package var signal: Int32 { state.withLock { $0.first } }

    /// The first SIGTERM, SIGHUP or broken pipe this process received, armed or not, for the interactive
    /// shell, which survives Ctrl-C but must end on these (after winding down a build).
    package var termination: Int32? { state.withLock { $0.stopSignal } }

    /// Installs the handlers (once) and sets what the first interrupt does. Throws when the thread that
    /// receives the signals cannot start; the signals then keep their default actions.
    package func arm(_ action: @escaping @Sendable () -> Void) throws {
        try arm(signal: { _ in action() })
    }

    /// `arm`, with an action told which signal came.
    package func arm(signal action: @escaping @Sendable (Int32) -> Void) throws {
        try state.withLock { state in
            try installLocked(&state)
            state.count = 0
            state.first = SIGINT
            state.onInterrupt = action
        }
    }

    /// Installs the handlers now, if not done yet (so that a later `arm` cannot fail).
    package func prepare() throws {
        try state.withLock { try installLocked(&$0) }
    }

    private func installLocked(_ state: inout State) throws {
        guard !state.installed else { return }
        try Self.install { [weak self] in self?.fire($0) }
        state.installed = true
    }

    /// Stops reacting (the shell re-arms for its next build).
    package func disarm() {
        state.withLock { state in
            state.onInterrupt = nil
            state.count = 0
        }
    }

    /// A write to stdout or stderr failed with EPIPE: the reader is gone. The first one is an interrupt
    /// (SIGPIPE's), unless the build is already being interrupted; later ones are nothing.
    func brokenPipe() {
        let fresh = state.withLock { state -> Bool in
            defer { state.pipeBroken = true }
            return !state.pipeBroken && state.count == 0
        }
        if fresh { fire(SIGPIPE) }
    }

    /// Waits at most `seconds` for an interrupt; true when there was one. For a worker that died of a
    /// stopping signal: a cgroup or process-group stop signals every process at about the same time, and
    /// ours may arrive just after the worker's death is seen.
    package func waitForInterrupt(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        return state.withLock(waitingUntil: { $0.count > 0 }, deadline: deadline) { $0.count > 0 }
    }

    private func fire(_ signal: Int32) {
        let (n, action, exits, code) = state.withLock { state -> (Int, (@Sendable (Int32) -> Void)?, Bool, Int32) in
            state.count += 1
            if state.count == 1 { state.first = signal }
            if signal != SIGINT && state.stopSignal == nil { state.stopSignal = signal }
            return (state.count, state.onInterrupt, state.repeatExits, ExitStatus.interrupted(signal: state.first).code)
        }
        if n == 1 || !exits {
            action?(signal)
        } else {
            TemporaryFiles.shared.removeAll()
            StandardOutput.error("\nimgmake: interrupted again: stopped\n")
            _exit(code)
        }
    }

    // MARK: the signal pipe

    /// Makes the pipe, starts the thread that reads it, then installs the handlers. Called once, under the lock.
    private static func install(_ deliver: @escaping @Sendable (Int32) -> Void) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ThreadStartError(what: "a pipe for signals", code: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // A handler must never block: with the pipe full, a signal more is dropped (the first ones count).
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        let reader = SignalReader(fd: fds[0], deliver: deliver)
        do { try CheckedThread.start(name: "imgmake-signals", stackSize: 256 << 10, what: "a thread for signals") { reader.run() } } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        signalPipeWriteEnd.store(fds[1], ordering: .releasing)
        Glibc.signal(SIGPIPE, SIG_IGN)
        for sig in signals {
            // SIGHUP ignored when imgmake started stays ignored: `nohup imgmake` must survive the hangup. (SIGINT
            // is caught even so, as it always was: test runners and some CI agents start programs with it ignored.)
            var previous = sigaction()
            sigaction(sig, nil, &previous)
            let ignored = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            if ignored && sig == SIGHUP { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = signalToPipe
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }
}

/// The write end of the signal pipe, for the handler (a C function cannot capture it). Set once, by `install`
/// (under the handler's lock); an atomic, since a signal handler may take no lock.
private let signalPipeWriteEnd = Atomic<Int32>(-1)

/// The signal handler: async-signal-safe, it only writes the signal's number into the pipe (keeping errno).
private let signalToPipe: @convention(c) (Int32) -> Void = { sig in
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(signalPipeWriteEnd.load(ordering: .acquiring), &byte, 1)
    errno = saved
}

/// The thread that reads signal numbers from the pipe and hands them over, outside signal context.
private final class SignalReader: Sendable {
    let fd: Int32
    let deliver: @Sendable (Int32) -> Void
    package init(fd: Int32, deliver: @escaping @Sendable (Int32) -> Void) {
        self.fd = fd
        self.deliver = deliver
    }

    func run() {
        // This thread takes the signals even when imgmake was started with them blocked (some test runners and
        // CI agents do, and every thread inherits the mask): a process-directed signal goes to a thread that
        // does not block it.
        var mask = sigset_t()
        sigemptyset(&mask)
        for sig in InterruptHandler.signals { sigaddset(&mask, sig) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { deliver(Int32(byte)) } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}
