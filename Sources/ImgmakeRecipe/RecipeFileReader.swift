#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

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
        var status = stat()
        guard stat(absolutePath, &status) == 0 else { throw RecipeFileReadError.notFound }
        if status.st_mode & S_IFMT == S_IFDIR { throw RecipeFileReadError.isDirectory }
        guard let data = FileManager.default.contents(atPath: absolutePath) else { throw RecipeFileReadError.unreadable }
        guard let text = String(data: data, encoding: .utf8) else { throw RecipeFileReadError.notUTF8 }
        return text
    }
}
