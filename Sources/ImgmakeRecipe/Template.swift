/// A string with `{NAME}` placeholders: an output pattern such as `build/{path}-{w}.webp`, or a step
/// argument value. `{{` and `}}` stand for literal braces. Names are letters, digits and `_`.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    /// One `{NAME}` in the text.
    public struct Placeholder: Sendable, Hashable {
        public var name: String
        /// Offset of the `{` in the template text, in characters (add it to the text's column).
        public var offset: Int

        public init(name: String, offset: Int) {
            self.name = name
            self.offset = offset
        }
    }

    /// A run of literal text (braces already unescaped) or a placeholder.
    public enum Piece: Sendable, Hashable {
        case literal(String)
        case placeholder(Placeholder)
    }

    /// Placeholders every rule provides, derived from each input path (README's *The recipe language*).
    public static let builtinNames: Set<String> = InputPlaceholder.names

    /// The text as written.
    public let text: String
    /// The text split into literal runs and placeholders, in order.
    public let pieces: [Piece]

    /// Parses `text`; throws on `{` without `}`, a lone `}`, `{}` or a name with other characters.
    public init(_ text: String) throws(TemplateError) {
        self.text = text
        self.pieces = try Self.parse(Array(text))
    }

    /// A template of literal text only (braces in it doubled in `text`).
    public init(literal: String) {
        text = literal.replacing("{", with: "{{").replacing("}", with: "}}")
        pieces = literal.isEmpty ? [] : [.literal(literal)]
    }

    public var description: String { text }

    /// Every placeholder, in order of appearance (repeats included).
    public var placeholders: [Placeholder] {
        pieces.compactMap { piece in
            if case .placeholder(let placeholder) = piece { return placeholder }
            return nil
        }
    }

    /// Distinct placeholder names, in order of first appearance.
    public var names: [String] {
        var seen = Set<String>()
        return placeholders.map(\.name).filter { seen.insert($0).inserted }
    }

    /// True when the text has at least one placeholder.
    public var hasPlaceholders: Bool { pieces.contains { if case .placeholder = $0 { true } else { false } } }

    /// The text with every placeholder replaced by its value.
    /// Throws `TemplateError.unknownPlaceholder` for the first name `values` lacks.
    public func expand(_ values: [String: String]) throws(TemplateError) -> String {
        try expand { values[$0] }
    }

    /// The text with every placeholder replaced by `value(name)`; throws for the first name it returns nil for.
    public func expand(_ value: (String) -> String?) throws(TemplateError) -> String {
        var parts: [String] = []
        parts.reserveCapacity(pieces.count)
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                parts.append(literal)
            case .placeholder(let placeholder):
                guard let replacement = value(placeholder.name) else {
                    throw .unknownPlaceholder(placeholder.name, offset: placeholder.offset)
                }
                parts.append(replacement)
            }
        }
        return parts.count == 1 ? parts[0] : String(concatenating: parts)
    }

    /// Where `placeholder` is in the recipe, given where the template text itself starts.
    public func location(of placeholder: Placeholder, in templateLocation: SourceLocation) -> SourceLocation {
        templateLocation.advanced(by: placeholder.offset)
    }

    /// True for the characters a placeholder (and a matrix axis) name may use.
    public static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || ("0"..."9").contains(character)
    }

    private static func parse(_ characters: [Character]) throws(TemplateError) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var index = 0
        func next(_ offset: Int) -> Character? {
            offset < characters.count ? characters[offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "{" where next(index + 1) == "{", "}" where next(index + 1) == "}":
                literal.append(character)
                index += 2
            case "{":
                guard let close = characters[index...].firstIndex(of: "}") else { throw .unclosedBrace(offset: index) }
                let name = String(characters[(index + 1)..<close])
                if name.isEmpty { throw .emptyPlaceholder(offset: index) }
                if !name.allSatisfy(isNameCharacter) { throw .invalidName(name, offset: index) }
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.placeholder(Placeholder(name: name, offset: index)))
                index = close + 1
            case "}":
                throw .unmatchedClosingBrace(offset: index)
            default:
                literal.append(character)
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }
}

/// What is wrong with a template, and where (a character offset into its text).
public enum TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    case unclosedBrace(offset: Int)
    case unmatchedClosingBrace(offset: Int)
    case emptyPlaceholder(offset: Int)
    case invalidName(String, offset: Int)
    /// Raised by `expand`, not by parsing.
    case unknownPlaceholder(String, offset: Int)

    /// Offset in characters from the start of the template text.
    public var offset: Int {
        switch self {
        case .unclosedBrace(let offset), .unmatchedClosingBrace(let offset), .emptyPlaceholder(let offset),
            .invalidName(_, let offset), .unknownPlaceholder(_, let offset):
            offset
        }
    }

    public var description: String {
        switch self {
        case .unclosedBrace: "'{' without a closing '}' (write '{{' for a literal brace)"
        case .unmatchedClosingBrace: "'}' without an opening '{' (write '}}' for a literal brace)"
        case .emptyPlaceholder: "empty placeholder '{}'"
        case .invalidName(let name, _): "invalid placeholder name '\(name)' (use letters, digits and '_')"
        case .unknownPlaceholder(let name, _): "unknown placeholder '{\(name)}'"
        }
    }
}
