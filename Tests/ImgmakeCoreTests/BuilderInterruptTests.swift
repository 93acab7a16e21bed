import Foundation
import ImgmakeJob
import ImgmakeSync
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// The builder's reaction to an interrupt, with the interrupts injected (`FakeInterrupts`): no signal is sent,
/// and the test process' signal handling is left as it is.
@Suite struct BuilderInterruptTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        """

    /// A `FakeExecutor` that interrupts the build as its first job starts, as Ctrl-C during that job would.
    final class InterruptingExecutor: JobExecutor {
        let base: FakeExecutor
        let interrupts: FakeInterrupts
        private let wakes = Mutex(0)
        var wakeCount: Int { wakes.withLock { $0 } }

        init(_ base: FakeExecutor, interrupts: FakeInterrupts) {
            self.base = base
            self.interrupts = interrupts
        }

        func submit(_ request: JobRequest) {
            base.submit(request)
            if base.written.count == 1 { interrupts.interrupt(SIGTERM) }
        }

        func nextOutcome() -> JobOutcome? { base.nextOutcome() }
        func wake() { wakes.withLock { $0 += 1 } }
        func shutdown() {}
    }

    @Test func anInterruptFromTheInjectedSourceStopsNewJobs() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg", "photos/c.jpg", "photos/d.jpg"])
        let session = try tree.session()
        var options = Builder.Options()
        options.jobs = 1
        let interrupts = FakeInterrupts()
        let executor = InterruptingExecutor(FakeExecutor(disk: tree.disk, failing: []), interrupts: interrupts)
        let builder = Builder(
            session: session,
            reporter: ProgressReporter(
                verbosity: .quiet, isTerminal: false,
                output: { _ in }, errorOutput: { _ in }),
            options: options, interrupts: interrupts
        ) { _ in executor }
        let summary = try builder.build(session.edges(for: []))
        // The job running when the interrupt came ends and is recorded; the three others never start.
        #expect(executor.base.written == ["/t/build/thumbs/a.webp"])
        #expect(summary.built == 1)
        #expect(summary.interrupted)
        #expect(summary.interruptSignal == SIGTERM)
        #expect(summary.exitCode == 143)
        // The builder armed the injected source, whose action woke the pool, and disarmed it at the end.
        #expect(interrupts.arms == 1)
        #expect(executor.wakeCount == 1)
        #expect(!interrupts.isInterrupted)
    }

    @Test func withoutAnInterruptEveryJobRuns() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg", "photos/c.jpg", "photos/d.jpg"])
        let result = try tree.build()
        #expect(result.built == ["build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/c.webp", "build/thumbs/d.webp"])
        #expect(!result.summary.interrupted)
    }
}
