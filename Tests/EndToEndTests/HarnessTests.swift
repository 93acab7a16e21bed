import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The harness itself: what every end-to-end test relies on when it starts a program.
@Suite struct HarnessTests {
    /// A program the harness starts keeps stdin, stdout and stderr only. Before, it inherited every descriptor
    /// the test process had open without O_CLOEXEC (Foundation opens its writes so), and a stub script that
    /// another test was writing stayed open in a long-lived child: running it failed with "Text file busy".
    @Test func aStartedProgramHoldsNoOtherDescriptorOfTheTestProcess() throws {
        let box = try Sandbox("harness")
        let file = box.path("open-for-writing")
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let run = try runProgram("/bin/ls", ["-l", "/proc/self/fd/"], in: box.root)
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdout.contains(file), "the child holds the test's file open: \(run.stdout)")
    }

    /// A script written by writeExecutable runs at once, even while another thread starts programs.
    @Test func aWrittenProgramRunsWhileOthersStart() throws {
        let box = try Sandbox("harness-exec")
        let root = box.root
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for _ in 0..<40 { _ = try? runProgram("/bin/sleep", ["0.05"], in: root) }
            done.signal()
        }
        for index in 0..<40 {
            try box.writeExecutable("stub\(index)", "#!/bin/sh\necho \(index)\n")
            let run = try runProgram(box.path("stub\(index)"), [], in: box.root)
            #expect(run.status == 0 && run.stdout == "\(index)\n", "\(run)")
        }
        done.wait()
    }
}
