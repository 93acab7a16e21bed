import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeSync
import ImgmakeVips

/// One worker process seen from the parent: it is sent a job and waited on for the outcome. A worker that
/// crashes, is killed, overruns the job timeout or breaks the protocol fails that job alone; it is then dead
/// (`isAlive` false, reaped, its temporary file removed) and the pool replaces it.
///
/// Used by its pool's driver thread, except `interrupt()`, which any thread may call.
// Unchecked Sendable: `reader`, `jobsRun` and `isAlive` belong to the driver thread (the only caller of `run`, `stop`
// and `end`); what other threads touch is `process` (Sendable) and `interrupted` (behind its Mutex).
final class ProcessPoolWorker: @unchecked Sendable {
    let process: ChildProcess
    private var reader: LineReader
    /// Jobs sent to this worker so far (for `--max-jobs-per-worker`).
    private(set) var jobsRun = 0
    private(set) var isAlive = true
    /// `interrupt()` was called, so the worker's death is Ctrl-C's doing.
    private let interrupted = Mutex(false)

    /// Seconds to wait for a worker to exit after its stdin closed, or after SIGTERM, before SIGKILL.
    static let grace = 2.0

    /// The worker's slot in its pool, from 1 (for messages: "worker 2 (pid 1234)").
    let number: Int

    private init(process: ChildProcess, number: Int) {
        self.process = process
        self.number = number
        reader = LineReader(fd: process.output)
    }

    /// Starts `executable __worker --vips-threads N --parent PID` (it exits when this process is gone);
    /// `number` is its slot in the pool, from 1.
    static func start(executable: String, vipsThreads: Int, number: Int = 1) throws -> ProcessPoolWorker {
        let arguments = ["__worker", "--vips-threads", String(vipsThreads), "--parent", String(getpid())]
        return ProcessPoolWorker(
            process: try ChildProcess.spawn(executable, name: "imgmake", arguments: arguments),
            number: number)
    }

    /// Runs one job in the worker and waits for its outcome, at most `timeout` seconds, and at most `stall`
    /// seconds without progress (`Watchdog`). Nil when the job could not be handed over because the worker had
    /// already died (while idle): the job did not run.
    func run(_ request: JobRequest, timeout: Double?, stall: Double? = nil) -> JobOutcome? {
        let start = DispatchTime.now().uptimeNanoseconds
        jobsRun += 1
        let line: [UInt8]
        do { line = try WorkerMessage(request: request).encodedLine() } catch {
            return Self.failed(request, "cannot encode the job: \(error)")
        }
        guard writeAll(process.input, line) else {
            process.wait(grace: Self.grace)
            isAlive = false
            return nil
        }
        let deadline = timeout.map { start + UInt64($0 * 1e9) }
        var watchdog = stall.map { Watchdog(limit: $0) }
        var result = LineReader.Result.timedOut
        while true {
            // With a watchdog, the worker is looked at every second (up to the job's deadline).
            let now = DispatchTime.now().uptimeNanoseconds
            let wake = watchdog == nil ? deadline : min(deadline ?? .max, now + 1_000_000_000)
            result = reader.next(deadline: wake)
            guard case .timedOut = result, deadline.map({ DispatchTime.now().uptimeNanoseconds < $0 }) ?? true,
                watchdog != nil
            else { break }
            if let stalled = watchdog?.check(process.pid) {
                process.send(SIGKILL)
                process.wait(grace: Self.grace)
                return end(request, start: start, because: Watchdog.message(stalled, seconds: stall ?? 0, output: request.output))
            }
        }
        switch result {
        case .line(let bytes):
            switch WorkerMessage.outcome(of: request.id, in: bytes) {
            case .success(let outcome):
                return outcome
            case .failure(let error):
                process.send(SIGKILL)
                process.wait(grace: Self.grace)
                return end(request, start: start, because: "worker \(number) (pid \(process.pid)) \(error.message)")
            }
        case .endOfFile:
            let raw = process.wait(grace: Self.grace)
            let stoppedByUs = interrupted.withLock { $0 }
            var cause = "worker process \(WaitStatus.describe(raw))"
            if stoppedByUs {
                cause = "interrupted: the job was stopped"
            } else if WaitStatus.exited(raw) && (raw >> 8) & 0xff == ExitStatus.noThread.code {
                cause = "the worker process cannot start a thread (\(cause))"
            } else if MemoryLimit.diedOfIt(raw), let limit = MemoryLimit.current {
                cause = "out of memory (\(limit)): \(cause)"
            }
            var outcome = end(request, start: start, because: cause)
            let signal = raw & 0x7f
            if stoppedByUs {
                outcome.stoppedBy = SIGTERM
            } else if [SIGTERM, SIGINT, SIGHUP].contains(signal) {
                outcome.stoppedBy = signal
            }
            return outcome
        case .timedOut:
            process.send(SIGKILL)
            process.wait(grace: Self.grace)
            return end(request, start: start, because: "timed out after \(Self.format(timeout ?? 0)) s")
        }
    }

    /// Stops the job in flight (Ctrl-C): SIGTERM; `run` then reports the job as interrupted.
    func interrupt() {
        interrupted.withLock { $0 = true }
        process.send(SIGTERM)
    }

    /// Closes the worker's stdin and waits for it to exit (SIGKILL after the grace period).
    func stop() {
        process.closeInput()
        process.wait(grace: Self.grace)
        isAlive = false
    }

    /// The failed outcome of a job whose worker is gone: also removes the temporary file it was writing.
    private func end(_ request: JobRequest, start: UInt64, because message: String) -> JobOutcome {
        isAlive = false
        process.closeInput()
        TemporaryFiles.remove(of: request.output, writtenBy: process.pid)
        return Self.failed(request, message, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The outcome of `request` failed in the worker machinery (step "worker"), naming its source.
    static func failed(_ request: JobRequest, _ message: String, seconds: Double = 0) -> JobOutcome {
        let source = request.job.isAggregate ? nil : request.job.sources.first
        return JobOutcome(
            id: request.id, summary: nil, error: ImageJobError(step: "worker", input: source, message: message),
            seconds: seconds)
    }

    /// `2` for 2.0, `1.5` for 1.5.
    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
