/// Byte-level helpers over valid UTF-8 (Swift strings always are).
enum GlobBytes {
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")

    /// Index just after the scalar that starts at `index`.
    @inline(__always)
    static func nextScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(index + length, end)
    }

    /// The scalar value encoded in `bytes[start..<end]`.
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32 {
        let lead = UInt32(bytes[start])
        if end - start == 1 { return lead }
        var value = lead & (0xFF >> UInt32(end - start + 1))
        for index in (start + 1)..<end { value = value << 6 | UInt32(bytes[index] & 0x3F) }
        return value
    }

    /// Whether `bytes[start...]` begins with `expected` (the caller checks there is room).
    @inline(__always)
    static func equal<Expected: Collection<UInt8>>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int,
        _ expected: Expected
    ) -> Bool {
        var index = start
        for byte in expected {
            if bytes[index] != byte { return false }
            index += 1
        }
        return true
    }

    /// Whether `bytes[start..<end]`, which starts with a dot, is `.` or `..`.
    static func isDotOrDotDot(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start == 1 || (end - start == 2 && bytes[start + 1] == dot)
    }

    /// Index of the next `/` at or after `index`, or `bytes.count`.
    @inline(__always)
    static func segmentEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var end = index
        while end < bytes.count, bytes[end] != slash { end += 1 }
        return end
    }
}
