import ImgmakeCore

/// Splits shell input into commands and words, as a POSIX shell would for the simple cases:
/// blanks separate words; `'...'` keeps everything literally; `"..."` keeps everything but `\"` and `\\`;
/// a backslash outside quotes escapes the next character; `;` and newlines outside quotes end a command;
/// `#` at the start of a word starts a comment that runs to the end of the line.
enum ShellLexer {
    struct SyntaxError: StatusError {
        var description: String
        var status: ExitStatus { .usage }
    }

    /// The commands of `text`, each a list of words (quotes removed). Empty commands are left out.
    static func commands(_ text: String) throws -> [[String]] {
        try checkedScan(text).commands.filter { !$0.isEmpty }
    }

    /// The scan of `text`, when its quotes and escapes are closed.
    private static func checkedScan(_ text: String) throws -> Scan {
        let scan = scan(text)
        if let quote = scan.openQuote {
            throw SyntaxError(description: "unterminated \(quote == "'" ? "single" : "double") quote")
        }
        if scan.danglingEscape {
            throw SyntaxError(description: "a backslash at the end of the line escapes nothing")
        }
        return scan
    }

    /// The commands of `text` with their raw text (quotes kept, comment left out) and where it starts in
    /// `text` (in characters): `try` reads its steps as recipe text, with their columns.
    static func commandsWithText(_ text: String) throws -> [(words: [String], raw: String, offset: Int)] {
        let scan = try checkedScan(text)
        let characters = Array(text)
        return zip(scan.commands, scan.ranges).compactMap { words, range in
            words.isEmpty ? nil : (words, String(characters[range.start..<range.end]), range.start)
        }
    }

    /// For completion: the complete words of the command the cursor is in (after its last `;`), and the
    /// word being typed (unquoted; empty when the text ends with a blank). `text` is the line up to the cursor.
    static func partial(_ text: String) -> (words: [String], current: String) {
        let scan = scan(text)
        var words = scan.commands.last ?? []
        if scan.inWord {
            let current = words.popLast() ?? ""
            return (words, current)
        }
        return (words, "")
    }

    /// Quotes a word so that `commands` reads it back as it is (for echoing history and messages).
    static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { !$0.isWhitespace && !"'\"\\;#$`|&<>(){}*?[]!".contains($0) }
        if plain { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private struct Scan {
        var commands: [[String]] = [[]]
        /// Where each command's text starts and ends in the text (characters; a comment is not part of it).
        var ranges: [(start: Int, end: Int)] = []
        /// True when the text ends inside a word (no blank after it).
        var inWord = false
        var openQuote: Character?
        var danglingEscape = false
    }

    private static func scan(_ text: String) -> Scan {
        var result = Scan()
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        var comment = false

        var position = 0
        var commandStart = 0
        var commentStart: Int?

        func endWord() {
            if inWord { result.commands[result.commands.count - 1].append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            result.ranges.append((commandStart, commentStart ?? position))
            result.commands.append([])
            commandStart = position + 1
            commentStart = nil
        }

        for character in text {
            defer { position += 1 }
            if comment {
                if character == "\n" {
                    comment = false
                    endCommand()
                }
                continue
            }
            if escaped {
                // In double quotes only \" and \\ are escapes; otherwise the backslash stays.
                if quote == "\"" && character != "\"" && character != "\\" { word.append("\\") }
                if !(quote == nil && character == "\n") { word.append(character) }  // backslash-newline joins lines
                inWord = true
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    word.append(character)
                }
                continue
            }
            switch character {
            case "\\":
                escaped = true
                inWord = true
            case "'", "\"":
                quote = character
                inWord = true
            case ";", "\n", "\r\n":
                endWord()
                endCommand()
            case "#" where !inWord:
                comment = true
                commentStart = position
            case _ where character.isWhitespace:
                endWord()
            default:
                word.append(character)
                inWord = true
            }
        }
        result.inWord = inWord
        result.openQuote = quote
        result.danglingEscape = escaped
        if inWord { result.commands[result.commands.count - 1].append(word) }
        result.ranges.append((commandStart, commentStart ?? position))
        return result
    }
}
