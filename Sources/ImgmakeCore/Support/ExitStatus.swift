/// How imgmake ends: the exit statuses of the README's *Exit codes*, for a build, `clean`, the shell's
/// scripts and the worker. Every status imgmake exits with is one of these.
package enum ExitStatus: Hashable, Sendable {
    /// 0: all good.
    case success
    /// 1: a job failed (or something else did that is neither a mistake in the recipe or the command line nor
    /// one of the cases below: a file `clean` cannot remove).
    case failure
    /// 2: a recipe or usage error; nothing was built.
    case usage
    /// 71 (sysexits' EX_OSERR): the system refused a thread imgmake needs (a thread or memory limit).
    case noThread
    /// 74 (sysexits' EX_IOERR): every job succeeded, but the build state or a `--report`/`--junit` file could
    /// not be written.
    case notWritten
    /// 75 (sysexits' EX_TEMPFAIL): another build of the tree holds the lock and `--no-wait` was given.
    case busy
    /// 128 + the signal that stopped imgmake: 130 Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP, 141 a closed pipe.
    case interrupted(signal: Int32)

    /// The number the process exits with.
    package var code: Int32 {
        switch self {
        case .success: 0
        case .failure: 1
        case .usage: 2
        case .noThread: 71
        case .notWritten: 74
        case .busy: 75
        case .interrupted(let signal): 128 + signal
        }
    }

    package var isInterrupted: Bool {
        if case .interrupted = self { return true }
        return false
    }
}
