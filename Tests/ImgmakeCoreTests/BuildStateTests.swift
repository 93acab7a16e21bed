import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// The build log: round trips, torn and garbage lines, removals, compaction, logs from several shards.
@Suite struct BuildStateTests {
    func record(_ output: String, at time: Int64, fingerprint: UInt64 = 7) -> BuildRecord {
        BuildRecord(
            output: output, outputStamp: FileStamp(mtime: time, size: 10), recipeFingerprint: fingerprint,
            inputs: [InputRecord(path: "photos/a b\t\n\\.jpg", stamp: FileStamp(mtime: 5, size: 3), digest: "")],
            builtAt: time)
    }

    @Test func codecRoundTripsOddPaths() {
        let original = record("out/é 日本\nx.webp", at: 42)
        let line = BuildLogCodec.encode(original)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(BuildLogCodec.decode(line.dropLast()) == .record(original))
    }

    @Test func recordsSayTheirRecipeFileAndOldLinesStillLoad() throws {
        var original = record("out/a.webp", at: 42)
        original.recipe = "web\t2.imgmake"
        let line = BuildLogCodec.encode(original)
        #expect(line.first == UInt8(ascii: "R"))
        #expect(BuildLogCodec.decode(line.dropLast()) == .record(original))
        // A line of the v1 log: no recipe-file field, so no recipe file.
        original.recipe = nil
        let old = BuildLogCodec.encode(original)
        #expect(old.first == UInt8(ascii: "r"))
        #expect(BuildLogCodec.decode(old.dropLast()) == .record(original))
    }

    @Test func damagedLinesAreSkippedWithAWarning() throws {
        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        try state.record(record("a.webp", at: 1))
        try state.record(record("b.webp", at: 2))
        // A torn last line, as a crash in the middle of a write leaves it, and some garbage.
        var bytes = try disk.read("/t/.imgmake/log")
        let torn = BuildLogCodec.encode(record("c.webp", at: 3))
        bytes += torn.prefix(torn.count / 2)
        try disk.writeAtomically("/t/.imgmake/log", bytes)
        let reloaded = BuildState(root: "/t", disk: disk)
        #expect(Set(reloaded.allRecords().keys) == ["a.webp", "b.webp"])
        #expect(reloaded.warnings.count == 1)
        try disk.writeAtomically("/t/.imgmake/log", Array("\u{0}\u{1}garbage\nmore garbage\t123\n".utf8))
        let garbage = BuildState(root: "/t", disk: disk)
        #expect(garbage.allRecords().isEmpty)
        #expect(garbage.isAvailable)
        #expect(garbage.warnings.first?.contains("skipped 2 damaged records") == true)
    }

    @Test func missingStateIsNotAvailable() {
        let state = BuildState(root: "/t", disk: MemoryDisk())
        #expect(!state.isAvailable)
        #expect(state.allRecords().isEmpty)
    }

    @Test func newestRecordWinsAndRemovalsForget() throws {
        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        try state.record(record("a.webp", at: 1, fingerprint: 1))
        try state.record(record("a.webp", at: 2, fingerprint: 2))
        try state.record(record("b.webp", at: 3))
        disk.advance(by: 10)
        try state.forget("b.webp")
        let reloaded = BuildState(root: "/t", disk: disk)
        #expect(reloaded.allRecords()["a.webp"]?.recipeFingerprint == 2)
        #expect(reloaded.allRecords()["b.webp"] == nil)
    }

    @Test func shardLogsMergeByCopying() throws {
        let disk = MemoryDisk()
        try BuildState(root: "/t", disk: disk, logName: "log.shard-1-of-2").record(record("a.webp", at: 1))
        try BuildState(root: "/t", disk: disk, logName: "log.shard-2-of-2").record(record("b.webp", at: 2))
        let merged = BuildState(root: "/t", disk: disk)
        #expect(Set(merged.allRecords().keys) == ["a.webp", "b.webp"])
        try merged.compactIfNeeded(force: true)
        // (The shards' journals are folded into the snapshot, then removed; the own journal is emptied.)
        #expect(disk.list("/t/.imgmake")!.map(\.name) == ["log", "snapshot"])
        #expect(Set(BuildState(root: "/t", disk: disk).allRecords().keys) == ["a.webp", "b.webp"])
    }

    @Test func compactionKeepsOneLinePerOutput() throws {
        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        for time in 1...3000 { try state.record(record("a.webp", at: Int64(time))) }
        try state.compactIfNeeded()
        // The journal is folded into a snapshot of one record, then emptied.
        let lines = try disk.read("/t/.imgmake/log").split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 1)  // the header
        #expect(SnapshotReader(try disk.map("/t/.imgmake/snapshot")).recordCount == 1)
        #expect(BuildState(root: "/t", disk: disk).allRecords()["a.webp"]?.builtAt == 3000)
    }
}

/// Two builds of one tree that did not see each other (no lock: an older imgmake, or a copied log).
@Suite struct BuildStateMergeTests {
    func record(_ output: String, at time: Int64, fingerprint: UInt64 = 7, stamp: FileStamp = FileStamp(mtime: 1, size: 10)) -> BuildRecord
    {
        BuildRecord(output: output, outputStamp: stamp, recipeFingerprint: fingerprint, inputs: [], builtAt: time)
    }

    @Test func compactionKeepsWhatAnotherBuildAppended() throws {
        let disk = MemoryDisk()
        try BuildState(root: "/t", disk: disk).record(record("a.webp", at: 1, fingerprint: 1))
        let first = BuildState(root: "/t", disk: disk)
        let second = BuildState(root: "/t", disk: disk)
        try second.record(record("a.webp", at: 2, fingerprint: 2))
        try second.record(record("b.webp", at: 3))
        try first.record(record("c.webp", at: 4))
        try first.compactIfNeeded(force: true)
        let merged = BuildState(root: "/t", disk: disk)
        #expect(Set(merged.allRecords().keys) == ["a.webp", "b.webp", "c.webp"])
        #expect(merged.allRecords()["a.webp"]?.recipeFingerprint == 2)  // not the one `first` had in memory
    }

    @Test func theRecordWhoseOutputIsOnDiskWins() throws {
        // Build A started from the old photo, build B from the new one; B renamed its thumbnail first, then A
        // renamed its own over it, but A appended its record first. The thumbnail on disk is A's, from the
        // old photo: it is stale, whatever the order of the lines.
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg"])
        try tree.build(["thumbs"])
        let old = try #require(BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/a.webp"])
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        let newPhoto = try #require(tree.disk.stamp("/t/photos/a.jpg"))
        tree.disk.advance()
        tree.disk.write("/t/build/thumbs/a.webp", "B's thumbnail")
        let b = try #require(tree.disk.stamp("/t/build/thumbs/a.webp"))
        tree.disk.advance()
        tree.disk.write("/t/build/thumbs/a.webp", "A's thumbnail, from the old photo")
        let a = try #require(tree.disk.stamp("/t/build/thumbs/a.webp"))
        let state = BuildState(root: "/t", disk: tree.disk)
        var recordA = old
        recordA.outputStamp = a
        recordA.builtAt = tree.disk.now()
        try state.record(recordA)
        var recordB = old
        recordB.outputStamp = b
        recordB.inputs = [InputRecord(path: "photos/a.jpg", stamp: newPhoto)]
        recordB.builtAt = tree.disk.now() + 1
        try state.record(recordB)
        #expect(try tree.reasons("build/thumbs/a.webp") == [.inputReplaced("photos/a.jpg")])
    }
}
