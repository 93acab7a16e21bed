@testable import ImgmakeKit
import Testing

/// The build log: round trips, torn and garbage lines, removals, compaction, logs from several shards.
@Suite struct BuildStateTests {
    func record(_ output: String, at time: Int64, fingerprint: UInt64 = 7) -> BuildRecord {
        BuildRecord(output: output, outputStamp: FileStamp(mtime: time, size: 10), recipeFingerprint: fingerprint,
                    inputs: [InputRecord(path: "photos/a b\t\n\\.jpg", stamp: FileStamp(mtime: 5, size: 3), digest: "")],
                    builtAt: time)
    }

    @Test func codecRoundTripsOddPaths() {
        let original = record("out/é 日本\nx.webp", at: 42)
        let line = BuildLogCodec.encode(original)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(BuildLogCodec.decode(line.dropLast()) == .record(original))
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
        #expect(Set(reloaded.records.keys) == ["a.webp", "b.webp"])
        #expect(reloaded.warnings.count == 1)
        try disk.writeAtomically("/t/.imgmake/log", Array("\u{0}\u{1}garbage\nmore garbage\t123\n".utf8))
        let garbage = BuildState(root: "/t", disk: disk)
        #expect(garbage.records.isEmpty)
        #expect(garbage.isAvailable)
        #expect(garbage.warnings.first?.contains("skipped 2 damaged records") == true)
    }

    @Test func missingStateIsNotAvailable() {
        let state = BuildState(root: "/t", disk: MemoryDisk())
        #expect(!state.isAvailable)
        #expect(state.records.isEmpty)
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
        #expect(reloaded.records["a.webp"]?.recipeFingerprint == 2)
        #expect(reloaded.records["b.webp"] == nil)
    }

    @Test func shardLogsMergeByCopying() throws {
        let disk = MemoryDisk()
        try BuildState(root: "/t", disk: disk, logName: "log.shard-1-of-2").record(record("a.webp", at: 1))
        try BuildState(root: "/t", disk: disk, logName: "log.shard-2-of-2").record(record("b.webp", at: 2))
        let merged = BuildState(root: "/t", disk: disk)
        #expect(Set(merged.records.keys) == ["a.webp", "b.webp"])
        try merged.compactIfNeeded(force: true)
        #expect(disk.list("/t/.imgmake")!.map(\.name) == ["log"])
        #expect(Set(BuildState(root: "/t", disk: disk).records.keys) == ["a.webp", "b.webp"])
    }

    @Test func compactionKeepsOneLinePerOutput() throws {
        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        for time in 1...3000 { try state.record(record("a.webp", at: Int64(time))) }
        try state.compactIfNeeded()
        let lines = try disk.read("/t/.imgmake/log").split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 2)  // header and one record
        #expect(BuildState(root: "/t", disk: disk).records["a.webp"]?.builtAt == 3000)
    }
}
