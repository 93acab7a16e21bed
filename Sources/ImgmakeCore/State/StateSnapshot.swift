/// The binary snapshot of the build state, `.imgmake/snapshot`: every live record, addressable without parsing
/// the others. It is read through `DiskInterface.map` and only the records a run looks up are decoded; every
/// offset read from it is checked against the file's size, and every record carries a checksum verified when it
/// is decoded, so a damaged or truncated snapshot costs only its damaged records (their outputs are rebuilt).
/// It is only ever written whole, under a temporary name renamed over the old one.
///
/// Layout (integers little-endian):
///
///     header (64 bytes)  magic "IMGMKSNP", u32 version (1), u32 header size (64), u64 record count,
///                        u64 slot count (a power of two), u64 records offset (64 + 8 × slots),
///                        u64 records length, u64 index checksum, u64 header checksum (of bytes 0..<56)
///     index              one u64 per slot: 0 (empty), or the key hash's high 32 bits << 32 | (the record's
///                        offset in the records area / 8 + 1); linear probing from (key hash & (slots − 1))
///     records            each at an 8-byte aligned offset: u32 length (of the record, from its start),
///                        u32 checksum (of the bytes after it), u32 key length, the key (the output, UTF-8),
///                        i64 builtAt, i64 output mtime, i64 output size, u64 recipe fingerprint,
///                        string recipe (length 0xFFFF_FFFF: none), string output digest, u32 input count,
///                        per input: string path, i64 mtime, i64 size, string digest; then, when a
///                        function returned a value for the output, string result (its JSON text)
///                        (a string: u32 length, then the UTF-8 bytes)
///
/// When the index or the header is damaged, the records are found by scanning the file for records whose
/// checksum holds (every 8 bytes), and an index of them is built in memory.
enum StateSnapshot {
    static let fileName = "snapshot"
    static let version: UInt32 = 1
    static let headerSize = 64
    /// "IMGMKSNP" read as a little-endian integer.
    static let magic: UInt64 = 0x504E_534B_4D47_4D49
    static let noString: UInt32 = 0xFFFF_FFFF
    /// A record longer than this is damaged (a length field read from a damaged file).
    static let maximumRecordLength = 1 << 30

    /// A 64-bit hash of bytes, a word at a time: each step is a bijection of the state for a given word and of
    /// the word for a given state, so any change confined to one word always changes the hash. For checksums
    /// and the index, not for anything an attacker chooses.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var state: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: count)
        var offset = 0
        while offset + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            state = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
            state ^= state >> 32
            offset += 8
        }
        var tail: UInt64 = 0x80
        var shift: UInt64 = 0
        while offset < count {
            tail ^= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state = (state ^ tail) &* 0x9E37_79B9_7F4A_7C15
        state ^= state >> 29
        state = state &* 0xBF58_476D_1CE4_E5B9
        return state ^ (state >> 32)
    }

    static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let value = hash(bytes)
        return UInt32(truncatingIfNeeded: value ^ (value >> 32))
    }

    /// The header checksum: of bytes 0..<56, the version field read as `version`.
    static func headerChecksum(_ bytes: UnsafeRawBufferPointer, version: UInt32) -> UInt64 {
        var header = [UInt8](repeating: 0, count: 56)
        header.withUnsafeMutableBytes { copy in
            copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<56]))
            copy.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
        }
        return header.withUnsafeBytes { hash($0) }
    }
}

/// Writes a snapshot: records are added one by one (encoded, or copied as they are from another snapshot), then
/// `finish` lays out the index and the header. The caller adds each output at most once.
struct SnapshotWriter {
    private var area: [UInt8] = []
    private var entries: [(hash: UInt64, offset: Int)] = []

    var count: Int { entries.count }

