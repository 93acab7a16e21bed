import Foundation
import ImgmakeCore
import ImgmakeSync

/// A child process started with `posix_spawn` (never a bare fork: libvips may already run threads here), with
/// a pipe to its stdin and one from its stdout. Its stderr is inherited.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Our end of the child's stdout (read).
    let output: Int32
    /// Our end of the child's stdin (write), or -1 once closed; and the wait status once reaped (the pid
    /// may then belong to another process and must not be signalled).
    private let state: Mutex<(input: Int32, status: Int32?)>

    /// A worker's stdout and stderr (read), for the jobs' outputs (`Plumbing.worker`); -1 for other children.
    let console: Int32

    private init(pid: pid_t, input: Int32, output: Int32, console: Int32 = -1) {
        self.pid = pid
        self.output = output
        self.console = console
        state = Mutex((input, nil))
    }

    /// Our end of the child's stdin (write), or -1 once closed.
    var input: Int32 { state.withLock { $0.input } }

    deinit {
        closeInput()
        close(output)
        if console >= 0 { close(console) }
    }

    /// Starts `executable` with `arguments` (argv[1...], after `name` as argv[0]) and this process' environment
    /// (`childEnvironment()`).
    ///
    /// Every pipe end is close-on-exec, so no child inherits another's pipes (a worker sees EOF on stdin as
    /// soon as we close our end, or exit). The child gets its own process group, so the terminal's Ctrl-C
    /// (sent to the foreground group) reaches only us; an empty signal mask; and SIGTERM and SIGPIPE at their
    /// default actions (our interrupt handler ignores SIGTERM, and ignored signals survive exec).
    static func spawn(_ executable: String, name: String, arguments: [String]) throws -> ChildProcess {
        try spawnLock.withLock { _ in try spawnLocked(executable, argv: [name] + arguments) }
    }

    /// This process' environment, with the Swift runtime's crash backtracer off unless the user set
    /// `SWIFT_BACKTRACE`: a worker that crashes is reported by imgmake (`worker process killed by signal 11`,
    /// its job failed and rerun alone), while the backtracer would spend seconds writing its own lines into
    /// imgmake's stderr, between (and into) the build's messages.
    private static func childEnvironment() -> [String] {
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        if !entries.contains(where: { $0.hasPrefix("SWIFT_BACKTRACE=") }) { entries.append("SWIFT_BACKTRACE=enable=no") }
        return entries
    }

    /// Held from making a child's pipes to its start: the pipes are close-on-exec only after `fcntl`
    /// (Swift does not see `pipe2`), and no other child may be started in between and inherit them.
    private static let spawnLock = Mutex(())

    private static func spawnLocked(_ executable: String, argv words: [String]) throws -> ChildProcess {
        let toChild = try makePipe()
        let fromChild: (read: Int32, write: Int32)
        do { fromChild = try makePipe() } catch {
            close(toChild.read)
            close(toChild.write)
            throw error
        }
        defer {
            close(toChild.read)
            close(fromChild.write)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild.read, 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild.write, 1)

        var attributes = posix_spawnattr_t()
        setUp(&attributes, defaultSignals: [SIGTERM, SIGPIPE])
        defer { posix_spawnattr_destroy(&attributes) }

        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for word in argv { free(word) } }
        let envp: [UnsafeMutablePointer<CChar>?] = childEnvironment().map { strdup($0) } + [nil]
        defer { for entry in envp { free(entry) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(toChild.write)
            close(fromChild.read)
            throw SpawnError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, input: toChild.write, output: fromChild.read)
    }

    /// How a program of the user's (README's *Your own code*) is plumbed in.
    enum Plumbing {
        /// A `run` command: stdin from /dev/null, stdout and stderr into one pipe (`output`), no `input`.
        case command
        /// A `worker` or `python` worker: stdin from /dev/null, stdout and stderr into one pipe (`console`: what
        /// the code prints cannot reach the protocol, and is shown with its job); requests on its fd 3
        /// (`input`), replies from its fd 4 (`output`).
        case worker
    }

    /// Starts a program of the user's: `argv[0]` looked up on PATH unless it has a `/`, in `directory`, in its
    /// own process group (Ctrl-C and `--job-timeout` stop the whole group: `sendToGroup`).
    /// `environment`: entries added to this process' environment.
    static func spawnProgram(
        _ argv: [String], directory: String, plumbing: Plumbing, environment extra: [String] = []
    ) throws -> ChildProcess {
        try spawnLock.withLock { _ in
            var pipes: [(read: Int32, write: Int32)] = []
            do {
                for _ in 0..<(plumbing == .command ? 1 : 3) { pipes.append(try makePipe()) }
            } catch {
                for pipe in pipes {
                    close(pipe.read)
                    close(pipe.write)
                }
                throw error
            }
            let first = pipes[0]
            let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
            defer {
                if devNull >= 0 { close(devNull) }
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if devNull >= 0 { posix_spawn_file_actions_adddup2(&actions, devNull, 0) }
            let ours: (input: Int32, output: Int32, console: Int32)
            let theirs: [Int32]
            switch plumbing {
            case .command:
                // The command's stdout and stderr.
                posix_spawn_file_actions_adddup2(&actions, first.write, 1)
                posix_spawn_file_actions_adddup2(&actions, first.write, 2)
                ours = (-1, first.read, -1)
                theirs = [first.write]
            case .worker:
                // Requests (the worker reads fd 3), replies (it writes fd 4), its stdout and stderr.
                let (replies, console) = (pipes[1], pipes[2])
                posix_spawn_file_actions_adddup2(&actions, first.read, 3)
                posix_spawn_file_actions_adddup2(&actions, replies.write, 4)
                posix_spawn_file_actions_adddup2(&actions, console.write, 1)
                posix_spawn_file_actions_adddup2(&actions, console.write, 2)
                ours = (first.write, replies.read, console.read)
                theirs = [first.read, replies.write, console.write]
            }
            _ = spawnChangingDirectory(&actions, directory)

            var attributes = posix_spawnattr_t()
            // The user's code gets the signals a shell's child gets (ours ignores or handles some of them).
            setUp(&attributes, defaultSignals: [SIGTERM, SIGPIPE, SIGINT, SIGHUP, SIGQUIT])
            defer { posix_spawnattr_destroy(&attributes) }

            let words: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { for word in words { free(word) } }
            var environment = childEnvironment()
            environment.append("IMGMAKE_WORKER_PROTOCOL=\(UserWorkerProtocol.version)")
            environment += extra
            let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
            defer { for entry in envp { free(entry) } }
            var pid: pid_t = 0
            let result = posix_spawnp(&pid, argv[0], &actions, &attributes, words, envp)
            for fd in theirs { close(fd) }
            guard result == 0 else {
                for fd in [ours.input, ours.output, ours.console] where fd >= 0 { close(fd) }
                throw SpawnError(message: "cannot start \(argv[0]): \(String(cString: strerror(result)))")
            }
            return ChildProcess(pid: pid, input: ours.input, output: ours.output, console: ours.console)
        }
    }

    /// Initialises spawn attributes: a process group of the child's own, an empty signal mask, `defaultSignals`
    /// at their default actions.
    private static func setUp(_ attributes: inout posix_spawnattr_t, defaultSignals: [Int32]) {
        posix_spawnattr_init(&attributes)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
    }

    /// Sends `signal` to the child's process group (the child and what it started), unless it has been reaped.
    func sendToGroup(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { _ = kill(-pid, signal) }
        }
    }

    /// The wait status once the child has ended (without waiting), else nil.
    func pollExit() -> Int32? {
        state.withLock { state in
            if let status = state.status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { state.status = raw }
            return state.status
        }
    }

    /// Closes the child's stdin (a worker then exits).
    func closeInput() {
        state.withLock { state in
            guard state.input >= 0 else { return }
            close(state.input)
            state.input = -1
        }
    }

    /// Sends `signal` unless the child has already been reaped.
    func send(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits for the child to end, for at most `grace` seconds before SIGKILL; returns its wait status.
    @discardableResult
    func wait(grace: Double) -> Int32 {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(grace * 1e9)
        var killed = false
        while true {
            let done: Int32? = state.withLock { state in
                if let status = state.status { return status }
                var raw: Int32 = 0
                let result = waitpid(pid, &raw, WNOHANG)
                if result == pid || (result < 0 && errno == ECHILD) { state.status = raw }
                return state.status
            }
            if let done { return done }
            if !killed && DispatchTime.now().uptimeNanoseconds >= deadline {
                send(SIGKILL)
                killed = true
            }
            usleep(2_000)
        }
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw SpawnError(message: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29), which Swift's Glibc module leaves out (it is a GNU
/// extension): the child starts in `path`.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnChangingDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

/// A child process that could not be started.
struct SpawnError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
