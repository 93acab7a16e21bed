import ImgmakeJob
import ImgmakeRecipe

/// Turns the text of a recipe value into the typed value an operation argument wants, or says why not.
enum ValueParser {
    /// `directory` resolves `@path` image values (relative to the recipe file that names them; they are inputs, so
    /// they may be anywhere).
    static func parse(_ text: String, quoted: Bool, as type: ArgumentType, directory: String) throws(ValueError) -> OperationValue {
        func fail(_ what: String) -> ValueError { ValueError(message: "'\(text)' is not \(what)", suggestion: nil) }
        if quoted, type != .string, !isTextual(type) {
            throw ValueError(message: "a quoted value is a string, but this argument takes \(type)", suggestion: nil)
        }
        switch type {
        case .int(let min, let max):
            guard let value = Int(text) else { throw fail("an integer") }
            guard value >= min, value <= max else {
                throw ValueError(message: "\(value) is out of range (\(min) to \(max))", suggestion: nil)
            }
            return .int(value)
        case .double(let min, let max):
            guard let value = Double(text), value.isFinite else { throw fail("a number") }
            guard value >= min, value <= max else {
                throw ValueError(message: "\(text) is out of range (\(min) to \(max))", suggestion: nil)
            }
            return .double(value)
        case .bool:
            guard let value = ValueWords.boolean(text) else { throw fail("true or false") }
            return .bool(value)
        case .string:
            return .string(text)
        case .enumeration(_, let nicks):
            if nicks.contains(text) { return .enumeration(text) }
            throw ValueError(
                message: "'\(text)' is not one of \(nicks.joined(separator: ", "))",
                suggestion: Suggestions.closest(to: text, in: nicks))
        case .flags(_, let nicks):
            let parts = text.split(whereSeparator: { $0 == "|" || $0 == "+" || $0 == "," }).map(String.init)
            for part in parts where !nicks.contains(part) {
                throw ValueError(
                    message: "'\(part)' is not one of \(nicks.joined(separator: ", "))",
                    suggestion: Suggestions.closest(to: part, in: nicks))
            }
            return .flags(parts.joined(separator: "|"))
        case .arrayDouble:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, values.count == parts.count else { throw fail("a list of numbers (1,2,3)") }
            return .arrayDouble(values)
        case .arrayInt:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, values.count == parts.count else { throw fail("a list of integers (1,2,3)") }
            return .arrayInt(values)
        case .image:
            guard text.hasPrefix("@"), text.count > 1 else { throw fail("an image (write @path/to/file.png)") }
            return .imageFile(PathName.normalize(PathName.join(directory, String(text.dropFirst()))))
        case .arrayImage:
            let parts = text.split(separator: ",").map(String.init)
            guard !parts.isEmpty, parts.allSatisfy({ $0.hasPrefix("@") && $0.count > 1 }) else {
                throw fail("a list of images (@a.png,@b.png)")
            }
            return .imageFiles(parts.map { PathName.normalize(PathName.join(directory, String($0.dropFirst()))) })
        case .interpolate:
            let kinds = ValueWords.interpolators
            guard kinds.contains(text) else {
                throw ValueError(
                    message: "'\(text)' is not an interpolator (\(kinds.joined(separator: ", ")))",
                    suggestion: Suggestions.closest(to: text, in: kinds))
            }
            return .interpolate(text)
        case .unsupported(let typeName):
            throw ValueError(message: "arguments of type \(typeName) cannot be given in a recipe", suggestion: nil)
        }
    }

    private static func isTextual(_ type: ArgumentType) -> Bool {
        switch type {
        // Images too: `overlay="@my logo.png"` quotes a path with a space (the `@` still marks an image).
        case .string, .enumeration, .flags, .interpolate, .image, .arrayImage: return true
        default: return false
        }
    }
}

/// Why a value does not fit its argument.
struct ValueError: Error {
    var message: String
    var suggestion: String?
}
