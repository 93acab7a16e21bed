import Foundation
import ImgmakeJob
import ImgmakeSync

@testable import ImgmakeVips

/// Runs jobs on `threads` threads that libvips did not create, as the thread pool does, and returns each
/// job's result in job order.
func runOnThreads(_ threads: Int, _ jobs: [(job: ImageJob, output: String)]) -> [Result<ImageSummary, Error>] {
    let work = WorkList(count: jobs.count)
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        let thread = Thread {
            defer {
                VipsRuntime.threadShutdown()
                group.leave()
            }
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
private final class WorkList: Sendable {
    private let count: Int
    /// The next index to hand out, and the results so far.
    private let state = Mutex((next: 0, collected: [Int: Result<ImageSummary, Error>]()))

    init(count: Int) { self.count = count }

    func take() -> Int? {
        state.withLock { state in
            guard state.next < count else { return nil }
            state.next += 1
            return state.next - 1
        }
    }

    func record(_ index: Int, _ result: Result<ImageSummary, Error>) {
        state.withLock { $0.collected[index] = result }
    }

    var results: [Result<ImageSummary, Error>] {
        state.withLock { state in
            (0..<count).map { index in
                guard let result = state.collected[index] else {
                    preconditionFailure("job \(index) has no result: results are read after every thread ended")
                }
                return result
            }
        }
    }
}
