#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Loads a recipe file (README's *The recipe language*) and the files it includes into a `Recipe`: variables substituted,
/// lines parsed, globs and placeholder syntax checked. Nothing is checked against libvips or the disk.
public struct RecipeLoader: Sendable {
    public let reader: any RecipeFileReader

    public init(reader: any RecipeFileReader = DiskRecipeFileReader()) {
        self.reader = reader
    }

    /// Loads `file` (relative paths resolve against the current directory).
    ///
    /// - Parameters:
    ///   - overrides: `NAME=VALUE` from the command line; they win over assignments in the files.
    ///   - displayRelativeTo: error locations show files relative to this directory (normally the current
    ///     one) when given, absolute otherwise.
    /// - Throws: `RecipeErrors` with every error found, each at `FILE:LINE:COLUMN`.
    public func load(
        file: String, overrides: [String: String] = [:],
        displayRelativeTo: String? = nil
    ) throws(RecipeErrors) -> Recipe {
        let currentDirectory = FileManager.default.currentDirectoryPath
        let topFile = PathName.absolute(file, from: currentDirectory)
        var session = LoadSession(
            reader: reader, overrides: overrides,
            displayDirectory: displayRelativeTo.map { PathName.absolute($0, from: currentDirectory) })
        session.read(file: topFile, includedAt: nil)
        guard session.errors.isEmpty else { throw RecipeErrors(session.errors) }
        return Recipe(
            rootDirectory: PathName.directory(of: topFile), topFile: topFile, files: session.files,
            rules: session.rules, groups: session.groups, defaultTarget: session.defaultTarget,
            variables: session.variables, variableNames: session.variableNames)
    }

    /// The names of the rules, then the groups, that `load(file:)` would define, for completion: only the lines
    /// that define names are read (variable assignments, includes, rule and group lines); steps, `with` lines,
    /// output patterns and input globs are neither parsed nor checked. nil when the lines read have errors.
    public func targetNames(file: String) -> [String]? {
        let topFile = PathName.absolute(file, from: FileManager.default.currentDirectoryPath)
        var session = LoadSession(reader: reader, overrides: [:], displayDirectory: nil, namesOnly: true)
        session.read(file: topFile, includedAt: nil)
        guard session.errors.isEmpty else { return nil }
        return session.rules.map(\.name.value) + session.groups.map(\.name.value)
    }
}
