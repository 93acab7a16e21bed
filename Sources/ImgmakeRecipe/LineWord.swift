/// One whitespace-separated word of a line, quotes removed and escapes resolved, with the source
/// column and quotedness of every character kept.
struct LineWord {
    var characters: [Character] = []
    var columns: [Int] = []
    var quoted: [Bool] = []
    /// Where each quoted section opened: the index in `characters` it starts at, and the quote's column.
    var quoteStarts: [(index: Int, column: Int)] = []
    /// The column of the word's first source character (a quote, if it starts with one).
    var startColumn: Int

    init(startColumn: Int) {
        self.startColumn = startColumn
    }

    var text: String { String(characters) }

    mutating func append(_ character: Character, column: Int, quoted isQuoted: Bool) {
        characters.append(character)
        columns.append(column)
        quoted.append(isQuoted)
    }

    /// Whether the text from `index` on was written starting with a quote (`name="..."`).
    func isQuoted(at index: Int) -> Bool {
        quoteStarts.contains { $0.index == index }
    }

    /// Whether any part of the word was quoted.
    var hasQuotes: Bool { !quoteStarts.isEmpty }

    /// The column of the character at `index`; for `index == characters.count`, the column after the last
    /// character (or after the opening quote of an empty quoted section there).
    func column(at index: Int) -> Int {
        if index < columns.count { return columns[index] }
        if let quote = quoteStarts.last(where: { $0.index == index }) { return quote.column + 1 }
        return columns.last.map { $0 + 1 } ?? startColumn
    }

    /// Index of the first `character` that was not inside quotes.
    func firstUnquoted(_ character: Character) -> Int? {
        characters.indices.first { characters[$0] == character && !quoted[$0] }
    }

    /// The text from `index` on, located at its first character.
    func located(from index: Int = 0, in position: LinePosition) -> Located<String> {
        Located(String(characters[index...]), at: position.at(column(at: index)))
    }
}
