import Foundation
import ImgmakeRecipe

/// What the user sees during a build: on a terminal one status line redrawn in place, with the rate and the time
/// left (`[37/120] 12.4 img/s ETA 0:07 thumbs build/thumbs/a.webp`); elsewhere (a pipe, a file, `TERM=dumb`) one
/// line per finished job; errors always on stderr (under GitHub Actions also as `::error` annotations on
/// stdout); the closing summary. Writes that fail (a full disk, `/dev/full`, a
/// closed pipe) never stop the build: see `StandardOutput`.
package final class ProgressReporter {
    package enum Verbosity: Equatable, Sendable { case quiet, normal, verbose }

    private let verbosity: Verbosity
    private let isTerminal: Bool
    private var statusShown = false
    private let output: (String) -> Void
    private let errorOutput: (String) -> Void
    /// Seconds on a monotonic clock (a fake in tests), and when the first job finished.
    private let now: () -> Double
    private var firstProgress: (time: Double, done: Int)?
    /// Under GitHub Actions (`GITHUB_ACTIONS=true`): the checkout (`GITHUB_WORKSPACE`) annotations are relative to.
    private let gitHub: GitHubActions.Settings?

    package init(
        verbosity: Verbosity, isTerminal: Bool = ProgressReporter.stdoutIsATerminal,
        output: @escaping (String) -> Void = StandardOutput.out,
        errorOutput: @escaping (String) -> Void = StandardOutput.error,
        now: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
        gitHub: GitHubActions.Settings? = ProgressReporter.gitHubFromEnvironment
    ) {
        self.verbosity = verbosity
        self.isTerminal = isTerminal
        self.output = output
        self.errorOutput = errorOutput
        self.now = now
        self.gitHub = gitHub
    }

    /// Whether stdout is a terminal that can redraw a line (not `TERM=dumb`: Emacs' shell, some CI logs).
    package static var stdoutIsATerminal: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// GitHub Actions' settings when the build runs there.
    package static var gitHubFromEnvironment: GitHubActions.Settings? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["GITHUB_ACTIONS"] == "true" else { return nil }
        return GitHubActions.Settings(workspace: environment["GITHUB_WORKSPACE"])
    }

    /// `-v`: what `detail` prints, and what jobs are asked to tell (`JobRequest.verbose`).
    package var isVerbose: Bool { verbosity == .verbose }

    /// A job finished (or, on a terminal, started): `[37/120] thumbs build/thumbs/a.webp`.
    func progress(done: Int, total: Int, rule: String, output path: String, seconds: Double?) {
        guard verbosity != .quiet else { return }
        let text = "[\(done)/\(total)] \(rule) \(path)"
        if isTerminal {
            output("\r\u{1B}[K" + clip("[\(done)/\(total)] " + rate(done: done, total: total) + "\(rule) \(path)"))
            statusShown = true
        } else {
            output(text + (seconds.map { " (\(String(format: "%.2f", $0)) s)" } ?? "") + "\n")
        }
    }

    /// `12.4 img/s ETA 0:07 ` once jobs have finished for a while: the rate since the first finished job, and
    /// the time the rest take at that rate; "" before.
    private func rate(done: Int, total: Int) -> String {
        let time = now()
        guard let first = firstProgress else {
            firstProgress = (time, done)
            return ""
        }
        let elapsed = time - first.time
        let jobs = done - first.done
        guard elapsed >= 0.5, jobs > 0 else { return "" }
        let perSecond = Double(jobs) / elapsed
        let left = Int((Double(total - done) / perSecond).rounded(.up))
        let eta =
            left >= 3600
            ? "\(left / 3600):" + String(format: "%02d:%02d", left / 60 % 60, left % 60)
            : "\(left / 60):" + String(format: "%02d", left % 60)
        return String(format: "%.1f img/s ETA ", perSecond) + eta + " "
    }

    /// Under GitHub Actions, an `::error` annotation on stdout (the web page shows it on the recipe's line).
    package func annotate(_ message: String, at location: SourceLocation?, title: String? = nil) {
        guard let gitHub else { return }
        clearStatus()
        let cwd = FileManager.default.currentDirectoryPath
        output(GitHubActions.errorAnnotation(message, at: location, title: title, cwd: cwd, workspace: gitHub.workspace) + "\n")
    }

    /// A line of information (`--explain`, dry-run, warnings that are not errors).
    func info(_ text: String) {
        guard verbosity != .quiet else { return }
        clearStatus()
        output(text + "\n")
    }

    /// Only with -v.
    package func detail(_ text: String) {
        guard verbosity == .verbose else { return }
        clearStatus()
        output(text + "\n")
    }

    /// A line about the run itself, not a problem (`imgmake: waiting for another build ...`), on stderr.
    func notice(_ text: String) {
        clearStatus()
        errorOutput("imgmake: \(text)\n")
    }

    package func warning(_ text: String) {
        clearStatus()
        errorOutput("imgmake: warning: \(text)\n")
    }

    func error(_ text: String) {
        clearStatus()
        errorOutput("imgmake: error: \(text)\n")
    }

    /// What a job's own code printed (a `run` command, a `python` function), on stderr above the status line, as
    /// make and ninja show a command's output; with -q too (it is the user's).
    func jobOutput(_ text: String) {
        clearStatus()
        errorOutput(text.hasSuffix("\n") ? text : text + "\n")
    }

    func summary(_ text: String) {
        clearStatus()
        guard verbosity != .quiet else { return }
        output(text + "\n")
    }

    private func clearStatus() {
        if statusShown {
            output("\r\u{1B}[K")
            statusShown = false
        }
    }

    private func clip(_ text: String) -> String {
        guard let columns = TerminalWindow.current()?.columns, columns > 10, text.count >= columns else { return text }
        return String(text.prefix(columns - 1))
    }
}
