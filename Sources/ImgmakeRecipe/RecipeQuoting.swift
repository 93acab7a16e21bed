/// Step words written back as the recipe has to spell them (for `show` and messages): in quotes when a blank,
/// a quote or a leading `#` would otherwise split the word, end it or make it a comment.
package enum RecipeQuoting {
    /// A step's value as the recipe needs it. `quoted` says the recipe quoted it from its start (a string value):
    /// it stays quoted. An `@path` keeps its `@` outside the quotes (`@"my logo.png"`), each `@path` of a list
    /// (`@a.png,@"b c.png"`) on its own; in a `name=value` word only the value is quoted (`--title="a b"`).
    package static func word(_ text: String, quoted: Bool) -> String {
        if quoted { return quote(text) }
        if text.hasPrefix("@") {
            return imagePaths(text).map { "@" + (needsQuotes($0) ? quote($0) : $0) }.joined(separator: ",")
        }
        guard needsQuotes(text) else { return text }
        if let equals = text.firstIndex(of: "="), equals != text.startIndex, !needsQuotes(String(text[..<equals])) {
            return String(text[...equals]) + quote(String(text[text.index(after: equals)...]))
        }
        return quote(text)
    }

    /// `text` in quotes, with the escapes the recipe reads: `\"`, `\\`, `\n`, `\t`.
    package static func quote(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }

    /// Whether an unquoted word would not read back as `text`.
    private static func needsQuotes(_ text: String) -> Bool {
        text.isEmpty || text.hasPrefix("#") || text.contains { RecipeNames.isBlank($0) || $0 == "\"" || $0 == "\n" }
    }

    /// The paths of `@a.png,@b.png` (the text starts with `@`), without their `@`.
    private static func imagePaths(_ text: String) -> [String] {
        var paths: [String] = []
        var current = ""
        var rest = Substring(text.dropFirst())
        while let character = rest.first {
            if character == ",", rest.dropFirst().first == "@" {
                paths.append(current)
                current = ""
                rest = rest.dropFirst(2)
                continue
            }
            current.append(character)
            rest = rest.dropFirst()
        }
        paths.append(current)
        return paths
    }
}
