/// Character-level glob syntax shared by checking, brace expansion and compiling: escapes (`\x`),
/// classes (`[...]`) and brace groups (`{a,b}`). Indices are absolute indices of the slices passed in.
enum GlobSyntax {
    /// Checks the whole pattern (braces included) so errors carry offsets into the text the user wrote.
    static func validate(_ pattern: ArraySlice<Character>) throws(GlobError) {
        guard !pattern.isEmpty else { throw .empty }
        var openBraces: [Int] = []
        for element in Scan(pattern, from: pattern.startIndex) {
            switch element {
            case .characterClass(let open, let close):
                _ = try characterSet(pattern, open: open, close: close)
            case .character(let index):
                switch pattern[index] {
                case "\\": throw .trailingBackslash(offset: index - pattern.startIndex)
                case "[": throw .unclosedClass(offset: index - pattern.startIndex)
                case "{": openBraces.append(index)
                case "}": _ = openBraces.popLast()
                default: break
                }
            }
        }
        if let open = openBraces.first { throw .unclosedBrace(offset: open - pattern.startIndex) }
    }

    /// The one walk over glob syntax that checking and brace expansion share: from `start`, each character that
    /// is neither escaped (`\x` is stepped over whole) nor inside a closed class (`[...]` comes as one element,
    /// with its bounds). A trailing backslash and a `[` that is never closed come as characters.
    struct Scan: Sequence, IteratorProtocol {
        enum Element {
            case character(Int)
            case characterClass(open: Int, close: Int)
        }

        let pattern: ArraySlice<Character>
        private var index: Int

        init(_ pattern: ArraySlice<Character>, from start: Int) {
            self.pattern = pattern
            index = start
        }

        mutating func next() -> Element? {
            while index < pattern.endIndex {
                let at = index
                if pattern[at] == "\\", at + 1 < pattern.endIndex {
                    index += 2
                    continue
                }
                if pattern[at] == "[", let close = GlobSyntax.classEnd(pattern, open: at) {
                    index = close + 1
                    return .characterClass(open: at, close: close)
                }
                index += 1
                return .character(at)
            }
            return nil
        }
    }

    /// Index of the `]` that closes the class opened at `open`, or nil when there is none before the end
    /// of the path segment. A `]` right after `[` (or `[!`, `[^`) is a member, not the end.
    static func classEnd(_ pattern: ArraySlice<Character>, open: Int) -> Int? {
        var index = open + 1
        if index < pattern.endIndex, pattern[index] == "!" || pattern[index] == "^" { index += 1 }
        if index < pattern.endIndex, pattern[index] == "]" { index += 1 }
        while index < pattern.endIndex {
            switch pattern[index] {
            case "]": return index
            case "/": return nil
            case "\\": index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// The members of the class between `open` (`[`) and `close` (`]`): single characters, ranges
    /// `a-z`, escapes `\]`, and `!` or `^` first to negate.
    static func characterSet(_ pattern: ArraySlice<Character>, open: Int, close: Int) throws(GlobError) -> GlobCharacterSet {
        var index = open + 1
        let negated = pattern[index] == "!" || pattern[index] == "^"
        if negated { index += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        /// The member at `index` (unescaped) and the index after it.
        func member(at index: Int) -> (Character, Int) {
            pattern[index] == "\\" ? (pattern[index + 1], index + 2) : (pattern[index], index + 1)
        }
        while index < close {
            let start = index
            let (low, afterLow) = member(at: index)
            if afterLow + 1 < close, pattern[afterLow] == "-" {
                let (high, afterHigh) = member(at: afterLow + 1)
                guard let lowValue = low.unicodeScalars.first?.value, let highValue = high.unicodeScalars.first?.value else {
                    preconditionFailure("a Character has at least one Unicode scalar")
                }
                guard lowValue <= highValue else {
                    throw .invalidRange("\(low)-\(high)", offset: start - pattern.startIndex)
                }
                ranges.append(lowValue...highValue)
                index = afterHigh
            } else {
                ranges += low.unicodeScalars.map { $0.value...$0.value }
                index = afterLow
            }
        }
        return GlobCharacterSet(negated: negated, ranges: ranges)
    }

    /// Every brace-free pattern that `pattern` stands for, in order (`a{b,c}{d,e}` gives abd abe acd ace).
    /// Braces without a top-level comma, and unclosed ones, stay literal; groups may nest.
    static func expandBraces(_ pattern: ArraySlice<Character>) -> [[Character]] {
        guard let group = firstBraceGroup(pattern) else { return [Array(pattern)] }
        let prefix = pattern[pattern.startIndex..<group.open]
        let suffixes = expandBraces(pattern[(group.close + 1)...])
        var result: [[Character]] = []
        var start = group.open + 1
        for end in group.commas + [group.close] {
            for middle in expandBraces(pattern[start..<end]) {
                for suffix in suffixes { result.append(prefix + middle + suffix) }
            }
            start = end + 1
        }
        return result
    }

    /// A `{...}` group: where it opens and closes and where its top-level commas are.
    struct BraceGroup {
        var open: Int
        var close: Int
        var commas: [Int]
    }

    /// The first brace group that has a top-level comma (escapes and classes skipped).
    private static func firstBraceGroup(_ pattern: ArraySlice<Character>) -> BraceGroup? {
        for case .character(let index) in Scan(pattern, from: pattern.startIndex) where pattern[index] == "{" {
            if let group = braceGroup(pattern, open: index), !group.commas.isEmpty { return group }
        }
        return nil
    }

    /// The group that opens at `open`, or nil when it is never closed.
    private static func braceGroup(_ pattern: ArraySlice<Character>, open: Int) -> BraceGroup? {
        var depth = 0
        var commas: [Int] = []
        for case .character(let index) in Scan(pattern, from: open + 1) {
            switch pattern[index] {
            case "{":
                depth += 1
            case "}":
                if depth == 0 { return BraceGroup(open: open, close: index, commas: commas) }
                depth -= 1
            case "," where depth == 0:
                commas.append(index)
            default:
                break
            }
        }
        return nil
    }
}
