import Foundation

/// What the user sees during a build: on a terminal one status line redrawn in place, elsewhere one line per
/// finished job; errors always on stderr; the closing summary. Writes that fail (a full disk, `/dev/full`, a
/// closed pipe) never stop the build: see `StandardOutput`.
package final class ProgressReporter {
    package enum Verbosity: Equatable, Sendable { case quiet, normal, verbose }

    private let verbosity: Verbosity
    private let isTerminal: Bool
    private var statusShown = false
    private let output: (String) -> Void
    private let errorOutput: (String) -> Void

    package init(
        verbosity: Verbosity, isTerminal: Bool = isatty(STDOUT_FILENO) != 0,
        output: @escaping (String) -> Void = StandardOutput.out,
        errorOutput: @escaping (String) -> Void = StandardOutput.error
    ) {
        self.verbosity = verbosity
        self.isTerminal = isTerminal
        self.output = output
        self.errorOutput = errorOutput
    }

    /// `-v`: what `detail` prints, and what jobs are asked to tell (`JobRequest.verbose`).
    package var isVerbose: Bool { verbosity == .verbose }

    /// A job finished (or, on a terminal, started): `[37/120] thumbs build/thumbs/a.webp`.
    func progress(done: Int, total: Int, rule: String, output path: String, seconds: Double?) {
        guard verbosity != .quiet else { return }
        let text = "[\(done)/\(total)] \(rule) \(path)"
        if isTerminal {
            output("\r\u{1B}[K" + clip(text))
            statusShown = true
        } else {
            output(text + (seconds.map { " (\(String(format: "%.2f", $0)) s)" } ?? "") + "\n")
        }
    }

    /// A line of information (`--explain`, dry-run, warnings that are not errors).
    func info(_ text: String) {
        guard verbosity != .quiet else { return }
        clearStatus()
        output(text + "\n")
    }

    /// Only with -v.
    func detail(_ text: String) {
        guard verbosity == .verbose else { return }
        clearStatus()
        output(text + "\n")
    }

    /// A line about the run itself, not a problem (`imgmake: waiting for another build ...`), on stderr.
    func notice(_ text: String) {
        clearStatus()
        errorOutput("imgmake: \(text)\n")
    }

    func warning(_ text: String) {
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
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10, text.count >= Int(size.ws_col) else { return text }
        return String(text.prefix(Int(size.ws_col) - 1))
    }
}
