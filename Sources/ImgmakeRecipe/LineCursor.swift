/// Reads names and words from a `LineText`, left to right.
struct LineCursor {
    let text: LineText
    let position: LinePosition
    private(set) var index = 0

    init(_ text: LineText, at position: LinePosition) {
        self.text = text
        self.position = position
    }

    var isAtEnd: Bool { index >= text.characters.count }

    /// The character under the cursor, nil at the end.
    var current: Character? { isAtEnd ? nil : text.characters[index] }

    /// The source column of the character under the cursor (the end column at the end).
    var column: Int { isAtEnd ? text.endColumn : text.columns[index] }

    var location: SourceLocation { position.at(column) }

    mutating func advance(by count: Int = 1) {
        index = min(index + count, text.characters.count)
    }

    mutating func skipBlanks() {
        while let character = current, RecipeNames.isBlank(character) { advance() }
    }

    /// Whether the text at the cursor is `word` (characters, not necessarily followed by a blank).
    func looks(at word: String) -> Bool {
        text.characters[index...].starts(with: word)
    }

    /// Whether the text at the cursor is the keyword `word` followed by a blank or the end.
    func looks(atKeyword word: String) -> Bool {
        guard looks(at: word) else { return false }
        let after = index + word.count
        return after >= text.characters.count || RecipeNames.isBlank(text.characters[after])
    }

    /// The longest run of characters satisfying `isNameCharacter` at the cursor, or nil if there is none.
    mutating func readName(_ isNameCharacter: (Character) -> Bool) -> Located<String>? {
        let start = index
        let location = self.location
        while let character = current, isNameCharacter(character) { advance() }
        guard index > start else { return nil }
        return Located(String(text.characters[start..<index]), at: location)
    }

    /// The word at the cursor, up to an unquoted blank (or an unquoted `<-` when `stoppingAtArrow`).
    /// `"..."` sections may appear anywhere in the word; inside them `\"`, `\\`, `\n` and `\t` are escapes.
    mutating func readWord(stoppingAtArrow: Bool = false) throws(RecipeError) -> LineWord {
        var word = LineWord(startColumn: column)
        while let character = current {
            if RecipeNames.isBlank(character) || (stoppingAtArrow && looks(at: "<-")) { break }
            if character == "\"" {
                try readQuoted(into: &word)
            } else {
                word.append(character, column: column, quoted: false)
                advance()
            }
        }
        return word
    }

    /// Reads a `"..."` section (the cursor is on its opening quote) into `word`.
    private mutating func readQuoted(into word: inout LineWord) throws(RecipeError) {
        let quoteLocation = location
        word.quoteStarts.append((word.characters.count, quoteLocation.column))
        advance()
        while let character = current {
            let characterColumn = column
            advance()
            switch character {
            case "\"":
                return
            case "\\":
                guard let escaped = current else { break }
                advance()
                guard let replacement = Self.escapes[escaped] else {
                    throw RecipeError(
                        "unknown escape '\\\(escaped)' in a string", at: position.at(characterColumn),
                        notes: ["the escapes are \\\", \\\\, \\n and \\t"])
                }
                word.append(replacement, column: characterColumn, quoted: true)
            default:
                word.append(character, column: characterColumn, quoted: true)
            }
        }
        throw RecipeError("unterminated string", at: quoteLocation, notes: ["add the closing '\"'"])
    }

    private static let escapes: [Character: Character] = ["\"": "\"", "\\": "\\", "n": "\n", "t": "\t"]
}
