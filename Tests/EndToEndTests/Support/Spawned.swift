import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished process did.
struct RunResult: CustomStringConvertible {
    /// The program's name (`imgmake`, `vips`, `tmux`) and its arguments.
    var program: String
    var arguments: [String]
    /// The exit status, or 128 + the signal that ended the process.
    var status: Int32
    var signal: Int32?
    var stdout: String
    var stderr: String
    var seconds: Double

    /// The closing summary's counts (`3 built, 1 failed, 2 skipped, 5 up to date in ...`), nil when missing.
    var summary: Summary? { Summary(stdout) }

    /// The outputs that the per-job lines (`[2/5] thumbs build/a.webp (0.02 s)`) say were built.
    var builtOutputs: [String] {
        stdout.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line -> String? in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
            let rest = line[line.index(after: close)...].drop { $0 == " " }
            guard let space = rest.firstIndex(of: " ") else { return nil }
            var path = String(rest[rest.index(after: space)...])
            if let range = path.range(of: #" \(\d+(\.\d+)? s\)$"#, options: .regularExpression) {
                path.removeSubrange(range)
            }
            return path
        }
    }

    var description: String {
        "\(program) \(arguments.joined(separator: " ")) -> \(status) in \(String(format: "%.2f", seconds)) s\n"
            + "--- stdout\n\(stdout)--- stderr\n\(stderr)---"
    }
}

/// The counts of a summary line.
struct Summary: Equatable {
    var built = 0, failed = 0, skipped = 0, upToDate = 0
    var toBuild: Int?

    init(built: Int = 0, failed: Int = 0, skipped: Int = 0, upToDate: Int = 0) {
        self.built = built
        self.failed = failed
        self.skipped = skipped
        self.upToDate = upToDate
    }

    init?(_ text: String) {
        let lines = text.split(separator: "\n").map(String.init)
        if let line = lines.last(where: { $0.contains(" to build, ") && $0.contains("up to date") }) {
            toBuild = Summary.number(before: " to build", in: line)
            upToDate = Summary.number(before: " up to date", in: line) ?? 0
            return
        }
        // `3 built, ...` or, with outputs from a cache, `3 built (2 from cache), ...`.
        guard let line = lines.last(where: { ($0.contains(" built, ") || $0.contains(" from cache), ")) && $0.contains(" up to date") }),
            let built = Summary.number(before: " built", in: line)
        else { return nil }
        self.built = built
        failed = Summary.number(before: " failed", in: line) ?? 0
        skipped = Summary.number(before: " skipped", in: line) ?? 0
        upToDate = Summary.number(before: " up to date", in: line) ?? 0
    }

    private static func number(before word: String, in line: String) -> Int? {
        guard let range = line.range(of: #"\d+"# + NSRegularExpression.escapedPattern(for: word), options: .regularExpression) else {
            return nil
        }
        return Int(line[range].prefix { $0.isNumber })
    }
}

/// A process started with `posix_spawn`, as a user's shell starts a program: its own working directory, its
/// standard input from a file (`/dev/null` unless given), stdout and stderr going to files, nothing passed
/// through a shell. The one way the end-to-end tests start a program (imgmake, vips, tmux, a shell).
/// (posix_spawn and waitpid: Foundation's Process can miss the end of a child that leaves a daemon behind, as
/// tmux does, and cannot reset the signal mask the test runner's threads hand down.)
final class Spawned {
    let pid: pid_t
    let program: String
    let arguments: [String]
    let stdoutPath: String
    let stderrPath: String
    let started = Date()
    private let ownProcessGroup: Bool
    /// Held while a program starts, and while Sandbox.writeExecutable writes a program.
    static let starting = NSLock()
    /// The raw wait status, once the process has been reaped.
    private var waitStatus: Int32?

