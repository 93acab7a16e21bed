import Foundation
import Testing
@testable import ImgmakeVips

@Suite struct ConcurrencyTests {
    /// 8 jobs on 4 threads that libvips did not create, as the thread pool runs them.
    @Test func eightJobsOnFourThreads() throws {
        let folder = try TestFolder()
        let sources = try (0..<8).map { try folder.image("in\($0).jpg", width: 400 + 10 * $0, height: 300) }
        let lock = NSLock()
        var next = 0
        var results: [Int: Result<ImageSummary, Error>] = [:]
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            let thread = Thread {
                defer { VipsRuntime.threadShutdown(); group.leave() }
                while true {
                    lock.lock()
                    let index = next
                    next += 1
                    lock.unlock()
                    guard index < sources.count else { return }
                    let result = Result {
                        try ImageRunner.run(job([sources[index]], steps: [step("thumbnail", ("width", .int(100))), step("sharpen")],
                                                saver: "webpsave"), writingTo: folder.file("out\(index).webp"))
                    }
                    lock.lock()
                    results[index] = result
                    lock.unlock()
                }
            }
            thread.start()
        }
        group.wait()
        #expect(results.count == 8)
        for (index, result) in results {
            let summary = try result.get()
            #expect(summary.width == 100)
            #expect(summary.height == Int((300.0 * 100 / Double(400 + 10 * index)).rounded()))
        }
    }

    @Test func catalogFromManyThreads() {
        let names = ["thumbnail", "sharpen", "rotate", "arrayjoin", "composite2", "webpsave", "gaussblur", "resize"]
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            let info = VipsCatalog.shared.operation(named: names[index % names.count])
            precondition(info?.nickname == names[index % names.count])
        }
        #expect(VipsCatalog.shared.operationNames.contains("thumbnail"))
    }
}
