import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeSync
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Temporaries are named after the process that writes them, PID and start time, so that a later process
/// that reuses the PID is not taken for a writer still at work.
@Suite struct TemporaryFilesTests {
    @Test func namesCarryPidAndStartTime() throws {
        let path = TemporaryFiles.shared.make(for: "/t/out/a.webp")
        defer { TemporaryFiles.shared.release(path) }
        let name = PathName.fileName(path)
        #expect(name.hasPrefix(".a.webp.imgmake-\(getpid())-\(ProcessStart.own)-"))
        let writer = try #require(TemporaryFiles.writer(ofTemporary: name))
        #expect(writer.pid == getpid())
        #expect(writer.start == ProcessStart.own)
        #expect(ProcessStart.own > 0)
    }

    @Test func olderNamesAndOtherFilesAreParsedOrIgnored() {
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.imgmake-123-7.tmp")! == (pid: 123, start: nil))
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.imgmake-123-456-7.tmp")! == (pid: 123, start: 456))
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.tmp") == nil)
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.imgmake-123-456-7.txt") == nil)
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.imgmake-x-7.tmp") == nil)
        #expect(TemporaryFiles.writer(ofTemporary: ".a.webp.imgmake-1-2-3-4.tmp") == nil)
    }

    @Test func aReusedPidIsNotTheWriter() throws {
        // This process, with its own start time, is running; the same PID with another start time is a
        // process that is gone (its PID now ours).
        #expect(ProcessStart.isRunning(getpid(), startedAt: ProcessStart.own))
        #expect(!ProcessStart.isRunning(getpid(), startedAt: ProcessStart.own + 1))
        // The parent (the test runner) is running; with a wrong start time it is not the writer.
        let parent = getppid()
        let start = try #require(ProcessStart.of(parent)?.start)
        #expect(ProcessStart.isRunning(parent, startedAt: start))
        #expect(ProcessStart.isRunning(parent, startedAt: nil))
        #expect(!ProcessStart.isRunning(parent, startedAt: start + 1))
    }

    @Test func staleTemporariesOfGoneWritersAreRemoved() throws {
        let disk = MemoryDisk()
        let parent = getppid()
        let parentStart = try #require(ProcessStart.of(parent)?.start)
        let names = [
            ".a.webp.imgmake-\(parent)-\(parentStart)-1.tmp",  // a running writer: kept
            ".b.webp.imgmake-\(parent)-\(parentStart + 9)-1.tmp",  // its PID, another start: removed
            ".c.webp.imgmake-\(getpid())-\(ProcessStart.own)-1.tmp",  // ours: kept
            "notes.tmp",  // not ours: kept
        ]
        for name in names { disk.write("/t/out/" + name) }
        #expect(TemporaryFiles.removeStale(in: ["/t/out"], disk: disk) == (removed: 1, running: 2))
        #expect(!disk.exists("/t/out/" + names[1]))
        for index in [0, 2, 3] { #expect(disk.exists("/t/out/" + names[index])) }
    }

    /// `.imgmake/writing` is there while jobs run and gone after a build that ended, so the next run does not
    /// look for temporaries in the folders of outputs; after a killed build (the marker left) the next run, a
    /// no-op too, removes the temporaries it left.
    @Test func temporariesAreLookedForOnlyAfterABuildThatDidNotEnd() throws {
        let tree = TestTree(recipe: "thumbs: out/{name}.webp <- photos/*.jpg\n    thumbnail 100", files: ["photos/a.jpg", "photos/b.jpg"])
        let marker = "/t/.imgmake/" + TemporaryFiles.markerName
        let (session, builder, executor) = try tree.makeBuilder()
        let seen = Mutex<[Bool]>([])
        executor.onSubmit.withLock { $0 = { [disk = tree.disk] _ in seen.withLock { $0.append(disk.exists(marker)) } } }
        #expect(try builder.build(session.edges(for: [])).built == 2)
        #expect(seen.withLock { $0 } == [true, true])
        #expect(!tree.disk.exists(marker))

        let parent = getppid()
        let parentStart = try #require(ProcessStart.of(parent)?.start)
        let left = "/t/out/.a.webp.imgmake-\(parent)-\(parentStart + 9)-1.tmp"  // a writer that is gone
        tree.disk.write(left)
        #expect(try tree.build().built == [])
        #expect(tree.disk.exists(left))  // not looked for

        tree.disk.write(marker, "")  // a build killed while its jobs ran
        #expect(try tree.build().built == [])
        #expect(!tree.disk.exists(left))
        #expect(!tree.disk.exists(marker))
    }
}