    mutating func add(_ record: BuildRecord) {
        let start = area.count
        area += [UInt8](repeating: 0, count: 8)  // length and checksum, filled in below
        string(record.output)
        integer(UInt64(bitPattern: record.builtAt))
        integer(UInt64(bitPattern: record.outputStamp.mtime))
        integer(UInt64(bitPattern: record.outputStamp.size))
        integer(record.recipeFingerprint)
        if let recipe = record.recipe { string(recipe) } else { word(StateSnapshot.noString) }
        string(record.outputDigest)
        word(UInt32(truncatingIfNeeded: record.inputs.count))
        for input in record.inputs {
            string(input.path)
            integer(UInt64(bitPattern: input.stamp.mtime))
            integer(UInt64(bitPattern: input.stamp.size))
            string(input.digest)
        }
        if let result = record.result { string(result) }
        seal(from: start, hash: StateSnapshot.hash(record.output))
    }

    /// Adds a record as another snapshot holds it (checked by the reader), with its key's hash.
    mutating func add(raw: UnsafeRawBufferPointer, keyHash: UInt64) {
        let start = area.count
        area.append(contentsOf: raw)
        pad()
        entries.append((keyHash, start))
    }

    /// The snapshot's bytes. Throws when the records do not fit the index's 32-bit offsets (32 GB).
    func finish() throws -> [UInt8] {
        guard area.count / 8 < Int(UInt32.max) - 1 else { throw DiskError(StateSnapshot.fileName, "too many records for one snapshot") }
        var slots = 8
        while slots < 2 * entries.count { slots *= 2 }
        var index = [UInt64](repeating: 0, count: slots)
        let mask = UInt64(slots - 1)
        for entry in entries {
            var slot = Int(entry.hash & mask)
            while index[slot] != 0 { slot = (slot + 1) & (slots - 1) }
            index[slot] = (entry.hash >> 32) << 32 | UInt64(entry.offset / 8 + 1)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(StateSnapshot.headerSize + slots * 8 + area.count)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        put(StateSnapshot.magic)
        put(StateSnapshot.version)
        put(UInt32(StateSnapshot.headerSize))
        put(UInt64(entries.count))
        put(UInt64(slots))
        put(UInt64(StateSnapshot.headerSize + slots * 8))
        put(UInt64(area.count))
        let indexBytes = index.map(\.littleEndian)
        put(indexBytes.withUnsafeBytes { StateSnapshot.hash($0) })
        put(bytes.withUnsafeBytes { StateSnapshot.headerChecksum($0, version: StateSnapshot.version) })
        indexBytes.withUnsafeBytes { bytes += $0 }
        bytes += area
        return bytes
    }

    private mutating func seal(from start: Int, hash: UInt64) {
        let length = UInt32(area.count - start)
        let sum = area.withUnsafeBytes { StateSnapshot.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 8)...])) }
        area.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: length.littleEndian, toByteOffset: start, as: UInt32.self)
            bytes.storeBytes(of: sum.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
        pad()
        entries.append((hash, start))
    }

    private mutating func pad() {
        while area.count % 8 != 0 { area.append(0) }
    }

    private mutating func word(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { area += $0 } }
    private mutating func integer(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { area += $0 } }
    private mutating func string(_ value: String) {
        word(UInt32(truncatingIfNeeded: value.utf8.count))
        area += value.utf8
    }
}

/// Reads a snapshot in place. Never traps on any bytes: every read is bounds-checked, and what does not check
/// out is reported (`problem`, `lookup`'s `.damaged`) and treated as absent. (A class: a lookup copies nothing.)
final class SnapshotReader {
    enum Lookup {
        case absent
        /// The output's record is there but fails its checksum (or does not decode).
        case damaged
        case found(BuildRecord)
    }

    private let file: MappedFile
    /// Where the records' offsets count from, and where the readable records end.
    private let recordsStart: Int
    private let recordsEnd: Int
    /// Where the index's slots are in the file, or (after damage) an index built in memory.
    private let slotsStart: Int
    private let slotCount: Int
    private let memorySlots: [UInt64]?
    /// What was wrong with the file as a whole (a warning), nil when nothing was.
    let problem: String?
    /// The file says it is of a format version this imgmake does not know: no record is read from it.
    let unknownVersion: UInt32?
    /// How many records the header says the snapshot holds (0 when it cannot be trusted).
    let recordCount: Int

