import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// The binary snapshot under the journals: round trips, lazy lookups, damage of every kind, versions,
/// migration from the text log, compaction's crash and concurrency cases, shards.
@Suite struct StateSnapshotTests {
    static let snapshotPath = "/t/.imgmake/snapshot"
    static let logPath = "/t/.imgmake/log"

    static func record(
        _ output: String, at time: Int64, fingerprint: UInt64 = 7, recipe: String? = "Imgmakefile", digest: String = ""
    ) -> BuildRecord {
        BuildRecord(
            output: output, outputStamp: FileStamp(mtime: time, size: 10 + time), recipeFingerprint: fingerprint,
            inputs: [
                InputRecord(path: "photos/a b\t\n\\.jpg", stamp: FileStamp(mtime: 5, size: 3), digest: digest),
                InputRecord(path: "photos/é 日本.png", stamp: FileStamp(mtime: -6, size: 0)),
            ],
            builtAt: time, recipe: recipe, outputDigest: digest)
    }

    /// A disk whose state is a compacted snapshot of `records` (and no journal).
    static func snapshotDisk(_ records: [BuildRecord]) throws -> MemoryDisk {
        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        for record in records { try state.record(record) }
        try state.compactIfNeeded(force: true)
        #expect(journalIsEmpty(disk))
        #expect(disk.stamp(snapshotPath) != nil)
        return disk
    }

    /// The journal holds its header only (a compaction folded it into the snapshot).
    static func journalIsEmpty(_ disk: DiskInterface) -> Bool {
        (try? disk.read(logPath)) == Array(BuildLogCodec.header.utf8)
    }

    /// Where a record's key is in a snapshot: 12 bytes after the record's 8-aligned start, after its length (an
    /// input path of that name, in another record, follows its length too, but its record comes first here).
    static func keyOffset(_ key: String, in bytes: [UInt8]) -> Int? {
        let key = Array(key.utf8)
        let length = withUnsafeBytes(of: UInt32(key.count).littleEndian, Array.init)
        return Array(stride(from: 12, to: bytes.count - key.count, by: 8)).last { start in
            bytes[(start - 4)..<start].elementsEqual(length) && bytes[start..<(start + key.count)].elementsEqual(key)
        }
    }

    static let sample = [
        record("build/a.webp", at: 1), record("build/b\tc.webp", at: 2, recipe: nil),
        record("build/日本.webp", at: 3, digest: "ab12"), record("d", at: 4, fingerprint: .max),
    ]

    static func byOutput(_ records: [BuildRecord]) -> [String: BuildRecord] {
        Dictionary(uniqueKeysWithValues: records.map { ($0.output, $0) })
    }

