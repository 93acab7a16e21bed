// libFuzzer target: the bytes are `.imgmake/log` (and, split at the first 0xFF byte, a second log from a
// sharded run). BuildState loads them, then records, forgets, compacts and reloads. It must never crash;
// every record it returns must re-encode and decode to an equal record; records, forgets and compaction
// must survive a reload exactly.
import Foundation

@testable import ImgmakeCore
@testable import ImgmakeTestSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let disk = MemoryDisk()
    disk.write("/t/Imgmakefile", "")
    if let split = bytes.firstIndex(of: 0xFF) {
        disk.write("/t/.imgmake/log", bytes: Array(bytes[..<split]))
        disk.write("/t/.imgmake/log.shard-1-of-2", bytes: Array(bytes[(split + 1)...]))
    } else {
        disk.write("/t/.imgmake/log", bytes: bytes)
    }
    disk.advance()

    let state = BuildState(root: "/t", disk: disk)
    for (output, record) in state.allRecords() {
        check(record.output == output, "record keyed by \(output) names \(record.output)")
        roundTrip(record)
    }

    // Record something new, replace an old record, forget one. The state's clock (the MemoryDisk's) may be
    // behind the records' times: a record or removal must still win over what it replaces, in memory and
    // after a reload.
    let before = state.allRecords()
    let fresh = BuildRecord(
        output: "build/new\tone\\.jpg", outputStamp: FileStamp(mtime: 7, size: 9), recipeFingerprint: 42,
        inputs: [InputRecord(path: "photos/a\n.jpg", stamp: FileStamp(mtime: 1, size: 2), digest: "ab")],
        builtAt: disk.now())
    mustSucceed("recording a new record") { try state.record(fresh) }
    check(sameExceptTime(state.allRecords()[fresh.output], fresh), "a new record is not in the state")
    // (A record stamped Int64.max cannot be outdated by a later one: such a time is left alone.)
    if var replaced = before.keys.sorted().first.flatMap({ before[$0] }), replaced.builtAt < .max {
        disk.advance()
        replaced.builtAt = disk.now()
        replaced.recipeFingerprint &+= 1
        mustSucceed("replacing a record") { try state.record(replaced) }
        check(sameExceptTime(state.allRecords()[replaced.output], replaced), "a replaced record did not replace")
    }
    if let victim = before.keys.sorted().last, victim != fresh.output {
        disk.advance()
        mustSucceed("forgetting a record") { try state.forget(victim) }
        check(state.allRecords()[victim] == nil, "a forgotten record is still there")
    }
    let expected = state.allRecords()
    for (output, record) in before where expected[output] == nil && output != before.keys.sorted().last {
        fatalError("record/forget lost an unrelated record: \(record)")
    }
    let reloaded = BuildState(root: "/t", disk: disk)
    check(reloaded.allRecords() == expected, "reload after record/forget lost or changed records: \(diff(expected, reloaded.allRecords()))")

    mustSucceed("compacting") { try reloaded.compactIfNeeded(force: true) }
    let compacted = BuildState(root: "/t", disk: disk)
    check(compacted.allRecords() == expected, "compaction lost or changed records: \(diff(expected, compacted.allRecords()))")
    check(compacted.warnings.isEmpty, "a compacted log has warnings: \(compacted.warnings)")
    return 0
}

/// Encoding a record and decoding the line gives the same record back.
private func roundTrip(_ record: BuildRecord) {
    var line = BuildLogCodec.encode(record)
    check(line.last == UInt8(ascii: "\n"), "encoded record does not end in a newline")
    line.removeLast()
    check(!line.contains(UInt8(ascii: "\n")), "encoded record spans lines: \(record)")
    guard case .record(let decoded)? = BuildLogCodec.decode(line[...]) else {
        fatalError("a record does not decode after encoding: \(record)")
    }
    check(decoded == record, "round trip changed a record:\n  \(record)\n  \(decoded)")
}

private func sameExceptTime(_ a: BuildRecord?, _ b: BuildRecord) -> Bool {
    guard var a else { return false }
    a.builtAt = b.builtAt
    return a == b
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
