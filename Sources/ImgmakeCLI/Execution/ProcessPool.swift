import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeVips

/// The process pool (README's *Pools*): N worker processes of imgmake itself (`imgmake __worker`), one job at a time
/// each, fed over pipes (`WorkerMessage`). A worker that crashes, is killed or overruns `--job-timeout` fails
/// its job alone and is replaced; `--max-jobs-per-worker` recycles workers.
///
/// Each worker has a driver thread here that takes jobs from the queue, talks to its process and puts the
/// outcomes in a queue, as `ThreadPool`'s threads do with jobs they run themselves.
final class ProcessPool: JobExecutor {
    /// What the command line sets.
    struct Settings: Sendable, Equatable {
        /// A job running longer is killed and fails; nil: no limit.
        var jobTimeout: Double?
        /// A worker is replaced after this many jobs; nil: never.
        var maxJobsPerWorker: Int?
        /// A job that makes no progress for this long (no CPU time, no bytes read or written, or only failing
        /// writes: `Watchdog`) is killed and fails; nil: no watchdog.
        var stallTimeout: Double? = OptionDefaults.stallTimeout
        /// The program started as a worker: this very executable (even if its file was replaced meanwhile).
        var executable =
            FileManager.default.isExecutableFile(atPath: "/proc/self/exe")
            ? "/proc/self/exe" : (Bundle.main.executablePath ?? CommandLine.arguments[0])
        var cores = ProcessInfo.processInfo.activeProcessorCount
        init(
            jobTimeout: Double? = nil, maxJobsPerWorker: Int? = nil,
            stallTimeout: Double? = OptionDefaults.stallTimeout
        ) {
            self.jobTimeout = jobTimeout
            self.maxJobsPerWorker = maxJobsPerWorker
            self.stallTimeout = stallTimeout
        }
    }

    private let settings: Settings
    private let vipsThreads: Int
    /// The pool's state that changes with the queues.
    private struct Drivers: Sendable {
        /// Calls of `wake()` (Ctrl-C). From the second on, and in `shutdown()` after the first, the jobs in
        /// flight are stopped: the interactive shell calls `wake()` on every Ctrl-C, the command line exits on
        /// the second.
        var wakes = 0
        /// The workers running a job now, by driver.
        var busy: [Int: ProcessPoolWorker] = [:]
    }
    private let queue = JobQueue(pool: Drivers())
    private let finished = DispatchGroup()
    /// Set when a driver thread could not be started: every job fails with it (a pool short of drivers would
    /// leave jobs in the queue with no one to take them).
    private let startError: ThreadStartError?
    /// The rules' own code (`run`, `python`, `worker`): its processes, driven by the same driver threads.
    private let userCode: UserCode

    /// Starts `workers` worker processes; each runs libvips with cores / workers threads.
    init(workers: Int, settings: Settings = Settings()) {
        self.settings = settings
        let count = max(1, workers)
        vipsThreads = max(1, settings.cores / count)
        let userCode = UserCode(jobTimeout: settings.jobTimeout, maxWorkers: count)
        self.userCode = userCode
        let (queue, settings, vipsThreads) = (queue, settings, vipsThreads)
        startError = CheckedThread.startAll(count, name: "imgmake-worker", finished: finished) { n in
            Self.drive(n, queue: queue, settings: settings, vipsThreads: vipsThreads, userCode: userCode)
        }
        if startError != nil { queue.stop { _ in } }
    }

    func submit(_ request: JobRequest) {
        if let startError { return queue.deliver(ProcessPoolWorker.failed(request, startError.description)) }
        queue.submit(request)
    }

    func nextOutcome() -> JobOutcome? { queue.nextOutcome() }

    func wake() {
        userCode.interrupt()
        let victims = queue.wake { drivers -> [ProcessPoolWorker] in
            drivers.wakes += 1
            return drivers.wakes > 1 ? Array(drivers.busy.values) : []
        }
        for victim in victims { victim.interrupt() }
    }

    /// Ends the workers: idle ones see their stdin close and exit. After an interrupt, workers still running a
    /// job get SIGTERM, then SIGKILL after a grace period; their temporary files are removed.
    func shutdown() {
        let victims = queue.stop { drivers -> [ProcessPoolWorker] in drivers.wakes > 0 ? Array(drivers.busy.values) : [] }
        for victim in victims { victim.interrupt() }
        defer { userCode.shutdown() }
        guard !victims.isEmpty else { return finished.wait() }
        if finished.wait(timeout: .now() + ProcessPoolWorker.grace) == .timedOut {
            for victim in victims { victim.process.send(SIGKILL) }
            finished.wait()
        }
    }

    /// One driver: keeps a live worker (started ahead of its first job, replaced when it dies or has run its
    /// share), and runs the queue's jobs on it until the pool stops.
    /// (Static: the driver threads start in `init`, and share only the queue and the settings.)
    private static func drive(_ slot: Int, queue: JobQueue<Drivers>, settings: Settings, vipsThreads: Int, userCode: UserCode) {
        ignoreBrokenPipes()
        let startWorker = { try ProcessPoolWorker.start(executable: settings.executable, vipsThreads: vipsThreads, number: slot + 1) }
        var worker: ProcessPoolWorker?
        while true {
            if worker == nil && !queue.isStopping { worker = try? startWorker() }
            guard let request = queue.take() else { break }
            if let program = request.job.program {
                // User code runs in its own processes (`UserCode`), not in an imgmake worker.
                var outcome = userCode.run(request, program)
                outcome.worker = slot + 1
                queue.deliver(outcome)
                continue
            }
            var outcome = execute(request, slot: slot, worker: &worker, queue: queue, settings: settings, startWorker: startWorker)
            outcome.worker = slot + 1
            queue.deliver(outcome) { $0.busy[slot] = nil }
            if let done = worker, let limit = settings.maxJobsPerWorker, done.jobsRun >= limit {
                done.stop()
                worker = nil
            }
        }
        worker?.stop()
    }

    /// Runs a job on the slot's worker, starting one if there is none. A worker found dead when the job is
    /// handed over (it died while idle) held no job: it is replaced and the job sent again, once.
    private static func execute(
        _ request: JobRequest, slot: Int, worker: inout ProcessPoolWorker?, queue: JobQueue<Drivers>,
        settings: Settings, startWorker: () throws -> ProcessPoolWorker
    ) -> JobOutcome {
        for _ in 0..<2 {
            let running: ProcessPoolWorker
            do { running = try worker ?? startWorker() } catch {
                return ProcessPoolWorker.failed(request, "cannot start a worker process: \(error)")
            }
            worker = running
            queue.withPool { $0.busy[slot] = running }
            let outcome = running.run(request, timeout: settings.jobTimeout, stall: settings.stallTimeout)
            if !running.isAlive { worker = nil }
            if let outcome { return outcome }
        }
        return ProcessPoolWorker.failed(request, "worker processes keep dying before taking a job")
    }

    /// Writing to a worker that just died raises SIGPIPE, which would end imgmake: blocked in this thread
    /// (the write then fails with EPIPE, and the worker is replaced). Also used by the thread pool's threads
    /// that run a job in a worker.
    static func ignoreBrokenPipes() {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &mask, nil)
    }
}
