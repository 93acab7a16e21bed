/// The text form of build-log lines. One record per line, tab-separated fields, ending in a checksum of
/// the rest of the line, so that a line torn by a crash (or garbage) is recognised and skipped:
///
///     R <builtAt> <output> <mtime> <size> <recipe-fp> <recipe-file> <n> [<input> <mtime> <size> <digest>]×n <checksum>
///     r <builtAt> <output> <mtime> <size> <recipe-fp> <n> [<input> <mtime> <size> <digest>]×n <checksum>
///     x <builtAt> <output> <checksum>            (the output was removed by `clean`)
///
/// `r` lines (log v1, and records that say no recipe file) have no recipe-file field: they load with `recipe` nil.
/// `H` and `h` lines are `R` and `r` lines with the output's content digest (written by `--check hash` runs)
/// after its size: `H <builtAt> <output> <mtime> <size> <output-digest> <recipe-fp> ...`.
///
/// A record of an output whose function returned a value ends with one more field before the checksum: `=`
/// and the value's JSON text (escaped as paths are).
///
/// Paths escape `\`, tab, newline and carriage return as `\\`, `\t`, `\n`, `\r`.
enum BuildLogCodec {
    static let header = "# imgmake build log v2\n"

    /// One parsed line.
    enum Entry: Equatable {
        case record(BuildRecord)
        case removal(output: String, at: Int64)
    }

    static func encode(_ record: BuildRecord) -> [UInt8] {
        let digest = record.outputDigest
        let kind = digest.isEmpty ? (record.recipe == nil ? "r" : "R") : (record.recipe == nil ? "h" : "H")
        var fields = [
            kind, String(record.builtAt), escape(record.output),
            String(record.outputStamp.mtime), String(record.outputStamp.size),
        ]
        if !digest.isEmpty { fields.append(digest) }
        fields.append(record.recipeFingerprint.hex16)
        if let recipe = record.recipe { fields.append(escape(recipe)) }
        fields.append(String(record.inputs.count))
        for input in record.inputs {
            fields += [escape(input.path), String(input.stamp.mtime), String(input.stamp.size), input.digest]
        }
        if let result = record.result { fields.append("=" + escape(result)) }
        return seal(fields)
    }

    static func encodeRemoval(output: String, at time: Int64) -> [UInt8] {
        seal(["x", String(time), escape(output)])
    }

    /// Decodes one line (without its newline); nil when it is damaged.
    static func decode(_ line: ArraySlice<UInt8>) -> Entry? {
        guard let lastTab = line.lastIndex(of: UInt8(ascii: "\t")) else { return nil }
        let body = line[line.startIndex..<lastTab]
        guard let sum = hex(line[(lastTab + 1)...]), sum == FNV1a.hash(bytes: body) else { return nil }
        var fields = Fields(body)
        guard let kind = fields.next(), kind.count == 1, let builtAt = fields.next().flatMap(decimal),
            let outputField = fields.next()
        else { return nil }
        let output = unescape(outputField)
        switch kind.first {
        case UInt8(ascii: "x"):
            return fields.atEnd ? .removal(output: output, at: builtAt) : nil
        case UInt8(ascii: "r"), UInt8(ascii: "R"), UInt8(ascii: "h"), UInt8(ascii: "H"):
            guard let mtime = fields.next().flatMap(decimal), let size = fields.next().flatMap(decimal) else { return nil }
            var outputDigest = ""
            if kind.first == UInt8(ascii: "h") || kind.first == UInt8(ascii: "H") {
                guard let field = fields.next(), !field.isEmpty else { return nil }
                outputDigest = String(decoding: field, as: UTF8.self)
            }
            guard let fingerprint = fields.next().flatMap(hex) else { return nil }
            var recipe: String?
            if kind.first == UInt8(ascii: "R") || kind.first == UInt8(ascii: "H") {
                guard let field = fields.next() else { return nil }
                recipe = unescape(field)
            }
            guard let count = fields.next().flatMap(decimal), count >= 0, count <= body.count else { return nil }
            var inputs: [InputRecord] = []
            inputs.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let path = fields.next(), let inMtime = fields.next().flatMap(decimal),
                    let inSize = fields.next().flatMap(decimal), let digest = fields.next()
                else { return nil }
                inputs.append(
                    InputRecord(
                        path: unescape(path), stamp: FileStamp(mtime: inMtime, size: inSize),
                        digest: String(decoding: digest, as: UTF8.self)))
            }
            var result: String?
            if !fields.atEnd {
                guard let field = fields.next(), field.first == UInt8(ascii: "="), fields.atEnd else { return nil }
                result = unescape(field.dropFirst())
            }
            return .record(
                BuildRecord(
                    output: output, outputStamp: FileStamp(mtime: mtime, size: size),
                    recipeFingerprint: fingerprint, inputs: inputs, builtAt: builtAt, recipe: recipe,
                    outputDigest: outputDigest, result: result))
        default:
            return nil
        }
    }

    /// The tab-separated fields of a line, one at a time (no array of them is built).
    struct Fields {
        private let bytes: ArraySlice<UInt8>
        private var position: Int
        private var exhausted = false

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.position = bytes.startIndex
        }

        var atEnd: Bool { exhausted }

        mutating func next() -> ArraySlice<UInt8>? {
            guard !exhausted else { return nil }
            var end = position
            while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\t") { end += 1 }
            let field = bytes[position..<end]
            if end == bytes.endIndex { exhausted = true } else { position = end + 1 }
            return field
        }
    }

    /// A signed decimal number written by `String(Int64)`; nil for anything else (or on overflow).
    static func decimal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// An unsigned hexadecimal number of at most 16 digits (lower or upper case); nil for anything else.
    static func hex(_ bytes: ArraySlice<UInt8>) -> UInt64? { HexNumber.parse(bytes) }

    private static func seal(_ fields: [String]) -> [UInt8] {
        var bytes = Array(fields.joined(separator: "\t").utf8)
        let sum = FNV1a.hash(bytes: bytes)
        bytes.append(UInt8(ascii: "\t"))
        bytes += Array(sum.hex16.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func escape(_ path: String) -> String {
        guard path.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return path }
        var out = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(0x5C) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var escaping = false
        for byte in bytes {
            if escaping {
                switch byte {
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                default: out.append(byte)
                }
                escaping = false
            } else if byte == 0x5C {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