    @Test func aSnapshotRoundTripsEveryField() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let state = BuildState(root: "/t", disk: disk)
        #expect(state.allRecords() == Self.byOutput(Self.sample))
        #expect(state.warnings.isEmpty)
        #expect(state.isAvailable)
        #expect(!state.needsRepair)
        for record in Self.sample {
            #expect(state.newestRecord(of: record.output) == record)
            #expect(state.record(of: record.output, onDisk: nil) == record)
        }
        #expect(state.newestRecord(of: "build/none.webp") == nil)
        #expect(state.outputs(recordedBy: "Imgmakefile") == ["build/a.webp", "build/日本.webp", "d"])
        // Empty: still a snapshot, and the state is there.
        let empty = MemoryDisk()
        try empty.writeAtomically(Self.snapshotPath, try SnapshotWriter().finish())
        #expect(BuildState(root: "/t", disk: empty).isAvailable)
        #expect(BuildState(root: "/t", disk: empty).allRecords().isEmpty)
    }

    @Test func theNewestOutputStampIsTheNewestRecordsWithoutDecodingIt() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let state = BuildState(root: "/t", disk: disk)
        try state.record(Self.record("build/a.webp", at: 80))
        try state.forget("d")
        for output in Self.sample.map(\.output) + ["build/none.webp"] {
            #expect(state.newestOutputStamp(of: output) == state.newestRecord(of: output)?.outputStamp, "\(output)")
        }
        #expect(state.newestOutputStamp(of: "build/a.webp") == FileStamp(mtime: 80, size: 90))
        #expect(state.newestOutputStamp(of: "d") == nil)
        #expect(state.newestOutputStamp(of: "build/日本.webp") == FileStamp(mtime: 3, size: 13))
    }

    @Test func manyRecordsAreFoundThroughTheIndex() throws {
        let records = (1...3000).map { Self.record("build/\($0 % 7)/p\($0).webp", at: Int64($0)) }
        let disk = try Self.snapshotDisk(records)
        let state = BuildState(root: "/t", disk: disk)
        for record in records { #expect(state.newestRecord(of: record.output) == record) }
        #expect(state.newestRecord(of: "build/1/p3001.webp") == nil)
        #expect(state.allRecords().count == 3000)
    }

    @Test func loadingDecodesNoRecordUntilItIsLookedUp() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        // Damage the last byte of one record (its last input's digest length): only decoding it can tell.
        var bytes = try disk.read(Self.snapshotPath)
        let key = Array("build/b\tc.webp".utf8)
        let start = try #require(
            (0..<(bytes.count - key.count)).first { bytes[$0..<($0 + key.count)].elementsEqual(key) })
        let length = Int(bytes[start - 12]) | Int(bytes[start - 11]) << 8
        bytes[start - 12 + length - 1] ^= 0x01
        disk.write(Self.snapshotPath, bytes: bytes)
        let state = BuildState(root: "/t", disk: disk)
        #expect(state.warnings.isEmpty)  // nothing was decoded
        #expect(!state.needsRepair)
        #expect(state.newestRecord(of: "build/a.webp") == Self.sample[0])
        #expect(state.warnings.isEmpty)
        #expect(state.newestRecord(of: "build/b\tc.webp") == nil)  // damaged: absent
        #expect(state.warnings.count == 1)
        #expect(state.warnings.first?.contains("skipped damaged record") == true)
        #expect(state.needsRepair)
        _ = state.newestRecord(of: "build/b\tc.webp")
        #expect(state.warnings.count == 1)  // one warning
        // The repair: a compaction drops it, and the next load is quiet.
        try state.compactIfNeeded(force: state.needsRepair)
        let repaired = BuildState(root: "/t", disk: disk)
        #expect(repaired.allRecords() == Self.byOutput(Self.sample.filter { $0.output != "build/b\tc.webp" }))
        #expect(repaired.warnings.isEmpty)
    }

    @Test func aBuildWarnsOnceAboutADamagedRecordRebuildsItsOutputAndRepairsTheSnapshot() throws {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        #expect(try tree.build(["sheet"]).built.count == 3)
        try BuildState(root: "/t", disk: tree.disk).compactIfNeeded(force: true)
        // One byte of a.webp's record (in its key's input path) damaged.
        var bytes = try tree.disk.read(Self.snapshotPath)
        let key = Array("build/thumbs/a.webp".utf8)
        let start = try #require(Self.keyOffset("build/thumbs/a.webp", in: bytes))
        #expect(bytes[start + key.count + 36] == UInt8(ascii: "I"))  // its recipe, "Imgmakefile"
        bytes[start + key.count + 36] ^= 0x20
        tree.disk.write(Self.snapshotPath, bytes: bytes)
        let rebuilt = try tree.build(["sheet"]).built
        #expect(rebuilt == ["build/sheet.jpg", "build/thumbs/a.webp"], "\(rebuilt) \(tree.stderr)")
        #expect(tree.stderr.count == 1, "\(tree.stderr)")
        #expect(tree.stderr.first?.contains("snapshot: skipped damaged record") == true, "\(tree.stderr)")
        // That run rewrote the snapshot: the next one is quiet and builds nothing.
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr.count == 1, "\(tree.stderr)")
    }

    @Test func everyByteFlippedLosesAtMostTheRecordItHits() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let original = try disk.read(Self.snapshotPath)
        let expected = Self.byOutput(Self.sample)
        for index in original.indices {
            var bytes = original
            bytes[index] ^= 0xFF
            disk.write(Self.snapshotPath, bytes: bytes)
            let state = BuildState(root: "/t", disk: disk)
            let loaded = state.allRecords()
            #expect(loaded.allSatisfy { expected[$0.key] == $0.value }, "byte \(index): a record changed")
            #expect(loaded.count >= expected.count - 1, "byte \(index): \(loaded.count) records left")
            #expect(state.isAvailable)
            if loaded.count < expected.count || !state.warnings.isEmpty {
                #expect(state.needsRepair, "byte \(index)")
                // The next compaction repairs it: what was left loads without a warning.
                try state.compactIfNeeded(force: true)
                let repaired = BuildState(root: "/t", disk: disk)
                #expect(repaired.warnings.isEmpty, "byte \(index): \(repaired.warnings)")
                #expect(repaired.allRecords() == loaded, "byte \(index)")
            }
        }
    }

    @Test func everyTruncationLoadsAPrefixOfTheRecords() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let original = try disk.read(Self.snapshotPath)
        let expected = Self.byOutput(Self.sample)
        var previous = 0
        for length in 0...original.count {
            disk.write(Self.snapshotPath, bytes: Array(original.prefix(length)))
            let state = BuildState(root: "/t", disk: disk)
            let loaded = state.allRecords()
            #expect(loaded.allSatisfy { expected[$0.key] == $0.value }, "length \(length)")
            #expect(loaded.count >= previous, "length \(length): fewer records than a shorter file gave")
            previous = loaded.count
            #expect(state.warnings.isEmpty == (length == original.count), "length \(length): \(state.warnings)")
            for record in Self.sample where loaded[record.output] == nil {
                #expect(state.newestRecord(of: record.output) == nil)
            }
        }
        #expect(previous == expected.count)
    }

    @Test func garbageIsNoSnapshotAndNeverACrash() throws {
        let disk = MemoryDisk()
        var seed: UInt64 = 0x1234_5678
        for size in [0, 1, 7, 63, 64, 65, 200, 4096] {
            var bytes: [UInt8] = []
            for _ in 0..<size {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: seed >> 56))
            }
            if size >= 8 { bytes.replaceSubrange(0..<8, with: "IMGMKSNP".utf8) }  // past the magic number too
            disk.write(Self.snapshotPath, bytes: bytes)
            let state = BuildState(root: "/t", disk: disk)
            #expect(state.allRecords().isEmpty)
            #expect(state.newestRecord(of: "build/a.webp") == nil)
            #expect(state.isAvailable)
            #expect(state.warnings.count == 1, "\(size) bytes: \(state.warnings)")
        }
    }

    @Test func aNewerFormatIsIgnoredWithAWarningAndRewrittenOnlyByACompaction() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        var bytes = try disk.read(Self.snapshotPath)
        bytes[8] = 2  // version 2, its header checksum made as version 2 would
        let sum = bytes.withUnsafeBytes { StateSnapshot.headerChecksum($0, version: 2) }
        withUnsafeBytes(of: sum.littleEndian) { bytes.replaceSubrange(56..<64, with: $0) }
        disk.write(Self.snapshotPath, bytes: bytes)
        let state = BuildState(root: "/t", disk: disk)
        #expect(state.allRecords().isEmpty)
        #expect(state.isAvailable)  // so its outputs are rebuilt, not adopted
        #expect(state.warnings.count == 1)
        #expect(state.warnings.first?.contains("written by a newer imgmake (snapshot format 2") == true)
        #expect(!state.needsRepair)
        // A run that builds something appends to its journal; the snapshot stays until a compaction is due.
        try state.record(Self.record("build/a.webp", at: 9))
        try state.compactIfNeeded()
        #expect(try disk.read(Self.snapshotPath) == bytes)
        // A version whose header says nothing this imgmake can check: the same.
        bytes[8] = 200
        bytes[70] ^= 0xFF
        disk.write(Self.snapshotPath, bytes: bytes)
        #expect(BuildState(root: "/t", disk: disk).warnings.first?.contains("snapshot format 200") == true)
        try BuildState(root: "/t", disk: disk).compactIfNeeded(force: true)
        let rewritten = BuildState(root: "/t", disk: disk)
        #expect(rewritten.warnings.isEmpty)
        #expect(Set(rewritten.allRecords().keys) == ["build/a.webp"])
    }

    @Test func aTextLogOfAnOlderImgmakeIsAJournalAndItsFirstRunMakesTheSnapshot() throws {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        #expect(try tree.build(["sheet"]).built.count == 3)
        // The log as a v2 imgmake leaves it after many builds: one line per build, most of them replaced.
        let log = try tree.disk.read(Self.logPath)
        let lines = log.split(separator: UInt8(ascii: "\n")).dropFirst().map { Array($0) + [UInt8(ascii: "\n")] }
        #expect(log.starts(with: Array("# imgmake build log v2\n".utf8)))
        #expect(lines.count == 3)
        tree.disk.write(Self.logPath, bytes: log + Array(repeating: lines, count: 400).flatMap { $0.flatMap { $0 } })
        #expect(tree.disk.stamp(Self.snapshotPath) == nil)
        // The no-op builds nothing, and folds the 1,203 lines into a snapshot.
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr.isEmpty, "\(tree.stderr)")
        #expect(tree.disk.stamp(Self.snapshotPath) != nil)
        #expect(Self.journalIsEmpty(tree.disk))
        #expect(try tree.build(["sheet"]).built == [])
        #expect(tree.stderr.isEmpty, "\(tree.stderr)")
        // And a change is still seen through it.
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test func compactionKeepsWhatAnotherBuildAppendedAndWhatTheSnapshotHad() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let first = BuildState(root: "/t", disk: disk)
        let second = BuildState(root: "/t", disk: disk)  // another build (no lock: an older imgmake)
        try second.record(Self.record("build/a.webp", at: 20, fingerprint: 2))
        try second.record(Self.record("build/new.webp", at: 21))
        try second.forget("d")
        try first.record(Self.record("build/mine.webp", at: 22))
        try first.compactIfNeeded(force: true)
        #expect(Self.journalIsEmpty(disk))
        let merged = BuildState(root: "/t", disk: disk).allRecords()
        #expect(Set(merged.keys) == ["build/a.webp", "build/b\tc.webp", "build/日本.webp", "build/new.webp", "build/mine.webp"])
        #expect(merged["build/a.webp"]?.recipeFingerprint == 2)  // not the snapshot's, nor `first`'s memory of it
    }

    @Test func aKillBetweenTheRenameAndTheJournalsRemovalLosesNothing() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        disk.write("/t/build/a.webp", "old")
        let stamp = try #require(disk.stamp("/t/build/a.webp"))
        var old = Self.record("build/a.webp", at: 30)
        old.outputStamp = stamp
        let state = BuildState(root: "/t", disk: disk)
        try state.record(old)  // the file on disk
        try state.record(Self.record("build/a.webp", at: 31, fingerprint: 3))  // a later build's, not on disk
        try state.record(Self.record("build/x.webp", at: 32))
        try state.forget("d")
        let shard = BuildState(root: "/t", disk: disk, logName: "log.shard-1-of-2")
        try shard.record(Self.record("build/s.webp", at: 33))
        let journals = [Self.logPath, "/t/.imgmake/log.shard-1-of-2"]
        let saved = try journals.map { try disk.read($0) }
        let before = BuildState(root: "/t", disk: disk)
        #expect(before.record(of: "build/a.webp", onDisk: stamp) == old)
        let expected = before.allRecords()
        // The compaction's rename happened, the removals did not: the journals are back beside the new snapshot.
        try BuildState(root: "/t", disk: disk).compactIfNeeded(force: true)
        for (path, bytes) in zip(journals, saved) { disk.write(path, bytes: bytes) }
        let after = BuildState(root: "/t", disk: disk)
        #expect(after.record(of: "build/a.webp", onDisk: stamp) == old)
        #expect(after.allRecords() == expected)
        #expect(after.newestRecord(of: "d") == nil)
        #expect(after.warnings.isEmpty)
        // The next compaction finishes the job: one record each, no journal.
        try after.compactIfNeeded(force: true)
        #expect(disk.list("/t/.imgmake")?.map(\.name) == ["log", "snapshot"])
        #expect(BuildState(root: "/t", disk: disk).allRecords() == expected)
    }

    @Test func aFullDiskDuringCompactionLeavesTheOldSnapshotAndTheJournals() throws {
        let base = try Self.snapshotDisk(Self.sample)
        let disk = FaultyDisk(base)
        let state = BuildState(root: "/t", disk: disk)
        try state.record(Self.record("build/x.webp", at: 40))
        let snapshot = try base.read(Self.snapshotPath)
        let log = try base.read(Self.logPath)
        let expected = state.allRecords()
        disk.writeBudget = 100
        #expect(throws: DiskError.self) { try state.compactIfNeeded(force: true) }
        #expect(disk.failedWrites == 1)
        #expect(try base.read(Self.snapshotPath) == snapshot)
        #expect(try base.read(Self.logPath) == log)
        let reloaded = BuildState(root: "/t", disk: disk)
        #expect(reloaded.allRecords() == expected)
        #expect(reloaded.warnings.isEmpty)
        // The state goes on: a record after the failed compaction is kept.
        try state.record(Self.record("build/y.webp", at: 41))
        #expect(BuildState(root: "/t", disk: disk).allRecords().count == expected.count + 1)
    }

    @Test func shardsNeverWriteTheSnapshotAndTheirJournalsMergeByCopying() throws {
        let cache = try Self.snapshotDisk(Self.sample)
        let snapshot = try cache.read(Self.snapshotPath)
        var shardLogs: [(String, [UInt8])] = []
        for index in 1...2 {
            // Each shard's job restores the cache (the snapshot), builds its part and compacts its own journal.
            let disk = MemoryDisk()
            disk.write(Self.snapshotPath, bytes: snapshot)
            let name = "log.shard-\(index)-of-2"
            let shard = BuildState(root: "/t", disk: disk, logName: name)
            try shard.record(Self.record("build/shard\(index).webp", at: 50 + Int64(index)))
            try shard.record(Self.record("build/a.webp", at: 60 + Int64(index), fingerprint: UInt64(index)))
            if index == 2 { try shard.forget("d") }
            try shard.compactIfNeeded(force: true)
            #expect(try disk.read(Self.snapshotPath) == snapshot, "shard \(index) wrote the snapshot")
            #expect(disk.list("/t/.imgmake")?.map(\.name).sorted() == [name, "snapshot"])
            // Its compacted journal says only what the snapshot does not.
            let lines = try disk.read("/t/.imgmake/" + name).split(separator: UInt8(ascii: "\n")).count
            #expect(lines == (index == 2 ? 4 : 3))
            shardLogs.append((name, try disk.read("/t/.imgmake/" + name)))
        }
        // The fan-in job copies both folders into one tree: the snapshots are the same file.
        let tree = MemoryDisk()
        tree.write(Self.snapshotPath, bytes: snapshot)
        for (name, bytes) in shardLogs { tree.write("/t/.imgmake/" + name, bytes: bytes) }
        let merged = BuildState(root: "/t", disk: tree)
        let records = merged.allRecords()
        #expect(Set(records.keys) == ["build/a.webp", "build/b\tc.webp", "build/日本.webp", "build/shard1.webp", "build/shard2.webp"])
        #expect(records["build/a.webp"]?.recipeFingerprint == 2)
        try merged.compactIfNeeded(force: true)
        #expect(tree.list("/t/.imgmake")?.map(\.name) == ["log", "snapshot"])
        #expect(BuildState(root: "/t", disk: tree).allRecords() == records)
    }

    @Test func hashDigestsSurviveACompaction() throws {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.checkHash = true
        #expect(try tree.build(["sheet"]).built.count == 3)
        let before = BuildState(root: "/t", disk: tree.disk).allRecords()
        #expect(before.values.allSatisfy { !$0.outputDigest.isEmpty })
        try BuildState(root: "/t", disk: tree.disk).compactIfNeeded(force: true)
        #expect(Self.journalIsEmpty(tree.disk))
        #expect(BuildState(root: "/t", disk: tree.disk).allRecords() == before)
        // Restored with new mtimes and the same bytes: still known by content, through the snapshot.
        for output in before.keys { tree.disk.write("/t/" + output, bytes: try tree.disk.read("/t/" + output)) }
        tree.disk.advance()
        #expect(try tree.build(["sheet"]).built == [])
    }

    @Test func aReloadNoticesANewSnapshot() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let waiting = BuildState(root: "/t", disk: disk)
        #expect(waiting.newestRecord(of: "build/x.webp") == nil)
        // Another build, while this one waits for the lock, records and compacts: only the snapshot changed.
        let other = BuildState(root: "/t", disk: disk)
        try other.record(Self.record("build/x.webp", at: 70))
        try other.compactIfNeeded(force: true)
        #expect(Self.journalIsEmpty(disk))
        waiting.reloadIfChanged()
        #expect(waiting.newestRecord(of: "build/x.webp") == Self.record("build/x.webp", at: 70))
    }

    @Test func aPlainRunCompactsWhenItsJournalsPassTheThreshold() throws {
        let disk = try Self.snapshotDisk(Self.sample)
        let state = BuildState(root: "/t", disk: disk)
        for time in 1...1000 { try state.record(Self.record("build/a.webp", at: 100 + Int64(time))) }
        try state.compactIfNeeded()
        #expect(!Self.journalIsEmpty(disk))  // 1,000 lines: not yet
        try state.record(Self.record("build/b.webp", at: 2000))
        try state.compactIfNeeded()
        #expect(Self.journalIsEmpty(disk))
        #expect(BuildState(root: "/t", disk: disk).allRecords().count == Self.sample.count + 1)
    }
}
