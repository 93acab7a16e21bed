/// The text of one recipe line, each character paired with the 1-based source column it came from.
/// Characters that a `$(NAME)` reference produced all carry the column of its `$`.
struct LineText {
    var characters: [Character] = []
    var columns: [Int] = []
    /// The column just past the end of the source line, for errors about something missing at the end.
    var endColumn: Int

    /// The characters of `source`, a slice of the line whose index 0 is column 1.
    init(_ source: ArraySlice<Character>) {
        characters = Array(source)
        columns = Array(source.indices.map { $0 + 1 })
        endColumn = source.endIndex + 1
    }

    /// An empty text to append to, for a line that ends at `endColumn`.
    init(endColumn: Int) {
        self.endColumn = endColumn
    }

    mutating func append(_ character: Character, column: Int) {
        characters.append(character)
        columns.append(column)
    }

    /// `line` without its comment: a `#` outside double quotes that starts the line or follows a blank
    /// starts a comment (so `color=#fff` and `a#b.jpg` keep their `#`).
    /// The lines of `text`: where `text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)`
    /// splits it (LF, VT, FF, CR, CR LF, NEL, U+2028, U+2029; each a grapheme cluster of its own), found on the
    /// UTF-8 bytes instead of by grapheme breaking, which costs more than the rest of reading a recipe's names.
    static func lineRanges(of text: String) -> [Range<String.Index>] {
        let bytes = text.utf8
        var ranges: [Range<String.Index>] = []
        var start = bytes.startIndex
        var index = start
        func byte(after index: String.Index) -> UInt8? {
            let next = bytes.index(after: index)
            return next == bytes.endIndex ? nil : bytes[next]
        }
        while index != bytes.endIndex {
            var length = 0
            switch bytes[index] {
            case 0x0A, 0x0B, 0x0C: length = 1
            case 0x0D: length = byte(after: index) == 0x0A ? 2 : 1
            case 0xC2 where byte(after: index) == 0x85: length = 2
            case 0xE2 where byte(after: index) == 0x80:
                let third = byte(after: bytes.index(after: index))
                if third == 0xA8 || third == 0xA9 { length = 3 }
            default: break
            }
            if length == 0 {
                index = bytes.index(after: index)
            } else {
                ranges.append(start..<index)
                index = bytes.index(index, offsetBy: length)
                start = index
            }
        }
        ranges.append(start..<bytes.endIndex)
        return ranges
    }

    static func removingComment(_ line: [Character]) -> ArraySlice<Character> {
        var inQuotes = false
        var index = 0
        while index < line.count {
            switch line[index] {
            case "\\" where inQuotes:
                index += 1
            case "\"":
                inQuotes.toggle()
            case "#" where !inQuotes && (index == 0 || RecipeNames.isBlank(line[index - 1])):
                return line[..<index]
            default:
                break
            }
            index += 1
        }
        return line[...]
    }
}

/// A line of a recipe file, to build `SourceLocation`s from columns.
struct LinePosition {
    /// The file as shown to the user.
    var file: String
    var line: Int

    func at(_ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}
