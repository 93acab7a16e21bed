import ImgmakeRecipe
import Testing

@testable import ImgmakeCore

/// The status line's rate and time left (on a fake clock), and GitHub Actions' annotations and job summary
/// (issue 17, point 13).
@Suite struct ProgressReporterTests {
    final class Clock: @unchecked Sendable {
        var seconds = 100.0
    }

    @Test func theStatusLineShowsTheRateAndTheTimeLeftOnceJobsHaveFinishedForAWhile() {
        let clock = Clock()
        var lines: [String] = []
        let reporter = ProgressReporter(
            verbosity: .normal, isTerminal: true, output: { lines.append($0) }, errorOutput: { _ in }, now: { clock.seconds },
            gitHub: nil)
        reporter.progress(done: 1, total: 121, rule: "thumbs", output: "build/a.webp", seconds: nil)
        #expect(lines.last == "\r\u{1B}[K[1/121] thumbs build/a.webp")
        clock.seconds += 0.2
        reporter.progress(done: 2, total: 121, rule: "thumbs", output: "build/b.webp", seconds: nil)
        #expect(lines.last == "\r\u{1B}[K[2/121] thumbs build/b.webp", "too soon for a rate")
        clock.seconds += 9.8  // 10 s after the first: 40 more jobs, 4 per second; 80 left take 20 s
        reporter.progress(done: 41, total: 121, rule: "thumbs", output: "build/c.webp", seconds: nil)
        #expect(lines.last == "\r\u{1B}[K[41/121] 4.0 img/s ETA 0:20 thumbs build/c.webp")
        clock.seconds += 3600
        reporter.progress(done: 42, total: 121, rule: "sheet", output: "build/sheet.jpg", seconds: nil)
        #expect(lines.last == "\r\u{1B}[K[42/121] 0.0 img/s ETA 1:55:56 sheet build/sheet.jpg", "hours: \(lines.last ?? "")")

        // Not a terminal: one line per job, no rate.
        var plain: [String] = []
        let log = ProgressReporter(verbosity: .normal, isTerminal: false, output: { plain.append($0) }, now: { clock.seconds }, gitHub: nil)
        log.progress(done: 1, total: 2, rule: "thumbs", output: "build/a.webp", seconds: 0.25)
        clock.seconds += 5
        log.progress(done: 2, total: 2, rule: "thumbs", output: "build/b.webp", seconds: 0.5)
        #expect(plain == ["[1/2] thumbs build/a.webp (0.25 s)\n", "[2/2] thumbs build/b.webp (0.50 s)\n"])
    }

    @Test func gitHubAnnotationsNameTheFileFromTheCheckoutAndEscapeWhatTheRunnerReads() {
        let location = SourceLocation(file: "Imgmakefile", line: 21, column: 5)
        #expect(
            GitHubActions.errorAnnotation(
                "unknown operation 'sharpne'\ndid you mean 'sharpen'? 100%", at: location, title: "imgmake: recipe error",
                cwd: "/work/repo/recipes/demo", workspace: "/work/repo")
                == "::error file=recipes/demo/Imgmakefile,line=21,col=5,title=imgmake%3A recipe error::"
                + "unknown operation 'sharpne'%0Adid you mean 'sharpen'? 100%25")
        #expect(
            GitHubActions.errorAnnotation("x", at: location, cwd: "/elsewhere", workspace: "/work/repo")
                == "::error file=/elsewhere/Imgmakefile,line=21,col=5::x")
        #expect(GitHubActions.errorAnnotation("no place", at: nil, cwd: "/", workspace: nil) == "::error::no place")
        var errors: [String] = []
        var out: [String] = []
        let reporter = ProgressReporter(
            verbosity: .quiet, isTerminal: false, output: { out.append($0) }, errorOutput: { errors.append($0) },
            gitHub: GitHubActions.Settings(workspace: nil))
        reporter.annotate("boom", at: nil)
        #expect(out == ["::error::boom\n"] && errors.isEmpty, "annotations go to stdout, with -q too")
    }

    @Test func theJobSummaryCountsAndListsTheFailures() {
        var summary = BuildSummary()
        summary.built = 3
        summary.fromCache = 1
        summary.failed = 1
        summary.upToDate = 5
        summary.bytesWritten = 3 << 20
        summary.seconds = 2
        let text = GitHubActions.stepSummary(summary, failures: ["`build/a.webp` (rule thumbs): jpegload: not a JPEG"])
        #expect(text.hasPrefix("### imgmake: 3 built (1 from cache), 1 failed, 5 up to date in 2.0 s"))
        #expect(text.contains("| 3 | 1 | 1 | 0 | 5 | 3.0 MiB |"))
        #expect(text.contains("**Failed**\n\n- `build/a.webp` (rule thumbs): jpegload: not a JPEG\n"))
    }
}
