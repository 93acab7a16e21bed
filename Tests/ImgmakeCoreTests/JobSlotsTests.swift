import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// The builder asks `JobSlots` before each job and gives back as jobs end (a make jobserver, `-l`).
@Suite struct JobSlotsTests {
    /// A jobserver of `tokens` tokens that records how many jobs ran at once.
    final class Tokens: JobSlots {
        var free: Int
        var held = 0
        var most = 0
        init(_ tokens: Int) { free = tokens }
        func acquire(running: Int) -> Bool {
            if running > held {
                guard free > 0 else { return false }
                free -= 1
                held += 1
            }
            most = max(most, running + 1)
            return true
        }
        func release(running: Int) {
            while held > max(0, running - 1) {
                held -= 1
                free += 1
            }
        }
    }

    @Test func theBuilderRunsNoMoreJobsThanTokensAndGivesThemAllBack() throws {
        let tree = TestTree(
            recipe: "thumbs: build/{name}.webp <- photos/*.jpg\n    thumbnail 10\n", files: (1...9).map { "photos/\($0).jpg" })
        let session = try tree.session()
        var options = Builder.Options()
        options.jobs = 8
        let tokens = Tokens(2)
        let executor = FakeExecutor(disk: tree.disk, failing: [])
        let builder = Builder(
            session: session, reporter: .quiet(), options: options, interrupts: FakeInterrupts(), slots: tokens
        ) { _ in executor }
        let summary = try builder.build(session.edges(for: []))
        #expect(summary.built == 9)
        #expect(tokens.most <= 3 && tokens.free == 2 && tokens.held == 0, "most \(tokens.most), free \(tokens.free)")
    }

    @Test func theLoadLimitHoldsNewJobsOnlyWhileOthersRun() {
        var load = 5.0
        let limit = LoadLimit(2, loadAverage: { load })
        #expect(limit.acquire(running: 0), "the first job always runs")
        #expect(!limit.acquire(running: 1))
        load = 1.5
        #expect(limit.acquire(running: 1))
        let combined = CombinedSlots([Tokens(0), limit])
        #expect(combined.acquire(running: 0) && !combined.acquire(running: 1))
    }
}
