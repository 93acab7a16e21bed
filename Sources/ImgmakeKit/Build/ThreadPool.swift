import Foundation
import ImgmakeVips

/// The thread pool (SPEC §4): N threads in this process take jobs from a queue and run them through libvips.
public final class ThreadPool: JobExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [JobRequest] = []
    private var outcomes: [JobOutcome] = []
    private var stopping = false
    private var woken = false
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    /// Starts `workers` threads; libvips' own thread count is set so that jobs × its threads fit the cores.
    public init(workers: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        VipsRuntime.start()
        VipsRuntime.setConcurrency(max(1, cores / max(1, workers)))
        for n in 0..<max(1, workers) {
            finished.enter()
            let thread = Thread { [self] in
                work()
                VipsRuntime.threadShutdown()
                finished.leave()
            }
            thread.name = "imgmake-worker-\(n)"
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
    }

    public func submit(_ request: JobRequest) {
        condition.withLock {
            queue.append(request)
            condition.broadcast()
        }
    }

    public func nextOutcome() -> JobOutcome? {
        condition.withLock {
            while outcomes.isEmpty && !woken { condition.wait() }
            if woken && outcomes.isEmpty {
                woken = false
                return nil
            }
            return outcomes.removeFirst()
        }
    }

    public func wake() {
        condition.withLock {
            woken = true
            condition.broadcast()
        }
    }

    public func shutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        finished.wait()
    }

    private func work() {
        while true {
            let request: JobRequest? = condition.withLock {
                while queue.isEmpty && !stopping { condition.wait() }
                return queue.isEmpty ? nil : queue.removeFirst()
            }
            guard let request else { return }
            let outcome = JobRunner.run(request)
            condition.withLock {
                outcomes.append(outcome)
                condition.broadcast()
            }
        }
    }
}
