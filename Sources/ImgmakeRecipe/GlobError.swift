/// What is wrong with a glob pattern, and where (a character offset into the pattern).
public enum GlobError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case unclosedClass(offset: Int)
    case unclosedBrace(offset: Int)
    case invalidRange(String, offset: Int)
    case trailingBackslash(offset: Int)

    /// Offset in characters from the start of the pattern.
    public var offset: Int {
        switch self {
        case .empty: 0
        case .unclosedClass(let offset), .unclosedBrace(let offset), .invalidRange(_, let offset),
            .trailingBackslash(let offset):
            offset
        }
    }

    public var description: String {
        switch self {
        case .empty: "empty glob pattern"
        case .unclosedClass: "'[' without a closing ']' in glob (write '[[]' for a literal bracket)"
        case .unclosedBrace: "'{' without a closing '}' in glob (write '\\{' for a literal brace)"
        case .invalidRange(let range, _): "invalid range '\(range)' in glob: the first character comes after the last"
        case .trailingBackslash: "glob ends with a lone '\\'"
        }
    }
}
