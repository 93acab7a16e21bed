import ArgumentParser
import CVips
import ImgmakeCore
import ImgmakeJob
import ImgmakeSync
import ImgmakeVips

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `imgmake __worker`: a process-pool worker (hidden; started by `ProcessPool` with posix_spawn).
///
/// Reads `WorkerMessage` requests from stdin, one per line, runs each with `JobRunner` and writes its outcome
/// to stdout, one line each; nothing else goes to stdout (stray prints are sent to stderr). Ignores SIGINT:
/// the parent decides what Ctrl-C does. When stdin closes it exits at once; if a job is running then (the
/// parent died or gave up on it), its temporary file is removed first. It also dies with its parent
/// (`PR_SET_PDEATHSIG`: SIGUSR2 when the thread that started it ends, then SIGALRM 2 s later if stdin has not
/// closed, e.g. held open by another process), and exits at once if the parent named by
/// `--parent` is already gone when it starts (the parent died before the death signal was set). A thread that
/// cannot be started is an error (exit 71, `ExitStatus.noThread`), never a worker that waits forever.
///
/// Hooks for tests, read from the environment (not part of the recipe language):
/// - `IMGMAKE_WORKER_CRASH_ON=TEXT`: the worker aborts (SIGABRT, quietly) on a job whose source path contains TEXT.
/// - `IMGMAKE_WORKER_SLEEP_ON=TEXT`: the worker says so on stderr (`imgmake __worker PID: sleeping ...`), then
///   sleeps 60 s before a job whose source path contains TEXT.
/// - `IMGMAKE_WORKER_GARBAGE_ON=TEXT`: the worker writes a line that is not a message (`garbage from a test
///   hook`) instead of the outcome of a job whose source path contains TEXT.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "__worker", abstract: "Run jobs for a parent imgmake.",
        shouldDisplay: false)

    @Option(help: "Threads libvips uses per job.")
    var vipsThreads = 1

    @Option(help: "The parent's process ID: the worker exits when it is gone.")
    var parent: Int32?

    func run() throws {
        // The parent's death: its end of stdin closes too, and the reader thread removes this worker's
        // temporaries and exits; the signal only makes sure (SIGALRM's default action, 2 s later).
        signal(SIGALRM, SIG_DFL)
        signal(SIGUSR2) { _ in alarm(2) }
        _ = cvips_set_parent_death_signal(SIGUSR2)
        if let parent, getppid() != parent { _exit(ExitStatus.success.code) }  // the parent died before the line above
        signal(SIGINT, SIG_IGN)
        try? "imgmake".write(toFile: "/proc/self/comm", atomically: false, encoding: .utf8)  // not "exe" in ps
        let channel = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let inbox = WorkerInbox()
        // The parent names the cause from the status (`ExitStatus.noThread`).
        do { try inbox.startReading(STDIN_FILENO) } catch { _exit(ExitStatus.noThread.code) }
        VipsRuntime.start()
        VipsRuntime.setConcurrency(vipsThreads)
        let environment = ProcessInfo.processInfo.environment
        let crashOn = environment["IMGMAKE_WORKER_CRASH_ON"].flatMap { $0.isEmpty ? nil : $0 }
        let sleepOn = environment["IMGMAKE_WORKER_SLEEP_ON"].flatMap { $0.isEmpty ? nil : $0 }
        let garbageOn = environment["IMGMAKE_WORKER_GARBAGE_ON"].flatMap { $0.isEmpty ? nil : $0 }
        while true {
            let line = inbox.next()
            let message: WorkerMessage
            do { message = try WorkerMessage.decode(line) } catch {
                throw UsageError("__worker: unreadable request: \(error)")
            }
            guard let request = message.request else { throw UsageError("__worker: a message without a request") }
            if let sleepOn, request.job.sources.contains(where: { $0.contains(sleepOn) }) {
                let note = "imgmake __worker \(getpid()): sleeping (IMGMAKE_WORKER_SLEEP_ON)\n"
                StandardOutput.error(note)
                sleep(60)
            }
            if let crashOn, request.job.sources.contains(where: { $0.contains(crashOn) }) {
                signal(SIGABRT, SIG_DFL)  // no backtrace from Swift's crash handler for a crash on purpose
                abort()
            }
            if let garbageOn, request.job.sources.contains(where: { $0.contains(garbageOn) }) {
                guard writeAll(channel, Array("garbage from a test hook\n".utf8)) else { _exit(ExitStatus.success.code) }
                continue
            }
            let outcome = JobRunner.run(request)
            guard writeAll(channel, try WorkerMessage(outcome: outcome).encodedLine()) else { _exit(ExitStatus.success.code) }
        }
    }
}

/// The worker's stdin, read by a thread of its own so that its closing is noticed even while a job runs.
private final class WorkerInbox: Sendable {
    /// A `ConditionLock`: the job loop waits for the reading thread's next line.
    private let lines = ConditionLock<[[UInt8]]>([])

    /// Reads lines until end of file, then removes this process' temporaries and exits.
    func startReading(_ fd: Int32) throws {
        try CheckedThread.start(name: "imgmake-worker-stdin") { [lines] in
            var reader = LineReader(fd: fd)
            while case .line(let line) = reader.next() {
                lines.withLock { $0.append(line) }
            }
            TemporaryFiles.shared.removeAll()
            _exit(ExitStatus.success.code)
        }
    }

    /// The next request line (blocks).
    func next() -> [UInt8] {
        lines.withLock(waitingUntil: { !$0.isEmpty }) { $0.removeFirst() }
    }
}
