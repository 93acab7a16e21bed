/// The 64-bit FNV-1a hash: a fast, well-known non-cryptographic hash, used for recipe fingerprints and
/// for the checksum that guards each build-log record against torn writes. Not for file contents.
struct FNV1a: Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    init() {}

    mutating func combine<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        var h = value
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        value = h
    }

    mutating func combine(_ text: String) {
        combine(text.utf8)
        combine(CollectionOfOne(0))
    }

    static func hash(_ text: String) -> UInt64 {
        var h = FNV1a()
        h.combine(text.utf8)
        return h.value
    }

    static func hash<S: Sequence>(bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a()
        h.combine(bytes)
        return h.value
    }
}

extension UInt64 {
    /// Sixteen lowercase hex digits.
    var hex16: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
