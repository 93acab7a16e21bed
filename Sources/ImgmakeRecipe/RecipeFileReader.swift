import Foundation

/// Reads recipe files; the loader goes through it so tests can serve files from memory.
public protocol RecipeFileReader: Sendable {
    /// The UTF-8 text of the file at `absolutePath`. Throw `RecipeFileReadError` (or any error whose
    /// description reads well after "cannot read 'FILE': ").
    func read(_ absolutePath: String) throws -> String
}

/// Why a recipe file could not be read.
public enum RecipeFileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound
    case isDirectory
    case notUTF8
    case unreadable

    public var description: String {
        switch self {
        case .notFound: "no such file"
        case .isDirectory: "it is a directory"
        case .notUTF8: "it is not valid UTF-8"
        case .unreadable: "permission denied or I/O error"
        }
    }
}

/// Reads recipe files from disk.
public struct DiskRecipeFileReader: RecipeFileReader {
    public init() {}

    public func read(_ absolutePath: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else {
            throw RecipeFileReadError.notFound
        }
        if isDirectory.boolValue { throw RecipeFileReadError.isDirectory }
        guard let data = FileManager.default.contents(atPath: absolutePath) else { throw RecipeFileReadError.unreadable }
        guard let text = String(data: data, encoding: .utf8) else { throw RecipeFileReadError.notUTF8 }
        return text
    }
}
