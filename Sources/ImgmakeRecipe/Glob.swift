/// An input glob such as `photos/**/*.{jpg,png}`, compiled once and matched against `/`-separated paths
/// relative to the same directory as the pattern (absolute paths for an absolute pattern).
///
/// Syntax: `*` (any run of characters within a segment), `?` (one character), `[abc]`, `[a-z]`,
/// `[!abc]` or `[^abc]`, `{a,b}` (alternatives, may nest and may contain `/`), `**` as a whole segment
/// (zero or more directories) and `\x` (a literal `x`). Matching is case-sensitive and byte-exact, unless the
/// pattern starts with `(?i)` (as in regular expressions): then letters match in either case (`(?i)photos/*.jpg`
/// matches `photos/A.JPG`), except in the base, the leading folders without wildcards, which are read as written.
/// Wildcards and `**` never match a segment that starts with `.` (hidden files and folders, `.`, `..`)
/// unless the pattern segment itself starts with a literal `.`; `.` and `..` only match literally.
/// Paths passed in are expected to be normalised (no empty or `.` segments).
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// The brace-free patterns `pattern` stands for (just `[pattern]` when it has no brace group).
    public let alternatives: [String]
    /// The leading directory segments without wildcards that every alternative shares: "photos" for
    /// `photos/**/*.jpg`, "" for `*.jpg`, "photos" for `photos/a.jpg`, "" for `{a,b}/*.jpg`. Starts with `/`
    /// for an absolute pattern. It never includes the last segment, which names files.
    public let base: String
    /// True when any alternative has `*`, `?`, a class or `**` (brace groups alone do not count).
    public let hasWildcards: Bool
    /// The pattern starts with `(?i)`: letters past the base match in either case.
    public let ignoresCase: Bool
    let compiled: [GlobAlternative]

    /// The prefix that makes a pattern case-insensitive.
    public static let ignoreCasePrefix = "(?i)"

    public init(_ pattern: String) throws(GlobError) {
        ignoresCase = pattern.hasPrefix(Self.ignoreCasePrefix)
        let characters = Array(ignoresCase ? pattern.dropFirst(Self.ignoreCasePrefix.count) : Substring(pattern))
        try GlobSyntax.validate(characters[...])
        let expanded = GlobSyntax.expandBraces(characters[...])
        var compiled: [GlobAlternative] = []
        for alternative in expanded { compiled.append(try GlobAlternative(alternative, ignoringCase: ignoresCase)) }
        self.pattern = pattern
        let prefix = ignoresCase ? Self.ignoreCasePrefix : ""
        self.alternatives = expanded.map { prefix + String($0) }
        self.compiled = compiled
        self.hasWildcards = !compiled.allSatisfy(\.isLiteral)
        self.base = Self.commonBase(of: compiled)
    }

    /// The brace-free patterns a pattern stands for: `photos/{a,b{c,d}}/*.jpg` gives `photos/a/*.jpg`,
    /// `photos/bc/*.jpg`, `photos/bd/*.jpg`. Braces without a comma, unclosed braces, escaped braces and
    /// braces inside `[...]` stay as written.
    public static func expandBraces(_ pattern: String) -> [String] {
        let ignoresCase = pattern.hasPrefix(ignoreCasePrefix)
        let rest = Array(ignoresCase ? pattern.dropFirst(ignoreCasePrefix.count) : Substring(pattern))
        return GlobSyntax.expandBraces(rest[...]).map { (ignoresCase ? ignoreCasePrefix : "") + String($0) }
    }

    public var description: String { pattern }

    /// The paths this glob names when it has no wildcards (one per alternative, duplicates removed), so
    /// no directory walk is needed; nil when it has wildcards.
    public var literalPaths: [String]? {
        guard !hasWildcards else { return nil }
        var seen = Set<String>()
        return compiled.map(\.path).filter { seen.insert($0).inserted }
    }

    /// Whether `relativePath` (a file path relative to the glob's directory) matches.
    public func matches(_ relativePath: String) -> Bool {
        var path = relativePath
        return path.withUTF8 { bytes in compiled.indices.contains { compiled[$0].matches(bytes) } }
    }

    /// `matches` of a path given as UTF-8 bytes.
    public func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        compiled.indices.contains { compiled[$0].matches(bytes) }
    }

    /// Whether some path strictly below `relativeDirectory` could match, so a directory walk can skip
    /// the directory when this is false. "" is the glob's own directory.
    public func mayMatchBelow(_ relativeDirectory: String) -> Bool {
        var directory = relativeDirectory
        return directory.withUTF8 { bytes in compiled.indices.contains { compiled[$0].mayMatchBelow(bytes) } }
    }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }

    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    private static func commonBase(of alternatives: [GlobAlternative]) -> String {
        guard let first = alternatives.first,
            alternatives.allSatisfy({ $0.isAbsolute == first.isAbsolute })
        else { return "" }
        var shared = first.literalDirectories
        for alternative in alternatives.dropFirst() {
            let other = alternative.literalDirectories
            let count = zip(shared, other).prefix { $0 == $1 }.count
            shared.removeLast(shared.count - count)
        }
        return (first.isAbsolute ? "/" : "") + shared.joined(separator: "/")
    }
}
