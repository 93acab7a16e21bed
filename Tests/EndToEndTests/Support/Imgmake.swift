import Foundation

/// The `imgmake` executable under test and the repository it was built from: the one binary locator of the
/// end-to-end tests (the builds, the shell under tmux, the completion scripts).
enum Imgmake {
    /// `IMGMAKE_BIN` when set; else the `imgmake` beside the test bundle (SwiftPM puts both in the same build
    /// folder), looking in the folder of `CommandLine.arguments[0]` (and of `Bundle.main.executablePath`, as
    /// given and with links resolved) and its parents.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["IMGMAKE_BIN"], !path.isEmpty { return path }
        var candidates: [String] = []
        for start in [CommandLine.arguments.first ?? "", Bundle.main.executablePath ?? ""] where !start.isEmpty {
            let given = URL(fileURLWithPath: start).standardizedFileURL
            for url in [given, given.resolvingSymlinksInPath()] {
                var directory = url.deletingLastPathComponent()
                for _ in 0..<6 {
                    candidates.append(directory.appendingPathComponent("imgmake").path)
                    directory = directory.deletingLastPathComponent()
                }
            }
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        fatalError("cannot find the imgmake executable (looked at \(candidates)); set IMGMAKE_BIN")
    }()

    /// The repository (`completions/`, `recipes/`, `ci-examples/`), found from this file's path.
    static let repository: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// A program on PATH, or nil.
func which(_ program: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A program on PATH, or an error that says how to get it.
func findOnPath(_ program: String) throws -> String {
    guard let path = which(program) else {
        throw HarnessError("\(program) is not on PATH (the end-to-end tests make images with the vips CLI: apt-get install libvips-tools)")
    }
    return path
}

/// A failure of the harness itself: a program that cannot start, a wait past its deadline. Thrown, so that the
/// test fails with this text.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` (every few milliseconds) until it holds; throws when `timeout` seconds pass first, saying
/// what was awaited (`what`) and, from `state`, what was seen instead. The one way these tests wait for an
/// event: output text, a file, a process state.
func waitUntil(
    _ what: @autoclosure () -> String, timeout: Double = 120, seen state: () -> String = { "" },
    _ condition: () throws -> Bool
) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else {
            let seen = state()
            throw HarnessError("timed out after \(timeout) s waiting for \(what())" + (seen.isEmpty ? "" : "; seen:\n\(seen)"))
        }
        usleep(2_000)
    }
}

/// Whether `condition` comes to hold within `timeout` seconds (for an expectation on it).
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    (try? waitUntil("a condition", timeout: timeout, condition)) != nil
}
