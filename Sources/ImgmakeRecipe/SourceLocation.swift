/// A place in a recipe file, printed as `FILE:LINE:COLUMN` (1-based line and column; columns count
/// characters (grapheme clusters) of the line, so `é` and `日` count one each and a tab counts one).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as it is shown to the user (relative to the working directory when possible).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// The same place moved `columns` characters to the right (e.g. to a placeholder inside a value).
    public func advanced(by columns: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + columns)
    }
}

/// A value together with where it was written.
public struct Located<Value> {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// An error in a recipe: what is wrong, where, and (when one fits) a suggestion.
/// Printed as `FILE:LINE:COLUMN: error: MESSAGE` followed by indented notes.
public struct RecipeError: Error, CustomStringConvertible, Sendable, Equatable {
    public var location: SourceLocation?
    public var message: String
    /// Extra lines, e.g. "did you mean 'thumbnail'?" or "the other rule is at FILE:LINE:COL".
    public var notes: [String]

    public init(_ message: String, at location: SourceLocation?, notes: [String] = []) {
        self.location = location
        self.message = message
        self.notes = notes
    }

    public var description: String {
        var text = location.map { "\($0): error: \(message)" } ?? "error: \(message)"
        for note in notes { text += "\n    \(note)" }
        return text
    }
}

/// Several recipe errors found in one load; every one is reported.
public struct RecipeErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [RecipeError]
    public init(_ errors: [RecipeError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
