/// One `/`-separated part of a compiled glob, matched against the UTF-8 bytes of one path segment.
enum GlobSegment: Sendable {
    /// No wildcard: the segment must equal these bytes.
    case literal([UInt8])
    /// `**`: zero or more whole segments, none of them hidden.
    case globstar
    /// A segment with `*`, `?` or classes.
    case pattern(GlobSegmentPattern)

    /// Compiles one brace-free, slash-free segment (`**` must be handled by the caller).
    init(_ text: ArraySlice<Character>) throws(GlobError) {
        var tokens: [GlobToken] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(Array(literal.utf8))) }
            literal = ""
        }
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index += 1
            switch character {
            case "\\" where index < text.endIndex:
                literal.append(text[index])
                index += 1
            case "*":
                flush()
                if case .anySequence = tokens.last {} else { tokens.append(.anySequence) }
            case "?":
                flush()
                tokens.append(.anyCharacter)
            case "[":
                guard let close = GlobSyntax.classEnd(text, open: index - 1) else {
                    literal.append(character)
                    continue
                }
                flush()
                tokens.append(.characterSet(try GlobSyntax.characterSet(text, open: index - 1, close: close)))
                index = close + 1
            default:
                literal.append(character)
            }
        }
        flush()
        if tokens.count == 1, case .literal(let bytes) = tokens[0] {
            self = .literal(bytes)
        } else {
            let leadingDot: Bool
            if case .literal(let bytes) = tokens.first { leadingDot = bytes.first == GlobBytes.dot } else { leadingDot = false }
            self = .pattern(GlobSegmentPattern(tokens: tokens, allowsHidden: leadingDot))
        }
    }

    /// The segment's text when it is literal.
    var literalText: String? {
        if case .literal(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// Whether the path segment `path[start..<end]` matches (never called for `.globstar`).
    func matches(_ path: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        switch self {
        case .literal(let bytes):
            guard end - start == bytes.count else { return false }
            for offset in 0..<bytes.count where bytes[offset] != path[start + offset] { return false }
            return true
        case .globstar:
            return false
        case .pattern(let pattern):
            return pattern.matches(path, start, end)
        }
    }
}

/// A piece of a wildcard segment.
enum GlobToken: Sendable {
    case literal([UInt8])
    /// `?`: one character (one Unicode scalar, whatever its UTF-8 length).
    case anyCharacter
    /// `*`: any run of characters, possibly empty.
    case anySequence
    /// `[...]`: one character in (or, negated, not in) the set.
    case characterSet(GlobCharacterSet)
}

/// The members of a `[...]` class, as Unicode scalar value ranges.
struct GlobCharacterSet: Sendable {
    var negated: Bool
    var ranges: [ClosedRange<UInt32>]

    func contains(_ scalar: UInt32) -> Bool {
        ranges.contains { $0.contains(scalar) } != negated
    }
}

/// A segment with wildcards, matched with the classic single-backtrack-point algorithm (linear for
/// one `*`, and correct for many because every other token has a fixed length at any position).
struct GlobSegmentPattern: Sendable {
    var tokens: [GlobToken]
    /// True when the pattern starts with a literal `.`: only then may it match a hidden name.
    var allowsHidden: Bool

    func matches(_ path: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if start < end, path[start] == GlobBytes.dot {
            guard allowsHidden, !GlobBytes.isDotOrDotDot(path, start, end) else { return false }
        }
        var token = 0, position = start
        var starToken = -1, starPosition = start
        while position < end {
            if token < tokens.count {
                switch tokens[token] {
                case .anySequence:
                    starToken = token
                    starPosition = position
                    token += 1
                    continue
                case .anyCharacter:
                    position = GlobBytes.nextScalar(path, position, end)
                    token += 1
                    continue
                case .literal(let bytes):
                    if GlobBytes.hasPrefix(path, position, end, bytes) {
                        position += bytes.count
                        token += 1
                        continue
                    }
                case .characterSet(let set):
                    let next = GlobBytes.nextScalar(path, position, end)
                    if set.contains(GlobBytes.scalar(path, position, next)) {
                        position = next
                        token += 1
                        continue
                    }
                }
            }
            guard starToken >= 0 else { return false }
            starPosition = GlobBytes.nextScalar(path, starPosition, end)
            position = starPosition
            token = starToken + 1
        }
        while token < tokens.count, case .anySequence = tokens[token] { token += 1 }
        return token == tokens.count
    }
}

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

    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ prefix: [UInt8]) -> Bool {
        guard end - start >= prefix.count else { return false }
        for offset in 0..<prefix.count where prefix[offset] != bytes[start + offset] { return false }
        return true
    }

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
