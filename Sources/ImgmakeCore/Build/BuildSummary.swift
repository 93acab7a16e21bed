import Foundation

/// Counts and timing of one build, and the closing line the user reads.
package struct BuildSummary: Sendable {
    var built = 0
    /// Of `built`, those taken from the cache (`--cache`).
    var fromCache = 0
    var failed = 0
    var upToDate = 0
    /// Stale outputs a dry run (`-n`) did not build (`built` stays 0).
    package internal(set) var wouldBuild = 0
    /// Outputs whose inputs failed.
    var skipped = 0
    /// Aggregate outputs a sharded run leaves for the unsharded one.
    var deferred = 0
    package var interrupted = false
    /// Outputs built (or adopted, or re-recorded) whose records could not be saved in `.imgmake/` (a full
    /// disk, a read-only log), and the first error: the files are fine, the next run builds them again.
    var unrecorded = 0
    var stateError: String?
    /// The signal that interrupted the build (SIGPIPE: stdout or stderr was a closed pipe).
    var interruptSignal: Int32 = SIGINT
    /// Jobs that were running when the build was interrupted and were stopped (not failed).
    var stopped = 0
    /// A `--report` or `--junit` file could not be written (the error was reported).
    var reportFailed = false
    var dryRun = false
    var seconds = 0.0
    /// Bytes of the outputs written (by jobs and from caches).
    package internal(set) var bytesWritten: Int64 = 0

    package init() {}

    /// `340 built, 2 failed, 1200 up to date in 12.3 s (27.6 images/s)`.
    var line: String {
        if dryRun {
            return "\(wouldBuild) to build, \(upToDate) up to date" + (deferred > 0 ? ", \(deferred) left for an unsharded run" : "")
                + " (dry run: nothing was built)"
        }
        var parts = ["\(built) built" + (fromCache > 0 ? " (\(fromCache) from cache)" : ""), "\(failed) failed"]
        if skipped > 0 { parts.append("\(skipped) skipped") }
        if stopped > 0 { parts.append("\(stopped) interrupted") }
        parts.append("\(upToDate) up to date")
        if deferred > 0 { parts.append("\(deferred) left for an unsharded run") }
        var text = parts.joined(separator: ", ") + " in " + String(format1(seconds)) + " s"
        if built > 0 && seconds > 0 { text += " (\(format1(Double(built) / seconds)) images/s)" }
        if interrupted {
            text += ": interrupted" + (interruptSignal == SIGINT ? "" : " (\(WaitStatus.name(of: interruptSignal)))")
        } else if built == 0 && failed == 0 && skipped == 0 && unrecorded == 0 {
            text += ": everything is up to date"
        }
        if unrecorded > 0 { text += "; \(unrecorded) not recorded: the build state could not be saved" }
        return text
    }

    /// How the build ends: interrupted (128 + the signal), a job failed, every job succeeded but records could
    /// not be saved (the outputs are fine; the next run rebuilds them) or a report could not be written, or success.
    package var status: ExitStatus {
        if interrupted { return .interrupted(signal: interruptSignal) }
        if failed > 0 || skipped > 0 { return .failure }
        return unrecorded > 0 || reportFailed ? .notWritten : .success
    }

    /// The process exit code (`status`'s).
    var exitCode: Int32 { status.code }

    private func format1(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && rounded >= 100 ? String(Int(rounded)) : String(rounded)
    }
}
