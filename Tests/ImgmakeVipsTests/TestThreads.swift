import Foundation
import ImgmakeJob
@testable import ImgmakeVips

/// Runs jobs on `threads` threads that libvips did not create, as the thread pool does, and returns each
/// job's result in job order.
func runOnThreads(_ threads: Int, _ jobs: [(job: ImageJob, output: String)]) -> [Result<ImageSummary, Error>] {
    let work = WorkList(count: jobs.count)
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        let thread = Thread {
            defer { VipsRuntime.threadShutdown(); group.leave() }
            while let index = work.take() {
                work.record(index, Result { try ImageRunner.run(jobs[index].job, writingTo: jobs[index].output) })
            }
        }
        thread.start()
    }
    group.wait()
    return work.results
}

/// Hands out job indexes to threads and collects their results.
private final class WorkList: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0
    private var collected: [Int: Result<ImageSummary, Error>] = [:]

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

    func record(_ index: Int, _ result: Result<ImageSummary, Error>) {
        lock.lock()
        collected[index] = result
        lock.unlock()
    }

    var results: [Result<ImageSummary, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return (0..<count).map { collected[$0]! }
    }
}