    init(_ file: MappedFile) {
        self.file = file
        let bytes = file.bytes
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let header = StateSnapshot.headerSize
        var problem: String?
        var unknownVersion: UInt32?
        var trusted: (slots: Int, start: Int, length: Int, count: Int)?
        if bytes.count < header {
            problem = "too short for a snapshot (\(bytes.count) bytes)"
        } else if u64(0) != StateSnapshot.magic {
            problem = "not a snapshot (no magic number)"
        } else if StateSnapshot.headerChecksum(bytes, version: u32(8)) != u64(56) {
            // A version this imgmake does not know is a newer format, unless the header checks out as version 1
            // with that field alone damaged.
            if u32(8) > StateSnapshot.version && StateSnapshot.headerChecksum(bytes, version: StateSnapshot.version) != u64(56) {
                unknownVersion = u32(8)
            } else {
                problem = "its header is damaged"
            }
        } else if u32(8) != StateSnapshot.version {
            if u32(8) > StateSnapshot.version { unknownVersion = u32(8) } else { problem = "its header is damaged" }
        } else {
            let slots = u64(24)
            let start = u64(32)
            let length = u64(40)
            let limit = UInt64(Int.max / 16)
            if u32(12) != UInt32(header) || slots == 0 || slots & (slots - 1) != 0 || slots > limit || length > limit
                || start != UInt64(header) + slots * 8 || u64(16) > slots
            {
                problem = "its header is damaged"
            } else {
                trusted = (Int(slots), Int(start), Int(length), Int(u64(16)))
            }
        }
        self.unknownVersion = unknownVersion
        guard unknownVersion == nil else {
            (self.problem, recordsStart, recordsEnd, slotsStart, slotCount, memorySlots, recordCount) = (nil, 0, 0, 0, 0, [], 0)
            return
        }
        var start = header
        var end = bytes.count
        var count = 0
        if let trusted {
            start = trusted.start
            end = min(trusted.start + trusted.length, bytes.count)
            count = trusted.count
            let indexEnd = header + trusted.slots * 8
            let expected = trusted.start + trusted.length
            if indexEnd <= bytes.count
                && StateSnapshot.hash(UnsafeRawBufferPointer(rebasing: bytes[header..<indexEnd])) == u64(48)
            {
                if bytes.count < expected {
                    problem = "it is cut short (\(bytes.count) of \(expected) bytes): the records past the end are lost"
                }
                (self.problem, recordsStart, recordsEnd, slotsStart, slotCount, memorySlots, recordCount) = (
                    problem, start, end, header, trusted.slots, nil, count
                )
                return
            }
            problem = bytes.count < expected ? "it is cut short (\(bytes.count) of \(expected) bytes)" : "its index is damaged"
        }
        // Find the records that check out, every 8 bytes from where the records should start.
        let found = Self.scan(bytes, from: start, to: end)
        var slots = 8
        while slots < 2 * found.count { slots *= 2 }
        var index = [UInt64](repeating: 0, count: slots)
        for (hash, offset) in found {
            var slot = Int(hash & UInt64(slots - 1))
            while index[slot] != 0 { slot = (slot + 1) & (slots - 1) }
            index[slot] = (hash >> 32) << 32 | UInt64((offset - start) / 8 + 1)
        }
        (self.problem, recordsStart, recordsEnd, slotsStart, slotCount, memorySlots, recordCount) = (
            problem, start, end, 0, slots, index, max(count, found.count)
        )
    }

    /// The records whose length and checksum hold, at 8-byte steps (one per key: the first).
    private static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> [(UInt64, Int)] {
        var found: [(UInt64, Int)] = []
        var seen: Set<UInt64> = []
        var offset = start
        while offset + 12 <= end {
            guard let (length, key) = check(bytes, at: offset, end: end) else {
                offset += 8
                continue
            }
            let hash = StateSnapshot.hash(key)
            if seen.insert(hash).inserted || !found.contains(where: { $0.0 == hash && keyBytes(bytes, at: $0.1).elementsEqual(key) }) {
                found.append((hash, offset))
            }
            offset += (length + 7) & ~7
        }
        return found
    }

