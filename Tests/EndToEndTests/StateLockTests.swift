import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two builds of one tree at once: the second waits for the first (saying so) and then finds its work done;
/// `--no-wait` fails at once; read-only commands do not wait; a holder killed with `kill -9` lets go.
@Suite struct StateLockTests {
    static let count = 40

    static func project(_ name: String) throws -> Sandbox {
        let box = try Sandbox(name)
        for i in 0..<count { try box.image("photos/p\(String(format: "%02d", i)).jpg", width: 160, height: 128, seed: i % 2 + 1) }
        try box.write(
            "Imgmakefile",
            """
            thumbs: build/{name}.webp <- photos/*.jpg
                thumbnail width=96 height=96 crop=attention
                gaussblur sigma=1.5
            """)
        return box
    }

    /// Starts a build and stops it (SIGSTOP) once it has finished a job: it holds the lock from then on.
    static func stoppedBuild(_ box: Sandbox) throws -> Spawned {
        let first = try box.start(arguments: ["-j1"])
        try first.waitForProgress()
        first.send(SIGSTOP)
        try #require(first.stdoutSoFar.contains("[1/"), "the first build never finished a job")
        return first
    }

    static func stderrSoFar(_ process: Spawned) -> String { process.stderrSoFar }

    /// Waits until `process` says it waits for `holder`; false if it never does (or ends first).
    static func waits(_ process: Spawned, for holder: pid_t) -> Bool {
        let line = "imgmake: waiting for another build of this tree (pid \(holder)) to finish"
        return (try? process.waitForOutput("the wait for pid \(holder)", stderr: true, timeout: 60) { $0.contains(line) }) != nil
    }

    @Test func aSecondBuildWaitsForTheFirstThenFindsItsWorkDone() throws {
        let box = try Self.project("lockwait")
        let first = try Self.stoppedBuild(box)
        let second = try box.start(arguments: ["-j2"])
        #expect(Self.waits(second, for: first.pid), "\(Self.stderrSoFar(second))")

        // --no-wait: a clear error and exit 75 at once, nothing built.
        let impatient = try box.imgmake("--no-wait")
        #expect(impatient.status == 75, "\(impatient)")
        #expect(impatient.stderr.contains("imgmake: error: another build of this tree (pid \(first.pid)) is running"), "\(impatient)")
        #expect(impatient.builtOutputs.isEmpty, "\(impatient)")
        let cleaner = try box.imgmake("clean", "--no-wait")
        #expect(cleaner.status == 75, "\(cleaner)")
        // Read-only commands take no lock.
        let dryRun = try box.imgmake("-n")
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(try box.imgmake("list").status == 0)

        first.send(SIGCONT)
        let firstResult = try first.wait(timeout: 300)
        #expect(firstResult.status == 0, "\(firstResult)")
        #expect(firstResult.summary?.built == Self.count, "\(firstResult)")
        let secondResult = try second.wait(timeout: 300)
        #expect(secondResult.status == 0, "\(secondResult)")
        #expect(secondResult.summary == Summary(built: 0, upToDate: Self.count), "the second build did the work again: \(secondResult)")
        #expect(secondResult.stderr.components(separatedBy: "waiting for another build").count == 2, "said once: \(secondResult)")
        try box.expectUpToDate()
    }

    /// The stamps a build reads while it builds its graph (beside the walk) are read again when it had to wait
    /// for the lock: a photo changed during the wait is built by it.
    @Test func aPhotoChangedWhileABuildWaitsIsBuiltByIt() throws {
        let box = try Self.project("lockchange")
        #expect(try box.imgmake("-j2").summary?.built == Self.count)
        for i in 0..<10 { try box.touch("photos/p\(String(format: "%02d", i)).jpg") }
        let first = try Self.stoppedBuild(box)
        let second = try box.start(arguments: ["-j2"])
        #expect(Self.waits(second, for: first.pid), "\(Self.stderrSoFar(second))")
        try box.touch("photos/p39.jpg")
        first.send(SIGCONT)
        let firstResult = try first.wait(timeout: 300)
        #expect(firstResult.summary == Summary(built: 10, upToDate: Self.count - 10), "\(firstResult)")
        let secondResult = try second.wait(timeout: 300)
        #expect(secondResult.summary == Summary(built: 1, upToDate: Self.count - 1), "p39 was changed: \(secondResult)")
        try box.expectUpToDate()
    }

    @Test func aHolderKilledWithSigkillLetsGo() throws {
        let box = try Self.project("lockkill")
        let first = try Self.stoppedBuild(box)
        let second = try box.start(arguments: ["-j2"])
        #expect(Self.waits(second, for: first.pid), "\(Self.stderrSoFar(second))")
        first.send(SIGKILL)
        _ = try first.wait(timeout: 60)
        let secondResult = try second.wait(timeout: 300)
        #expect(secondResult.status == 0, "\(secondResult)")
        let built = secondResult.summary?.built ?? 0
        #expect(built > 0 && built < Self.count, "the second build builds what the first did not: \(secondResult)")
        #expect(Set(box.files(under: "build")).count == Self.count)
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        try box.expectUpToDate()
    }
}

extension StateLockTests {
    /// `.imgmake` that is no folder (or a read-only tree): the build goes on without the lock, with a warning,
    /// as it goes on without a state it cannot write (which it says, with exit 74: the outputs are built).
    @Test func aBuildGoesOnWhenTheLockCannotBeMade() throws {
        let box = try Sandbox("locknone")
        try box.image("photos/a.jpg", seed: 1)
        try box.write("Imgmakefile", "thumbs: build/{name}.webp <- photos/*.jpg\n    thumbnail width=16\n")
        try box.write(".imgmake", "not a folder")
        let result = try box.imgmake("-j2")
        #expect(result.status == 74, "\(result)")
        #expect(result.summary?.built == 1, "\(result)")
        #expect(result.stderr.contains("imgmake: warning: cannot lock \(box.path(".imgmake/lock")): "), "\(result)")
        #expect(result.stderr.contains("imgmake: error: cannot save the build state: "), "\(result)")
    }
}
