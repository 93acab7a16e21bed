/// One `/`-separated part of a compiled glob, matched against the UTF-8 bytes of one path segment.
enum GlobSegment: Sendable {
    /// No wildcard: the segment must equal these bytes.
    case literal([UInt8])
    /// `**`: zero or more whole segments, none of them hidden.
    case globstar
    /// A segment with `*`, `?` or classes.
    case pattern(GlobSegmentPattern)

    /// Compiles one brace-free, slash-free segment (`**` must be handled by the caller). `ignoringCase`: each
    /// letter with another case is the class of both (`a` is `[aA]`), and each class holds both cases.
    init(_ text: ArraySlice<Character>, ignoringCase: Bool = false) throws(GlobError) {
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
                let set = try GlobSyntax.characterSet(text, open: index - 1, close: close)
                tokens.append(.characterSet(ignoringCase ? set.ignoringCase : set))
                index = close + 1
            default:
                if ignoringCase, let cases = GlobCharacterSet.cases(of: character) {
                    flush()
                    tokens.append(.characterSet(cases))
                } else {
                    literal.append(character)
                }
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
            return end - start == bytes.count && GlobBytes.equal(path, start, bytes)
        case .globstar:
            return false
        case .pattern(let pattern):
            return pattern.matches(path, start, end)
        }
    }
}
