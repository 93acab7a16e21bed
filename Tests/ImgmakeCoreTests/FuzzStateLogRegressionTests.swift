import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Inputs found by the FuzzStateLog fuzzer (fuzz/, scripts/fuzz.sh), minimized, and what they broke.
@Suite struct FuzzStateLogRegressionTests {
    /// A log written by a machine whose clock is ahead of this one (a restored CI cache, a clock set back).
    /// The record is stamped 2026-11-26; this run's clock (the MemoryDisk's) says 2023-11-14.
    static let logFromTheFuture =
        "# imgmake build log v1\n"
        + "r\t1795678621945075208\tbuild/a.webp\t1795678621944302719\t256\t00000000000000aa\t0\tefe814be10b44eb3\n"

    func loaded() throws -> (MemoryDisk, BuildState) {
        let disk = MemoryDisk()
        try disk.writeAtomically("/t/.imgmake/log", Array(Self.logFromTheFuture.utf8))
        let state = BuildState(root: "/t", disk: disk)
        try #require(state.allRecords()["build/a.webp"]?.recipeFingerprint == 0xaa)
        return (disk, state)
    }

    /// Was: the rebuilt output's record, stamped by this run's clock, lost to the old one on reload ("newest
    /// wins"), so the output looked stale (recipe changed) on every run until the clock caught up.
    @Test func aRecordReplacesAnOlderOneStampedInTheFuture() throws {
        let (disk, state) = try loaded()
        try state.record(
            BuildRecord(
                output: "build/a.webp", outputStamp: FileStamp(mtime: 5, size: 9), recipeFingerprint: 0xbb,
                inputs: [], builtAt: disk.now()))
        #expect(state.allRecords()["build/a.webp"]?.recipeFingerprint == 0xbb)
        #expect(BuildState(root: "/t", disk: disk).allRecords()["build/a.webp"]?.recipeFingerprint == 0xbb)
    }

    /// Was: `clean` wrote a removal stamped before the record, so the record came back on reload.
    @Test func aRemovalOutlivesARecordStampedInTheFuture() throws {
        let (disk, state) = try loaded()
        try state.forget("build/a.webp")
        #expect(state.allRecords().isEmpty)
        #expect(BuildState(root: "/t", disk: disk).allRecords().isEmpty)
        // And built again after the removal, still with the clock behind: the new record wins.
        try state.record(
            BuildRecord(
                output: "build/a.webp", outputStamp: FileStamp(mtime: 5, size: 9), recipeFingerprint: 0xcc,
                inputs: [], builtAt: disk.now()))
        #expect(BuildState(root: "/t", disk: disk).allRecords()["build/a.webp"]?.recipeFingerprint == 0xcc)
    }

    /// A sharded run's compaction keeps its removals, else the other logs' older records would come back.
    @Test func aShardCompactionKeepsRemovals() throws {
        let disk = MemoryDisk()
        try disk.writeAtomically("/t/.imgmake/log", Array(Self.logFromTheFuture.utf8))
        let shard = BuildState(root: "/t", disk: disk, logName: "log.shard-1-of-2")
        try shard.forget("build/a.webp")
        try shard.compactIfNeeded(force: true)
        #expect(BuildState(root: "/t", disk: disk).allRecords().isEmpty)
    }
}
