import Foundation
import ImgmakeRecipe
import Testing

@testable import ImgmakeCore

/// swift-testing has an `ExitStatus` of its own (for exit tests).
private typealias ExitStatus = ImgmakeCore.ExitStatus

/// `ErrorMessage`, the one renderer from an error to its text and exit status (for the command line and the
/// shell), and `ExitStatus`, the README's exit codes.
@Suite struct ErrorMessageTests {
    @Test func exitStatusesAreTheReadmesCodes() {
        let codes: [(ExitStatus, Int32)] = [
            (.success, 0), (.failure, 1), (.usage, 2), (.noThread, 71), (.notWritten, 74), (.busy, 75),
            (.interrupted(signal: SIGINT), 130), (.interrupted(signal: SIGTERM), 143), (.interrupted(signal: SIGHUP), 129),
            (.interrupted(signal: SIGPIPE), 141),
        ]
        for (status, code) in codes { #expect(status.code == code, "\(status)") }
        #expect(ExitStatus.interrupted(signal: SIGTERM).isInterrupted && !ExitStatus.usage.isInterrupted)
    }

    @Test func locatedRecipeErrorsArePrintedAsTheyAre() {
        let at = SourceLocation(file: "Imgmakefile", line: 3, column: 5)
        let errors = RecipeErrors([
            RecipeError("unknown operation 'sharpne'", at: at, notes: ["did you mean 'sharpen'?"]),
            RecipeError("matrix 'w' has no values", at: at.advanced(by: 4)),
        ])
        let message = ErrorMessage(errors)
        #expect(
            message.text == """
                Imgmakefile:3:5: error: unknown operation 'sharpne'
                    did you mean 'sharpen'?
                Imgmakefile:3:9: error: matrix 'w' has no values
                """)
        #expect(message.status == .usage)
        #expect(ErrorMessage(errors.errors[1]) == ErrorMessage(text: "Imgmakefile:3:9: error: matrix 'w' has no values", status: .usage))
    }

    /// Everything that is not a located recipe diagnostic has the one prefix, once.
    @Test func everyOtherErrorHasOnePrefixAndItsStatus() {
        let cases: [(any Error, String, ExitStatus)] = [
            (
                RecipeError("cannot read recipe file 'Imgmakefile': no such file", at: nil),
                "imgmake: error: cannot read recipe file 'Imgmakefile': no such file", .usage
            ),
            (UsageError("cannot change to directory nowhere"), "imgmake: error: cannot change to directory nowhere", .usage),
            (
                StateLock.Busy(holder: 42),
                "imgmake: error: another build of this tree (pid 42) is running: not waiting for it (--no-wait)", .busy
            ),
            (
                StateLock.Interrupted(signal: SIGTERM),
                "imgmake: error: interrupted while waiting for another build of this tree", .interrupted(signal: SIGTERM)
            ),
            (DiskError("build/a.jpg", "Permission denied"), "imgmake: error: build/a.jpg: Permission denied", .failure),
        ]
        for (error, text, status) in cases {
            #expect(ErrorMessage(error) == ErrorMessage(text: text, status: status))
        }
        let thread = ErrorMessage(ThreadStartError(what: "a thread for signals", code: EAGAIN))
        #expect(thread.text.hasPrefix("imgmake: error: cannot start a thread for signals: Resource temporarily unavailable"), "\(thread)")
        #expect(thread.status == .noThread)
    }

    /// A Foundation file error says its file and the system's message in one line, never the NSError dump.
    @Test func aFoundationFileErrorIsItsFileAndCause() throws {
        let path = "/nonexistent-\(UUID().uuidString)/report.json"
        let error = try #require(throws: (any Error).self) { try Data("{}".utf8).write(to: URL(fileURLWithPath: path)) }
        let message = ErrorMessage(error)
        #expect(message.text == "imgmake: error: \(path): No such file or directory", "\(message.text)")
        #expect(!message.text.contains("\n") && !message.text.contains("Domain"), "\(message.text)")
        #expect(message.status == .failure)
    }
}
