import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `imgmake` executable under test, and how to run it (and other programs) as a user would: a real
/// process, its own working directory, stdout and stderr captured, nothing passed through a shell.
enum Imgmake {
    /// `IMGMAKE_BIN` when set; else the `imgmake` beside the test bundle (SwiftPM puts both in the same build
    /// folder), looking in the folder of `CommandLine.arguments[0]` and its parents.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["IMGMAKE_BIN"], !path.isEmpty { return path }
        let manager = FileManager.default
        var candidates: [String] = []
        for start in [CommandLine.arguments.first ?? "", Bundle.main.executablePath ?? ""] where !start.isEmpty {
            var directory = URL(fileURLWithPath: start).deletingLastPathComponent().standardizedFileURL
            for _ in 0..<6 {
                candidates.append(directory.appendingPathComponent("imgmake").path)
                directory = directory.deletingLastPathComponent()
            }
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               manager.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        fatalError("cannot find the imgmake executable (looked at \(candidates)); set IMGMAKE_BIN")
    }()
}

/// What a finished process did.
struct RunResult: CustomStringConvertible {
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
        "imgmake \(arguments.joined(separator: " ")) -> \(status) in \(String(format: "%.2f", seconds)) s\n"
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
        guard let line = lines.last(where: { $0.contains(" built, ") && $0.contains(" up to date") }),
              let built = Summary.number(before: " built", in: line) else { return nil }
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

/// A process started with `posix_spawn`, its stdout and stderr going to files.
final class Spawned {
    let pid: pid_t
    let arguments: [String]
    let stdoutPath: String
    let stderrPath: String
    let started = Date()

    /// `ownProcessGroup`: the process leads a process group of its own (its pid), as a job of a shell does,
    /// so that a test can signal the group (`kill(-pid, ...)`) as a terminal or a CI runner does.
    init(executable: String, arguments: [String], directory: String, stdoutPath: String, stderrPath: String,
         environment: [String: String] = [:], ownProcessGroup: Bool = false) throws {
        self.arguments = arguments
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = addChdir(&actions, directory)

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // As a shell starts a program: no signal blocked, the stopping signals at their default actions (the
        // test runner's threads block or ignore some, and a child would inherit that).
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
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw NSError(domain: "spawn", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(status)))"])
        }
        self.pid = pid
    }

    /// What the process has written to stdout so far.
    var stdoutSoFar: String { Self.contents(stdoutPath) }

    /// A log file's text; "" for anything that is not a regular file (`/dev/full` reads zeros forever, a FIFO
    /// blocks).
    private static func contents(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return "" }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to end; after `timeout` seconds it is killed (and the status says so).
    func wait(timeout: Double = 300) -> RunResult {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var killed = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            if !killed && Date() > deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(2_000)
        }
        let signal = status & 0x7f
        let code: Int32 = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        var stderr = Self.contents(stderrPath)
        if killed { stderr += "\n[test harness: killed after \(timeout) s]\n" }
        return RunResult(arguments: arguments, status: code, signal: signal == 0 ? nil : signal, stdout: stdoutSoFar,
                         stderr: stderr, seconds: Date().timeIntervalSince(started))
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc module does not
/// show: the child starts in `directory` without the parent changing its own (shared) current directory.
private let addChdir: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
        fatalError("posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later is needed)")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
}()

/// Runs a program (found on PATH when not a path) and returns its result.
@discardableResult
func runProgram(_ program: String, _ arguments: [String], in directory: String, timeout: Double = 120) throws -> RunResult {
    let executable = program.contains("/") ? program : try findOnPath(program)
    let logs = NSTemporaryDirectory() + "imgmake-e2e-run-" + UUID().uuidString
    defer {
        unlink(logs + ".out")
        unlink(logs + ".err")
    }
    let process = try Spawned(executable: executable, arguments: arguments, directory: directory,
                              stdoutPath: logs + ".out", stderrPath: logs + ".err")
    return process.wait(timeout: timeout)
}

func findOnPath(_ program: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw NSError(domain: "spawn", code: 1, userInfo: [NSLocalizedDescriptionKey:
        "\(program) is not on PATH (the end-to-end tests make images with the vips CLI: apt-get install libvips-tools)"])
}
