import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small private harness for the shell's end-to-end tests: the binary, a scratch folder with generated
/// images (PPM, written here: no other tool needed), running a program with standard input, and tmux.
enum ShellHarness {
    /// `IMGMAKE_BIN`, else the `imgmake` in the folder of the test bundle or one of its parents.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["IMGMAKE_BIN"], !path.isEmpty { return path }
        for start in [CommandLine.arguments.first ?? "", Bundle.main.executablePath ?? ""] where !start.isEmpty {
            var directory = URL(fileURLWithPath: start).standardizedFileURL.deletingLastPathComponent()
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("imgmake").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        fatalError("cannot find the imgmake executable; set IMGMAKE_BIN")
    }()

    /// The repository (for `completions/`).
    static let repository: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A program on PATH, or nil.
    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)---" }
    }

    /// Runs a program (a path or a name on PATH) in `directory`, with `input` as its standard input; killed
    /// after `timeout` seconds. (posix_spawn and waitpid: Foundation's Process can miss the end of a child
    /// that leaves a daemon behind, as tmux does.)
    static func run(_ program: String, _ arguments: [String], in directory: String, input: String = "",
                    environment: [String: String] = [:], timeout: Double = 300) throws -> Result {
        let executable = program.contains("/") ? program : (which(program) ?? program)
        let scratch = NSTemporaryDirectory() + "imgmake-shell-run-" + UUID().uuidString
        try input.write(toFile: scratch + ".in", atomically: false, encoding: .utf8)
        defer { for ext in [".in", ".out", ".err"] { unlink(scratch + ext) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, scratch + ".in", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, scratch + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = spawnChdir(&actions, directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // As from a user's shell: no signal blocked, default dispositions. (A test runs on a thread that blocks
        // signals, and a child would inherit that: a shell under tmux would then ignore tmux's SIGHUP.)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGHUP, SIGTERM, SIGQUIT, SIGPIPE, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: "spawn", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable)"])
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) { break }
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(5_000)
        }
        let signal = status & 0x7f
        return Result(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                      stdout: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "")
    }

    /// A scratch folder with a recipe and generated images; removed at the end of the test.
    final class Folder {
        let path = NSTemporaryDirectory() + "imgmake-shell-e2e-" + UUID().uuidString

        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit {
            if ProcessInfo.processInfo.environment["IMGMAKE_KEEP_SANDBOX"] == nil {
                try? FileManager.default.removeItem(atPath: path)
            }
        }

        func write(_ name: String, _ text: String) throws {
            let full = path + "/" + name
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: false, encoding: .utf8)
        }

        /// A `width`×`height` colour PPM of noise (libvips reads PPM).
        func image(_ name: String, width: Int = 96, height: Int = 64, seed: UInt64 = 1) throws {
            var bytes = Array("P6\n\(width) \(height)\n255\n".utf8)
            var state = seed &* 6364136223846793005 &+ 1442695040888963407
            bytes.reserveCapacity(bytes.count + width * height * 3)
            for _ in 0..<(width * height * 3) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            let full = path + "/" + name
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }

        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }

        /// Files below `name` (relative paths, sorted), hidden ones included.
        func files(under name: String) -> [String] {
            (FileManager.default.enumerator(atPath: path + "/" + name)?.allObjects as? [String] ?? []).filter { item in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path + "/" + name + "/" + item, isDirectory: &isDirectory) && !isDirectory.boolValue
            }.sorted()
        }

        /// imgmake's temporary files anywhere in the folder.
        var temporaries: [String] {
            (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { ($0 as NSString).lastPathComponent.contains(".imgmake-") && $0.hasSuffix(".tmp") }
        }

        func imgmake(_ arguments: [String], input: String = "") throws -> Result {
            try ShellHarness.run(ShellHarness.binary, arguments, in: path, input: input)
        }
    }

    /// One tmux server of its own (a private socket) running one program in a 120×40 pane.
    final class Tmux {
        static var available: Bool { ShellHarness.which("tmux") != nil }

        let socket = "imgmake-test-" + UUID().uuidString.prefix(8)
        private let tmux: String

        /// Starts `command` (words, quoted for the pane's shell) in `directory`; when it ends the pane prints
        /// `EXITED <status>` and stays.
        init(_ command: [String], in directory: String) throws {
            tmux = ShellHarness.which("tmux")!
            let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            // The pane's own sh shares the terminal's process group: it must survive the Ctrl-Cs sent to the shell.
            let script = "trap : INT; INPUTRC=/dev/null TERM=xterm \(quoted); echo EXITED $?; sleep 600"
            try tmuxCommand(["new-session", "-d", "-x", "120", "-y", "40", "-c", directory, "sh", "-c", script])
        }

        deinit { _ = try? tmuxCommand(["kill-server"]) }

        @discardableResult
        private func tmuxCommand(_ arguments: [String]) throws -> String {
            let result = try ShellHarness.run(tmux, ["-L", socket, "-f", "/dev/null"] + arguments, in: "/", timeout: 20)
            return result.stdout
        }

        /// Types text literally.
        func type(_ text: String) throws { try tmuxCommand(["send-keys", "-l", text]) }

        /// Sends keys by name: `Tab`, `Enter`, `C-c`, `C-d`, `Up`.
        func press(_ keys: String...) throws { try tmuxCommand(["send-keys"] + keys) }

        /// The visible screen, trailing blank lines removed.
        func screen() throws -> String {
            var lines = try tmuxCommand(["capture-pane", "-p"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
            return lines.joined(separator: "\n")
        }

        /// The last non-blank line of the screen.
        func lastLine() throws -> String { try screen().split(separator: "\n").last.map(String.init) ?? "" }

        /// Waits until `condition` holds for the screen; returns the screen either way.
        @discardableResult
        func wait(timeout: Double = 20, until condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var text = try screen()
            while !condition(text) && Date() < deadline {
                usleep(50_000)
                text = try screen()
            }
            return text
        }

        /// Waits for a fresh, empty prompt on the last line.
        @discardableResult
        func waitForPrompt(timeout: Double = 20) throws -> String {
            try wait(timeout: timeout) { $0.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) == "imgmake>" } ?? false }
        }
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module does not show.
private let spawnChdir: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
        fatalError("posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later is needed)")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
}()
