import Foundation
import ImgmakeVips

/// The thread pool (SPEC §4): N threads in this process take jobs from a queue and run them through libvips.
public final class ThreadPool: JobExecutor, @unchecked Sendable {
    private let queue = JobQueue()
    private let finished = DispatchGroup()

    /// Starts `workers` threads; libvips' own thread count is set so that jobs × its threads fit the cores.
    public init(workers: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        VipsRuntime.start()
        VipsRuntime.setConcurrency(max(1, cores / max(1, workers)))
        for n in 0..<max(1, workers) {
            finished.enter()
            let thread = Thread { [self] in
                while let request = queue.take() { queue.deliver(JobRunner.run(request)) }
                VipsRuntime.threadShutdown()
                finished.leave()
            }
            thread.name = "imgmake-worker-\(n)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    public func submit(_ request: JobRequest) { queue.submit(request) }

    public func nextOutcome() -> JobOutcome? { queue.nextOutcome() }

    public func wake() { queue.wake {} }

    public func shutdown() {
        queue.stop {}
        finished.wait()
    }
}
