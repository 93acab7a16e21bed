// libFuzzer target: the bytes are `.imgmake/snapshot`, beside a small journal (`.imgmake/log`: a record over one
// of the snapshot's outputs and one of its own). BuildState loads them and must never crash; every record it
// lists must be found by a lookup and survive a snapshot's encoding; then it records, forgets, reloads and
// compacts: the records must be exactly those in memory each time, and a compacted snapshot must load without
// warnings.
import Foundation

@testable import ImgmakeCore
@testable import ImgmakeTestSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let disk = MemoryDisk()
    disk.write("/t/Imgmakefile", "")
    disk.write("/t/.imgmake/snapshot", bytes: bytes)
    let journal = BuildRecord(
        output: "build/journal.webp", outputStamp: FileStamp(mtime: 3, size: 4), recipeFingerprint: 5, inputs: [],
        builtAt: 6, recipe: "Imgmakefile")
    disk.write("/t/.imgmake/log", bytes: Array(BuildLogCodec.header.utf8) + BuildLogCodec.encode(journal))
    disk.advance()

    let state = BuildState(root: "/t", disk: disk)
    let all = state.allRecords()
    var writer = SnapshotWriter()
    for (output, record) in all {
        check(record.output == output, "record keyed by \(output) names \(record.output)")
        check(state.newestRecord(of: output) != nil, "a listed record is not found by a lookup: \(output)")
        writer.add(record)
    }
    mustSucceed("encoding a snapshot") {
        let reader = SnapshotReader(MappedFile(copying: try writer.finish()))
        check(reader.problem == nil && reader.unknownVersion == nil, "a fresh snapshot has a problem: \(reader.problem ?? "")")
        var decoded: [String: BuildRecord] = [:]
        check(reader.forEachRecord { decoded[$0.output] = $0 } == 0, "a fresh snapshot has damaged records")
        check(decoded == all, "a snapshot's round trip changed records: \(diff(all, decoded))")
    }

    // Record something new, replace an old record, forget one (the clock may be behind the records' times).
    let fresh = BuildRecord(
        output: "build/new\tone\\.jpg", outputStamp: FileStamp(mtime: 7, size: 9), recipeFingerprint: 42,
        inputs: [InputRecord(path: "photos/a\n.jpg", stamp: FileStamp(mtime: 1, size: 2), digest: "ab")],
        builtAt: disk.now())
    mustSucceed("recording a new record") { try state.record(fresh) }
    let keys = all.keys.sorted()
    if var replaced = keys.first.flatMap({ all[$0] }), replaced.builtAt < .max {
        disk.advance()
        replaced.builtAt = disk.now()
        replaced.recipeFingerprint &+= 1
        mustSucceed("replacing a record") { try state.record(replaced) }
        check(state.newestRecord(of: replaced.output)?.recipeFingerprint == replaced.recipeFingerprint, "a replaced record did not replace")
    }
    if let victim = keys.last, victim != fresh.output {
        disk.advance()
        mustSucceed("forgetting a record") { try state.forget(victim) }
        check(state.newestRecord(of: victim) == nil, "a forgotten record is still there")
    }
    let expected = state.allRecords()
    let reloaded = BuildState(root: "/t", disk: disk)
    check(reloaded.allRecords() == expected, "reload after record/forget lost or changed records: \(diff(expected, reloaded.allRecords()))")

    mustSucceed("compacting") { try reloaded.compactIfNeeded(force: true) }
    let compacted = BuildState(root: "/t", disk: disk)
    check(compacted.allRecords() == expected, "compaction lost or changed records: \(diff(expected, compacted.allRecords()))")
    check(compacted.warnings.isEmpty, "a compacted snapshot has warnings: \(compacted.warnings)")
    return 0
}

private func diff(_ a: [String: BuildRecord], _ b: [String: BuildRecord]) -> String {
    let keys = Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
    return keys.prefix(3).map { "\($0): \(a[$0].map { "\($0)" } ?? "nil") vs \(b[$0].map { "\($0)" } ?? "nil")" }.joined(separator: "; ")
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

/// Runs `body`, which writes to the MemoryDisk and so cannot fail: an error is a finding (a crash, for libFuzzer).
private func mustSucceed(_ what: String, _ body: () throws -> Void) {
    do { try body() } catch { fatalError("\(what) threw: \(error)") }
}