    /// The length and key of the record at `offset` when its length fits and its checksum holds.
    private static func check(_ bytes: UnsafeRawBufferPointer, at offset: Int, end: Int) -> (Int, UnsafeRawBufferPointer)? {
        guard offset >= 0, offset + 12 <= end else { return nil }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        guard length >= 12, length <= StateSnapshot.maximumRecordLength, length <= end - offset else { return nil }
        let keyLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
        guard keyLength <= length - 12 else { return nil }
        let sum = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard StateSnapshot.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + length)])) == sum else { return nil }
        return (length, UnsafeRawBufferPointer(rebasing: bytes[(offset + 12)..<(offset + 12 + keyLength)]))
    }

    private static func keyBytes(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UnsafeRawBufferPointer {
        let keyLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
        return UnsafeRawBufferPointer(rebasing: bytes[(offset + 12)..<(offset + 12 + keyLength)])
    }

    private func slot(_ index: Int) -> UInt64 {
        if let memorySlots { return memorySlots[index] }
        return UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: slotsStart + index * 8, as: UInt64.self))
    }

    /// The file offset a slot points at, or nil when it points outside the records area.
    private func offset(ofSlot value: UInt64) -> Int? {
        let units = Int(value & 0xFFFF_FFFF) - 1
        guard units >= 0 else { return nil }
        let offset = recordsStart + units * 8
        return offset + 12 <= recordsEnd ? offset : nil
    }

    /// The record of `key`.
    func lookup(_ key: String) -> Lookup {
        switch locate(key) {
        case .found(let offset, let length, let keyLength):
            guard let record = decode(at: offset + 12 + keyLength, end: offset + length, output: key) else { return .damaged }
            return .found(record)
        case .damaged: return .damaged
        case .absent: return .absent
        }
    }

    /// The output stamp in the record of `key`, read without decoding the rest: nil when there is no record,
    /// `.some(nil)` when it is damaged.
    func outputStamp(_ key: String) -> FileStamp?? {
        switch locate(key) {
        case .found(let offset, let length, let keyLength):
            var reader = FieldReader(bytes: file.bytes, position: offset + 12 + keyLength, end: offset + length)
            guard reader.integer() != nil, let mtime = reader.integer(), let size = reader.integer() else { return .some(nil) }
            return FileStamp(mtime: Int64(bitPattern: mtime), size: Int64(bitPattern: size))
        case .damaged: return .some(nil)
        case .absent: return nil
        }
    }

    private enum Location {
        case absent
        case damaged
        /// A record whose key is the one looked up, whose length fits and whose checksum holds.
        case found(offset: Int, length: Int, keyLength: Int)
    }

    private func locate(_ key: String) -> Location {
        var contiguous = key
        return contiguous.withUTF8 { locate(bytes: UnsafeRawBufferPointer($0)) }
    }

    private func locate(bytes wanted: UnsafeRawBufferPointer) -> Location {
        guard slotCount > 0 else { return .absent }
        let hash = StateSnapshot.hash(wanted)
        let tag = hash >> 32
        let bytes = file.bytes
        var index = Int(hash & UInt64(slotCount - 1))
        var damaged = false
        for _ in 0..<slotCount {
            let value = slot(index)
            if value == 0 { break }
            index = (index + 1) & (slotCount - 1)
            guard value >> 32 == tag, let offset = offset(ofSlot: value) else { continue }
            let keyLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
            guard keyLength == wanted.count, offset + 12 + keyLength <= recordsEnd,
                Self.equal(UnsafeRawBufferPointer(rebasing: bytes[(offset + 12)..<(offset + 12 + keyLength)]), wanted)
            else { continue }
            guard let (length, _) = Self.check(bytes, at: offset, end: recordsEnd) else {
                damaged = true  // (a damaged snapshot repaired from a scan may hold the key again)
                continue
            }
            return .found(offset: offset, length: length, keyLength: keyLength)
        }
        return damaged ? .damaged : .absent
    }

    /// The record of `key` (the output's root-relative path, as bytes), read in place: nil when it is absent,
    /// damaged or does not decode (`lookup` says which). For the no-op's check of every output, which needs a
    /// few fields and the inputs' stamps, not a `BuildRecord` with its strings and array.
    func inPlace(_ key: UnsafeRawBufferPointer) -> RecordView? {
        guard case .found(let offset, let length, let keyLength) = locate(bytes: key) else { return nil }
        return RecordView(file.bytes, from: offset + 12 + keyLength, to: offset + length)
    }

    /// A record's fields after its key, in the mapped file (valid while its reader is), checked to decode as
    /// `decode` would: every field fits and the inputs end where the record does.
    struct RecordView {
        let outputStamp: FileStamp
        let recipeFingerprint: UInt64
        /// The record names the recipe file that made the output.
        let hasRecipe: Bool
        let hasOutputDigest: Bool
        private let bytes: UnsafeRawBufferPointer
        private let inputsStart: Int
        private let inputCount: Int

        fileprivate init?(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
            var reader = FieldReader(bytes: bytes, position: start, end: end)
            guard reader.integer() != nil, let mtime = reader.integer(), let size = reader.integer(),
                let fingerprint = reader.integer(), let recipeLength = reader.word()
            else { return nil }
            if recipeLength != StateSnapshot.noString { guard reader.skip(length: recipeLength) else { return nil } }
            guard let digestLength = reader.word(), reader.skip(length: digestLength), let count = reader.word() else { return nil }
            let inputsStart = reader.position
            for _ in 0..<count {
                guard let pathLength = reader.word(), reader.skip(length: pathLength), reader.integer() != nil,
                    reader.integer() != nil, let digestLength = reader.word(), reader.skip(length: digestLength)
                else { return nil }
            }
            guard reader.position == end else { return nil }
            self.outputStamp = FileStamp(mtime: Int64(bitPattern: mtime), size: Int64(bitPattern: size))
            self.recipeFingerprint = fingerprint
            self.hasRecipe = recipeLength != StateSnapshot.noString
            self.hasOutputDigest = digestLength > 0
            self.bytes = UnsafeRawBufferPointer(rebasing: bytes[..<end])
            self.inputsStart = inputsStart
            self.inputCount = Int(count)
        }

        /// The stamp recorded for the first input whose path is `path` (root-relative bytes), and whether it has
        /// a digest; nil when the record names no such input.
        func input(_ path: UnsafeRawBufferPointer) -> (stamp: FileStamp, hasDigest: Bool)? {
            var reader = FieldReader(bytes: bytes, position: inputsStart, end: bytes.count)
            for _ in 0..<inputCount {  // (init checked that every field fits)
                guard let pathLength = reader.word() else { return nil }
                let pathStart = reader.position
                guard reader.skip(length: pathLength), let mtime = reader.integer(), let size = reader.integer(),
                    let digestLength = reader.word(), reader.skip(length: digestLength)
                else { return nil }
                if Int(pathLength) == path.count,
                    SnapshotReader.equal(UnsafeRawBufferPointer(rebasing: bytes[pathStart..<(pathStart + path.count)]), path)
                {
                    return (FileStamp(mtime: Int64(bitPattern: mtime), size: Int64(bitPattern: size)), digestLength > 0)
                }
            }
            return nil
        }
    }

    /// Two byte ranges of one length are equal (8 bytes at a time).
    fileprivate static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let count = a.count
        var offset = 0
        while offset + 8 <= count {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < count {
            guard a[offset] == b[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Every record that checks out, as it is in the file (with its key and the key's hash), in index order;
    /// returns how many the index points at that do not.
    @discardableResult
    func forEachRaw(_ body: (_ key: UnsafeRawBufferPointer, _ hash: UInt64, _ raw: UnsafeRawBufferPointer) -> Void) -> Int {
        forEachValid { key, offset, length in
            body(key, StateSnapshot.hash(key), UnsafeRawBufferPointer(rebasing: file.bytes[offset..<(offset + length)]))
        }
    }

    /// Every record that checks out, decoded; returns how many do not.
    @discardableResult
    func forEachRecord(_ body: (BuildRecord) -> Void) -> Int {
        forEachValid { key, offset, length in
            let output = String(decoding: key, as: UTF8.self)
            if let record = decode(at: offset + 12 + key.count, end: offset + length, output: output) { body(record) }
        }
    }

    /// The key, offset and length of every record the index points at that checks out and decodes; returns how
    /// many do not.
    private func forEachValid(_ body: (_ key: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> Void) -> Int {
        var damaged = 0
        for index in 0..<slotCount {
            let value = slot(index)
            if value == 0 { continue }
            guard let offset = offset(ofSlot: value), let (length, key) = Self.check(file.bytes, at: offset, end: recordsEnd),
                decodes(at: offset, length: length, keyLength: key.count)
            else {
                damaged += 1
                continue
            }
            body(key, offset, length)
        }
        return damaged
    }

    private func decodes(at offset: Int, length: Int, keyLength: Int) -> Bool {
        decode(at: offset + 12 + keyLength, end: offset + length, output: "") != nil
    }

    /// The fields after the key, from `start` to `end` (the record's end); nil when they do not fit.
    private func decode(at start: Int, end: Int, output: String) -> BuildRecord? {
        var reader = FieldReader(bytes: file.bytes, position: start, end: end)
        guard let builtAt = reader.integer(), let mtime = reader.integer(), let size = reader.integer(),
            let fingerprint = reader.integer(), let recipeLength = reader.word()
        else { return nil }
        var recipe: String?
        if recipeLength != StateSnapshot.noString {
            guard let text = reader.string(length: recipeLength) else { return nil }
            recipe = text
        }
        guard let digestLength = reader.word(), let outputDigest = reader.string(length: digestLength),
            let count = reader.word(), Int(count) <= (end - reader.position) / 24
        else { return nil }
        var inputs: [InputRecord] = []
        inputs.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let pathLength = reader.word(), let path = reader.string(length: pathLength),
                let inMtime = reader.integer(), let inSize = reader.integer(), let digestLength = reader.word(),
                let digest = reader.string(length: digestLength)
            else { return nil }
            inputs.append(
                InputRecord(
                    path: path, stamp: FileStamp(mtime: Int64(bitPattern: inMtime), size: Int64(bitPattern: inSize)),
                    digest: digest))
        }
        var result: String?
        if reader.position != end {
            guard let length = reader.word(), let text = reader.string(length: length) else { return nil }
            result = text
        }
        guard reader.position == end else { return nil }
        return BuildRecord(
            output: output, outputStamp: FileStamp(mtime: Int64(bitPattern: mtime), size: Int64(bitPattern: size)),
            recipeFingerprint: fingerprint, inputs: inputs, builtAt: Int64(bitPattern: builtAt), recipe: recipe,
            outputDigest: outputDigest, result: result)
    }

    /// Bounds-checked little-endian reads from `position` up to `end`.
    private struct FieldReader {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let end: Int

        mutating func word() -> UInt32? {
            guard end - position >= 4 else { return nil }
            defer { position += 4 }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        }

        mutating func integer() -> UInt64? {
            guard end - position >= 8 else { return nil }
            defer { position += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        }

        mutating func skip(length: UInt32) -> Bool {
            guard Int(length) <= end - position else { return false }
            position += Int(length)
            return true
        }

        mutating func string(length: UInt32) -> String? {
            let length = Int(length)
            guard length <= end - position else { return nil }
            defer { position += length }
            if length == 0 { return "" }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)]), as: UTF8.self)
        }
    }
}
