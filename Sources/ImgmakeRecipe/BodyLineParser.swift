/// An indented line of a rule body.
enum BodyLine {
    /// `with NAME = VALUE...`
    case axis(MatrixAxis)
    /// `OPERATION ARG...`
    case step(StepSyntax)
}

/// Parses rule body lines. Structural errors are thrown (the line is then dropped); placeholder syntax
/// errors in argument values are added to `errors` and the step is still returned.
enum BodyLineParser {
    static func parse(
        _ text: LineText, at position: LinePosition,
        errors: inout [RecipeError]
    ) throws(RecipeError) -> BodyLine {
        var cursor = LineCursor(text, at: position)
        cursor.skipBlanks()
        if cursor.looks(atKeyword: "with") {
            cursor.advance(by: 4)
            return .axis(try axis(&cursor))
        }
        return .step(try step(&cursor, errors: &errors))
    }

    private static func axis(_ cursor: inout LineCursor) throws(RecipeError) -> MatrixAxis {
        cursor.skipBlanks()
        guard let name = cursor.readName(Template.isNameCharacter) else {
            throw RecipeError(
                "expected a name after 'with'", at: cursor.location,
                notes: ["a matrix line is 'with NAME = VALUE...'"])
        }
        cursor.skipBlanks()
        guard cursor.current == "=" else { throw RecipeError("expected '=' after '\(name.value)'", at: cursor.location) }
        cursor.advance()
        var values: [Located<String>] = []
        while true {
            cursor.skipBlanks()
            if cursor.isAtEnd { break }
            values.append(try cursor.readWord().located(in: cursor.position))
        }
        guard !values.isEmpty else {
            throw RecipeError("expected at least one value for '\(name.value)'", at: cursor.location)
        }
        return MatrixAxis(name: name, values: values)
    }

    private static func step(_ cursor: inout LineCursor, errors: inout [RecipeError]) throws(RecipeError) -> StepSyntax {
        let operationWord = try cursor.readWord()
        guard !operationWord.characters.isEmpty, !operationWord.hasQuotes,
            operationWord.characters.allSatisfy(RecipeNames.isArgumentNameCharacter)
        else {
            throw RecipeError(
                "expected an operation name, found '\(operationWord.text)'",
                at: cursor.position.at(operationWord.startColumn))
        }
        let operation = operationWord.located(in: cursor.position)
        var arguments: [ArgumentSyntax] = []
        // A command's words are argv words (`-quality=80`, `-all=`); a worker's `NAME=VALUE` are its arguments.
        let commandWords = operation.value == "run" || operation.value == "worker"
        while true {
            cursor.skipBlanks()
            if cursor.isAtEnd { break }
            if commandWords {
                let word = try cursor.readWord()
                if operation.value == "worker", isKeywordArgument(word) {
                    arguments.append(try argument(word, at: cursor.position, errors: &errors))
                } else {
                    arguments.append(commandWord(word, at: cursor.position, errors: &errors))
                }
                continue
            }
            if cursor.current == "=" {
                if arguments.isEmpty {
                    throw RecipeError("variable assignments must start in column 1", at: operation.location)
                }
                throw RecipeError("unexpected '='", at: cursor.location, notes: ["write 'name=value' without spaces"])
            }
            arguments.append(try argument(try cursor.readWord(), at: cursor.position, errors: &errors))
        }
        return StepSyntax(operation: operation, arguments: arguments)
    }

    /// Whether a word is `NAME=VALUE` with NAME an identifier (a letter or `_`, then letters, digits, `_`), unquoted.
    private static func isKeywordArgument(_ word: LineWord) -> Bool {
        guard let equals = word.firstUnquoted("="), equals > 0, !word.quoted[..<equals].contains(true) else { return false }
        let name = word.characters[..<equals]
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && name.allSatisfy(\.isASCII)
    }

    /// A whole word of a command, as a bare value (quotes removed); its placeholders are checked.
    private static func commandWord(_ word: LineWord, at position: LinePosition, errors: inout [RecipeError]) -> ArgumentSyntax {
        let value = word.located(from: 0, in: position)
        do {
            _ = try Template(value.value)
        } catch {
            errors.append(RecipeError("argument value: \(error)", at: position.at(word.column(at: error.offset))))
        }
        return ArgumentSyntax(name: nil, value: value, quoted: word.isQuoted(at: 0))
    }

    /// `name=value` (split at the first unquoted `=`) or a bare value. The value's placeholders are checked.
    private static func argument(
        _ word: LineWord, at position: LinePosition,
        errors: inout [RecipeError]
    ) throws(RecipeError) -> ArgumentSyntax {
        var name: Located<String>?
        var valueStart = 0
        if let equals = word.firstUnquoted("=") {
            let nameText = word.characters[..<equals]
            guard !nameText.isEmpty else {
                throw RecipeError("expected an argument name before '='", at: position.at(word.column(at: equals)))
            }
            guard !word.quoted[..<equals].contains(true), nameText.allSatisfy(RecipeNames.isArgumentNameCharacter) else {
                throw RecipeError(
                    "invalid argument name '\(String(nameText))'", at: position.at(word.startColumn),
                    notes: ["argument names use letters, digits, '_' and '-'"])
            }
            valueStart = equals + 1
            guard valueStart < word.characters.count || word.isQuoted(at: valueStart) else {
                throw RecipeError(
                    "expected a value after '='", at: position.at(word.column(at: valueStart)),
                    notes: ["write 'name=value' without spaces; \"\" is an empty string"])
            }
            name = Located(String(nameText), at: position.at(word.startColumn))
        }
        let value = word.located(from: valueStart, in: position)
        do {
            _ = try Template(value.value)
        } catch {
            errors.append(
                RecipeError(
                    "argument value: \(error)",
                    at: position.at(word.column(at: valueStart + error.offset))))
        }
        return ArgumentSyntax(name: name, value: value, quoted: word.isQuoted(at: valueStart))
    }
}
