import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeVips

/// The thread pool (README's *Pools*): N threads in this process take jobs from a queue and run them through libvips.
///
/// A thread cannot be stopped, so a job that never ends would hang the build. Jobs whose saver is known to
/// retry a failed write forever (libvips' JPEG 2000 saver on a full disk) are therefore run by the same thread
/// in a one-job worker process (`imgmake __worker`), under the process pool's watchdog, which kills it when it
/// makes no progress; every other job runs in the thread.
final class ThreadPool: JobExecutor {
    private let queue = JobQueue()
    private let finished = DispatchGroup()
    private let settings: ProcessPool.Settings
    private let vipsThreads: Int
    /// Set when a thread could not be started: every job fails with it.
    private let startError: ThreadStartError?
    /// The rules' own code (`run`, `python`, `worker`), run by the threads in processes of its own.
    private let userCode: UserCode

    /// Savers that may loop forever on a write error, so that their jobs run in a worker process.
    static let saversRunInAWorker: Set<String> = ["jp2ksave"]

    /// Starts `workers` threads; libvips' own thread count is set so that jobs × its threads fit the cores.
    /// `settings` give the worker program and the watchdog for the jobs run in a worker process.
    init(
        workers: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount,
        settings: ProcessPool.Settings = ProcessPool.Settings()
    ) {
        self.settings = settings
        let userCode = UserCode(jobTimeout: settings.jobTimeout, maxWorkers: workers)
        self.userCode = userCode
        let vipsThreads = max(1, cores / max(1, workers))
        self.vipsThreads = vipsThreads
        VipsRuntime.start()
        VipsRuntime.setConcurrency(vipsThreads)
        let queue = queue
        startError = CheckedThread.startAll(
            max(1, workers), name: "imgmake-worker", stackSize: 8 << 20,
            finished: finished
        ) { thread in
            ProcessPool.ignoreBrokenPipes()  // for the jobs run in a worker process
            while let request = queue.take() {
                var outcome = Self.run(request, settings: settings, vipsThreads: vipsThreads, userCode: userCode)
                outcome.worker = thread + 1
                queue.deliver(outcome)
            }
            VipsRuntime.threadShutdown()
        }
        if startError != nil { queue.stop() }
    }

    func submit(_ request: JobRequest) {
        if let startError { return queue.deliver(ProcessPoolWorker.failed(request, startError.description)) }
        queue.submit(request)
    }

    func nextOutcome() -> JobOutcome? { queue.nextOutcome() }

    /// Ctrl-C: the user's code is stopped now (it runs in processes that can be); libvips jobs run to their end.
    func wake() {
        userCode.interrupt()
        queue.wake()
    }

    func shutdown() {
        queue.stop()
        finished.wait()
        userCode.shutdown()
    }

    /// Runs a job in this thread, or in a worker process when its saver may never end.
    private static func run(_ request: JobRequest, settings: ProcessPool.Settings, vipsThreads: Int, userCode: UserCode) -> JobOutcome {
        if let program = request.job.program { return userCode.run(request, program) }
        guard Self.saversRunInAWorker.contains(request.job.saver) else { return JobRunner.run(request) }
        let worker: ProcessPoolWorker
        do { worker = try ProcessPoolWorker.start(executable: settings.executable, vipsThreads: vipsThreads) } catch {
            return ProcessPoolWorker.failed(request, "cannot start a worker process: \(error)")
        }
        defer { if worker.isAlive { worker.stop() } }
        return worker.run(request, timeout: settings.jobTimeout, stall: settings.stallTimeout)
            ?? ProcessPoolWorker.failed(request, "the worker process died before taking the job")
    }
}
