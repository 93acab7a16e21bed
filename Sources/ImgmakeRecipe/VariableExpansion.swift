/// Replaces `$(NAME)` references with variable values and `$$` with `$`, in one pass (values are not
/// expanded again). Every character a reference produces carries the column of its `$`.
enum VariableExpansion {
    /// The expanded text and whether it is complete. A reference that fails (undefined name, bad name,
    /// unterminated `$(`, a `$` not followed by `(` or `$`) adds an error to `errors`, expands to nothing,
    /// and makes the result incomplete.
    static func expand(
        _ text: LineText, variables: [String: String], at position: LinePosition,
        errors: inout [RecipeError]
    ) -> (text: LineText, isComplete: Bool) {
        var result = LineText(endColumn: text.endColumn)
        var isComplete = true
        let characters = text.characters
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = text.columns[index]
            guard character == "$" else {
                result.append(character, column: column)
                index += 1
                continue
            }
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch next {
            case "$":
                result.append("$", column: column)
                index += 2
            case "(":
                guard let close = characters[index...].firstIndex(of: ")") else {
                    errors.append(RecipeError("unterminated '$(': expected ')'", at: position.at(column)))
                    return (result, false)
                }
                let name = String(characters[(index + 2)..<close])
                if let value = reference(name, variables: variables, at: position.at(column), errors: &errors) {
                    for valueCharacter in value { result.append(valueCharacter, column: column) }
                } else {
                    isComplete = false
                }
                index = close + 1
            default:
                errors.append(
                    RecipeError(
                        "'$' must be followed by '(NAME)', or doubled for a literal '$'",
                        at: position.at(column), notes: bracedReferenceNote(characters, dollar: index)))
                isComplete = false
                index += 1
            }
        }
        return (result, isComplete)
    }

    /// The names of the `$(NAME)` references in `characters`, as written (`$$` is a literal `$`; nothing is
    /// expanded and nothing is checked).
    static func referencedNames<Characters: Collection>(in characters: Characters) -> [String]
    where Characters.Element == Character {
        var names: [String] = []
        var index = characters.startIndex
        while index != characters.endIndex {
            let next = characters.index(after: index)
            guard characters[index] == "$", next != characters.endIndex else {
                index = next
                continue
            }
            if characters[next] == "$" {
                index = characters.index(after: next)
            } else if characters[next] == "(", let close = characters[next...].firstIndex(of: ")") {
                names.append(String(characters[characters.index(after: next)..<close]))
                index = characters.index(after: close)
            } else {
                index = next
            }
        }
        return names
    }

    /// The value of `$(name)`, or nil after adding an error.
    private static func reference(
        _ name: String, variables: [String: String], at location: SourceLocation,
        errors: inout [RecipeError]
    ) -> String? {
        guard !name.isEmpty, name.allSatisfy(RecipeNames.isTargetNameCharacter) else {
            errors.append(RecipeError("invalid variable name '\(name)' in '$(...)'", at: location))
            return nil
        }
        guard let value = variables[name] else {
            errors.append(
                RecipeError(
                    "undefined variable '\(name)'", at: location,
                    notes: Suggestions.notes(for: name, in: variables.keys)))
            return nil
        }
        return value
    }

    /// "did you mean '$(NAME)'?" for a shell-style `${NAME}` at `dollar`.
    private static func bracedReferenceNote(_ characters: [Character], dollar: Int) -> [String] {
        guard dollar + 1 < characters.count, characters[dollar + 1] == "{",
            let close = characters[dollar...].firstIndex(of: "}")
        else { return [] }
        return ["did you mean '$(\(String(characters[(dollar + 2)..<close])))'?"]
    }
}
