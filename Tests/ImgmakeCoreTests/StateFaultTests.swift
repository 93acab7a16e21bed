import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Faults of the machine around the state: damaged outputs, a state that cannot be written, damaged records,
/// clock skew.
@Suite struct StateFaultTests {
    func builtTree(checkHash: Bool = false) throws -> TestTree {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.checkHash = checkHash
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp", "build/thumbs/b.webp"])
        return tree
    }

    // MARK: outputs compared with their records

    @Test func aTruncatedOrReplacedOutputIsRebuilt() throws {
        let tree = try builtTree()
        tree.disk.write("/t/build/thumbs/a.webp", "trunc")  // truncated: another size, a new mtime
        #expect(try tree.reasons("build/thumbs/a.webp") == [.outputChanged])
        #expect(try tree.reasons("build/sheet.jpg") == [.inputRebuilt("build/thumbs/a.webp")])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
        #expect(try tree.build(["sheet"]).built == [])
        // Replaced by a file of the same size with an older mtime (a restored backup): newer than nothing.
        let size = try #require(tree.disk.stamp("/t/build/thumbs/b.webp")).size
        tree.disk.write("/t/build/thumbs/b.webp", String(repeating: "z", count: Int(size)))
        tree.disk.setMtime("/t/build/thumbs/b.webp", 5)
        #expect(try tree.reasons("build/thumbs/b.webp") == [.outputChanged])
        #expect(StaleReason.outputChanged.description == "it changed since imgmake built it (size/mtime differ from the record)")
        #expect(try tree.build(["thumbs"]).built == ["build/thumbs/b.webp"])
    }

    @Test func withCheckHashAnOutputRestoredWithANewMtimeIsKnownByItsContent() throws {
        let tree = try builtTree(checkHash: true)
        let record = try #require(BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/a.webp"])
        #expect(record.outputDigest == tree.disk.digest("/t/build/thumbs/a.webp"))
        // A cache restores every output with the same bytes and a new mtime.
        for output in ["build/thumbs/a.webp", "build/thumbs/b.webp", "build/sheet.jpg"] {
            let bytes = try tree.disk.read("/t/" + output)
            tree.disk.write("/t/" + output, String(decoding: bytes, as: UTF8.self))
        }
        #expect(try tree.reasons("build/thumbs/a.webp") == [])
        #expect(try tree.build(["sheet"]).built == [])
        // The new stamps are recorded: the next run compares stamps and reads nothing.
        let refreshed = try #require(BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/a.webp"])
        #expect(refreshed.outputStamp == tree.disk.stamp("/t/build/thumbs/a.webp"))
        // Restored with other bytes: rebuilt.
        tree.disk.write("/t/build/thumbs/b.webp", "not what imgmake wrote")
        #expect(try tree.reasons("build/thumbs/b.webp") == [.outputChanged])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/b.webp"])
    }

