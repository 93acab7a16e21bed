#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every path of a graph, interned once into a small integer (a `PathID`): the bytes of all paths in one
/// arena, each followed by a NUL (so the system calls take them as they are), found again through an
/// open-addressing hash table. Like ninja's and samurai's nodes: the graph, the staleness checker and the
/// stamps work on IDs and arrays indexed by them, and a `String` is made only for what is shown or
/// handed on (`string(_:)`).
///
/// Paths are compared as bytes: two names that differ only in their Unicode normalisation are two files,
/// as the file system sees them.
// Unchecked Sendable: mutated only while the graph is built (by `GraphBuilder`, on one thread); read-only afterwards, when the
// staleness checker's stat prefetch reads it from several threads.
package final class PathTable: @unchecked Sendable {
    /// Index of an interned path.
    package typealias ID = Int32

    /// Each path's bytes, then a NUL.
    private var arena: [UInt8] = []
    /// Where each path starts in `arena`; the path's length is `starts[id + 1] - starts[id] - 1`.
    private var starts: [Int32] = [0]
    private var hashes: [UInt32] = []
    /// Open addressing, linear probing: an ID + 1, or 0 for an empty slot. A power of two long.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    package init() {}

    /// How many paths are interned (IDs are `0..<count`).
    package var count: Int { hashes.count }

    /// The ID of `bytes`, interning them when new.
    package func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> ID {
        let hash = Self.hash(bytes)
        var slot = Int(hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = entry - 1
            if hashes[Int(id)] == hash, equals(id, bytes) { return id }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = ID(hashes.count)
        arena.append(contentsOf: bytes)
        arena.append(0)
        starts.append(Int32(arena.count))
        hashes.append(hash)
        slots[slot] = id + 1
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The ID of `path`, interning it when new.
    package func intern(_ path: String) -> ID {
        var path = path
        return path.withUTF8 { intern($0) }
    }

    /// The ID of `bytes` if they are interned.
    package func find(_ bytes: UnsafeBufferPointer<UInt8>) -> ID? {
        let hash = Self.hash(bytes)
        var slot = Int(hash) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let id = entry - 1
            if hashes[Int(id)] == hash, equals(id, bytes) { return id }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The ID of `path` if it is interned.
    package func find(_ path: String) -> ID? {
        var path = path
        return path.withUTF8 { find($0) }
    }

    /// The path as a `String`.
    package func string(_ id: ID) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// The path's bytes from byte `offset` on, as a `String` (a path below a known directory).
    package func string(_ id: ID, from offset: Int) -> String {
        withBytes(id) { String(decoding: UnsafeBufferPointer(rebasing: $0[min(offset, $0.count)...]), as: UTF8.self) }
    }

    /// Calls `body` with the path's bytes (without the NUL that follows them).
    package func withBytes<Result>(_ id: ID, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1]) - 1
        return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    package func withCString<Result>(_ id: ID, _ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        let start = Int(starts[Int(id)])
        return try arena.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("an interned path has bytes") }
            return try (base + start).withMemoryRebound(to: CChar.self, capacity: buffer.count - start) { try body($0) }
        }
    }

    /// Where the path's last segment starts (after its last `/`).
    package func nameStart(_ id: ID) -> Int { withBytes(id) { GraphBytes.fileNameStart($0) } }

    /// Calls `body` with the arena's first byte and where path `id` starts in it: `base + start(id)` is the
    /// path as a C string, `base + start(id) + nameStart(id)` its name.
    package func withArena<Result>(_ body: (UnsafePointer<UInt8>) throws -> Result) rethrows -> Result {
        try arena.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("withArena on an empty table") }
            return try body(base)
        }
    }

    package func start(_ id: ID) -> Int { Int(starts[Int(id)]) }

    /// `ids` in byte order of their paths (unchanged when already sorted).
    package func sorted(_ ids: [ID]) -> [ID] {
        arena.withUnsafeBufferPointer { arena in
            starts.withUnsafeBufferPointer { starts in
                guard let base = arena.baseAddress else { return ids }
                func precedes(_ a: ID, _ b: ID) -> Bool {
                    let x = Int(starts[Int(a)])
                    let y = Int(starts[Int(b)])
                    let xCount = Int(starts[Int(a) + 1]) - x - 1
                    let yCount = Int(starts[Int(b) + 1]) - y - 1
                    let order = memcmp(base + x, base + y, min(xCount, yCount))
                    return order != 0 ? order < 0 : xCount < yCount
                }
                for offset in ids.indices.dropFirst() where !precedes(ids[offset - 1], ids[offset]) {
                    return ids.sorted(by: precedes)
                }
                return ids
            }
        }
    }

    private func equals(_ id: ID, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(id)])
        let length = Int(starts[Int(id) + 1]) - start - 1
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            guard let base = arena.baseAddress, let other = bytes.baseAddress else { return length == 0 }
            return memcmp(base + start, other, length) == 0
        }
    }

    private func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index) + 1
        }
    }

    /// The bytes 8 at a time (then the last few), each word mixed in by a multiply and a shift, folded to 32 bits.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return UInt32(truncatingIfNeeded: hash) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
            offset += 8
        }
        var last: UInt64 = 0
        while offset < bytes.count {
            last = last << 8 | UInt64(bytes[offset])
            offset += 1
        }
        hash = (hash ^ last) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 32
        return UInt32(truncatingIfNeeded: hash)
    }

    /// memcmp order, the shorter first when one is a prefix of the other.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(a.count, b.count)
        if shared > 0, let x = a.baseAddress, let y = b.baseAddress {
            let order = memcmp(x, y, shared)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }
}