    /// `ownProcessGroup`: the process leads a process group of its own (its pid), as a job of a shell does,
    /// so that a test can signal the group (`kill(-pid, ...)`) as a terminal or a CI runner does.
    init(
        executable: String, arguments: [String], directory: String, stdinPath: String = "/dev/null",
        stdoutPath: String, stderrPath: String, environment: [String: String] = [:], ownProcessGroup: Bool = false
    ) throws {
        program = (executable as NSString).lastPathComponent
        self.arguments = arguments
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.ownProcessGroup = ownProcessGroup
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = addChdir(&actions, directory)
        // The child keeps stdin, stdout and stderr only: a file that another test's thread has open (without
        // O_CLOEXEC, as Foundation's writes open them) is not held by a program that may run for minutes (a
        // tmux server, a build), which would make that file "Text file busy" for exec.
        if let closeFrom { _ = closeFrom(&actions, 3) }

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for word in argv + envp { free(word) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // As a shell starts a program: no signal blocked, the job-control and stopping signals at their default
        // actions. (The test runner's threads block or ignore some, and a child would inherit that: a shell
        // under tmux would then ignore tmux's SIGHUP.)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var pid: pid_t = 0
        // glibc's posix_spawn returns once the child has exec'd (CLONE_VFORK): with the lock held, no child is
        // between fork and exec while Sandbox.writeExecutable has its file open.
        let status = Self.starting.withLock { posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        guard status == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// What the process has written to stdout and stderr so far.
    var stdoutSoFar: String { Self.contents(stdoutPath) }
    var stderrSoFar: String { Self.contents(stderrPath) }

    /// A log file's text; "" for anything that is not a regular file (`/dev/full` reads zeros forever, a FIFO
    /// blocks).
    private static func contents(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return "" }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Whether the process has ended (it is reaped then; `wait` still gives its result).
    var hasEnded: Bool {
        if waitStatus != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { waitStatus = status }
        return waitStatus != nil || (result < 0 && errno == ECHILD)
    }

    /// Waits for the process to end and returns what it did. After `timeout` seconds it is killed (its group
    /// too, when it leads one) and the wait throws: a run that hangs fails the test.
    func wait(timeout: Double = 300) throws -> RunResult {
        do {
            try waitUntil("\(program) to end", timeout: timeout) { hasEnded }
        } catch {
            kill(ownProcessGroup ? -pid : pid, SIGKILL)
            if waitStatus == nil {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                waitStatus = status
            }
            throw HarnessError("[test harness: killed after \(timeout) s] \(result)")
        }
        return result
    }

    /// The result of the ended process.
    private var result: RunResult {
        let status = waitStatus ?? 0
        let signal = status & 0x7f
        let code: Int32 = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return RunResult(
            program: program, arguments: arguments, status: code, signal: signal == 0 ? nil : signal,
            stdout: stdoutSoFar, stderr: stderrSoFar, seconds: Date().timeIntervalSince(started))
    }

    /// Waits until the output so far (stdout, or stderr with `stderr: true`) satisfies `condition`; throws when
    /// the process ends first or `timeout` seconds pass.
    func waitForOutput(_ what: String, stderr: Bool = false, timeout: Double = 120, until condition: (String) -> Bool) throws {
        let text = { stderr ? self.stderrSoFar : self.stdoutSoFar }
        try waitUntil(what, timeout: timeout, seen: { "--- stdout\n\(self.stdoutSoFar)--- stderr\n\(self.stderrSoFar)---" }) {
            if condition(text()) { return true }
            if hasEnded, !condition(text()) { throw HarnessError("\(program) ended before \(what): \(result)") }
            return false
        }
    }

    /// Waits until the build's stdout has `lines` progress lines (`[3/120] ...`).
    func waitForProgress(lines: Int = 1, timeout: Double = 120) throws {
        try waitForOutput("\(lines) progress line(s)", timeout: timeout) { text in
            text.components(separatedBy: "\n").filter { $0.hasPrefix("[") }.count >= lines
        }
    }

    /// Waits until `count` process-pool workers say they sleep on a job (`IMGMAKE_WORKER_SLEEP_ON`: `imgmake
    /// __worker PID: sleeping ...` on stderr); their pids.
    func sleepingWorkers(_ count: Int = 1, timeout: Double = 60) throws -> [pid_t] {
        var pids: [pid_t] = []
        try waitForOutput("\(count) sleeping worker(s)", stderr: true, timeout: timeout) { text in
            pids = text.split(separator: "\n").filter { $0.contains("sleeping") }
                .compactMap { line in line.split(separator: " ").dropFirst(2).first.flatMap { pid_t($0.dropLast()) } }
            return pids.count >= count
        }
        return pids
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc module does not
/// show: the child starts in `directory` without the parent changing its own (shared) current directory.
private let addChdir: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
        fatalError("posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later is needed)")
    }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
}()

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later): the child closes every descriptor from
/// the given one on. nil on an older glibc, where children inherit what the test process has open.
private let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Runs a program (found on PATH when not a path) in `directory`, with `input` as its standard input, and
/// waits for it (at most `timeout` seconds: then the run fails).
@discardableResult
func runProgram(
    _ program: String, _ arguments: [String], in directory: String, input: String? = nil,
    environment: [String: String] = [:], timeout: Double = 120
) throws -> RunResult {
    let executable = program.contains("/") ? program : try findOnPath(program)
    let logs = NSTemporaryDirectory() + "imgmake-e2e-run-" + UUID().uuidString
    defer { for ext in [".in", ".out", ".err"] { unlink(logs + ext) } }
    if let input { try Data(input.utf8).write(to: URL(fileURLWithPath: logs + ".in")) }
    let process = try Spawned(
        executable: executable, arguments: arguments, directory: directory,
        stdinPath: input == nil ? "/dev/null" : logs + ".in", stdoutPath: logs + ".out",
        stderrPath: logs + ".err", environment: environment)
    return try process.wait(timeout: timeout)
}