    @Test func withCheckHashAnOutputWhoseRecordHasNoDigestIsRebuiltWhenItsStampChanged() throws {
        let tree = try builtTree()  // without --check hash: no output digests
        tree.checkHash = true
        let bytes = try tree.disk.read("/t/build/thumbs/a.webp")
        tree.disk.write("/t/build/thumbs/a.webp", String(decoding: bytes, as: UTF8.self))
        #expect(try tree.reasons("build/thumbs/a.webp") == [.outputChanged])
        // An up-to-date one gets its digest recorded by a --check hash run.
        #expect(try tree.build(["thumbs"]).built == ["build/thumbs/a.webp"])
        #expect(
            BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/b.webp"]?.outputDigest
                == tree.disk.digest("/t/build/thumbs/b.webp"))
    }

    @Test func outputDigestsRoundTripInTheLog() {
        for recipe in [nil, "web.imgmake"] as [String?] {
            let record = BuildRecord(
                output: "out/a.webp", outputStamp: FileStamp(mtime: 9, size: 10), recipeFingerprint: 7,
                inputs: [InputRecord(path: "a.jpg", stamp: FileStamp(mtime: 5, size: 3), digest: "ab")],
                builtAt: 42, recipe: recipe, outputDigest: "cd01")
            let line = BuildLogCodec.encode(record)
            #expect(BuildLogCodec.decode(line.dropLast()) == .record(record))
        }
    }

    // MARK: a state that cannot be written

    @Test func recordsThatCannotBeSavedAreSaidOnceAndFailTheRun() throws {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        let faulty = FaultyDisk(tree.disk)
        tree.sessionDisk = faulty
        faulty.appendBudget = BuildLogCodec.header.utf8.count + 40  // the header, then part of the first record
        let first = try tree.build(["sheet"])
        #expect(first.built.count == 3)
        #expect(first.summary.built == 3)
        #expect(first.summary.unrecorded == 3)
        #expect(first.summary.exitCode == ImgmakeCore.ExitStatus.notWritten.code)
        #expect(first.summary.line.contains("3 not recorded"))
        let errors = tree.stderr.filter { $0.contains("build state") || $0.contains("build log") }
        #expect(errors.count == 1)
        #expect(
            errors.first?.contains(
                "cannot save the build state: /t/.imgmake/log: No space left on device: 3 outputs are not recorded ("
                    + "build/thumbs/a.webp, build/thumbs/b.webp, build/sheet.jpg); the files are fine") == true)
        // Space again: what was not recorded is built again, and saved; then nothing is left to do.
        faulty.appendBudget = nil
        tree.stderr = []
        let second = try tree.build(["sheet"])
        #expect(second.built.count == 3)
        #expect(second.summary.exitCode == 0)
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr.filter { !$0.contains("skipped 1 damaged record") }.isEmpty)
    }

    @Test func aFailedPartialAppendIsNotGluedToTheNextRecord() throws {
        let memory = MemoryDisk()
        let faulty = FaultyDisk(memory)
        let state = BuildState(root: "/t", disk: faulty)
        func record(_ output: String) -> BuildRecord {
            BuildRecord(output: output, outputStamp: FileStamp(mtime: 1, size: 10), recipeFingerprint: 7, inputs: [], builtAt: 1)
        }
        try state.record(record("a.webp"))
        faulty.appendBudget = 20  // b's line is cut after 20 bytes: the log ends part way through a line
        #expect(throws: DiskError.self) { try state.record(record("b.webp")) }
        faulty.appendBudget = nil  // the disk has room again (another file was removed)
        try state.record(record("c.webp"))
        let reloaded = BuildState(root: "/t", disk: memory)
        #expect(Set(reloaded.allRecords().keys) == ["a.webp", "c.webp"])
        #expect(reloaded.warnings.count == 1)  // b's torn line
    }

    // MARK: damaged records

    @Test func damagedRecordsAreWarnedAboutOnceAndTheLogRepaired() throws {
        let tree = try builtTree()
        try tree.disk.append("/t/.imgmake/log", Array("R\t1\tgarbage\n".utf8))
        tree.stderr = []
        #expect(try tree.build(["sheet"]).built == [])  // nothing to rebuild: the damaged line was no output's
        #expect(tree.stderr.count == 1)
        #expect(tree.stderr.first?.contains("skipped 1 damaged record") == true)
        tree.stderr = []
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr == [])
        #expect(
            Set(BuildState(root: "/t", disk: tree.disk).allRecords().keys) == [
                "build/sheet.jpg", "build/thumbs/a.webp", "build/thumbs/b.webp",
            ])
    }

    // MARK: clock skew

    @Test func anInputFromTheFutureIsBuiltOnceWithOneWarning() throws {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg", "photos/c.jpg"])
        let hour: Int64 = 3_600_000_000_000
        tree.disk.setMtime("/t/photos/a.jpg", tree.disk.now() + hour)
        tree.disk.setMtime("/t/photos/b.jpg", tree.disk.now() + 2 * hour)
        #expect(try tree.build(["sheet"]).built.count == 4)
        #expect(
            tree.stderr == [
                "imgmake: warning: clock skew detected: photos/a.jpg has a modification time 3600 s in the future "
                    + "(and 1 more input); its outputs are judged by the stamps recorded when they were built, not by time\n"
            ])
        tree.stderr = []
        // Newer than the outputs written now, but what they were built from: up to date.
        #expect(try tree.reasons("build/thumbs/a.webp") == [])
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr.count == 1)
        // Changed again (still in the future): rebuilt, once.
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        tree.disk.setMtime("/t/photos/a.jpg", tree.disk.now() + hour)
        #expect(try tree.reasons("build/thumbs/a.webp") == [.inputNewer("photos/a.jpg")])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
        #expect(try tree.build(["sheet"]).built == [])
    }
}
