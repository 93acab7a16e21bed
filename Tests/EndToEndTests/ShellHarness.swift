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

    /// Runs a program (a path or a name on PATH) in `directory`, with `input` as its standard input.
    static func run(_ program: String, _ arguments: [String], in directory: String, input: String = "",
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : (which(program) ?? program))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let scratch = NSTemporaryDirectory() + "imgmake-shell-run-" + UUID().uuidString
        try input.write(toFile: scratch + ".in", atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        defer { for ext in [".in", ".out", ".err"] { unlink(scratch + ext) } }
        process.standardInput = FileHandle(forReadingAtPath: scratch + ".in")
        process.standardOutput = FileHandle(forWritingAtPath: scratch + ".out")
        process.standardError = FileHandle(forWritingAtPath: scratch + ".err")
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
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
            let script = "INPUTRC=/dev/null TERM=xterm \(quoted); echo EXITED $?; sleep 600"
            try tmuxCommand(["new-session", "-d", "-x", "120", "-y", "40", "-c", directory, "sh", "-c", script])
        }

        deinit { _ = try? tmuxCommand(["kill-server"]) }

        @discardableResult
        private func tmuxCommand(_ arguments: [String]) throws -> String {
            let result = try ShellHarness.run(tmux, ["-L", socket, "-f", "/dev/null"] + arguments, in: "/")
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
